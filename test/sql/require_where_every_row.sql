-- Rule 4, the half no syntax check can do: a condition can hold for every row and still look
-- like a restriction. A statement that changed every row of a table of more than 10 rows is
-- refused (RL001) and rolled back, for every role (exempt ones and superusers included),
-- unless its count was stated first. The syntactic check keeps its earlier message where it
-- applies. Tables of 10 rows or fewer, parts of a table and inserts pass.
\set SHOW_CONTEXT never
SELECT current_user AS admin \gset
CREATE ROLE ew_human LOGIN;
CREATE ROLE ew_app LOGIN;
CREATE TABLE w (id int PRIMARY KEY, name text NOT NULL, v int NOT NULL DEFAULT 0);
INSERT INTO w SELECT g, 'n' || g, 0 FROM generate_series(1, 30) g;
CREATE TABLE w_copy (LIKE w);
CREATE TABLE few (id int PRIMARY KEY, v int NOT NULL);
INSERT INTO few SELECT g, 0 FROM generate_series(1, 10) g;
CREATE TABLE empty_t (id int PRIMARY KEY, v int NOT NULL);
CREATE TABLE events (id int, month int, v int) PARTITION BY LIST (month);
CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1);
CREATE TABLE events_2 PARTITION OF events FOR VALUES IN (2);
INSERT INTO events SELECT g, 1 + g % 2, 0 FROM generate_series(1, 40) g;
CREATE TABLE parent (id int, v int);
CREATE TABLE child () INHERITS (parent);
INSERT INTO parent SELECT g, 0 FROM generate_series(1, 15) g;
INSERT INTO child SELECT g, 0 FROM generate_series(16, 40) g;
CREATE TABLE owner_t (id int PRIMARY KEY);
CREATE TABLE owned (id int PRIMARY KEY, owner int REFERENCES owner_t ON DELETE CASCADE);
INSERT INTO owner_t VALUES (1), (2);
INSERT INTO owned SELECT g, 1 FROM generate_series(1, 20) g;
GRANT ALL ON w, w_copy, few, empty_t, events, parent, child, owner_t, owned TO ew_human, ew_app;
CREATE FUNCTION touch_all() RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE w SET v = v + 1 WHERE v >= 0; END $$;
ALTER ROLE ew_human SET redline.max_rows = 100;
ALTER DATABASE :"DBNAME" SET redline.exempt_roles = 'ew_app';

\c - ew_human
-- The refusal in full: what, why, and the count to state.
UPDATE w SET v = 1 WHERE name LIKE '%';
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
-- Conditions true for every row.
UPDATE w SET v = 1 WHERE id = id + 0;
UPDATE w SET v = 1 WHERE id IS NOT DISTINCT FROM id;
UPDATE w SET v = 1 WHERE name = name || '';
DELETE FROM w WHERE ctid >= '(0,0)';
UPDATE w SET v = 1 WHERE tableoid = 'w'::regclass;
UPDATE w SET v = 1 WHERE v >= 0;
UPDATE w SET v = 1 WHERE id <= 15 OR id > 15;
DELETE FROM w WHERE name <> '';
-- The table matched against itself: the syntactic check names the simplest form first.
DELETE FROM w WHERE id IN (SELECT id FROM w);
DELETE FROM w WHERE id IN (SELECT id + 0 FROM w);
DELETE FROM w WHERE id IN (SELECT w2.id FROM w w2 JOIN w w3 USING (id));
UPDATE w SET v = 1 WHERE EXISTS (SELECT 1 FROM w w2 WHERE w2.id = w.id);
DELETE FROM w USING w w2 WHERE w.id = w2.id;
UPDATE w SET v = 1 FROM w w2 WHERE w.id = w2.id;
UPDATE w SET v = 1 FROM (SELECT id FROM w) s WHERE s.id = w.id;
MERGE INTO w USING w s ON w.id = s.id WHEN MATCHED THEN UPDATE SET v = 2;
MERGE INTO w USING (SELECT id FROM w) s ON w.id = s.id WHEN MATCHED THEN DELETE;
-- INSERT ... ON CONFLICT DO UPDATE that rewrites every row.
INSERT INTO w SELECT * FROM w ON CONFLICT (id) DO UPDATE SET v = 3;
INSERT INTO w SELECT id, name, 9 FROM w ON CONFLICT (id) DO UPDATE SET v = excluded.v;
-- In a WITH query, a function, a DO block in two halves, a prepared statement.
WITH changed AS (UPDATE w SET v = 4 WHERE v >= 0 RETURNING 1) SELECT count(*) FROM changed;
SELECT touch_all();
DO $$ BEGIN UPDATE w SET v = 5 WHERE id <= 15; UPDATE w SET v = 5 WHERE id > 15; END $$;
PREPARE all_of_them AS UPDATE w SET v = 6 WHERE v >= 0;
EXECUTE all_of_them;
-- Every row of a partitioned or inherited table, across its partitions and children.
UPDATE events SET v = 1 WHERE id > 0;
DELETE FROM events WHERE month IN (1, 2);
UPDATE parent SET v = 1 WHERE id > 0;
UPDATE ONLY parent SET v = 1 WHERE id > 0;
UPDATE child SET v = 1 WHERE id > 0;
-- A foreign-key cascade that empties the referencing table.
DELETE FROM owner_t WHERE id = 1;
-- Nothing above changed anything.
SELECT count(*) AS w_rows, sum(v) AS w_sum FROM w;
SELECT sum(v) AS events_sum, (SELECT sum(v) FROM parent) AS parent_sum, (SELECT count(*) FROM owned) AS owned FROM events;

