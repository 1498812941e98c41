-- ALTER that knows its lock (rules 3 and 10): a rewrite or scan of a table larger than
-- redline.max_rewrite_size (1MB in this suite's cluster) needs an approval of op "rewrite";
-- the refusal gives the lock, the size, an estimate and the safe pattern. DDL runs under
-- redline.ddl_lock_timeout (tested with two sessions in test/t/).
\set SHOW_CONTEXT never
SHOW redline.max_rewrite_size;
SHOW redline.ddl_lock_timeout;
\c - alice
CREATE TABLE big (id int PRIMARY KEY, v int, note text);
INSERT INTO big SELECT g, g, repeat('x', 100) FROM generate_series(1, 30000) g;
CREATE TABLE small (id int PRIMARY KEY, v int);

-- The classification, without running anything.
SELECT statement, relation, lock, rewrites, scans, size, needs_approval, safe_pattern IS NOT NULL AS has_advice
  FROM redline.explain_ddl($$
    ALTER TABLE big ALTER COLUMN v TYPE bigint;
    ALTER TABLE big ALTER COLUMN note TYPE varchar(200);
    ALTER TABLE big ALTER COLUMN note TYPE text;
    ALTER TABLE big ADD COLUMN flag boolean DEFAULT false;
    ALTER TABLE big ADD COLUMN stamp timestamptz DEFAULT now();
    ALTER TABLE big ADD COLUMN token uuid DEFAULT gen_random_uuid();
    ALTER TABLE big ADD COLUMN seq serial;
    ALTER TABLE big ADD CONSTRAINT v_positive CHECK (v > 0);
    ALTER TABLE big ADD CONSTRAINT v_positive CHECK (v > 0) NOT VALID;
    ALTER TABLE big VALIDATE CONSTRAINT v_positive;
    ALTER TABLE big ALTER COLUMN v SET NOT NULL;
    ALTER TABLE big SET UNLOGGED;
    ALTER TABLE big DROP COLUMN note;
    CREATE INDEX ON big (v);
    CREATE INDEX CONCURRENTLY ON big (v);
    ALTER TABLE small ALTER COLUMN v TYPE bigint;
    SELECT 1
  $$);

-- Refused above the limit, with what it would cost and the safe way.
ALTER TABLE big ALTER COLUMN v TYPE bigint;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE big ADD CONSTRAINT v_positive CHECK (v > 0);
ALTER TABLE big ALTER COLUMN v SET NOT NULL;
CREATE INDEX big_v ON big (v);
\set VERBOSITY terse
ALTER TABLE big ADD COLUMN token uuid DEFAULT gen_random_uuid();
-- The safe patterns pass, and so does the same change on a small table.
ALTER TABLE big ADD CONSTRAINT v_positive CHECK (v > 0) NOT VALID;
ALTER TABLE big VALIDATE CONSTRAINT v_positive;
ALTER TABLE big ADD COLUMN flag boolean DEFAULT false;
CREATE INDEX CONCURRENTLY big_v ON big (v);
ALTER TABLE small ALTER COLUMN v TYPE bigint;
-- An approval of op "rewrite" on the table lets the rewrite through, once.
\set rw `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op rewrite --obj public.big`
SET redline.approval_token = :'rw';
ALTER TABLE big ALTER COLUMN v TYPE bigint;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'big'::regclass AND attname = 'v';
ALTER TABLE big ALTER COLUMN v TYPE int;
RESET redline.approval_token;
SELECT count(*) AS rows_intact FROM big;
