# A DROP TABLE that the recycle bin takes still reaches every hook installed before redline's
# and PostgreSQL's own DDL machinery: with pgaudit and pg_stat_statements loaded before and
# after redline, the recycled DROP TABLE is in pgaudit's log and in pg_stat_statements, an
# event trigger on DROP TABLE fires (and refusing, keeps the table where it was), and psql
# sees the DROP TABLE command tag; the table itself is in the bin and comes back.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

for my $preload ('redline,pgaudit,pg_stat_statements', 'pg_stat_statements,pgaudit,redline')
{
	(my $name = $preload) =~ s/,/_/g;
	my $node = redline_node($name, PRELOAD => $preload,
		CONF => "redline.recycle_bin = on\npgaudit.log = 'ddl'\npg_stat_statements.track_utility = on\n");
	$node->safe_psql('postgres', q{
		CREATE EXTENSION pg_stat_statements;
		CREATE TABLE doomed (id int PRIMARY KEY);
		INSERT INTO doomed SELECT generate_series(1, 10);
		CREATE TABLE kept (id int);
		CREATE FUNCTION no_drops() RETURNS event_trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION 'no DROP TABLE today (%)', tg_tag; END $$;
		SELECT pg_stat_statements_reset();
	});

	my ($ret, $out, $err) = $node->psql('postgres', 'DROP TABLE doomed');
	is($ret, 0, "$preload: DROP TABLE runs") or diag $err;
	like($err, qr/table public\.doomed moved to the recycle bin as redline_recycle\.doomed__\d+/,
		"$preload: into the recycle bin");
	is($node->safe_psql('postgres', q{SELECT original FROM redline.recycle_bin}), 'public.doomed',
		"$preload: where it is listed");
	like(slurp_file($node->logfile), qr/AUDIT: SESSION,\d+,\d+,DDL,DROP TABLE,[^,]*,[^,]*,DROP TABLE doomed/,
		"$preload: pgaudit logged the DROP TABLE");
	is($node->safe_psql('postgres', q{SELECT sum(calls) FROM pg_stat_statements WHERE query = 'DROP TABLE doomed'}),
		'1', "$preload: pg_stat_statements counted it");

	# The command tag psql reports.
	$node->safe_psql('postgres', 'CREATE TABLE doomed2 (id int)');
	my ($stdout, $stderr) = ('', '');
	IPC::Run::run([ 'psql', '-X', '-h', $node->host, '-p', $node->port, '-d', 'postgres', '-c', 'DROP TABLE doomed2' ],
		'>', \$stdout, '2>', \$stderr);
	is($stdout, "DROP TABLE\n", "$preload: psql prints the DROP TABLE command tag") or diag $stderr;

	# An event trigger on DROP TABLE fires for a recycled DROP too; its refusal keeps the table.
	$node->safe_psql('postgres',
		q{CREATE EVENT TRIGGER no_drops ON ddl_command_start WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION no_drops()});
	($ret, $out, $err) = $node->psql('postgres', 'DROP TABLE kept');
	like($err, qr/no DROP TABLE today \(DROP TABLE\)/, "$preload: the event trigger saw the DROP TABLE");
	is($node->safe_psql('postgres', q{SELECT to_regclass('public.kept') IS NOT NULL}), 't',
		"$preload: and its refusal left the table where it was");
	is($node->safe_psql('postgres', q{SELECT count(*) FROM redline.recycle_bin WHERE original = 'public.kept'}),
		'0', "$preload: not in the bin");
	$node->safe_psql('postgres', 'DROP EVENT TRIGGER no_drops');

	# The bin gives the table back with its rows.
	my $bin = $node->safe_psql('postgres', q{SELECT name FROM redline.recycle_bin WHERE original = 'public.doomed'});
	$node->safe_psql('postgres', "SELECT redline.restore('$bin')");
	is($node->safe_psql('postgres', 'SELECT count(*) FROM doomed'), '10', "$preload: restored with its rows");

	assert_no_crash($node);
	$node->stop;
}

done_testing();
