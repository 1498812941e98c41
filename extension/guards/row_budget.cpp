// Counts the rows a statement changed once it has run completely and raises before its
// transaction can commit. Its parts: the command itself (the executor's own count,
// es_processed), each data-modifying WITH query (the rows its ModifyTable node consumes),
// and the writes it caused while running (triggers, foreign-key cascades, rules), summed per
// table. A statement's count is that of its largest part: a one-row DELETE that cascades to
// 5000 rows is a 5000-row statement.
#include "row_budget.hpp"
#include "boundary.hpp"
#include "refusal_pg.hpp"
#include "scratch_tables.hpp"
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

// One part of a running statement: a data-modifying WITH query (source set), or the writes
// of one kind to one table that ran inside it (source null).
struct Part {
    Part *next;
    PlanState *source; // the WITH query's ModifyTable input: one tuple per row to change
    ExecProcNodeMtd source_real;
    CmdType command;
    Oid relation;
    uint64 rows;
};

// The running data-changing statement. Lives in the statement's executor memory and
// forgets itself when that memory goes, on success and on error alike.
struct Tally {
    const QueryDesc *qd;
    int64 expected; // -1: no count was stated for this statement
    Part *parts;
    MemoryContextCallback on_free;
};

// A data-changing statement that starts while another one runs was caused by it (a
// trigger, a cascade, a rule): its rows are a part of the running statement.
Tally *running = nullptr;

void forget_tally(void *arg)
{
    if (running == arg)
        running = nullptr;
}

Part *find_part(const PlanState *source)
{
    for (Part *part = running->parts; part != nullptr; part = part->next)
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
        Oid relation = first_result_relation(qd->plannedstmt, castNode(ModifyTable, mt->ps.plan)->resultRelations);
        if (source == nullptr || is_scratch_table(relation))
            continue;
        auto *part = static_cast<Part *>(MemoryContextAllocZero(cxt, sizeof(Part)));
        part->source = source;
        part->source_real = source->ExecProcNodeReal;
        part->command = mt->operation;
        part->relation = relation;
        part->next = tally->parts;
        tally->parts = part;
        // ExecProcNodeFirst installs ExecProcNodeReal on the first call.
        source->ExecProcNodeReal = counting_exec;
        if (source->ExecProcNode == part->source_real)
            source->ExecProcNode = counting_exec;
    }
}

void add_nested_rows(Tally *outer, CmdType command, Oid relation, uint64 rows)
{
    for (Part *part = outer->parts; part != nullptr; part = part->next) {
        if (part->source == nullptr && part->command == command && part->relation == relation) {
            part->rows += rows;
            return;
        }
    }
    auto *part = static_cast<Part *>(MemoryContextAllocZero(outer->qd->estate->es_query_cxt, sizeof(Part)));
    part->command = command;
    part->relation = relation;
    part->rows = rows;
    part->next = outer->parts;
    outer->parts = part;
}

} // namespace

void on_start(QueryDesc *qd, int eflags)
{
    bool with_writes = qd->plannedstmt->hasModifyingCTE;
    if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0 || (!top_level_changes_rows(qd) && !with_writes) || running != nullptr)
        return;
    bool stated = settings::expect_pending;
    if (!stated && (settings::max_rows() <= 0 || inserts_literal_rows(qd) || session_is_exempt()))
        return;
    if (!with_writes && is_scratch_table(first_result_relation(qd->plannedstmt, qd->plannedstmt->resultRelations)))
        return;

    // The first data-changing statement to start takes the stated count: the statement
    // the user typed, not the triggers it fires, which start after it.
    settings::expect_pending = false;
    MemoryContext cxt = qd->estate->es_query_cxt;
    auto *tally = static_cast<Tally *>(MemoryContextAllocZero(cxt, sizeof(Tally)));
    tally->qd = qd;
    tally->expected = stated ? settings::expect_rows : -1;
    tally->on_free.func = forget_tally;
    tally->on_free.arg = tally;
    running = tally;
    MemoryContextRegisterResetCallback(cxt, &tally->on_free);
    if (with_writes)
        count_with_queries(qd, tally);
}

void on_finish(QueryDesc *qd)
{
    if (running == nullptr)
        return;
    Tally *tally = running;
    if (tally->qd != qd) {
        Oid relation = top_level_changes_rows(qd)
                           ? first_result_relation(qd->plannedstmt, qd->plannedstmt->resultRelations)
                           : InvalidOid;
        if (OidIsValid(relation) && qd->estate->es_processed > 0 && !is_scratch_table(relation))
            add_nested_rows(running, qd->operation, relation, qd->estate->es_processed);
        return;
    }

    uint64 rows = 0;
    CmdType command = qd->operation;
    Oid relation = InvalidOid;
    if (top_level_changes_rows(qd)) {
        relation = first_result_relation(qd->plannedstmt, qd->plannedstmt->resultRelations);
        if (is_scratch_table(relation))
            relation = InvalidOid;
        else
            rows = qd->estate->es_processed;
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

} // namespace redline::row_budget
