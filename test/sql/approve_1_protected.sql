-- Protected operations (redline.protected, production defaults): destruction needs an
-- approval token signed by a second person who is a member of redline_approver, for every
-- role including superusers, wherever the destruction happens. Refusals are RL200, name
-- every object and give the exact approve command; nothing is destroyed without approval.
\set SHOW_CONTEXT never
CREATE EXTENSION redline;
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
CREATE ROLE carol LOGIN;
GRANT redline_approver TO bob;
GRANT CREATE ON SCHEMA public TO alice;
GRANT CREATE ON DATABASE :"DBNAME" TO alice;
\set alice_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/alice"`
\set bob_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/bob"`
\set carol_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/carol"`
SELECT redline.enroll_key('alice', :'alice_pub', 'alice') IS NOT NULL AS alice_enrolled,
       redline.enroll_key('bob', :'bob_pub', 'bob') IS NOT NULL AS bob_enrolled,
       redline.enroll_key('carol', :'carol_pub', 'carol') IS NOT NULL AS carol_enrolled;
SHOW redline.protected;

\c - alice
CREATE TABLE orders (id int PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 100) g;
CREATE TABLE users (id int PRIMARY KEY, name text);
INSERT INTO users VALUES (1, 'ann');

-- Without approval: refused, with the object, why, and the exact command for the approver.
DROP TABLE orders;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS orders_still_there FROM orders;
TRUNCATE orders;
ALTER TABLE orders DROP COLUMN note;
-- Several objects: every one is listed.
DROP TABLE orders, users;
-- Wherever it happens: a DO block, a function.
DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$;
CREATE FUNCTION wipe() RETURNS void LANGUAGE plpgsql AS $$ BEGIN TRUNCATE users; END $$;
SELECT wipe();
\set VERBOSITY terse
-- Temporary tables are the session's own.
CREATE TEMP TABLE scratch (a int);
DROP TABLE scratch;

-- The requester's own key cannot approve; neither can a key of someone who is not an approver.
\set own `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice" --sub alice --scope approve --op drop_table --obj public.orders`
\set carols `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/carol" --sub alice --scope approve --op drop_table --obj public.orders`
\set VERBOSITY default
SET redline.approval_token = :'own';
DROP TABLE orders;
SET redline.approval_token = :'carols';
DROP TABLE orders;
-- A second person's approval of public.orders does not drop public.users.
\set bobs `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op drop_table --obj public.orders`
SET redline.approval_token = :'bobs';
SHOW redline.approval_token;
\set VERBOSITY terse
DROP TABLE users;
-- It does drop public.orders, once (CASCADE: destroyed, not moved to the recycle bin).
DROP TABLE orders CASCADE;
SELECT to_regclass('public.orders') IS NULL AS orders_dropped;
CREATE TABLE orders (id int PRIMARY KEY);
\set VERBOSITY default
DROP TABLE orders;
RESET redline.approval_token;

-- One token per object, presented together.
\set t1 `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op drop_table --obj public.orders`
\set t2 `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op drop_table --obj public.users`
SET redline.approval_token = :'t1';
DROP TABLE orders, users;
SELECT count(*) AS both_still_there FROM pg_class WHERE relname IN ('orders', 'users') AND relkind = 'r';
\set both :t1 ',' :t2
SET redline.approval_token = :'both';
DROP TABLE orders, users CASCADE;
SELECT count(*) AS both_dropped FROM pg_class WHERE relname IN ('orders', 'users') AND relkind = 'r';

-- SET LOCAL: the approval ends with its transaction.
CREATE TABLE ledger (id int);
\set t3 `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op truncate --obj public.ledger`
BEGIN;
SET LOCAL redline.approval_token = :'t3';
COMMIT;
\set VERBOSITY terse
TRUNCATE ledger;
BEGIN;
SET LOCAL redline.approval_token = :'t3';
TRUNCATE ledger;
COMMIT;

-- CASCADE reaches further: DROP SCHEMA lists the schema and its tables; TRUNCATE CASCADE
-- the referencing tables; a partitioned table covers its partitions, a partition is its own.
CREATE SCHEMA sales;
CREATE TABLE sales.q1 (id int PRIMARY KEY);
CREATE TABLE sales.q2 (id int REFERENCES sales.q1);
\set VERBOSITY default
DROP SCHEMA sales CASCADE;
TRUNCATE sales.q1 CASCADE;
CREATE TABLE events (at date, n int) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
\set VERBOSITY terse
TRUNCATE events;
TRUNCATE events_2026;
DROP TABLE events;

-- Superusers too, and the other protected operations.
\c - postgres
\set VERBOSITY terse
DROP TABLE sales.q2;
DROP OWNED BY alice;
CREATE EXTENSION dblink;
DROP EXTENSION dblink;
DROP ROLE carol;
CREATE DATABASE approve_scratch;
DROP DATABASE approve_scratch;
ALTER SYSTEM SET work_mem = '64MB';
\set sys `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub postgres --scope approve --op alter_system --obj work_mem`
SET redline.approval_token = :'sys';
ALTER SYSTEM SET work_mem = '64MB';
\set sysreset `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub postgres --scope approve --op alter_system --obj work_mem`
SET redline.approval_token = :'sysreset';
ALTER SYSTEM RESET work_mem;
\set dbdrop `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub postgres --scope approve --op drop_database --obj approve_scratch`
SET redline.approval_token = :'dbdrop';
DROP DATABASE approve_scratch;
SELECT count(*) AS scratch_dropped FROM pg_database WHERE datname = 'approve_scratch';
-- Tokens are never stored.
ALTER ROLE alice SET redline.approval_token = 'v4.public.stored';
