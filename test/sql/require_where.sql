-- Rule 4: UPDATE/DELETE/MERGE that would change every row are refused, with SQLSTATE
-- RL001, a message that says why and a hint with the safe form. Nothing changes.
\set SHOW_CONTEXT never
CREATE TABLE acct (id int PRIMARY KEY, owner text, balance int, active boolean DEFAULT true);
INSERT INTO acct SELECT g, 'owner' || g, 100, true FROM generate_series(1, 20) g;
CREATE TABLE other (id int, flag boolean);
INSERT INTO other VALUES (1, true), (2, false);

-- no WHERE at all
DELETE FROM acct;
\echo :LAST_ERROR_SQLSTATE
UPDATE acct SET balance = 0;
\echo :LAST_ERROR_SQLSTATE

-- WHERE clauses that fold to TRUE
DELETE FROM acct WHERE true;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE 1=1;
\echo :LAST_ERROR_SQLSTATE
UPDATE acct SET balance = 0 WHERE 1=1 OR id=5;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE NOT false;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE 'yes'::boolean AND 2 > 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE coalesce(NULL, true);
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE (id = 3 OR true) AND (1 = 1);
\echo :LAST_ERROR_SQLSTATE

-- conditions that name no row of the target, or compare a column with itself
DELETE FROM acct WHERE id = id;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE now() > '2000-01-01';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE EXISTS (SELECT 1 FROM other);
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE id = 3 OR now() > '2000-01-01';
\echo :LAST_ERROR_SQLSTATE

-- UPDATE ... FROM / DELETE ... USING without a join condition
DELETE FROM acct USING other;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct USING other WHERE other.flag;
\echo :LAST_ERROR_SQLSTATE
UPDATE acct SET balance = 0 FROM other WHERE other.id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE acct SET balance = 0 FROM other o1 JOIN other o2 ON o1.id = o2.id;
\echo :LAST_ERROR_SQLSTATE

-- ONLY and multi-statement strings: the whole string is refused, earlier parts too
DELETE FROM ONLY acct;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO other VALUES (3, true)\; DELETE FROM acct\; INSERT INTO other VALUES (4, true);
\echo :LAST_ERROR_SQLSTATE

-- nothing above changed anything
SELECT count(*) AS acct_rows, sum(balance) AS total FROM acct;
SELECT count(*) AS other_rows FROM other;

-- qualified writes pass
UPDATE acct SET balance = balance + 1 WHERE id = 1;
DELETE FROM acct WHERE id = 20;
DELETE FROM acct WHERE id IN (19, 18) AND 1 = 1;
UPDATE acct SET balance = 0 WHERE id = 17 OR id = 16;
UPDATE acct SET balance = 5 WHERE NOT active OR id = 15;
UPDATE acct a SET owner = 'joined' FROM other o WHERE a.id = o.id AND o.flag;
DELETE FROM acct a USING other o WHERE a.id = o.id + 10;
DELETE FROM acct WHERE false;
DELETE FROM acct WHERE id = (SELECT max(id) FROM acct);
SELECT count(*) AS acct_rows FROM acct;

-- WHERE CURRENT OF is one row
BEGIN;
DECLARE c CURSOR FOR SELECT * FROM acct WHERE id < 5 ORDER BY id FOR UPDATE;
FETCH 1 FROM c;
UPDATE acct SET owner = 'cursor' WHERE CURRENT OF c;
DELETE FROM acct WHERE CURRENT OF c;
COMMIT;
SELECT id, owner FROM acct WHERE id = 1;

-- EXPLAIN only shows a plan; EXPLAIN ANALYZE runs it and is refused
EXPLAIN (COSTS OFF) DELETE FROM acct;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) DELETE FROM acct;
\echo :LAST_ERROR_SQLSTATE
EXPLAIN ANALYZE UPDATE acct SET balance = 0 WHERE 1 = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS acct_rows FROM acct;

-- IS NOT NULL on a column that cannot be NULL is true for every row
DELETE FROM acct WHERE id IS NOT NULL;
\echo :LAST_ERROR_SQLSTATE
UPDATE acct SET balance = 0 WHERE ctid IS NOT NULL;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM acct WHERE id IS NOT NULL OR id = 3;
\echo :LAST_ERROR_SQLSTATE
-- on a nullable column it selects rows
UPDATE acct SET owner = NULL WHERE id = 2;
UPDATE acct SET balance = balance + 1 WHERE owner IS NOT NULL AND id < 4;
DELETE FROM acct WHERE id IS NULL;
SELECT count(*) AS acct_rows FROM acct;

-- temporary tables are the session's scratch space: no guard stands in the way
CREATE TEMP TABLE scratch (id int NOT NULL);
INSERT INTO scratch SELECT generate_series(1, 5);
UPDATE scratch SET id = id + 1;
DELETE FROM scratch;
SELECT count(*) AS scratch_rows FROM scratch;
-- but a temporary view writes to the table below it
CREATE TEMP VIEW acct_view AS SELECT * FROM acct WHERE id > 0;
DELETE FROM acct_view;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS acct_rows FROM acct;

-- the table matched against all of itself
DELETE FROM acct WHERE id IN (SELECT id FROM acct);
\echo :LAST_ERROR_SQLSTATE
UPDATE acct SET balance = 1 WHERE acct.owner IN (SELECT a.owner FROM acct a);
\echo :LAST_ERROR_SQLSTATE
-- a subquery that selects some rows restricts
DELETE FROM acct WHERE id IN (SELECT id FROM acct WHERE balance > 1000);
UPDATE acct SET balance = balance WHERE id IN (SELECT id FROM other);
SELECT count(*) AS acct_rows FROM acct;
