# A token the server was shown, across sessions: masked in pg_stat_activity as others see
# it (also after a statement that failed to parse, and for the extended protocol's saved
# text), in pg_stat_statements, in the server log in every spelling (log_line_prefix's user
# and database too) and in the failed-login audit; and spent, so that neither the session
# that showed it, still open, nor any other can unlock with it afterwards.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp qw(tempdir);
use IPC::Run;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $minter = $ENV{REDLINE_TEST_TOKEN} or die 'REDLINE_TEST_TOKEN is not set';
my $keys = tempdir(CLEANUP => 1);

# pg_stat_statements is loaded before redline, so redline's hook runs first and the text
# pg_stat_statements keeps is already masked.
my $node = redline_node('exposure', LOCK => 1, PRELOAD => 'pg_stat_statements,redline',
	CONF => "redline.exempt_roles = 'postgres'\nlog_statement = 'all'\nlog_min_error_statement = 'info'\n"
	  . "log_connections = on\nlog_line_prefix = '%m [%p] %q%u@%d '\n");
my $cid = $node->safe_psql('postgres', 'SHOW redline.cluster_id');
my $public = `"$minter" keygen "$keys/alice"`;
die 'keygen failed' if $? != 0;
chomp $public;
$node->safe_psql('postgres',
	"CREATE ROLE alice LOGIN; CREATE EXTENSION pg_stat_statements; SELECT redline.enroll_key('alice', '$public', 'laptop')");

sub mint
{
	my $token = `"$minter" mint "$keys/alice" --sub alice --env production --cid $cid`;
	die 'mint failed' if $? != 0;
	chomp $token;
	return $token;
}

sub body { return substr($_[0], length('v4.public.')) }

# What unlocking with the token, as minted, from a new session says.
sub unlock_outcome
{
	my ($token) = @_;
	my ($ret, $out, $err) =
	  $node->psql('postgres', "SELECT redline.unlock('$token') IS NOT NULL", extra_params => [ '-U', 'alice' ]);
	return $ret == 0 ? 'unlocked' : $err;
}
my $spent = qr/session token refused: it was already used/;

sub activity_of
{
	my ($pid) = @_;
	return $node->safe_psql('postgres', "SELECT query FROM pg_stat_activity WHERE pid = $pid");
}

# A person's session stays open (idle) after each attempt, as a psql window would. Each
# statement is sent as it is, so that pg_stat_activity keeps showing it.
my $open = $node->background_psql('postgres', on_error_stop => 0, extra_params => [ '-U', 'alice' ]);
my $pid = $open->query('SELECT pg_backend_pid()');
my $sent = 0;

sub show
{
	my ($sql) = @_;
	$sent++;
	$open->query_until(qr/shown $sent\n/, "$sql\n\\echo shown $sent\n");
}

