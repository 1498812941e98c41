-- redline 0.1.0: the SQL interface. The guards themselves live in the preloaded library
-- and cover every database of the cluster, whether or not this extension is created.
\echo Use "CREATE EXTENSION redline" to load this file. \quit

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
    OUT expect_rows integer)
RETURNS record
AS 'MODULE_PATHNAME', 'redline_status'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

COMMENT ON FUNCTION status() IS
    'What redline enforces for this session: environment, colour, guards, row budget, stated count.';

GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT EXECUTE ON FUNCTION status() TO PUBLIC;
