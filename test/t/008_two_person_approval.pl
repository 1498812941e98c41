# Two people, two keys, one production cluster with protected operations on: alice asks the
# server which approvals her statement needs (redline request, which changes nothing), bob
# signs one with his own key (redline approve), alice's DROP TABLE goes through with it once
# and only once, and nobody approves for themselves.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp qw(tempdir);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $cli = $ENV{REDLINE_CLI} or die 'REDLINE_CLI is not set';
my $home = tempdir(CLEANUP => 1);
delete $ENV{NO_COLOR};
delete $ENV{PGOPTIONS};

# postgres is the DBA here, exempt so that it can set the scene; alice and bob are people
# whose sessions are not write-locked, so only approvals are in play; carol's is locked.
my $node = redline_node('approve', LOCK => 1, PROTECT => 1,
	CONF => "redline.exempt_roles = 'postgres, alice, bob'\nredline.max_rewrite_size = '1kB'\n");
$node->safe_psql('postgres', q{
	CREATE ROLE alice LOGIN CREATEDB;
	CREATE ROLE bob LOGIN;
	CREATE ROLE carol LOGIN;
	GRANT redline_approver TO bob;
	GRANT CREATE ON SCHEMA public TO alice;
	CREATE TABLE notes (a int);
	ALTER TABLE notes OWNER TO carol;
});
my $server = 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres';

# Runs the CLI as `who`, with that person's own config directory (keys, profiles).
sub redline
{
	my ($who, @args) = @_;
	my ($stdout, $stderr) = ('', '');
	local $ENV{XDG_CONFIG_HOME} = "$home/$who";
	IPC::Run::run([ $cli, @args ], '<', \undef, '>', \$stdout, '2>', \$stderr);
	return ($? >> 8, $stdout, $stderr);
}

sub as
{
	my ($role, $sql) = @_;
	return $node->psql('postgres', $sql, extra_params => [ '-U', $role ]);
}

# Each person: a key on their own machine, a profile, the key enrolled by the DBA.
for my $who (qw(alice bob carol))
{
	my ($code, $out, $err) = redline($who, 'keygen', '--label', "$who-laptop");
	is($code, 0, "$who: redline keygen") or diag $err;
	my ($public) = $out =~ /^(k4\.public\.\S+)$/m;
	($code, $out, $err) = redline($who, 'profile', 'add', "prod-$who", '--dsn', "$server user=$who",
		'--env', 'production', '--auth', 'typed');
	is($code, 0, "$who: a production profile") or diag $err;
	like($node->safe_psql('postgres', "SELECT redline.enroll_key('$who', '$public', '$who laptop')"),
		qr/^k4\.pid\./, "$who: key enrolled");
}

is(as('alice', q{CREATE TABLE orders (id int PRIMARY KEY, note text);
	INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 50) g;}), 0, 'alice creates orders');

# redline request: what the statement needs, from the server's own refusal; nothing changes.
my ($code, $out, $err) = redline('alice', 'request', 'prod-alice', '-c', 'DROP TABLE orders');
is($code, 0, 'request: exit 0') or diag $err;
is($out, "redline approve PROFILE --op drop_table --object public.orders --for alice\n",
	'request: one redline approve line, for the object as the server names it');
like($err, qr/line 1: DROP TABLE orders needs 1 approval/, 'request: says which statement needs it');
like($err, qr/nothing was changed: the transaction was rolled back/, 'request: says nothing was changed');
like($err, qr/SET redline\.approval_token = '<token>'/, 'request: says how to present the token');
is($node->safe_psql('postgres', 'SELECT count(*) FROM orders'), '50', 'request: orders is untouched');

($code, $out, $err) = redline('alice', 'request', 'prod-alice', '-c',
	"TRUNCATE orders;\nALTER TABLE orders DROP COLUMN note;\nDROP TABLE orders;");
is($code, 0, 'request, a script: exit 0') or diag $err;
is($out, "redline approve PROFILE --op truncate --object public.orders --for alice\n"
	. "redline approve PROFILE --op drop_column --object public.orders.note --for alice\n"
	. "redline approve PROFILE --op drop_table --object public.orders --for alice\n",
	'request, a script: every statement is tried, every approval listed');
like($err, qr/line 2: ALTER TABLE orders DROP COLUMN note needs 1 approval/, 'request, a script: by line');

