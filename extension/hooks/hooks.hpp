// redline's server hooks. install.cpp installs every one of them in one block; each hook
// (hook_*.cpp) is thin: it gathers the statement's facts, asks the guard table, acts on the
// verdict and chains to the hook before it on every path.
#pragma once

#include "guard_table.hpp"
#include "refusal_pg.hpp"

extern "C" {
#include "postgres.h"
#include "catalog/objectaccess.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "tcop/utility.h"
#include "utils/elog.h"
}

namespace redline {

// From _PG_init: every hook, in one block (install.cpp).
void install_hooks();

// The hook each of redline's replaced. Where PostgreSQL has a standard function it is the
// seed, so chaining needs no branch.
extern post_parse_analyze_hook_type prev_post_parse_analyze;
extern planner_hook_type prev_planner;
extern ExecutorStart_hook_type prev_executor_start;
extern ExecutorRun_hook_type prev_executor_run;
extern ExecutorFinish_hook_type prev_executor_finish;
extern ProcessUtility_hook_type prev_process_utility;
extern object_access_hook_type prev_object_access;
extern fmgr_hook_type prev_fmgr;
extern emit_log_hook_type prev_emit_log;

// The hooks themselves.
void redline_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate); // hook_analyze.cpp
PlannedStmt *redline_planner(Query *parse, const char *query_string, int cursor_options,
                             ParamListInfo params);     // hook_planner.cpp
void redline_executor_start(QueryDesc *qd, int eflags); // hook_executor.cpp
void redline_executor_run(QueryDesc *qd, ScanDirection direction, uint64 count, bool execute_once);
void redline_executor_finish(QueryDesc *qd);
void redline_process_utility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                             ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                             DestReceiver *dest, QueryCompletion *qc); // hook_utility.cpp
void redline_object_access(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id,
                           void *arg); // hook_access.cpp: functions about to run
void redline_fmgr(FmgrHookEventType event, FmgrInfo *flinfo,
                  Datum *private_data);  // hook_fmgr.cpp: policy set by a function's SET clause
void redline_emit_log(ErrorData *edata); // hook_log.cpp: masks every record first, then the audit sees it

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
