# redline connect in a real terminal (a tmux pane) against real servers: what it paints and
# restores, read as the raw bytes the pane receives (pipe-pane) — OSC 11 background, OSC 2
# title, the prompt, the restore after \q, after psql is killed and after redline itself is
# told to stop; a production session that opens read-only, one unlocked by --write after the
# typed check whose writes wait for COMMIT, the token in psql's environment and never on its
# command line; a staging profile that lands on production and never opens; staging orange
# without AUTOCOMMIT off; NO_COLOR; and the connect gate on a database without the extension.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp ();
use Time::HiRes qw(usleep);
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $cli = $ENV{REDLINE_CLI} or die 'REDLINE_CLI is not set';
plan skip_all => 'tmux is not installed' if system('tmux -V >/dev/null 2>&1') != 0;

# A short path: tmux's socket lives here, and socket paths are limited to about 100 bytes.
my $tmp = File::Temp::tempdir('redline-connect.XXXXXX', DIR => '/tmp', CLEANUP => 1);
my $config = "$tmp/config";
local $ENV{XDG_CONFIG_HOME} = $config;
delete $ENV{NO_COLOR};

my $prod = redline_node('prod', LOCK => 1, CONF => "redline.exempt_roles = 'app'\n");
my $stage = redline_node('stage', CONF => "redline.environment = staging\n");
my $bindir = $prod->config_data('--bindir');

sub cli
{
	my @args = @_;
	my ($out, $err);
	IPC::Run::run([ $cli, @args ], '>', \$out, '2>', \$err) or die "redline @args: $err";
	return $out;
}

sub dsn
{
	my ($node, $db, $user) = @_;
	return 'host=' . $node->host . ' port=' . $node->port . " dbname=$db user=$user";
}

# The person's key, enrolled on both clusters; the DBA's first token sets production up.
my ($public) = cli('keygen', '--label', 'laptop') =~ /^(k4\.public\.\S+)$/m;
$prod->safe_psql('postgres', "SELECT redline.enroll_key('postgres', '$public', 'laptop')");
$stage->safe_psql('postgres', "SELECT redline.enroll_key('postgres', '$public', 'laptop')");
cli('profile', 'add', 'prod', '--dsn', dsn($prod, 'postgres', 'postgres'), '--env', 'production', '--auth', 'typed');
cli('profile', 'add', 'app', '--dsn', dsn($prod, 'postgres', 'app'), '--env', 'production', '--auth', 'typed');
cli('profile', 'add', 'wrong', '--dsn', dsn($prod, 'postgres', 'postgres'), '--env', 'staging', '--auth', 'none');
cli('profile', 'add', 'stage', '--dsn', dsn($stage, 'bare', 'postgres'), '--env', 'staging', '--auth', 'none');
my $unlock = cli('token', 'prod', '--sql', '--auth', 'none');
$prod->safe_psql('postgres', "$unlock CREATE TABLE t (a int); CREATE ROLE app LOGIN; GRANT ALL ON t TO app;");
$stage->safe_psql('postgres', 'CREATE DATABASE bare');

# The terminal: a tmux pane running a plain shell, everything it receives copied to a file.
my $socket = "$tmp/tmux";
my $pane_log = "$tmp/pane.log";
sub tmux
{
	my @args = @_;
	my ($out, $err);
	IPC::Run::run([ 'tmux', '-S', $socket, @args ], '>', \$out, '2>', \$err) or die "tmux @args: $err";
	return $out;
}
my @clean_env = ("HOME=$tmp", "PATH=$ENV{PATH}", 'TERM=xterm-256color', "XDG_CONFIG_HOME=$config",
	'PSQLRC=/dev/null', 'PSQL_HISTORY=/dev/null', 'HISTFILE=/dev/null', 'LANG=C.UTF-8', 'PS1=$ ');
tmux('-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', '-s', 'rl',
	'env', '-i', @clean_env, 'bash', '--norc', '--noprofile');