# A statement that fails to parse never reaches the parse-analysis hook, yet pg_stat_activity
# showed its text.
my $token = mint();
show("SELECT redline.unlock('$token') FROM;");
my $seen = activity_of($pid);
unlike($seen, qr/\Q@{[ body($token) ]}\E/, 'a statement that failed to parse is not shown with its token');
like($seen, qr/unlock\('v4\.public\.xxxx/, 'it is shown masked');
like(unlock_outcome($token), $spent, 'its token is spent, though its session is still open');

# Mistyped prefixes: refused, masked, and spent, so the corrected token is refused too.
for my $typo ('V4.PUBLIC.', 'v4. public.', "v4.\npublic.", 'v4 . Public . ', 'v4.local.', 'v4.publik.', 'v4public')
{
	my $token = mint();
	my $shown = "SELECT redline.unlock('$typo" . body($token) . "');";
	show($shown);
	my $seen = activity_of($pid);
	(my $name = $typo) =~ s/\n/\\n/g;
	like($seen, qr/^SELECT redline\.unlock\('/, "prefix '$name': pg_stat_activity shows the statement");
	unlike($seen, qr/\Q@{[ substr(body($token), 0, 40) ]}\E/, "prefix '$name': not the token");
	like(unlock_outcome($token), $spent, "prefix '$name': the corrected token is refused as used");
}
{
	my $token = mint();
	show("SELECT set_config('redline.session_token', 'V4.Public.' || '" . substr(body($token), 0, 50)
		  . "' || '" . substr(body($token), 50) . "', false);");
	unlike(activity_of($pid), qr/\Q@{[ substr(body($token), 50, 40) ]}\E/, 'split over literals: masked');
	like(unlock_outcome($token), $spent, 'a token split over set_config() arguments is spent');
}

$open->quit;

# A statement that only shows a token, in a comment, which pg_stat_statements keeps: its
# hook runs after redline's has masked the text (in a session whose statements are not
# logged, so that no log line masked it earlier).
$node->safe_psql('postgres', "CREATE ROLE bob LOGIN; ALTER ROLE bob SET log_statement = 'none'");
$token = mint();
$node->psql('postgres', "SELECT 1 AS shown /* $token */", extra_params => [ '-U', 'bob' ]);
my $statements = $node->safe_psql('postgres', "SELECT string_agg(query, E'\n') FROM pg_stat_statements");
like($statements, qr/shown \/\* v4\.public\.xxxx/, 'pg_stat_statements keeps the statement, masked');
unlike($statements, qr/\Q@{[ substr(body($token), 0, 40) ]}\E/, 'pg_stat_statements never saw the token');
like(unlock_outcome($token), $spent, 'a token shown in a comment is spent');

# The extended protocol runs a copy of the statement saved at parse time: that copy is
# what pg_stat_activity shows while it runs.
for my $mode ('extended', 'prepared')
{
	my $token = mint();
	my $script = "$keys/show_$mode.sql";
	open(my $fh, '>', $script) or die;
	print $fh "SELECT pg_sleep(2), length('$token');\n";
	close $fh;
	my ($stdout, $stderr);
	my $bench = IPC::Run::start([ 'pgbench', '-n', '-t', '1', '-M', $mode, '-f', $script, '-U', 'alice', '-h',
		$node->host, '-p', $node->port, 'postgres' ], '>', \$stdout, '2>', \$stderr);
	$node->poll_query_until('postgres',
		"SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()");
	my $running = $node->safe_psql('postgres',
		"SELECT query FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()");
	$bench->finish;
	unlike($running, qr/\Q@{[ substr(body($token), 0, 40) ]}\E/, "pgbench -M $mode: the running statement is masked");
	like(unlock_outcome($token), $spent, "pgbench -M $mode: the token it showed is spent");
}

# A token given at connect and never checked (no statement ran) is spent when the session ends.
$token = mint();
{
	local $ENV{PGOPTIONS} = "-c redline.session_token=$token";
	$node->psql('postgres', '\q', extra_params => [ '-U', 'alice' ]);
}
like(unlock_outcome($token), $spent, 'a token given at connect is spent by a session that never used it');

# Tokens typed where a user or database name goes: the failed login is logged and audited
# with them masked (the server keeps 63 characters of each).
$token = mint();
$node->psql('postgres', 'SELECT 1', extra_params => [ '-U', $token ]);
$node->psql($token, 'SELECT 1', extra_params => [ '-U', 'alice' ]);
$node->poll_query_until('postgres', "SELECT count(*) >= 2 FROM redline.audit_log WHERE event = 'auth_failed'");
my $audit = $node->safe_psql('postgres',
	"SELECT string_agg(concat_ws(' ', session_role, database, reason), E'\n') FROM redline.audit_log WHERE event = 'auth_failed'");
like($audit, qr/v4\.public\.xxxx/, 'failed logins are audited with the names masked');
unlike($audit, qr/\Q@{[ substr(body($token), 0, 20) ]}\E/, 'no part of the token reached the audit log');

# Nothing in the server log, in any spelling.
my $log = slurp_file($node->logfile);
unlike($log, qr/v[0-9]\s*\.\s*(?:public|local)\s*\.\s*(?![xX])[A-Za-z0-9_-]/i, 'no token prefix with a body in the server log');
unlike($log, qr/eyJ[A-Za-z0-9_-]{29}/, 'no token body in the server log');
like($log, qr/V4\.PUBLIC\.xxxx/, 'mistyped tokens are logged masked');
like($log, qr/was shown to the server but not used; it is spent/, 'each spent token is logged');
assert_no_crash($node);
done_testing();
