// The write lock of one session (rules 2 and 6): whether this session may write now, the
// token that unlocked it, and the per-session notices. State is per backend; nothing here
// is undone by SET, RESET, ROLLBACK or a change of role.
#pragma once

#include "refusal.hpp"
#include "settings.hpp"

extern "C" {
#include "postgres.h"
}

namespace redline::session_lock {

// Whether redline.require_token applies to this session at all: enforcing, a client
// session, a role not in redline.exempt_roles, require_token not none. Decided once and
// kept until a policy setting changes (settings::policy_generation), so an exempt session's
// statements pay one comparison.
extern uint64 subject_generation; // the policy_generation subject_verdict was decided at
extern bool subject_verdict;
bool subject_slow();
inline bool subject()
{
    return likely(subject_generation == settings::policy_generation) ? subject_verdict : subject_slow();
}

// A session a person or application opened (a backend, a walsender, or postgres --single),
// not a worker.
bool client_backend();

// True when the lock is in force for the current statement: subject(), not unlocked (or
// the unlock expired), and not inside redline's own CREATE/ALTER EXTENSION.
bool locked_slow();
inline bool locked()
{
    // An exempt session's answer is one comparison away.
    if (likely(subject_generation == settings::policy_generation) && !subject_verdict)
        return false;
    return locked_slow();
}

// locked() under redline.require_token = connect.
bool gated();

// Per statement, from the hooks: checks a token that is waiting (one given at connect
// or by set_config()), then shows the production banner once. Cheap when neither is due.
void on_statement_slow();
extern bool statement_work_due;
extern bool *audit_confirm_due; // audit rows queued where waiting was not allowed
inline void on_statement()
{
    if (unlikely(statement_work_due || *audit_confirm_due || settings::session_token_waiting))
        on_statement_slow();
}

// Checks a token and unlocks the session; raises RL005 with the failed check otherwise.
// Returns the Unix time the unlock lasts until.
int64 unlock(const char *token);

// Locks the session again (redline.lock(), DISCARD ALL).
void lock();

// Marks the current transaction read-only as a backstop (core then refuses what redline's
// hooks never see, such as nextval() on a permanent sequence). Undone by unlock().
void force_read_only();

// While redline's own extension script runs, its statements are not locked.
void enter_bootstrap();
void leave_bootstrap();
bool in_bootstrap();

// For refusals and redline.status().
LockContext context();
// The same from what is already known, for a statement that is failing (no catalog access).
LockContext context_without_catalog();
int64 unlocked_until(); // 0 when never unlocked
const char *unlock_key_id();
const char *unlock_methods();

} // namespace redline::session_lock
