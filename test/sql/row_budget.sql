-- Rule 4's "SELECT count first": a non-exempt role's statement that changes more than
-- redline.max_rows rows is rolled back (RL002); SET LOCAL redline.expect_rows = N lets
-- exactly N through, and a different count is rolled back too (RL003). A statement's count
-- is everything it changed in permanent tables: its own rows and what its triggers,
-- cascades, WITH queries and functions changed (row_budget_caused has the ways in).
\set SHOW_CONTEXT never
SELECT current_user AS admin \gset
CREATE ROLE rl_human LOGIN;
CREATE ROLE rl_app LOGIN;
CREATE TABLE ledger (id int PRIMARY KEY, amount int, note text);
INSERT INTO ledger SELECT g, g, 'n' FROM generate_series(1, 30) g;
CREATE TABLE ledger_archive (LIKE ledger);
GRANT ALL ON ledger, ledger_archive TO rl_human, rl_app;
GRANT CREATE ON SCHEMA public TO rl_human;
ALTER ROLE rl_human SET redline.max_rows = 5;
ALTER ROLE rl_app SET redline.max_rows = 5;
ALTER DATABASE :"DBNAME" SET redline.exempt_roles = 'rl_app';

\c - rl_human
SELECT environment, login_role, exempt, require_where, max_rows, expect_rows FROM redline.status();

-- under the budget: fine
UPDATE ledger SET note = 'small' WHERE id <= 5;
-- over it: refused and rolled back, with the count and the exact SET LOCAL to type
UPDATE ledger SET note = 'big' WHERE id <= 6;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM ledger WHERE id > 10;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ledger_archive SELECT * FROM ledger WHERE id > 3;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO ledger l USING generate_series(1, 8) g ON l.id = g WHEN MATCHED THEN UPDATE SET note = 'merged';
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FILTER (WHERE note = 'small') AS small, count(*) FILTER (WHERE note <> 'n' AND note <> 'small') AS changed, count(*) AS rows FROM ledger;
SELECT count(*) AS archived FROM ledger_archive;

-- the refusal rolls back the whole transaction, including earlier statements
BEGIN;
UPDATE ledger SET note = 'first' WHERE id = 1;
DELETE FROM ledger WHERE id BETWEEN 20 AND 30;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT note FROM ledger WHERE id = 1;

-- a stated count lets exactly that many through
BEGIN;
SET LOCAL redline.expect_rows = 11;
SELECT expect_rows FROM redline.status();
DELETE FROM ledger WHERE id BETWEEN 20 AND 30;
-- and only for the next data-changing statement
SELECT expect_rows FROM redline.status();
UPDATE ledger SET note = 'again' WHERE id BETWEEN 1 AND 11;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

BEGIN;
SET LOCAL redline.expect_rows = 11;
SELECT count(*) FROM ledger WHERE id BETWEEN 20 AND 30;
DELETE FROM ledger WHERE id BETWEEN 20 AND 30;
COMMIT;
SELECT count(*) AS rows FROM ledger;

-- a stated count that does not match is rolled back, whatever the budget
BEGIN;
SET LOCAL redline.expect_rows = 3;
UPDATE ledger SET note = 'two' WHERE id IN (1, 2);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL redline.expect_rows = 10;
UPDATE ledger SET note = 'twelve' WHERE id <= 12;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- zero is a count too
BEGIN;
SET LOCAL redline.expect_rows = 0;
DELETE FROM ledger WHERE id = 1000;
COMMIT;

-- in a multi-statement string the SET LOCAL covers the statement after it
SET LOCAL redline.expect_rows = 7\; UPDATE ledger SET note = 'seven' WHERE id <= 7;
SELECT count(*) AS seven FROM ledger WHERE note = 'seven';

-- the count is taken by the statement the user ran, not by a trigger inside it, and it
-- includes what the trigger wrote: 8 rows updated and 8 logged are 16 rows
CREATE TABLE ledger_trail (id int, at timestamptz DEFAULT now());
CREATE FUNCTION trail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO ledger_trail(id) SELECT OLD.id; RETURN NEW; END $$;
GRANT ALL ON ledger_trail TO rl_app;
\c - :admin
CREATE TRIGGER ledger_trail AFTER UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION trail();
\c - rl_human
BEGIN;
SET LOCAL redline.expect_rows = 8;
UPDATE ledger SET note = 'eight' WHERE id <= 8;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL redline.expect_rows = 16;
UPDATE ledger SET note = 'eight' WHERE id <= 8;
COMMIT;
SELECT count(*) AS trail FROM ledger_trail;
\c - :admin
DROP TRIGGER ledger_trail ON ledger;
\c - rl_human

