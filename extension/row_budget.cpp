// Counts the rows a statement changed (the executor's own count, es_processed) once it has
// run completely, and raises before its transaction can commit.
#include "row_budget.hpp"
#include "boundary.hpp"
#include "refusal_pg.hpp"
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "executor/executor.h"
#include "nodes/plannodes.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
}

namespace redline::row_budget {

namespace {

// A statement that took the stated count. Lives in the statement's executor memory and
// unlinks itself when that memory goes, on success and on error alike.
struct Claim {
    Claim *next;
    Claim **link; // the pointer that points at this claim
    const QueryDesc *qd;
    int64 expected;
    MemoryContextCallback on_free;
};

Claim *claims = nullptr;

void unlink_claim(void *arg)
{
    auto *claim = static_cast<Claim *>(arg);
    *claim->link = claim->next;
    if (claim->next != nullptr)
        claim->next->link = claim->link;
}

Claim *find_claim(const QueryDesc *qd)
{
    for (Claim *claim = claims; claim != nullptr; claim = claim->next)
        if (claim->qd == qd)
            return claim;
    return nullptr;
}

// The statement's own count is exact for INSERT, UPDATE, DELETE and MERGE; a SELECT's
// count is of rows returned, not changed.
bool changes_rows(const QueryDesc *qd)
{
    return qd->operation == CMD_INSERT || qd->operation == CMD_UPDATE || qd->operation == CMD_DELETE ||
           qd->operation == CMD_MERGE;
}

// INSERT ... VALUES names its rows one by one: the budget is for rows chosen by a query.
bool inserts_literal_rows(const QueryDesc *qd)
{
    if (qd->operation != CMD_INSERT)
        return false;
    Plan *plan = qd->plannedstmt->planTree;
    if (plan == nullptr || !IsA(plan, ModifyTable))
        return false;
    Plan *source = outerPlan(plan);
    return source == nullptr || IsA(source, ValuesScan) || (IsA(source, Result) && outerPlan(source) == nullptr);
}

const char *command_name(CmdType op)
{
    switch (op) {
    case CMD_INSERT:
        return "INSERT";
    case CMD_UPDATE:
        return "UPDATE";
    case CMD_DELETE:
        return "DELETE";
    case CMD_MERGE:
        return "MERGE";
    default:
        return "statement";
    }
}

const char *target_name(const QueryDesc *qd)
{
    PlannedStmt *stmt = qd->plannedstmt;
    if (stmt->resultRelations == NIL)
        return "?";
    RangeTblEntry *rte = rt_fetch(linitial_int(stmt->resultRelations), stmt->rtable);
    char *name = get_rel_name(rte->relid);
    return name != nullptr ? name : "?";
}

} // namespace

void on_start(QueryDesc *qd, int eflags)
{
    if (!settings::expect_pending || (eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0 || !changes_rows(qd))
        return;
    settings::expect_pending = false;
    MemoryContext cxt = qd->estate->es_query_cxt;
    auto *claim = static_cast<Claim *>(MemoryContextAllocZero(cxt, sizeof(Claim)));
    claim->qd = qd;
    claim->expected = settings::expect_rows;
    claim->on_free.func = unlink_claim;
    claim->on_free.arg = claim;
    claim->next = claims;
    claim->link = &claims;
    if (claims != nullptr)
        claims->link = &claim->next;
    claims = claim;
    MemoryContextRegisterResetCallback(cxt, &claim->on_free);
}

void on_finish(QueryDesc *qd)
{
    if (!changes_rows(qd))
        return;
    uint64 rows = qd->estate->es_processed;
    Claim *claim = claims == nullptr ? nullptr : find_claim(qd);
    if (claim != nullptr) {
        int64 expected = claim->expected;
        if (rows == static_cast<uint64>(expected))
            return;
        const char *command = command_name(qd->operation);
        const char *relation = target_name(qd);
        PgRefusal *refusal =
            cpp_entry([&] { return to_pg(refuse_row_count_mismatch(command, relation, rows, expected)); });
        raise_refusal(refusal);
    }
    int limit = settings::max_rows();
    if (limit <= 0 || rows <= static_cast<uint64>(limit) || inserts_literal_rows(qd) || session_is_exempt())
        return;
    const char *command = command_name(qd->operation);
    const char *relation = target_name(qd);
    PgRefusal *refusal = cpp_entry([&] { return to_pg(refuse_row_budget(command, relation, rows, limit)); });
    raise_refusal(refusal);
}

} // namespace redline::row_budget
