-- redline 0.3.0: the SQL interface. The guards themselves live in the preloaded library
-- and cover every database of the cluster, whether or not this extension is created.
\echo Use "CREATE EXTENSION redline" to load this file. \quit

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

-- The recycle bin: tables an approved DROP TABLE moved aside, and copies of dropped columns.
CREATE SCHEMA redline_recycle;
REVOKE ALL ON SCHEMA redline_recycle FROM PUBLIC;
COMMENT ON SCHEMA redline_recycle IS 'redline: tables removed by an approved DROP TABLE, and values of dropped columns';

CREATE TABLE recycled (
    bin_name name PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('table', 'column')),
    original_schema name NOT NULL,
    original_name name NOT NULL,
    column_name name,
    dropped_at timestamptz NOT NULL DEFAULT now(),
    dropped_by name NOT NULL
);
REVOKE ALL ON recycled FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('recycled', '');

CREATE VIEW recycle_bin AS
SELECT r.bin_name AS name,
       r.kind,
       pg_catalog.quote_ident(r.original_schema) || '.' || pg_catalog.quote_ident(r.original_name)
           || coalesce('.' || pg_catalog.quote_ident(r.column_name), '') AS original,
       r.dropped_at,
       r.dropped_by,
       pg_catalog.pg_total_relation_size(c.oid) AS size_bytes,
       pg_catalog.pg_size_pretty(pg_catalog.pg_total_relation_size(c.oid)) AS size
  FROM @extschema@.recycled r
  LEFT JOIN pg_catalog.pg_class c
    ON c.relname = r.bin_name AND c.relnamespace = 'redline_recycle'::regnamespace;

COMMENT ON VIEW recycle_bin IS
    'What the recycle bin holds: its name there, table or column, the original name, when, by whom, size.';

CREATE FUNCTION restore(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'redline_restore'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION restore(text) IS
    'Puts a table from the recycle bin back under its old name (refused if that name is taken); returns the name.';

CREATE FUNCTION purge_recycle_bin(older_than interval)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $purge$
DECLARE
    entry record;
    purged integer := 0;
BEGIN
    FOR entry IN SELECT bin_name FROM @extschema@.recycled WHERE dropped_at < now() - older_than ORDER BY dropped_at LOOP
        -- Each DROP needs its approval (drop_table of redline_recycle.<name>), like any other.
        EXECUTE format('DROP TABLE redline_recycle.%I', entry.bin_name);
        DELETE FROM @extschema@.recycled WHERE bin_name = entry.bin_name;
        purged := purged + 1;
    END LOOP;
    RETURN purged;
END
$purge$;

COMMENT ON FUNCTION purge_recycle_bin(interval) IS
    'Destroys what the recycle bin has held longer than older_than; each table needs its drop_table approval.';

GRANT SELECT ON recycle_bin TO PUBLIC;
GRANT EXECUTE ON FUNCTION restore(text) TO PUBLIC;
REVOKE ALL ON FUNCTION purge_recycle_bin(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_recycle_bin(interval) TO redline_admin;

CREATE FUNCTION explain_ddl(sql text,
    OUT statement text,
    OUT relation text,
    OUT lock text,
    OUT rewrites boolean,
    OUT scans boolean,
    OUT size_bytes bigint,
    OUT size text,
    OUT estimated_seconds double precision,
    OUT needs_approval boolean,
    OUT safe_pattern text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'redline_explain_ddl'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION explain_ddl(text) IS
    'How redline classifies each statement of a DDL script (lock, rewrite, scan, size, estimate), without running it.';
GRANT EXECUTE ON FUNCTION explain_ddl(text) TO PUBLIC;

-- The audit log (rule 8). Rows are written by redline alone: in the same transaction as the
-- write or DDL they describe, or by redline's audit writer for events that must outlive a
-- rollback (refusals, failed logins, rolled-back attempts, connections, unlocks). Every row
-- is chained to the previous row of its lane by SHA-256; redline.verify_audit() re-walks
-- the chains. UPDATE, DELETE, TRUNCATE, ALTER and DROP of this table are refused for every
-- role while redline is enforcing.
CREATE TABLE audit_log (
    id               bigint      NOT NULL,
    at               timestamptz NOT NULL,
    event            text        NOT NULL,
    session_role     text,
    effective_role   text,
    database         text,
    client_addr      text,
    application_name text,
    backend_pid      integer,
    environment      text,
    statement        text,
    objects          text[],
    rows             bigint,
    key_id           text,
    amr              text,
    decision         text        NOT NULL,
    reason           text,
    sqlstate         text,
    xid              xid8,
    lane             bigint      NOT NULL,
    lane_seq         bigint      NOT NULL,
    prev_id          bigint,
    hash             bytea       NOT NULL
);
-- No index: every index is paid by every audited write, and an index on an ever-growing id
-- makes concurrent writers queue on its last page. Ids are unique and follow time; an
-- auditor who looks rows up often may add one (CREATE INDEX is allowed).
COMMENT ON TABLE audit_log IS 'redline: append-only, hash-chained audit of connections, writes, DDL and refusals';
-- Not a configuration table: pg_dump leaves its rows out, so that a restore (which would
-- have to INSERT them, refused) works; pg_upgrade keeps them. Archive them with redline audit
-- --format json, or COPY (SELECT * FROM redline.audit_log) TO ...
REVOKE ALL ON audit_log FROM PUBLIC;
GRANT SELECT ON audit_log TO redline_auditor;

CREATE FUNCTION verify_audit(
    OUT ok boolean,
    OUT rows_checked bigint,
    OUT lanes_checked bigint,
    OUT first_bad_id bigint,
    OUT problem text,
    OUT detail text)
RETURNS record
AS 'MODULE_PATHNAME', 'redline_verify_audit'
LANGUAGE C STRICT;
REVOKE ALL ON FUNCTION verify_audit() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION verify_audit() TO redline_auditor;
