# DROP TABLE checks the role's rights before it queues for ACCESS EXCLUSIVE, with the recycle
# bin on as in production: while one session reads a table in an open transaction, a role
# that does not own the table is refused at once with "must be owner", holds and awaits no
# lock on it, and a third session's SELECT is not queued behind it. The owner's DROP still
# goes to the bin. Likewise ALTER TABLE ... DROP COLUMN and a large ALTER by a non-owner wait
# for nothing before PostgreSQL refuses them.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $node = redline_node('drop_rights',
	CONF => "redline.recycle_bin = on\nredline.protected = 'drop_column'\nredline.max_rewrite_size = '8kB'\n"
	  . "redline.ddl_lock_timeout = '20s'\n");
$node->safe_psql('postgres', q{
	CREATE ROLE owner_role LOGIN;
	CREATE ROLE mallory LOGIN;
	CREATE TABLE public.t (id int PRIMARY KEY, note text);
	INSERT INTO public.t SELECT g, 'row ' || g FROM generate_series(1, 900) g;
	ALTER TABLE public.t OWNER TO owner_role;
	GRANT SELECT ON public.t TO mallory;
});

# Locks on t that someone waits for.
my $waiting = q{SELECT count(*) FROM pg_locks WHERE relation = 'public.t'::regclass AND NOT granted};

# Session A reads t in a transaction it keeps open.
my $reader = $node->background_psql('postgres', on_error_stop => 0);
$reader->query_safe('BEGIN');
$reader->query_safe('SELECT count(*) FROM t');

# Session B, mallory, tries to drop t; it is sent without waiting for its answer.
my $mallory = $node->background_psql('postgres', on_error_stop => 0,
	extra_params => [ '-U', 'mallory' ]);
my $start = time();
$mallory->query_until(qr/sent/, "\\echo sent\nDROP TABLE t;\n");

# Its answer comes at once (not after redline.ddl_lock_timeout's 20 s): by the time it has
# either finished or started waiting for a lock, it has finished.
ok($node->poll_query_until('postgres',
		q{SELECT state <> 'active' OR wait_event_type = 'Lock' FROM pg_stat_activity
		  WHERE usename = 'mallory' AND query LIKE 'DROP TABLE t%'}),
	'mallory\'s DROP TABLE has run');
is($node->safe_psql('postgres', q{SELECT state FROM pg_stat_activity WHERE usename = 'mallory'}),
	'idle', 'and is over, not waiting for a lock');
is($node->safe_psql('postgres', $waiting), '0', 'no lock on t is left waiting');

# Session C reads t while A still holds its transaction open: nothing queues it.
my ($ret, $out, $err) = $node->psql('postgres', "SET lock_timeout = '2s'; SELECT count(*) FROM t");
is($ret, 0, 'a third session reads t at once') or diag $err;
is($out, '900', 'all of it');

$mallory->query('SELECT 1');
cmp_ok(time() - $start, '<', 10, 'mallory had her answer without waiting for the reader');
like($mallory->{stderr}, qr/must be owner of table t/, 'mallory is told she must be the owner');
unlike($mallory->{stderr}, qr/lock timeout|gave up waiting/, 'not that she gave up waiting for a lock');
$reader->query_safe('COMMIT');

# While the owner holds t exclusively, a non-owner's DROP TABLE, DROP COLUMN (the bin would
# copy the column first) and ALTER that rewrites a table above redline.max_rewrite_size (its
# size would be measured) are refused at once, before anything waits for t.
$reader->query_safe('BEGIN');
$reader->query_safe('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
for my $sql ('DROP TABLE t', 'ALTER TABLE t DROP COLUMN note', 'ALTER TABLE t ALTER COLUMN id TYPE bigint')
{
	($ret, $out, $err) = $node->psql('postgres', "SET lock_timeout = '3s'; $sql",
		extra_params => [ '-U', 'mallory' ]);
	like($err, qr/must be owner of table t/, "$sql by mallory: must be owner");
	unlike($err, qr/lock timeout|gave up waiting|RL201/, "$sql by mallory: at once, not after waiting or measuring");
}
$reader->query_safe('COMMIT');
is($node->safe_psql('postgres', 'SELECT count(*) FROM redline.recycle_bin'), '0', 'nothing went to the bin');

# The owner's DROP goes to the bin.
$reader->quit;
$mallory->quit;
($ret, $out, $err) = $node->psql('postgres', 'DROP TABLE t', extra_params => [ '-U', 'owner_role' ]);
is($ret, 0, 'the owner drops t') or diag $err;
like($err, qr/table public\.t moved to the recycle bin/, 'into the recycle bin');
is($node->safe_psql('postgres', q{SELECT original FROM redline.recycle_bin}), 'public.t', 'where it is listed');

assert_no_crash($node);
done_testing();
