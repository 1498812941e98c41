-- The recycle bin (redline.recycle_bin, on in production): an approved DROP TABLE moves the
-- table aside with its data, indexes, constraints and sequences; redline.restore() puts it
-- back exactly; an approved DROP COLUMN keeps the column's values with the primary key.
\set SHOW_CONTEXT never
SHOW redline.recycle_bin;
-- Reports a restore's outcome with the bin's time stamps replaced, so messages can be compared.
CREATE FUNCTION try_restore(bin text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    msg text;
    hint text;
BEGIN
    RETURN 'restored ' || redline.restore(bin);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || regexp_replace(msg || ' HINT: ' || hint, '__[0-9]+', '__<time>', 'g');
END
$$;
\c - alice
CREATE TABLE invoices (id serial PRIMARY KEY, customer text NOT NULL, amount numeric CHECK (amount >= 0));
CREATE INDEX invoices_customer ON invoices (customer);
INSERT INTO invoices (customer, amount) SELECT 'customer ' || (g % 50), g FROM generate_series(1, 1000) g;
SELECT md5(string_agg(id || ':' || customer || ':' || amount, ',' ORDER BY id)) AS before_drop FROM invoices \gset

\set drop_ok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op drop_table --obj public.invoices`
SET redline.approval_token = :'drop_ok';
SET client_min_messages = warning;
DROP TABLE invoices;
RESET client_min_messages;
SELECT to_regclass('public.invoices') IS NULL AS gone_from_public;
SELECT regexp_replace(name, '__[0-9]+$', '__<time>') AS name, kind, original, dropped_by, size_bytes > 0 AS has_data
  FROM redline.recycle_bin;
SELECT name AS bin FROM redline.recycle_bin WHERE original = 'public.invoices' \gset

-- Restored under its old name: same rows, same indexes and constraints, its sequence.
SELECT redline.restore(:'bin');
SELECT md5(string_agg(id || ':' || customer || ':' || amount, ',' ORDER BY id)) = :'before_drop' AS same_rows FROM invoices;
SELECT indexname FROM pg_indexes WHERE tablename = 'invoices' ORDER BY indexname;
SELECT conname FROM pg_constraint WHERE conrelid = 'public.invoices'::regclass ORDER BY conname;
INSERT INTO invoices (customer, amount) VALUES ('new', 1) RETURNING id;
SELECT count(*) AS bin_entries FROM redline.recycle_bin;
\set VERBOSITY terse
INSERT INTO invoices (customer, amount) VALUES ('bad', -1);
\set VERBOSITY default

-- Refused, clearly, when the old name is taken again.
\set drop_again `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op drop_table --obj public.invoices`
SET redline.approval_token = :'drop_again';
SET client_min_messages = warning;
DROP TABLE invoices;
RESET client_min_messages;
SELECT name AS bin FROM redline.recycle_bin WHERE original = 'public.invoices' \gset
CREATE TABLE invoices (id int);
SELECT try_restore(:'bin');
ALTER TABLE invoices RENAME TO invoices_newer;
SELECT try_restore(:'bin');
SELECT try_restore('no_such_thing');

-- A table others depend on is not moved: DROP without CASCADE refuses as PostgreSQL does.
CREATE VIEW big_invoices AS SELECT * FROM invoices WHERE amount > 900;
\set drop_dep `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op drop_table --obj public.invoices`
SET redline.approval_token = :'drop_dep';
DROP TABLE invoices;
DROP VIEW big_invoices;

-- DROP COLUMN keeps the values, keyed by the primary key.
\set col `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub alice --scope approve --op drop_column --obj public.invoices.customer`
SET redline.approval_token = :'col';
ALTER TABLE invoices DROP COLUMN customer;
SELECT regexp_replace(name, '__[0-9]+$', '__<time>') AS name, kind, original FROM redline.recycle_bin ORDER BY kind;
SELECT name AS colbin FROM redline.recycle_bin WHERE kind = 'column' \gset
\c - postgres
SELECT count(*) AS kept_values, count(DISTINCT id) AS keys FROM redline_recycle.:"colbin";
SELECT customer FROM redline_recycle.:"colbin" WHERE id = 7;
\c - alice
SELECT try_restore(:'colbin');
-- An unapproved DROP COLUMN keeps nothing: the whole statement is refused and rolled back.
\set VERBOSITY terse
ALTER TABLE invoices DROP COLUMN amount;
\set VERBOSITY default
SELECT count(*) AS entries FROM redline.recycle_bin;

-- Purging is itself protected: each table in the bin needs its drop_table approval.
\c - postgres
DO $$
BEGIN
    PERFORM redline.purge_recycle_bin('0 seconds');
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, '__[0-9]+', '__<time>', 'g');
END
$$;
SELECT count(*) AS still_in_bin FROM redline.recycle_bin;
SELECT 'redline_recycle.' || :'colbin' AS purge_obj \gset
\set purge_ok `"$REDLINE_TEST_TOKEN" mint "$REDLINE_TEST_KEYS/bob" --sub postgres --scope approve --op drop_table --obj :'purge_obj'`
SET redline.approval_token = :'purge_ok';
SELECT redline.purge_recycle_bin('0 seconds') AS purged;
SELECT count(*) AS left_in_bin FROM redline.recycle_bin;