($code, $out, $err) = redline('alice', 'request', 'prod-alice', '-c',
	'CREATE TABLE scratch (a int); INSERT INTO scratch VALUES (1); SELECT * FROM orders');
is($code, 0, 'request, nothing protected: exit 0') or diag $err;
is($out, '', 'request, nothing protected: no line');
like($err, qr/no approval is needed for the statements; nothing was changed: the transaction was rolled back/,
	'request, nothing protected: says so');
is($node->safe_psql('postgres', "SELECT to_regclass('public.scratch') IS NULL"), 't',
	'request, nothing protected: the statements were rolled back');

is(as('alice', 'CREATE DATABASE shop'), 0, 'alice creates a database');
($code, $out, $err) = redline('alice', 'request', 'prod-alice', '-c', 'DROP DATABASE shop');
is($code, 0, 'request, DROP DATABASE: exit 0') or diag $err;
is($out, "redline approve PROFILE --op drop_database --object shop --for alice\n",
	'request, DROP DATABASE: the database is looked up');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_database WHERE datname = 'shop'"), '1',
	'request, DROP DATABASE: it is still there');

($code, $out, $err) = redline('alice', 'request', 'prod-alice', '-c', 'DROP TABLE orders; COMMIT');
is($code, 1, 'request: transaction control is refused');
like($err, qr/COMMIT is transaction control/, 'request: and says so');
is($node->safe_psql('postgres', 'SELECT count(*) FROM orders'), '50', 'request: nothing ran');

# A try never queues behind another transaction for long (a DROP waiting for its lock
# would hold up every query on the table).
my $reader = $node->background_psql('postgres', on_error_stop => 0);
$reader->query_safe('BEGIN');
$reader->query_safe('SELECT count(*) FROM orders');
my $started = time;
($code, $out, $err) = redline('alice', 'request', 'prod-alice', '-c', 'DROP TABLE orders');
is($code, 1, 'request behind an open transaction: exit 1');
like($err, qr/lock timeout \(55P03\)/, 'request behind an open transaction: the lock timeout');
like($err, qr/waits at most 1s for a lock/, 'request behind an open transaction: why it gave up');
cmp_ok(time - $started, '<', 10, 'request behind an open transaction: it did not wait for it');
$reader->query_safe('COMMIT');
$reader->quit;

# A locked session: the write lock refuses first; a session token gets past it.
($code, $out, $err) = redline('carol', 'request', 'prod-carol', '-c', 'DROP TABLE notes');
is($code, 1, 'request in a locked session: exit 1');
like($err, qr/read-only until it is unlocked \(RL100\)/, 'request in a locked session: the server\'s refusal');
like($err, qr/--token "\$\(redline token prod-carol\)"/, 'request in a locked session: the way through');
my ($tcode, $session_token) = redline('carol', 'token', 'prod-carol', '--auth', 'none');
chomp $session_token;
($code, $out, $err) = redline('carol', 'request', 'prod-carol', '--token', $session_token, '-c', 'DROP TABLE notes');
is($code, 0, 'request with a session token: exit 0') or diag $err;
is($out, "redline approve PROFILE --op drop_table --object public.notes --for carol\n",
	'request with a session token: the approval is listed');

# A rewrite of a table over redline.max_rewrite_size needs approval too (RL201).
($code, $out, $err) = redline('alice', 'request', 'prod-alice', '-c', 'ALTER TABLE orders ALTER COLUMN id TYPE bigint');
is($code, 0, 'request, a large rewrite: exit 0') or diag $err;
is($out, "redline approve PROFILE --op rewrite --object public.orders --for alice\n",
	'request, a large rewrite: the rewrite approval');
like($err, qr/it would rewrite public\.orders .*ACCESS EXCLUSIVE\. The safe way: /,
	'request, a large rewrite: the server\'s reason and its safe way');
($code, $out, $err) = redline('bob', 'approve', 'prod-bob', '--op', 'rewrite', '--object', 'public.orders',
	'--for', 'alice', '--auth', 'none', '--sql');
is($code, 0, 'approve a rewrite: exit 0') or diag $err;
my ($ret, $sout, $serr) = as('alice', "${out}ALTER TABLE orders ALTER COLUMN id TYPE bigint;");
is($ret, 0, 'with the approval, the rewrite runs') or diag $serr;

