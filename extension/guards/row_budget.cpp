// Counts what one statement a client sent changed, at any depth, and settles the count once
// the statement has run completely, before its transaction can commit.
//
// A client statement is one that starts at statement_depth 0: a plannable statement of a
// portal (its count settles at the ExecutorFinish of the portal's last query, so a rule's
// extra queries belong to it) or a utility statement (DO, CALL, EXECUTE…: settles when it
// ends). Work outside any client statement (deferred triggers fired by COMMIT, a fast-path
// function call) is counted per transaction and settles at its commit. A procedure that
// commits has one count per transaction: each COMMIT settles what came before it.
//
// The count lives in a Tally owned by the statement's portal memory (the transaction's for
// work outside a statement), which unlinks itself through a reset callback when that memory
// goes, on success and on error alike. A statement that changes nothing allocates nothing:
// its tally is made when something it runs first changes a row, and a plain UPDATE that
// causes no other write is settled from its own executor state.
#include "row_budget.hpp"
#include "boundary.hpp"
#include "every_row.hpp"
#include "refusal_pg.hpp"
#include "session_role.hpp"
#include "settings.hpp"
#include "statement_depth.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "nodes/execnodes.h"
#include "storage/proc.h"
#include "tcop/cmdtag.h"
#include "tcop/pquery.h"
#include "tcop/utility.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/rel.h"
}

