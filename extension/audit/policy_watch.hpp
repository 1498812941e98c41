// Records every change of a redline.* policy setting, however it is made (SET, SET LOCAL,
// RESET, set_config(), a function's SET clause), as one policy_change row per setting, from
// one place. Changes are found by comparing the session's settings with the last values
// seen, only when settings::policy_generation says something changed. A reload is recorded
// once for the cluster by the audit launcher, not by every session.
#pragma once

#include "settings.hpp"

extern "C" {
#include "postgres.h"
}

namespace redline::policy_watch {

// A client statement is about to run: what changed since the last one without a statement
// of the session making it (a transaction's end undoing SET LOCAL, a reload) is taken as it
// is; what the session changed (a fast-path call) is recorded.
extern uint64 seen_generation;
void look_between_statements();
inline void statement_starts()
{
    if (unlikely(seen_generation != settings::policy_generation))
        look_between_statements();
}

// A client statement ended: every change it made is recorded.
void look_after_statement();
inline void statement_ends()
{
    if (unlikely(seen_generation != settings::policy_generation))
        look_after_statement();
}

// A function's SET clause just took effect (fmgr hook): recorded, and undone by PostgreSQL
// when the function returns.
void function_settings_applied(Oid function);

} // namespace redline::policy_watch
