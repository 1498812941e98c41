// The recycle bin. Moving a table is two catalog updates (rename, set schema) done as the
// bootstrap superuser, since people have no rights on redline_recycle; whether the person may
// drop the table at all (ownership, approval) is decided first, as their own role.
#include "recycle_bin.hpp"
#include "approvals.hpp"
#include "boundary.hpp"
#include "protected_ops.hpp"
#include "refusal_pg.hpp"
#include "session_lock.hpp"
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

PGDLLEXPORT Datum redline_restore(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_restore);
}

#include <ctime>

namespace redline::recycle_bin {

// Runs SQL as the bootstrap superuser inside an SPI connection the caller opened.
void run_as_owner(const char *sql, int expected)
{
    Oid saved_user;
    int saved_context;
    GetUserIdAndSecContext(&saved_user, &saved_context);
    SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID, saved_context | SECURITY_LOCAL_USERID_CHANGE);
    PG_TRY();
    {
        int rc = SPI_execute(sql, false, 0);
        if (rc != expected)
            elog(ERROR, "redline: recycle bin statement failed (%d): %s", rc, sql);
    }
    PG_FINALLY();
    {
        SetUserIdAndSecContext(saved_user, saved_context);
    }
    PG_END_TRY();
}

namespace {

constexpr const char *bin_schema = "redline_recycle";
constexpr int max_kept = 16;
char kept[max_kept][3 * NAMEDATALEN + 8];
int nkept = 0;

bool bin_ready()
{
    return settings::recycle_bin() && OidIsValid(get_extension_oid("redline", true)) &&
           OidIsValid(get_namespace_oid(bin_schema, true));
}

// Whether anything outside the table itself depends on it (a view, another table's foreign
// key): then DROP without CASCADE refuses, and the bin leaves that refusal to PostgreSQL.
bool has_dependents(Oid relid)
{
    // The table's own parts (indexes, constraints, defaults, triggers, rules, policies,
    // statistics) move with it; anything else depending on it stays behind.
    char *sql = psprintf(
        "SELECT 1 FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_class'::regclass "
        "AND d.refobjid = %u AND d.deptype = 'n' "
        "AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND (d.objid = %u OR EXISTS (SELECT 1 FROM "
        "pg_catalog.pg_index i WHERE i.indexrelid = d.objid AND i.indrelid = %u))) "
        "AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint "
        "c WHERE c.oid = d.objid AND c.conrelid = %u AND c.confrelid IN (0, %u))) "
        "AND NOT (d.classid = 'pg_catalog.pg_attrdef'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef a "
        "WHERE a.oid = d.objid AND a.adrelid = %u)) "
        "AND NOT (d.classid = 'pg_catalog.pg_trigger'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t "
        "WHERE t.oid = d.objid AND t.tgrelid = %u)) "
        "AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite r "
        "WHERE r.oid = d.objid AND r.ev_class = %u)) "
        "AND NOT (d.classid = 'pg_catalog.pg_policy'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_policy p "
        "WHERE p.oid = d.objid AND p.polrelid = %u)) "
        "AND NOT (d.classid = 'pg_catalog.pg_statistic_ext'::regclass AND EXISTS (SELECT 1 FROM "
        "pg_catalog.pg_statistic_ext s WHERE s.oid = d.objid AND s.stxrelid = %u)) LIMIT 1",
        relid, relid, relid, relid, relid, relid, relid, relid, relid, relid);
    int rc = SPI_execute(sql, true, 1);
    return rc == SPI_OK_SELECT && SPI_processed > 0;
}

// Called by RangeVarGetRelidExtended before it waits for the lock on the relation a name
// points to (and again if the name moved meanwhile): only the table's owner, or its
// schema's, may queue for ACCESS EXCLUSIVE, as with PostgreSQL's own DROP; anyone else's
// waiting lock would hold up every reader of the table behind it.
void check_drop_rights(const RangeVar *rv, Oid relid, Oid old_relid, void *arg)
{
    if (!OidIsValid(relid))
        return;
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(tuple))
        return; // dropped meanwhile
    auto *form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
    char relkind = form->relkind;
    Oid nsp = form->relnamespace;
    ReleaseSysCache(tuple);
    if (!pg_class_ownercheck(relid, GetUserId()) && !pg_namespace_ownercheck(nsp, GetUserId()))
        aclcheck_error(ACLCHECK_NOT_OWNER, get_relkind_objtype(relkind), rv->relname);
}

bool eligible(Oid relid)
{
    if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION || get_rel_relispartition(relid) ||
        get_rel_persistence(relid) != RELPERSISTENCE_PERMANENT)
        return false;
    Oid nsp = get_rel_namespace(relid);
    char *nspname = get_namespace_name(nsp);
    if (nspname == nullptr || strcmp(nspname, bin_schema) == 0 || IsCatalogNamespace(nsp) || IsToastNamespace(nsp))
        return false;
    Oid owner = InvalidOid;
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (HeapTupleIsValid(tuple)) {
        owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
        ReleaseSysCache(tuple);
    }
    return has_privs_of_role(GetUserId(), owner);
}