namespace redline::row_budget {

namespace {

LocalTransactionId current_lxid()
{
#if PG_VERSION_NUM >= 170000
    return MyProc->vxid.lxid;
#else
    return MyProc->lxid;
#endif
}

// What one ModifyTable writes, as the statement named its target.
struct Write {
    Oid relid;
    bool counted;   // a permanent table: temporary tables are scratch space
    bool checked;   // may change rows that existed: UPDATE, DELETE, MERGE, INSERT … ON CONFLICT DO UPDATE
    bool inherited; // reaches partitions or child tables
    CmdType command;
};

Write describe(const ModifyTableState *mts)
{
    Relation rel = mts->rootResultRelInfo->ri_RelationDesc;
    auto *plan = reinterpret_cast<const ModifyTable *>(mts->ps.plan);
    char kind = rel->rd_rel->relkind;
    Write w;
    w.relid = RelationGetRelid(rel);
    w.counted = rel->rd_rel->relpersistence != RELPERSISTENCE_TEMP;
    w.checked = w.counted && (kind == RELKIND_RELATION || kind == RELKIND_PARTITIONED_TABLE) &&
                (mts->operation != CMD_INSERT || plan->onConflictAction == ONCONFLICT_UPDATE);
    w.inherited = plan->rootRelation > 0;
    w.command = mts->operation;
    return w;
}

const ModifyTableState *main_write(const QueryDesc *qd)
{
    if (qd->operation == CMD_SELECT || qd->planstate == nullptr || !IsA(qd->planstate, ModifyTableState))
        return nullptr;
    return castNode(ModifyTableState, qd->planstate);
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

struct TableCount {
    TableCount *next;
    Oid relid;
    uint64 rows;
};

// What a statement changed in permanent tables (in one transaction of it).
struct Counts {
    bool wrote;          // it wrote a permanent table, perhaps no row: it takes a stated count
    uint64 rows;         // every row changed
    uint64 literal_rows; // of those, the rows its own INSERT ... VALUES named
    TableCount *tables;
    every_row::Target *targets;
};

// Empties c, freeing its lists: a procedure that commits a million times keeps one tally.
void clear(Counts *c)
{
    while (c->tables != nullptr) {
        TableCount *next = c->tables->next;
        pfree(c->tables);
        c->tables = next;
    }
    while (c->targets != nullptr) {
        every_row::Target *next = c->targets->next;
        pfree(c->targets);
        c->targets = next;
    }
    *c = Counts{};
}

void add(Counts *c, const Write &w, uint64 rows, bool literal, MemoryContext cxt)
{
    if (!w.counted)
        return;
    c->wrote = true;
    c->rows += rows;
    if (literal)
        c->literal_rows += rows;
    if (rows > 0) {
        TableCount *table = c->tables;
        while (table != nullptr && table->relid != w.relid)
            table = table->next;
        if (table == nullptr) {
            table = static_cast<TableCount *>(MemoryContextAllocZero(cxt, sizeof(TableCount)));
            table->relid = w.relid;
            table->next = c->tables;
            c->tables = table;
        }
        table->rows += rows;
    }
    if (w.checked) {
        every_row::Target *target = c->targets;
        while (target != nullptr && target->relid != w.relid)
            target = target->next;
        if (target == nullptr) {
            target = static_cast<every_row::Target *>(MemoryContextAllocZero(cxt, sizeof(every_row::Target)));
            target->relid = w.relid;
            target->next = c->targets;
            c->targets = target;
        }
        target->inherited |= w.inherited;
    }
}

// ---- ModifyTables the executor does not count ----
// es_processed counts the rows of the one ModifyTable that sets the command tag. A
// data-modifying WITH query, and a rule's action (INSERT INTO log ... for each UPDATE, or a DO
// INSTEAD action of another command than the statement's), are counted as their ModifyTable
// consumes rows: one input tuple per row to change.

struct Uncounted {
    Uncounted *next;
    const EState *estate;
    PlanState *source;
    ExecProcNodeMtd source_real;
    Write write;
    uint64 rows;
};

// Those of every query now running; they unlink themselves when their query's memory goes.
Uncounted *uncounted = nullptr;

void forget_uncounted(void *arg)
{
    for (Uncounted **p = &uncounted; *p != nullptr;) {
        if ((*p)->estate == arg)
            *p = (*p)->next;
        else
            p = &(*p)->next;
    }
}

TupleTableSlot *counting_exec(PlanState *source)
{
    Uncounted *write = uncounted;
    while (write->source != source)
        write = write->next;
    TupleTableSlot *slot = write->source_real(source);
    if (!TupIsNull(slot))
        write->rows++;
    return slot;
}

bool watch(EState *estate, ModifyTableState *mts)
{
    PlanState *source = outerPlanState(mts);
    if (source == nullptr)
        return false;
    auto *write = static_cast<Uncounted *>(MemoryContextAllocZero(estate->es_query_cxt, sizeof(Uncounted)));
    write->estate = estate;
    write->source = source;
    write->source_real = source->ExecProcNodeReal;
    write->write = describe(mts);
    write->next = uncounted;
    uncounted = write;
    // ExecProcNodeFirst installs ExecProcNodeReal on the first call.
    source->ExecProcNodeReal = counting_exec;
    if (source->ExecProcNode == write->source_real)
        source->ExecProcNode = counting_exec;
    return true;
}

void watch_uncounted(QueryDesc *qd)
{
    EState *estate = qd->estate;
    bool watching = false;
    // Every ModifyTable that does not set the tag is listed there (ExecInitModifyTable).
    ListCell *lc;
    foreach (lc, estate->es_auxmodifytables)
        watching |= watch(estate, static_cast<ModifyTableState *>(lfirst(lc)));
    if (watching) {
        MemoryContext cxt = estate->es_query_cxt;
        auto *cb = static_cast<MemoryContextCallback *>(MemoryContextAllocZero(cxt, sizeof(MemoryContextCallback)));
        cb->func = forget_uncounted;
        cb->arg = estate;
        MemoryContextRegisterResetCallback(cxt, cb);
    }
}

void add_uncounted(Counts *c, const EState *estate, MemoryContext cxt)
{
    for (Uncounted *write = uncounted; write != nullptr; write = write->next) {
        if (write->estate != estate)
            continue;
        add(c, write->write, write->rows, false, cxt);
        write->rows = 0;
    }
}

// ---- Client statements ----

struct Tally {
    Tally *next;                // the live tallies
    Portal portal;              // the client statement's portal; nullptr: outside any statement
    const PlannedStmt *last;    // settles at this query's ExecutorFinish
    const PlannedStmt *utility; // settles when this utility statement ends
    CmdType operation;          // names a plannable statement
    LocalTransactionId lxid;    // the transaction the counts belong to
    CommandId start_cid;        // the statement's first command in it
    Counts counts;
    MemoryContext cxt;
    MemoryContextCallback on_free;
};

// The client statement now running, until something it runs changes a permanent table: only
// then is its tally made. Refreshed whenever a client statement starts or resumes, so it never
// outlives the portal it names by more than the failed statement's abort.
struct Opening {
    bool open;
    Portal portal;
    const PlannedStmt *last;
    const PlannedStmt *utility;
    CmdType operation;
    LocalTransactionId lxid;
    CommandId cid;
};

Opening opening;
Tally *live = nullptr;
Tally *running = nullptr; // the tally of the client statement now running, once made
bool xact_callback_registered = false;

void unlink(Tally *tally)
{
    for (Tally **p = &live; *p != nullptr; p = &(*p)->next) {
        if (*p == tally) {
            *p = tally->next;
            break;
        }
    }
    if (running == tally)
        running = nullptr;
}

void forget_tally(void *arg) { unlink(static_cast<Tally *>(arg)); }

// A procedure committed or rolled back since the tally last counted: what came before was
// settled by that COMMIT, or undone.
void follow_transaction(Tally *tally)
{
    LocalTransactionId lxid = current_lxid();
    if (tally->lxid == lxid)
        return;
    tally->lxid = lxid;
    tally->start_cid = FirstCommandId;
    clear(&tally->counts);
}

void at_xact_event(XactEvent event, void *);

Tally *current_tally()
{
    if (running != nullptr) {
        follow_transaction(running);
        return running;
    }
    if (!opening.open)
        return nullptr;
    MemoryContext cxt = opening.portal != nullptr ? opening.portal->portalContext : TopTransactionContext;
    auto *tally = static_cast<Tally *>(MemoryContextAllocZero(cxt, sizeof(Tally)));
    tally->portal = opening.portal;
    tally->last = opening.last;
    tally->utility = opening.utility;
    tally->operation = opening.operation;
    tally->lxid = current_lxid();
    tally->start_cid = opening.lxid == tally->lxid ? opening.cid : FirstCommandId;
    tally->cxt = cxt;
    tally->on_free.func = forget_tally;
    tally->on_free.arg = tally;
    MemoryContextRegisterResetCallback(cxt, &tally->on_free);
    tally->next = live;
    live = tally;
    running = tally;
    if (!xact_callback_registered) {
        RegisterXactCallback(at_xact_event, nullptr);
        xact_callback_registered = true;
    }
    return tally;
}

// What the person ran, as a refusal names it.
const char *statement_name(const Tally *tally)
{
    CmdType operation = tally->operation;
    if (tally->utility != nullptr) {
        // EXPLAIN ANALYZE UPDATE is named after the UPDATE it ran.
        Node *stmt = tally->utility->utilityStmt;
        Node *query = IsA(stmt, ExplainStmt) ? castNode(ExplainStmt, stmt)->query : nullptr;
        if (query == nullptr || !IsA(query, Query) || castNode(Query, query)->commandType == CMD_UTILITY)
            return GetCommandTagName(CreateCommandTag(stmt));
        operation = castNode(Query, query)->commandType;
    } else if (tally->portal == nullptr) {
        return "COMMIT";
    }
    return operation == CMD_SELECT ? "SELECT" : command_name(operation);
}

// ---- Settling ----

struct NamedRows {
    const char *name;
    uint64 rows;
};

[[noreturn]] void refuse_rows(const Counts *c, const char *command, int64 expected, int limit)
{
    int n = 0;
    for (TableCount *table = c->tables; table != nullptr; table = table->next)
        n++;
    auto *named = static_cast<NamedRows *>(palloc0(sizeof(NamedRows) * (n + 1)));
    int i = 0;
    for (TableCount *table = c->tables; table != nullptr; table = table->next, i++) {
        char *name = get_rel_name(table->relid);
        NamedRows row{name != nullptr ? name : "?", table->rows};
        int at = i;
        for (; at > 0 && named[at - 1].rows < row.rows; at--)
            named[at] = named[at - 1];
        named[at] = row;
    }
    PgRefusal *refusal = cpp_entry([&] {
        ChangedRows changed{command, c->rows, {}};
        for (int k = 0; k < n; k++)
            changed.tables.push_back(TableRows{named[k].name, named[k].rows});
        return to_pg(expected >= 0 ? refuse_row_count_mismatch(changed, expected) : refuse_row_budget(changed, limit));
    });
    raise_refusal(refusal);
}

// The verdict on what a statement changed: a stated count must match it exactly; without
// one, a non-exempt role stays within redline.max_rows, and no role may have changed every
// row of a table of more than small_table_rows rows while redline.require_where is on.
void settle_counts(const Counts *c, const char *command, CommandId start_cid)
{
    if (!c->wrote)
        return; // a stated count is left for the statement that writes
    bool stated = settings::expect_pending;
    settings::expect_pending = false;
    if (stated) {
        if (c->rows != static_cast<uint64>(settings::expect_rows))
            refuse_rows(c, command, settings::expect_rows, 0);
        return;
    }
    int limit = settings::max_rows();
    if (limit > 0 && c->rows - c->literal_rows > static_cast<uint64>(limit) && !session_is_exempt())
        refuse_rows(c, command, -1, limit);
    if (c->rows <= small_table_rows || !settings::require_where())
        return;
    for (const every_row::Target *target = c->targets; target != nullptr; target = target->next) {
        uint64 rows = every_row::rows_if_every_row_changed(target, start_cid, c->rows);
        if (rows <= small_table_rows)
            continue;
        char *name = get_rel_name(target->relid);
        PgRefusal *refusal =
            cpp_entry([&] { return to_pg(refuse_every_row(command, name != nullptr ? name : "?", rows, c->rows)); });
        raise_refusal(refusal);
    }
}

void settle(Tally *tally)
{
    follow_transaction(tally);
    settle_counts(&tally->counts, statement_name(tally), tally->start_cid);
    clear(&tally->counts);
}

void close(Tally *tally)
{
    unlink(tally);
    if (opening.open && opening.portal == tally->portal)
        opening.open = false;
}

// The common case: a client's INSERT, UPDATE, DELETE or MERGE that caused no other write.
void settle_alone(const QueryDesc *qd, const ModifyTableState *mts, CommandId start_cid)
{
    Write w = describe(mts);
    if (!w.counted)
        return;
    Counts c{};
    TableCount table{nullptr, w.relid, qd->estate->es_processed};
    every_row::Target target{nullptr, w.relid, w.inherited};
    c.wrote = true;
    c.rows = qd->estate->es_processed;
    c.literal_rows = inserts_literal_rows(qd) ? c.rows : 0;
    c.tables = c.rows > 0 ? &table : nullptr;
    c.targets = w.checked ? &target : nullptr;
    settle_counts(&c, command_name(qd->operation), start_cid);
}

void account(Tally *tally, const QueryDesc *qd, bool client)
{
    const ModifyTableState *mts = main_write(qd);
    if (mts != nullptr && mts->canSetTag)
        add(&tally->counts, describe(mts), qd->estate->es_processed, client && inserts_literal_rows(qd), tally->cxt);
    if (uncounted != nullptr)
        add_uncounted(&tally->counts, qd->estate, tally->cxt);
}

// A COMMIT (also one inside a procedure) settles what is still counted in its transaction:
// the writes of a procedure since its last COMMIT, and work outside any client statement.
void at_xact_event(XactEvent event, void *)
{
    if (event != XACT_EVENT_PRE_COMMIT && event != XACT_EVENT_PRE_PREPARE)
        return;
    LocalTransactionId lxid = current_lxid();
    for (Tally *tally = live; tally != nullptr;) {
        Tally *next = tally->next;
        if (tally->lxid == lxid && tally->counts.wrote) {
            if (tally->portal == nullptr)
                close(tally);
            settle(tally);
        }
        tally = next;
    }
}

// The portal's last plannable query (it settles the statement), and the command the client
// sent: the query that sets the command tag (a rule's actions are queries of the same portal).
const PlannedStmt *last_query(Portal portal, CmdType *command)
{
    const PlannedStmt *last = nullptr;
    ListCell *lc;
    foreach (lc, portal->stmts) {
        auto *stmt = lfirst_node(PlannedStmt, lc);
        if (stmt->commandType == CMD_UTILITY)
            continue;
        last = stmt;
        if (stmt->canSetTag)
            *command = stmt->commandType;
    }
    return last;
}

void open_statement(Portal portal, const PlannedStmt *last, const PlannedStmt *utility, CmdType operation)
{
    running = nullptr;
    opening = Opening{true, portal, last, utility, operation, current_lxid(), GetCurrentCommandId(false)};
}

// A query starts at statement_depth 0.
void begin_query(const QueryDesc *qd)
{
    Portal portal = ActivePortal;
    // The next query of the same client statement (a rule's action).
    if (portal != nullptr && running != nullptr && running->portal == portal && running->utility == nullptr)
        return;
    if (portal != nullptr) {
        CmdType command = qd->operation;
        const PlannedStmt *last = last_query(portal, &command);
        open_statement(portal, last, nullptr, command);
        return;
    }
    // Outside any client statement: one count for the transaction.
    LocalTransactionId lxid = current_lxid();
    for (Tally *tally = live; tally != nullptr; tally = tally->next) {
        if (tally->portal == nullptr && tally->lxid == lxid) {
            running = tally;
            return;
        }
    }
    open_statement(nullptr, nullptr, nullptr, qd->operation);
}

} // namespace

void on_start(QueryDesc *qd, int eflags)
{
    if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0)
        return;
    if (statement_depth == 0)
        begin_query(qd);
    if (qd->estate->es_auxmodifytables != NIL && settings::active())
        watch_uncounted(qd);
}

void on_run(QueryDesc *qd)
{
    if (statement_depth != 0)
        return;
    Portal portal = ActivePortal;
    if (portal == nullptr ||
        (running != nullptr ? running->portal == portal : opening.open && opening.portal == portal))
        return;
    for (Tally *tally = live; tally != nullptr; tally = tally->next) {
        if (tally->portal == portal && tally->utility == nullptr) {
            running = tally;
            return;
        }
    }
    open_statement(portal, qd->plannedstmt, nullptr, qd->operation);
}

void on_finish(QueryDesc *qd)
{
    if (!settings::active())
        return;
    const PlannedStmt *stmt = qd->plannedstmt;
    const ModifyTableState *mts = main_write(qd);
    bool writes = mts != nullptr || qd->estate->es_auxmodifytables != NIL;
    if (statement_depth != 0) {
        if (!writes)
            return;
        if (Tally *tally = current_tally())
            account(tally, qd, false);
        return;
    }
    // The client statement's own query, or work outside any statement.
    Tally *tally = running != nullptr && running->last == stmt ? running : nullptr;
    for (Tally *t = live; tally == nullptr && t != nullptr; t = t->next)
        if (t->last == stmt)
            tally = t;
    bool last = tally != nullptr || (opening.open && opening.last == stmt);
    if (tally == nullptr && last && qd->estate->es_auxmodifytables == NIL) {
        opening.open = false;
        if (mts != nullptr)
            settle_alone(qd, mts, opening.cid);
        return;
    }
    if (tally == nullptr && writes)
        tally = current_tally();
    if (tally == nullptr)
        return;
    follow_transaction(tally);
    if (writes)
        account(tally, qd, last);
    if (last) {
        close(tally);
        settle(tally);
    }
}

void utility_started(PlannedStmt *pstmt)
{
    // BEGIN, COMMIT, ROLLBACK change nothing themselves; what COMMIT fires is counted apart.
    if (IsA(pstmt->utilityStmt, TransactionStmt)) {
        running = nullptr;
        opening.open = false;
        return;
    }
    open_statement(ActivePortal, nullptr, pstmt, CMD_UTILITY);
}

void utility_finished(PlannedStmt *pstmt)
{
    Tally *tally = running != nullptr && running->utility == pstmt ? running : nullptr;
    for (Tally *t = live; tally == nullptr && t != nullptr; t = t->next)
        if (t->utility == pstmt)
            tally = t;
    if (opening.open && opening.utility == pstmt)
        opening.open = false;
    if (tally == nullptr)
        return;
    close(tally);
    if (settings::active())
        settle(tally);
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
