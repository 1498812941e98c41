-- Every path a statement can reach the executor by is guarded: WITH, PREPARE, functions,
-- procedures, DO/EXECUTE, rules, triggers, views, partitions, MERGE, COPY. (The extended
-- protocol is exercised by test/t/ with pgbench -M extended.)
\set SHOW_CONTEXT never
CREATE TABLE item (id int PRIMARY KEY, name text, qty int);
INSERT INTO item SELECT g, 'item' || g, g FROM generate_series(1, 10) g;
CREATE TABLE src (id int, qty int);
INSERT INTO src VALUES (1, 100), (2, 200);

-- data-modifying WITH
WITH d AS (DELETE FROM item RETURNING *) SELECT count(*) FROM d;
\echo :LAST_ERROR_SQLSTATE
WITH u AS (UPDATE item SET qty = 0 WHERE 1 = 1 RETURNING id) SELECT count(*) FROM u;
\echo :LAST_ERROR_SQLSTATE
WITH d AS (DELETE FROM item RETURNING *) INSERT INTO src SELECT id, qty FROM d;
\echo :LAST_ERROR_SQLSTATE
WITH d AS (DELETE FROM item WHERE id = 10 RETURNING *) SELECT count(*) FROM d;

-- prepared statements: refused when prepared and when executed
PREPARE wipe AS DELETE FROM item;
\echo :LAST_ERROR_SQLSTATE
PREPARE wipe_param(boolean) AS DELETE FROM item WHERE $1;
\echo :LAST_ERROR_SQLSTATE
PREPARE one(int) AS DELETE FROM item WHERE id = $1;
EXECUTE one(9);

-- SQL functions: checked when defined and when run
CREATE FUNCTION wipe_sql() RETURNS void LANGUAGE sql AS 'DELETE FROM item';
\echo :LAST_ERROR_SQLSTATE
SET check_function_bodies = off;
CREATE FUNCTION wipe_sql() RETURNS void LANGUAGE sql AS 'DELETE FROM item';
RESET check_function_bodies;
SELECT wipe_sql();
\echo :LAST_ERROR_SQLSTATE
-- a SQL-standard body is stored already analysed: refused when run
CREATE FUNCTION wipe_atomic() RETURNS void LANGUAGE sql BEGIN ATOMIC; UPDATE item SET qty = 0; END;
SELECT wipe_atomic();
\echo :LAST_ERROR_SQLSTATE

-- PL/pgSQL, static and dynamic, SECURITY DEFINER, procedures, DO
CREATE FUNCTION wipe_plpgsql() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM item; END $$;
SELECT wipe_plpgsql();
\echo :LAST_ERROR_SQLSTATE
CREATE FUNCTION wipe_dynamic(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN EXECUTE format('DELETE FROM %I WHERE 1 = 1', t); END $$;
SELECT wipe_dynamic('item');
\echo :LAST_ERROR_SQLSTATE
CREATE FUNCTION wipe_definer() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN UPDATE item SET qty = 0; END $$;
SELECT wipe_definer();
\echo :LAST_ERROR_SQLSTATE
CREATE PROCEDURE wipe_proc() LANGUAGE plpgsql AS $$ BEGIN COMMIT; DELETE FROM item; END $$;
CALL wipe_proc();
\echo :LAST_ERROR_SQLSTATE
DO $$ BEGIN EXECUTE 'DELETE FROM item'; END $$;
\echo :LAST_ERROR_SQLSTATE
DO $$ BEGIN DELETE FROM item WHERE NOT false; END $$;
\echo :LAST_ERROR_SQLSTATE
-- a function that swallows the error cannot make the write happen
DO $$ BEGIN DELETE FROM item; EXCEPTION WHEN others THEN RAISE NOTICE 'caught %', SQLSTATE; END $$;

-- rules: the action appears only after rewrite
CREATE TABLE trigger_log (id int);
INSERT INTO trigger_log VALUES (1), (2);
CREATE TABLE ruled (id int);
CREATE RULE ruled_wipe AS ON INSERT TO ruled DO ALSO DELETE FROM item;
INSERT INTO ruled VALUES (1);
\echo :LAST_ERROR_SQLSTATE
DROP RULE ruled_wipe ON ruled;
CREATE RULE ruled_instead AS ON INSERT TO ruled DO INSTEAD UPDATE item SET qty = NEW.id;
INSERT INTO ruled VALUES (1);
\echo :LAST_ERROR_SQLSTATE
DROP RULE ruled_instead ON ruled;
CREATE RULE ruled_scoped AS ON INSERT TO ruled DO ALSO DELETE FROM trigger_log WHERE trigger_log.id = NEW.id;
INSERT INTO ruled VALUES (1);
SELECT count(*) AS trigger_log_rows FROM trigger_log;

-- triggers that issue DML
CREATE FUNCTION wipe_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM trigger_log; RETURN NEW; END $$;
CREATE TRIGGER item_wipe_log AFTER UPDATE ON item FOR EACH ROW EXECUTE FUNCTION wipe_log();
UPDATE item SET qty = qty + 1 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER item_wipe_log ON item;

-- auto-updatable views, and views with INSTEAD rules
CREATE VIEW big_items AS SELECT * FROM item WHERE qty > 3;
DELETE FROM big_items;
\echo :LAST_ERROR_SQLSTATE
UPDATE big_items SET qty = 0 WHERE 1 = 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM big_items WHERE id = 7;
CREATE VIEW ruled_view AS SELECT * FROM trigger_log;
CREATE RULE ruled_view_del AS ON DELETE TO ruled_view DO INSTEAD DELETE FROM trigger_log;
DELETE FROM ruled_view WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE

-- partitioned tables, the parent and ONLY
CREATE TABLE part (id int, region text) PARTITION BY LIST (region);
CREATE TABLE part_eu PARTITION OF part FOR VALUES IN ('eu');
CREATE TABLE part_us PARTITION OF part FOR VALUES IN ('us');
INSERT INTO part VALUES (1, 'eu'), (2, 'us');
DELETE FROM part;
\echo :LAST_ERROR_SQLSTATE
UPDATE ONLY part SET id = 0;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM part_eu WHERE 1 = 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM part WHERE region = 'us';

-- MERGE
MERGE INTO item USING src ON true WHEN MATCHED THEN DELETE;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO item i USING src s ON 1 = 1 WHEN MATCHED THEN UPDATE SET qty = s.qty;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO item i USING src s ON s.id = 1 WHEN MATCHED THEN DELETE;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO item i USING src s ON true WHEN MATCHED AND s.qty > 0 THEN DELETE;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO item i USING src s ON i.id = s.id WHEN MATCHED THEN UPDATE SET qty = s.qty WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'new', s.qty);
MERGE INTO item i USING (SELECT 1 AS id) s ON true WHEN MATCHED AND i.id = 2 THEN UPDATE SET qty = 7;
MERGE INTO item i USING src s ON false WHEN NOT MATCHED THEN INSERT VALUES (s.id + 100, 'new', s.qty);

-- COPY of a data-modifying query
COPY (DELETE FROM item RETURNING id) TO STDOUT;
\echo :LAST_ERROR_SQLSTATE

-- nothing refused above changed anything
SELECT count(*) AS items, sum(qty) AS qty FROM item;
SELECT count(*) AS src_rows FROM src;
SELECT count(*) AS part_rows FROM part;
SELECT count(*) AS trigger_log_rows FROM trigger_log;
