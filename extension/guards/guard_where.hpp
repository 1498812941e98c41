// Rule 4: UPDATE, DELETE and MERGE must restrict their target rows (redline.require_where).
#pragma once

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
}

namespace redline::guard_where {

// Refuses q (ERROR RL001) if q, or a data-modifying WITH query in it, would change every
// row of its target. Called on the statement as written (after parse analysis: the only
// place a view target or the user's own WHERE is still visible) and again on every query
// the rewriter produced (before planning: rule actions, SQL-standard function bodies).
void check(Query *q);

} // namespace redline::guard_where
