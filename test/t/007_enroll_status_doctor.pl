# redline enroll, status and doctor with the real CLI against a real server: a DBA enrols
# their own key from a locked superuser session and unlocks with a token; status shows a
# locked and an exempt (never locked) production session, refuses a profile whose server is
# another environment, and falls back to the settings where the extension is not created;
# doctor finds credentials shared between a staging and a production profile.
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
delete $ENV{$_} for qw(NO_COLOR PGOPTIONS PGPASSWORD PGSERVICE PGUSER PGHOST PGPORT);

my $node = redline_node('enroll', LOCK => 1, NO_EXTENSION => 1, CONF => "redline.exempt_roles = 'app_service'\n");
my $conn = 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres';

# Runs the CLI; returns (exit code, stdout, stderr).
sub redline
{
	my ($stdout, $stderr) = ('', '');
	IPC::Run::run([ $cli, @_ ], '<', \undef, '>', \$stdout, '2>', \$stderr);
	return ($? >> 8, $stdout, $stderr);
}

my ($code, $out, $err) = redline('keygen', '--label', 'dba-laptop');
is($code, 0, 'keygen') or diag $err;
my ($public) = $out =~ /^(k4\.public\.\S+)$/m;
my $key = "$home/config/redline/keys/dba-laptop.k4.secret";
($code, $out, $err) = redline('profile', 'add', 'prod-dba', '--dsn', "$conn user=postgres", '--env', 'production',
	'--auth', 'typed', '--key', $key);
is($code, 0, 'a production profile for the DBA') or diag $err;

# Before CREATE EXTENSION: status shows the preloaded library's settings.
($code, $out, $err) = redline('status', 'prod-dba');
is($code, 0, 'status without the extension') or diag $err;
like($out, qr/^environment\s+production$/m, 'it shows the environment the server reports');
like($out, qr/^require_token\s+write$/m, 'and what it requires');
like($out, qr/^cluster_id\s+\d+$/m, 'and the cluster id');
like($out, qr/CREATE EXTENSION redline adds the rest/, 'and says what CREATE EXTENSION adds');

# The statement to send to a DBA: nothing is sent anywhere.
($code, $out, $err) = redline('enroll', 'prod-dba', '--role', 'postgres');
is($code, 0, 'enroll without --execute');
is($out, "SELECT redline.enroll_key('postgres', '$public', 'dba-laptop');\n",
	'it prints the statement, labelled after the key file');
like($err, qr/send this statement to a redline_admin/, 'and says whom to send it to');