tmux('pipe-pane', '-O', '-t', 'rl', "cat >> $pane_log");
# However the test ends (a bail-out included), the terminal goes, and with it its shell and
# the pipe, before the temporary directory is removed.
my $tmux_started = 1;
END
{
	local $?;    # the test's own exit status
	if ($tmux_started)
	{
		system('tmux', '-S', $socket, 'kill-server');
		usleep(300_000);
	}
}

sub pane_bytes
{
	open(my $fh, '<:raw', $pane_log) or return '';
	local $/;
	my $all = <$fh>;
	close $fh;
	return $all // '';
}

my $mark = 0;
# What the pane received since the last mark(), which starts a scenario.
sub since { return substr(pane_bytes(), $mark); }
sub mark { $mark = length(pane_bytes()); }

sub wait_for
{
	my ($pattern, $name) = @_;
	for (1 .. 150)
	{
		return 1 if since() =~ $pattern;
		usleep(100_000);
	}
	fail("$name: timed out waiting for $pattern");
	diag(since() =~ s/\e/\\e/gr);
	return 0;
}

# Types a line into the pane. A trailing ';' would end tmux's command: it is escaped.
sub type_line
{
	my ($text) = @_;
	$text =~ s/;$/\\;/;
	tmux('send-keys', '-t', 'rl', '-l', $text);
	tmux('send-keys', '-t', 'rl', 'Enter');
}

# Runs redline connect in the pane, followed by its exit status.
sub start
{
	my ($command) = @_;
	mark();
	type_line("stty -g > $tmp/stty.before; $command; echo \"exit=\$?\"; stty -g > $tmp/stty.after");
}

sub finished
{
	my ($name) = @_;
	wait_for(qr/exit=\d+/, $name) or return -1;
	my ($code) = since() =~ /exit=(\d+)/;
	usleep(200_000);
	return $code;
}

sub psql_pid
{
	unlink("$tmp/psql.pid");
	type_line("\\! echo \$PPID > $tmp/psql.pid");
	for (1 .. 50)
	{
		if (-s "$tmp/psql.pid")
		{
			my $pid = slurp_file("$tmp/psql.pid");
			chomp $pid;
			return $pid;
		}
		usleep(100_000);
	}
	die 'psql did not say its pid';
}

sub rows
{
	my ($where) = @_;
	return $prod->safe_psql('postgres', "SELECT count(*) FROM t WHERE $where");
}

