// Rule 4: UPDATE, DELETE and MERGE must restrict their target rows (redline.require_where).
#pragma once

#include "facts.hpp"
#include "verdict.hpp"

extern "C" {
#include "postgres.h"
#include "nodes/parsenodes.h"
}

namespace redline::guard_where {

// Refuses (RL001) a statement that, or a data-modifying WITH query in which, would change
// every row of its target. Asked on the statement as written (after parse analysis: the
// only place a view target or the user's own WHERE is still visible) and again on every
// query the rewriter produced (before planning: rule actions, SQL-standard function bodies).
Verdict check_analyzed(const StatementFacts &facts);
Verdict check_planned(const StatementFacts &facts);

} // namespace redline::guard_where
