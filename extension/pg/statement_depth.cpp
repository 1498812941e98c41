// The one nesting counter (statement_depth.hpp). A statement that fails unwinds without
// passing its hooks' exits, so the counter is put back where PostgreSQL recovers: at the
// end of the transaction, and when a subtransaction (a PL/pgSQL exception block, a
// savepoint) rolls back, to its value when that subtransaction began.
#include "statement_depth.hpp"

extern "C" {
#include "postgres.h"
#include "access/xact.h"
}

namespace redline {

int statement_depth = 0;

namespace {

constexpr int tracked_levels = 128; // deeper subtransactions are restored by their parents
int depth_at_level[tracked_levels];

void on_xact(XactEvent event, void *)
{
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT || event == XACT_EVENT_COMMIT ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PREPARE)
        statement_depth = 0;
}

void on_subxact(SubXactEvent event, SubTransactionId, SubTransactionId, void *)
{
    int level = GetCurrentTransactionNestLevel();
    if (level <= 0 || level >= tracked_levels)
        return;
    if (event == SUBXACT_EVENT_START_SUB)
        depth_at_level[level] = statement_depth;
    else if (event == SUBXACT_EVENT_ABORT_SUB)
        statement_depth = depth_at_level[level];
}

} // namespace

void install_statement_depth()
{
    RegisterXactCallback(on_xact, nullptr);
    RegisterSubXactCallback(on_subxact, nullptr);
}

} // namespace redline
