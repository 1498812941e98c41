// ProcessUtility_hook: notes when an EXPLAIN only shows a plan, so guards that refuse
// execution do not refuse a look at the plan.
#include "hooks.hpp"

extern "C" {
#include "postgres.h"
#include "commands/defrem.h"
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

void redline_process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                             ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                             DestReceiver *dest, QueryCompletion *qc)
{
    Node *stmt = pstmt->utilityStmt;
    if (stmt == nullptr || !IsA(stmt, ExplainStmt) || explain_executes(castNode(ExplainStmt, stmt))) {
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

} // namespace

bool in_plain_explain() { return plain_explain_depth > 0; }

void install_utility_hook()
{
    prev_process_utility = ProcessUtility_hook;
    ProcessUtility_hook = redline_process_utility;
}

} // namespace redline
