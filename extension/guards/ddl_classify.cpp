// The DDL classifier. It reads the raw statement — what ProcessUtility receives — so the
// verdict is known before PostgreSQL takes any lock beyond ACCESS SHARE.
#include "ddl_classify.hpp"
#include "approvals.hpp"
#include "boundary.hpp"
#include "refusal_pg.hpp"
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/tablecmds.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/value.h"
#include "parser/parse_coerce.h"
#include "parser/parse_type.h"
#include "storage/bufmgr.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

#include <cstring>

namespace redline::ddl_classify {

namespace {

constexpr double rewrite_bytes_per_second = 100.0 * 1024 * 1024;
constexpr double scan_bytes_per_second = 400.0 * 1024 * 1024;

// Functions whose value differs per row: a default calling one fills every row (rewrite).
constexpr const char *volatile_defaults[] = {"random",           "gen_random_uuid", "uuid_generate_v1",
                                             "uuid_generate_v4", "clock_timestamp", "timeofday",
                                             "nextval",          "txid_current",    "setseed"};

bool calls_volatile(Node *node, void *)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncCall)) {
        auto *call = castNode(FuncCall, node);
        const char *name = strVal(llast(call->funcname));
        for (const char *v : volatile_defaults)
            if (pg_strcasecmp(name, v) == 0)
                return true;
        ListCell *lc;
        foreach (lc, call->args)
            if (calls_volatile(static_cast<Node *>(lfirst(lc)), nullptr))
                return true;
        return false;
    }
    return raw_expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(calls_volatile)),
                                      nullptr);
}

bool serial_type(const TypeName *type)
{
    if (type == nullptr || type->names == NIL)
        return false;
    const char *name = strVal(llast(type->names));
    return strcmp(name, "serial") == 0 || strcmp(name, "bigserial") == 0 || strcmp(name, "smallserial") == 0 ||
           strcmp(name, "serial4") == 0 || strcmp(name, "serial8") == 0 || strcmp(name, "serial2") == 0;
}

void note(Verdict &v, unsigned work, Cause cause)
{
    // The heavier work decides the cause reported.
    if ((work & work_rewrite) != 0 && (v.work & work_rewrite) == 0)
        v.cause = cause;
    else if (v.cause == cause_none)
        v.cause = cause;
    v.work |= work;
}

void classify_column_def(Verdict &v, ColumnDef *def)
{
    if (def->identity != 0 || serial_type(def->typeName))
        note(v, work_rewrite, cause_volatile_default);
    if (def->generated == ATTRIBUTE_GENERATED_STORED)
        note(v, work_rewrite, cause_stored_column);
    if (def->raw_default != nullptr && calls_volatile(def->raw_default, nullptr))
        note(v, work_rewrite, cause_volatile_default);
    ListCell *lc;
    foreach (lc, def->constraints) {
        auto *c = lfirst_node(Constraint, lc);
        switch (c->contype) {
        case CONSTR_DEFAULT:
            if (c->raw_expr != nullptr && calls_volatile(c->raw_expr, nullptr))
                note(v, work_rewrite, cause_volatile_default);
            break;
        case CONSTR_IDENTITY:
            note(v, work_rewrite, cause_volatile_default);
            break;
        case CONSTR_GENERATED:
            note(v, work_rewrite, cause_stored_column);
            break;
        case CONSTR_CHECK:
        case CONSTR_FOREIGN:
            if (!c->skip_validation)
                note(v, work_scan, cause_constraint);
            break;
        case CONSTR_PRIMARY:
        case CONSTR_UNIQUE:
            note(v, work_scan, cause_index);
            break;
        default:
            break;
        }
    }
}

bool type_change_rewrites(Oid relid, AlterTableCmd *cmd)
{
    auto *def = castNode(ColumnDef, cmd->def);
    if (def->raw_default != nullptr)
        return true; // USING computes every row again
    AttrNumber attnum = get_attnum(relid, cmd->name);
    if (attnum == InvalidAttrNumber)
        return false; // PostgreSQL reports the missing column
    Oid old_type = InvalidOid;
    int32 old_typmod = -1;
    Oid collation = InvalidOid;
    get_atttypetypmodcoll(relid, attnum, &old_type, &old_typmod, &collation);
    Oid new_type = InvalidOid;
    int32 new_typmod = -1;
    Type tuple = LookupTypeName(nullptr, def->typeName, &new_typmod, true);
    if (tuple == nullptr)
        return true; // unknown here: assume the worst, PostgreSQL reports it
    new_type = typeTypeId(tuple);
    ReleaseSysCache(tuple);
    if (old_type == new_type)
        return !(new_typmod == -1 || (old_typmod != -1 && new_typmod >= old_typmod));
    return !(IsBinaryCoercible(old_type, new_type) && new_typmod == -1);
}

