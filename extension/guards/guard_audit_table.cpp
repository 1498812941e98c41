// Refuses every change to redline.audit_log that does not come from redline itself
// (guard_audit_table.hpp). redline appends its rows below the executor, so no statement,
// however privileged, needs to write the table.
#include "guard_audit_table.hpp"
#include "audit_log.hpp"
#include "audit_table.hpp"
#include "boundary.hpp"
#include "refusal_pg.hpp"
#include "settings.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "commands/copy.h"
#include "commands/extension.h"
#include "parser/parsetree.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace redline::guard_audit_table {

namespace {

Verdict refuse(const char *what)
{
    return Verdict::refuse(cpp_entry([&] { return to_pg(refuse_audit_change(what)); }));
}

Verdict refuse_link(const char *what)
{
    return Verdict::refuse(cpp_entry([&] { return to_pg(refuse_audit_link(what)); }));
}

Verdict refuse_schema_rename(const char *schema)
{
    return Verdict::refuse(cpp_entry([&] { return to_pg(refuse_audit_schema_rename(schema)); }));
}

// redline's own extension scripts (CREATE/ALTER EXTENSION redline) may change its table.
bool in_own_script() { return creating_extension && CurrentExtensionObject == get_extension_oid("redline", true); }

bool names_audit_table(const RangeVar *rv, Oid audit)
{
    return rv != nullptr && RangeVarGetRelid(rv, NoLock, true) == audit;
}

// Whether the log descends from relid: only when it was linked to a parent while redline
// was off, which verify_audit() reports; until the link is removed, a statement on the
// parent that recurses to its children must not reach the log either.
bool descends_from(Oid audit, Oid relid)
{
    return OidIsValid(relid) && has_superclass(audit) &&
           list_member_oid(find_all_inheritors(relid, NoLock, nullptr), audit);
}

// The log, or a table it descends from when the statement recurses (no ONLY).
bool reaches_audit_table(const RangeVar *rv, Oid audit)
{
    if (rv == nullptr)
        return false;
    Oid relid = RangeVarGetRelid(rv, NoLock, true);
    return relid == audit || (rv->inh && descends_from(audit, relid));
}

const char *written(const RangeVar *rv) { return quote_qualified_identifier(rv->schemaname, rv->relname); }

// CREATE [FOREIGN] TABLE ... INHERITS (redline.audit_log) or PARTITION OF redline.audit_log:
// the new table's rows would show as audit rows.
Verdict check_create(CreateStmt *create, const char *tag, Oid audit)
{
    ListCell *lc;
    foreach (lc, create->inhRelations) {
        auto *parent = lfirst_node(RangeVar, lc);
        if (names_audit_table(parent, audit))
            return refuse_link(create->partbound != nullptr
                                   ? psprintf("%s %s PARTITION OF %s", tag, written(create->relation), written(parent))
                                   : psprintf("%s %s INHERITS (%s)", tag, written(create->relation), written(parent)));
    }
    return Verdict::allow();
}

// The subcommands of ALTER TABLE that link two tables, whichever of the two is the log.
Verdict check_alter_links(AlterTableStmt *alter, const char *tag, Oid audit)
{
    bool on_audit = names_audit_table(alter->relation, audit);
    ListCell *lc;
    foreach (lc, alter->cmds) {
        auto *cmd = lfirst_node(AlterTableCmd, lc);
        const char *verb = nullptr;
        const RangeVar *other = nullptr;
        switch (cmd->subtype) {
        case AT_AddInherit:
            verb = "INHERIT";
            other = castNode(RangeVar, cmd->def);
            break;
        case AT_DropInherit:
            verb = "NO INHERIT";
            other = castNode(RangeVar, cmd->def);
            break;
        case AT_AttachPartition:
            verb = "ATTACH PARTITION";
            other = castNode(PartitionCmd, cmd->def)->name;
            break;
        case AT_DetachPartition:
        case AT_DetachPartitionFinalize:
            verb = "DETACH PARTITION";
            other = castNode(PartitionCmd, cmd->def)->name;
            break;
        default:
            continue;
        }
        if (on_audit || names_audit_table(other, audit))
            return refuse_link(psprintf("%s %s %s %s", tag, written(alter->relation), verb, written(other)));
    }
    return Verdict::allow();
}

const char *write_of(CmdType operation)
{
    switch (operation) {
    case CMD_DELETE:
        return "DELETE";
    case CMD_INSERT:
        return "INSERT";
    case CMD_MERGE:
        return "MERGE";
    default:
        return "UPDATE";
    }
}

} // namespace

