-- The audit log (rule 8): one row per client statement that wrote or changed the schema, in
-- the same transaction; refusals and rolled-back attempts survive their rollback; the table
-- is append-only; verify_audit() re-walks the hash chains. postgres is not exempt here, so
-- redline.audit = auto records everything for it.
\set VERBOSITY terse
CREATE TABLE audit_t (id int PRIMARY KEY, v text);
CREATE FUNCTION audit_touch(n int) RETURNS void LANGUAGE sql AS $$ UPDATE audit_t SET v = 'f' WHERE id = n $$;
SELECT coalesce(max(id), 0) AS mark FROM redline.audit_log \gset

-- Committed writes and their row counts.
INSERT INTO audit_t VALUES (1, 'a'), (2, 'b'), (5, 'e');
UPDATE audit_t SET v = 'c' WHERE id = 1;
-- Refused: the refusal's row is committed although the statement's transaction rolls back.
UPDATE audit_t SET v = 'c';
-- Caught inside the statement: the refusal is still recorded.
DO $$ BEGIN UPDATE audit_t SET v = 'z'; EXCEPTION WHEN others THEN RAISE NOTICE 'caught %', SQLSTATE; END $$;
-- Rolled back: the attempt is recorded as rolled_back.
BEGIN;
INSERT INTO audit_t VALUES (3, 'x');
ROLLBACK;
-- ROLLBACK TO SAVEPOINT undoes one statement: only its row becomes an attempt.
BEGIN;
INSERT INTO audit_t VALUES (4, 'y');
SAVEPOINT s;
DELETE FROM audit_t WHERE id = 4;
ROLLBACK TO s;
COMMIT;
-- A write that fails half-way (here a duplicate key) is recorded as an attempt, also when
-- only its savepoint rolls back; one refused by redline is recorded once, as refused.
INSERT INTO audit_t VALUES (1, 'duplicate');
BEGIN;
SAVEPOINT retry;
INSERT INTO audit_t VALUES (2, 'duplicate');
ROLLBACK TO retry;
COMMIT;
INSERT INTO audit_t SELECT g, 'bulk' FROM generate_series(100, 1200) g;
-- Writes made inside a function are the calling statement's.
SELECT audit_touch(1);
WITH d AS (DELETE FROM audit_t WHERE id = 2 RETURNING *) SELECT count(*) FROM d;
-- Multi-statement strings: each statement its own row with its own text.
UPDATE audit_t SET v = 'm' WHERE id = 1\; UPDATE audit_t SET v = 'n' WHERE id = 5;
-- Temporary tables are not production data: their writes are not recorded.
CREATE TEMP TABLE audit_tmp (x int);
INSERT INTO audit_tmp VALUES (1);
COPY audit_t FROM stdin;
6	copied
7	copied
\.
SELECT event, decision, statement, objects, rows, sqlstate, reason
  FROM redline.audit_log WHERE id > :mark AND event NOT IN ('seal', 'connect', 'disconnect') ORDER BY id;

-- A refusal travels to the audit writer in a slot of about 8 kB: a longer statement is
-- kept up to there, marked as cut.
SELECT format('UPDATE audit_t SET v = %L', repeat('x', 9000)) AS long_update \gset
:long_update;
SELECT length(statement) BETWEEN 7000 AND 8192 AS cut_to_the_slot,
       statement LIKE 'UPDATE audit_t SET v = ''xxx%' AS from_its_start,
       right(statement, 41) AS marked
  FROM redline.audit_log WHERE event = 'refused' ORDER BY id DESC LIMIT 1;

-- A password written in SQL never reaches the audit log.
CREATE ROLE audit_pw_role PASSWORD 'correct horse';
ALTER ROLE audit_pw_role PASSWORD 'battery staple';
DROP ROLE audit_pw_role;
SELECT statement FROM redline.audit_log WHERE statement LIKE '%audit_pw_role%' ORDER BY id;

-- Volume: redline.audit chooses the classes; narrowing it is itself recorded first.
SELECT coalesce(max(id), 0) AS mark FROM redline.audit_log \gset
SET redline.audit = 'refused';
UPDATE audit_t SET v = 'not recorded' WHERE id = 1;
UPDATE audit_t SET v = 'refused';
SET redline.audit = 'writes';
SELECT set_config('redline.audit', 'all', false);
RESET redline.audit;
SELECT event, decision, statement, reason
  FROM redline.audit_log WHERE id > :mark AND event NOT IN ('seal', 'connect', 'disconnect') ORDER BY id;

-- Every change of a policy setting is recorded, however it is made: set_config(), SET LOCAL,
-- a function's SET clause (each time it takes effect), RESET.
SELECT coalesce(max(id), 0) AS mark FROM redline.audit_log \gset
SELECT set_config('redline.exempt_roles', 'nobody_here', false);
SELECT set_config('redline.max_rows', '5', true);
BEGIN;
SET LOCAL redline.require_where = off;
COMMIT;
CREATE FUNCTION audit_relaxed() RETURNS int LANGUAGE sql SET redline.max_rows = 0 AS 'SELECT 1';
SELECT audit_relaxed();
DO $$ BEGIN PERFORM set_config('redline.audit_parameters', 'on', false); END $$;
RESET redline.exempt_roles;
RESET redline.audit_parameters;
SELECT event, statement, reason
  FROM redline.audit_log WHERE id > :mark AND event = 'policy_change' ORDER BY id;

-- Nobody changes the audit log but redline, superusers included.
UPDATE redline.audit_log SET statement = 'tampered' WHERE id = :mark;
DELETE FROM redline.audit_log WHERE id = :mark;
INSERT INTO redline.audit_log SELECT * FROM redline.audit_log WHERE id = :mark;
TRUNCATE redline.audit_log;
ALTER TABLE redline.audit_log ADD COLUMN note text;
ALTER TABLE redline.audit_log RENAME TO old_log;
CREATE TRIGGER audit_hide BEFORE INSERT ON redline.audit_log FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
CREATE RULE audit_hide AS ON INSERT TO redline.audit_log DO INSTEAD NOTHING;
DROP TABLE redline.audit_log;
BEGIN;
LOCK TABLE redline.audit_log IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
WITH d AS (DELETE FROM redline.audit_log WHERE id = :mark RETURNING 1) SELECT count(*) FROM d;
SELECT event, regexp_replace(statement, '[0-9]+', 'N', 'g') AS statement, sqlstate FROM redline.audit_log
  WHERE id > :mark AND event = 'refused' AND statement LIKE '%audit_log%' ORDER BY id;

-- The chains are intact.
SELECT ok, problem FROM redline.verify_audit();
SELECT count(*) > 0 AS readable_by_auditors FROM information_schema.role_table_grants
 WHERE table_schema = 'redline' AND table_name = 'audit_log' AND grantee = 'redline_auditor' AND privilege_type = 'SELECT';
DROP TABLE audit_t;
DROP FUNCTION audit_touch(int);