int64 heap_bytes(Oid relid)
{
    Relation rel = table_open(relid, AccessShareLock);
    int64 bytes = static_cast<int64>(RelationGetNumberOfBlocks(rel)) * BLCKSZ;
    table_close(rel, NoLock);
    return bytes;
}

void finish(Verdict &v)
{
    v.size_bytes = heap_bytes(v.relid);
    double rate = (v.work & work_rewrite) != 0 ? rewrite_bytes_per_second : scan_bytes_per_second;
    v.est_seconds = v.work == work_none ? 0.0 : static_cast<double>(v.size_bytes) / rate;
    int limit_kb = settings::max_rewrite_size_kb();
    v.large = v.work != work_none && limit_kb > 0 && v.size_bytes > static_cast<int64>(limit_kb) * 1024;
}

bool classifiable(Oid relid)
{
    return OidIsValid(relid) && get_rel_relkind(relid) == RELKIND_RELATION &&
           get_rel_persistence(relid) != RELPERSISTENCE_TEMP;
}

} // namespace

const char *lock_name(LOCKMODE mode)
{
    static const char *const names[] = {
        "NO",    "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
        "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
    return mode >= 0 && mode <= 8 ? names[mode] : "?";
}

Verdict classify(Node *stmt)
{
    Verdict v{};
    if (IsA(stmt, AlterTableStmt)) {
        auto *alter = castNode(AlterTableStmt, stmt);
        if (alter->objtype != OBJECT_TABLE)
            return v;
        v.relid = RangeVarGetRelid(alter->relation, NoLock, true);
        if (!classifiable(v.relid))
            return v;
        v.applies = true;
        v.lock = AlterTableGetLockLevel(alter->cmds);
        ListCell *lc;
        foreach (lc, alter->cmds) {
            auto *cmd = lfirst_node(AlterTableCmd, lc);
            switch (cmd->subtype) {
            case AT_AddColumn:
                classify_column_def(v, castNode(ColumnDef, cmd->def));
                break;
            case AT_AlterColumnType:
                if (type_change_rewrites(v.relid, cmd))
                    note(v, work_rewrite, cause_type_change);
                break;
            case AT_AddConstraint: {
                auto *c = castNode(Constraint, cmd->def);
                if ((c->contype == CONSTR_CHECK || c->contype == CONSTR_FOREIGN) && !c->skip_validation)
                    note(v, work_scan, cause_constraint);
                else if ((c->contype == CONSTR_PRIMARY || c->contype == CONSTR_UNIQUE ||
                          c->contype == CONSTR_EXCLUSION) &&
                         c->indexname == nullptr)
                    note(v, work_scan, cause_index);
                break;
            }
            case AT_SetNotNull:
                note(v, work_scan, cause_not_null);
                break;
            case AT_SetLogged:
            case AT_SetUnLogged:
                note(v, work_rewrite, cause_persistence);
                break;
            case AT_SetAccessMethod:
            case AT_SetTableSpace:
                note(v, work_rewrite, cause_storage);
                break;
            default:
                break;
            }
        }
        finish(v);
        return v;
    }
    if (IsA(stmt, IndexStmt)) {
        auto *index = castNode(IndexStmt, stmt);
        v.relid = RangeVarGetRelid(index->relation, NoLock, true);
        if (!classifiable(v.relid))
            return v;
        v.applies = true;
        v.lock = index->concurrent ? ShareUpdateExclusiveLock : ShareLock;
        // CONCURRENTLY is the safe pattern itself: it scans without blocking writes.
        if (!index->concurrent)
            note(v, work_scan, cause_index);
        finish(v);
        return v;
    }
    return v;
}

redline::Verdict check(const StatementFacts &f)
{
    if (f.tag != T_AlterTableStmt && f.tag != T_IndexStmt)
        return redline::Verdict::allow();
    if (!settings::active() || settings::max_rewrite_size_kb() <= 0)
        return redline::Verdict::allow();
    // Someone else's table: PostgreSQL refuses the statement before it locks anything, so
    // redline does not open the table to measure it either.
    const RangeVar *target =
        f.tag == T_AlterTableStmt ? castNode(AlterTableStmt, f.stmt)->relation : castNode(IndexStmt, f.stmt)->relation;
    Oid relid = RangeVarGetRelid(target, NoLock, true);
    if (OidIsValid(relid) && !pg_class_ownercheck(relid, GetUserId()))
        return redline::Verdict::allow();
    Verdict v = classify(f.stmt);
    if (!v.applies || !v.large)
        return redline::Verdict::allow();
    PgRefusal *refusal = approvals::require_rewrite(v.relid, f.tag == T_IndexStmt ? "CREATE INDEX" : "ALTER TABLE",
                                                    lock_name(v.lock), (v.work & work_rewrite) != 0, v.size_bytes,
                                                    v.est_seconds, static_cast<int>(v.cause));
    return refusal != nullptr ? redline::Verdict::refuse(refusal) : redline::Verdict::allow();
}

} // namespace redline::ddl_classify
