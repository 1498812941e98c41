# The write lock across sessions and server lives: a DBA bootstraps from a locked
# superuser session, a token given at connect (PGOPTIONS) unlocks from the first
# statement, a token is spent cluster-wide and stays spent across a restart and a crash,
# a database without the extension is locked from its first connection, tokens never
# show in pg_stat_activity, ParameterStatus or the server log, and the extended protocol
# is held to the same lock.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp qw(tempdir);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $minter = $ENV{REDLINE_TEST_TOKEN} or die 'REDLINE_TEST_TOKEN is not set';
my $keys = tempdir(CLEANUP => 1);

my $node = redline_node('lock', LOCK => 1, NO_EXTENSION => 1,
	CONF => "redline.exempt_roles = 'app_service'\nlog_statement = 'all'\nlog_min_error_statement = 'info'\n");
my $cid = $node->safe_psql('postgres', 'SHOW redline.cluster_id');

sub mint
{
	my ($key, $role, @extra) = @_;
	my $token = `"$minter" mint "$keys/$key" --sub $role --env production --cid $cid @extra`;
	die "mint failed for $role" if $? != 0;
	chomp $token;
	return $token;
}

sub keygen
{
	my ($key) = @_;
	my $public = `"$minter" keygen "$keys/$key"`;
	die 'keygen failed' if $? != 0;
	chomp $public;
	return $public;
}

# Bootstrap: the bootstrap superuser is locked like anyone not exempt, yet installs
# redline and enrols its own key without switching anything off.
my ($ret, $out, $err) = $node->psql('postgres', 'CREATE TABLE early (a int)');
like($err, qr/CREATE TABLE refused: this production session of role "postgres" is read-only/,
	'a fresh production cluster: the superuser session is read-only');
is($node->psql('postgres', 'CREATE EXTENSION redline'), 0, 'CREATE EXTENSION redline works in a locked session');
my $dba_public = keygen('dba');
like($node->safe_psql('postgres', "SELECT redline.enroll_key('postgres', '$dba_public', 'dba laptop')"),
	qr/^k4\.pid\./, 'the locked superuser enrols its own key');
($ret, $out, $err) = $node->psql('postgres',
	"SELECT redline.unlock('" . mint('dba', 'postgres') . "') IS NOT NULL; CREATE ROLE alice LOGIN; CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 10) g; GRANT ALL ON accounts TO alice; CREATE ROLE app_service LOGIN; GRANT ALL ON accounts TO app_service;");
is($ret, 0, 'unlocked by its own token, the DBA sets the database up') or diag $err;
# Becoming an exempt role never lifts the lock: it follows the role that logged in.
($ret, $out, $err) = $node->psql('postgres',
	"SET SESSION AUTHORIZATION app_service; SELECT session_user; INSERT INTO accounts VALUES (99, 0);");
like($err, qr/INSERT on public.accounts refused: this production session of role "postgres"/,
	'SET SESSION AUTHORIZATION to an exempt role leaves the superuser locked');
my $alice_public = keygen('alice');
$node->safe_psql('postgres', "SELECT redline.enroll_key('alice', '$alice_public', 'laptop')");
# From here on the DBA's own sessions are exempt, as a DBA running maintenance would set it.
{
	local $ENV{PGOPTIONS} = '-c redline.session_token=' . mint('dba', 'postgres');
	$node->safe_psql('postgres', "ALTER SYSTEM SET redline.exempt_roles = 'app_service, postgres'");
}
$node->reload;
$node->poll_query_until('postgres', "SELECT current_setting('redline.exempt_roles') = 'app_service, postgres'");

# An exempt application role writes without a token, and sees no banner.
($ret, $out, $err) = $node->psql('postgres', 'UPDATE accounts SET balance = balance WHERE id = 1',
	extra_params => [ '-U', 'app_service' ]);
is($ret, 0, 'an exempt role writes without a token');
unlike($err, qr/redline:/, 'an exempt role sees no banner');

# A token at connect unlocks from the first statement; the banner says so.
my $token = mint('alice', 'alice');
{
	local $ENV{PGOPTIONS} = "-c redline.session_token=$token";
	($ret, $out, $err) = $node->psql('postgres', 'UPDATE accounts SET balance = 1 WHERE id = 1',
		extra_params => [ '-U', 'alice' ]);
	is($ret, 0, 'PGOPTIONS token: the first statement may write') or diag $err;
	like($err, qr/NOTICE:  redline: PRODUCTION — session of "alice" unlocked for writes until \d{4}-/,
		'the banner says unlocked, and until when');
	# The same token in a second session: its first statement reports the refusal.
	($ret, $out, $err) = $node->psql('postgres', "SELECT 1;\nUPDATE accounts SET balance = 2 WHERE id = 1;",
		extra_params => [ '-U', 'alice' ], on_error_stop => 0);
	like($err, qr/session token refused: it was already used/, 'the same token in a second session is refused');
	like($err, qr/read-only until it is unlocked/, 'and that session stays read-only');
}
($ret, $out, $err) = $node->psql('postgres', 'UPDATE accounts SET balance = 3 WHERE id = 1',
	extra_params => [ '-U', 'alice' ]);
like($err, qr/NOTICE:  redline: PRODUCTION — session of "alice" is read-only until unlocked/,
	'without a token: the banner says read-only');
like($err, qr/UPDATE on public.accounts refused/, 'and writes are refused');

