// What a locked session may not do (rule 2) and what a gated one may (rule 6): the write
// lock's rows of the guard table, asked before anything runs.
#pragma once

#include "facts.hpp"
#include "verdict.hpp"

namespace redline::guard_lock {

// executor_start: refuses writes to permanent relations and row locks (RL100), or, at the
// connect gate, reading relations at all.
Verdict check_executor(const StatementFacts &facts);

// utility: refuses, or allows, or says how to run the statement: past PostgreSQL's read-only
// check (the session's temporary objects only) or unlocked (CREATE/ALTER EXTENSION redline).
// The subcommands of such a statement (the sequence of a temporary serial column) go with it.
Verdict check_utility(const StatementFacts &facts);

// utility, for every session: a statement that would store a session token where others
// can read it (ALTER ROLE/DATABASE ... SET, a function's SET clause).
Verdict refuse_stored_token(const StatementFacts &facts);

// function: a function about to run anywhere (executor, PL/pgSQL, CALL arguments, fast-path
// calls): refuses those that write outside the executor's sight and ignore a read-only
// transaction (large objects, server files, WAL and replication state, index summaries),
// and at the connect gate every function that is not redline's own.
Verdict check_function(const StatementFacts &facts);

// While an allowed temporary or bootstrap statement runs (its subcommands are its own).
void enter_lifted();
void leave_lifted();

// PostgreSQL's own read-only refusal in a locked session (the backstop: nextval() on a
// permanent sequence) as redline's refusal, with the way to unlock; nullptr for any other
// error. Reads no catalog: the error is being thrown.
PgRefusal *backstop_refusal(const ErrorData *error);

// From _PG_init: forgets function verdicts when pg_proc changes.
void install();

} // namespace redline::guard_lock
