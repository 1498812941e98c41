// The rows of the guard table (guard_table.hpp), in the order they are asked.
#include "guard_table.hpp"
#include "approvals.hpp"
#include "ddl_classify.hpp"
#include "guard_audit_table.hpp"
#include "guard_lock.hpp"
#include "guard_where.hpp"
#include "settings.hpp"

namespace redline::guards {

namespace {

struct Guard {
    const char *name;
    Phase phase;
    Verdict (*check)(const StatementFacts &facts);
};

const Guard table[] = {
    // the statement as written, then every query the rewriter made of it (rule 4)
    {"require_where: as written", Phase::analyzed, guard_where::check_analyzed},
    {"require_where: rewritten", Phase::planned, guard_where::check_planned},
    // before the executor sets anything up
    {"write lock", Phase::executor_start, guard_lock::check_executor},
    {"append-only audit log", Phase::executor_start, guard_audit_table::check_executor},
    // before a utility statement runs
    {"tokens are never stored", Phase::utility, guard_lock::refuse_stored_token},
    {"append-only audit log", Phase::utility, guard_audit_table::check_utility},
    {"write lock", Phase::utility, guard_lock::check_utility},
    {"approval: ALTER SYSTEM", Phase::utility, approvals::check_alter_system},
    {"approval: DROP EXTENSION redline", Phase::utility, approvals::check_drop_extension},
    {"approval: large rewrite or scan", Phase::utility, ddl_classify::check},
    // wherever a function is about to run
    {"write lock: functions", Phase::function, guard_lock::check_function},
};

} // namespace

Verdict judge(const StatementFacts &facts)
{
    Verdict run = Verdict::allow();
    for (const Guard &guard : table) {
        if (guard.phase != facts.phase)
            continue;
        Verdict v = guard.check(facts);
        if (v.refused())
            return v;
        if (v.kind > run.kind)
            run = v;
    }
    return run;
}

} // namespace redline::guards
