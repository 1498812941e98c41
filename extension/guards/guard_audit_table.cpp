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
#include "commands/copy.h"
#include "commands/extension.h"
#include "parser/parsetree.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/acl.h"
}

namespace redline::guard_audit_table {

namespace {

Verdict refuse(const char *what)
{
    return Verdict::refuse(cpp_entry([&] { return to_pg(refuse_audit_change(what)); }));
}

// redline's own extension scripts (CREATE/ALTER EXTENSION redline) may change its table.
bool in_own_script() { return creating_extension && CurrentExtensionObject == get_extension_oid("redline", true); }

bool names_audit_table(const RangeVar *rv, Oid audit)
{
    return rv != nullptr && RangeVarGetRelid(rv, NoLock, true) == audit;
}

} // namespace

Verdict check_executor(const StatementFacts &f)
{
    QueryDesc *qd = f.qd;
    // The facts name every relation the statement writes: the common case is one test.
    if (likely((!f.names_audit_table && !f.more_targets)) || !settings::active() || in_own_script())
        return Verdict::allow();
    Oid audit = audit_table::oid();
    if (!OidIsValid(audit))
        return Verdict::allow();
    ListCell *lc;
    foreach (lc, qd->plannedstmt->rtable) {
        auto *rte = lfirst_node(RangeTblEntry, lc);
        if (rte->rtekind != RTE_RELATION || rte->relid != audit)
            continue;
        if (rte->requiredPerms & ACL_DELETE)
            return refuse("DELETE");
        if (rte->requiredPerms & ACL_UPDATE)
            return refuse("UPDATE");
        if (rte->requiredPerms & ACL_INSERT)
            return refuse("INSERT");
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
            if (names_audit_table(lfirst_node(RangeVar, lc), audit))
                return refuse(tag);
        break;
    case T_AlterTableStmt:
        if (names_audit_table(castNode(AlterTableStmt, stmt)->relation, audit))
            return refuse(tag);
        break;
    case T_RenameStmt:
        if (names_audit_table(castNode(RenameStmt, stmt)->relation, audit))
            return refuse(tag);
        break;
    case T_AlterObjectSchemaStmt:
        if (names_audit_table(castNode(AlterObjectSchemaStmt, stmt)->relation, audit))
            return refuse(tag);
        break;
    case T_CreateTrigStmt:
        if (names_audit_table(castNode(CreateTrigStmt, stmt)->relation, audit))
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
                if (names_audit_table(lfirst_node(RangeVar, lc), audit))
                    return refuse(tag);
        break;
    }
    case T_CopyStmt: {
        auto *copy = castNode(CopyStmt, stmt);
        if (copy->is_from && names_audit_table(copy->relation, audit))
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
