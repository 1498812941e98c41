-- The audit log stands alone (rule 8): no statement makes redline.audit_log a parent, child
-- or partition of another table, either way, however it names it, nor renames its schema;
-- verify_audit() reads ONLY the log with the search path pinned, so a table linked to it or
-- a function put on the path takes no part in what it says.
\set VERBOSITY terse
SELECT coalesce(max(id), 0) AS mark FROM ONLY redline.audit_log \gset
CREATE TABLE links_forged (LIKE redline.audit_log);
CREATE TABLE links_parent (LIKE redline.audit_log) PARTITION BY RANGE (id);
CREATE FOREIGN DATA WRAPPER links_fdw;
CREATE SERVER links_server FOREIGN DATA WRAPPER links_fdw;
CREATE FOREIGN TABLE links_foreign (id bigint) SERVER links_server;

-- A child of the log.
ALTER TABLE links_forged INHERIT redline.audit_log;
CREATE TABLE links_child () INHERITS (redline.audit_log);
CREATE TABLE links_child2 () INHERITS (links_forged, redline.audit_log);
CREATE TABLE links_part PARTITION OF redline.audit_log DEFAULT;
ALTER TABLE redline.audit_log ATTACH PARTITION links_parent DEFAULT;
CREATE FOREIGN TABLE links_ft () INHERITS (redline.audit_log) SERVER links_server;
CREATE FOREIGN TABLE links_ft2 PARTITION OF redline.audit_log DEFAULT SERVER links_server;
ALTER FOREIGN TABLE links_foreign INHERIT redline.audit_log;
-- A parent of the log.
ALTER TABLE redline.audit_log INHERIT links_forged;
ALTER TABLE links_parent ATTACH PARTITION redline.audit_log DEFAULT;
-- Undoing a link is refused too: with redline enforcing, no link exists to undo.
ALTER TABLE links_forged NO INHERIT redline.audit_log;
ALTER TABLE links_parent DETACH PARTITION redline.audit_log;
ALTER TABLE redline.audit_log DETACH PARTITION links_parent;
ALTER TABLE redline.audit_log DETACH PARTITION links_parent FINALIZE;
-- However it is reached: inside CREATE SCHEMA, from a function, through the search path.
CREATE SCHEMA links_schema CREATE TABLE hidden () INHERITS (redline.audit_log);
DO $$ BEGIN EXECUTE 'ALTER TABLE links_forged INHERIT redline.audit_log'; END $$;
SET search_path = redline, public;
ALTER TABLE links_forged INHERIT audit_log;
RESET search_path;
-- Its schema keeps its name: renamed, the real log would be unguarded under another name.
ALTER SCHEMA redline RENAME TO redline_old;
-- What the hint proposes works: a copy that is not linked.
CREATE TABLE links_copy (LIKE redline.audit_log);
INSERT INTO links_copy SELECT * FROM ONLY redline.audit_log WHERE id > :mark;
SELECT count(*) AS links FROM pg_inherits WHERE 'redline.audit_log'::regclass IN (inhrelid, inhparent);
SELECT to_regclass('links_child') AS links_child, to_regnamespace('links_schema') AS links_schema,
       to_regnamespace('redline_old') AS redline_old;
-- Every refusal is recorded.
SELECT sqlstate, statement FROM ONLY redline.audit_log
 WHERE id > :mark AND event = 'refused' ORDER BY id;

-- A link that no DDL made: a superuser writes pg_inherits directly. A plain SELECT then
-- shows the child's forged row; verify_audit() walks only the log's own rows and reports
-- the link itself.
INSERT INTO links_forged SELECT * FROM ONLY redline.audit_log WHERE event <> 'seal' ORDER BY id DESC LIMIT 1;
UPDATE links_forged SET statement = 'forged' WHERE id > 0;
BEGIN;
INSERT INTO pg_inherits VALUES ('links_forged'::regclass, 'redline.audit_log'::regclass, 1, false);
UPDATE pg_class SET relhassubclass = true WHERE oid = 'redline.audit_log'::regclass;
SELECT count(*) AS forged_rows_in_a_plain_select FROM redline.audit_log WHERE statement = 'forged';
SELECT ok, first_bad_id, problem, detail FROM redline.verify_audit();
ROLLBACK;
-- The other way: the log made a child of a parent. Statements on the parent that reach its
-- children are refused, as on the log itself; those that do not reach them are not.
BEGIN;
INSERT INTO pg_inherits VALUES ('redline.audit_log'::regclass, 'links_forged'::regclass, 1, false);
UPDATE pg_class SET relhassubclass = true WHERE oid = 'links_forged'::regclass;
SELECT problem, detail FROM redline.verify_audit();
SAVEPOINT s;
TRUNCATE links_forged;
ROLLBACK TO s;
DELETE FROM links_forged WHERE id > 0;
ROLLBACK TO s;
UPDATE links_forged SET statement = 'x' WHERE id > 0;
ROLLBACK TO s;
ALTER TABLE links_forged ADD COLUMN note text;
ROLLBACK TO s;
ALTER TABLE links_forged RENAME COLUMN statement TO stmt;
ROLLBACK TO s;
LOCK TABLE links_forged IN ACCESS EXCLUSIVE MODE;
ROLLBACK TO s;
CREATE TRIGGER links_trigger BEFORE INSERT ON links_forged FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
ROLLBACK TO s;
TRUNCATE ONLY links_forged;
DELETE FROM ONLY links_forged WHERE id > 0;
LOCK TABLE ONLY links_forged IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
SELECT count(*) AS links FROM pg_inherits WHERE 'redline.audit_log'::regclass IN (inhrelid, inhparent);

-- A function of a built-in's name first on the search path (ALTER ROLE ... SET search_path
-- would put it there for an auditor) does not answer for the built-in.
SELECT count(*) > 0 AS has_seals FROM ONLY redline.audit_log WHERE event = 'seal';
CREATE SCHEMA links_evil;
CREATE FUNCTION links_evil.encode(bytea, text) RETURNS text LANGUAGE sql AS $$ SELECT 'forged' $$;
SET search_path = links_evil, pg_catalog, public;
SELECT ok, problem FROM redline.verify_audit();
RESET search_path;

DROP SCHEMA links_evil CASCADE;
DROP TABLE links_forged, links_parent, links_copy;
DROP FOREIGN TABLE links_foreign;
DROP SERVER links_server;
DROP FOREIGN DATA WRAPPER links_fdw;
