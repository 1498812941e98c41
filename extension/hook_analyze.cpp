// post_parse_analyze_hook: sees each statement as the user wrote it, before views and
// rules are expanded, and asks guard_where about it.
#include "guard_where.hpp"
#include "hooks.hpp"
#include "settings.hpp"

extern "C" {
#include "parser/analyze.h"
}

namespace redline {

namespace {

post_parse_analyze_hook_type prev_post_parse_analyze = nullptr;

void redline_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate)
{
    if (prev_post_parse_analyze != nullptr)
        prev_post_parse_analyze(pstate, query, jstate);
    settings::report_derived_color();
    // EXPLAIN passes the statement it explains through this hook again; only EXPLAIN
    // ANALYZE executes it.
    if (query->commandType == CMD_UTILITY || in_plain_explain())
        return;
    if (settings::active() && settings::require_where())
        guard_where::check(query);
}

} // namespace

void install_analyze_hook()
{
    prev_post_parse_analyze = post_parse_analyze_hook;
    post_parse_analyze_hook = redline_post_parse_analyze;
}

} // namespace redline
