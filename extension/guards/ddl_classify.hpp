// ALTER TABLE and CREATE INDEX, classified before they run (rules 3 and 10): the lock they
// take, whether they rewrite or scan the table, its size and a rough duration. A rewrite or
// scan of a table above redline.max_rewrite_size needs an approval (op "rewrite"); DDL runs
// under redline.ddl_lock_timeout.
#pragma once

#include "facts.hpp"
#include "verdict.hpp"

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
#include "storage/lockdefs.h"
}

namespace redline::ddl_classify {

enum Work : unsigned {
    work_none = 0,
    work_scan = 1,    // reads every row (validation, index build)
    work_rewrite = 2, // writes a new copy of the table
};

// Why a statement rewrites or scans: selects the safe pattern offered instead.
enum Cause {
    cause_none,
    cause_type_change,
    cause_volatile_default,
    cause_stored_column,
    cause_persistence,
    cause_storage,
    cause_constraint,
    cause_not_null,
    cause_index
};

struct Verdict {
    bool applies; // an ALTER TABLE or CREATE INDEX on an existing permanent table
    Oid relid;
    LOCKMODE lock;
    unsigned work; // Work bits
    Cause cause;
    int64 size_bytes;   // the table's heap
    double est_seconds; // rough: rewrite at ~100 MB/s, scan at ~400 MB/s
    bool large;         // above redline.max_rewrite_size (and that setting is on)
};

// Classifies a raw (untransformed) utility statement. Takes AccessShareLock on the table to
// read its size, as the statement itself would lock it more strongly anyway.
Verdict classify(Node *stmt);

// Before a utility statement: a large rewrite or scan needs an approval of op "rewrite" on
// the table; refused (RL201) with lock, size, estimate and the safe pattern otherwise.
redline::Verdict check(const StatementFacts &facts);

// "ACCESS EXCLUSIVE" for a lock mode.
const char *lock_name(LOCKMODE mode);

} // namespace redline::ddl_classify
