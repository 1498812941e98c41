// ExecutorStart/Run/Finish hooks: the write lock refuses before anything is set up; the
// row budget counts what a statement changed after it ran completely and before its
// transaction can commit.
#include "audit_log.hpp"
#include "audit_statement.hpp"
#include "boundary.hpp"
#include "guard_lock.hpp"
#include "hooks.hpp"
#include "policy_watch.hpp"
#include "refusal_pg.hpp"
#include "row_budget.hpp"
#include "session_lock.hpp"
#include "settings.hpp"
#include "statement_depth.hpp"
#include "token_exposure.hpp"

extern "C" {
#include "executor/executor.h"
#include "utils/errcodes.h"
}

namespace redline {

namespace {

ExecutorStart_hook_type prev_executor_start = nullptr;
ExecutorFinish_hook_type prev_executor_finish = nullptr;
ExecutorRun_hook_type prev_executor_run = nullptr;

void redline_executor_start(QueryDesc *qd, int eflags)
{
    token_exposure::executing(qd->sourceText);
    session_lock::on_statement();
    if (statement_depth == 0)
        policy_watch::statement_starts();
    // A plain read of a session the lock does not hold: no guard of this phase judges it.
    if (facts::plan_writes(qd->plannedstmt) || session_lock::locked()) {
        StatementFacts facts = facts::of_executor(qd, eflags);
        enforce(guards::judge(facts));
        // The backstop: core then refuses what no hook sees (nextval() on a permanent sequence).
        if (facts.locked && !facts.explain_only)
            session_lock::force_read_only();
    }
    if (prev_executor_start != nullptr)
        prev_executor_start(qd, eflags);
    else
        standard_ExecutorStart(qd, eflags);
    row_budget::on_start(qd, eflags);
    if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0)
        audit_statement::executor_started(qd);
}

void call_run(QueryDesc *qd, ScanDirection direction, uint64 count, bool execute_once)
{
    if (prev_executor_run != nullptr)
        prev_executor_run(qd, direction, count, execute_once);
    else
        standard_ExecutorRun(qd, direction, count, execute_once);
}

void call_finish(QueryDesc *qd)
{
    if (prev_executor_finish != nullptr)
        prev_executor_finish(qd);
    else
        standard_ExecutorFinish(qd);
}

// Statements run inside this one (functions, triggers) are nested: their writes belong to
// the client's statement. In a locked session, PostgreSQL's read-only error becomes
// redline's refusal.
void redline_executor_run(QueryDesc *qd, ScanDirection direction, uint64 count, bool execute_once)
{
    row_budget::on_run(qd);
    int depth = statement_depth++;
    if (likely(!session_lock::locked())) {
        call_run(qd, direction, count, execute_once);
        statement_depth = depth;
        return;
    }
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        call_run(qd, direction, count, execute_once);
    }
    PG_CATCH();
    {
        statement_depth = depth;
        rethrow_backstop(cxt);
    }
    PG_END_TRY();
    statement_depth = depth;
}

void redline_executor_finish(QueryDesc *qd)
{
    // A token presented by set_config() in this statement is checked before it ends, so a
    // refusal belongs to the statement that presented it.
    session_lock::on_statement();
    int depth = statement_depth++;
    if (likely(!session_lock::locked())) {
        call_finish(qd);
    } else {
        MemoryContext cxt = CurrentMemoryContext;
        PG_TRY();
        {
            call_finish(qd);
        }
        PG_CATCH();
        {
            statement_depth = depth;
            rethrow_backstop(cxt);
        }
        PG_END_TRY();
    }
    statement_depth = depth;
    row_budget::on_finish(qd);
    // After the row budget: a statement it rolls back is recorded as refused, not written.
    audit_statement::executor_finished(qd);
    if (statement_depth == 0)
        policy_watch::statement_ends();
}

} // namespace

void rethrow_backstop(MemoryContext caller_cxt)
{
    MemoryContextSwitchTo(caller_cxt);
    ErrorData *error = CopyErrorData();
    PgRefusal *refusal = guard_lock::backstop_refusal(error);
    if (refusal == nullptr) {
        FreeErrorData(error);
        PG_RE_THROW();
    }
    FlushErrorState();
    audit::refused_while_failing(refusal, audit_statement::current_text());
    error->sqlerrcode = refusal->sqlerrcode;
    error->message = refusal->message;
    error->detail = refusal->detail;
    error->hint = refusal->hint;
    ReThrowError(error);
}

void install_executor_hooks()
{
    prev_executor_start = ExecutorStart_hook;
    ExecutorStart_hook = redline_executor_start;
    prev_executor_run = ExecutorRun_hook;
    ExecutorRun_hook = redline_executor_run;
    prev_executor_finish = ExecutorFinish_hook;
    ExecutorFinish_hook = redline_executor_finish;
}

} // namespace redline
