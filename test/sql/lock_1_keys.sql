-- The write lock, 1: keys. Enrolment and revocation, cluster-wide, by superusers and
-- members of redline_admin only, also from a locked session.
-- Tokens are minted by the test helper ($REDLINE_TEST_TOKEN) with keys kept in
-- $REDLINE_TEST_KEYS; this suite's cluster exempts postgres and app_service.
\set SHOW_CONTEXT never
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
CREATE ROLE carol LOGIN;
CREATE ROLE app_service LOGIN;
GRANT redline_admin TO carol;
GRANT app_service TO alice;
CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric NOT NULL);
INSERT INTO accounts SELECT g, 'owner ' || g, 100 FROM generate_series(1, 20) g;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON accounts TO alice, bob, app_service;
CREATE SEQUENCE invoice_no;
GRANT USAGE, SELECT, UPDATE ON invoice_no TO alice, bob;
GRANT CREATE ON SCHEMA public TO alice;

-- Presents a token and reports the outcome, times replaced, so refusals can be compared.
CREATE FUNCTION try_unlock(token text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM redline.unlock(token);
    RETURN 'unlocked';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || regexp_replace(regexp_replace(regexp_replace(SQLERRM,
        '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z', '<time>', 'g'),
        'k4\.pid\.[A-Za-z0-9_-]+', '<kid>', 'g'),
        'this server is cluster [0-9]+', 'this server is cluster <cid>', 'g');
END
$$;

-- Runs a statement and reports the outcome with key ids and times replaced, so messages
-- that name a freshly generated key can be compared.
CREATE FUNCTION try_sql(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE statement INTO result;
    RETURN 'ok: ' || regexp_replace(coalesce(result, ''), 'k4\.pid\.[A-Za-z0-9_-]+', '<kid>', 'g');
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, 'k4\.pid\.[A-Za-z0-9_-]+', '<kid>', 'g');
END
$$;

\set alice_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/alice_laptop"`
\set alice_kid `"$REDLINE_TEST_TOKEN" kid "$REDLINE_TEST_KEYS/alice_laptop"`
\set alice_phone_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/alice_phone"`
\set alice_old_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/alice_old"`
\set alice_old_kid `"$REDLINE_TEST_TOKEN" kid "$REDLINE_TEST_KEYS/alice_old"`
\set bob_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/bob"`
\set spare_pub `"$REDLINE_TEST_TOKEN" keygen "$REDLINE_TEST_KEYS/never_enrolled"`
\set alice_secret `cat "$REDLINE_TEST_KEYS/alice_laptop"`

-- The key id is the key's PASERK k4.pid; several keys per role are normal.
SELECT redline.enroll_key('alice', :'alice_pub', 'laptop') = :'alice_kid' AS enrolled_as_its_pid;
SELECT redline.enroll_key('alice', :'alice_phone_pub', 'phone') LIKE 'k4.pid.%' AS enrolled;
SELECT redline.enroll_key('alice', :'alice_old_pub', 'old laptop') = :'alice_old_kid' AS enrolled;
-- Enrolling the same key again for the same role is harmless.
SET client_min_messages = warning;
SELECT redline.enroll_key('alice', :'alice_pub', 'laptop') = :'alice_kid' AS same_id;
RESET client_min_messages;
-- A key belongs to one person.
SELECT try_sql(format('SELECT redline.enroll_key(%L, %L, %L)', 'bob', :'alice_pub', 'borrowed'));
-- Only public keys, only existing roles, only short labels.
SELECT redline.enroll_key('bob', :'alice_secret', 'secret');
SELECT redline.enroll_key('bob', 'k4.public.short', 'laptop');
SELECT redline.enroll_key('nobody', :'bob_pub', 'laptop');
SELECT redline.enroll_key('bob', :'bob_pub', repeat('x', 121));
SELECT redline.enroll_key(NULL, :'bob_pub', 'laptop');

-- Revocation is immediate and final.
SELECT redline.revoke_key(:'alice_old_kid') AS revoked;
SET client_min_messages = warning;
SELECT try_sql(format('SELECT redline.revoke_key(%L)::text', :'alice_old_kid'));
RESET client_min_messages;
SELECT try_sql(format('SELECT redline.enroll_key(%L, %L, %L)', 'alice', :'alice_old_pub', 'old laptop again'));
SELECT redline.revoke_key('k4.pid.unknown');

-- Not for ordinary roles: EXECUTE is not granted, and the functions check themselves.
\c - alice
SELECT redline.enroll_key('alice', :'bob_pub', 'sneaky');
SELECT redline.revoke_key(:'alice_kid');
SELECT * FROM redline.keys;

-- A redline_admin who is not exempt works in a locked session: enrolling writes no table.
\c - carol
SELECT locked FROM redline.status();
SELECT redline.enroll_key('bob', :'bob_pub', 'bob laptop') LIKE 'k4.pid.%' AS enrolled_by_carol;
INSERT INTO accounts VALUES (99, 'carol', 0);
\echo :LAST_ERROR_SQLSTATE

\c - postgres
SELECT role, label, key_id = :'alice_kid' AS is_alice_laptop, public_key LIKE 'k4.public.%' AS public,
       created <= now() AS created, revoked IS NOT NULL AS revoked
  FROM redline.keys ORDER BY role, label;
-- Readable by redline_admin and redline_auditor members.
SELECT has_table_privilege('redline_auditor', 'redline.keys', 'SELECT') AS auditor_reads,
       has_table_privilege('alice', 'redline.keys', 'SELECT') AS alice_reads;

-- Keys are cluster-wide: the same list in every database.
SELECT current_database() AS regress_db \gset
CREATE DATABASE lock_other;
\c lock_other
CREATE EXTENSION redline;
SELECT role, label, revoked IS NOT NULL AS revoked FROM redline.keys ORDER BY role, label;
\c :regress_db
DROP DATABASE lock_other;

-- A database that has redline 0.1.0 updates in place to the write lock's interface.
CREATE DATABASE lock_upgrade;
\c lock_upgrade
CREATE EXTENSION redline VERSION '0.1.0';
ALTER EXTENSION redline UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'redline';
SELECT require_token, locked, exempt FROM redline.status();
SELECT count(*) > 0 AS keys_visible FROM redline.keys;
\c :regress_db
DROP DATABASE lock_upgrade;
