// ProcessUtility_hook: the write lock's verdict on utility statements, tokens presented by
// SET, DISCARD ALL locking again, and a note when an EXPLAIN only shows a plan, so guards
// that refuse execution do not refuse a look at the plan.
#include "approvals.hpp"
#include "guard_lock.hpp"
#include "hooks.hpp"
#include "recycle_bin.hpp"
#include "session_lock.hpp"

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "commands/defrem.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
}

namespace redline {

namespace {

ProcessUtility_hook_type prev_process_utility = nullptr;
int plain_explain_depth = 0;

bool explain_executes(ExplainStmt *stmt)
{
    ListCell *lc;
    foreach (lc, stmt->options) {
        auto *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "analyze") == 0)
            return defGetBoolean(opt);
    }
    return false;
}

void call_next(PlannedStmt *pstmt, const char *query_string, bool read_only_tree, ProcessUtilityContext context,
               ParamListInfo params, QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc)
{
    if (prev_process_utility != nullptr)
        prev_process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    else
        standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
}

// Runs a statement the lock allows although it writes: temporary objects (with the
// read-only backstop lifted) or redline's own extension script (unlocked throughout).
void call_lifted(guard_lock::UtilityVerdict verdict, PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                 ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env, DestReceiver *dest,
                 QueryCompletion *qc)
{
    bool bootstrap = verdict == guard_lock::UtilityVerdict::allow_bootstrap;
    bool saved = XactReadOnly;
    XactReadOnly = false;
    if (bootstrap)
        session_lock::enter_bootstrap();
    guard_lock::enter_lifted();
    PG_TRY();
    {
        call_next(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    }
    PG_FINALLY();
    {
        guard_lock::leave_lifted();
        if (bootstrap)
            session_lock::leave_bootstrap();
        XactReadOnly = saved;
    }
    PG_END_TRY();
}

void run_statement(PlannedStmt *pstmt, const char *query_string, bool read_only_tree, ProcessUtilityContext context,
                   ParamListInfo params, QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc)
{
    Node *stmt = pstmt->utilityStmt;
    session_lock::on_statement();
    guard_lock::refuse_stored_token(stmt);
    auto verdict = guard_lock::check_utility(pstmt, context == PROCESS_UTILITY_SUBCOMMAND);
    if (IsA(stmt, AlterSystemStmt))
        approvals::check_alter_system(castNode(AlterSystemStmt, stmt));
    if (verdict != guard_lock::UtilityVerdict::allow) {
        call_lifted(verdict, pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        return;
    }
    if (IsA(stmt, DropStmt) && recycle_bin::drop_tables(castNode(DropStmt, stmt), "DROP TABLE")) {
        if (qc != nullptr)
            SetQueryCompletion(qc, CMDTAG_DROP_TABLE, 0);
        return;
    }
    if (IsA(stmt, AlterTableStmt))
        recycle_bin::keep_dropped_columns(castNode(AlterTableStmt, stmt));
    if (IsA(stmt, DiscardStmt) && castNode(DiscardStmt, stmt)->target == DISCARD_ALL) {
        // A pooled connection handed to its next client starts locked again.
        call_next(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        session_lock::lock();
        return;
    }
    if (IsA(stmt, VariableSetStmt)) {
        // SET redline.session_token = '...' is checked now, so a refusal is this statement's.
        call_next(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        session_lock::on_statement();
        return;
    }
    if (!IsA(stmt, ExplainStmt) || explain_executes(castNode(ExplainStmt, stmt))) {
        call_next(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        return;
    }
    plain_explain_depth++;
    PG_TRY();
    {
        call_next(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    }
    PG_FINALLY();
    {
        plain_explain_depth--;
    }
    PG_END_TRY();
}

void redline_process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                             ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                             DestReceiver *dest, QueryCompletion *qc)
{
    if (context == PROCESS_UTILITY_TOPLEVEL) {
        approvals::begin_statement();
        recycle_bin::forget_kept();
    }
    run_statement(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    // What the statement destroyed is approved, or the statement is refused before its
    // transaction can commit.
    approvals::settle(GetCommandTagName(CreateCommandTag(pstmt->utilityStmt)));
    recycle_bin::report_kept();
}

} // namespace

bool in_plain_explain() { return plain_explain_depth > 0; }

void install_utility_hook()
{
    prev_process_utility = ProcessUtility_hook;
    ProcessUtility_hook = redline_process_utility;
}

} // namespace redline
