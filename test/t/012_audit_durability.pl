# The audit log as the product is judged by it. On a production node, while people keep
# writing, being refused and failing to log in, the server is stopped with -m immediate:
# every write a client saw committed has exactly one 'allowed' row, every refusal a client
# saw (also one an exception block swallowed) its 'refused' row, every rolled-back attempt
# its 'rolled_back' row and every failed login its 'auth_failed' row, and the chains verify.
# The table refuses every change while redline enforces; with redline switched off by a
# reload (itself recorded), verify_audit() names the row that was changed, removed or added.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use lib $ENV{REDLINE_TEST_LIB};
use RedlineTest;

my $node = redline_node('durable', PRELOAD => 'redline,pgaudit',
	CONF => "redline.exempt_roles = 'postgres'\npgaudit.log = 'write, ddl'\n");
# alice logs in with a password, mallory is turned away by pg_hba.conf, anyone else is trusted.
open(my $hba, '>', $node->data_dir . '/pg_hba.conf') or die;
print $hba "local all mallory reject\nlocal all alice scram-sha-256\nlocal all all trust\n";
close $hba;
$node->reload;
$node->safe_psql('postgres', q{
	CREATE ROLE alice LOGIN PASSWORD 'alice-secret';
	CREATE ROLE mallory LOGIN;
	CREATE TABLE ledger (id bigserial PRIMARY KEY, marker text UNIQUE NOT NULL, note text);
	GRANT SELECT, INSERT, UPDATE ON ledger TO alice;
	GRANT USAGE ON SEQUENCE ledger_id_seq TO alice;
});
my $conn = $node->connstr('postgres');
my $log_from = -s $node->logfile;

sub query { my ($sql) = @_; return $node->safe_psql('postgres', $sql); }

# --- the background load ---------------------------------------------------------------
# Each client is one psql session of alice that echoes what it saw: a committed write, a
# refusal with its SQLSTATE, a refusal swallowed by an exception block, a rollback, a
# savepoint rolled back inside a committed transaction. Markers make every statement unique.
my $work = $node->basedir;
my @load;
for my $c (1 .. 3)
{
	my $script = '';
	for my $i (1 .. 5000)
	{
		my $m = "$c-$i";
		$script .= "INSERT INTO ledger (marker) VALUES ('w-$m');\n"
		  . "\\if :ERROR\n\\else\n\\echo committed w-$m\n\\endif\n";
		$script .= "UPDATE ledger SET note = 'r-$m';\n"
		  . "\\if :ERROR\n\\echo refused r-$m :SQLSTATE\n\\endif\n";
		$script .= "DO \$\$BEGIN UPDATE ledger SET note = 'd-$m'; EXCEPTION WHEN others THEN NULL; END\$\$;\n"
		  . "\\if :ERROR\n\\else\n\\echo swallowed d-$m\n\\endif\n"
		  if $i % 3 == 0;
		$script .= "BEGIN;\nINSERT INTO ledger (marker) VALUES ('b-$m');\n"
		  . "\\if :ERROR\nROLLBACK;\n\\else\nROLLBACK;\n\\if :ERROR\n\\else\n\\echo rolledback b-$m\n\\endif\n\\endif\n"
		  if $i % 4 == 0;
		$script .= "BEGIN;\nINSERT INTO ledger (marker) VALUES ('k-$m');\nSAVEPOINT s;\n"
		  . "INSERT INTO ledger (marker) VALUES ('u-$m');\nROLLBACK TO SAVEPOINT s;\nCOMMIT;\n"
		  . "\\if :ERROR\n\\else\n\\echo savepoint k-$m u-$m\n\\endif\n"
		  if $i % 5 == 0;
	}
	append_to_file("$work/load$c.sql", $script);
	local $ENV{PGPASSWORD} = 'alice-secret';
	push @load, IPC::Run::start(
		[ 'psql', '-X', '-q', '-f', "$work/load$c.sql", "$conn user=alice application_name=load$c" ],
		'>', "$work/load$c.out", '2>', "$work/load$c.err");
}
# Failed logins, one of each kind per round, each marked by its application_name or name.
append_to_file("$work/logins.sh", <<"EOF");
for i in \$(seq 1 5000); do
	out=\$(PGPASSWORD=wrong psql -X -c 'SELECT 1' "$conn user=alice application_name=pw-\$i" 2>&1)
	case "\$out" in *'password authentication failed for user "alice"'*) echo "pw pw-\$i";; *) exit 0;; esac
	out=\$(psql -X -c 'SELECT 1' "$conn user=mallory application_name=rj-\$i" 2>&1)
	case "\$out" in *'pg_hba.conf rejects connection'*) echo "rj rj-\$i";; *) exit 0;; esac
	out=\$(psql -X -c 'SELECT 1' "$conn user=ghost_\$i" 2>&1)
	case "\$out" in *"role \\"ghost_\$i\\" does not exist"*) echo "role ghost_\$i";; *) exit 0;; esac
	out=\$(PGPASSWORD=alice-secret psql -X -c 'SELECT 1' "port=@{[ $node->port ]} host=@{[ $node->host ]} dbname=nowhere_\$i user=alice" 2>&1)
	case "\$out" in *"database \\"nowhere_\$i\\" does not exist"*) echo "db nowhere_\$i";; *) exit 0;; esac
