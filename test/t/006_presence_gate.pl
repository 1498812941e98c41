# The person check for real, with the real CLI against a locked production server: libpam
# through pam_wrapper with service files of the test's own (pam_permit, pam_deny, pam_exec
# deciding per user, pam_matrix asking a password on the terminal), and the typed check on
# a pseudo-terminal. Each token is decoded to read what it records, then used to write.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp qw(tempdir);
use IO::Pty;
use IO::Select;
use JSON::PP;
use MIME::Base64;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $cli = $ENV{REDLINE_CLI} or die 'REDLINE_CLI is not set';
my ($wrapper) = grep { -f } glob('/usr/lib/*/libpam_wrapper.so');
my ($matrix) = grep { -f } glob('/usr/lib/*/pam_wrapper/pam_matrix.so');
die 'libpam_wrapper.so or pam_matrix.so not found: run scripts/install-deps (libpam-wrapper)'
  unless $wrapper && $matrix;

my $home = tempdir(CLEANUP => 1);
local $ENV{XDG_CONFIG_HOME} = "$home/config";
local $ENV{NO_COLOR} = '1';
my $me = getpwuid($<);

# The PAM services, in a directory libpam reads instead of /etc/pam.d under pam_wrapper.
my $services = "$home/pam.d";
mkdir $services or die "mkdir $services: $!";
sub service
{
	my ($name, $text) = @_;
	open my $f, '>', "$services/$name" or die "$name: $!";
	print $f $text;
	close $f;
}
sub script
{
	my ($name, $text) = @_;
	open my $f, '>', "$home/$name" or die "$name: $!";
	print $f "#!/bin/sh\n$text\n";
	close $f;
	chmod 0755, "$home/$name";
	return "$home/$name";
}
service('other', "auth required pam_deny.so\naccount required pam_deny.so\n");
service('redline', "auth required pam_permit.so\naccount required pam_permit.so\n");
service('redline-deny', "auth required pam_deny.so\naccount required pam_permit.so\n");
# pam_exec hands the script the user and the service, and no other environment.
my $only_me = script('only-me', qq{[ "\$PAM_USER" = "$me" ] && [ "\$PAM_SERVICE" = "redline-me" ]});
my $only_bob = script('only-bob', '[ "$PAM_USER" = "bob" ]');
service('redline-me', "auth required pam_exec.so $only_me\naccount required pam_permit.so\n");
service('redline-bob', "auth required pam_exec.so $only_bob\naccount required pam_permit.so\n");
# A password the person may use when the first module gives up: the token says pwd.
service('redline-fallback', "auth sufficient pam_permit.so\nauth required pam_unix.so\naccount required pam_permit.so\n");
# pam_matrix asks "Password: " through the conversation, and checks it against its file.
open my $passdb, '>', "$home/passdb" or die;
print $passdb "$me:correct horse:redline-matrix\n";
close $passdb;
service('redline-matrix',
	"auth required $matrix passdb=$home/passdb\naccount required $matrix passdb=$home/passdb\n");

my @pam = ('env', "LD_PRELOAD=$wrapper", 'PAM_WRAPPER=1', "PAM_WRAPPER_SERVICE_DIR=$services",
	'PAM_WRAPPER_USE_SYSLOG=1');

my $node = redline_node('gate', LOCK => 1,
	CONF => "redline.strong_auth_methods = ''\n");
my $dsn = 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres user=postgres';

my ($stdout, $stderr);
IPC::Run::run([ $cli, 'keygen', '--label', 'gate' ], '>', \$stdout, '2>', \$stderr) or die $stderr;
my ($public) = $stdout =~ /^(k4\.public\.\S+)$/m;
$node->safe_psql('postgres', "SELECT redline.enroll_key('postgres', '$public', 'gate')");

sub profile
{
	my ($name, @options) = @_;
	IPC::Run::run([ $cli, 'profile', 'add', $name, '--dsn', $dsn, '--env', 'production', @options ],
		'>', \$stdout, '2>', \$stderr)
	  or die "profile add $name: $stderr";
}
profile('prod', '--auth', 'pam');
profile('prod-deny', '--auth', 'pam', '--pam-service', 'redline-deny');
profile('prod-me', '--auth', 'pam', '--pam-service', 'redline-me');
profile('prod-bob', '--auth', 'pam', '--pam-service', 'redline-bob');
profile('prod-fallback', '--auth', 'pam', '--pam-service', 'redline-fallback');
profile('prod-matrix', '--auth', 'pam', '--pam-service', 'redline-matrix', '--pam-amr', 'pwd');
profile('prod-typed', '--auth', 'typed');

# `redline token` without a terminal (a session of its own), under pam_wrapper.
sub token
{
	my @args = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ @pam, $cli, 'token', @args ], '<', \'', '>', \$out, '2>', \$err,
		init => sub { POSIX::setsid() });
	return ($? >> 8, $out, $err);
}

