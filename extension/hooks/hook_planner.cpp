// planner_hook: sees every query the rewriter produced (rule actions included) before it
// is planned, so a refused statement never gets a plan that could be cached and reused.
#include "hooks.hpp"
#include "settings.hpp"

extern "C" {
#include "optimizer/planner.h"
}

namespace redline {

namespace {

planner_hook_type prev_planner = nullptr;

PlannedStmt *redline_planner(Query *parse, const char *query_string, int cursor_options, ParamListInfo params)
{
    static const bool judges_reads = guards::judges_reads(Phase::planned);
    bool unchanged = parse == judged_as_written;
    judged_as_written = nullptr;
    if (!unchanged && (judges_reads || facts::query_writes(parse))) {
        StatementFacts facts = facts::of_query(Phase::planned, parse);
        facts.explain_only = in_plain_explain();
        enforce(guards::judge(facts));
    }
    if (prev_planner != nullptr)
        return prev_planner(parse, query_string, cursor_options, params);
    return standard_planner(parse, query_string, cursor_options, params);
}

} // namespace

void install_planner_hook()
{
    prev_planner = planner_hook;
    planner_hook = redline_planner;
}

} // namespace redline
