// Counts the rows a statement changed once it has run completely (triggers and WITH
// queries included) and raises before its transaction can commit. The top-level command's
// count is the executor's own (es_processed); a data-modifying WITH query is counted by
// the rows its ModifyTable node consumes. A statement's count is that of its largest part.
#include "row_budget.hpp"
#include "boundary.hpp"
#include "refusal_pg.hpp"
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "nodes/plannodes.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
}

namespace redline::row_budget {

namespace {

// One data-modifying WITH query of a running statement.
struct Part {
    Part *next;
    PlanState *source; // the ModifyTable node's input: one tuple per row to change
    ExecProcNodeMtd source_real;
    CmdType command;
    Oid relation;
    uint64 rows;
};

// A running data-changing statement. Lives in the statement's executor memory and
// unlinks itself when that memory goes, on success and on error alike.
struct Tally {
    Tally *next;
    Tally **link; // the pointer that points at this tally
    const QueryDesc *qd;
    int64 expected; // -1: no count was stated for this statement
    Part *parts;
    MemoryContextCallback on_free;
};

Tally *tallies = nullptr;

void unlink_tally(void *arg)
{
    auto *tally = static_cast<Tally *>(arg);
    *tally->link = tally->next;
    if (tally->next != nullptr)
        tally->next->link = tally->link;
}

Tally *find_tally(const QueryDesc *qd)
{
    for (Tally *tally = tallies; tally != nullptr; tally = tally->next)
        if (tally->qd == qd)
            return tally;
    return nullptr;
}

Part *find_part(const PlanState *source)
{
    for (Tally *tally = tallies; tally != nullptr; tally = tally->next)
        for (Part *part = tally->parts; part != nullptr; part = part->next)
            if (part->source == source)
                return part;
    return nullptr;
}

TupleTableSlot *counting_exec(PlanState *source)
{
    Part *part = find_part(source);
    TupleTableSlot *slot = part->source_real(source);
    if (!TupIsNull(slot))
        part->rows++;
    return slot;
}

bool top_level_changes_rows(const QueryDesc *qd)
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

Oid first_result_relation(const PlannedStmt *stmt, List *result_relations)
{
    if (result_relations == NIL)
        return InvalidOid;
    return rt_fetch(linitial_int(result_relations), stmt->rtable)->relid;
}

void count_with_queries(QueryDesc *qd, Tally *tally)
{
    MemoryContext cxt = qd->estate->es_query_cxt;
    ListCell *lc;
    foreach (lc, qd->estate->es_auxmodifytables) {
        auto *mt = static_cast<ModifyTableState *>(lfirst(lc));
        PlanState *source = outerPlanState(mt);
        if (source == nullptr)
            continue;
        auto *part = static_cast<Part *>(MemoryContextAllocZero(cxt, sizeof(Part)));
        part->source = source;
        part->source_real = source->ExecProcNodeReal;
        part->command = mt->operation;
        part->relation =
            first_result_relation(qd->plannedstmt, castNode(ModifyTable, mt->ps.plan)->resultRelations);
        part->next = tally->parts;
        tally->parts = part;
        // ExecProcNodeFirst installs ExecProcNodeReal on the first call.
        source->ExecProcNodeReal = counting_exec;
        if (source->ExecProcNode == part->source_real)
            source->ExecProcNode = counting_exec;
    }
}

} // namespace

void on_start(QueryDesc *qd, int eflags)
{
    bool with_writes = qd->plannedstmt->hasModifyingCTE;
    if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0 || (!top_level_changes_rows(qd) && !with_writes))
        return;
    bool stated = settings::expect_pending;
    if (!stated && (settings::max_rows() <= 0 || inserts_literal_rows(qd) || session_is_exempt()))
        return;

    // The first data-changing statement to start takes the stated count: the statement
    // the user typed, not the triggers it fires, which start after it.
    settings::expect_pending = false;
    MemoryContext cxt = qd->estate->es_query_cxt;
    auto *tally = static_cast<Tally *>(MemoryContextAllocZero(cxt, sizeof(Tally)));
    tally->qd = qd;
    tally->expected = stated ? settings::expect_rows : -1;
    tally->on_free.func = unlink_tally;
    tally->on_free.arg = tally;
    tally->next = tallies;
    tally->link = &tallies;
    if (tallies != nullptr)
        tallies->link = &tally->next;
    tallies = tally;
    MemoryContextRegisterResetCallback(cxt, &tally->on_free);
    if (with_writes)
        count_with_queries(qd, tally);
}

void on_finish(QueryDesc *qd)
{
    Tally *tally = tallies == nullptr ? nullptr : find_tally(qd);
    if (tally == nullptr)
        return;

    uint64 rows = 0;
    CmdType command = qd->operation;
    Oid relation = InvalidOid;
    if (top_level_changes_rows(qd)) {
        rows = qd->estate->es_processed;
        relation = first_result_relation(qd->plannedstmt, qd->plannedstmt->resultRelations);
    }
    for (Part *part = tally->parts; part != nullptr; part = part->next) {
        if (part->rows > rows || relation == InvalidOid) {
            rows = part->rows;
            command = part->command;
            relation = part->relation;
        }
    }

    int64 expected = tally->expected;
    int limit = settings::max_rows();
    if (expected >= 0 ? rows == static_cast<uint64>(expected) : (limit <= 0 || rows <= static_cast<uint64>(limit)))
        return;

    const char *verb = command_name(command);
    char *name = OidIsValid(relation) ? get_rel_name(relation) : nullptr;
    const char *target = name != nullptr ? name : "?";
    PgRefusal *refusal = cpp_entry([&] {
        return to_pg(expected >= 0 ? refuse_row_count_mismatch(verb, target, rows, expected)
                                   : refuse_row_budget(verb, target, rows, limit));
    });
    raise_refusal(refusal);
}

} // namespace redline::row_budget
