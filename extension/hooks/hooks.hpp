// Installation of redline's server hooks. Each hook is thin: it chains to the previous
// hook (or the standard function) on every path and asks the guards for a verdict.
#pragma once

#include "guard_table.hpp"
#include "refusal_pg.hpp"

extern "C" {
#include "postgres.h"
}

namespace redline {

void install_analyze_hook();
void install_planner_hook();
void install_executor_hooks();
void install_utility_hook();
void install_access_hooks(); // object access (function execution)
void install_fmgr_hook();    // policy settings changed by a function's SET clause
void install_log_hook();     // emit_log_hook: masks every record first, then the audit sees it

// Inside PG_CATCH of a hook of a locked session (caller_cxt: the context the hook ran in):
// the read-only backstop's error is raised again as redline's refusal and audited as its
// transaction rolls back; any other error is raised again unchanged.
[[noreturn]] void rethrow_backstop(MemoryContext caller_cxt);

// Acts on a guard table's verdict: a refusal is audited and raised.
inline void enforce(const Verdict &verdict)
{
    if (unlikely(verdict.refused()))
        raise_refusal(verdict.refusal);
}

// The client's statement as the analyze hook judged it. The rewriter hands the same tree to
// the planner when no rule or view replaced it (only adding a view's conditions, which
// restrict): the planner's guards then have nothing new to judge. Reset at every analysis;
// taken once.
extern const Query *judged_as_written;

// True while an EXPLAIN without ANALYZE is running: its plan is shown, never executed.
bool in_plain_explain();

} // namespace redline
