// Tokens the server is shown are never readable back: every text redline can see — the
// statement, each log record, pg_stat_activity, a prepared statement's saved text — is
// masked in place before anyone else reads it, in whatever spelling the token came.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace redline::token_exposure {

// The transaction callback (from _PG_init).
void install();

// A client statement was parsed from `source` (post_parse_analyze, before any other hook
// sees it): the text and pg_stat_activity are masked. Only the client's own text
// (debug_query_string) is masked in place; a function's inner statements are masked where
// they are logged.
void statement_analyzed(const char *source, int location, int length);

// A client statement starts to run (ExecutorStart, ProcessUtility): a text saved when it was
// parsed (the extended protocol) is masked too, with pg_stat_activity. One test until this
// session was shown a token.
extern bool shown_any;
void statement_executing(const char *source);
inline void executing(const char *source)
{
    if (unlikely(shown_any))
        statement_executing(source);
}

// A log record (emit_log_hook): masked. No I/O, no allocation, no wait.
void log_record(ErrorData *edata);

} // namespace redline::token_exposure