done
EOF
push @load, IPC::Run::start([ 'bash', "$work/logins.sh" ], '>', "$work/logins.out", '2>', "$work/logins.err");

# --- alice, by hand, while the load runs -------------------------------------------------
sub as_alice
{
	my ($sql) = @_;
	local $ENV{PGPASSWORD} = 'alice-secret';
	return $node->psql('postgres', $sql, extra_params => [ '-U', 'alice' ]);
}
my ($ret, $out, $err) = as_alice("INSERT INTO ledger (marker) VALUES ('alice-commit');");
is($ret, 0, 'alice: a committed write') or diag $err;
($ret, $out, $err) = as_alice("\\set VERBOSITY verbose\nUPDATE ledger SET note = 'alice-refused';");
like($err, qr/ERROR:  RL001: UPDATE on table "ledger" has no WHERE clause/, 'alice: UPDATE without WHERE is refused');
($ret, $out, $err) = as_alice(
	q{DO $$BEGIN UPDATE ledger SET note = 'alice-swallowed'; EXCEPTION WHEN others THEN RAISE NOTICE 'swallowed: %', SQLERRM; END$$;});
is($ret, 0, 'alice: a refusal swallowed by an exception block ends the DO block normally');
like($err, qr/NOTICE:  swallowed: UPDATE on table "ledger" has no WHERE clause/, 'the block caught the refusal');
($ret, $out, $err) = as_alice("BEGIN;\nINSERT INTO ledger (marker) VALUES ('alice-rollback');\nROLLBACK;");
is($ret, 0, 'alice: an INSERT rolled back');
($ret, $out, $err) = as_alice("BEGIN;\nINSERT INTO ledger (marker) VALUES ('alice-kept');\nSAVEPOINT s;\n"
	  . "INSERT INTO ledger (marker) VALUES ('alice-undone');\nROLLBACK TO SAVEPOINT s;\nCOMMIT;");
is($ret, 0, 'alice: an INSERT kept, one undone by ROLLBACK TO SAVEPOINT');
{
	local $ENV{PGPASSWORD} = 'not-her-password';
	($ret, $out, $err) = $node->psql('postgres', 'SELECT 1',
		connstr => "$conn user=alice application_name=alice-wrong-password");
	like($err, qr/FATAL:  password authentication failed for user "alice"/, 'a wrong password fails');
}
($ret, $out, $err) = $node->psql('postgres', 'SELECT 1', connstr => "$conn user=mallory application_name=mallory-rejected");
like($err, qr/FATAL:  pg_hba.conf rejects connection for host "\[local\]", user "mallory"/, 'pg_hba.conf rejects mallory');
($ret, $out, $err) = $node->psql('postgres', 'SELECT 1', connstr => "$conn user=nobody application_name=nobody-unknown");
like($err, qr/FATAL:  role "nobody" does not exist/, 'an unknown role fails');
{
	local $ENV{PGPASSWORD} = 'alice-secret';
	($ret, $out, $err) = $node->psql('postgres', 'SELECT 1',
		connstr => "port=@{[ $node->port ]} host=@{[ $node->host ]} dbname=nowhere user=alice application_name=alice-unknown-db");
	like($err, qr/FATAL:  database "nowhere" does not exist/, 'an unknown database fails');
}

