# DDL in production waits at most redline.ddl_lock_timeout for its lock, unless the session
# asked for less: with two real sessions, a DDL queued behind an open transaction fails fast
# with a message that says what happened and how to find the blocker, and everyone else's
# queries are not stuck behind it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $node = redline_node('ddl', CONF => "redline.ddl_lock_timeout = '1s'\n");
$node->safe_psql('postgres', 'CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');

# Session A keeps a transaction open that has read the table.
my $a = $node->background_psql('postgres', on_error_stop => 0);
$a->query_safe('BEGIN');
$a->query_safe('SELECT count(*) FROM t');

# Session B's DDL needs ACCESS EXCLUSIVE: it gives up after about a second.
my $start = time();
my ($ret, $out, $err) = $node->psql('postgres', 'ALTER TABLE t ADD COLUMN note text');
my $waited = time() - $start;
isnt($ret, 0, 'the DDL behind an open transaction fails');
like($err, qr/ALTER TABLE gave up waiting for its lock after redline.ddl_lock_timeout \(1000 ms\)/,
	'and says it was redline.ddl_lock_timeout');
like($err, qr/HINT:  Find what holds it: SELECT pid/, 'with the way to find the blocker');
cmp_ok($waited, '<', 10, 'within the timeout, not forever');

# A shorter lock_timeout set by the session wins.
($ret, $out, $err) = $node->psql('postgres', "SET lock_timeout = '100ms'; ALTER TABLE t ADD COLUMN note text");
like($err, qr/canceling statement due to lock timeout/, "the session's own shorter lock_timeout applies");
unlike($err, qr/redline.ddl_lock_timeout/, 'and redline does not claim it');

# Reads are not DDL: they wait as usual (here: not at all).
is($node->safe_psql('postgres', 'SELECT count(*) FROM t'), '1', 'queries are unaffected');

# Once the transaction ends, the DDL goes through.
$a->query_safe('COMMIT');
$a->quit;
is($node->psql('postgres', 'ALTER TABLE t ADD COLUMN note text'), 0, 'after the blocker ends, the DDL runs');
is($node->safe_psql('postgres', 'SHOW lock_timeout'), '0', "the session's lock_timeout is left as it was");
assert_no_crash($node);
done_testing();
