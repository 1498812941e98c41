# redline audit with the real CLI against a real server: the rows real actions leave (a DDL
# by an exempt role, refused writes by a person, a bulk write unlocked by a token, failed
# logins, a refusal in a database without the extension, which lands in the audit database)
# listed as a table, JSON lines and CSV; the weekly review's findings; --verify on an intact
# log pins the lane heads; then a superuser switches redline off, changes one row and cuts the
# end of a closed lane, and --verify names the row and the lane and exits 6.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $cli = $ENV{REDLINE_CLI} or die 'REDLINE_CLI is not set';
my $home = tempdir(CLEANUP => 1);
local $ENV{XDG_CONFIG_HOME} = "$home/config";
delete $ENV{$_} for qw(NO_COLOR PGOPTIONS PGPASSWORD PGSERVICE PGUSER PGHOST PGPORT PGTZ);

# Production defaults; the DBA (postgres) is exempt, as an application role would be.
my $node = redline_node('audit', LOCK => 1, CONF => "redline.exempt_roles = 'postgres'\n");
my $host = 'host=' . $node->host . ' port=' . $node->port;

# Runs the CLI; returns (exit code, stdout, stderr).
sub redline
{
	my ($stdout, $stderr) = ('', '');
	IPC::Run::run([ $cli, @_ ], '<', \undef, '>', \$stdout, '2>', \$stderr);
	return ($? >> 8, $stdout, $stderr);
}

# Runs SQL as `role` in `db`; returns (exit code, stdout, stderr).
sub psql_as
{
	my ($role, $db, $sql) = @_;
	return $node->psql($db, $sql, connstr => "$host dbname=$db user=$role");
}

# Audit rows may be written after the statement that caused them (a refusal's row survives
# its rollback): wait until `condition` holds in `db`'s audit log.
sub wait_for_rows
{
	my ($db, $condition, $name) = @_;
	ok($node->poll_query_until($db, "SELECT count(*) > 0 FROM redline.audit_log WHERE $condition"),
		"audit rows: $name");
}

# The DBA's set-up: a DDL by an exempt role, a person, an auditor, a role with a password.
$node->safe_psql('postgres', q{
	CREATE TABLE t (a int);
	INSERT INTO t SELECT g FROM generate_series(1, 1500) g;
	CREATE ROLE alice LOGIN;
	GRANT SELECT, UPDATE ON t TO alice;
	CREATE ROLE auditor LOGIN;
	GRANT redline_auditor TO auditor;
	CREATE ROLE bob LOGIN PASSWORD 'right';
	CREATE DATABASE other;
	CREATE DATABASE ledger;
});
$node->safe_psql('other', 'CREATE TABLE u (a int); GRANT SELECT, UPDATE ON u TO alice;');
$node->safe_psql('ledger',
	'CREATE EXTENSION redline; CREATE TABLE v (a int); GRANT SELECT, UPDATE ON v TO alice;');
wait_for_rows('postgres', q{event = 'ddl' AND statement LIKE '%CREATE TABLE t%'}, 'the exempt DBA\'s DDL');

# Refusals: a locked session's UPDATE without WHERE, here and in a database without the
# extension.
my ($ret, $out, $err) = psql_as('alice', 'postgres', 'UPDATE t SET a = 0');
isnt($ret, 0, 'alice\'s UPDATE without WHERE is refused');
($ret, $out, $err) = psql_as('alice', 'other', 'UPDATE u SET a = 0');
isnt($ret, 0, 'and in a database without the extension');
wait_for_rows('postgres', q{event = 'refused' AND session_role = 'alice' AND database = 'postgres'},
	'alice\'s refusal');
wait_for_rows('postgres', q{event = 'refused' AND session_role = 'alice' AND database = 'other'},
	'a refusal in a database without the extension lands in the audit database');

