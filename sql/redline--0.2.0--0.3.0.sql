-- redline 0.2.0 -> 0.3.0: the audit log (rule 8).
\echo Use "ALTER EXTENSION redline UPDATE TO '0.3.0'" to load this file. \quit

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
