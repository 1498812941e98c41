-- The write lock, 7: an unlocked person is still held to rule 4. The row budget counts the
-- statement the person ran, whatever it caused; a statement that changes every row of a table
-- is refused unless its count was stated, also for the exempt application role.
\set SHOW_CONTEXT never
CREATE TABLE stock (id int PRIMARY KEY, sku text NOT NULL, qty int NOT NULL);
INSERT INTO stock SELECT g, 'sku' || g, 10 FROM generate_series(1, 60) g;
CREATE TABLE stock_log (id int, at timestamptz DEFAULT now());
CREATE TABLE bins (id int PRIMARY KEY, label text NOT NULL);
INSERT INTO bins SELECT g, 'bin' || g FROM generate_series(1, 15) g;
GRANT SELECT, INSERT, UPDATE, DELETE ON stock, stock_log, bins TO alice, app_service;
CREATE FUNCTION restock_each(first int, n int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN first..first + n - 1 LOOP
        UPDATE stock SET qty = qty + 1 WHERE id = i;
    END LOOP;
    RETURN n;
END $$;
CREATE FUNCTION log_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO stock_log (id) VALUES (NEW.id); RETURN NEW; END $$;
CREATE PROCEDURE drain(first int, n int, commit_every int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 0..n - 1 LOOP
        UPDATE stock SET qty = 0 WHERE id = first + i;
        IF (i + 1) % commit_every = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END $$;
GRANT EXECUTE ON PROCEDURE drain(int, int, int) TO alice;
ALTER ROLE alice SET redline.max_rows = 20;
ALTER ROLE app_service SET redline.max_rows = 20;

\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
\c - alice
\set VERBOSITY terse
SELECT redline.unlock(:'tok') > now() AS unlocked;
-- One row at a time, many times over, is one statement.
DO $$ BEGIN FOR i IN 1..30 LOOP UPDATE stock SET qty = 0 WHERE id = i; END LOOP; END $$;
\echo :LAST_ERROR_SQLSTATE
SELECT restock_each(1, 30);
\echo :LAST_ERROR_SQLSTATE
SELECT restock_each(g, 3) FROM generate_series(1, 30, 3) g;
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE wanted (id int);
CREATE FUNCTION pg_temp.zero_wanted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE stock SET qty = 0 WHERE id = NEW.id; RETURN NEW; END $$;
CREATE TRIGGER zero_wanted AFTER INSERT ON wanted FOR EACH ROW EXECUTE FUNCTION pg_temp.zero_wanted();
INSERT INTO wanted SELECT generate_series(1, 30);
\echo :LAST_ERROR_SQLSTATE
-- A procedure that commits: within the budget per transaction passes, over it does not.
CALL drain(1, 20, 5);
CALL drain(21, 30, 21);
\echo :LAST_ERROR_SQLSTATE
-- Every row of a table within the budget, with conditions no syntax check catches.
UPDATE bins SET label = 'x' WHERE label LIKE '%';
\echo :LAST_ERROR_SQLSTATE
UPDATE bins SET label = 'x' WHERE id = id + 0;
DELETE FROM bins WHERE id IN (SELECT id + 0 FROM bins);
MERGE INTO bins USING bins b2 ON bins.id = b2.id WHEN MATCHED THEN DELETE;
UPDATE bins SET label = 'x' WHERE id <= 10;
SELECT count(*) AS bins, count(*) FILTER (WHERE label = 'x') AS relabelled FROM bins;
-- Legitimate writes: one row, a stated count.
UPDATE stock SET qty = 5 WHERE id = 21;
BEGIN;
SET LOCAL redline.expect_rows = 30;
DO $$ BEGIN FOR i IN 31..60 LOOP UPDATE stock SET qty = 7 WHERE id = i; END LOOP; END $$;
COMMIT;

\c - postgres
SELECT count(*) FILTER (WHERE qty = 0) AS drained, count(*) FILTER (WHERE qty = 7) AS stated,
       count(*) FILTER (WHERE qty = 5) AS one_row FROM stock;
CREATE TRIGGER stock_log AFTER UPDATE ON stock FOR EACH ROW EXECUTE FUNCTION log_stock();

-- The exempt application role has no budget, but changing every row still needs a count.
\c - app_service
\set VERBOSITY terse
SELECT restock_each(1, 30);
UPDATE stock SET qty = 1 WHERE sku LIKE '%';
\echo :LAST_ERROR_SQLSTATE
UPDATE stock SET qty = 1 WHERE id = id + 0;
UPDATE stock s SET qty = 1 FROM stock t WHERE s.id = t.id;
INSERT INTO stock SELECT * FROM stock ON CONFLICT (id) DO UPDATE SET qty = 1;
DO $$ BEGIN UPDATE stock SET qty = 1 WHERE id <= 30; UPDATE stock SET qty = 1 WHERE id > 30; END $$;
-- The count to state includes what the trigger logged.
BEGIN;
SET LOCAL redline.expect_rows = 120;
UPDATE stock SET qty = 1 WHERE sku LIKE '%';
COMMIT;

\c - postgres
SELECT count(*) FILTER (WHERE qty = 1) AS stated_every_row, (SELECT count(*) FROM stock_log) AS logged FROM stock;
ALTER ROLE alice RESET redline.max_rows;
ALTER ROLE app_service RESET redline.max_rows;