-- writes a statement causes are part of it: a one-row DELETE that cascades to 7 rows is an
-- 8-row statement
\c - :admin
CREATE TABLE customer (id int PRIMARY KEY);
CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customer ON DELETE CASCADE);
INSERT INTO customer VALUES (1), (2);
INSERT INTO orders SELECT g, 1 FROM generate_series(1, 7) g;
GRANT ALL ON customer, orders TO rl_human;
\c - rl_human
DELETE FROM customer WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SET LOCAL redline.expect_rows = 1;
DELETE FROM customer WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL redline.expect_rows = 7;
DELETE FROM customer WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL redline.expect_rows = 8;
DELETE FROM customer WHERE id = 1;
COMMIT;
SELECT (SELECT count(*) FROM customer) AS customers, (SELECT count(*) FROM orders) AS orders;

-- a function's writes belong to the statement that called it, which takes the count
CREATE FUNCTION bulk_note(n int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN UPDATE ledger SET note = 'bulk' WHERE id <= n; END $$;
SELECT bulk_note(9);
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SET LOCAL redline.expect_rows = 9;
SELECT bulk_note(9);
COMMIT;

-- EXPLAIN ANALYZE executes, so it counts
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE ledger SET note = 'x' WHERE id <= 6;
\echo :LAST_ERROR_SQLSTATE

-- INSERT ... VALUES names its rows and is not budgeted
INSERT INTO ledger_archive VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (4, 4, 'd'), (5, 5, 'e'), (6, 6, 'f');

-- data-modifying WITH queries are counted too: moving 7 rows to an archive changes 14
WITH d AS (DELETE FROM ledger WHERE id > 12 RETURNING *) SELECT count(*) FROM d;
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SET LOCAL redline.expect_rows = 6;
WITH d AS (DELETE FROM ledger WHERE id > 12 RETURNING *) INSERT INTO ledger_archive SELECT * FROM d;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL redline.expect_rows = 7;
WITH d AS (DELETE FROM ledger WHERE id > 12 RETURNING *) INSERT INTO ledger_archive SELECT * FROM d;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL redline.expect_rows = 14;
WITH d AS (DELETE FROM ledger WHERE id > 12 RETURNING *) INSERT INTO ledger_archive SELECT * FROM d;
COMMIT;
SELECT count(*) AS rows, (SELECT count(*) FROM ledger_archive) AS archived FROM ledger;

-- ROLLBACK TO SAVEPOINT takes a stated count back with everything else
BEGIN;
SAVEPOINT s;
SET LOCAL redline.expect_rows = 12;
ROLLBACK TO SAVEPOINT s;
SELECT expect_rows FROM redline.status();
UPDATE ledger SET note = 'savepoint' WHERE id <= 12;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- temporary tables are scratch space: no budget, and a stated count is left for the real write
CREATE TEMP TABLE scratch AS SELECT g AS id FROM generate_series(1, 3) g;
INSERT INTO scratch SELECT g FROM generate_series(1, 50) g;
BEGIN;
SET LOCAL redline.expect_rows = 2;
DELETE FROM scratch WHERE id > 0;
UPDATE ledger SET note = 'after scratch' WHERE id IN (1, 2);
COMMIT;

-- an ordinary role cannot lift the budget
SET redline.max_rows = 0;
SELECT set_config('redline.max_rows', '0', false);

-- the exempt application role has no budget (but still needs a WHERE, and changing every
-- row of a table needs a stated count: require_where_every_row)
\c - rl_app
SELECT login_role, exempt FROM redline.status();
UPDATE ledger SET note = 'app' WHERE id <= 10;
DELETE FROM ledger;
\echo :LAST_ERROR_SQLSTATE
-- a stated count is still honoured
BEGIN;
SET LOCAL redline.expect_rows = 2;
UPDATE ledger SET note = 'app2' WHERE id <= 3;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- exemption follows the login role: SET ROLE does not carry it
\c - :admin
GRANT rl_app TO rl_human;
\c - rl_human
SET ROLE rl_app;
UPDATE ledger SET note = 'not exempt' WHERE id <= 15;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

\c - :admin
ALTER DATABASE :"DBNAME" RESET redline.exempt_roles;
DROP OWNED BY rl_human, rl_app CASCADE;
DROP ROLE rl_human, rl_app;
