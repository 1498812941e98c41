# Helpers shared by redline's TAP tests: a PostgreSQL::Test::Cluster node with redline
# preloaded, and the check that no backend died by a signal during a test.
package RedlineTest;

use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Exporter 'import';

our @EXPORT = qw(redline_node assert_no_crash refused_with);

# redline_node(NAME, PRELOAD => 'redline,pgaudit', CONF => "extra lines", LOCK => 1, PROTECT => 1)
# Without LOCK the write lock is off (redline.require_token = none), so tests about other
# guards can write as the bootstrap superuser; with LOCK it has its production default.
# Likewise protected operations need approvals, and DROP TABLE uses the recycle bin, only
# with PROTECT.
sub redline_node
{
	my ($name, %opts) = @_;
	my $preload = $opts{PRELOAD} // 'redline';
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', "shared_preload_libraries = '$preload'\n");
	$node->append_conf('postgresql.conf', "redline.require_token = none\n") unless $opts{LOCK};
	$node->append_conf('postgresql.conf', "redline.protected = none\nredline.recycle_bin = off\n") unless $opts{PROTECT};
	$node->append_conf('postgresql.conf', $opts{CONF}) if $opts{CONF};
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION redline') unless $opts{NO_EXTENSION};
	return $node;
}

# Every test run fails if the server log shows a backend killed by a signal.
sub assert_no_crash
{
	my ($node) = @_;
	my $log = slurp_file($node->logfile);
	unlike($log, qr/terminated by signal|was terminated by exception/, $node->name . ': no backend crashed');
}

# refused_with(NODE, SQL, SQLSTATE, MESSAGE_RE, TEST_NAME [, connstr-options])
sub refused_with
{
	my ($node, $sql, $state, $message, $name, %opts) = @_;
	my ($ret, $out, $err) = $node->psql($opts{DB} // 'postgres',
		"\\set VERBOSITY verbose\n$sql", extra_params => $opts{EXTRA} // []);
	like($err, qr/ERROR:\s+$state: $message/, $name);
}

1;
