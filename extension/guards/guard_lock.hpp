// What a locked session may not do (rule 2) and what a gated one may (rule 6): the checks
// the executor, utility and object-access hooks ask before anything runs.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/execdesc.h"
#include "nodes/plannodes.h"
}

#include "refusal_pg.hpp"

namespace redline::guard_lock {

// Before ExecutorStart: refuses writes to permanent relations and row locks (RL004), or,
// at the connect gate, reading relations at all (RL006). Marks the transaction read-only
// as a backstop.
void check_executor(QueryDesc *qd, int eflags);

enum class UtilityVerdict {
    allow,           // runs as it is
    allow_temporary, // touches only temporary objects: runs with the backstop lifted
    allow_bootstrap, // CREATE/ALTER EXTENSION redline: its script runs unlocked
};

// Before a utility statement: refuses (RL004/RL006) or says how to run it. The
// subcommands of an allowed statement (the sequence of a temporary serial column) are
// allowed with it.
UtilityVerdict check_utility(PlannedStmt *pstmt, bool subcommand);

// Refuses, for every session, a statement that would store a session token where others can
// read it: ALTER ROLE/DATABASE ... SET and a function's SET clause.
void refuse_stored_token(Node *stmt);

// While an allowed temporary or bootstrap statement runs (its subcommands are its own).
void enter_lifted();
void leave_lifted();

// Before a function is set up to run anywhere (executor, fast-path calls): refuses the
// functions that write outside the executor's sight (large objects, server files,
// configuration reload, WAL and replication state), and at the connect gate every
// function that is not redline's own.
void check_function(Oid funcid);

// PostgreSQL's own read-only refusal in a locked session (the backstop: nextval() on a
// permanent sequence) as redline's refusal, with the way to unlock; nullptr for any other
// error. Reads no catalog: the error is being thrown.
PgRefusal *backstop_refusal(const ErrorData *error);

// From _PG_init: forgets function verdicts when pg_proc changes.
void install();

} // namespace redline::guard_lock
