// redline.* settings: their definitions, and the effective policy they add up to
// (a setting left at "auto" takes the environment's default).
#pragma once

#include "environment.hpp"

extern "C" {
#include "postgres.h"
#include "access/parallel.h"
#include "miscadmin.h"
}

namespace redline::settings {

void define();

// Raw values, read by the hooks on every statement: plain globals, no calls.
extern bool enforce;
extern int environment; // an Environment
extern char *exempt_roles;
extern int expect_rows;           // -1 = none stated
extern bool expect_pending;       // a count was stated and no statement has used it yet
extern int token_max_ttl;         // seconds
extern char *strong_auth_methods; // comma-separated RFC 8176 values; "" = any
extern bool audit_parameters;
extern int audit_wait_ms;
extern char *audit_database; // PGC_POSTMASTER
extern int audit_queue_size; // PGC_POSTMASTER, in events
// Advances whenever any policy setting changes (SET, RESET, set_config(), a function's SET
// clause, a reload, a transaction's end): caches of what the policy decides compare it.
extern uint64 policy_generation;

// A session token presented with SET, set_config() or PGOPTIONS waits here until the write
// lock takes it (malloc'd: the taker wipes and frees it).
extern bool session_token_waiting;
char *take_session_token();
// The approval tokens presented (redline.approval_token), as the setting holds them.
extern const char *presented_approval_tokens;

// Effective policy.
Environment current_environment();
// Derived once per change of policy (policy_generation), read on every statement.
struct Effective {
    uint64 generation;
    bool require_where;
    int max_rows;
};
extern Effective effective;
void refresh_effective();
inline bool require_where()
{
    if (unlikely(effective.generation != policy_generation))
        refresh_effective();
    return effective.require_where;
}
inline int max_rows()
{
    if (unlikely(effective.generation != policy_generation))
        refresh_effective();
    return effective.max_rows;
}
const char *color();
TokenRequirement require_token();
unsigned protected_ops(); // ProtectedOp bits in force
bool recycle_bin();
int max_rewrite_size_kb(); // 0 = off
int ddl_lock_timeout_ms(); // 0 = off

// The AuditEvent bits recorded for a session of a person (exempt = false) or of an
// application role in redline.exempt_roles.
unsigned audit_events(bool exempt);

// Makes PostgreSQL report redline.color again when the environment it derives from
// changed (a reload). Cheap when nothing changed; called once per statement.
void report_derived_color();

// True while redline enforces anything in this backend.
inline bool active() { return enforce && !IsBinaryUpgrade && !IsParallelWorker(); }

} // namespace redline::settings
