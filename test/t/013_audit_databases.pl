# The audit log covers every database of the cluster: a database without the extension
# has its writes, DDL, refusals, rollbacks and connections recorded in the table of
# redline.audit_database (postgres), one with the extension in its own table. An audit
# writer never keeps DROP DATABASE or CREATE DATABASE ... TEMPLATE from their database, and
# leaves nothing behind that breaks the chains. What is recorded follows redline.audit
# (per role with ALTER ROLE ... SET; a superuser's SET is itself recorded first) and
# redline.audit_parameters; pgaudit sees the same statements, loaded before or after.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $node = redline_node('databases', PRELOAD => 'redline,pgaudit',
	CONF => "redline.exempt_roles = 'postgres, app_svc'\npgaudit.log = 'write, ddl'\n");
$node->safe_psql('postgres', q{
	CREATE ROLE bob LOGIN;
	CREATE ROLE carol LOGIN;
	CREATE ROLE app_svc LOGIN;
	CREATE DATABASE plain OWNER bob;
	CREATE DATABASE app OWNER bob;
	CREATE TABLE t (id int PRIMARY KEY, n int, v text);
	INSERT INTO t VALUES (1, 0, 'one'), (2, 0, 'two');
	GRANT SELECT, INSERT, UPDATE ON t TO bob, carol, app_svc;
});
$node->safe_psql('app', 'CREATE EXTENSION redline');