# The claims of a v4.public token: base64url of the JSON and its 64-byte signature.
sub claims
{
	my ($token) = @_;
	my ($payload) = $token =~ /^v4\.public\.([A-Za-z0-9_-]+)/ or return {};
	$payload =~ tr{-_}{+/};
	$payload .= '=' x ((4 - length($payload) % 4) % 4);
	my $signed = decode_base64($payload);
	return decode_json(substr($signed, 0, length($signed) - 64));
}

# Unlocks a fresh session with the token and writes; returns psql's (status, stdout, stderr).
sub write_with
{
	my ($token) = @_;
	return $node->psql('postgres',
		"SELECT redline.unlock('$token');\nCREATE TABLE IF NOT EXISTS gate (a int);\nINSERT INTO gate VALUES (1);\n"
		  . "SELECT unlock_methods FROM redline.status();");
}

my ($ret, $out, $err, $code, $psql_out, $psql_err);

# pam_permit: a token, recording the service's method (no module it knows: the default fpt).
($code, $out, $err) = token('prod');
is($code, 0, 'pam_permit: redline token exits 0') or diag $err;
like($out, qr/^v4\.public\.[A-Za-z0-9_.-]+\n\z/, 'and prints one token');
is_deeply(claims($out)->{amr}, ['fpt'], 'the token records the default method, fpt');
chomp(my $permitted = $out);
($ret, $psql_out, $psql_err) = write_with($permitted);
is($ret, 0, 'the token unlocks a production session: the write works') or diag $psql_err;
like($psql_out, qr/fpt/, 'and the server shows how it was proven');

# Never cached: the same profile, once its service denies, gets nothing.
service('redline', "auth required pam_deny.so\naccount required pam_permit.so\n");
($code, $out, $err) = token('prod');
is($code, 4, 'right after a token, a service that now denies: exit 4');
service('redline', "auth required pam_permit.so\naccount required pam_permit.so\n");

($code, $out, $err) = token('prod-deny');
is($code, 4, 'pam_deny: exit 4');
is($out, '', 'pam_deny: nothing on stdout');
like($err,
	qr/^redline: PAM service "redline-deny" did not confirm \Q$me\E \(Authentication failure\): nothing was signed; try again, or check \Q$services\E\/redline-deny$/m,
	'pam_deny: one clear line naming the service, the user and PAM\'s reason');
unlike($err, qr/v4\.public/, 'no token anywhere in what it says');
like($err, qr/nothing was signed[^\n]*\n\z/, 'and that line is the last word');

# pam_exec decides per user: the script sees who runs redline.
($code, $out, $err) = token('prod-me');
is($code, 0, "pam_exec for $me: $me gets a token") or diag $err;
($code, $out, $err) = token('prod-bob');
is($code, 4, "pam_exec for bob: $me does not");
is($out, '', 'and nothing is printed on stdout');
like($err, qr/only-bob failed: exit code 1/, "the module's own message is passed on");
like($err, qr/PAM service "redline-bob" did not confirm \Q$me\E/, 'then redline says what was refused');

# What the token records follows the service's file: a password fallback is pwd.
($code, $out, $err) = token('prod-fallback', '--sql');
is($code, 0, 'a service with a password fallback gives a token') or diag $err;
my ($fallback) = $out =~ /unlock\('([^']+)'\)/;
is_deeply(claims($fallback)->{amr}, ['pwd'], 'which records pwd, not a fingerprint');

# A server that demands a strong method refuses it, and accepts a fresh fpt one.
$node->append_conf('postgresql.conf', "redline.strong_auth_methods = 'fpt, face, hwk'\n");
$node->reload;
($ret, $psql_out, $psql_err) = write_with($fallback);
like($psql_err, qr/authenticated by pwd, and redline\.strong_auth_methods asks for one of fpt/,
	'redline.strong_auth_methods refuses the password token');
($code, $out, $err) = token('prod');
chomp($out);
($ret, $psql_out, $psql_err) = write_with($out);
is($ret, 0, 'and unlocks with an fpt one') or diag $psql_err;
$node->append_conf('postgresql.conf', "redline.strong_auth_methods = ''\n");
$node->reload;

# A service that asks something needs a terminal: without one, nothing is signed.
($code, $out, $err) = token('prod-matrix');
is($code, 4, 'a PAM prompt without a terminal: exit 4');
like($err, qr/PAM service "redline-matrix" needs a terminal to ask on \(\/dev\/tty\): nothing was signed/,
	'saying that it needs a terminal');

# A service without a file is refused before anything is asked (libpam would use "other").
IPC::Run::run([ $cli, 'profile', 'add', 'prod-none', '--dsn', $dsn, '--env', 'production', '--pam-service',
	'redline-nowhere' ], '>', \$stdout, '2>', \$stderr);
