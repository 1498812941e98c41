-- The settings: names, contexts, per-environment effective values, and that no ordinary
-- role can relax a policy setting by any of the ways PostgreSQL offers.
\set SHOW_CONTEXT never
SELECT current_user AS admin \gset
SELECT name, CASE name WHEN 'redline.cluster_id' THEN 'decimal: ' || (setting ~ '^[1-9][0-9]*$') ELSE setting END AS setting,
       context, vartype
  FROM pg_settings WHERE name LIKE 'redline.%' ORDER BY name;
SHOW redline.environment;
SHOW redline.color;
SELECT version = (SELECT extversion FROM pg_extension WHERE extname = 'redline') AS version_matches,
       environment, color, enforcing, cluster_id ~ '^[0-9]+$' AS cluster_id_is_decimal,
       require_where, max_rows, expect_rows
  FROM redline.status();

-- the prefix is reserved: a typo is an error, not a silently ignored placeholder
SET redline.requiere_where = off;

-- SIGHUP settings cannot be changed in a session, not even by a superuser
SET redline.enforce = off;
SET redline.environment = 'local';
SET redline.color = 'green';

-- values are checked
ALTER SYSTEM SET redline.color = 'pink';
ALTER SYSTEM SET redline.environment = 'prod';
SET redline.max_rows = -2;
SET redline.expect_rows = -5;

-- a DBA scopes policy settings per session, role or database
SET redline.require_where = off;
SELECT require_where FROM redline.status();
SET redline.require_where = auto;
SELECT require_where FROM redline.status();
SET redline.max_rows = 0;
SELECT max_rows FROM redline.status();
RESET redline.max_rows;
SELECT max_rows FROM redline.status();

-- an ordinary role cannot relax anything
CREATE ROLE rl_mallory LOGIN;
GRANT CREATE ON SCHEMA public TO rl_mallory;
CREATE TABLE victim (id int);
INSERT INTO victim VALUES (1), (2), (3);
GRANT ALL ON victim TO rl_mallory;
-- a renamed copy of set_config, created by an administrator for convenience
CREATE FUNCTION public.my_config(text, text, boolean) RETURNS text LANGUAGE internal AS 'set_config_by_name';
\c - rl_mallory
SET redline.require_where = off;
SET LOCAL redline.require_where = off;
SET SESSION redline.require_where TO off;
SELECT set_config('redline.require_where', 'off', false);
SELECT set_config('redline.require_where', 'off', true);
SET redline.max_rows = 0;
SET redline.exempt_roles = 'rl_mallory';
SET redline.enforce = off;
ALTER ROLE CURRENT_USER SET redline.require_where = off;
ALTER ROLE rl_mallory SET redline.exempt_roles = 'rl_mallory';
ALTER SYSTEM SET redline.enforce = off;
-- a function's SET clause is checked when it would take effect
CREATE FUNCTION sneaky() RETURNS void LANGUAGE sql SET redline.require_where = off AS 'SELECT 1';
CREATE FUNCTION plain() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER FUNCTION plain() SET redline.require_where = off;
CREATE PROCEDURE plain_proc() LANGUAGE sql SET redline.max_rows = 0 AS 'SELECT 1';
-- a renamed copy of set_config is still set_config
SELECT public.my_config('redline.require_where', 'off', false);
RESET ALL;
DISCARD ALL;
RESET redline.require_where;
BEGIN READ WRITE;
SET TRANSACTION READ WRITE;
DELETE FROM victim;
ROLLBACK;
SELECT require_where, max_rows FROM redline.status();
DELETE FROM victim;
\echo :LAST_ERROR_SQLSTATE
-- the user-settable count is for everyone
SET redline.expect_rows = 3;
SELECT expect_rows FROM redline.status();
RESET redline.expect_rows;
SELECT expect_rows FROM redline.status();
\c - :admin
SELECT count(*) AS victim_rows FROM victim;
DROP FUNCTION public.my_config(text, text, boolean);
DROP OWNED BY rl_mallory CASCADE;
DROP ROLE rl_mallory;
