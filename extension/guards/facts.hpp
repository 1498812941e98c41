// What a hook knows about the statement in front of it, gathered once and read by every
// guard: which phase it is in, how deep it is nested, the session's lock state, the statement
// itself, and the relations it names with whether each is temporary or the audit table.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/execdesc.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
}

namespace redline {

// Where in PostgreSQL a guard is asked.
enum class Phase : uint8 {
    analyzed,       // post_parse_analyze: the statement as written (views and rules unexpanded)
    planned,        // planner: every query the rewriter produced
    executor_start, // ExecutorStart, before anything is set up
    utility,        // ProcessUtility, before the statement runs
    function,       // a function is about to run, wherever (object-access hook)
};

// A relation a statement names.
struct TargetRelation {
    Oid relid;        // InvalidOid when the name does not exist (yet)
    bool temporary;   // the session's own: it writes nothing others see
    bool audit_table; // redline.audit_log
};

constexpr int max_targets = 8; // more are rare; `more_targets` says they were not classified

struct StatementFacts {
    Phase phase;
    int depth;   // statement_depth: 0 for the statement the client sent
    bool locked; // the write lock is in force for this statement (session_lock::locked())
    bool writes; // it may change something: not a plain read (no FOR UPDATE, no data-modifying WITH)

    // analyzed, planned
    Query *query;

    // executor_start
    QueryDesc *qd;
    int eflags;
    bool explain_only;

    // utility
    PlannedStmt *pstmt;
    Node *stmt;
    NodeTag tag;
    bool subcommand;     // PROCESS_UTILITY_SUBCOMMAND: part of an allowed statement
    const char *setting; // the redline.* setting a SET/RESET/ALTER SYSTEM names, or nullptr

    // function
    Oid function;

    // the relations named (utility: by the statement's RangeVars; executor: its range table)
    TargetRelation targets[max_targets];
    int ntargets;
    bool more_targets;
    bool names_audit_table;      // also when it writes the log only as a child of a table it names
    bool routes_into_partitions; // executor: an INSERT into a partitioned table (rows land in partitions)
};

namespace facts {

// A plain read: a SELECT without FOR UPDATE/SHARE and without a data-modifying WITH.
inline bool query_writes(const Query *query)
{
    return query->commandType != CMD_SELECT || query->hasModifyingCTE || query->rowMarks != NIL;
}

inline bool plan_writes(const PlannedStmt *stmt)
{
    return stmt->commandType != CMD_SELECT || stmt->hasModifyingCTE || stmt->rowMarks != NIL;
}

StatementFacts of_query(Phase phase, Query *query);
StatementFacts of_executor(QueryDesc *qd, int eflags);
StatementFacts of_utility(PlannedStmt *pstmt, bool subcommand);
StatementFacts of_function(Oid function);

// Whether every relation named is temporary (false when none, or too many to tell).
bool all_temporary(const StatementFacts &facts);

} // namespace facts

} // namespace redline