my $red = "\e]11;rgb:cc/00/00\e\\";
my $prod_title = "\e]2;PRODUCTION \x{e2}\x{80}\x{94} prod\e\\";
my $restore_re = qr/(?:\e\]111\e\\|\e\]11;rgb:[0-9a-f\/]+\e\\)\e\]2;\e\\\e\[23;0t/;
# The typed check's question, with "production" in its colour.
my $typed_prompt = qr/Type (?:\e\[[\d;]*m)*production(?:\e\[[\d;]*m)* to continue: /;
my $prompt = qr/\e\[1;97;48;2;204;0;0m PRODUCTION \e\[0m postgres\@postgres/;

# 1. A staging profile that lands on production does not open.
start("$cli connect wrong");
is(finished('wrong profile'), 3, 'a staging profile on a production server: exit 3');
like(since(), qr/profile wrong says staging but the server reports production: psql was not started/,
	'it says which environment each side has');
unlike(since(), qr/\e\]11;|\e\]2;|psql \(\d+/, 'nothing painted, psql never started');

# 2. Production without --write: red, titled, prompted, read-only, restored after \q.
start("$cli connect prod");
wait_for($prompt, 'read-only session') or BAIL_OUT('no psql prompt');
my $opened = since();
like($opened, qr/\Q$red\E/, 'OSC 11 paints the background red');
like($opened, qr/\Q$prod_title\E/, 'OSC 2 titles the window PRODUCTION — prod');
like($opened, qr/\e\[22;0t/, 'the old title is saved first');
like($opened, qr/session of "postgres" is read-only; to write, reconnect with: redline connect prod --write/,
	'it says the session is read-only and how to write');
my $screen = tmux('capture-pane', '-p', '-e', '-t', 'rl');
like($screen, qr/48;2;204;0;0m PRODUCTION /, 'the terminal shows the prompt naming PRODUCTION on red');
type_line('\echo autocommit=:AUTOCOMMIT');
wait_for(qr/autocommit=off/, 'autocommit') and pass('psql runs with AUTOCOMMIT off in production');
type_line('INSERT INTO t VALUES (1);');
wait_for(qr/read-only until it is unlocked/, 'locked write') and pass('a write is refused by the server (RL100)');
my $before_quit = length(since());
type_line('\q');
is(finished('quit'), 0, '\q: exit 0, psql\'s own status');
like(substr(since(), $before_quit), $restore_re, 'after \q the background and the title are restored');
is(slurp_file("$tmp/stty.after"), slurp_file("$tmp/stty.before"), 'the line settings are as before');

# 3. --write: the typed check, a token in psql's environment only, writes wait for COMMIT.
start("$cli connect prod --write --ttl 5m");
wait_for($typed_prompt, 'typed check') or BAIL_OUT('no typed check');
unlike(since(), qr/\e\]11;/, 'the person is asked before anything is painted');
type_line('production');
wait_for($prompt, 'unlocked session') or BAIL_OUT('no psql prompt');
like(since(), qr/session of "postgres" unlocked for writes until \S+Z \(5m, key laptop\.k4\.secret\)/,
	'it says until when the session is unlocked');
my $pid = psql_pid();
my $cmdline = slurp_file("/proc/$pid/cmdline");
unlike($cmdline, qr/v4\.public/, 'the token is not on psql\'s command line');
like($cmdline, qr/AUTOCOMMIT=off/, 'psql was started with AUTOCOMMIT=off');
like(slurp_file("/proc/$pid/environ"), qr/(?:^|\0)PGOPTIONS=-c redline\.session_token=v4\.public\.[\w.-]+(?:\0|$)/,
	'the token is in psql\'s PGOPTIONS');
unlike(since(), qr/v4\.public/, 'the token is never printed');
type_line('INSERT INTO t VALUES (42);');
wait_for(qr/INSERT 0 1/, 'unlocked write') and pass('the unlocked session writes');
is(rows('a = 42'), 0, 'nothing is visible before COMMIT (AUTOCOMMIT off)');
type_line('COMMIT;');
wait_for(qr/COMMIT\r?\n/, 'commit');
is(rows('a = 42'), 1, 'COMMIT makes the write visible');
# Ctrl-C belongs to psql: redline survives it and the session goes on.
tmux('send-keys', '-t', 'rl', 'C-c');
usleep(300_000);
type_line('SELECT 40 + 2 AS answer;');
wait_for(qr/\b42\b.*\(1 row\)/s, 'after Ctrl-C') and pass('Ctrl-C leaves the session running');
my $before_kill = length(since());
kill 'TERM', $pid;
is(finished('psql killed'), 128 + 15, 'psql killed with SIGTERM: exit 143');
like(substr(since(), $before_kill), $restore_re, 'after psql is killed the terminal is restored');
is(slurp_file("$tmp/stty.after"), slurp_file("$tmp/stty.before"), 'and its line settings too');

# 4. A failed typed check: exit 4, nothing painted, psql never started.
start("$cli connect prod --write");
wait_for($typed_prompt, 'typed check');
type_line('staging');
is(finished('not confirmed'), 4, 'a wrong confirmation: exit 4');
unlike(since(), qr/\e\]11;|psql \(\d+/, 'nothing painted, psql never started');

# 5. redline itself told to stop: SIGTERM goes on to psql, the terminal is restored.
start("$cli connect prod");
wait_for($prompt, 'session to stop');
$pid = psql_pid();
my $redline_pid = (split ' ', slurp_file("/proc/$pid/stat"))[3];
like(slurp_file("/proc/$redline_pid/cmdline"), qr/connect\0prod/, 'psql is a child of redline connect');
$before_kill = length(since());
kill 'TERM', $redline_pid;
is(finished('redline stopped'), 128 + 15, 'SIGTERM to redline ends psql: exit 143');
like(substr(since(), $before_kill), $restore_re, 'and the terminal is restored');
ok(!kill(0, $pid), 'psql is gone');

# 6. psql killed outright (SIGKILL): no chance to clean up, redline restores the line too.
start("$cli connect prod");
wait_for($prompt, 'session to kill');
$pid = psql_pid();
$before_kill = length(since());
kill 'KILL', $pid;
is(finished('psql SIGKILL'), 128 + 9, 'psql killed with SIGKILL: exit 137');
like(substr(since(), $before_kill), $restore_re, 'the terminal is restored');
is(slurp_file("$tmp/stty.after"), slurp_file("$tmp/stty.before"), 'readline\'s raw mode is undone');

# 7. NO_COLOR keeps the words and drops the colours and the background.
start("NO_COLOR=1 $cli connect prod");
wait_for(qr/\[PRODUCTION\] postgres\@postgres/, 'NO_COLOR prompt') and pass('NO_COLOR: the prompt still names PRODUCTION');
like(since(), qr/\Q$prod_title\E/, 'NO_COLOR: the title still says PRODUCTION');
unlike(since(), qr/\e\]11;|48;2;/, 'NO_COLOR: no background, no colour in the prompt');
type_line('\q');
is(finished('NO_COLOR quit'), 0, 'NO_COLOR session ends');
unlike(since(), qr/\e\]111/, 'a background never painted is not reset');
like(since(), qr/\e\]2;\e\\\e\[23;0t/, 'the title is restored');

# 8. An exempt application role needs no token, and production is still red.
start("$cli connect app --write");
wait_for(qr/PRODUCTION \e\[0m app\@postgres/, 'exempt role') or BAIL_OUT('no psql prompt');
like(since(), qr/no token needed: role "app" is exempt \(redline\.exempt_roles\)/, 'it says why no token is needed');
unlike(since(), $typed_prompt, 'no person check for an exempt role');
like(since(), qr/\Q$red\E/, 'the background is red');
type_line('\q');
is(finished('exempt quit'), 0, 'exempt session ends');

# 9. Staging, in a database without the extension: orange, autocommit on, psql from PG_BIN.
start("PG_BIN=$bindir $cli connect stage --verbose");
wait_for(qr/ STAGING \e\[0m postgres\@bare/, 'staging prompt') or BAIL_OUT('no psql prompt');
like(since(), qr/\e\]11;rgb:ce\/5c\/00\e\\/, 'staging is painted orange');
like(since(), qr/role "postgres": require_token none, not exempt, opens unlocked \(from SHOW, no extension in this database\)/,
	'--verbose: what the server says, read without the extension');
like(since(), qr/starting \Q$bindir\E\/psql '--dbname=host=\S+ port=\d+ dbname=bare user=postgres' -v 'PROMPT1=/,
	'--verbose: psql from PG_BIN and its command line');
like(since(), qr/\e\]2;STAGING \x{e2}\x{80}\x{94} stage\e\\/, 'and titled STAGING');
type_line('\echo autocommit=:AUTOCOMMIT');
wait_for(qr/autocommit=on/, 'staging autocommit') and pass('AUTOCOMMIT stays on outside production');
type_line('\q');
is(finished('staging quit'), 0, 'staging session ends');

# 10. The connect gate: even without --write a token is needed; the person check runs, and
# the session is unlocked from its first statement.
$stage->append_conf('postgresql.conf', "redline.require_token = connect\n");
$stage->reload;
start("$cli connect stage");
wait_for(qr/ STAGING \e\[0m postgres\@bare/, 'gated session') or BAIL_OUT('no psql prompt');
like(since(), qr/session of "postgres" unlocked until/, 'the gate asks for a token without --write');
type_line('SELECT count(*) > 0 AS readable FROM pg_class;');
wait_for(qr/readable.*\bt\b/s, 'gated read') and pass('the gated session reads once unlocked');
type_line('\q');
is(finished('gated quit'), 0, 'gated session ends');

assert_no_crash($prod);
assert_no_crash($stage);
done_testing();