# redline approve: bob, a second person and an approver, signs with his own key.
($code, $out, $err) = redline('bob', 'approve', 'prod-bob', '--op', 'drop_table', '--object', 'public.orders',
	'--for', 'alice', '--auth', 'none');
is($code, 0, 'approve: exit 0') or diag $err;
like($out, qr/^v4\.public\.[A-Za-z0-9_.-]+\n\z/, 'approve: the bare token on stdout');
my ($token) = $out =~ /^(\S+)$/m;
like($err, qr/\QSET redline.approval_token = '$token';\E/, 'approve: the line for the requester on stderr');
like($err, qr/approval of drop_table on public\.orders for role "alice"/, 'approve: a summary');
like($err, qr/warning: auth none: this production token/, 'approve: --auth none warns on production');

# Alice uses it: once.
($ret, $sout, $serr) = as('alice', "SET redline.approval_token = '$token';\nDROP TABLE orders;");
is($ret, 0, 'with the approval, DROP TABLE orders succeeds') or diag $serr;
is($node->safe_psql('postgres', "SELECT to_regclass('public.orders') IS NULL"), 't', 'orders is gone');
as('alice', 'CREATE TABLE orders (id int)');
($ret, $sout, $serr) = as('alice', "SET redline.approval_token = '$token';\nDROP TABLE orders;");
isnt($ret, 0, 'the same approval a second time is refused');
like($serr, qr/it was already used/, 'because it was already used');

# --sql: the line to paste.
($code, $out, $err) = redline('bob', 'approve', 'prod-bob', '--op', 'truncate', '--object', 'public.orders',
	'--for', 'alice', '--auth', 'none', '--sql');
is($code, 0, 'approve --sql: exit 0') or diag $err;
like($out, qr/^SET redline\.approval_token = 'v4\.public\.[A-Za-z0-9_.-]+';\n\z/, 'approve --sql: the SET line');
($ret, $sout, $serr) = as('alice', "INSERT INTO orders VALUES (1);\n${out}TRUNCATE orders;");
is($ret, 0, 'pasted, it approves the TRUNCATE') or diag $serr;

# Nobody approves for themselves, and only approvers approve.
($code, $out, $err) = redline('alice', 'approve', 'prod-alice', '--op', 'drop_table', '--object', 'public.orders',
	'--for', 'alice', '--auth', 'none');
is($code, 1, 'alice approving for herself: exit 1');
is($out, '', 'alice approving for herself: no token');
like($err, qr/two-person rule/, 'alice approving for herself: says why');
($code, $out, $err) = redline('carol', 'approve', 'prod-carol', '--op', 'drop_table', '--object', 'public.orders',
	'--for', 'alice', '--auth', 'none');
is($code, 1, 'carol, no approver: exit 1');
like($err, qr/"carol" is not a member of redline_approver/, 'carol, no approver: says why');
($code, $out, $err) = redline('bob', 'approve', 'prod-bob', '--op', 'drop_table', '--object', 'public.orders',
	'--for', 'alise', '--auth', 'none');
is($code, 1, 'a role that does not exist: exit 1');
like($err, qr/there is no role "alise"/, 'a role that does not exist: says so');
($code, $out, $err) = redline('bob', 'approve', 'prod-bob', '--op', 'drop_table', '--object', 'public.orders',
	'--for', 'alice', '--auth', 'none', '--ttl', '2h');
is($code, 1, 'longer than redline.token_max_ttl: exit 1');
like($err, qr/longer than this server accepts \(redline\.token_max_ttl is 1h\)/, 'and says the limit');

# A profile that says staging but reaches production: nothing signed, nothing run.
redline('bob', 'profile', 'add', 'wrong', '--dsn', "$server user=bob", '--env', 'staging', '--auth', 'none');
($code, $out, $err) = redline('bob', 'approve', 'wrong', '--op', 'drop_table', '--object', 'public.orders',
	'--for', 'alice');
is($code, 3, 'approve through a profile of another environment: exit 3');
is($out, '', 'approve through a profile of another environment: no token');
redline('alice', 'profile', 'add', 'wrong', '--dsn', "$server user=alice", '--env', 'staging', '--auth', 'none');
($code, $out, $err) = redline('alice', 'request', 'wrong', '-c', 'DROP TABLE orders');
is($code, 3, 'request through a profile of another environment: exit 3');
like($err, qr/nothing was run/, 'request through a profile of another environment: nothing was run');

assert_no_crash($node);
done_testing();