($code, $out, $err) = token('prod-none');
is($code, 2, 'a PAM service with no file: exit 2');
like($err, qr/PAM service "redline-nowhere" is not configured: there is no \Q$services\E\/redline-nowhere/,
	'naming the file to create');

# Runs @$cmd as the only process of a new session whose terminal is a fresh pty, with
# stdout and stderr in files; writes $answers[n-1] when $prompt has appeared n times.
# Returns the exit code (128 + the signal for one that killed it), stdout, stderr, what the
# terminal showed, and whether the terminal echoes once it is over.
sub on_terminal
{
	my ($cmd, $prompt, @answers) = @_;
	my $pty = IO::Pty->new;
	my $slave = $pty->slave;    # kept open here too, to read its mode at the end
	my ($out_file, $err_file) = ("$home/pty.out", "$home/pty.err");
	my $pid = fork // die "fork: $!";
	if ($pid == 0)
	{
		$pty->make_slave_controlling_terminal;
		my $tty = $pty->slave;
		close $pty;
		open STDIN, '<&', $tty or POSIX::_exit(126);
		open STDOUT, '>', $out_file or POSIX::_exit(126);
		open STDERR, '>', $err_file or POSIX::_exit(126);
		exec @$cmd or POSIX::_exit(127);
	}
	my ($screen, $answered, $status) = ('', 0, undef);
	my $select = IO::Select->new($pty);
	my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
	while (time < $deadline)
	{
		if ($select->can_read(0.2))
		{
			my $n = sysread($pty, my $chunk, 4096);
			$screen .= $chunk if $n;
		}
		elsif (defined $status)
		{
			last;    # the child is gone and the terminal has nothing more to show
		}
		my $asked = () = $screen =~ /\Q$prompt\E/g;
		if ($asked > $answered && @answers)
		{
			syswrite($pty, shift @answers);
			$answered++;
		}
		if (!defined $status && waitpid($pid, WNOHANG) == $pid)
		{
			$status = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
		}
	}
	if (!defined $status)
	{
		kill 'KILL', $pid;
		waitpid($pid, 0);
		$status = -1;
	}
	my $mode = POSIX::Termios->new;
	$mode->getattr(fileno $slave);
	my $echoes = ($mode->getlflag & POSIX::ECHO) ? 1 : 0;
	close $slave;
	close $pty;
	return ($status, slurp_file($out_file), slurp_file($err_file), $screen, $echoes);
}

my $screen;
# pam_matrix through the real conversation: the password is typed on the terminal, unseen.
($code, $out, $err, $screen) = on_terminal([ @pam, $cli, 'token', 'prod-matrix' ], 'Password: ', "correct horse\n");
is($code, 0, 'pam_matrix on a terminal: the right password gives a token') or diag "$err\n$screen";
like($screen, qr/confirm it is you \(\Q$me\E\) through PAM service "redline-matrix"/,
	'the terminal says who is asked, and by which service');
unlike($screen, qr/correct horse/, 'the password is never echoed');
is_deeply(claims($out)->{amr}, ['pwd'], "the profile's --pam-amr is what the token records");
($code, $out, $err, $screen) = on_terminal([ @pam, $cli, 'token', 'prod-matrix' ], 'Password: ', "wrong horse\n");
is($code, 4, 'a wrong password: exit 4');
is($out, '', 'and no token');
like($err, qr/PAM service "redline-matrix" did not confirm \Q$me\E \(Authentication failure\)/, 'PAM\'s reason');
my $echoes;
($code, $out, $err, $screen, $echoes) = on_terminal([ @pam, $cli, 'token', 'prod-matrix' ], 'Password: ', "\x03");
is($code, 128 + POSIX::SIGINT, 'Ctrl-C at the password prompt ends redline');
is($out, '', 'with no token');
ok($echoes, 'and the terminal echoes again');

# typed: the environment's name, typed back on the terminal.
($code, $out, $err, $screen) = on_terminal([ $cli, 'token', 'prod-typed' ], 'Type production to continue: ',
	"production\n");
is($code, 0, 'typed on a terminal: "production" gives a token') or diag "$err\n$screen";
like($screen, qr/Type production to continue: production/, 'asked and answered on the terminal, not stdout');
unlike($out, qr/Type production/, 'stdout holds only the token');
is_deeply(claims($out)->{amr}, ['pwd'], 'typed records pwd');
chomp($out);
($ret, $psql_out, $psql_err) = write_with($out);
is($ret, 0, 'and it unlocks a session too') or diag $psql_err;
($code, $out, $err, $screen) = on_terminal([ $cli, 'token', 'prod-typed' ], 'Type production to continue: ',
	"staging\n");
is($code, 4, 'typing "staging": exit 4');
is($out, '', 'and no token');
like($err, qr/what was typed is not "production": nothing was signed/, 'saying what was expected');

assert_no_crash($node);
done_testing();
