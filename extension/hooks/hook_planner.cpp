// planner_hook: sees every query the rewriter produced (rule actions included) before it
// is planned, so a refused statement never gets a plan that could be cached and reused.
#include "guard_where.hpp"
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
    if (settings::active() && settings::require_where() && !in_plain_explain())
        guard_where::check(parse);
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
