# redline refuses to load unless preloaded, and chains its hooks cleanly with pgaudit
# (in either order): both see the statement, the guard still refuses.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

# Not preloaded: CREATE EXTENSION explains what to do.
my $bare = PostgreSQL::Test::Cluster->new('bare');
$bare->init;
$bare->start;
my ($ret, $out, $err) = $bare->psql('postgres', 'CREATE EXTENSION redline');
isnt($ret, 0, 'CREATE EXTENSION fails without shared_preload_libraries');
like($err, qr/redline must be loaded through shared_preload_libraries/, 'and says why');
$bare->stop;

for my $preload ('redline,pgaudit', 'pgaudit,redline')
{
	(my $name = $preload) =~ s/,/_/;
	my $node = redline_node($name, PRELOAD => $preload,
		CONF => "pgaudit.log = 'write, ddl'\n");
	$node->safe_psql('postgres',
		'CREATE TABLE t (id int primary key, v text); INSERT INTO t SELECT g, g::text FROM generate_series(1, 10) g');

	refused_with($node, 'DELETE FROM t', 'RL001', 'DELETE on table "t" has no WHERE clause',
		"$preload: unqualified DELETE refused");
	refused_with($node, 'UPDATE t SET v = 1 WHERE 1 = 1', 'RL001', 'UPDATE on table "t" has a WHERE clause that is always true',
		"$preload: constant-true UPDATE refused");
	is($node->safe_psql('postgres', 'SELECT count(*) FROM t'), '10', "$preload: nothing changed");

	$node->safe_psql('postgres', "DELETE FROM t WHERE id = 3");
	is($node->safe_psql('postgres', 'SELECT count(*) FROM t'), '9', "$preload: qualified DELETE runs");
	like(slurp_file($node->logfile), qr/AUDIT: SESSION,\d+,\d+,WRITE,DELETE,[^,]*,[^,]*,DELETE FROM t WHERE id = 3/,
		"$preload: pgaudit saw the qualified DELETE");
	like(slurp_file($node->logfile), qr/AUDIT: SESSION,\d+,\d+,DDL,CREATE TABLE/, "$preload: pgaudit saw the DDL");

	# The extended protocol (Parse/Bind/Execute) and prepared statements go through the same hooks.
	my $script = $node->basedir . '/wipe.sql';
	append_to_file($script, "DELETE FROM t WHERE true;\n");
	for my $mode ('extended', 'prepared')
	{
		my ($stdout, $stderr) = ('', '');
		IPC::Run::run([ 'pgbench', '-n', '-t', '1', '-M', $mode, '-f', $script,
				'-h', $node->host, '-p', $node->port, 'postgres' ],
			'>', \$stdout, '2>', \$stderr);
		like($stderr, qr/DELETE on table "t" has a WHERE clause that is always true/,
			"$preload: refused through pgbench -M $mode");
	}
	is($node->safe_psql('postgres', 'SELECT count(*) FROM t'), '9', "$preload: still nothing changed");

	# Switched off, redline refuses nothing and still hands every statement on.
	$node->append_conf('postgresql.conf', "redline.enforce = off\n");
	$node->reload;
	$node->poll_query_until('postgres', "SELECT NOT current_setting('redline.enforce')::bool");
	$node->safe_psql('postgres', 'DELETE FROM t WHERE id = 4');
	like(slurp_file($node->logfile), qr/WRITE,DELETE,[^,]*,[^,]*,DELETE FROM t WHERE id = 4/,
		"$preload: with redline off, pgaudit still sees each write");
	$node->safe_psql('postgres', "UPDATE t SET v = 'off'");
	is($node->safe_psql('postgres', "SELECT count(*) FROM t WHERE v = 'off'"), '8',
		"$preload: with redline off, the unqualified UPDATE runs");

	assert_no_crash($node);
	$node->stop;
}

done_testing();