($code, $out, $err) = redline('enroll', 'prod-dba', '--role', 'postgres', '--execute');
is($code, 5, 'enroll --execute where the extension is not created is refused (exit 5)');
like($err, qr/CREATE EXTENSION redline/, 'and says to create the extension');
like($err, qr/^  SELECT redline\.enroll_key\(/m, 'and shows the statement');

# In the DBA's locked session: the extension, then the key, with a quote in its label.
my ($ret, $psql_out, $psql_err) = $node->psql('postgres', 'CREATE TABLE t (a int)');
like($psql_err, qr/read-only until it is unlocked/, 'the DBA session is locked');
is($node->psql('postgres', 'CREATE EXTENSION redline'), 0, 'CREATE EXTENSION in the locked session');
($code, $out, $err) = redline('--verbose', 'enroll', 'prod-dba', '--role', 'postgres', '--label', "dba's laptop",
	'--execute');
is($code, 0, 'enroll --execute from a locked superuser session') or diag $err;
like($out, qr/^k4\.pid\.[A-Za-z0-9_-]+\n\z/, 'stdout is the key id the server returned');
my ($kid) = $out =~ /^(\S+)/;
like($err, qr/enrolled for role "postgres" on prod-dba \(production\)/, 'stderr says what was enrolled where');
like($err, qr/redline: signing key \Q$key\E/, '--verbose names the key');
like($err, qr/redline: connected to host /, '--verbose names the server');
is($node->safe_psql('postgres', "SELECT role || '|' || label FROM redline.keys WHERE key_id = '$kid'"),
	"postgres|dba's laptop", 'the key is enrolled with the quoted label intact');
($code, $out, $err) = redline('enroll', 'prod-dba', '--role', 'postgres', '--execute');
is($code, 0, 'enrolling the same key again is a no-op');
like($err, qr/the server says: key .* is already enrolled/, 'and the server\'s notice is shown');

# The enrolled key signs a token that unlocks the DBA's session.
($code, $out, $err) = redline('token', 'prod-dba', '--sql', '--auth', 'none');
is($code, 0, 'redline token') or diag $err;
my $unlock = $out;
($ret, $psql_out, $psql_err) = $node->psql('postgres',
	"$unlock\nCREATE TABLE t (a int);\nCREATE ROLE alice LOGIN;\nCREATE ROLE app_service LOGIN;");
is($ret, 0, 'the token unlocks the session: the DBA writes') or diag $psql_err;

# status: a new session of the DBA starts locked, even with a token in PGOPTIONS, which
# status never spends.
($code, $out, $err) = redline('token', 'prod-dba', '--auth', 'none');
chomp(my $token = $out);
{
	local $ENV{PGOPTIONS} = "-c redline.session_token=$token";
	($code, $out, $err) = redline('status', 'prod-dba');
	is($code, 0, 'status against production') or diag $err;
	like($out, qr/^locked\s+yes$/m, 'the DBA\'s new session is locked');
	like($out, qr/^login_role\s+postgres$/m, 'as role postgres');
	like($out, qr/^exempt\s+no$/m, 'which is not exempt');
	like($out, qr/^unlocked_until\s+-$/m, 'and unlocked until nothing');
	like($out, qr/^version\s+\d+\.\d+\.\d+$/m, 'status() answers now that the extension exists');
	unlike($out, qr/\e\[/, 'no colour when stdout is not a terminal');
	($ret, $psql_out, $psql_err) = $node->psql('postgres', 'INSERT INTO t VALUES (1)');
	is($ret, 0, 'the token in PGOPTIONS was not spent by status: psql unlocks with it') or diag $psql_err;
}
($code, $out, $err) = redline('--color=always', 'status', 'prod-dba');
like($out, qr/^environment\s+\e\[[0-9;]+mproduction\e\[0m$/m, '--color=always paints the environment');
($code, $out, $err) = redline('status', 'prod-dba', '--json');
is($code, 0, 'status --json');
my $json = decode_json($out);
is($json->{status}{environment}, 'production', 'JSON: the environment');
ok($json->{status}{locked}, 'JSON: locked is a boolean');
ok($json->{environment_matches}, 'JSON: the environment matches the profile');

($code, $out, $err) = redline('profile', 'add', 'prod-app', '--dsn', "$conn user=app_service", '--env',
	'production', '--auth', 'typed');
($code, $out, $err) = redline('status', 'prod-app');
is($code, 0, 'status for an application role');
like($out, qr/^exempt\s+yes$/m, 'it is exempt');
like($out, qr/^locked\s+no$/m, 'so its sessions are never locked');

# A profile that says staging but reaches production: shown, and refused loudly.
($code, $out, $err) = redline('profile', 'add', 'wrong', '--dsn', "$conn user=postgres", '--env', 'staging',
	'--auth', 'none');
($code, $out, $err) = redline('status', 'wrong');
is($code, 3, 'status refuses a profile whose server is another environment (exit 3)');
like($err, qr/profile wrong says staging but its server reports production/, 'and says so');
like($out, qr/^environment\s+production$/m, 'the listing still shows what the server says');
($code, $out, $err) = redline('enroll', 'wrong', '--role', 'postgres', '--execute');
is($code, 3, 'enroll --execute refuses it too');

# A person who is not a redline_admin cannot enrol, and is told what to do.
($code, $out, $err) = redline('keygen', '--label', 'alice-laptop');
($code, $out, $err) = redline('profile', 'add', 'prod-alice', '--dsn', "$conn user=alice", '--env', 'production',
	'--auth', 'typed', '--key', "$home/config/redline/keys/alice-laptop.k4.secret");
($code, $out, $err) = redline('enroll', 'prod-alice', '--role', 'alice', '--execute');
is($code, 5, 'enroll --execute without the right is refused (exit 5)');
like($err, qr/permission denied/, 'with the server\'s reason');
like($err, qr/ask a redline_admin/, 'and what to do');
like($err, qr/^  SELECT redline\.enroll_key\('alice', 'k4\.public\./m, 'and the statement to hand over');
is($out, '', 'no key id is printed');

# doctor, offline, in a set-up of its own: a staging and a production profile as one user.
my $doc = tempdir(CLEANUP => 1);
{
	local $ENV{XDG_CONFIG_HOME} = "$doc/config";
	local $ENV{PGPASSFILE} = "$doc/pgpass";
	local $ENV{PGSERVICEFILE} = "$doc/pg_service.conf";
	redline('profile', 'add', 'stage', '--dsn', 'host=stage.example.com user=alice dbname=app', '--env',
		'staging', '--auth', 'none');
	redline('profile', 'add', 'prod', '--dsn', 'host=db1.example.com user=alice dbname=app', '--env',
		'production', '--auth', 'typed');
	($code, $out, $err) = redline('doctor');
	is($code, 0, 'doctor: warnings only exit 0') or diag $out, $err;
	like($out, qr/^warning\[shared-user\]: profiles prod \(production\) and stage \(staging\) log in as the same user "alice"/m,
		'doctor finds the user shared by staging and production');
	like($out, qr/^warning\[weak-auth\]: production profile prod has auth typed/m, 'and the typed check');
	like($out, qr/^redline doctor: 0 errors, 2 warnings/m, 'and sums up');

	open my $fh, '>', "$doc/pgpass" or die;
	print $fh "*:*:app:alice:same-for-both\n";
	close $fh;
	chmod 0600, "$doc/pgpass";
	($code, $out, $err) = redline('--verbose', 'doctor');
	is($code, 1, 'doctor: an error exits 1');
	like($out, qr/^error\[shared-password\]: \Q$doc\E\/pgpass line 1 \(\*:\*:app:alice\) gives the same password/m,
		'a wildcard .pgpass line serving both is an error');
	unlike($out, qr/same-for-both/, 'the password is never shown');
	like($err, qr/read password file \Q$doc\E\/pgpass/, '--verbose says which files were read');
	like($out, qr/\Aerror/, 'errors come first');

	redline('keygen', '--label', 'loose');
	chmod 0644, "$doc/config/redline/keys/loose.k4.secret";
	($code, $out, $err) = redline('doctor');
	like($out, qr/^error\[key-file\]: .*loose\.k4\.secret has mode 0644.*; chmod 600 /m, 'a readable key is an error');
}

assert_no_crash($node);
done_testing();