// A free name in the bin: the table's name and the time, with a counter when taken.
char *bin_name_for(const char *relname, const char *column)
{
    Oid nsp = get_namespace_oid(bin_schema, false);
    long stamp = static_cast<long>(time(nullptr));
    for (int n = 1;; n++) {
        char name[NAMEDATALEN];
        if (column != nullptr)
            snprintf(name, sizeof name, "%.24s__%.16s__%ld%s", relname, column, stamp, n > 1 ? psprintf("_%d", n) : "");
        else
            snprintf(name, sizeof name, "%.40s__%ld%s", relname, stamp, n > 1 ? psprintf("_%d", n) : "");
        if (!OidIsValid(get_relname_relid(name, nsp)))
            return pstrdup(name);
    }
}

void record(const char *bin, const char *kind, const char *schema, const char *table, const char *column)
{
    run_as_owner(psprintf("INSERT INTO redline.recycled (bin_name, kind, original_schema, original_name, column_name, "
                          "dropped_by) VALUES (%s, %s, %s, %s, %s, %s)",
                          quote_literal_cstr(bin), quote_literal_cstr(kind), quote_literal_cstr(schema),
                          quote_literal_cstr(table), column != nullptr ? quote_literal_cstr(column) : "NULL",
                          quote_literal_cstr(login_role_name())),
                 SPI_OK_INSERT);
}

} // namespace

bool drop_tables(DropStmt *stmt, const char *tag)
{
    if (stmt->removeType != OBJECT_TABLE || stmt->behavior != DROP_RESTRICT || stmt->concurrent || !bin_ready())
        return false;
    int count = list_length(stmt->objects);
    Oid *relids = static_cast<Oid *>(palloc0(sizeof(Oid) * count));
    SPI_connect();
    int i = 0;
    ListCell *lc;
    foreach (lc, stmt->objects) {
        RangeVar *rv = makeRangeVarFromNameList(static_cast<List *>(lfirst(lc)));
        // Looked at before any lock: what the bin does not take (someone else's table, a
        // view...) is left to PostgreSQL's DROP, which checks the rights before it locks.
        if (!eligible(RangeVarGetRelid(rv, NoLock, true))) {
            SPI_finish();
            return false;
        }
        Oid relid = RangeVarGetRelidExtended(rv, AccessExclusiveLock, RVR_MISSING_OK, check_drop_rights, nullptr);
        if (!eligible(relid) || has_dependents(relid)) {
            SPI_finish();
            return false;
        }
        relids[i++] = relid;
    }
    // Approved first, as the person; moved afterwards.
    for (i = 0; i < count; i++)
        approvals::note_table(op_drop_table, relids[i]);
    approvals::settle(tag);
    for (i = 0; i < count; i++) {
        char *schema = get_namespace_name(get_rel_namespace(relids[i]));
        char *table = get_rel_name(relids[i]);
        char *bin = bin_name_for(table, nullptr);
        run_as_owner(
            psprintf("ALTER TABLE %s RENAME TO %s", quote_qualified_identifier(schema, table), quote_identifier(bin)),
            SPI_OK_UTILITY);
        run_as_owner(psprintf("ALTER TABLE %s SET SCHEMA %s", quote_qualified_identifier(schema, bin), bin_schema),
                     SPI_OK_UTILITY);
        record(bin, "table", schema, table, nullptr);
        ereport(NOTICE, (errmsg("table %s moved to the recycle bin as %s.%s", quote_qualified_identifier(schema, table),
                                bin_schema, bin),
                         errhint("SELECT redline.restore('%s'); puts it back.", bin)));
    }
    SPI_finish();
    return true;
}

PlannedStmt *left_to_drop(const PlannedStmt *pstmt)
{
    auto *copy = static_cast<PlannedStmt *>(copyObjectImpl(pstmt));
    castNode(DropStmt, copy->utilityStmt)->objects = NIL;
    return copy;
}

void keep_dropped_columns(AlterTableStmt *stmt)
{
    if (!bin_ready() || (settings::protected_ops() & op_drop_column) == 0)
        return;
    Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    // Someone else's table: PostgreSQL refuses the ALTER before it locks anything, so nothing
    // is read (as the bootstrap superuser) or kept for it.
    if (!OidIsValid(relid) || !pg_class_ownercheck(relid, GetUserId()) ||
        get_rel_persistence(relid) != RELPERSISTENCE_PERMANENT ||
        (get_rel_relkind(relid) != RELKIND_RELATION && get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE))
        return;
    char *schema = get_namespace_name(get_rel_namespace(relid));
    char *table = get_rel_name(relid);
    // The primary key identifies the rows the values belong to; without one, ctid does.
    Oid constraint = InvalidOid;
    Bitmapset *pk = get_primary_key_attnos(relid, true, &constraint);
    StringInfoData keys;
    initStringInfo(&keys);
    int attno = -1;
    while ((attno = bms_next_member(pk, attno)) >= 0) {
        AttrNumber att = attno + FirstLowInvalidHeapAttributeNumber;
        appendStringInfo(&keys, "%s%s", keys.len > 0 ? ", " : "", quote_identifier(get_attname(relid, att, false)));
    }
    if (keys.len == 0)
        appendStringInfoString(&keys, "ctid::text AS ctid");
    SPI_connect();
    ListCell *lc;
    foreach (lc, stmt->cmds) {
        auto *cmd = lfirst_node(AlterTableCmd, lc);
        if (cmd->subtype != AT_DropColumn || cmd->name == nullptr)
            continue;
        if (get_attnum(relid, cmd->name) == InvalidAttrNumber)
            continue; // PostgreSQL reports the missing column itself
        char *bin = bin_name_for(table, cmd->name);
        run_as_owner(psprintf("CREATE TABLE %s.%s AS SELECT %s, %s FROM %s", bin_schema, quote_identifier(bin),
                              keys.data, quote_identifier(cmd->name), quote_qualified_identifier(schema, table)),
                     SPI_OK_UTILITY);
        record(bin, "column", schema, table, cmd->name);
        if (nkept < max_kept)
            snprintf(kept[nkept++], sizeof kept[0], "%s.%s", quote_qualified_identifier(schema, table),
                     quote_identifier(cmd->name));
    }
    SPI_finish();
}