# Spent stays spent: across a clean restart and a crash.
my $spent = mint('alice', 'alice');
$node->safe_psql('postgres', "SELECT redline.unlock('$spent')", extra_params => [ '-U', 'alice' ]);
$node->restart;
($ret, $out, $err) = $node->psql('postgres', "SELECT redline.unlock('$spent')", extra_params => [ '-U', 'alice' ]);
like($err, qr/it was already used/, 'a spent token is refused after a restart');
my $spent_before_crash = mint('alice', 'alice');
$node->safe_psql('postgres', "SELECT redline.unlock('$spent_before_crash')", extra_params => [ '-U', 'alice' ]);
$node->stop('immediate');
$node->start;
($ret, $out, $err) = $node->psql('postgres', "SELECT redline.unlock('$spent_before_crash')",
	extra_params => [ '-U', 'alice' ]);
like($err, qr/it was already used/, 'a spent token is refused after a crash');
like($node->safe_psql('postgres', "SELECT count(*) FROM redline.keys WHERE revoked IS NULL"),
	qr/^2$/, 'enrolled keys survive the crash');

# A database created later, without the extension, is locked from its first connection.
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', q{SELECT 1}, extra_params => [ '-U', 'app_service' ]);
($ret, $out, $err) = $node->psql('fresh', 'CREATE TABLE mine (a int)', extra_params => [ '-U', 'alice' ]);
like($err, qr/CREATE TABLE refused: this production session of role "alice" is read-only/,
	'a database without the extension is locked');
like($err, qr/SET redline.session_token = '<token>'; \(this database has no redline extension/,
	'and the hint says how to unlock there');
($ret, $out, $err) = $node->psql('fresh',
	"SET redline.session_token = '" . mint('alice', 'alice') . "'; CREATE TEMP TABLE ok (a int); SHOW redline.session_token;",
	extra_params => [ '-U', 'alice' ]);
is($ret, 0, 'SET redline.session_token unlocks there, with a key enrolled once for the cluster') or diag $err;

# The token is never readable by others: pg_stat_activity while its session is busy.
my $secret = mint('alice', 'alice');
my $busy = $node->background_psql('postgres', on_error_stop => 0, extra_params => [ '-U', 'alice' ]);
$busy->query_until(qr/started/, "\\echo started\nSELECT redline.unlock('$secret') IS NOT NULL \\; SELECT pg_sleep(3);\n");
$node->poll_query_until('postgres', "SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()");
my $seen = $node->safe_psql('postgres', "SELECT query FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()");
unlike($seen, qr/\Q$secret\E/, 'pg_stat_activity does not show the token');
like($seen, qr/v4\.public\.xxxx/, 'it shows the statement with the token masked');
$busy->quit;

# ParameterStatus carries the environment, never the token.
{
	local $ENV{PGOPTIONS} = '-c redline.session_token=' . mint('alice', 'alice');
	my $probe = `"$ENV{REDLINE_PROBE}" "@{[ $node->connstr('postgres') ]} user=alice" 'SELECT 1' 2>&1`;
	like($probe, qr/redline\.environment=production/, 'ParameterStatus reports the environment');
	unlike($probe, qr/v4\.public\./, 'no token in any ParameterStatus');
}

# The extended protocol (pgbench -M extended / prepared) is held to the same lock.
my $script = "$keys/write.sql";
open(my $fh, '>', $script) or die;
print $fh "UPDATE accounts SET balance = balance + 1 WHERE id = 2;\n";
close $fh;
for my $mode ('extended', 'prepared')
{
	my ($stdout, $stderr);
	my $ok = IPC::Run::run([ 'pgbench', '-n', '-t', '1', '-M', $mode, '-f', $script, '-U', 'alice', '-h',
		$node->host, '-p', $node->port, 'postgres' ], '>', \$stdout, '2>', \$stderr);
	like($stderr, qr/UPDATE on public.accounts refused/, "pgbench -M $mode: a locked session's write is refused");
}
{
	open(my $u, '>', $script) or die;
	print $u "SELECT redline.unlock('" . mint('alice', 'alice') . "');\nUPDATE accounts SET balance = balance + 1 WHERE id = 2;\n";
	close $u;
	my ($stdout, $stderr);
	IPC::Run::run([ 'pgbench', '-n', '-t', '1', '-M', 'prepared', '-f', $script, '-U', 'alice', '-h',
		$node->host, '-p', $node->port, 'postgres' ], '>', \$stdout, '2>', \$stderr);
	is($node->safe_psql('postgres', 'SELECT balance FROM accounts WHERE id = 2', extra_params => [ '-U', 'app_service' ]),
		'101', 'pgbench -M prepared: unlocked by redline.unlock(), the write lands once');
}

# Revoking a key refuses its tokens from then on, in every database.
my $kid = `"$minter" kid "$keys/alice"`;
chomp $kid;
$node->safe_psql('postgres', "SELECT redline.revoke_key('$kid')");
($ret, $out, $err) = $node->psql('fresh', "SET redline.session_token = '" . mint('alice', 'alice') . "'",
	extra_params => [ '-U', 'alice' ]);
like($err, qr/session token refused: its key k4\.pid\.\S+ was revoked/, 'a revoked key is refused in another database');

# Nothing in the server log can replay a session.
my $log = slurp_file($node->logfile);
unlike($log, qr/v4\.public\.(?!x{8})[A-Za-z0-9_-]{8}/, 'no token in the server log');
like($log, qr/v4\.public\.xxxx/, 'statements that carried tokens are logged masked');
assert_no_crash($node);
done_testing();
