# Connections the server opens to itself: a locked person reaching an exempt application
# role through dblink, postgres_fdw or a program run by COPY ... PROGRAM, over the Unix
# socket and over TCP on 127.0.0.1, with trust authentication (no password asked). Such a
# session is never more exempt than the session that opened it; the refusal and the
# connection's origin are audited. An application connecting normally, or to itself through
# dblink, stays exempt.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

# postgres sets things up; app_service is the application; dba (a superuser) and alice are
# people, locked in production.
my $node = redline_node('loopback', LOCK => 1,
	CONF => "redline.exempt_roles = 'postgres, app_service'\nlisten_addresses = '127.0.0.1'\n");
my $port = $node->port;
my %via = (
	unix => "host=@{[ $node->host ]} port=$port dbname=postgres",
	tcp => "host=127.0.0.1 port=$port dbname=postgres");

$node->safe_psql('postgres', qq{
CREATE EXTENSION dblink;
CREATE EXTENSION postgres_fdw;
CREATE ROLE app_service LOGIN;
CREATE ROLE dba LOGIN SUPERUSER;
CREATE ROLE alice LOGIN;
CREATE TABLE accounts (id int PRIMARY KEY, balance int);
INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 20) g;
GRANT ALL ON accounts TO app_service, alice;
-- A read that writes: the application's view calls a function that changes a row.
CREATE FUNCTION drain() RETURNS int LANGUAGE sql AS 'UPDATE public.accounts SET balance = 0 WHERE id = 1 RETURNING 1';
CREATE VIEW drained AS SELECT drain() AS done;
GRANT SELECT ON drained TO app_service;
GRANT EXECUTE ON FUNCTION dblink_connect_u(text, text) TO app_service;
});
# A function in an untrusted language that runs a program, as an administrator might keep.
my $plperlu = $node->safe_psql('postgres', "SELECT count(*) FROM pg_available_extensions WHERE name = 'plperlu'");
$node->safe_psql('postgres', q{
CREATE EXTENSION plperlu;
CREATE FUNCTION run_program(command text) RETURNS text LANGUAGE plperlu AS $$ return `$_[0] 2>&1`; $$;
}) if $plperlu;

# Foreign tables over both transports, for alice as app_service with no password asked: a
# mapping only a superuser can make, as a DBA would for a reporting job.
for my $t (sort keys %via)
{
	my ($host) = $via{$t} =~ /host=(\S+)/;
	$node->safe_psql('postgres', qq{
CREATE SERVER self_$t FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$host', port '$port', dbname 'postgres');
CREATE USER MAPPING FOR alice SERVER self_$t OPTIONS (user 'app_service', password_required 'false');
CREATE FOREIGN TABLE accounts_$t (id int, balance int) SERVER self_$t OPTIONS (table_name 'accounts');
CREATE FOREIGN TABLE drained_$t (done int) SERVER self_$t OPTIONS (table_name 'drained');
GRANT ALL ON accounts_$t, drained_$t TO alice;
});
}

sub balance { return $node->safe_psql('postgres', "SELECT balance FROM accounts WHERE id = $_[0]") }

# psql with a connection string of our own: (exit status, stdout, stderr).
sub run_psql
{
	my ($connstr, $sql) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'psql', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', $connstr, '-c', $sql ],
		'>', \$out, '2>', \$err);
	chomp $out;
	return ($? >> 8, $out, $err);
}

sub as_role { my ($role, $sql) = @_; return run_psql("$via{unix} user=$role", $sql); }

