-- The write lock, 4: nothing an ordinary role can do undoes it. Each attempt below is
-- followed by a write that must still be refused (RL100).
\set SHOW_CONTEXT never
-- A renamed copy of set_config(), and functions that carry SET clauses.
CREATE FUNCTION my_config(text, text, boolean) RETURNS text LANGUAGE internal AS 'set_config_by_name';
CREATE FUNCTION write_read_write() RETURNS void LANGUAGE sql SET default_transaction_read_only = off AS $$ UPDATE accounts SET balance = 0 WHERE id = 3 $$;
CREATE FUNCTION write_as_owner() RETURNS void LANGUAGE sql SECURITY DEFINER
    AS $$ UPDATE accounts SET balance = 0 WHERE id = 3 $$;
GRANT EXECUTE ON FUNCTION my_config(text, text, boolean) TO alice;
CREATE EXTENSION dblink;
SELECT format('host=%s port=%s dbname=%s user=alice', current_setting('unix_socket_directories'),
              current_setting('port'), current_database()) AS alice_conn \gset
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`

\c - alice
\set VERBOSITY terse
SET default_transaction_read_only = off;
UPDATE accounts SET balance = 0 WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
BEGIN READ WRITE;
UPDATE accounts SET balance = 0 WHERE id = 3;
ROLLBACK;
BEGIN;
SET TRANSACTION READ WRITE;
UPDATE accounts SET balance = 0 WHERE id = 3;
ROLLBACK;
SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE;
UPDATE accounts SET balance = 0 WHERE id = 3;
-- redline's own settings are not the session's to change.
SET redline.require_token = none;
SET redline.enforce = off;
SET redline.exempt_roles = 'alice';
SET redline.environment = 'development';
SELECT set_config('redline.require_token', 'none', false);
SELECT set_config('redline.exempt_roles', 'alice', false);
SELECT my_config('redline.exempt_roles', 'alice', false);
SELECT my_config('default_transaction_read_only', 'off', false);
UPDATE accounts SET balance = 0 WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
SELECT write_read_write();
SELECT write_as_owner();
ALTER ROLE CURRENT_USER SET redline.exempt_roles = 'alice';
RESET ALL;
UPDATE accounts SET balance = 0 WHERE id = 3;
DISCARD ALL;
UPDATE accounts SET balance = 0 WHERE id = 3;
-- Becoming an exempt role changes nothing: the lock follows the login role.
SET ROLE app_service;
SELECT current_user, session_user;
UPDATE accounts SET balance = 0 WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT locked, login_role FROM redline.status();

-- Unlocked, then locked again: statements prepared or planned while unlocked are
-- refused once the lock is back, and a rolled-back savepoint does not undo lock().
SELECT redline.unlock(:'tok') > now() AS unlocked;
PREPARE bump(int) AS UPDATE accounts SET balance = balance + 1 WHERE id = $1;
EXECUTE bump(3);
BEGIN;
SAVEPOINT s;
SELECT redline.lock();
ROLLBACK TO SAVEPOINT s;
EXECUTE bump(3);
\echo :LAST_ERROR_SQLSTATE
COMMIT;
SELECT write_read_write();
-- DISCARD ALL, which connection poolers send between clients, locks an unlocked session.
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT redline.unlock(:'tok') > now() AS unlocked;
DISCARD ALL;
UPDATE accounts SET balance = 0 WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE

-- A loopback connection is a new session of its own, locked too.
\c - postgres
SELECT dblink_exec(:'alice_conn', 'UPDATE accounts SET balance = 0 WHERE id = 3');
SELECT balance FROM accounts WHERE id = 3;

-- A token is never stored where others could read it, not even by a superuser.
\set VERBOSITY default
ALTER ROLE alice SET redline.session_token = 'v4.public.stored';
ALTER DATABASE :"DBNAME" SET redline.session_token = 'v4.public.stored';
CREATE FUNCTION unlock_me() RETURNS int LANGUAGE sql SET redline.session_token = 'v4.public.stored' AS 'SELECT 1';
ALTER FUNCTION write_as_owner() SET redline.session_token = 'v4.public.stored';
ALTER SYSTEM SET redline.session_token = 'v4.public.stored';
SELECT count(*) AS stored_anywhere FROM pg_db_role_setting WHERE array_to_string(setconfig, ',') LIKE '%session_token%';
