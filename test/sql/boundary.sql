-- The C++ boundary: an exception thrown inside a hook becomes a clean ERROR (RL000), a
-- PostgreSQL error inside a C++ region keeps its SQLSTATE and unwinds C++ frames, and the
-- backend and its transaction state survive both.
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.boundary_selftest() RETURNS text
    AS 'redline', 'redline_boundary_selftest' LANGUAGE C;
CREATE FUNCTION pg_temp.boundary_fault(text) RETURNS void
    AS 'redline', 'redline_boundary_fault' LANGUAGE C;
SELECT pg_temp.boundary_selftest();

SELECT pg_backend_pid() AS pid \gset
SELECT pg_temp.boundary_fault('cpp_exception');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.boundary_fault('pg_error');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_backend_pid() = :pid AS same_backend, 1 AS survived;

-- inside a transaction: the error aborts it, ROLLBACK cleans up, nothing leaks
BEGIN;
CREATE TABLE boundary_probe (x int);
INSERT INTO boundary_probe VALUES (1);
SELECT pg_temp.boundary_fault('cpp_exception');
SELECT 1 AS aborted;
ROLLBACK;
SELECT to_regclass('boundary_probe') IS NULL AS rolled_back;

-- in a subtransaction: the savepoint recovers, the outer transaction goes on
BEGIN;
CREATE TABLE boundary_probe (x int);
SAVEPOINT s;
SELECT pg_temp.boundary_fault('pg_error');
ROLLBACK TO SAVEPOINT s;
INSERT INTO boundary_probe VALUES (2);
COMMIT;
SELECT * FROM boundary_probe;
DROP TABLE boundary_probe;
SELECT pg_temp.boundary_selftest();