void report_kept()
{
    for (int i = 0; i < nkept; i++)
        ereport(NOTICE, (errmsg("the values of column %s are kept in the recycle bin", kept[i]),
                         errhint("SELECT * FROM redline.recycle_bin WHERE original = '%s'; shows where.", kept[i])));
    nkept = 0;
}

void forget_kept() { nkept = 0; }

} // namespace redline::recycle_bin

Datum redline_restore(PG_FUNCTION_ARGS)
{
    using namespace redline;
    char *bin = text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (session_lock::locked()) {
        LockContext ctx = session_lock::context();
        raise_refusal(cpp_entry([&] { return to_pg(refuse_locked_write("redline.restore()", ctx)); }));
    }
    SPI_connect();
    char *sql = psprintf("SELECT kind, original_schema::text, original_name::text FROM redline.recycled "
                         "WHERE bin_name = %s",
                         quote_literal_cstr(bin));
    recycle_bin::run_as_owner(sql, SPI_OK_SELECT);
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("nothing named \"%s\" is in the recycle bin", bin),
                        errhint("SELECT name, original, dropped_at FROM redline.recycle_bin; lists what is there.")));
    char *kind = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
    char *schema = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
    char *table = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
    if (strcmp(kind, "table") != 0)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("\"%s\" holds the values of a dropped column, not a table", bin),
                        errhint("Add the column back and fill it from the copy: ALTER TABLE %s ADD COLUMN ...; UPDATE "
                                "%s t SET ... FROM redline_recycle.%s b WHERE <primary key matches>;",
                                quote_qualified_identifier(schema, table), quote_qualified_identifier(schema, table),
                                quote_identifier(bin))));
    Oid bin_nsp = get_namespace_oid("redline_recycle", false);
    Oid relid = get_relname_relid(bin, bin_nsp);
    if (!OidIsValid(relid))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("the recycle bin lists \"%s\" but it is gone", bin)));
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    Oid owner = HeapTupleIsValid(tuple) ? reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner : InvalidOid;
    if (HeapTupleIsValid(tuple))
        ReleaseSysCache(tuple);
    if (!has_privs_of_role(GetUserId(), owner))
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("only the owner of %s may restore it", quote_qualified_identifier(schema, table))));
    Oid nsp = get_namespace_oid(schema, true);
    if (!OidIsValid(nsp))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_SCHEMA),
                        errmsg("schema \"%s\" that %s was dropped from no longer exists", schema, bin),
                        errhint("CREATE SCHEMA %s; then restore again.", quote_identifier(schema))));
    if (OidIsValid(get_relname_relid(table, nsp)))
        ereport(ERROR, (errcode(ERRCODE_DUPLICATE_TABLE),
                        errmsg("cannot restore %s: a relation named %s exists again", bin,
                               quote_qualified_identifier(schema, table)),
                        errhint("Rename or drop the new %s first, or restore by hand under another name: ALTER TABLE "
                                "redline_recycle.%s SET SCHEMA %s; ALTER TABLE %s RENAME TO <new name>;",
                                quote_qualified_identifier(schema, table), quote_identifier(bin),
                                quote_identifier(schema), quote_qualified_identifier(schema, bin))));
    recycle_bin::run_as_owner(
        psprintf("ALTER TABLE redline_recycle.%s SET SCHEMA %s", quote_identifier(bin), quote_identifier(schema)),
        SPI_OK_UTILITY);
    recycle_bin::run_as_owner(
        psprintf("ALTER TABLE %s RENAME TO %s", quote_qualified_identifier(schema, bin), quote_identifier(table)),
        SPI_OK_UTILITY);
    recycle_bin::run_as_owner(psprintf("DELETE FROM redline.recycled WHERE bin_name = %s", quote_literal_cstr(bin)),
                              SPI_OK_DELETE);
    char *restored = pstrdup(quote_qualified_identifier(schema, table));
    SPI_finish();
    PG_RETURN_TEXT_P(cstring_to_text(restored));
}