# --- crash in mid-stream -----------------------------------------------------------------
ok( $node->poll_query_until('postgres', q{
		SELECT (SELECT count(*) FROM ledger WHERE marker LIKE 'w-%') >= 400
		   AND (SELECT count(*) FROM ledger WHERE marker LIKE 'k-%') >= 40
		   AND (SELECT count(*) FROM redline.audit_log WHERE event = 'auth_failed') >= 40}),
	'the load is under way');
$node->stop('immediate');
for my $h (@load)
{
	# psql ends by itself when the server goes away; the login loop at its next attempt.
	eval { $h->finish; 1 } or $h->kill_kill;
}
$node->start;

sub seen
{
	my ($file, $kind) = @_;
	my @m;
	for (split /\n/, slurp_file($file))
	{
		push @m, [ split / /, $_ ] if /^\Q$kind\E /;
	}
	return @m;
}
sub sql_array { return "ARRAY[" . join(',', map { "'$_'" } @_, 'none') . "]::text[]"; }

my (@committed, @refused, @swallowed, @rolledback, @kept, @undone);
for my $c (1 .. 3)
{
	my $f = "$work/load$c.out";
	push @committed, map { $_->[1] } seen($f, 'committed');
	push @refused, map { $_->[1] } grep { $_->[2] eq 'RL001' } seen($f, 'refused');
	push @swallowed, map { $_->[1] } seen($f, 'swallowed');
	push @rolledback, map { $_->[1] } seen($f, 'rolledback');
	for (seen($f, 'savepoint')) { push @kept, $_->[1]; push @undone, $_->[2]; }
}
# (The load ran until 400 writes were in; a few acknowledgements may not have arrived.)
cmp_ok(scalar @committed, '>=', 350, 'clients saw hundreds of committed writes');
cmp_ok(scalar @refused, '>=', 350, 'clients saw hundreds of refusals');
cmp_ok(scalar @swallowed, '>=', 100, 'clients saw refusals swallowed by exception blocks');
cmp_ok(scalar @rolledback, '>=', 80, 'clients saw rollbacks');
cmp_ok(scalar @kept, '>=', 35, 'clients saw savepoints rolled back in committed transactions');

# Writes: what the client saw committed is there, and every write that is there has
# exactly one row (and no row claims a write that is not there).
is(query('SELECT m FROM unnest(' . sql_array(@committed, @kept) . ') m WHERE m <> \'none\' AND NOT EXISTS (SELECT FROM ledger WHERE marker = m)'),
	'', 'every write a client saw committed survived the crash');
my $insert_of = q{format('INSERT INTO ledger (marker) VALUES (%L)', l.marker)};
is(query(qq{SELECT l.marker, count(a.id) FROM ledger l LEFT JOIN redline.audit_log a
		ON a.event = 'write' AND a.decision = 'allowed' AND a.statement = $insert_of
	GROUP BY l.marker HAVING count(a.id) <> 1}),
	'', 'every committed write has exactly one allowed write row');
is(query(qq{SELECT a.id, a.statement FROM redline.audit_log a WHERE a.event = 'write' AND a.decision = 'allowed'
	AND a.statement LIKE 'INSERT INTO ledger%' AND NOT EXISTS (SELECT FROM ledger l WHERE a.statement = $insert_of)}),
	'', 'no allowed write row for a write that did not commit');
