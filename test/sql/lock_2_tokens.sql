-- The write lock, 2: session tokens. A valid token unlocks until it expires or
-- redline.lock(); every check on a token refuses on its own, and says which.
\set SHOW_CONTEXT never
\set alice_kid `"$REDLINE_TEST_TOKEN" kid "$REDLINE_TEST_KEYS/alice_laptop"`
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --amr fpt`
\c - alice
SELECT require_token, locked, unlocked_until, unlock_key_id FROM redline.status();
UPDATE accounts SET balance = 0 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE

-- Unlocked by redline.unlock(): writes work, status() says by which key and method.
SELECT redline.unlock(:'tok') > now() AS unlocked;
UPDATE accounts SET balance = 1 WHERE id = 1;
SELECT locked, unlocked_until > now() AS until_later, unlock_key_id = :'alice_kid' AS by_laptop, unlock_methods
  FROM redline.status();
-- redline.lock() ends it; the same token never works twice.
SELECT redline.lock();
UPDATE accounts SET balance = 2 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY verbose
SELECT redline.unlock(:'tok');
\set VERBOSITY default
SELECT locked FROM redline.status();

-- Unlocked by SET: the setting never holds the token.
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_phone" --sub alice`
SET redline.session_token = :'tok';
SHOW redline.session_token;
SELECT current_setting('redline.session_token') AS current_setting,
       (SELECT count(*) FROM pg_settings WHERE name = 'redline.session_token') AS in_pg_settings;
UPDATE accounts SET balance = 3 WHERE id = 1;
SELECT redline.lock();
-- The statement that carries a token is masked where others could read it.
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT redline.unlock(:'tok') > now() AS unlocked \; SELECT strpos(current_query(), :'tok') = 0 AS not_in_current_query, current_query() LIKE '%v4.public.xxxx%' AS masked, (SELECT strpos(query, :'tok') = 0 FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS not_in_pg_stat_activity;
SELECT redline.lock();

-- Each check refuses, and names itself.
\set other_role `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub bob`
SELECT try_unlock(:'other_role');
\set borrowed_key `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice`
SELECT try_unlock(:'borrowed_key');
\set staging `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --env staging`
SELECT try_unlock(:'staging');
\set other_cluster `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --cid 6000000000000000001`
SELECT try_unlock(:'other_cluster');
\set expired `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --iat-offset -900 --ttl 600`
SELECT try_unlock(:'expired');
\set future `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --iat-offset 600`
SELECT try_unlock(:'future');
\set too_long `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --ttl 7200`
SELECT try_unlock(:'too_long');
\set tampered `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --tamper`
SELECT try_unlock(:'tampered');
\set unenrolled `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/never_enrolled" --sub alice`
SELECT try_unlock(:'unenrolled');
\set revoked `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_old" --sub alice`
SELECT try_unlock(:'revoked');
\set approval `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --scope approve --op drop_table --obj public.accounts`
SELECT try_unlock(:'approval');
SELECT try_unlock('v4.public.abc');
SELECT try_unlock('v2.public.' || repeat('A', 200));
SELECT try_unlock('not a token');
SELECT try_unlock(repeat('v4.public.', 2000));
-- None of them unlocked anything, and a refused token is not spent.
SELECT locked FROM redline.status();
SET redline.session_token = :'staging';
\echo :LAST_ERROR_SQLSTATE
UPDATE accounts SET balance = 4 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE

-- redline.strong_auth_methods: the server may demand a strong method.
\c - postgres
ALTER SYSTEM SET redline.strong_auth_methods = 'fpt, face, hwk';
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
\set weak `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --amr pwd`
\set strong `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --amr hwk,user`
\c - alice
SELECT try_unlock(:'weak');
SELECT try_unlock(:'strong');
SELECT unlock_methods FROM redline.status();
\c - postgres
ALTER SYSTEM RESET redline.strong_auth_methods;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);

-- An unlock lasts until the token's exp, not longer.
\set short `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --ttl 2`
\c - alice
SELECT try_unlock(:'short');
UPDATE accounts SET balance = 5 WHERE id = 1;
SELECT pg_sleep(2.5);
UPDATE accounts SET balance = 6 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT locked FROM redline.status();
SELECT balance FROM accounts WHERE id = 1;

-- Unlocked in the middle of a transaction that already read: the rest of it may write.
\set mid `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
BEGIN;
SELECT count(*) FROM accounts;
SHOW transaction_read_only;
SELECT redline.unlock(:'mid') > now() AS unlocked;
SHOW transaction_read_only;
UPDATE accounts SET balance = 7 WHERE id = 1;
COMMIT;
SELECT balance FROM accounts WHERE id = 1;

-- set_config() presents a token too; a refused one fails the statement that presented it.
\set viaconfig `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT redline.lock();
SELECT set_config('redline.session_token', :'viaconfig', false) = '' AS reads_back_empty;
UPDATE accounts SET balance = 8 WHERE id = 1;
SELECT set_config('redline.session_token', :'viaconfig', false) = '' AS replayed;
\echo :LAST_ERROR_SQLSTATE
