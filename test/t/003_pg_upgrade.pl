# pg_upgrade runs with redline preloaded on both sides (binary upgrade mode: the guards
# stand aside), and the upgraded cluster is guarded again.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $old = redline_node('old');
$old->safe_psql('postgres', q{
	CREATE TABLE t (id int primary key, v text);
	INSERT INTO t SELECT g, g::text FROM generate_series(1, 50) g;
	SELECT lo_from_bytea(0, 'large object'::bytea);
});
$old->stop;

my $new = PostgreSQL::Test::Cluster->new('new');
$new->init;
$new->append_conf('postgresql.conf', "shared_preload_libraries = 'redline'\n");

my $bindir = $ENV{PG_BINDIR} // '/usr/lib/postgresql/15/bin';
chdir $new->basedir or die;
command_ok(
	[ 'pg_upgrade', '--no-sync', '-d', $old->data_dir, '-D', $new->data_dir,
		'-b', $bindir, '-B', $bindir, '-s', $new->host, '-p', $old->port, '-P', $new->port ],
	'pg_upgrade succeeds with redline preloaded');

$new->start;
is($new->safe_psql('postgres', 'SELECT count(*) FROM t'), '50', 'data upgraded');
refused_with($new, 'DELETE FROM t', 'RL001', 'DELETE on table "t" has no WHERE clause', 'upgraded cluster is guarded');
assert_no_crash($new);
done_testing();