Verdict check_executor(const StatementFacts &f)
{
    QueryDesc *qd = f.qd;
    // The facts name every relation the statement writes: the common case is one test.
    if (likely((!f.names_audit_table && !f.more_targets && !f.routes_into_partitions)) || !settings::active() ||
        in_own_script())
        return Verdict::allow();
    Oid audit = audit_table::oid();
    if (!OidIsValid(audit))
        return Verdict::allow();
    ListCell *lc;
    foreach (lc, qd->plannedstmt->rtable) {
        auto *rte = lfirst_node(RangeTblEntry, lc);
        if (rte->rtekind != RTE_RELATION)
            continue;
        if (rte->relid != audit) {
            // An INSERT into a partitioned table routes rows into its partitions at run time.
            if (rte->relkind == RELKIND_PARTITIONED_TABLE && (rte->requiredPerms & ACL_INSERT) &&
                get_rel_relispartition(audit) && descends_from(audit, rte->relid))
                return refuse("INSERT");
            continue;
        }
        if (rte->requiredPerms & ACL_DELETE)
            return refuse("DELETE");
        if (rte->requiredPerms & ACL_UPDATE)
            return refuse("UPDATE");
        if (rte->requiredPerms & ACL_INSERT)
            return refuse("INSERT");
    }
    // A table the statement writes only as a child of the one it names (a parent linked to
    // the log while redline was off) carries no permission bits of its own.
    foreach (lc, qd->plannedstmt->resultRelations) {
        if (rt_fetch(lfirst_int(lc), qd->plannedstmt->rtable)->relid == audit)
            return refuse(write_of(qd->operation));
    }
    return Verdict::allow();
}

Verdict check_utility(const StatementFacts &f)
{
    Node *stmt = f.stmt;
    if (!settings::active() || in_own_script())
        return Verdict::allow();
    Oid audit = audit_table::oid();
    if (!OidIsValid(audit))
        return Verdict::allow();
    const char *tag = GetCommandTagName(CreateCommandTag(stmt));
    ListCell *lc;
    switch (nodeTag(stmt)) {
    case T_TruncateStmt:
        foreach (lc, castNode(TruncateStmt, stmt)->relations)
            if (reaches_audit_table(lfirst_node(RangeVar, lc), audit))
                return refuse(tag);
        break;
    case T_CreateStmt:
        return check_create(castNode(CreateStmt, stmt), tag, audit);
    case T_CreateForeignTableStmt:
        return check_create(&castNode(CreateForeignTableStmt, stmt)->base, tag, audit);
    case T_AlterTableStmt: {
        Verdict v = check_alter_links(castNode(AlterTableStmt, stmt), tag, audit);
        if (v.refused())
            return v;
        if (reaches_audit_table(castNode(AlterTableStmt, stmt)->relation, audit))
            return refuse(tag);
        break;
    }
    case T_RenameStmt: {
        auto *rename = castNode(RenameStmt, stmt);
        if (reaches_audit_table(rename->relation, audit))
            return refuse(tag);
        // redline finds the log by its schema's name: renamed, the real log would be
        // unguarded and a new table could take its place.
        if (rename->renameType == OBJECT_SCHEMA && get_namespace_oid(rename->subname, true) == get_rel_namespace(audit))
            return refuse_schema_rename(rename->subname);
        break;
    }
    case T_AlterObjectSchemaStmt:
        if (names_audit_table(castNode(AlterObjectSchemaStmt, stmt)->relation, audit))
            return refuse(tag);
        break;
    case T_CreateTrigStmt:
        if (reaches_audit_table(castNode(CreateTrigStmt, stmt)->relation, audit))
            return refuse(tag);
        break;
    case T_RuleStmt:
        if (names_audit_table(castNode(RuleStmt, stmt)->relation, audit))
            return refuse(tag);
        break;
    case T_CreatePolicyStmt:
        if (names_audit_table(castNode(CreatePolicyStmt, stmt)->table, audit))
            return refuse(tag);
        break;
    case T_LockStmt: {
        // A lock stronger than a reader's would stall every audit writer behind it.
        auto *lock = castNode(LockStmt, stmt);
        if (lock->mode > AccessShareLock)
            foreach (lc, lock->relations)
                if (reaches_audit_table(lfirst_node(RangeVar, lc), audit))
                    return refuse(tag);
        break;
    }
    case T_CopyStmt: {
        auto *copy = castNode(CopyStmt, stmt);
        if (!copy->is_from || copy->relation == nullptr)
            break;
        // Into a partitioned table, COPY FROM routes rows into its partitions.
        Oid relid = RangeVarGetRelid(copy->relation, NoLock, true);
        if (relid == audit || (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE && descends_from(audit, relid)))
            return refuse("COPY FROM");
        break;
    }
    case T_DropStmt: {
        auto *drop = castNode(DropStmt, stmt);
        if (drop->removeType != OBJECT_TABLE)
            break;
        foreach (lc, drop->objects) {
            RangeVar *rv = makeRangeVarFromNameList(castNode(List, lfirst(lc)));
            if (names_audit_table(rv, audit))
                return refuse(tag);
        }
        break;
    }
    default:
        break;
    }
    return Verdict::allow();
}

} // namespace redline::guard_audit_table
