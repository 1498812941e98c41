-- redline 0.1.0 -> 0.2.0: the write lock (unlock, lock, keys) and a wider status().
\echo Use "ALTER EXTENSION redline UPDATE TO '0.2.0'" to load this file. \quit

DROP FUNCTION status();

-- Roles are cluster-wide: created by the first CREATE EXTENSION, kept by DROP EXTENSION.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'redline_admin') THEN
        CREATE ROLE redline_admin NOLOGIN;
        COMMENT ON ROLE redline_admin IS 'redline: enrols and revokes keys';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'redline_approver') THEN
        CREATE ROLE redline_approver NOLOGIN;
        COMMENT ON ROLE redline_approver IS 'redline: may sign approvals of destructive operations';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'redline_auditor') THEN
        CREATE ROLE redline_auditor NOLOGIN;
        COMMENT ON ROLE redline_auditor IS 'redline: reads the audit log and the enrolled keys';
    END IF;
END
$roles$;

CREATE FUNCTION status(
    OUT version text,
    OUT environment text,
    OUT color text,
    OUT enforcing boolean,
    OUT cluster_id text,
    OUT login_role text,
    OUT exempt boolean,
    OUT require_where boolean,
    OUT max_rows integer,
    OUT expect_rows integer,
    OUT require_token text,
    OUT locked boolean,
    OUT unlocked_until timestamptz,
    OUT unlock_key_id text,
    OUT unlock_methods text,
    OUT strong_auth_methods text)
RETURNS record
AS 'MODULE_PATHNAME', 'redline_status'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

COMMENT ON FUNCTION status() IS
    'What redline enforces for this session: environment, colour, guards, row budget, write lock and what unlocked it.';

CREATE FUNCTION unlock(token text)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'redline_unlock'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION unlock(text) IS
    'Presents a session token (redline token PROFILE): unlocks writes until the token expires. Each token works once.';

CREATE FUNCTION lock()
RETURNS void
AS 'MODULE_PATHNAME', 'redline_lock'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION lock() IS 'Makes this session read-only again, before its token expires.';

CREATE FUNCTION enroll_key(role text, public_key text, label text DEFAULT '')
RETURNS text
AS 'MODULE_PATHNAME', 'redline_enroll_key'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION enroll_key(text, text, text) IS
    'Enrols a PASERK k4.public key (redline keygen) for a login role, cluster-wide; returns its key id (k4.pid).';

CREATE FUNCTION revoke_key(key_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'redline_revoke_key'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION revoke_key(text) IS 'Revokes an enrolled key, cluster-wide: its tokens are refused from now on.';

CREATE FUNCTION key_list(
    OUT key_id text,
    OUT role text,
    OUT public_key text,
    OUT label text,
    OUT created timestamptz,
    OUT revoked timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'redline_keys'
LANGUAGE C STABLE PARALLEL RESTRICTED;

CREATE VIEW keys AS SELECT * FROM key_list();

COMMENT ON VIEW keys IS
    'Keys enrolled in this cluster (the same in every database): key id, role, public key, label, created, revoked.';

GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT EXECUTE ON FUNCTION status(), unlock(text), lock() TO PUBLIC;
REVOKE ALL ON FUNCTION enroll_key(text, text, text), revoke_key(text), key_list() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enroll_key(text, text, text), revoke_key(text) TO redline_admin;
GRANT EXECUTE ON FUNCTION key_list() TO redline_admin, redline_auditor;
GRANT SELECT ON keys TO redline_admin, redline_auditor;