-- Legitimate writes pass: one row, half the table, a table of 10 rows, every row of one
-- partition, the parent's own rows of an inheritance tree, inserts, an empty table.
UPDATE w SET v = 1 WHERE id = 1;
UPDATE w SET v = 2 WHERE id <= 15;
UPDATE w SET v = 3 WHERE id > 1;
UPDATE few SET v = 1 WHERE v >= 0;
UPDATE events SET v = 1 WHERE month = 1;
UPDATE parent SET v = 1 WHERE id <= 15;
INSERT INTO empty_t SELECT g, 0 FROM generate_series(1, 50) g;
INSERT INTO w_copy SELECT * FROM w;
DELETE FROM empty_t WHERE id > 40;
DELETE FROM few WHERE id > 0;
UPDATE w SET v = 0 WHERE false;
-- Two statements that each change half the table are two statements.
BEGIN;
UPDATE w SET v = 8 WHERE id <= 15;
UPDATE w SET v = 8 WHERE id > 15;
COMMIT;
-- A stated count lets every row through.
BEGIN;
SET LOCAL redline.expect_rows = 30;
UPDATE w SET v = 7 WHERE name LIKE '%';
COMMIT;
SELECT count(*) FILTER (WHERE v = 7) AS stated FROM w;

-- The exempt application role has no row budget, but the same check.
\c - ew_app
\set VERBOSITY terse
UPDATE w SET v = 1 WHERE name LIKE '%';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM w WHERE ctid >= '(0,0)';
MERGE INTO w USING w s ON w.id = s.id WHEN MATCHED THEN UPDATE SET v = 2;
INSERT INTO w SELECT * FROM w ON CONFLICT (id) DO UPDATE SET v = 3;
DELETE FROM w USING w w2 WHERE w.id = w2.id;
SELECT touch_all();
DELETE FROM owner_t WHERE id = 1;
UPDATE w SET v = 1 WHERE id <= 29;
BEGIN;
SET LOCAL redline.expect_rows = 30;
DELETE FROM w WHERE id > 0;
ROLLBACK;
SELECT count(*) AS w_rows FROM w;

-- A superuser too; with redline.require_where off, the check is off.
\c - :admin
\set VERBOSITY terse
UPDATE w SET v = 1 WHERE name LIKE '%';
\echo :LAST_ERROR_SQLSTATE
SET redline.require_where = off;
UPDATE w SET v = 9 WHERE name LIKE '%';
RESET redline.require_where;
SELECT count(*) FILTER (WHERE v = 9) AS require_where_off FROM w;

ALTER DATABASE :"DBNAME" RESET redline.exempt_roles;
DROP OWNED BY ew_human, ew_app CASCADE;
DROP ROLE ew_human, ew_app;
DROP TABLE w, w_copy, few, empty_t, events, child, parent, owned, owner_t;
DROP FUNCTION touch_all();
