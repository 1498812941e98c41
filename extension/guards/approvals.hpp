// Protected operations (redline.protected): destruction caught wherever it happens (the
// object-access hook's drop and truncate events), settled at the end of the statement that
// caused it — approved by a second person's token for every object, or refused (RL200)
// before the transaction can commit, so nothing is destroyed.
#pragma once

#include "facts.hpp"
#include "verdict.hpp"

extern "C" {
#include "postgres.h"
#include "catalog/objectaccess.h"
#include "nodes/parsenodes.h"
}

namespace redline::approvals {

// Registers the transaction callbacks that forget what an aborted statement noted.
void install();

// From the object-access hook: notes a protected object about to be dropped or truncated.
void note_access(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id, void *arg);

// Notes a table a statement is about to remove without dropping it (the recycle bin).
void note_table(unsigned op, Oid relid);

// A rewrite or scan of a large table (ddl_classify) needs an approval of op "rewrite" on it,
// decided before the statement runs; refused with RL201 otherwise.
PgRefusal *require_rewrite(Oid relid, const char *statement, const char *lock, bool rewrites, int64 size_bytes,
                           double est_seconds, int cause);

// From the utility hook, before a statement: forgets anything left from a failed one.
void begin_statement();
// After a statement: every noted object must be approved, or the statement is refused.
void settle(const char *statement);
// The same as a refusal to raise (nullptr: approved, and the approvals are spent).
PgRefusal *settle_verdict(const char *statement);

// ALTER SYSTEM writes a file no rollback undoes: approved before it runs.
Verdict check_alter_system(const StatementFacts &facts);

// DROP EXTENSION redline takes the audit log with it: approved before it runs.
Verdict check_drop_extension(const StatementFacts &facts);

} // namespace redline::approvals
