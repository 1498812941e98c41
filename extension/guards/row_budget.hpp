// Rule 4's "SELECT count first", enforced on the statement a person ran: everything one
// statement a client sent changed in permanent tables (its own rows, its WITH queries, the
// triggers, cascades, functions, DO blocks and procedures it ran) is one count. A non-exempt
// role's count may not exceed redline.max_rows; a count stated beforehand with SET LOCAL
// redline.expect_rows = N must be exactly N; and, for every role while redline.require_where
// is on, a statement that changed every row of a table of more than a handful of rows is
// refused unless its count was stated. Each refusal comes before the transaction can commit.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/execdesc.h"
#include "nodes/plannodes.h"
}

namespace redline::row_budget {

// After every ExecutorStart (statement_depth 0: a statement a client sent begins, or work
// outside any client statement, like deferred triggers at COMMIT).
void on_start(QueryDesc *qd, int eflags);

// Before ExecutorRun at statement_depth 0: a portal resumed after another one ran (the
// extended protocol, a held cursor filled at COMMIT) counts into its own statement again.
void on_run(QueryDesc *qd);

// After every ExecutorFinish (all rows, triggers and WITH queries done): what qd changed is
// added to its client statement, and the client statement's last query settles it.
void on_finish(QueryDesc *qd);

// Around a utility statement a client sent (PROCESS_UTILITY_TOPLEVEL: DO, CALL, EXECUTE,
// EXPLAIN ANALYZE, COPY, FETCH…): opens its count, then settles it.
void utility_started(PlannedStmt *pstmt);
void utility_finished(PlannedStmt *pstmt);

// "INSERT", "UPDATE", "DELETE", "MERGE"; "statement" for anything else.
const char *command_name(CmdType op);

} // namespace redline::row_budget
