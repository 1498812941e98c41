// post_parse_analyze_hook: sees each statement as the user wrote it, before views and
// rules are expanded, and asks guard_where about it.
#include "audit_statement.hpp"
#include "hooks.hpp"
#include "policy_watch.hpp"
#include "redact.hpp"
#include "session_lock.hpp"
#include "settings.hpp"
#include "statement_depth.hpp"

extern "C" {
#include "parser/analyze.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
}

namespace redline {

namespace {

post_parse_analyze_hook_type prev_post_parse_analyze = nullptr;

void redline_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate)
{
    if (prev_post_parse_analyze != nullptr)
        prev_post_parse_analyze(pstate, query, jstate);
    settings::report_derived_color();
    // A token in the statement text is masked before anyone can read it back from
    // pg_stat_activity or current_query(); the parser already holds its own copy.
    // (The server log may have masked it already, so the activity is reported regardless.)
    if (unlikely(has_token(debug_query_string))) {
        (void)mask_tokens(const_cast<char *>(debug_query_string));
        pgstat_report_activity(STATE_RUNNING, debug_query_string);
    }
    session_lock::on_statement();
    if (statement_depth == 0)
        policy_watch::statement_starts();
    if (statement_depth == 0)
        audit_statement::analyzed(pstate->p_sourcetext, query->stmt_location, query->stmt_len);
    // EXPLAIN passes the statement it explains through this hook again; only EXPLAIN
    // ANALYZE executes it.
    static const bool judges_reads = guards::judges_reads(Phase::analyzed);
    if (judges_reads || facts::query_writes(query)) {
        StatementFacts facts = facts::of_query(Phase::analyzed, query);
        facts.explain_only = in_plain_explain();
        enforce(guards::judge(facts));
    }
}

} // namespace

void install_analyze_hook()
{
    prev_post_parse_analyze = post_parse_analyze_hook;
    post_parse_analyze_hook = redline_post_parse_analyze;
}

} // namespace redline
