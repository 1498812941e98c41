// What a guard says when it refuses a statement: pure C++, no PostgreSQL headers,
// so the wording of every refusal is unit-tested without a server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redline {

struct Refusal {
    const char *sqlstate; // one of sqlstate::*
    std::string message;  // what was refused
    std::string detail;   // why
    std::string hint;     // the safe way, exactly as the user would type it
};

// Unqualified UPDATE / DELETE / MERGE (rule 4, redline.require_where).
enum class WriteCommand { update, delete_, merge_update, merge_delete };
enum class WhereFlaw {
    none,
    no_where,            // no WHERE clause at all
    constant_true,       // WHERE folds to TRUE (WHERE true, 1=1, NOT false, 1=1 OR id=5)
    self_comparison,     // WHERE id = id
    not_null_test,       // WHERE id IS NOT NULL on a column that cannot be NULL
    self_subquery,       // WHERE id IN (SELECT id FROM t): the target matched against itself
    no_target_reference, // WHERE names no column of the target (FROM/USING without a join condition)
};

struct WriteShape {
    WriteCommand command;
    WhereFlaw flaw;
    const char *relation;  // the target as the user named it
    bool relation_is_view; // the target is an auto-updatable view
    bool has_other_tables; // UPDATE ... FROM, DELETE ... USING, MERGE ... USING
    bool from_rule;        // the statement is the action of a rewrite rule
    bool in_with;          // the statement is a data-modifying WITH query
};

Refusal refuse_unqualified_write(const WriteShape &shape);

// Row budget (rule 4, redline.max_rows and redline.expect_rows). A statement's count is
// everything it changed in permanent tables, whatever did it: its own rows, its WITH queries,
// triggers, foreign-key cascades, the functions, DO blocks and procedures it ran.
struct TableRows {
    std::string table; // as PostgreSQL names it, unqualified
    std::uint64_t rows;
};
struct ChangedRows {
    const char *command;           // the statement the person ran: "UPDATE", "SELECT", "DO", "CALL"
    std::uint64_t rows;            // the total
    std::vector<TableRows> tables; // where, largest first; a refusal names the first three
};
Refusal refuse_row_budget(const ChangedRows &changed, int max_rows);
Refusal refuse_row_count_mismatch(const ChangedRows &changed, std::int64_t expected);

// Rule 4's semantic check of a WHERE clause: a statement that changed every row of a table of
// more than small_table_rows rows, without a stated count. `statement_rows` is the statement's
// whole count, the one to state.
inline constexpr std::uint64_t small_table_rows = 10;
Refusal refuse_every_row(const char *command, const char *table, std::uint64_t table_rows,
                         std::uint64_t statement_rows);

// Write lock and connect gate (rules 2 and 6, redline.require_token).
struct LockContext {
    const char *role;        // the login role (session_user as authenticated)
    const char *environment; // "production"
    bool has_unlock;         // redline.unlock() exists in this database
    // Set when the role is in redline.exempt_roles but this session is not exempt, because
    // a process of this server opened it for a session that is not: who opened it, as a
    // clause ("this session was opened by backend PID 4242 of this server for a session of role \"alice\"").
    const char *withheld = nullptr;
};

// `what` names the refused action: "INSERT on public.accounts", "nextval()", "VACUUM".
Refusal refuse_locked_write(const std::string &what, const LockContext &ctx);
Refusal refuse_before_unlock(const std::string &what, const LockContext &ctx);
// `reason` is one clause: "it expired at 2026-11-24T17:00:00Z", "it was already used".
Refusal refuse_token(const std::string &reason, const LockContext &ctx);

// Destructive operations that need a second person's approval (redline.protected).
struct NeededApproval {
    std::string op;      // "drop_table"
    std::string obj;     // "public.orders", as PostgreSQL prints the object's identity
    std::string problem; // why a presented approval for it was refused; "" when none was presented
};
// `statement` is the command tag ("DROP TABLE"); `role` the login role that needs them.
Refusal refuse_unapproved(const char *statement, const char *role, const std::vector<NeededApproval> &needed);

// An ALTER TABLE or CREATE INDEX that would rewrite or scan a table above
// redline.max_rewrite_size. `cause` is a ddl_classify::Cause.
struct LargeDdl {
    const char *statement; // "ALTER TABLE"
    std::string table;     // "public.orders"
    const char *lock;      // "ACCESS EXCLUSIVE"
    bool rewrites;         // else: scans
    std::int64_t size_bytes;
    double est_seconds;
    int cause;
    std::int64_t limit_bytes; // redline.max_rewrite_size
};
Refusal refuse_large_ddl(const LargeDdl &ddl, const char *role, const std::string &problem);

// The safe pattern offered for a ddl_classify::Cause, as one clause.
const char *safe_ddl_pattern(int cause);

// "1.2 GB", "640 kB": sizes as PostgreSQL's pg_size_pretty writes them, roughly.
std::string pretty_size(std::int64_t bytes);
// The same for plain-data callers: *out is malloc'd (free it) or null on failure.
void cpp_pretty_size(std::int64_t bytes, char **out) noexcept;

// A change to redline.audit_log by anyone but redline (rule 8). `what` names the action:
// "UPDATE", "TRUNCATE", "ALTER TABLE".
Refusal refuse_audit_change(const std::string &what);
// A statement that would link redline.audit_log to another table by inheritance or
// partitioning, either way. `what` names it: "ALTER TABLE public.t INHERIT redline.audit_log".
Refusal refuse_audit_link(const std::string &what);
// ALTER SCHEMA ... RENAME of the schema that holds redline.audit_log.
Refusal refuse_audit_schema_rename(const std::string &schema);

// The notice a session of a human role sees on its first statement in production.
std::string session_banner(const LockContext &ctx, bool locked, bool gate, const char *until);

} // namespace redline