# A bulk write: alice unlocks with her enrolled key and states the row count first.
($ret, $out, $err) = redline('keygen', '--label', 'alice-laptop');
is($ret, 0, 'keygen') or diag $err;
($ret, $out, $err) = redline('profile', 'add', 'prod-alice', '--dsn', "$host dbname=postgres user=alice", '--env',
	'production', '--auth', 'typed', '--key', "$home/config/redline/keys/alice-laptop.k4.secret");
is($ret, 0, 'a profile for alice') or diag $err;
($ret, $out, $err) = redline('enroll', 'prod-alice', '--role', 'alice');
$node->safe_psql('postgres', $out);
($ret, $out, $err) = redline('token', 'prod-alice', '--sql', '--auth', 'none');
is($ret, 0, 'alice\'s token') or diag $err;
my $unlock = $out;
($ret, $out, $err) = psql_as('alice', 'postgres',
	"$unlock\nBEGIN;\nSET LOCAL redline.expect_rows = 1500;\nUPDATE t SET a = a + 1 WHERE a > 0;\nCOMMIT;");
is($ret, 0, 'unlocked, alice updates 1500 rows, as she stated') or diag $err;
wait_for_rows('postgres', q{event = 'write' AND session_role = 'alice' AND rows = 1500}, 'the bulk write');

# Failed logins: six wrong passwords for bob within a minute.
my $hba = $node->data_dir . '/pg_hba.conf';
my $rules = slurp_file($hba);
open my $fh, '>', $hba or die;
print $fh "local all bob scram-sha-256\n$rules";
close $fh;
$node->reload;
for my $i (1 .. 6)
{
	$node->connect_fails("$host dbname=postgres user=bob password=wrong", "bob's wrong password $i",
		expected_stderr => qr/password authentication failed for user "bob"/);
}
wait_for_rows('postgres', q{event = 'auth_failed' AND session_role = 'bob'}, 'bob\'s failed logins');

# The auditor's profiles.
for my $db (qw(postgres ledger other))
{
	my $name = $db eq 'postgres' ? 'auditor' : "auditor-$db";
	($ret, $out, $err) = redline('profile', 'add', $name, '--dsn', "$host dbname=$db user=auditor", '--env',
		'production', '--auth', 'typed');
	is($ret, 0, "profile $name") or diag $err;
}

# The listing as a table.
($ret, $out, $err) = redline('audit', 'auditor');
is($ret, 0, 'redline audit lists the last 7 days') or diag $err;
like($out, qr/^id\s+at\s+event\s+decision\s+role\s+database\s+client\s+rows\s+statement$/m, 'a table with a header');
like($out, qr/^\d+\s+\S+ \S+\s+ddl\s+allowed\s+postgres\s+postgres\s.*CREATE TABLE t \(a int\)/m,
	'the exempt DBA\'s DDL');
like($out, qr/^\d+\s+\S+ \S+\s+refused\s+refused\s+alice\s+postgres\s.*UPDATE t SET a = 0/m, 'alice\'s refusal');
like($out, qr/^\d+\s+\S+ \S+\s+refused\s+refused\s+alice\s+other\s/m,
	'the refusal in a database without the extension, in the audit database');
like($out, qr/^\d+\s+\S+ \S+\s+write\s+allowed\s+alice\s+postgres\s+\S+\s+1500\s+UPDATE t SET a = a \+ 1/m,
	'the bulk write with its row count');
