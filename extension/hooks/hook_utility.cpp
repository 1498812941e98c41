// ProcessUtility_hook: the write lock's verdict on utility statements, tokens presented by
// SET, DISCARD ALL locking again, and a note when an EXPLAIN only shows a plan, so guards
// that refuse execution do not refuse a look at the plan.
#include "approvals.hpp"
#include "audit_log.hpp"
#include "audit_queue.hpp"
#include "audit_statement.hpp"
#include "ddl_classify.hpp"
#include "guard_audit_table.hpp"
#include "guard_lock.hpp"
#include "hooks.hpp"
#include "policy_watch.hpp"
#include "recycle_bin.hpp"
#include "row_budget.hpp"
#include "session_lock.hpp"
#include "settings.hpp"
#include "statement_depth.hpp"
#include "token_exposure.hpp"

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "commands/defrem.h"
#include "storage/proc.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/guc.h"
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
void call_lifted(const Verdict &verdict, PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                 ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env, DestReceiver *dest,
                 QueryCompletion *qc)
{
    bool bootstrap = verdict.kind == Verdict::Kind::run_bootstrap;
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

// Statements that need a database nobody is connected to: redline's audit writer leaves it.
void leave_database_for(Node *stmt)
{
    if (IsA(stmt, DropdbStmt)) {
        audit_queue::dismiss_writer(castNode(DropdbStmt, stmt)->dbname);
    } else if (IsA(stmt, RenameStmt) && castNode(RenameStmt, stmt)->renameType == OBJECT_DATABASE) {
        audit_queue::dismiss_writer(castNode(RenameStmt, stmt)->subname);
    } else if (IsA(stmt, AlterDatabaseStmt)) {
        audit_queue::dismiss_writer(castNode(AlterDatabaseStmt, stmt)->dbname);
    } else if (IsA(stmt, CreatedbStmt)) {
        const char *template_db = "template1";
        ListCell *lc;
        foreach (lc, castNode(CreatedbStmt, stmt)->options) {
            auto *opt = lfirst_node(DefElem, lc);
            if (strcmp(opt->defname, "template") == 0 && opt->arg != nullptr)
                template_db = defGetString(opt);
        }
        audit_queue::dismiss_writer(template_db);
    }
}

// ALTER SYSTEM takes effect at the next reload whatever the transaction does: recorded now.
void note_alter_system(AlterSystemStmt *stmt)
{
    const char *name = stmt->setstmt->name;
    if (name == nullptr || strncmp(name, "redline.", 8) != 0)
        return;
    audit::policy_change(psprintf("ALTER SYSTEM %s %s", stmt->setstmt->kind == VAR_RESET ? "RESET" : "SET", name));
}

void run_statement(PlannedStmt *pstmt, const char *query_string, bool read_only_tree, ProcessUtilityContext context,
                   ParamListInfo params, QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc)
{
    Node *stmt = pstmt->utilityStmt;
    session_lock::on_statement();
    Verdict verdict = guards::judge(facts::of_utility(pstmt, context == PROCESS_UTILITY_SUBCOMMAND));
    enforce(verdict);
    leave_database_for(stmt);
    if (verdict.kind != Verdict::Kind::allow) {
        call_lifted(verdict, pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        return;
    }
    if (IsA(stmt, DropStmt) && recycle_bin::drop_tables(castNode(DropStmt, stmt), "DROP TABLE")) {
        // The hooks below (pgaudit, pg_stat_statements) still see this DROP TABLE.
        call_next(recycle_bin::left_to_drop(pstmt), query_string, false, context, params, query_env, dest, qc);
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
    if (IsA(stmt, AlterSystemStmt)) {
        call_next(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        note_alter_system(castNode(AlterSystemStmt, stmt));
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

void process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree, ProcessUtilityContext context,
                     ParamListInfo params, QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc)
{
    if (context == PROCESS_UTILITY_TOPLEVEL) {
        approvals::begin_statement();
        recycle_bin::forget_kept();
        row_budget::utility_started(pstmt);
    }
    // DDL waits at most redline.ddl_lock_timeout for its lock, unless the session asked for
    // less: a DDL queued behind a long transaction would queue every query behind itself.
    int ddl_timeout = settings::active() ? settings::ddl_lock_timeout_ms() : 0;
    bool bounded = ddl_timeout > 0 && (LockTimeout == 0 || LockTimeout > ddl_timeout) &&
                   GetCommandLogLevel(pstmt->utilityStmt) == LOGSTMT_DDL;
    if (!bounded) {
        run_statement(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    } else {
        int nest = NewGUCNestLevel();
        char value[32];
        snprintf(value, sizeof value, "%d", ddl_timeout);
        (void)set_config_option("lock_timeout", value, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
        MemoryContext cxt = CurrentMemoryContext;
        PG_TRY();
        {
            run_statement(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(cxt);
            ErrorData *error = CopyErrorData();
            if (error->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
                PG_RE_THROW();
            FlushErrorState();
            ereport(ERROR,
                    (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                     errmsg("%s gave up waiting for its lock after redline.ddl_lock_timeout (%d ms)",
                            GetCommandTagName(CreateCommandTag(pstmt->utilityStmt)), ddl_timeout),
                     errdetail("%s. Another transaction holds a conflicting lock; had this statement kept waiting, "
                               "every query on the table would have queued behind it.",
                               error->message),
                     errhint("Find what holds it: SELECT pid, state, now() - xact_start AS open_for, query FROM "
                             "pg_stat_activity WHERE xact_start IS NOT NULL ORDER BY xact_start; then retry when it "
                             "has ended.")));
        }
        PG_END_TRY();
        AtEOXact_GUC(true, nest);
    }
    // What the statement changed and destroyed is counted and approved, or the statement is
    // refused before its transaction can commit.
    if (context == PROCESS_UTILITY_TOPLEVEL)
        row_budget::utility_finished(pstmt);
    approvals::settle(GetCommandTagName(CreateCommandTag(pstmt->utilityStmt)));
    recycle_bin::report_kept();
}

void redline_process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                             ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                             DestReceiver *dest, QueryCompletion *qc)
{
    token_exposure::executing(query_string, !IsA(pstmt->utilityStmt, PrepareStmt));
    audit_statement::utility_started(pstmt, query_string);
    if (statement_depth == 0)
        policy_watch::statement_starts();
    MemoryContext cxt = CurrentMemoryContext;
    int depth = statement_depth++;
    PG_TRY();
    {
        process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
    }
    PG_CATCH();
    {
        // A DO block's assignment, a CALL argument or an EXECUTE parameter that ran into the
        // read-only backstop is refused as redline refuses.
        statement_depth = depth;
        if (session_lock::locked())
            rethrow_backstop(cxt);
        PG_RE_THROW();
    }
    PG_END_TRY();
    statement_depth = depth;
    if (depth == 0)
        policy_watch::statement_ends();
    audit_statement::utility_finished(pstmt, qc);
}

} // namespace

bool in_plain_explain() { return plain_explain_depth > 0; }

void install_utility_hook()
{
    prev_process_utility = ProcessUtility_hook;
    ProcessUtility_hook = redline_process_utility;
}

} // namespace redline
