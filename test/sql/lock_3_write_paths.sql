-- The write lock, 3: every way to write is refused in a locked session, before anything
-- changes; what stays allowed works. Each refusal: SQLSTATE RL100 and what was refused.
\set SHOW_CONTEXT never
-- Objects only the exempt DBA can make.
CREATE FUNCTION add_account(id int) RETURNS void LANGUAGE sql AS $$ INSERT INTO accounts VALUES (id, 'sql fn', 0) $$;
CREATE FUNCTION add_account_dynamic(id int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO accounts VALUES (%s, %L, 0)', id, 'dynamic');
END
$$;
CREATE FUNCTION add_account_definer(id int) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO accounts VALUES (id, 'definer', 0);
END
$$;
CREATE PROCEDURE add_after_commit(id int) LANGUAGE plpgsql AS $$
BEGIN
    COMMIT;
    INSERT INTO accounts VALUES (id, 'after commit', 0);
END
$$;
CREATE FUNCTION bump_invoice() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN nextval('invoice_no'); END $$;
CREATE VIEW accounts_ruled AS SELECT * FROM accounts;
CREATE RULE accounts_ruled_insert AS ON INSERT TO accounts_ruled DO INSTEAD
    INSERT INTO accounts VALUES (NEW.id, NEW.owner, NEW.balance);
GRANT SELECT, INSERT ON accounts_ruled TO alice;
SELECT lo_from_bytea(424242, 'owned by postgres') AS lo \gset
GRANT SELECT, UPDATE ON LARGE OBJECT 424242 TO alice;
-- Granted as some DBAs do: redline refuses them all the same.
GRANT EXECUTE ON FUNCTION pg_reload_conf(), lo_import(text), lo_export(oid, text) TO alice;
SELECT count(*) AS accounts_before, sum(balance) AS balance_before FROM accounts;

\c - alice
\set VERBOSITY terse
-- DML, in every shape.
INSERT INTO accounts VALUES (100, 'new', 0);
\echo :LAST_ERROR_SQLSTATE
UPDATE accounts SET balance = 0 WHERE id = 2;
DELETE FROM accounts WHERE id = 2;
MERGE INTO accounts a USING (VALUES (2)) v(id) ON a.id = v.id WHEN MATCHED THEN UPDATE SET balance = 0;
INSERT INTO accounts VALUES (2, 'x', 0) ON CONFLICT (id) DO UPDATE SET balance = 0;
WITH gone AS (DELETE FROM accounts WHERE id = 2 RETURNING id) SELECT * FROM gone;
SELECT 1 \; UPDATE accounts SET balance = 0 WHERE id = 2 \; SELECT 2;
INSERT INTO accounts_ruled VALUES (101, 'through a rule', 0);
-- Row locks are writes.
SELECT id FROM accounts WHERE id = 2 FOR UPDATE;
SELECT id FROM accounts WHERE id = 2 FOR SHARE;
SELECT id FROM accounts WHERE id = 2 FOR KEY SHARE;
-- DDL, TRUNCATE, COPY FROM and to the server.
CREATE TABLE mine (a int);
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE accounts ADD COLUMN note text;
DROP TABLE accounts;
CREATE INDEX ON accounts (owner);
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
COMMENT ON TABLE accounts IS 'x';
GRANT SELECT ON accounts TO bob;
ALTER ROLE CURRENT_USER SET default_transaction_read_only = off;
TRUNCATE accounts;
COPY accounts FROM '/dev/null';
COPY accounts TO '/tmp/redline-accounts.csv';
COPY accounts TO PROGRAM 'cat > /dev/null';
COPY accounts FROM PROGRAM 'echo 1';
\copy accounts from /dev/null
-- Sequences and large objects, which PostgreSQL's own read-only mode partly lets through.
SELECT nextval('invoice_no');
\echo :LAST_ERROR_SQLSTATE
SELECT setval('invoice_no', 100);
SELECT lo_create(0);
SELECT lo_creat(-1);
SELECT lo_from_bytea(0, 'data');
SELECT lo_put(:lo, 0, 'overwritten');
SELECT lo_unlink(:lo);
SELECT lowrite(lo_open(:lo, 131072), 'x');
SELECT lo_truncate(lo_open(:lo, 131072), 0);
SELECT lo_import('/etc/hostname');
SELECT lo_export(:lo, '/tmp/redline-lo');
\lo_import '/etc/hostname'
-- Server state.
ALTER SYSTEM SET work_mem = '1GB';
SELECT pg_reload_conf();
VACUUM accounts;
ANALYZE accounts;
REINDEX TABLE accounts;
CLUSTER accounts USING accounts_pkey;
BEGIN;
LOCK accounts IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK accounts IN ROW EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
PREPARE TRANSACTION 'later';
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- Writes inside functions, whoever owns them, and procedures that commit.
SELECT add_account(102);
SELECT add_account_dynamic(103);
SELECT add_account_definer(104);
DO $$ BEGIN INSERT INTO accounts VALUES (105, 'do', 0); END $$;
DO $$ BEGIN EXECUTE 'DELETE FROM accounts WHERE id = 2'; END $$;
CALL add_after_commit(106);
SELECT bump_invoice();
-- EXPLAIN ANALYZE executes.
EXPLAIN (ANALYZE, COSTS OFF) DELETE FROM accounts WHERE id = 2;

-- Still allowed: reading, plain EXPLAIN, temporary objects, session commands.
\set VERBOSITY default
SELECT count(*) FROM accounts;
EXPLAIN (COSTS OFF) DELETE FROM accounts WHERE id = 2;
SELECT loread(lo_open(:lo, 262144), 100) IS NOT NULL AS large_object_readable;
CREATE TEMP TABLE scratch (id serial PRIMARY KEY, note text);
INSERT INTO scratch (note) SELECT owner FROM accounts WHERE id <= 3;
UPDATE scratch SET note = upper(note) WHERE id = 1;
DELETE FROM scratch WHERE id = 3;
CREATE INDEX ON scratch (note);
ALTER TABLE scratch ADD COLUMN extra int;
COPY scratch (note) FROM STDIN;
from copy
\.
SELECT id, note FROM scratch ORDER BY id;
SELECT id FROM scratch WHERE id = 1 FOR UPDATE;
CREATE TEMP VIEW scratch_view AS SELECT note FROM scratch;
CREATE TEMP TABLE copied AS SELECT id, owner FROM accounts WHERE id <= 2;
CREATE TEMP SEQUENCE my_counter;
SELECT nextval('my_counter');
TRUNCATE scratch;
DROP VIEW scratch_view;
DROP TABLE copied, scratch;
COPY (SELECT id, owner FROM accounts WHERE id <= 2 ORDER BY id) TO STDOUT;
BEGIN;
LOCK accounts IN ACCESS SHARE MODE;
COMMIT;
LISTEN redline_test;
UNLISTEN *;
NOTIFY redline_test, 'hello';
PREPARE add_one AS INSERT INTO accounts VALUES ($1, 'prepared', 0);
BEGIN;
DECLARE c CURSOR FOR SELECT id FROM accounts ORDER BY id;
FETCH 2 FROM c;
CLOSE c;
COMMIT;
SET work_mem = '8MB';
SHOW transaction_read_only;
-- Nothing changed.
\c - postgres
SELECT count(*) AS accounts_after, sum(balance) AS balance_after, max(id) AS max_id FROM accounts;
SELECT last_value, is_called FROM invoice_no;
SELECT count(*) AS large_objects FROM pg_largeobject_metadata;
SELECT convert_from(lo_get(:lo), 'UTF8') AS large_object;
