// Recording audit events (rule 8): which classes this session records, the session's side
// of every row, and where each event goes so that its row is exactly as durable as the
// product promises:
// - a write or DDL: a row in redline.audit_log in the same transaction, so it commits
//   exactly when the write does; if the transaction rolls back, the attempt is handed to
//   the audit writer as rolled_back.
// - a refusal, an unlock, an approval used, a policy change, a failed login: handed to the
//   audit writer through shared memory; the session waits (at most redline.audit_wait) until
//   the row is committed, so it survives the rollback that follows and a crash after it.
// - connect/disconnect: handed over without waiting; a login never waits for the audit.
// Databases without the extension send their events to redline.audit_database; a write's
// row is handed over before its transaction commits. On a hot standby, and whenever the
// queue cannot take an event, the event goes to the server log as one JSON line.
#pragma once

#include "audit_entry.hpp"
#include "audit_events.hpp"
#include "refusal_pg.hpp"
#include "settings.hpp"

extern "C" {
#include "postgres.h"
#include "libpq/libpq-be.h"
}

namespace redline::audit {

// Transaction callbacks (from _PG_init).
void install();

// ClientAuthentication_hook (hooks/install.cpp): a failed login is recorded; a session that
// starts gets its exit callback.
void on_authentication(Port *port, int status);

// A log record, already masked (from redline's emit_log_hook): a failed login that never
// reached the authentication hook is recorded. Records only; chains to nothing.
void log_emitted(ErrorData *edata);

// Whether this session records events of this class (redline.audit, the login role's
// exemption). One comparison while no setting it depends on changed.
extern unsigned recorded_mask;
extern uint64 recorded_generation;
unsigned refresh_recorded();
inline bool records(AuditEvent event)
{
    unsigned mask = likely(recorded_generation == settings::policy_generation) ? recorded_mask : refresh_recorded();
    return (mask & event) != 0;
}

// The parts of a row that describe this session, now.
void fill_session(AuditEntry *entry, AuditEvent event, AuditDecision decision);

// Writes and DDL: in this transaction.
void record_in_transaction(AuditEntry *entry);

// Events that outlive the transaction; waits for their row when `wait`.
void record_outliving(AuditEntry *entry, bool wait);

// The session's first statement (connect) and its end (disconnect).
void session_started();
bool session_start_due();

void refused(const PgRefusal *refusal);
// A refusal made of an error already being thrown (no catalog access, no waiting): recorded
// as its (sub)transaction rolls back and confirmed at the next statement.
void refused_while_failing(const PgRefusal *refusal, const char *statement);

// Rows queued where waiting was not allowed (a rollback, an error being logged) are
// confirmed at the next safe point: the session's next statement, or its exit.
extern bool confirm_due;
void confirm_deferred();
void unlocked(const char *key_id, const char *amr, int64 until);
void approval_used(const char *operation, const char *object, const char *key_id, const char *approver);
// A change of policy: `what` says what changed, e.g. "key k4.pid.… enrolled for alice".
// `always`: recorded whatever redline.audit says (a change of redline.audit itself, so
// narrowing the audit is recorded).
void policy_change(const char *what, bool always = false);

// A seal: the heads of lanes ("lane:place:id:hash" each) recorded in `db`, so that rows
// removed from the end of a lane are found too. Never waits.
void record_seal(const char *db, const char *const *anchors, int n);
void fill_seal(AuditEntry *entry, const char *const *anchors, int n);
// This process's own lane head as an anchor (palloc'd), or nullptr.
char *own_anchor();

// An event that could not reach a table: one JSON line in the server log, counted.
void divert(const AuditEntry *entry, const char *why);

// A policy change seen by the audit launcher (server start, configuration reload), for
// the audit database; never waits.
void record_server_change(const char *what);

} // namespace redline::audit
