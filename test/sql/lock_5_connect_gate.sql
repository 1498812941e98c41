-- The write lock, 5: redline.require_token = connect. Until it is unlocked a session runs
-- nothing but redline.unlock(), redline.status(), SET/SHOW/RESET and transaction control.
\set SHOW_CONTEXT never
ALTER SYSTEM SET redline.require_token = 'connect';
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`

\c - alice
SELECT require_token, locked FROM redline.status();
SHOW redline.environment;
SET application_name = 'gate test';
BEGIN;
ROLLBACK;
SELECT count(*) FROM accounts;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT now() IS NOT NULL;
EXPLAIN SELECT * FROM accounts;
CREATE TEMP TABLE t (a int);
SELECT redline.lock();
SELECT locked FROM redline.status();
-- The token opens everything a write-locked session may do, and writes.
SELECT redline.unlock(:'tok') IS NOT NULL AS unlocked;
SELECT count(*) FROM accounts;
UPDATE accounts SET balance = balance WHERE id = 4;
SELECT redline.lock();
SELECT count(*) FROM accounts;
\echo :LAST_ERROR_SQLSTATE

\c - postgres
ALTER SYSTEM RESET redline.require_token;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
