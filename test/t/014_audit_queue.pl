# Back-pressure and hot standby. With a small audit queue and its audit writer held
# (SIGSTOP), more refusals than the queue holds come from parallel sessions: each waits at
# most redline.audit_wait, and ends either as a row once the writer goes on or as one JSON
# line in the server log, none lost; logins are never blocked by a full queue. On a hot
# standby nothing can be written: events go to its server log and nothing fails because
# of the audit.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use JSON::PP;
use Time::HiRes qw(time);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

# Every "redline audit (WHY): {json}" line of a server log since OFFSET, as [WHY, decoded].
sub diverted_lines
{
	my ($node, $offset) = @_;
	my @lines;
	for (split /\n/, slurp_file($node->logfile, $offset))
	{
		push @lines, [ $1, decode_json($2) ] if /LOG:  redline audit \(([^)]*)\): (\{.*\})$/;
	}
	return @lines;
}

# --- a full queue --------------------------------------------------------------------------
my $node = redline_node('queue',
	CONF => "redline.exempt_roles = 'postgres'\nredline.audit_queue_size = 16\nredline.audit_wait = '300ms'\n");
$node->safe_psql('postgres', q{
	CREATE ROLE erin LOGIN;
	CREATE TABLE t (id int PRIMARY KEY, v text);
	INSERT INTO t VALUES (1, 'one');
	GRANT SELECT, UPDATE ON t TO erin;
});

# A refusal starts the audit writer of postgres; it is held right away.
my ($ret, $out, $err) = $node->psql('postgres', "UPDATE t SET v = 'wake the writer';", extra_params => [ '-U', 'erin' ]);
like($err, qr/UPDATE on table "t" has no WHERE clause/, 'a refusal starts the audit writer');
my $writer = $node->safe_psql('postgres',
	q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'redline audit writer' AND datname = 'postgres'});
like($writer, qr/^\d+$/, 'the audit writer of postgres is connected');
ok(kill('STOP', $writer), 'the audit writer is held (SIGSTOP)');
my $log_from = -s $node->logfile;

# Four sessions, eight refusals each: twice what the queue holds.
my $work = $node->basedir;
my (@sessions, @markers);
for my $s (1 .. 4)
{
	my $script = '';
	for my $i (1 .. 8)
	{
		push @markers, "q-$s-$i";
		$script .= "UPDATE t SET v = 'q-$s-$i';\n";
	}
	append_to_file("$work/refuse$s.sql", $script);
	push @sessions, IPC::Run::start(
		[ 'psql', '-X', '-f', "$work/refuse$s.sql", $node->connstr('postgres') . " user=erin application_name=full$s" ],
		'>', "$work/refuse$s.out", '2>', "$work/refuse$s.err");
}
my $start = time;
$_->finish for @sessions;
my $took = time - $start;
my $refusals_seen = 0;
$refusals_seen += () = slurp_file("$work/refuse$_.err") =~ /ERROR:  UPDATE on table "t" has no WHERE clause/g for 1 .. 4;
is($refusals_seen, 32, 'every session saw each of its refusals');
cmp_ok($took, '<', 8 * 0.3 + 2, 'each refusal waited at most about redline.audit_wait (300ms)');

# The queue is full, the writer still held: a person can still log in, without waiting.
$start = time;
($ret, $out, $err) = $node->psql('postgres', 'SELECT 1', connstr => $node->connstr('postgres') . ' user=erin application_name=login-while-full');
$took = time - $start;
is($out, '1', 'a new session of a person starts while the queue is full');
cmp_ok($took, '<', 2, 'its login did not wait for the audit');
$start = time;
($ret, $out, $err) = $node->psql('postgres', 'SELECT 1', connstr => $node->connstr('postgres') . ' user=ghost application_name=ghost-while-full');
$took = time - $start;
like($err, qr/FATAL:  role "ghost" does not exist/, 'a failed login while the queue is full is refused');
cmp_ok($took, '<', 0.3 + 1, 'and is not held much longer than redline.audit_wait');

ok(kill('CONT', $writer), 'the audit writer goes on (SIGCONT)');