like($out, qr/^\d+ audit rows \(the last 7 days\), times in \S+, database postgres$/m, 'a closing count');
unlike($out, qr/\e\[/, 'no colour when stdout is not a terminal');
($ret, $out, $err) = redline('--color=always', 'audit', 'auditor', '--event', 'refused');
like($out, qr/^\e\[1m\e\[31m\d+\s+\S+ \S+\s+refused\s+refused\s+alice/m, '--color=always paints refusals as danger');

# JSON lines: one object per row, every column, ISO 8601 times with their offset.
($ret, $out, $err) = redline('audit', 'auditor', '--format', 'json', '--since', '1d');
is($ret, 0, '--format json') or diag $err;
my @rows = map { decode_json($_) } split /\n/, $out;
ok(@rows > 5, 'one JSON object per line');
my @columns = qw(id at event session_role effective_role database client_addr application_name backend_pid
  environment statement objects rows key_id amr decision reason sqlstate xid lane lane_seq prev_id hash);
is_deeply([ sort keys %{ $rows[0] } ], [ sort @columns ], 'every column of the table');
like($rows[0]{at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/, 'at is ISO 8601 with the offset');
my ($refused) = grep { $_->{event} eq 'refused' && $_->{database} eq 'postgres' && $_->{session_role} eq 'alice' } @rows;
ok($refused, 'alice\'s refusal is there');
is($refused->{decision}, 'refused', 'its decision');
like($refused->{statement}, qr/UPDATE t SET a = 0/, 'its statement');
like($refused->{sqlstate}, qr/^[0-9A-Z]{5}$/, 'its SQLSTATE');
like($refused->{hash}, qr/^[0-9a-f]{64}$/, 'its hash in hex');
ok($refused->{lane} > 0 && $refused->{lane_seq} > 0, 'its lane and position as numbers');
my ($bulk) = grep { $_->{event} eq 'write' && defined $_->{rows} && $_->{rows} == 1500 } @rows;
ok($bulk && ref $bulk->{objects} eq 'ARRAY', 'objects as a JSON array');
ok((grep { $_->{event} eq 'auth_failed' && ($_->{session_role} // '') eq 'bob' } @rows) == 6,
	'six failed logins for bob');

# Filters are values, not SQL.
($ret, $out, $err) = redline('audit', 'auditor', '--role', 'alice', '--event', 'refused,write', '--format', 'json');
@rows = map { decode_json($_) } split /\n/, $out;
ok(@rows >= 3, '--role alice --event refused,write');
is(scalar(grep { $_->{session_role} ne 'alice' && ($_->{effective_role} // '') ne 'alice' } @rows), 0,
	'only alice\'s rows');
is(scalar(grep { $_->{event} ne 'refused' && $_->{event} ne 'write' } @rows), 0, 'only those classes');
($ret, $out, $err) = redline('audit', 'auditor', '--role', "alice' OR true --", '--format', 'json');
is($ret, 0, 'a role name with a quote is a value');
is($out, '', 'and matches no row');

# CSV: RFC 4180 with a header.
($ret, $out, $err) = redline('audit', 'auditor', '--format', 'csv', '--event', 'ddl');
is($ret, 0, '--format csv');
like($out, qr/\Aid,at,event,session_role,effective_role,database,client_addr,application_name,backend_pid,environment,statement,objects,rows,key_id,amr,decision,reason,sqlstate,xid,lane,lane_seq,prev_id,hash\r\n/,
	'the header, ended by CRLF');
like($out, qr/\r\n\d+,\d{4}-[^,]+,ddl,postgres,/, 'a DDL record');

# The weekly review.
my $hour = $node->safe_psql('postgres', "SELECT extract(hour FROM now() AT TIME ZONE 'UTC')::int");
my $away = sprintf('%02d', ($hour + 12) % 24);
($ret, $out, $err) = redline('audit', 'auditor', '--review', '--tz', 'UTC', '--window', "Mon-Sun $away:00-$away:59");
is($ret, 0, '--review') or diag $err;
like($out, qr/^period: .* \(the last 7 days\), times in UTC$/m, 'the period and the zone');
like($out, qr/^writes and DDL outside the deployment windows Mon-Sun $away:00-$away:59 \(UTC\): (\d+)$/m,
	'writes outside the window are counted');
like($out, qr/^  \d+\s+\w{3}\s+\S+ \S+\s+ddl\s+postgres\s+postgres\s.*CREATE TABLE t/m, 'the DDL is one of them');
like($out, qr/^  \d+\s+\w{3}\s+\S+ \S+\s+write\s+alice\s+postgres\s+1500\s/m, 'the bulk write another');
like($out, qr/^bulk writes \(1000 rows or more\): 1$/m, 'one bulk write');
like($out, qr/^  \d+\s+\S+ \S+\s+allowed\s+alice\s+postgres\s+1500\s+UPDATE t SET a = a \+ 1/m, 'alice\'s');
like($out, qr/^refusals by role and SQLSTATE: \d+ groups?, \d+ refusals?$/m, 'refusals grouped');
like($out, qr/^  alice\s+[0-9A-Z]{5}\s+\d+\s/m, 'alice\'s refusals by SQLSTATE');
like($out, qr/^client addresses not seen in the 7 days before the period: \d+$/m, 'new client addresses');
like($out, qr/^  \[local\]\s+\d+\s/m, 'Unix-socket connections as [local]');
like($out, qr/^roles connecting for the first time in 30 days: \d+$/m, 'new roles');
like($out, qr/^  alice\s+\d+\s+\[local\]/m, 'alice is one');
like($out, qr/^failed-login bursts \(5 or more within 10 minutes, by role or by address\): 2$/m,
	'failed-login bursts');
like($out, qr/^  role\s+bob\s+6\s+6\s/m, 'bob\'s six wrong passwords');
like($out, qr/^  address\s+\[local\]\s+6\s+6\s/m, 'from one address');
($ret, $out, $err) = redline('audit', 'auditor', '--review', '--window', 'Mon-Sun 00:00-23:59');
like($out, qr/^writes and DDL outside the deployment windows Mon-Sun 00:00-23:59 \(.*\): none$/m,
	'a window around the clock leaves no write outside it');
($ret, $out, $err) = redline('audit', 'auditor', '--review', '--bulk', '2000', '--burst', '7');
like($out, qr/^bulk writes \(2000 rows or more\): none$/m, '--bulk moves the threshold');
like($out, qr/^failed-login bursts \(7 or more within 10 minutes/m, '--burst too');
like($out, qr/^failed-login bursts .*: none$/m, 'six is not seven');
($ret, $out, $err) = redline('audit', 'auditor', '--review', '--format', 'json', '--tz', 'UTC', '--window',
	"Mon-Sun $away:00-$away:59");
is($ret, 0, '--review --format json');
my @findings = map { decode_json($_) } split /\n/, $out;
ok((grep { $_->{finding} eq 'write_outside_window' && $_->{event} eq 'ddl' } @findings), 'a JSON finding per write');
my ($burst) = grep { $_->{finding} eq 'auth_failed_burst' && $_->{kind} eq 'role' } @findings;
is($burst->{who}, 'bob', 'a JSON finding per burst');
is($burst->{most_within}, 6, 'with its count');
ok((grep { $_->{finding} eq 'bulk_write' && $_->{rows} == 1500 } @findings), 'a JSON finding per bulk write');

# Where the log is not, and who may not read it.
($ret, $out, $err) = redline('audit', 'auditor-other');
is($ret, 1, 'a database without the extension has no audit log (exit 1)');
like($err, qr/has no redline\.audit_log: CREATE EXTENSION redline has not run there.*audit database/,
	'and says where its events are');
($ret, $out, $err) = redline('audit', 'prod-alice');
is($ret, 1, 'a role without redline_auditor may not read the log (exit 1)');
like($err, qr/GRANT redline_auditor TO alice/, 'and is told what grants it');

# --verify on the intact log: the chains hold, and the lane heads are pinned.
($ret, $out, $err) = redline('audit', 'auditor', '--verify');
is($ret, 0, '--verify: intact') or diag $out, $err;
like($out, qr/^verify_audit\(\): \d+ rows in \d+ lanes checked: every hash chain is intact$/m, 'the chains hold');
like($out, qr/^pinned \d+ lane heads in \Q$home\E\/config\/redline\/audit-pins\/auditor\.heads/m,
	'the heads are pinned');
my $pins = "$home/config/redline/audit-pins/auditor.heads";
is((stat $pins)[2] & 07777, 0600, 'in a file of mode 0600');
($ret, $out, $err) = redline('audit', 'auditor', '--verify');
is($ret, 0, 'a second --verify');
like($out, qr/^pinned lane heads: \d+ checked: all in place$/m, 'finds the pinned heads in place');
($ret, $out, $err) = redline('audit', 'auditor-ledger', '--verify', '--format', 'json');
is($ret, 0, '--verify ledger') or diag $out, $err;
ok(decode_json($out)->{ok}, 'JSON: ok');
my $ledger_pins = slurp_file("$home/config/redline/audit-pins/auditor-ledger.heads");
my $main_pins = slurp_file($pins);

# A superuser switches redline off, changes alice's refusal, and cuts the end of a lane in ledger.
my $changed = $node->safe_psql('postgres',
	"SELECT max(id) FROM redline.audit_log WHERE event = 'refused' AND session_role = 'alice' AND database = 'postgres'");
# The DBA's set-up of ledger was one session: its DDL rows are a lane of their own, closed.
my ($lane, $last) = split /\|/, $node->safe_psql('ledger',
	"SELECT lane, max(lane_seq) FROM redline.audit_log WHERE lane IN "
	  . "(SELECT lane FROM redline.audit_log WHERE event = 'ddl' AND session_role = 'postgres') "
	  . "GROUP BY lane ORDER BY lane LIMIT 1");
ok($lane && $last > 1, "the DBA's DDL lane $lane in ledger ends at lane_seq $last");
$node->append_conf('postgresql.conf', "redline.enforce = off\n");
$node->reload;
ok($node->poll_query_until('postgres', 'SHOW redline.enforce', 'off'), 'redline is switched off');
$node->safe_psql('postgres', "UPDATE redline.audit_log SET statement = 'SELECT 1' WHERE id = $changed");
$node->safe_psql('ledger', "DELETE FROM redline.audit_log WHERE lane = $lane AND lane_seq = $last");
$node->append_conf('postgresql.conf', "redline.enforce = on\n");
$node->reload;
ok($node->poll_query_until('postgres', 'SHOW redline.enforce', 'on'), 'and on again');

($ret, $out, $err) = redline('audit', 'auditor', '--verify');
is($ret, 6, '--verify finds the changed row (exit 6)') or diag $out, $err;
like($out, qr/TAMPERED/, 'it says the log was tampered with');
like($out, qr/^  row $changed \(refused by alice at [^)]*\) no longer matches its hash/m, 'and names the row');
like($out, qr/what to do: .*superuser.*redline\.enforce = off.*policy_change.*server log/,
	'and what to do');
like($err, qr/^redline: the audit log of profile auditor \(database postgres\) was tampered with: row $changed /m,
	'one line on stderr names it too');
is(slurp_file($pins), $main_pins, 'the pinned heads are kept as they were');
($ret, $out, $err) = redline('audit', 'auditor', '--verify', '--format', 'json');
is($ret, 6, '--verify --format json exits 6 too');
my $verdict = decode_json($out);
is($verdict->{first_bad_id}, $changed, 'JSON: the row');
is($verdict->{problem}, 'changed', 'JSON: the problem');

($ret, $out, $err) = redline('audit', 'auditor-ledger', '--verify');
is($ret, 6, '--verify finds the lane cut short (exit 6)') or diag $out, $err;
like($out, qr/^  lane $lane now ends at lane_seq ${\($last - 1)}, but its row at lane_seq $last was pinned: the last row of the lane was deleted$/m,
	'the pinned head names the lane and what was cut');
is(slurp_file("$home/config/redline/audit-pins/auditor-ledger.heads"), $ledger_pins, 'the pins are kept');

assert_no_crash($node);
done_testing();
