# Multi-session behaviour: a stated count belongs to one session, policy changes on reload
# reach live sessions (cached plans included), an ordinary role cannot relax policy at
# connect (PGOPTIONS), the environment is reported to clients, and a crash-restart keeps it all.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $node = redline_node('sessions', CONF => "redline.enforce = off\nredline.max_rows = 5\n");
$node->safe_psql('postgres', q{
	CREATE ROLE human LOGIN;
	CREATE TABLE t (id int primary key, v text);
	GRANT ALL ON t TO human;
	CREATE FUNCTION wipe() RETURNS bigint LANGUAGE plpgsql AS $$
	DECLARE n bigint; BEGIN DELETE FROM t; GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END $$;
});

# A session that cached plans while redline was off must not keep using them once it is on.
my $s = $node->background_psql('postgres', on_error_stop => 0);
$s->query_safe('SET SESSION AUTHORIZATION human');
is($s->query_safe('SELECT wipe()'), '0', 'with enforce off, the unqualified DELETE runs (plan now cached)');
$s->query_safe('PREPARE p AS DELETE FROM t');
$s->query_safe('EXECUTE p');
$node->safe_psql('postgres', 'INSERT INTO t SELECT g, g::text FROM generate_series(1, 10) g');
$node->safe_psql('postgres', 'ALTER SYSTEM SET redline.enforce = on');
$node->reload;
$node->poll_query_until('postgres', "SELECT current_setting('redline.enforce') = 'on'");
sleep 1;    # the reload reaches the live session at its next command
$s->query('SELECT 1');
my $res = $s->query('SELECT wipe()');
like($s->{stderr}, qr/DELETE on table "t" has no WHERE clause/, 'cached PL/pgSQL plan re-checked after reload');
$s->{stderr} = '';
$s->query('EXECUTE p');
like($s->{stderr}, qr/DELETE on table "t" has no WHERE clause/, 'prepared statement re-checked after reload');
$s->quit;
is($node->safe_psql('postgres', 'SELECT count(*) FROM t'), '10', 'no row deleted by the stale plans');

# A stated count belongs to the session that stated it.
my $a = $node->background_psql('postgres', on_error_stop => 0);
my $b = $node->background_psql('postgres', on_error_stop => 0);
$a->query_safe('SET SESSION AUTHORIZATION human');
$b->query_safe('SET SESSION AUTHORIZATION human');
$a->query_safe('BEGIN');
$a->query_safe('SET LOCAL redline.expect_rows = 7');
$b->query("UPDATE t SET v = 'b' WHERE id <= 7");
like($b->{stderr}, qr/UPDATE would have changed 7 rows of "t", more than redline.max_rows \(5\)/,
	"another session's stated count does not apply");
is($a->query_safe("UPDATE t SET v = 'a' WHERE id <= 7"), '', 'the stating session changes its 7 rows');
$a->query_safe('COMMIT');
$a->quit;
$b->quit;
is($node->safe_psql('postgres', "SELECT count(*) FROM t WHERE v = 'a'"), '7', 'committed');

# PGOPTIONS at connect is just SET: an ordinary role cannot relax policy that way.
{
	local $ENV{PGOPTIONS} = '-c redline.require_where=off';
	my ($ret, $out, $err) = $node->psql('postgres', 'DELETE FROM t', extra_params => [ '-U', 'human' ]);
	like($err, qr/permission denied to set parameter "redline.require_where"/, 'PGOPTIONS cannot relax require_where');
	local $ENV{PGOPTIONS} = '-c redline.enforce=off';
	($ret, $out, $err) = $node->psql('postgres', 'DELETE FROM t', extra_params => [ '-U', 'human' ]);
	like($err, qr/redline.enforce/, 'PGOPTIONS cannot switch redline off');
}
is($node->safe_psql('postgres', 'SELECT count(*) FROM t'), '10', 'nothing deleted through PGOPTIONS');

# The environment is reported to every client (GUC_REPORT -> ParameterStatus), also on change.
my $probe = $ENV{REDLINE_PROBE};
my $conninfo = 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres';
my ($stdout, $stderr) = ('', '');
IPC::Run::run([ $probe, $conninfo ], '>', \$stdout, '2>', \$stderr);
like($stdout, qr/^redline\.environment=production$/m, 'PQparameterStatus reports production');
like($stdout, qr/^redline\.color=red$/m, 'and its colour');
IPC::Run::run([ $probe, $conninfo,
		"ALTER SYSTEM SET redline.environment = 'staging'", 'SELECT pg_reload_conf()', 'SELECT pg_sleep(0.5)', 'SELECT 1' ],
	'>', \$stdout, '2>', \$stderr);
like($stdout, qr/redline\.environment=staging\nredline\.color=orange\n\z/,
	'a reload reports the new environment, and the colour derived from it, to a live session');
$node->safe_psql('postgres', 'ALTER SYSTEM RESET redline.environment; SELECT pg_reload_conf()');

# A database where CREATE EXTENSION never ran is guarded from its first connection.
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)');
refused_with($node, 'DELETE FROM t', 'RL001', 'DELETE on table "t" has no WHERE clause',
	'guarded in a database without the extension', DB => 'fresh');
is($node->safe_psql('fresh', "SELECT count(*) FROM pg_extension WHERE extname = 'redline'"), '0',
	'and the extension really is absent there');

# Crash and restart: the guard is back with the server.
$node->stop('immediate');
$node->start;
refused_with($node, 'DELETE FROM t', 'RL001', 'DELETE on table "t" has no WHERE clause', 'guarded after crash restart');
is($node->safe_psql('postgres', 'SELECT environment FROM redline.status()'), 'production', 'environment after restart');

assert_no_crash($node);
done_testing();
