-- The write lock, 8: a token the server was shown is masked wherever it can be read back,
-- and unless the statement that showed it used it, it is spent: mistyped, split, or sent in
-- a statement that failed or only looked at it, it never unlocks afterwards.
\set SHOW_CONTEXT never
\set VERBOSITY terse
\c - alice
SELECT locked FROM redline.status();

-- Mistyped prefixes are refused, masked in current_query() and pg_stat_activity, and spend
-- the token: corrected, it is refused as used.
\set body `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | cut -c11-`
\set typo 'V4.PUBLIC.' :body
\set tok 'v4.public.' :body
SELECT try_unlock(:'typo') AS upper_case,
       strpos(current_query(), :'body') = 0 AS not_in_current_query,
       current_query() LIKE '%V4.PUBLIC.xxxx%' AS masked,
       (SELECT strpos(query, :'body') = 0 FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS not_in_pg_stat_activity;
SELECT try_unlock(:'tok') AS corrected;
\set body `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | cut -c11-`
\set typo 'v4. public. ' :body
\set tok 'v4.public.' :body
SELECT try_unlock(:'typo') AS spaced;
SELECT try_unlock(:'tok') AS corrected;
\set body `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | cut -c11-`
\set typo 'v4.local.' :body
\set tok 'v4.public.' :body
SELECT try_unlock(:'typo') AS local_purpose;
SELECT try_unlock(:'tok') AS corrected;

-- The same through the setting, and through set_config() with the token split in two.
\set body `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | cut -c11-`
\set typo 'v4.Public.' :body
\set tok 'v4.public.' :body
SET redline.session_token = :'typo';
SET redline.session_token = :'tok';
\set body `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | cut -c11-`
\set tok 'v4.public.' :body
SELECT set_config('redline.session_token', 'V4.PUBLIC.' || :'body', false);
SELECT set_config('redline.session_token', 'v4.public.' || :'body', false);
SELECT locked FROM redline.status();

-- A statement that fails to parse never ran, yet it showed the token.
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT FROM FROM redline.unlock(:'tok');
SELECT try_unlock(:'tok') AS after_syntax_error;

-- A statement that only looks at a token shows it too, also inside a transaction.
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT length(:'tok') > 100 AS looked_at;
SELECT try_unlock(:'tok') AS after_looking;
-- A token a function prints to the server log is shown too (the statement carries it
-- reversed, which looks like no token).
\set rev `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | tee "$REDLINE_TEST_KEYS/printed" | cut -c11- | rev`
\set tok `cat "$REDLINE_TEST_KEYS/printed"`
SET exposure.rev = :'rev';
DO $$ BEGIN RAISE LOG 'printed: v4.public.%', reverse(current_setting('exposure.rev')); END $$;
RESET exposure.rev;
SELECT try_unlock(:'tok') AS after_printing;
\set body `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | cut -c11-`
\set tok 'v4.public.' :body
BEGIN;
SELECT strpos('v4 .public.' || :'body', 'x') >= 0 AS looked_at;
SELECT try_unlock(:'tok') AS same_transaction;
ROLLBACK;
SELECT locked FROM redline.status();

-- A token the statement uses is spent by that use only: each way of presenting one still
-- unlocks, also from a later statement of the same string.
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT redline.unlock(:'tok') > now() AS unlocked;
SELECT redline.lock();
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SET redline.session_token = :'tok';
SELECT locked FROM redline.status();
SELECT redline.lock();
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT set_config('redline.session_token', :'tok', false) = '' AS presented;
SELECT locked FROM redline.status();
SELECT redline.lock();
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
SELECT 1 AS first \; SELECT redline.unlock(:'tok') > now() AS unlocked_by_second;
SELECT redline.lock();
\set body `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice | cut -c11-`
SELECT redline.unlock('v4.public.' || :'body') > now() AS unlocked_by_concatenation;
SELECT redline.lock();
-- A prepared statement keeps its token for when it runs (then it is that statement's use).
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice`
PREPARE unlock_later AS SELECT redline.unlock(:'tok') > now() AS unlocked_by_prepared;
SELECT 1 AS meanwhile;
EXECUTE unlock_later;
SELECT redline.lock();
EXECUTE unlock_later;
DEALLOCATE unlock_later;

-- Nothing of any of these tokens reached the audit log.
\c - postgres
SELECT count(*) > 0 AS refusals_recorded FROM redline.audit_log WHERE session_role = 'alice' AND decision = 'refused';
SELECT count(*) AS token_bodies_in_audit FROM redline.audit_log
 WHERE concat(statement, reason) ~ 'eyJ[A-Za-z0-9_-]{29}'
    OR concat(statement, reason) ~* 'v[0-9]\s*\.\s*(public|local)\s*\.\s*[A-WYZa-wyz0-9_-]';