sub query { my ($sql, $db, $n) = @_; return ($n // $node)->safe_psql($db // 'postgres', $sql); }

# Runs a script as ROLE in DB, named APP (application_name) so that its rows can be found.
sub session
{
	my ($db, $role, $app, $sql, $n) = @_;
	$n //= $node;
	return $n->psql($db, "\\set VERBOSITY verbose\n$sql", on_error_stop => 0,
		connstr => $n->connstr($db) . " user=$role application_name=$app");
}

# Waits until every event queued so far for postgres is a row: a refusal waits for its row,
# and the audit writer takes events in the order they were queued.
sub settle
{
	my ($ret, $out, $err) = session('postgres', 'bob', 'settle', "UPDATE t SET v = 'settle';");
	die "settle: $err" unless $err =~ /RL001/;
}

my $row = q{SELECT event, session_role, database, statement, objects, rows, decision, sqlstate, xid IS NOT NULL,
	pg_xact_status(xid) FROM redline.audit_log WHERE application_name = };

# --- a database without the extension ---------------------------------------------------
my ($ret, $out, $err) = session('plain', 'bob', 'bob-plain', q{
CREATE TABLE p (id int PRIMARY KEY, v text);
INSERT INTO p VALUES (1, 'plain-commit');
UPDATE p SET v = 'plain-refused';
BEGIN;
INSERT INTO p VALUES (2, 'plain-rollback');
ROLLBACK;
});
like($err, qr/ERROR:  RL001: UPDATE on table "p" has no WHERE clause/, 'plain: the UPDATE without WHERE is refused');
is(query('SELECT to_regclass(\'redline.audit_log\') IS NULL', 'plain'), 't', 'plain has no audit table of its own');
is(query($row . q{'bob-plain' AND event <> 'connect' AND event <> 'disconnect' ORDER BY id}),
	join("\n",
		'ddl|bob|plain|CREATE TABLE p (id int PRIMARY KEY, v text)|{public.p}||allowed||t|committed',
		q{write|bob|plain|INSERT INTO p VALUES (1, 'plain-commit')|{public.p}|1|allowed||t|committed},
		q{refused|bob|plain|UPDATE p SET v = 'plain-refused'|||refused|RL001|f|},
		q{write|bob|plain|INSERT INTO p VALUES (2, 'plain-rollback')|{public.p}|1|rolled_back||t|aborted}),
	"plain: DDL, the committed write, the refusal and the rolled-back write are in postgres's table");
ok( $node->poll_query_until('postgres',
		q{SELECT count(*) = 2 FROM redline.audit_log WHERE application_name = 'bob-plain' AND event IN ('connect', 'disconnect')}),
	'plain: the connection and its end are recorded');
is(query(q{SELECT string_agg(event || '|' || session_role || '|' || database || '|' || decision || '|'
	|| regexp_replace(reason, '\d+', 'N'), E'\n' ORDER BY id) FROM redline.audit_log
	WHERE application_name = 'bob-plain' AND event IN ('connect', 'disconnect')}),
	"connect|bob|plain|allowed|authenticated by trust\ndisconnect|bob|plain|allowed|session lasted N s",
	'plain: connect and disconnect rows say who, where and how');
is(query(q{SELECT count(*) FROM redline.audit_log WHERE application_name = 'bob-plain'}, 'app'), '0',
	'plain: nothing of it in the table of another database');

# A write whose COMMIT fails (serialization failure) never committed: its rows say so.
$node->safe_psql('plain', q{CREATE TABLE oncall (id int PRIMARY KEY, on_duty bool); INSERT INTO oncall VALUES (1, true), (2, true);},
	extra_params => [ '-U', 'bob' ]);
my @s = map { $node->background_psql('plain', on_error_stop => 0, extra_params => [ '-U', 'bob' ]) } (1, 2);
for my $i (0, 1)
{
	$s[$i]->query_safe('BEGIN ISOLATION LEVEL SERIALIZABLE');
	$s[$i]->query_safe('SELECT count(*) FROM oncall WHERE on_duty');
}
$s[0]->query_safe('UPDATE oncall SET on_duty = false WHERE id = 1');
$s[1]->query_safe('UPDATE oncall SET on_duty = false WHERE id = 2');
$s[0]->query_safe('COMMIT');
$s[1]->query('COMMIT');
like($s[1]->{stderr}, qr/could not serialize access/, 'plain: the second COMMIT fails');
$_->quit for @s;
is(query(q{SELECT string_agg(decision || '|' || pg_xact_status(xid), ',' ORDER BY id) FROM redline.audit_log
	WHERE statement LIKE 'UPDATE oncall SET on_duty = false WHERE id = 1%'}), 'allowed|committed',
	'plain: the committed UPDATE has its allowed row');
is(query(q{SELECT string_agg(decision || '|' || pg_xact_status(xid), ',' ORDER BY id) FROM redline.audit_log
	WHERE statement LIKE 'UPDATE oncall SET on_duty = false WHERE id = 2%'}), 'allowed|aborted,rolled_back|aborted',
	'plain: the UPDATE whose COMMIT failed ends with a rolled_back row of the same transaction');

# --- a database with the extension ------------------------------------------------------
($ret, $out, $err) = session('app', 'bob', 'bob-app', q{
CREATE TABLE q (id int PRIMARY KEY, v text);
INSERT INTO q VALUES (1, 'app-commit');
DELETE FROM q;
});
like($err, qr/ERROR:  RL001: DELETE on table "q" has no WHERE clause/, 'app: the DELETE without WHERE is refused');
is(query($row . q{'bob-app' AND event <> 'connect' AND event <> 'disconnect' ORDER BY id}, 'app'),
	join("\n",
		'ddl|bob|app|CREATE TABLE q (id int PRIMARY KEY, v text)|{public.q}||allowed||t|committed',
		q{write|bob|app|INSERT INTO q VALUES (1, 'app-commit')|{public.q}|1|allowed||t|committed},
		q{refused|bob|app|DELETE FROM q|||refused|RL001|f|}),
	"app: its rows are in its own table");
ok( $node->poll_query_until('app',
		q{SELECT count(*) = 2 FROM redline.audit_log WHERE application_name = 'bob-app' AND event IN ('connect', 'disconnect')}),
	'app: its connection is recorded in its own table');
is(query(q{SELECT count(*) FROM redline.audit_log WHERE database = 'app' OR application_name = 'bob-app'}), '0',
	"app: nothing of it in postgres's table");
like(query('SELECT ok FROM redline.verify_audit()', 'app'), qr/^t$/, 'app: its chains verify');

# --- how much is recorded -----------------------------------------------------------------
# An exempt (application) role's writes are not recorded by default...
($ret, $out, $err) = session('postgres', 'app_svc', 'svc-default', "UPDATE t SET n = n + 1 WHERE id = 2;");
is($ret, 0, 'exempt role: a write');
settle();
is(query(q{SELECT count(*) FROM redline.audit_log WHERE application_name = 'svc-default'}), '0',
	'exempt role: by default neither its write nor its connection is recorded');
# ...and are once ALTER ROLE ... SET redline.audit = 'all' applies to its next session.
query(q{ALTER ROLE app_svc SET redline.audit = 'all'});
($ret, $out, $err) = session('postgres', 'app_svc', 'svc-all', "UPDATE t SET n = n + 1 WHERE id = 2;");
ok( $node->poll_query_until('postgres', q{SELECT string_agg(event || '|' || decision, ',' ORDER BY at) = 'connect|allowed,write|allowed,disconnect|allowed'
	FROM redline.audit_log WHERE application_name = 'svc-all' AND event <> 'seal'}),
	'exempt role with redline.audit = all: its connection, write and disconnection are recorded');
is(query($row . q{'svc-all' AND event = 'write'}), 'write|app_svc|postgres|UPDATE t SET n = n + 1 WHERE id = 2|{public.t}|1|allowed||t|committed',
	'exempt role with redline.audit = all: the write row');

# A person whose role records only refusals: no connect or disconnect rows.
query(q{ALTER ROLE carol SET redline.audit = 'refused'});
($ret, $out, $err) = session('postgres', 'carol', 'carol-refused', "INSERT INTO t VALUES (3, 0, 'carol');\nUPDATE t SET v = 'carol-refused';");
like($err, qr/RL001/, 'carol: a refusal');
settle();
is(query(q{SELECT string_agg(event || '|' || statement, ',' ORDER BY id) FROM redline.audit_log WHERE application_name = 'carol-refused'}),
	q{refused|UPDATE t SET v = 'carol-refused'}, q{redline.audit = 'refused' for a role: only its refusal, no connect, write or disconnect});

# A superuser's SET redline.audit is recorded, whatever the new value records.
($ret, $out, $err) = session('postgres', 'postgres', 'dba-set', q{
UPDATE t SET v = 'dba-before';
SET redline.audit = 'none';
UPDATE t SET v = 'dba-after';
});
like($err, qr/RL001: UPDATE on table "t" has no WHERE clause.*RL001: UPDATE on table "t" has no WHERE clause/s, 'dba: both UPDATEs are refused');
settle();
is(query(q{SELECT string_agg(event || '|' || session_role || '|' || statement || '|' || reason, E'\n' ORDER BY id)
	FROM redline.audit_log WHERE application_name = 'dba-set'}),
	qq{refused|postgres|UPDATE t SET v = 'dba-before'|UPDATE on table "t" has no WHERE clause\n}
	  . q{policy_change|postgres|SET redline.audit = 'none'|redline.audit set to 'none' in this session (was 'auto')},
	q{a superuser's SET redline.audit = 'none' is recorded, and only then records nothing});
($ret, $out, $err) = session('postgres', 'bob', 'bob-set', q{SET redline.audit = 'none';});
like($err, qr/permission denied to set parameter "redline.audit"/, 'a person cannot SET redline.audit');

# Other policy changes: a SET of a redline.* setting, ALTER SYSTEM, and the reload.
($ret, $out, $err) = session('postgres', 'postgres', 'dba-policy', "SET redline.max_rows = 5;\nALTER SYSTEM SET redline.max_rows = 500;");
is($ret, 0, 'dba: SET and ALTER SYSTEM of redline.max_rows') or diag $err;
is(query(q{SELECT string_agg(statement || '|' || reason, E'\n' ORDER BY id) FROM redline.audit_log
	WHERE application_name = 'dba-policy' AND event = 'policy_change' AND decision = 'allowed'}),
	"SET redline.max_rows = 5|redline.max_rows set to '5' in this session (was '-1')\n"
	  . 'ALTER SYSTEM SET redline.max_rows = 500|ALTER SYSTEM SET redline.max_rows',
	'SET and ALTER SYSTEM of a redline setting are policy changes');
$node->reload;
ok( $node->poll_query_until('postgres', q{SELECT count(*) = 1 FROM redline.audit_log WHERE event = 'policy_change'
	AND reason = 'configuration reload: redline.max_rows changed from ''-1'' to ''500'''}),
	'the reload that applies it is a policy change too');
query('ALTER SYSTEM RESET redline.max_rows');
$node->reload;

# Bound parameter values: left out by default, included with redline.audit_parameters = on.
my $script = $node->basedir . '/param.sql';
for my $setting ('off', 'on')
{
	query("ALTER ROLE bob SET redline.audit_parameters = $setting");
	for my $mode ('prepared', 'extended')
	{
		my $value = $setting eq 'on' ? 4343 : 4242;
		unlink $script;
		append_to_file($script, "\\set v $value\nUPDATE t SET n = :v WHERE id = 1;\n");
		local $ENV{PGAPPNAME} = "params-$setting-$mode";
		my ($stdout, $stderr) = ('', '');
		IPC::Run::run([ 'pgbench', '-n', '-t', '1', '-M', $mode, '-f', $script, '-U', 'bob', '-h', $node->host,
				'-p', $node->port, 'postgres' ], '>', \$stdout, '2>', \$stderr);
		is(query("SELECT n FROM t WHERE id = 1"), $value, "pgbench -M $mode: the UPDATE ran");
		is(query("SELECT statement FROM redline.audit_log WHERE application_name = 'params-$setting-$mode' AND event = 'write'"),
			$setting eq 'on' ? "UPDATE t SET n = \$1 WHERE id = 1\n-- parameters: \$1 = '$value'" : 'UPDATE t SET n = $1 WHERE id = 1',
			"redline.audit_parameters = $setting, pgbench -M $mode: the statement "
			  . ($setting eq 'on' ? 'with its bound value' : 'without its bound value'));
	}
}
query('ALTER ROLE bob RESET redline.audit_parameters');

# --- an audit writer leaves a database that is dropped or copied --------------------------
# On a node of its own, so that what dropping leaves behind is judged on its own.
my $drops = redline_node('dropping', CONF => "redline.exempt_roles = 'postgres'\n");
$drops->safe_psql('postgres', q{
	CREATE ROLE bob LOGIN;
	CREATE TABLE t (id int PRIMARY KEY, n int, v text);
	INSERT INTO t VALUES (1, 0, 'one');
	GRANT SELECT, UPDATE ON t TO bob;
});
sub writers_in
{
	my ($db) = @_;
	return query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'redline audit writer' AND datname = '$db'",
		'postgres', $drops);
}
sub launcher_pid
{
	my ($n) = @_;
	my ($postmaster) = split /\n/, slurp_file($n->data_dir . '/postmaster.pid');
	my ($pid) = `ps -o pid=,args= --ppid $postmaster` =~ /^\s*(\d+)\s.*redline audit launcher/m;
	return $pid // die 'no redline audit launcher';
}
for my $i (1 .. 3)
{
	my $db = "doomed$i";
	query("CREATE DATABASE $db OWNER bob", 'postgres', $drops);
	query('CREATE EXTENSION redline', $db, $drops);
	($ret, $out, $err) = session($db, 'bob', "bob-$db", "CREATE TABLE d (id int);\nDELETE FROM d;", $drops);
	like($err, qr/RL001: DELETE on table "d" has no WHERE clause/, "$db: a refusal there");
	is(writers_in($db), '1', "$db: its audit writer is connected");
	# The last time, the launcher is slow to react (held with SIGSTOP): the writer has left,
	# and the database is dropped before anything queued for it is written.
	my $launcher = $i == 3 ? launcher_pid($drops) : undef;
	kill 'STOP', $launcher if $launcher;
	my $start = time;
	($ret, $out, $err) = $drops->psql('postgres', "DROP DATABASE $db");
	my $took = time - $start;
	kill 'CONT', $launcher if $launcher;
	is($ret, 0, "DROP DATABASE $db succeeds although its audit writer was connected") or diag $err;
	unlike($err, qr/being accessed by other users/, "DROP DATABASE $db: nobody is left connected");
	cmp_ok($took, '<', 5, "DROP DATABASE $db is prompt");
}
# The audit database's chains stay whole: nothing of the dropped databases (their lanes'
# seals included) lands there. Two seal rounds after the drops make sure of it.
ok( $drops->poll_query_until('postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'redline audit writer' AND datname LIKE 'doomed%'}),
	'no audit writer is left in a dropped database');
for my $round (1, 2)
{
	# A write of an open session is sealed by the launcher's next round (not by the
	# session's end).
	my $marker = "UPDATE t SET v = 'seal-round$round' WHERE id = 1";
	my $open = $drops->background_psql('postgres', extra_params => [ '-U', 'bob' ]);
	$open->query_safe($marker);
	my ($lane, $seq) = split /\|/,
	  query("SELECT lane, lane_seq FROM redline.audit_log WHERE statement LIKE \$\$$marker%\$\$", 'postgres', $drops);
	die "the write of seal round $round was not recorded" unless defined $seq;
	ok( $drops->poll_query_until('postgres', qq{SELECT count(*) > 0 FROM redline.audit_log s, unnest(s.objects) o
			WHERE s.event = 'seal' AND split_part(o, ':', 1)::bigint = $lane AND split_part(o, ':', 2)::bigint >= $seq}),
		"seal round $round after the drops");
	$open->quit;
}
is(query('SELECT ok, first_bad_id, problem FROM redline.verify_audit()', 'postgres', $drops),
	't||', 'postgres: the chains verify after databases with the extension were dropped')
  or diag query('SELECT detail FROM redline.verify_audit()', 'postgres', $drops);
is(query(q{SELECT count(*) FROM redline.audit_log WHERE database LIKE 'doomed%'}, 'postgres', $drops), '0',
	"postgres: no event of the dropped databases landed in the audit database's table");
my $log = slurp_file($drops->logfile);
for my $i (1 .. 3)
{
	my $failed = () = $log =~ /FATAL:  database "doomed$i" does not exist/g;
	cmp_ok($failed, '<=', 2, "doomed$i: the audit launcher does not keep starting writers for the dropped database");
}

query('CREATE DATABASE tmpl OWNER bob', 'postgres', $drops);
query('CREATE EXTENSION redline', 'tmpl', $drops);
($ret, $out, $err) = session('tmpl', 'bob', 'bob-tmpl', "CREATE TABLE d (id int);\nDELETE FROM d;", $drops);
like($err, qr/RL001/, 'tmpl: a refusal there');
is(writers_in('tmpl'), '1', 'tmpl: its audit writer is connected');
my $start = time;
($ret, $out, $err) = $drops->psql('postgres', 'CREATE DATABASE tmplcopy TEMPLATE tmpl');
my $took = time - $start;
is($ret, 0, 'CREATE DATABASE tmplcopy TEMPLATE tmpl succeeds although its audit writer was connected') or diag $err;
cmp_ok($took, '<', 5, 'CREATE DATABASE ... TEMPLATE is prompt');
is(query(q{SELECT count(*) FROM redline.audit_log WHERE application_name = 'bob-tmpl' AND event = 'refused'},
		'tmplcopy', $drops),
	'1', 'tmplcopy: the copy holds the rows of tmpl');
is(query('SELECT ok FROM redline.verify_audit()', 'tmplcopy', $drops), 't', 'tmplcopy: its chains verify');

# --- pgaudit, loaded after redline and before it -------------------------------------------
my $first = redline_node('pgaudit_first', PRELOAD => 'pgaudit,redline',
	CONF => "redline.exempt_roles = 'postgres'\npgaudit.log = 'write, ddl'\n");
$first->safe_psql('postgres', q{CREATE ROLE bob LOGIN; CREATE TABLE t (id int PRIMARY KEY, n int, v text);
	INSERT INTO t VALUES (1, 0, 'one'); GRANT SELECT, UPDATE ON t TO bob;});
for my $case ([ $node, 'redline,pgaudit' ], [ $first, 'pgaudit,redline' ])
{
	my ($n, $order) = @$case;
	my $sql = "UPDATE t SET v = 'seen by both " . ($order =~ s/,/ then /r) . "' WHERE id = 1";
	$n->safe_psql('postgres', $sql, extra_params => [ '-U', 'bob' ]);
	like(slurp_file($n->logfile), qr/AUDIT: SESSION,\d+,\d+,WRITE,UPDATE,[^,]*,[^,]*,"?\Q$sql\E/,
		"$order: pgaudit logs the UPDATE");
	is($n->safe_psql('postgres', "SELECT event || '|' || session_role || '|' || decision || '|' || rows FROM redline.audit_log WHERE statement = \$\$$sql\$\$"),
		'write|bob|allowed|1', "$order: redline records the same UPDATE");
	like($n->safe_psql('postgres', 'SELECT ok FROM redline.verify_audit()'), qr/^t$/, "$order: the chains verify");
}

assert_no_crash($node);
assert_no_crash($drops);
assert_no_crash($first);
done_testing();