is(query(q{SELECT count(*) FROM redline.audit_log WHERE event = 'write' AND decision = 'allowed'
	AND statement LIKE 'INSERT INTO ledger%' AND NOT (session_role = 'alice' AND effective_role = 'alice'
	AND database = 'postgres' AND objects = '{public.ledger}' AND rows = 1 AND xid IS NOT NULL
	AND environment = 'production' AND sqlstate IS NULL)}),
	'0', 'write rows name who, where, what and how many rows, with their transaction');

# Refusals, also those an exception block swallowed.
is(query('SELECT m FROM unnest(' . sql_array(@refused) . q{) m WHERE m <> 'none' AND (SELECT count(*) FROM redline.audit_log
	WHERE event = 'refused' AND decision = 'refused' AND sqlstate = 'RL001' AND session_role = 'alice'
	AND reason = 'UPDATE on table "ledger" has no WHERE clause' AND statement = format('UPDATE ledger SET note = %L', m)) <> 1}),
	'', 'every refusal a client saw has its refused row');
is(query('SELECT m FROM unnest(' . sql_array(@swallowed) . q{) m WHERE m <> 'none' AND (SELECT count(*) FROM redline.audit_log
	WHERE event = 'refused' AND decision = 'refused' AND sqlstate = 'RL001'
	AND statement = format('DO $$BEGIN UPDATE ledger SET note = %L; EXCEPTION WHEN others THEN NULL; END$$', m)) <> 1}),
	'', 'every refusal swallowed by an exception block has its refused row');

# Rolled-back attempts: one rolled_back row each, never an allowed one, and no data.
my $rolled = sub {
	my ($markers, $decision) = @_;
	return query('SELECT m FROM unnest(' . sql_array(@$markers) . qq{) m WHERE m <> 'none' AND (SELECT count(*)
		FROM redline.audit_log WHERE event = 'write' AND decision = '$decision'
		AND statement = format('INSERT INTO ledger (marker) VALUES (%L)', m)) <> 1});
};
is($rolled->(\@rolledback, 'rolled_back'), '', 'every ROLLBACK a client saw has its rolled_back row');
is($rolled->(\@undone, 'rolled_back'), '', 'every ROLLBACK TO SAVEPOINT has a rolled_back row for the undone INSERT');
is($rolled->(\@kept, 'allowed'), '', 'and the INSERT before the savepoint its allowed row');
is(query('SELECT count(*) FROM redline.audit_log a, unnest(' . sql_array(@rolledback, @undone) . q{) m
	WHERE a.decision = 'allowed' AND a.statement = format('INSERT INTO ledger (marker) VALUES (%L)', m)}),
	'0', 'no rolled-back INSERT has an allowed row');
is(query('SELECT count(*) FROM ledger WHERE marker = ANY(' . sql_array(@rolledback, @undone) . ')'),
	'0', 'and none of them left data');

# Failed logins.
my %reason = (
	pw => q{'scram-sha-256 authentication failed'},
	rj => q{'pg_hba.conf rejects connection for host "[local]", user "mallory", database "postgres", no encryption'},
	role => q{format('role "%s" does not exist', m)},
	db => q{format('database "%s" does not exist', m)});
my %match = (
	pw => q{session_role = 'alice' AND application_name = m AND database = 'postgres'},
	rj => q{session_role = 'mallory' AND application_name = m AND database = 'postgres'},
	role => q{session_role = m AND database = 'postgres'},
	db => q{session_role = 'alice' AND database = m});
for my $kind ('pw', 'rj', 'role', 'db')
{
	my @m = map { $_->[1] } seen("$work/logins.out", $kind);
	cmp_ok(scalar @m, '>=', 9, "failed logins of kind $kind were seen");
	is(query('SELECT m FROM unnest(' . sql_array(@m) . qq{) m WHERE m <> 'none' AND (SELECT count(*) FROM redline.audit_log
		WHERE event = 'auth_failed' AND decision = 'failed' AND $match{$kind} AND reason = $reason{$kind}
		AND client_addr = '[local]' AND environment = 'production') <> 1}),
		'', "every failed login of kind $kind a client saw has exactly one auth_failed row with its reason");
}

