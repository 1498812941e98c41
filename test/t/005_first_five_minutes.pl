# The README's "first five minutes", with the real CLI against a real server: a fresh
# cluster in production, a locked DBA session that installs redline and enrols the DBA's
# key, `redline token --sql` minting the line that unlocks it, and the profile's
# environment checked against what the server reports.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp qw(tempdir);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $cli = $ENV{REDLINE_CLI} or die 'REDLINE_CLI is not set';
my $home = tempdir(CLEANUP => 1);
local $ENV{XDG_CONFIG_HOME} = "$home/config";
delete $ENV{NO_COLOR};

my $node = redline_node('five', LOCK => 1, NO_EXTENSION => 1);
my $dsn = 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres user=postgres';

# On the DBA's machine: a key and a profile.
my ($stdout, $stderr);
IPC::Run::run([ $cli, 'keygen', '--label', 'dba-laptop' ], '>', \$stdout, '2>', \$stderr);
like($stdout, qr/^k4\.public\.[A-Za-z0-9_-]{43}$/m, 'redline keygen prints the public key');
my ($public) = $stdout =~ /^(k4\.public\.\S+)$/m;
my $key = "$home/config/redline/keys/dba-laptop.k4.secret";
ok(-f $key, 'the secret key is in the config directory');
is(sprintf('%04o', (stat $key)[2] & 07777), '0600', 'with mode 0600');
ok(IPC::Run::run([ $cli, 'profile', 'add', 'prod-dba', '--dsn', $dsn, '--env', 'production', '--auth', 'typed',
	'--key', $key ], '>', \$stdout, '2>', \$stderr), 'redline profile add') or diag $stderr;

# On the server, in the DBA's locked session.
my ($ret, $out, $err) = $node->psql('postgres', 'CREATE TABLE t (a int)');
like($err, qr/CREATE TABLE refused: .* read-only until it is unlocked/, 'a fresh cluster: the DBA session is locked');
is($node->psql('postgres', 'CREATE EXTENSION redline'), 0, 'CREATE EXTENSION redline in the locked session');
like($node->safe_psql('postgres', "SELECT redline.enroll_key('postgres', '$public', 'dba laptop')"),
	qr/^k4\.pid\./, 'the DBA enrols the key in the locked session');

# redline token --sql mints the line to paste (non-interactive: --auth none).
ok(IPC::Run::run([ $cli, 'token', 'prod-dba', '--sql', '--auth', 'none' ], '>', \$stdout, '2>', \$stderr),
	'redline token prod-dba --sql') or diag $stderr;
like($stdout, qr/^SELECT redline\.unlock\('v4\.public\.[A-Za-z0-9_.-]+'\);$/m, 'it prints the SELECT redline.unlock line');
my $line = $stdout;
($ret, $out, $err) = $node->psql('postgres', "$line\nCREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\nSELECT unlock_methods FROM redline.status();");
is($ret, 0, 'pasted, it unlocks the session: the DBA writes') or diag $err;
like($out, qr/swk/, 'status() shows how the token was proven');
($ret, $out, $err) = $node->psql('postgres', $line);
like($err, qr/it was already used/, 'the same line a second time is refused');

# A profile that says staging but lands on production does not get a token.
IPC::Run::run([ $cli, 'profile', 'add', 'wrong', '--dsn', $dsn, '--env', 'staging', '--auth', 'none' ],
	'>', \$stdout, '2>', \$stderr);
my $ok = IPC::Run::run([ $cli, 'token', 'wrong' ], '>', \$stdout, '2>', \$stderr);
ok(!$ok, 'a profile whose environment differs from the server is refused');
like($stderr, qr/staging.*production|production.*staging/, 'and the message names both environments');
is($stdout, '', 'no token is printed');
assert_no_crash($node);
done_testing();
