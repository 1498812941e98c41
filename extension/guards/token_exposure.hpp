// A token the server is shown is spent. Every text redline can see — the statement, each
// log record, pg_stat_activity, a prepared statement's saved text — is masked in place
// before anyone else reads it, and each token found there (in any spelling) is remembered;
// one that is not used by the statement that showed it is recorded as spent, so that a
// leaked, mistyped or half-sent token never unlocks afterwards.
//
// When: log records are masked and remembered with no I/O, allocation or wait (bounded
// static storage). Spending happens at safe points: the start of the next client statement,
// the end of the transaction (before commit, and at abort), a refused unlock, and the end of
// the session.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace redline::token_exposure {

// The transaction callback (from _PG_init); the exit callback is registered per session.
void install();

// A client statement was parsed from `source` (post_parse_analyze, before any other hook
// sees it): the text and pg_stat_activity are masked, its tokens remembered. `location` and
// `length` place the statement in `source`. Only the client's own text (debug_query_string)
// is masked in place; a function's inner statements are masked where they are logged.
void statement_analyzed(const char *source, int location, int length);

// The safe point of a client statement, once its own tokens are remembered and a token
// given at connect was checked: the tokens earlier statements showed are spent.
void statement_started(const char *source);

// A client statement starts to run (ExecutorStart, ProcessUtility): the tokens it showed
// have had their chance to be used (`runs` false: it only saves them, as PREPARE does), and
// a text saved when it was parsed (the extended protocol) is masked too, with
// pg_stat_activity. One test until this session was shown a token.
extern bool shown_any;
void statement_executing(const char *source, bool runs);
inline void executing(const char *source, bool runs = true)
{
    if (unlikely(shown_any))
        statement_executing(source, runs);
}

// A log record (emit_log_hook): masked and remembered. No I/O, no allocation, no wait.
void log_record(ErrorData *edata);

// A token redline.unlock() or redline.session_token was given and refused: spent now, in
// whatever spelling it came, if it is a token an enrolled key signed.
void refused(const char *token);

} // namespace redline::token_exposure