# alice's own statements, row by row.
my $row = q{SELECT event, session_role, effective_role, database, objects, rows, decision, sqlstate, reason,
	xid IS NOT NULL FROM redline.audit_log WHERE statement = };
is(query($row . q{$$INSERT INTO ledger (marker) VALUES ('alice-commit')$$}),
	'write|alice|alice|postgres|{public.ledger}|1|allowed|||t', 'alice: the committed write');
is(query($row . q{$$UPDATE ledger SET note = 'alice-refused'$$}),
	'refused|alice|alice|postgres|||refused|RL001|UPDATE on table "ledger" has no WHERE clause|f',
	'alice: the refusal');
is(query($row . q{$q$DO $$BEGIN UPDATE ledger SET note = 'alice-swallowed'; EXCEPTION WHEN others THEN RAISE NOTICE 'swallowed: %', SQLERRM; END$$$q$}),
	'refused|alice|alice|postgres|||refused|RL001|UPDATE on table "ledger" has no WHERE clause|f',
	'alice: the refusal swallowed by the exception block');
is(query($row . q{$$INSERT INTO ledger (marker) VALUES ('alice-rollback')$$}),
	'write|alice|alice|postgres|{public.ledger}|1|rolled_back|||t', 'alice: the rolled-back INSERT');
is(query($row . q{$$INSERT INTO ledger (marker) VALUES ('alice-kept')$$}),
	'write|alice|alice|postgres|{public.ledger}|1|allowed|||t', 'alice: the INSERT kept before the savepoint');
is(query($row . q{$$INSERT INTO ledger (marker) VALUES ('alice-undone')$$}),
	'write|alice|alice|postgres|{public.ledger}|1|rolled_back|||t', 'alice: the INSERT undone by ROLLBACK TO SAVEPOINT');
is(query(q{SELECT string_agg(marker, ',' ORDER BY marker) FROM ledger WHERE marker LIKE 'alice-%'}),
	'alice-commit,alice-kept', 'alice: only the committed writes are in the table');
is(query(q{SELECT string_agg(coalesce(application_name, '-') || '|' || session_role || '|' || database || '|' || reason, E'\n' ORDER BY id)
	FROM redline.audit_log WHERE event = 'auth_failed'
	AND application_name IN ('alice-wrong-password', 'mallory-rejected', 'nobody-unknown', 'alice-unknown-db')}),
	join("\n",
		'alice-wrong-password|alice|postgres|scram-sha-256 authentication failed',
		'mallory-rejected|mallory|postgres|pg_hba.conf rejects connection for host "[local]", user "mallory", database "postgres", no encryption',
		'nobody-unknown|nobody|postgres|role "nobody" does not exist',
		'alice-unknown-db|alice|nowhere|database "nowhere" does not exist'),
	'alice: the four failed logins, each with its reason');

