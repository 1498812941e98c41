-- The row budget counts the statement a person ran, not its pieces: one count for everything
-- a statement a client sent changed in permanent tables, whatever did it. A DO loop of small
-- deletes, a function called by SELECT that deletes in a loop, a data-modifying WITH inside a
-- function called from an UPDATE, a trigger on a temporary table, deferred triggers fired by
-- COMMIT, a cursor held past COMMIT, EXECUTE. A procedure that commits is counted per
-- transaction.
\set SHOW_CONTEXT never
SELECT current_user AS admin \gset
CREATE ROLE rc_human LOGIN;
CREATE ROLE rc_app LOGIN;
CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL DEFAULT 0);
INSERT INTO items SELECT g, 0 FROM generate_series(1, 200) g;
CREATE TABLE notes (id int);
GRANT ALL ON items, notes TO rc_human, rc_app;
GRANT CREATE ON SCHEMA public TO rc_human;
ALTER ROLE rc_human SET redline.max_rows = 20;
ALTER ROLE rc_app SET redline.max_rows = 20;
ALTER DATABASE :"DBNAME" SET redline.exempt_roles = 'rc_app';
-- Deletes `steps` runs of 5 rows from `first` on, one statement per run.
CREATE FUNCTION delete_in_steps(first int, steps int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 0..steps - 1 LOOP
        DELETE FROM items WHERE id BETWEEN first + i * 5 AND first + i * 5 + 4;
    END LOOP;
    RETURN steps * 5;
END $$;
CREATE FUNCTION delete_ten_with(first int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
    WITH gone AS (DELETE FROM items WHERE id BETWEEN first AND first + 9 RETURNING 1) SELECT count(*) INTO n FROM gone;
    RETURN n;
END $$;
CREATE FUNCTION delete_five(first int) RETURNS void LANGUAGE sql AS $$
    DELETE FROM items WHERE id BETWEEN first AND first + 4 $$;
CREATE PROCEDURE purge(first int, batches int, commit_every int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 0..batches - 1 LOOP
        DELETE FROM items WHERE id BETWEEN first + i * 5 AND first + i * 5 + 4;
        IF (i + 1) % commit_every = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END $$;

\c - rc_human
-- A DO loop of six 5-row deletes is one 30-row statement.
DO $$ BEGIN FOR i IN 0..5 LOOP DELETE FROM items WHERE id BETWEEN 1 + i * 5 AND 5 + i * 5; END LOOP; END $$;
\echo :LAST_ERROR_SQLSTATE
DO $$ BEGIN FOR i IN 0..5 LOOP EXECUTE format('DELETE FROM items WHERE id BETWEEN %s AND %s', 1 + i * 5, 5 + i * 5); END LOOP; END $$;
\echo :LAST_ERROR_SQLSTATE
-- A function called by SELECT: a loop inside it, or one call per row.
SELECT delete_in_steps(1, 6);
\echo :LAST_ERROR_SQLSTATE
SELECT delete_five(g) FROM generate_series(1, 30, 5) g;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM generate_series(1, 30, 5) g WHERE delete_in_steps(g, 1) > 0;
\echo :LAST_ERROR_SQLSTATE
-- A data-modifying WITH inside a function called from an UPDATE: 3 notes and 30 items.
INSERT INTO notes VALUES (1), (11), (21);
UPDATE notes SET id = id + delete_ten_with(id) WHERE id < 100;
\echo :LAST_ERROR_SQLSTATE
-- A trigger on a temporary table that deletes from a permanent one, fired by INSERT ...
-- SELECT, INSERT ... VALUES and COPY alike.
CREATE TEMP TABLE picks (id int);
CREATE FUNCTION pick_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM items WHERE id BETWEEN NEW.id AND NEW.id + 4; RETURN NEW; END $$;
CREATE TRIGGER picks_delete AFTER INSERT ON picks FOR EACH ROW EXECUTE FUNCTION pick_deletes();
INSERT INTO picks SELECT g FROM generate_series(1, 30, 5) g;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO picks VALUES (1), (6), (11), (16), (21), (26);
\echo :LAST_ERROR_SQLSTATE
COPY picks FROM stdin;
1
6
11
16
21
26
\.
\echo :LAST_ERROR_SQLSTATE
-- EXECUTE and EXPLAIN ANALYZE of what calls the function.
PREPARE sweep(int) AS SELECT delete_in_steps($1, 6);
EXECUTE sweep(1);
\echo :LAST_ERROR_SQLSTATE
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT delete_in_steps(1, 6);
\echo :LAST_ERROR_SQLSTATE
-- Each FETCH from a cursor is a statement of its own: 5 rows at a time is within the budget.
BEGIN;
DECLARE c CURSOR FOR SELECT delete_in_steps(g, 1) FROM generate_series(1, 30, 5) g;
FETCH 3 FROM c;
FETCH 4 FROM c;
ROLLBACK;
-- Deferred triggers run at COMMIT: what they change is one count for the transaction,
-- settled before it commits.
DROP TRIGGER picks_delete ON picks;
CREATE CONSTRAINT TRIGGER picks_later AFTER INSERT ON picks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION pick_deletes();
BEGIN;
INSERT INTO picks SELECT g FROM generate_series(1, 30, 5) g;
COMMIT;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO picks SELECT g FROM generate_series(1, 30, 5) g;
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER picks_later ON picks;
-- A cursor held past COMMIT runs its query at COMMIT.
BEGIN;
DECLARE held CURSOR WITH HOLD FOR SELECT delete_in_steps(1, 6);
COMMIT;
\echo :LAST_ERROR_SQLSTATE
-- A rule's action is a query of the same statement: 15 rows updated and 15 logged are 30.
\c - :admin
CREATE TABLE rc_ruled (id int PRIMARY KEY, v int NOT NULL DEFAULT 0);
INSERT INTO rc_ruled SELECT generate_series(1, 40);
CREATE TABLE rc_ruled_log (id int);
CREATE RULE rc_ruled_log AS ON UPDATE TO rc_ruled DO ALSO INSERT INTO rc_ruled_log VALUES (NEW.id);
CREATE VIEW rc_ruled_view AS SELECT * FROM rc_ruled;
CREATE RULE rc_ruled_view_update AS ON UPDATE TO rc_ruled_view DO INSTEAD DELETE FROM items WHERE id BETWEEN OLD.id AND OLD.id + 4;
GRANT ALL ON rc_ruled, rc_ruled_log, rc_ruled_view TO rc_human;
\c - rc_human
UPDATE rc_ruled SET v = 1 WHERE id <= 15;
\echo :LAST_ERROR_SQLSTATE
UPDATE rc_ruled SET v = 1 WHERE id <= 10;
-- A DO INSTEAD rule turning an UPDATE of a view into a DELETE elsewhere.
UPDATE rc_ruled_view SET v = 1 WHERE id IN (1, 6, 11, 16, 21);
\echo :LAST_ERROR_SQLSTATE
-- Nothing above changed a row of items.
SELECT count(*) AS items FROM items;

-- Within the budget passes, and a stated count covers the whole statement.
DO $$ BEGIN FOR i IN 0..3 LOOP DELETE FROM items WHERE id BETWEEN 1 + i * 5 AND 5 + i * 5; END LOOP; END $$;
BEGIN;
SET LOCAL redline.expect_rows = 30;
SELECT delete_in_steps(21, 6);
COMMIT;
BEGIN;
SET LOCAL redline.expect_rows = 33;
UPDATE notes SET id = id + delete_ten_with(id + 50) WHERE id < 100;
COMMIT;
-- A count stated inside a DO block applies to it.
DO $$ BEGIN SET LOCAL redline.expect_rows = 25; FOR i IN 0..4 LOOP DELETE FROM items WHERE id BETWEEN 91 + i * 5 AND 95 + i * 5; END LOOP; END $$;
SELECT count(*) AS items FROM items;

-- A procedure that commits is counted per transaction: 3 batches of 5 rows between COMMITs
-- pass, 6 batches between COMMITs are refused at the first COMMIT and nothing is kept.
CALL purge(121, 6, 3);
SELECT count(*) AS items FROM items;
CALL purge(151, 6, 6);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS items FROM items;
-- The last transaction of a procedure is settled when the CALL ends.
CALL purge(151, 5, 10);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS items FROM items;

-- The exempt application role has no budget.
\c - rc_app
SELECT delete_in_steps(151, 6);
DO $$ BEGIN FOR i IN 0..5 LOOP DELETE FROM items WHERE id BETWEEN 181 + i * 3 AND 183 + i * 3; END LOOP; END $$;
SELECT count(*) AS items FROM items;

\c - :admin
ALTER DATABASE :"DBNAME" RESET redline.exempt_roles;
REVOKE CREATE ON SCHEMA public FROM rc_human;
DROP OWNED BY rc_human, rc_app CASCADE;
DROP ROLE rc_human, rc_app;
DROP VIEW rc_ruled_view;
DROP TABLE items, notes, rc_ruled, rc_ruled_log;
DROP FUNCTION delete_in_steps(int, int), delete_ten_with(int), delete_five(int);
DROP PROCEDURE purge(int, int, int);
