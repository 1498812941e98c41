# The audit log stands alone, end to end with the real CLI. A superuser switches redline off,
# links a table of forged rows to redline.audit_log as its child and makes the log a child of
# another table, and switches redline on again: a plain SELECT now shows the forged row, but
# redline audit lists only the log's own rows, verify_audit() and redline audit --verify say
# the log is linked and to what, and statements on the parent that would reach into the log
# are refused, as is undoing or redoing a link while redline enforces. An auditor whose
# search_path puts a function of a built-in's name first still reads the log's own values.
# Unlinked (with redline off again), the log verifies as intact.
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

my $node = redline_node('alone', CONF => "redline.exempt_roles = 'postgres'\n");
my $host = 'host=' . $node->host . ' port=' . $node->port;

sub redline
{
	my ($stdout, $stderr) = ('', '');
	IPC::Run::run([ $cli, @_ ], '<', \undef, '>', \$stdout, '2>', \$stderr);
	return ($? >> 8, $stdout, $stderr);
}

sub switch_redline
{
	my ($state) = @_;
	$node->append_conf('postgresql.conf', "redline.enforce = $state\n");
	$node->reload;
	ok($node->poll_query_until('postgres', 'SHOW redline.enforce', $state), "redline.enforce is $state");
}

$node->safe_psql('postgres', q{
	CREATE ROLE auditor LOGIN;
	GRANT redline_auditor TO auditor;
	CREATE TABLE payroll (id int PRIMARY KEY, amount numeric);
	INSERT INTO payroll VALUES (1, 100);
});
ok($node->poll_query_until('postgres',
		q{SELECT count(*) > 0 FROM redline.audit_log WHERE event = 'ddl' AND statement LIKE '%CREATE TABLE payroll%'}),
	'the DDL is in the log');
my ($ret, $out, $err) = redline('profile', 'add', 'auditor', '--dsn', "$host dbname=postgres user=auditor", '--env',
	'production', '--auth', 'typed');
is($ret, 0, 'a profile for the auditor') or diag $err;
($ret, $out, $err) = redline('audit', 'auditor', '--verify');
is($ret, 0, 'the log verifies before anything happened') or diag $out, $err;

# With redline off, a superuser links a table of forged rows under the log, and the log under
# another table.
switch_redline('off');
$node->safe_psql('postgres', q{
	CREATE TABLE public.forged (LIKE redline.audit_log);
	INSERT INTO public.forged SELECT * FROM ONLY redline.audit_log WHERE event = 'ddl' ORDER BY id DESC LIMIT 1;
	UPDATE public.forged SET id = id + 1000000, statement = 'GRANT ALL ON payroll TO mallory -- approved';
	ALTER TABLE public.forged INHERIT redline.audit_log;
	CREATE TABLE public.above (LIKE redline.audit_log);
	ALTER TABLE redline.audit_log INHERIT public.above;
});
switch_redline('on');

is($node->safe_psql('postgres', q{SELECT count(*) FROM redline.audit_log WHERE statement LIKE '%mallory%'}), '1',
	'a plain SELECT shows the forged row');

# redline audit lists only what redline wrote.
($ret, $out, $err) = redline('audit', 'auditor', '--format', 'json', '--since', '1d');
is($ret, 0, 'redline audit lists the log') or diag $err;
my @rows = map { decode_json($_) } split /\n/, $out;
ok((grep { ($_->{statement} // '') =~ /CREATE TABLE payroll/ } @rows), 'with the real DDL');
is(scalar(grep { ($_->{statement} // '') =~ /mallory/ } @rows), 0, 'and without the forged row');
($ret, $out, $err) = redline('audit', 'auditor', '--review', '--window', 'Mon-Sun 00:00-00:01');
unlike($out, qr/mallory/, 'the review leaves it out too');

# verify_audit() and --verify say the log is linked, and to what.
my $verify = $node->safe_psql('postgres', q{SELECT ok, first_bad_id IS NULL, problem, detail FROM redline.verify_audit()});
like($verify, qr/^f\|t\|linked\|/, 'verify_audit(): linked, with no row to name');
like($verify, qr/public\.forged is a child of redline\.audit_log/, 'it names the child');
like($verify, qr/redline\.audit_log is a child of public\.above/, 'and the parent');
($ret, $out, $err) = redline('audit', 'auditor', '--verify');
is($ret, 6, '--verify: tampered (exit 6)') or diag $out, $err;
like($out, qr/redline\.audit_log is linked to another table by inheritance or partitioning/,
	'--verify says the log is linked');
like($out, qr/the server says: .*public\.forged is a child of redline\.audit_log/, 'and to what');

# While redline enforces, nothing on the parent reaches into the log, and no link is made or
# undone.
my $before = $node->safe_psql('postgres', q{SELECT count(*) FROM ONLY redline.audit_log});
for my $sql ('TRUNCATE public.above', 'DELETE FROM public.above WHERE id > 0',
	'UPDATE public.above SET statement = NULL WHERE id > 0', 'ALTER TABLE public.above DROP COLUMN statement',
	'ALTER TABLE public.forged NO INHERIT redline.audit_log', 'ALTER TABLE redline.audit_log NO INHERIT public.above',
	'CREATE TABLE public.more () INHERITS (redline.audit_log)')
{
	refused_with($node, $sql, 'RL300', '.*', "refused while redline enforces: $sql");
}
cmp_ok($node->safe_psql('postgres', q{SELECT count(*) FROM ONLY redline.audit_log}), '>', $before,
	'the log kept its rows, and gained the refusals');
($ret, $out, $err) = redline('audit', 'auditor', '--format', 'json', '--since', '1d');
ok((grep { ($_->{statement} // '') =~ /CREATE TABLE payroll/ } map { decode_json($_) } split /\n/, $out),
	'the real DDL row is still there');

# An auditor's search_path that puts encode() of its own first changes nothing the CLI reads.
$node->safe_psql('postgres', q{
	CREATE SCHEMA evil;
	CREATE FUNCTION evil.encode(bytea, text) RETURNS text LANGUAGE sql AS $$ SELECT 'forged' $$;
	GRANT USAGE ON SCHEMA evil TO auditor;
	ALTER ROLE auditor SET search_path = evil, pg_catalog, public;
});
($ret, $out, $err) = redline('audit', 'auditor', '--format', 'json', '--since', '1d');
@rows = map { decode_json($_) } split /\n/, $out;
ok(@rows > 0, 'the listing with the auditor\'s search_path');
is(scalar(grep { $_->{hash} !~ /^[0-9a-f]{64}$/ } @rows), 0, 'every hash is the log\'s own, in hex');

# Unlinked with redline off, the log verifies again.
switch_redline('off');
$node->safe_psql('postgres', q{
	ALTER TABLE public.forged NO INHERIT redline.audit_log;
	ALTER TABLE redline.audit_log NO INHERIT public.above;
});
switch_redline('on');
($ret, $out, $err) = redline('audit', 'auditor', '--verify');
is($ret, 0, 'unlinked, the log verifies as intact') or diag $out, $err;

assert_no_crash($node);
done_testing();
