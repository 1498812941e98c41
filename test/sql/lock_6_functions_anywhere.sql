-- The write lock, 6: a function is judged wherever it runs, not only in the executor: a
-- PL/pgSQL assignment, a CALL argument, an EXECUTE parameter, a column default that COPY or
-- ALTER TABLE evaluates, an index written by a function. A temporary-table statement let
-- past PostgreSQL's read-only check opens nothing permanent. An unlock ends at the token's
-- expiry, also in the middle of a procedure.
\set SHOW_CONTEXT never
CREATE TABLE brin_rows (id int);
CREATE INDEX brin_rows_idx ON brin_rows USING brin (id);
GRANT SELECT ON brin_rows TO alice;
CREATE TABLE ticks (n int, at timestamptz DEFAULT clock_timestamp());
GRANT SELECT, INSERT ON ticks TO alice;
CREATE PROCEDURE take_number(n bigint) LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'got %', n; END $$;
CREATE PROCEDURE tick_until_refused(rounds int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..rounds LOOP
        INSERT INTO ticks (n) VALUES (i);
        COMMIT;
        PERFORM pg_sleep(0.5);
    END LOOP;
END
$$;
GRANT EXECUTE ON PROCEDURE take_number(bigint), tick_until_refused(int) TO alice;
CREATE DOMAIN numbered AS bigint CHECK (VALUE < nextval('invoice_no'));
SELECT last_value AS invoice_before FROM invoice_no \gset

\c - alice
\set VERBOSITY terse
-- A PL/pgSQL assignment never reaches the executor.
DO $$ DECLARE v bigint; BEGIN v := nextval('invoice_no'); END $$;
\echo :LAST_ERROR_SQLSTATE
DO $$ DECLARE v bigint; BEGIN v := setval('invoice_no', 500); END $$;
DO $$ BEGIN IF nextval('invoice_no') > 0 THEN NULL; END IF; END $$;
-- Arguments evaluated by CALL and EXECUTE.
CALL take_number(nextval('invoice_no'));
\echo :LAST_ERROR_SQLSTATE
PREPARE show_number(bigint) AS SELECT $1;
EXECUTE show_number(nextval('invoice_no'));
\echo :LAST_ERROR_SQLSTATE
-- A temporary table whose default moves a permanent sequence, filled by COPY or given a
-- new column by ALTER TABLE.
CREATE TEMP TABLE scratch (id bigint DEFAULT nextval('invoice_no'), note text);
COPY scratch (note) FROM stdin;
one
\.
\echo :LAST_ERROR_SQLSTATE
INSERT INTO scratch (note) VALUES ('two');
CREATE TEMP TABLE scratch2 (note text);
INSERT INTO scratch2 VALUES ('a'), ('b');
ALTER TABLE scratch2 ADD COLUMN id bigint DEFAULT nextval('invoice_no');
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE scratch3 AS SELECT nextval('invoice_no') AS id;
-- A temporary sequence is the session's own: allowed, also as a new serial column.
CREATE TEMP SEQUENCE my_seq;
DO $$ DECLARE v bigint; BEGIN v := nextval('my_seq'); END $$;
ALTER TABLE scratch2 ADD COLUMN n serial;
SELECT note, n FROM scratch2 ORDER BY n;
CREATE TEMP TABLE scratch4 (id int GENERATED ALWAYS AS IDENTITY, note text);
COPY scratch4 (note) FROM stdin;
three
\.
SELECT * FROM scratch4;
-- Index writes by function.
SELECT brin_summarize_new_values('brin_rows_idx');
\echo :LAST_ERROR_SQLSTATE
SELECT brin_summarize_range('brin_rows_idx', 0);
SELECT brin_desummarize_range('brin_rows_idx', 0);
-- More paths to a function: a query feeding COPY TO, a domain's check on a cast, a
-- temporary table's column of that domain, a cursor.
COPY (SELECT nextval('invoice_no')) TO STDOUT;
SELECT 1::numbered;
CREATE TEMP TABLE scratch5 (n numbered);
INSERT INTO scratch5 VALUES (1);
BEGIN;
DECLARE c CURSOR FOR SELECT nextval('invoice_no');
FETCH c;
ROLLBACK;
\c - postgres
SELECT last_value = :invoice_before AS sequence_unmoved FROM invoice_no;

-- A procedure that commits in a loop stops writing when its token expires.
\set tok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/alice_laptop" --sub alice --ttl 2`
\c - alice
\set VERBOSITY terse
SELECT redline.unlock(:'tok') > now() AS unlocked;
CALL tick_until_refused(10);
\echo :LAST_ERROR_SQLSTATE
\c - postgres
SELECT count(*) BETWEEN 2 AND 5 AS ticks_before_expiry FROM ticks;
SELECT max(at) - min(at) < interval '3 s' AS none_after_expiry FROM ticks;
