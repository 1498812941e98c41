// One audit row per statement a client sent: the writes and DDL a statement made, at any
// depth (functions, DO blocks, triggers, EXECUTE, EXPLAIN ANALYZE), are collected and
// recorded once, with the statement's own text, when it ends.
#pragma once

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "executor/execdesc.h"
#include "nodes/plannodes.h"
#include "tcop/cmdtag.h"
}

namespace redline::audit_statement {

// Nesting of executor runs and utility statements; 0 between client statements. Kept by
// the hooks (reset by them on error).

// The client statement being analysed (refusals before execution name it).
void analyzed(const char *source, int location, int length);
// The current client statement's own text (palloc'd, tokens masked), or nullptr.
char *current_text();

void executor_started(QueryDesc *qd);
// After the executor finished: notes a write; records the statement at depth 0.
void executor_finished(QueryDesc *qd);
void utility_started(PlannedStmt *pstmt, const char *query_string);
// After a utility statement ran: notes DDL, COPY FROM; records the statement at depth 0.
void utility_finished(PlannedStmt *pstmt, QueryCompletion *qc);

// A refusal: the statement's failure is recorded as refused, not as an attempt too.
void refused();

// A (sub)transaction rolls back (InvalidSubTransactionId: the whole transaction): a client
// statement that started writing inside it and never finished is recorded as an attempt.
void at_abort(SubTransactionId sub);

} // namespace redline::audit_statement
