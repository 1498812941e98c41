// Gathers a statement's facts once per hook (facts.hpp).
#include "facts.hpp"
#include "audit_table.hpp"
#include "session_lock.hpp"
#include "statement_depth.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "parser/parsetree.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
}

#include <cstring>

namespace redline::facts {

namespace {

// Every field but the relations, which ntargets = 0 leaves unread.
StatementFacts base(Phase phase)
{
    StatementFacts f;
    f.phase = phase;
    f.depth = statement_depth;
    f.locked = session_lock::locked();
    f.writes = true;
    f.query = nullptr;
    f.qd = nullptr;
    f.eflags = 0;
    f.explain_only = false;
    f.pstmt = nullptr;
    f.stmt = nullptr;
    f.tag = T_Invalid;
    f.subcommand = false;
    f.setting = nullptr;
    f.function = InvalidOid;
    f.ntargets = 0;
    f.more_targets = false;
    f.names_audit_table = false;
    return f;
}

void add_relid(StatementFacts &f, Oid relid, bool temporary)
{
    if (f.ntargets == max_targets) {
        f.more_targets = true;
        return;
    }
    Oid audit = audit_table::oid();
    TargetRelation &t = f.targets[f.ntargets++];
    t.relid = relid;
    t.temporary = temporary;
    t.audit_table = OidIsValid(relid) && relid == audit;
    f.names_audit_table = f.names_audit_table || t.audit_table;
}

// A name as PostgreSQL will resolve it, without a lock (the statement takes its own).
void add_rangevar(StatementFacts &f, const RangeVar *rv)
{
    if (rv == nullptr)
        return;
    // A relation created TEMP (CREATE TEMP TABLE/VIEW/SEQUENCE, SELECT INTO TEMP) is new and
    // temporary; looking its name up would raise an error of its own for a permanent schema
    // ahead of core's "cannot create temporary relation in non-temporary schema".
    if (rv->relpersistence == RELPERSISTENCE_TEMP) {
        add_relid(f, InvalidOid, true);
        return;
    }
    Oid relid = RangeVarGetRelid(rv, NoLock, true);
    bool temporary = OidIsValid(relid) ? get_rel_persistence(relid) == RELPERSISTENCE_TEMP
                                       : rv->schemaname != nullptr && strcmp(rv->schemaname, "pg_temp") == 0;
    add_relid(f, relid, temporary);
}

void add_rangevars(StatementFacts &f, List *rangevars)
{
    ListCell *lc;
    foreach (lc, rangevars)
        add_rangevar(f, lfirst_node(RangeVar, lc));
}

void add_name_lists(StatementFacts &f, List *names)
{
    ListCell *lc;
    foreach (lc, names)
        add_rangevar(f, makeRangeVarFromNameList(castNode(List, lfirst(lc))));
}

// ALTER TABLE's subcommands that name a second relation: INHERIT/NO INHERIT a parent,
// ATTACH/DETACH a partition.
void add_alter_table(StatementFacts &f, AlterTableStmt *alter)
{
    add_rangevar(f, alter->relation);
    ListCell *lc;
    foreach (lc, alter->cmds) {
        auto *cmd = lfirst_node(AlterTableCmd, lc);
        if ((cmd->subtype == AT_AddInherit || cmd->subtype == AT_DropInherit) && cmd->def != nullptr &&
            IsA(cmd->def, RangeVar))
            add_rangevar(f, castNode(RangeVar, cmd->def));
        else if ((cmd->subtype == AT_AttachPartition || cmd->subtype == AT_DetachPartition) && cmd->def != nullptr &&
                 IsA(cmd->def, PartitionCmd))
            add_rangevar(f, castNode(PartitionCmd, cmd->def)->name);
    }
}

void collect_utility_targets(StatementFacts &f)
{
    Node *stmt = f.stmt;
    switch (nodeTag(stmt)) {
    case T_CopyStmt:
        add_rangevar(f, castNode(CopyStmt, stmt)->relation);
        break;
    case T_LockStmt:
        add_rangevars(f, castNode(LockStmt, stmt)->relations);
        break;
    case T_CreateStmt:
        add_rangevar(f, castNode(CreateStmt, stmt)->relation);
        add_rangevars(f, castNode(CreateStmt, stmt)->inhRelations);
        break;
    case T_CreateForeignTableStmt:
        add_rangevar(f, castNode(CreateForeignTableStmt, stmt)->base.relation);
        add_rangevars(f, castNode(CreateForeignTableStmt, stmt)->base.inhRelations);
        break;
    case T_CreateTableAsStmt:
        add_rangevar(f, castNode(CreateTableAsStmt, stmt)->into->rel);
        break;
    case T_ViewStmt:
        add_rangevar(f, castNode(ViewStmt, stmt)->view);
        break;
    case T_CreateSeqStmt:
        add_rangevar(f, castNode(CreateSeqStmt, stmt)->sequence);
        break;
    case T_IndexStmt:
        add_rangevar(f, castNode(IndexStmt, stmt)->relation);
        break;
    case T_AlterTableStmt:
        add_alter_table(f, castNode(AlterTableStmt, stmt));
        break;
    case T_TruncateStmt:
        add_rangevars(f, castNode(TruncateStmt, stmt)->relations);
        break;
    case T_DropStmt: {
        auto *drop = castNode(DropStmt, stmt);
        if (drop->removeType == OBJECT_TABLE || drop->removeType == OBJECT_VIEW ||
            drop->removeType == OBJECT_SEQUENCE || drop->removeType == OBJECT_INDEX ||
            drop->removeType == OBJECT_MATVIEW || drop->removeType == OBJECT_FOREIGN_TABLE)
            add_name_lists(f, drop->objects);
        break;
    }
    case T_RenameStmt:
        add_rangevar(f, castNode(RenameStmt, stmt)->relation);
        break;
    case T_AlterObjectSchemaStmt:
        add_rangevar(f, castNode(AlterObjectSchemaStmt, stmt)->relation);
        break;
    case T_CreateTrigStmt:
        add_rangevar(f, castNode(CreateTrigStmt, stmt)->relation);
        break;
    case T_RuleStmt:
        add_rangevar(f, castNode(RuleStmt, stmt)->relation);
        break;
    case T_CreatePolicyStmt:
        add_rangevar(f, castNode(CreatePolicyStmt, stmt)->table);
        break;
    default:
        break;
    }
}

const char *setting_named(Node *stmt)
{
    const char *name = nullptr;
    if (IsA(stmt, VariableSetStmt))
        name = castNode(VariableSetStmt, stmt)->name;
    else if (IsA(stmt, AlterSystemStmt))
        name = castNode(AlterSystemStmt, stmt)->setstmt->name;
    return name != nullptr && strncmp(name, "redline.", 8) == 0 ? name : nullptr;
}

} // namespace

StatementFacts of_query(Phase phase, Query *query)
{
    StatementFacts f = base(phase);
    f.query = query;
    f.writes = query_writes(query);
    return f;
}

StatementFacts of_executor(QueryDesc *qd, int eflags)
{
    StatementFacts f = base(Phase::executor_start);
    f.qd = qd;
    f.eflags = eflags;
    f.explain_only = (eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0;
    // The relations it writes or locks rows of; a plain read names none (the common case
    // costs one test).
    PlannedStmt *ps = qd->plannedstmt;
    f.writes = plan_writes(ps);
    if (f.writes) {
        ListCell *lc;
        foreach (lc, ps->rtable) {
            auto *rte = lfirst_node(RangeTblEntry, lc);
            if (rte->rtekind == RTE_RELATION && (rte->requiredPerms & ~ACL_SELECT) != 0) {
                // Only the write lock asks whether a written relation is temporary.
                add_relid(f, rte->relid, f.locked && get_rel_persistence(rte->relid) == RELPERSISTENCE_TEMP);
                f.routes_into_partitions = f.routes_into_partitions || (rte->relkind == RELKIND_PARTITIONED_TABLE &&
                                                                        (rte->requiredPerms & ACL_INSERT) != 0);
            }
        }
        // The children a statement writes through their parent carry no permission bits.
        Oid audit = audit_table::oid();
        foreach (lc, ps->resultRelations)
            f.names_audit_table = f.names_audit_table || rt_fetch(lfirst_int(lc), ps->rtable)->relid == audit;
    }
    return f;
}

StatementFacts of_utility(PlannedStmt *pstmt, bool subcommand)
{
    StatementFacts f = base(Phase::utility);
    f.pstmt = pstmt;
    f.stmt = pstmt->utilityStmt;
    f.tag = nodeTag(f.stmt);
    f.subcommand = subcommand;
    f.writes = true; // judged by its kind, not by whether it names a table
    f.setting = setting_named(f.stmt);
    collect_utility_targets(f);
    return f;
}

StatementFacts of_function(Oid function)
{
    StatementFacts f = base(Phase::function);
    f.function = function;
    f.writes = true; // what a function does is known only by its kind
    return f;
}

bool all_temporary(const StatementFacts &f)
{
    if (f.ntargets == 0 || f.more_targets)
        return false;
    for (int i = 0; i < f.ntargets; i++)
        if (!f.targets[i].temporary)
            return false;
    return true;
}

} // namespace redline::facts
