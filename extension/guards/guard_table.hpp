// The guard table: every rule redline enforces is one row {name, phase, check}. A hook
// gathers the statement's facts once and asks judge(); adding a rule is one guard file and
// one row (docs/architecture.md).
#pragma once

#include "facts.hpp"
#include "verdict.hpp"

namespace redline::guards {

// Asks the guards of facts.phase in the table's order: the first refusal is the verdict;
// otherwise the strongest way to run that any guard asked for (lifted, bootstrap), or allow.
Verdict judge(const StatementFacts &facts);

// Whether any guard of this phase is asked about a statement that changes nothing: when
// none is, a hook skips gathering facts for a plain read (the common statement).
bool judges_reads(Phase phase);

} // namespace redline::guards