unlike(slurp_file($node->logfile, $log_from), qr/redline audit \(/,
	'no audit event of the load went to the server log instead of the table');
is(query('SELECT ok, problem, detail ~ \'^\d+ rows in \d+ lanes: every row matches its hash and every lane is complete$\' FROM redline.verify_audit()'),
	't||t', 'verify_audit() after the crash: every chain is whole');

# --- the end of the audit writer's lane -------------------------------------------------
# frank records writes and refusals only, so his refusal is the last row of the writer's
# event lane; the seals that anchor it are in the writer's seal lane, another lane.
query(q{CREATE ROLE frank LOGIN; GRANT SELECT, INSERT, UPDATE ON ledger TO frank;
	GRANT USAGE ON SEQUENCE ledger_id_seq TO frank; ALTER ROLE frank SET redline.audit = 'write, refused';});
ok( $node->poll_query_until('postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'redline audit writer'}),
	'the audit writer is idle');
($ret, $out, $err) = $node->psql('postgres', "INSERT INTO ledger (marker) VALUES ('frank-write');\nUPDATE ledger SET note = 'frank-refused';",
	extra_params => [ '-U', 'frank' ], on_error_stop => 0);
like($err, qr/UPDATE on table "ledger" has no WHERE clause/, 'frank: a write, then a refusal');
ok( $node->poll_query_until('postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'redline audit writer'}),
	'the audit writer has gone idle again');
my ($frank_lane, $frank_seq) = split /\|/,
  query(q{SELECT lane, lane_seq FROM redline.audit_log WHERE statement = 'UPDATE ledger SET note = ''frank-refused'''});
is(query("SELECT string_agg(event, ',' ORDER BY lane_seq) FROM redline.audit_log WHERE lane = $frank_lane AND lane_seq >= $frank_seq"),
	'refused', "the refusal ends the writer's event lane");
ok(query("SELECT count(*) FROM redline.audit_log s, unnest(s.objects) o WHERE s.event = 'seal' AND s.lane <> $frank_lane "
	  . "AND split_part(o, ':', 1)::bigint = $frank_lane AND split_part(o, ':', 2)::bigint = $frank_seq") > 0,
	'a seal in another lane anchors it');

# --- the table is append-only, for superusers too ----------------------------------------
my $any_id = query('SELECT min(id) FROM redline.audit_log');
for my $case (
	[ "UPDATE redline.audit_log SET statement = 'x' WHERE id = $any_id", 'UPDATE' ],
	[ "DELETE FROM redline.audit_log WHERE id = $any_id", 'DELETE' ],
	[ "INSERT INTO redline.audit_log SELECT * FROM redline.audit_log WHERE id = $any_id", 'INSERT' ],
	[ 'TRUNCATE redline.audit_log', 'TRUNCATE TABLE' ],
	[ 'ALTER TABLE redline.audit_log ADD COLUMN note text', 'ALTER TABLE' ],
	[ 'DROP TABLE redline.audit_log', 'DROP TABLE' ])
{
	refused_with($node, $case->[0], 'RL300', "$case->[1] on redline\\.audit_log refused: the audit log is append-only",
		"superuser: $case->[1] of redline.audit_log is refused");
}
is(query(q{SELECT count(*) FROM redline.audit_log WHERE session_role = 'postgres' AND event = 'refused' AND sqlstate = 'RL300'}),
	'6', 'each of these refusals has its row');
my $before_drop = -s $node->logfile;
refused_with($node, 'DROP EXTENSION redline', 'RL200',
	q{DROP EXTENSION refused: redline\.audit_log \(drop_table\) needs a second person's approval},
	'DROP EXTENSION redline is refused: it would drop redline.audit_log');
unlike(slurp_file($node->logfile, $before_drop), qr/redline audit \(not yet confirmed/,
	'the refused DROP EXTENSION has its row committed before the error is raised');
ok($node->poll_query_until('postgres', q{SELECT count(*) = 1 FROM redline.audit_log WHERE event = 'refused'
	AND sqlstate = 'RL200' AND statement = 'DROP EXTENSION redline'}), 'the refused DROP EXTENSION has its row');

# --- switched off by a reload, tampering is found -----------------------------------------
$node->append_conf('postgresql.conf', "redline.enforce = off\n");
$node->reload;
ok( $node->poll_query_until('postgres', q{SELECT count(*) = 1 FROM redline.audit_log WHERE event = 'policy_change'
	AND decision = 'allowed' AND reason = 'configuration reload: redline.enforce changed from ''on'' to ''off'''}),
	'switching redline off by a reload is recorded as a policy change');
query('CREATE TABLE pristine AS SELECT * FROM redline.audit_log');

sub verify { return query('SELECT ok, first_bad_id, problem, detail FROM redline.verify_audit()'); }
sub place
{
	my ($id) = @_;
	return split /\|/, query("SELECT lane, lane_seq FROM redline.audit_log WHERE id = $id");
}

my $changed = query(q{SELECT id FROM redline.audit_log WHERE statement = $$INSERT INTO ledger (marker) VALUES ('alice-commit')$$});
my ($lane, $seq) = place($changed);
query("UPDATE redline.audit_log SET statement = \$\$INSERT INTO ledger (marker) VALUES ('alice-innocent')\$\$ WHERE id = $changed");
is(verify(), "f|$changed|changed|row $changed (place $seq of lane $lane) no longer matches its hash: its columns were changed after redline wrote it",
	'a changed statement: verify_audit() names the row, problem changed');
query("UPDATE redline.audit_log a SET statement = p.statement FROM pristine p WHERE a.id = p.id AND a.id = $changed");
like(verify(), qr/^t\|\|\|/, 'restored, the chains verify again');

# A row in the middle of a lane: the one after it still names it as its predecessor.
my $removed = query(q{SELECT a.id FROM redline.audit_log a WHERE a.statement = 'UPDATE ledger SET note = ''alice-refused'''});
($lane, $seq) = place($removed);
my $next = query("SELECT id FROM redline.audit_log WHERE lane = $lane AND lane_seq = $seq + 1");
isnt($next, '', 'the refused row has a successor in its lane');
query("DELETE FROM redline.audit_log WHERE id = $removed");
like(verify(), qr/^f\|$removed\|removed\|row $removed was removed: lane $lane jumps from place @{[ $seq - 1 ]} to @{[ $seq + 1 ]} at row $next \(1 row\(s\) missing\)( \(\d+ problems in all\))?$/,
	'a deleted row: verify_audit() names it, problem removed');
query("INSERT INTO redline.audit_log SELECT * FROM pristine WHERE id = $removed");
like(verify(), qr/^t\|\|\|/, 'put back, the chains verify again');

# A copy of a row with a new id, in the middle of its lane and at the sealed end of one.
my $max = query('SELECT max(id) FROM redline.audit_log');
my $columns = 'at, event, session_role, effective_role, database, client_addr, application_name, backend_pid, environment, '
  . 'statement, objects, rows, key_id, amr, decision, reason, sqlstate, xid, lane, lane_seq, prev_id, hash';
my $copy = $max + 1000;
query("INSERT INTO redline.audit_log SELECT $copy, $columns FROM pristine WHERE id = $removed");
like(verify(), qr/^f\|$copy\|(inserted|changed)\|/, 'a copy of a row in the middle of a lane: verify_audit() names the copy');
query("DELETE FROM redline.audit_log WHERE id = $copy");
like(verify(), qr/^t\|\|\|/, 'the copy removed, the chains verify again');

my $sealed_end = query(q{SELECT r.id FROM redline.audit_log r WHERE r.event <> 'seal'
	AND EXISTS (SELECT FROM redline.audit_log s, unnest(s.objects) o WHERE s.event = 'seal' AND split_part(o, ':', 3)::bigint = r.id)
	AND NOT EXISTS (SELECT FROM redline.audit_log n WHERE n.lane = r.lane AND n.lane_seq > r.lane_seq)
	ORDER BY r.id LIMIT 1});
isnt($sealed_end, '', 'a lane ends in a sealed row');
$copy = $max + 2000;
query("INSERT INTO redline.audit_log SELECT $copy, $columns FROM pristine WHERE id = $sealed_end");
like(verify(), qr/^f\|$copy\|(inserted|changed)\|/, 'a copy of the sealed last row of a lane: verify_audit() names the copy');
query("DELETE FROM redline.audit_log WHERE id = $copy");
like(verify(), qr/^t\|\|\|/, 'the copy removed, the chains verify again');

# frank's refusal, removed from the end of the writer's event lane.
like(verify(), qr/^t\|\|\|/, 'before: the chains verify');
query("DELETE FROM redline.audit_log WHERE lane = $frank_lane AND lane_seq >= $frank_seq");
like(verify(), qr/^f\|\d+\|removed\|/, "a refusal removed from the end of the writer's event lane: found");

assert_no_crash($node);
done_testing();
