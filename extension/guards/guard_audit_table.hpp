// Rule 8's append-only audit log: nobody but redline inserts into, updates, deletes from,
// truncates, alters or drops redline.audit_log, superusers included, while redline enforces.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/execdesc.h"
#include "nodes/parsenodes.h"
}

namespace redline::guard_audit_table {

void check_executor(QueryDesc *qd);
void check_utility(Node *stmt);

} // namespace redline::guard_audit_table
