// post_parse_analyze_hook: sees each statement as the user wrote it, before views and
// rules are expanded, and asks guard_where about it.
#include "audit_statement.hpp"
#include "hooks.hpp"
#include "policy_watch.hpp"
#include "session_lock.hpp"
#include "settings.hpp"
#include "statement_depth.hpp"
#include "token_exposure.hpp"

extern "C" {
#include "parser/analyze.h"
}

namespace redline {

namespace {

post_parse_analyze_hook_type prev_post_parse_analyze = nullptr;

void redline_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate)
{
    // A token in the statement text is masked before any other hook (pg_stat_statements),
    // pg_stat_activity or current_query() can read it; the parser holds its own copy.
    token_exposure::statement_analyzed(pstate->p_sourcetext, query->stmt_location, query->stmt_len);
    if (prev_post_parse_analyze != nullptr)
        prev_post_parse_analyze(pstate, query, jstate);
    settings::report_derived_color();
    session_lock::on_statement();
    token_exposure::statement_started(pstate->p_sourcetext);
    if (statement_depth == 0)
        policy_watch::statement_starts();
    if (statement_depth == 0)
        audit_statement::analyzed(pstate->p_sourcetext, query->stmt_location, query->stmt_len);
    // EXPLAIN passes the statement it explains through this hook again; only EXPLAIN
    // ANALYZE executes it.
    static const bool judges_reads = guards::judges_reads(Phase::analyzed);
    judged_as_written = nullptr;
    if (judges_reads || facts::query_writes(query)) {
        StatementFacts facts = facts::of_query(Phase::analyzed, query);
        facts.explain_only = in_plain_explain();
        enforce(guards::judge(facts));
        if (statement_depth == 0 && query->commandType != CMD_UTILITY)
            judged_as_written = query;
    }
}

} // namespace

const Query *judged_as_written = nullptr;

void install_analyze_hook()
{
    prev_post_parse_analyze = post_parse_analyze_hook;
    post_parse_analyze_hook = redline_post_parse_analyze;
}

} // namespace redline
