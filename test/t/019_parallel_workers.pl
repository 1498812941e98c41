# A parallel worker changes no setting and prints nothing of redline's: the leader judges
# the statement. Functions run inside workers (SQL and PL/pgSQL bodies are parsed there, so
# redline's hooks run there) on a cluster whose environment comes from the configuration.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

# The environment is set in the configuration file, so the leader hands it to every worker
# it starts (settings at their default are not handed over). The leader runs no part of the
# plan itself: every function call happens in a worker.
my $node = redline_node('parallel',
	CONF => "redline.environment = staging\nredline.audit = all\nmax_parallel_workers_per_gather = 2\n"
	  . "parallel_leader_participation = off\nparallel_setup_cost = 0\nparallel_tuple_cost = 0\n"
	  . "min_parallel_table_scan_size = 0\n");

$node->safe_psql('postgres', q{
	CREATE TABLE p (id int PRIMARY KEY, v int);
	INSERT INTO p SELECT g, g FROM generate_series(1, 2000) g;
	ANALYZE p;
	-- Neither is inlined: each body is parsed and planned where it runs.
	CREATE FUNCTION plus_sql(int) RETURNS int LANGUAGE sql PARALLEL SAFE
		SET search_path = public AS 'SELECT $1 + 1';
	CREATE FUNCTION plus_plpgsql(n int) RETURNS int LANGUAGE plpgsql PARALLEL SAFE AS
		'BEGIN RETURN CASE WHEN n > 0 THEN n + 1 ELSE 0 END; END';
});

my $force = "SET force_parallel_mode = on;\n";
my $plan = $node->safe_psql('postgres',
	"${force}EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT sum(plus_sql(v)) FROM p");
like($plan, qr/Workers Launched: [1-9]/, 'the function runs in a parallel worker');

for my $f ('plus_sql', 'plus_plpgsql')
{
	for my $query ("SELECT sum($f(v)) FROM p", "SELECT $f(x) FROM generate_series(1, 3) x ORDER BY 1")
	{
		my ($ret, $out, $err) = $node->psql('postgres', "$force$query");
		is($ret, 0, "$f in a worker: $query runs");
		is($err, '', "$f in a worker: $query prints no warning");
	}
}
is($node->safe_psql('postgres', "${force}SELECT sum(plus_plpgsql(v)) FROM p"), '2003000',
	'the workers computed the right result');

# A superuser's SET of redline.audit is recorded once: each worker restoring the leader's
# settings (the setting's hooks run there too) is no change of policy.
my $before = $node->safe_psql('postgres', "SELECT count(*) FROM redline.audit_log WHERE event = 'policy_change'");
my ($ret, $out, $err) = $node->psql('postgres',
	"SET redline.audit = 'ddl, refused, policy_change';\n${force}SELECT sum(plus_sql(v)) FROM p;\n"
	  . "SELECT sum(plus_plpgsql(v)) FROM p;");
is($ret, 0, 'parallel queries after SET redline.audit run');
is($err, '', 'and print no warning');
$node->poll_query_until('postgres',
	"SELECT count(*) = $before + 1 FROM redline.audit_log WHERE event = 'policy_change'");
sleep 1;
is($node->safe_psql('postgres', "SELECT count(*) FROM redline.audit_log WHERE event = 'policy_change'"),
	$before + 1, 'one policy_change row: the workers recorded none');

# A function whose SET clause changes redline.audit, called only inside a worker: the clause
# ends with each call and the worker judges nothing, so the worker records nothing.
$node->safe_psql('postgres', q{
	CREATE FUNCTION plus_quiet(int) RETURNS int LANGUAGE sql PARALLEL SAFE
		SET redline.audit = 'refused' AS 'SELECT $1 + 1';
});
$before = $node->safe_psql('postgres', "SELECT count(*) FROM redline.audit_log WHERE event = 'policy_change'");
$plan = $node->safe_psql('postgres',
	"${force}EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT plus_quiet(x) FROM generate_series(1, 3) x");
like($plan, qr/Workers Launched: 1\s+Single Copy: true/, 'the SET-clause function runs in a worker only');
($ret, $out, $err) = $node->psql('postgres', "${force}SELECT sum(plus_quiet(x)) FROM generate_series(1, 3) x");
is($out, '9', 'the SET-clause function runs in a worker');
is($err, '', 'and prints nothing');
sleep 1;
is($node->safe_psql('postgres', "SELECT count(*) FROM redline.audit_log WHERE event = 'policy_change'"),
	$before, 'the workers recorded no policy_change row for the SET clause');

# After a reload that changes the environment (and so the derived colour), the workers of
# the next queries still print nothing.
$node->append_conf('postgresql.conf', "redline.environment = development\n");
$node->reload;
$node->poll_query_until('postgres', "SELECT current_setting('redline.environment') = 'development'");
($ret, $out, $err) = $node->psql('postgres', "${force}SELECT plus_sql(x) FROM generate_series(1, 3) x ORDER BY 1");
is($err, '', 'after a reload, the workers print nothing');

unlike(slurp_file($node->logfile), qr/during a parallel operation/, 'the server log has no such warning');
assert_no_crash($node);
$node->stop;

done_testing();