my $id = 1;
for my $t (sort keys %via)
{
	my $conn = "$via{$t} user=app_service";

	# dblink_exec from a locked superuser's session, as the exempt role.
	$id++;
	my ($ret, $out, $err) = as_role('dba', "SELECT dblink_exec('$conn', 'UPDATE accounts SET balance = 0 WHERE id = $id')");
	isnt($ret, 0, "$t: a locked person cannot write through dblink_exec as an exempt role");
	like($err, qr/UPDATE on public\.accounts refused: this production session of role "app_service" is read-only/,
		"$t: the connection back is refused as a locked session");
	like($err, qr/opened by backend PID \d+ of this server for a session of role "dba"/,
		"$t: the refusal says which session opened it") or diag $err;
	is(balance($id), 100, "$t: nothing changed through dblink");

	# A program the backend runs, connecting back: COPY ... PROGRAM is refused in the locked
	# session itself; a function in an untrusted language runs it.
	$id++;
	my $psql = "psql -X -q -d ''$conn'' -c ''UPDATE accounts SET balance = 0 WHERE id = $id''";
	($ret, $out, $err) = as_role('dba', "COPY (SELECT 1) TO PROGRAM '$psql'");
	like($err, qr/COPY TO PROGRAM refused/, "$t: COPY ... PROGRAM is refused in the locked session");
  SKIP:
	{
		skip 'plperlu is not installed', 3 unless $plperlu;
		($ret, $out, $err) = as_role('dba', "SELECT run_program('$psql')");
		like($out, qr/UPDATE on public\.accounts refused: this production session of role "app_service"/,
			"$t: a program started by a locked session cannot write as an exempt role") or diag "$out\n$err";
		like($out, qr/opened by process PID \d+, started by backend PID \d+ of this server for a session of role "dba"/,
			"$t: the refusal names the program and the backend that started it");
		is(balance($id), 100, "$t: nothing changed through the program");
	}

	# postgres_fdw for a locked non-superuser: a write through a foreign table, and a read
	# of a view that writes on the far side.
	$id++;
	($ret, $out, $err) = as_role('alice', "UPDATE accounts_$t SET balance = 0 WHERE id = $id");
	isnt($ret, 0, "$t: a locked person cannot write through a postgres_fdw foreign table");
	is(balance($id), 100, "$t: nothing changed through the foreign table");
	($ret, $out, $err) = as_role('alice', "SELECT * FROM drained_$t");
	like($err, qr/UPDATE on public\.accounts refused: this production session of role "app_service"/,
		"$t: a foreign read that writes on the far side is refused there");
	is(balance(1), 100, "$t: nothing changed through the foreign read");

	# A chain: the connection back opens another one as the exempt role.
	$id++;
	my $inner = "$via{$t} user=app_service";
	($ret, $out, $err) = as_role('dba', qq{SELECT * FROM dblink('$conn', \$\$SELECT dblink_connect_u('c', '$inner'), dblink_exec('c', 'UPDATE accounts SET balance = 0 WHERE id = $id')\$\$) AS t(a text, b text)});
	isnt($ret, 0, "$t: a connection opened by a connection back is held to the first session");
	like($err, qr/read-only until it is unlocked/, "$t: and refused as locked") or diag $err;
	is(balance($id), 100, "$t: nothing changed through the chain");

	# The application itself, connecting normally, stays exempt, also through dblink to itself.
	$id++;
	($ret, $out, $err) = run_psql($conn, "UPDATE accounts SET balance = 1 WHERE id = $id");
	is($ret, 0, "$t: an exempt application connecting normally writes") or diag $err;
	is(balance($id), 1, "$t: and its write is there");
	($ret, $out, $err) = as_role('app_service',
		"SELECT dblink_connect_u('self', '$conn'); SELECT dblink_exec('self', 'UPDATE accounts SET balance = 2 WHERE id = $id')");
	is($ret, 0, "$t: an exempt application's own connection back to itself stays exempt") or diag $err;
	is(balance($id), 2, "$t: and its write is there");
}

# The write goes to a table, so it is refused in the person's own session first; the
# foreign table's far side never runs it.
my ($ret, $out, $err) = as_role('alice', 'INSERT INTO accounts_unix VALUES (99, 0)');
like($err, qr/refused/, 'a write on a foreign table is refused in the locked session itself');

# The refusal and the origin are in the audit log.
my $dba_pid;
($ret, $out, $err) = as_role('dba', "SELECT pg_backend_pid(); SELECT dblink_exec('$via{unix} user=app_service', 'DELETE FROM accounts WHERE id = 20')");
($dba_pid) = $out =~ /^(\d+)/;
ok($dba_pid, 'the person\'s backend PID is known');
ok($node->poll_query_until('postgres', qq{SELECT count(*) > 0 FROM redline.audit_log WHERE event = 'connect' AND session_role = 'app_service' AND reason LIKE '%connection from backend PID $dba_pid of this server%'}),
	'the connection back is audited with its origin')
	or diag $node->safe_psql('postgres', "SELECT event, session_role, reason FROM redline.audit_log ORDER BY id DESC LIMIT 10");
is($node->safe_psql('postgres', qq{SELECT count(*) FROM redline.audit_log WHERE event = 'refused' AND session_role = 'app_service' AND statement LIKE 'DELETE FROM accounts WHERE id = 20%'}),
	'1', 'the refused write is audited, under the exempt role it reached');
is($node->safe_psql('postgres', 'SELECT count(*) FROM accounts'), '20', 'no row was deleted');

assert_no_crash($node);
$node->stop;
done_testing();
