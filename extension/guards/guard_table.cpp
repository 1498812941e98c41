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
    bool reads; // also asked about statements that change nothing (executor_start: only in a
                // session the write lock holds; a hook skips the rest)
    Verdict (*check)(const StatementFacts &facts);
};

const Guard table[] = {
    // the statement as written, then every query the rewriter made of it (rule 4)
    {"require_where: as written", Phase::analyzed, false, guard_where::check_analyzed},
    {"require_where: rewritten", Phase::planned, false, guard_where::check_planned},
    // before the executor sets anything up (at the connect gate, reading is refused too)
    {"write lock", Phase::executor_start, true, guard_lock::check_executor},
    {"append-only audit log", Phase::executor_start, false, guard_audit_table::check_executor},
    // before a utility statement runs
    {"tokens are never stored", Phase::utility, true, guard_lock::refuse_stored_token},
    {"append-only audit log", Phase::utility, true, guard_audit_table::check_utility},
    {"write lock", Phase::utility, true, guard_lock::check_utility},
    {"approval: ALTER SYSTEM", Phase::utility, true, approvals::check_alter_system},
    {"approval: DROP EXTENSION redline", Phase::utility, true, approvals::check_drop_extension},
    {"approval: large rewrite or scan", Phase::utility, true, ddl_classify::check},
    // wherever a function is about to run
    {"write lock: functions", Phase::function, true, guard_lock::check_function},
};

constexpr int phases = static_cast<int>(Phase::function) + 1;
constexpr int table_rows = sizeof table / sizeof table[0];

// The rows of each phase, in table order: a hook's question walks only its own.
struct PhaseIndex {
    const Guard *rows[phases][table_rows + 1];
    PhaseIndex()
    {
        for (int p = 0; p < phases; p++) {
            int n = 0;
            for (const Guard &guard : table)
                if (static_cast<int>(guard.phase) == p)
                    this->rows[p][n++] = &guard;
            this->rows[p][n] = nullptr;
        }
    }
};
const PhaseIndex by_phase;

} // namespace

Verdict judge(const StatementFacts &facts)
{
    Verdict run = Verdict::allow();
    for (const Guard *const *row = by_phase.rows[static_cast<int>(facts.phase)]; *row != nullptr; ++row) {
        const Guard &guard = **row;
        if (!facts.writes && !guard.reads)
            continue;
        Verdict v = guard.check(facts);
        if (v.refused())
            return v;
        if (v.kind > run.kind)
            run = v;
    }
    return run;
}

bool judges_reads(Phase phase)
{
    for (const Guard &guard : table)
        if (guard.phase == phase && guard.reads)
            return true;
    return false;
}

} // namespace redline::guards