# Each refusal: either a 'the audit queue is full' line (and never a row), or a row (also
# those first logged as not yet confirmed, which stay queued).
my @lines = diverted_lines($node, $log_from);
my (%full, %unconfirmed);
for (@lines)
{
	my ($why, $e) = @$_;
	next unless ($e->{statement} // '') =~ /^UPDATE t SET v = '(q-\d-\d)'$/;
	my $m = $1;
	if ($why eq 'the audit queue is full') { $full{$m}++; }
	elsif ($why eq 'not yet confirmed by the audit writer; it stays queued') { $unconfirmed{$m}++; }
	else { fail("unexpected reason for $m: $why"); }
}
cmp_ok(scalar keys %full, '>', 0, 'some refusals found the queue full');
cmp_ok(scalar keys %unconfirmed, '>', 0, 'some refusals were queued but not yet written');
is(scalar(grep { ($full{$_} // 0) > 1 || ($unconfirmed{$_} // 0) > 1 } @markers), 0, 'each refusal is logged at most once');
my @queued = grep { !$full{$_} } @markers;
my $in = join(',', map { "'UPDATE t SET v = ''$_'''" } @queued);
ok( $node->poll_query_until('postgres',
		"SELECT count(DISTINCT statement) = @{[ scalar @queued ]} FROM redline.audit_log WHERE event = 'refused' AND statement IN ($in)"),
	'once the writer goes on, every refusal that got into the queue is a row');
is($node->safe_psql('postgres', "SELECT count(*) FROM redline.audit_log WHERE event = 'refused' AND statement IN ($in)"),
	scalar @queued, 'exactly one row each');
is(scalar(grep { $unconfirmed{$_} && $full{$_} } @markers), 0, 'no refusal is both queued and diverted');
is(scalar(@queued) + scalar(keys %full), 32, 'none is lost: 32 refusals, each a row or a line in the server log');
my $full_rows = join(',', map { "'UPDATE t SET v = ''$_'''" } keys %full);
is($node->safe_psql('postgres', "SELECT count(*) FROM redline.audit_log WHERE statement IN ($full_rows)"),
	'0', 'a refusal that went to the server log has no row');

# The lines carry what the row would have.
my ($line) = grep { $_->[0] eq 'the audit queue is full' && ($_->[1]{statement} // '') =~ /q-/ } @lines;
is(join('|', map { $line->[1]{$_} // '' } qw(event session_role effective_role database decision sqlstate reason environment application_name)),
	'refused|erin|erin|postgres|refused|RL001|UPDATE on table "t" has no WHERE clause|production|' . $line->[1]{application_name},
	'a diverted refusal: its line has every column');
like($line->[1]{application_name}, qr/^full\d$/, 'and its session');
my ($ghost) = grep { ($_->[1]{session_role} // '') eq 'ghost' } @lines;
is(join('|', map { $ghost->[1]{$_} // '' } qw(event decision reason)), 'auth_failed|failed|role "ghost" does not exist',
	'the failed login during the full queue is a line in the server log');
my ($login) = grep { ($_->[1]{application_name} // '') eq 'login-while-full' && $_->[1]{event} eq 'connect' } @lines;
ok(defined $login, 'the connection during the full queue is a line in the server log');
ok( $node->wait_for_log(qr/WARNING:  redline: (\d+) audit events went to the server log instead of redline\.audit_log since the server started/,
		$log_from),
	'the launcher warns that events went to the server log');
# The launcher warns again each time the count grows: wait for it to take in every event
# the sessions diverted (they may still be diverting when its first warning appears).
my $want = scalar(keys %full) + 1;
my $counted = 0;
for (1 .. 60)
{
	my @counts = slurp_file($node->logfile, $log_from) =~ /WARNING:  redline: (\d+) audit events went to the server log/g;
	$counted = $counts[-1] // 0;
	last if $counted >= $want;
	sleep 1;
}
cmp_ok($counted, '>=', $want, 'and counts them');
like($node->safe_psql('postgres', 'SELECT ok FROM redline.verify_audit()'), qr/^t$/, 'the chains verify');

# --- hot standby ---------------------------------------------------------------------------
my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', "shared_preload_libraries = 'redline'\nredline.require_token = none\n"
	  . "redline.protected = none\nredline.recycle_bin = off\nredline.exempt_roles = 'postgres'\n");
$primary->start;
$primary->safe_psql('postgres', q{
	CREATE EXTENSION redline;
	CREATE ROLE erin LOGIN;
	CREATE TABLE t (id int PRIMARY KEY, v text);
	INSERT INTO t VALUES (1, 'one');
	GRANT SELECT, UPDATE ON t TO erin;
});
$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);
$log_from = -s $standby->logfile;

($ret, $out, $err) = $standby->psql('postgres', "\\set VERBOSITY verbose\nSELECT v FROM t WHERE id = 1;\nUPDATE t SET v = 'standby-refused';",
	connstr => $standby->connstr('postgres') . ' user=erin application_name=on-standby', on_error_stop => 0);
is($out, 'one', 'standby: a person reads');
like($err, qr/ERROR:  RL001: UPDATE on table "t" has no WHERE clause/, 'standby: the refusal is the refusal, not an audit failure');
($ret, $out, $err) = $standby->psql('postgres',
	q{DO $$BEGIN UPDATE t SET v = 'standby-swallowed'; EXCEPTION WHEN others THEN RAISE NOTICE 'caught: %', SQLERRM; END$$;},
	connstr => $standby->connstr('postgres') . ' user=erin application_name=on-standby-do');
is($ret, 0, 'standby: a refusal swallowed by an exception block');
like($err, qr/NOTICE:  caught: UPDATE on table "t" has no WHERE clause/, 'standby: the block caught the refusal itself');
($ret, $out, $err) = $standby->psql('postgres', 'SELECT 1', connstr => $standby->connstr('postgres') . ' user=nobody application_name=nobody-on-standby');
like($err, qr/FATAL:  role "nobody" does not exist/, 'standby: a failed login');
ok( $standby->wait_for_log(qr/redline audit \(hot standby[^)]*\): \{.*"event":"disconnect".*"application_name":"on-standby-do"/, $log_from),
	'standby: the sessions have ended');

@lines = grep { $_->[0] eq 'hot standby: the audit table cannot be written' } diverted_lines($standby, $log_from);
my %by = map { join('/', $_->[1]{event}, $_->[1]{application_name} // '') => $_->[1] } @lines;
ok($by{'connect/on-standby'}, 'standby: the connection is a line in the server log');
is(join('|', map { $by{'refused/on-standby'}{$_} // '' } qw(session_role database statement decision sqlstate reason)),
	q{erin|postgres|UPDATE t SET v = 'standby-refused'|refused|RL001|UPDATE on table "t" has no WHERE clause},
	'standby: the refusal is a line in the server log');
is(join('|', map { $by{'refused/on-standby-do'}{$_} // '' } qw(session_role statement decision sqlstate)),
	q{erin|DO $$BEGIN UPDATE t SET v = 'standby-swallowed'; EXCEPTION WHEN others THEN RAISE NOTICE 'caught: %', SQLERRM; END$$|refused|RL001},
	'standby: the swallowed refusal is a line in the server log');
is(join('|', map { $by{'auth_failed/nobody-on-standby'}{$_} // '' } qw(session_role decision reason)),
	'nobody|failed|role "nobody" does not exist',
	'standby: the failed login is a line in the server log');
ok($by{'disconnect/on-standby'}, 'standby: the end of the session is a line in the server log');
unlike(slurp_file($standby->logfile, $log_from), qr/could not|PANIC|FATAL:  (?!role "nobody" does not exist)/,
	'standby: no error but the failed login itself');
is($primary->safe_psql('postgres', q{SELECT count(*) FROM redline.audit_log WHERE statement LIKE '%standby-%'}), '0',
	"standby: its events are not in the primary's table");

assert_no_crash($node);
assert_no_crash($primary);
assert_no_crash($standby);
done_testing();
