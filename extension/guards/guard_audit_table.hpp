// Rule 8's append-only audit log: nobody but redline inserts into, updates, deletes from,
// truncates, alters or drops redline.audit_log, superusers included, while redline enforces;
// nor links it to another table by inheritance or partitioning, nor renames its schema.
#pragma once

#include "facts.hpp"
#include "verdict.hpp"

extern "C" {
#include "postgres.h"
#include "executor/execdesc.h"
#include "nodes/parsenodes.h"
}

namespace redline::guard_audit_table {

Verdict check_executor(const StatementFacts &facts);
Verdict check_utility(const StatementFacts &facts);

} // namespace redline::guard_audit_table
