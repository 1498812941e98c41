// Rule 4's "SELECT count first", enforced: a data-changing statement of a non-exempt role
// may change at most redline.max_rows rows, unless the count was stated beforehand with
// SET LOCAL redline.expect_rows = N, in which case it must change exactly N.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/execdesc.h"
}

namespace redline::row_budget {

// After ExecutorStart: the first data-changing statement to start takes the stated count.
void on_start(QueryDesc *qd, int eflags);

// After ExecutorFinish (all rows, triggers and WITH queries done): refuse (RL002/RL003)
// and so roll back a statement over budget or off its stated count.
void on_finish(QueryDesc *qd);

// "INSERT", "UPDATE", "DELETE", "MERGE"; "statement" for anything else.
const char *command_name(CmdType op);

} // namespace redline::row_budget
