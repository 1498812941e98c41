// Recording audit events: routing, the session's side of a row, transaction callbacks,
// connections and failed logins (see audit_log.hpp).
#include "audit_log.hpp"
#include "audit_queue.hpp"
#include "audit_statement.hpp"
#include "audit_table.hpp"
#include "session_lock.hpp"
#include "session_origin.hpp"
#include "session_role.hpp"
#include "settings.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "commands/dbcommands.h"
#include "libpq/auth.h"
#include "libpq/hba.h"
#include "libpq/libpq-be.h"
#include "miscadmin.h"
#include "replication/walsender.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

#include <cstring>

namespace redline::audit {

namespace {

// A row written (or to be handed over) in the open transaction, remembered so that a
// rollback can record the attempt.
struct Pending {
    AuditEntry entry;
    SubTransactionId sub;
    bool in_table; // false: handed to the audit database at commit
    bool queued;
    audit_queue::Ticket ticket;
    Pending *next;
};
Pending *pending = nullptr;
Pending **pending_tail = &pending;

bool connect_done = false;
bool auth_recorded = false;
bool has_table = false; // redline.audit_log exists here, as last seen inside a transaction
char database_name[NAMEDATALEN];
char login_name[NAMEDATALEN];
char auth_method[32]; // as pg_hba.conf names it; the hba line itself does not outlive startup

const char *environment() { return environment_name(settings::current_environment()); }

bool in_client_session() { return session_lock::client_backend() && !IsParallelWorker(); }

bool here_has_table()
{
    if (IsTransactionState() && OidIsValid(MyDatabaseId))
        has_table = OidIsValid(audit_table::oid());
    return has_table;
}

const char *target_here()
{
    return here_has_table() && database_name[0] != '\0' ? database_name : settings::audit_database;
}

char *copy_text(const char *s, MemoryContext cxt) { return s != nullptr ? MemoryContextStrdup(cxt, s) : nullptr; }

AuditEntry copy_entry(const AuditEntry *e, MemoryContext cxt)
{
    AuditEntry out = *e;
    for (int f = 0; f < af_count; f++)
        out.text[f] = copy_text(e->text[f], cxt);
    if (e->nobjects > 0) {
        auto **objects = static_cast<const char **>(MemoryContextAlloc(cxt, sizeof(char *) * e->nobjects));
        for (int i = 0; i < e->nobjects; i++)
            objects[i] = copy_text(e->objects[i], cxt);
        out.objects = objects;
    }
    return out;
}

void json_field(StringInfo out, const char *name, const char *value)
{
    appendStringInfo(out, ",\"%s\":", name);
    if (value == nullptr)
        appendStringInfoString(out, "null");
    else
        escape_json(out, value);
}

// One JSON line with every column a row would have, for the server log.
void log_event(const AuditEntry *e, const char *why)
{
    static const char *const names[af_count] = {
        "event",       "session_role", "effective_role", "database", "client_addr", "application_name",
        "environment", "statement",    "key_id",         "amr",      "decision",    "reason",
        "sqlstate"};
    StringInfoData line;
    initStringInfo(&line);
    appendStringInfo(&line, "{\"at\":\"%s\"", timestamptz_to_str(e->at));
    for (int f = 0; f < af_count; f++)
        json_field(&line, names[f], e->text[f]);
    if (e->has_pid)
        appendStringInfo(&line, ",\"backend_pid\":%d", e->pid);
    if (e->has_rows)
        appendStringInfo(&line, ",\"rows\":" INT64_FORMAT, e->rows);
    if (e->has_xid)
        appendStringInfo(&line, ",\"xid\":" UINT64_FORMAT, e->xid);
    if (e->nobjects >= 0) {
        appendStringInfoString(&line, ",\"objects\":[");
        for (int i = 0; i < e->nobjects; i++) {
            if (i > 0)
                appendStringInfoChar(&line, ',');
            escape_json(&line, e->objects[i]);
        }
        appendStringInfoChar(&line, ']');
    }
    appendStringInfoChar(&line, '}');
    ereport(LOG, (errmsg("redline audit (%s): %s", why, line.data), errhidestmt(true), errhidecontext(true)));
    pfree(line.data);
}

// Queues an event for its writer; false when it went to the server log instead.
bool send(const AuditEntry *e, const char *target, bool wait_for_room, audit_queue::Ticket *ticket)
{
    if (RecoveryInProgress()) {
        log_event(e, "hot standby: the audit table cannot be written");
        return false;
    }
    if (!IsUnderPostmaster) {
        log_event(e, "single-user mode: no audit writer runs");
        return false;
    }
    if (!audit_queue::enqueue(e, target, wait_for_room, ticket)) {
        audit_queue::count_diverted();
        log_event(e, "the audit queue is full");
        return false;
    }
    return true;
}

// Waits until a queued event's row is committed.
void confirm(const AuditEntry *e, const audit_queue::Ticket &ticket)
{
    if (settings::audit_wait_ms > 0 && !audit_queue::wait_written(ticket))
        log_event(e, "not yet confirmed by the audit writer; it stays queued");
}

// Events queued where waiting is not allowed (a transaction rolling back, an error being
// logged): each is confirmed at the session's next safe point (its next statement, or its
// exit), in TopMemoryContext until then.
struct Unconfirmed {
    AuditEntry entry;
    audit_queue::Ticket ticket;
    Unconfirmed *next;
};
Unconfirmed *unconfirmed = nullptr;
bool exit_confirm_registered = false;

void confirm_at_exit(int, Datum) { confirm_deferred(); }

void defer_confirm(const AuditEntry *e, const audit_queue::Ticket &ticket)
{
    auto *u = static_cast<Unconfirmed *>(MemoryContextAlloc(TopMemoryContext, sizeof(Unconfirmed)));
    u->entry = copy_entry(e, TopMemoryContext);
    u->ticket = ticket;
    u->next = unconfirmed;
    unconfirmed = u;
    confirm_due = true;
    if (!exit_confirm_registered) {
        exit_confirm_registered = true;
        before_shmem_exit(confirm_at_exit, (Datum)0);
    }
}

// Queues without waiting for room or for the row.
void hand_over_later(AuditEntry *e, const char *target)
{
    audit_queue::Ticket ticket;
    if (send(e, target, false, &ticket))
        defer_confirm(e, ticket);
}

// A refusal turned from PostgreSQL's own error while the statement was failing: recorded
// when its (sub)transaction rolls back, where no catalog is read and nothing waits.
struct FailedRefusal {
    bool present;
    int sqlerrcode;
    char *message;   // malloc'd
    char *statement; // malloc'd, may be null
} failed_refusal;

void forget_failed_refusal()
{
    free(failed_refusal.message);
    free(failed_refusal.statement);
    failed_refusal = FailedRefusal{};
}

void record_failed_refusal()
{
    if (!failed_refusal.present)
        return;
    if (records(ev_refused)) {
        AuditEntry e;
        fill_session(&e, ev_refused, AuditDecision::refused);
        e.text[af_statement] = failed_refusal.statement;
        e.text[af_reason] = failed_refusal.message;
        e.text[af_sqlstate] = unpack_sql_state(failed_refusal.sqlerrcode);
        hand_over_later(&e, target_here());
    }
    forget_failed_refusal();
}

void hand_over(AuditEntry *e, const char *target, bool wait)
{
    audit_queue::Ticket ticket;
    if (send(e, target, wait, &ticket) && wait)
        confirm(e, ticket);
}

void remember(const AuditEntry *e, bool in_table)
{
    MemoryContext cxt = TopTransactionContext;
    auto *p = static_cast<Pending *>(MemoryContextAlloc(cxt, sizeof(Pending)));
    p->entry = copy_entry(e, cxt);
    p->sub = GetCurrentSubTransactionId();
    p->in_table = in_table;
    p->next = nullptr;
    *pending_tail = p;
    pending_tail = &p->next;
}

void forget_pending()
{
    pending = nullptr;
    pending_tail = &pending;
}

// Rows of a rolled-back (sub)transaction vanish with it; the attempt is recorded.
// Rows of a rolled-back (sub)transaction vanish with it; the attempts are recorded, all
// queued first and then waited for, so a long transaction's rollback waits about once.
void record_attempts(SubTransactionId from_sub)
{
    Pending *undone = nullptr;
    Pending **undone_tail = &undone;
    Pending **link = &pending;
    while (*link != nullptr) {
        Pending *p = *link;
        if (p->sub < from_sub) {
            link = &p->next;
            continue;
        }
        *link = p->next;
        p->next = nullptr;
        *undone_tail = p;
        undone_tail = &p->next;
    }
    pending_tail = link;
    // Called while a (sub)transaction rolls back: queued now, confirmed at the next statement.
    for (Pending *p = undone; p != nullptr; p = p->next) {
        p->entry.text[af_decision] = audit_decision_name(AuditDecision::rolled_back);
        hand_over_later(&p->entry, p->in_table ? target_here() : settings::audit_database);
    }
}

// In a database without the table, the rows of a committing transaction go to the audit
// database first: durable no later than the write.
void hand_over_pending()
{
    for (Pending *p = pending; p != nullptr; p = p->next)
        if (!p->in_table)
            p->queued = send(&p->entry, settings::audit_database, true, &p->ticket);
    for (Pending *p = pending; p != nullptr; p = p->next) {
        if (!p->in_table && p->queued)
            confirm(&p->entry, p->ticket);
        p->in_table = true; // recorded: a failure from here on is a failed commit, not an attempt
    }
}

void xact_callback(XactEvent event, void *)
{
    switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
        if (pending != nullptr)
            hand_over_pending();
        break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
        audit_table::at_commit();
        forget_pending();
        break;
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
        record_failed_refusal();
        audit_statement::at_abort(InvalidSubTransactionId);
        if (pending != nullptr)
            record_attempts(InvalidSubTransactionId);
        audit_table::at_abort();
        forget_pending();
        break;
    case XACT_EVENT_PREPARE:
        audit_table::at_prepare();
        forget_pending();
        break;
    }
}

void subxact_callback(SubXactEvent event, SubTransactionId sub, SubTransactionId parent, void *)
{
    if (event == SUBXACT_EVENT_ABORT_SUB) {
        record_failed_refusal();
        audit_statement::at_abort(sub);
        if (pending != nullptr)
            record_attempts(sub);
        audit_table::at_subabort(sub);
    } else if (event == SUBXACT_EVENT_COMMIT_SUB) {
        for (Pending *p = pending; p != nullptr; p = p->next)
            if (p->sub == sub)
                p->sub = parent;
        audit_table::at_subcommit(sub, parent);
    }
}

void fill_port(AuditEntry *e)
{
    e->at = GetCurrentTimestamp();
    e->has_pid = true;
    e->pid = MyProcPid;
    e->text[af_environment] = environment();
    if (MyProcPort != nullptr) {
        e->text[af_client_addr] = MyProcPort->remote_host;
        e->text[af_session_role] = MyProcPort->user_name;
        e->text[af_database] = MyProcPort->database_name;
        e->text[af_application_name] = MyProcPort->application_name;
    }
}

void record_auth_failure(const char *reason, bool may_wait)
{
    if (auth_recorded || (settings::audit_events(false) & ev_auth_failed) == 0)
        return;
    auth_recorded = true;
    AuditEntry e;
    fill_port(&e);
    e.text[af_event] = audit_event_name(ev_auth_failed);
    e.text[af_decision] = audit_decision_name(AuditDecision::failed);
    e.text[af_reason] = reason;
    if (may_wait)
        hand_over(&e, settings::audit_database, true);
    else
        hand_over_later(&e, settings::audit_database);
}

void session_ended(int, Datum)
{
    // A connection that never reached its database failed (recorded by emit_log).
    if (!in_client_session() || (!OidIsValid(MyDatabaseId) && !am_walsender))
        return;
    // The lane's last rows are sealed as the session ends.
    char *anchor = own_anchor();
    if (anchor != nullptr && has_table && database_name[0] != '\0')
        record_seal(database_name, &anchor, 1);
    if (!connect_done)
        session_started();
    if (!records(ev_disconnect))
        return;
    AuditEntry e;
    fill_port(&e);
    if (login_name[0] != '\0')
        e.text[af_session_role] = login_name;
    if (database_name[0] != '\0')
        e.text[af_database] = database_name;
    e.text[af_event] = audit_event_name(ev_disconnect);
    e.text[af_decision] = audit_decision_name(AuditDecision::allowed);
    char reason[64];
    long secs = 0;
    int usecs = 0;
    TimestampDifference(MyStartTimestamp, e.at, &secs, &usecs);
    snprintf(reason, sizeof reason, "session lasted %ld s", secs);
    e.text[af_reason] = reason;
    hand_over(&e, target_here(), false);
}

void client_auth(Port *port, int status)
{
    if (status == STATUS_OK) {
        if (port->hba != nullptr)
            strlcpy(auth_method, hba_authname(port->hba->auth_method), sizeof auth_method);
        before_shmem_exit(session_ended, (Datum)0);
        return;
    }
    char reason[160];
    snprintf(reason, sizeof reason, "%s authentication failed",
             port->hba != nullptr ? hba_authname(port->hba->auth_method) : "client");
    record_auth_failure(reason, true);
}

} // namespace

// Failures that never reach the authentication hook: a pg_hba.conf reject (or no entry),
// and, with trust, a role that does not exist.
void log_emitted(ErrorData *edata)
{
    if (edata->elevel == FATAL && MyBackendType == B_BACKEND && !OidIsValid(MyDatabaseId) && !auth_recorded &&
        MyProc != nullptr &&
        (edata->sqlerrcode == ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION ||
         edata->sqlerrcode == ERRCODE_INVALID_PASSWORD || edata->sqlerrcode == ERRCODE_UNDEFINED_DATABASE))
        record_auth_failure(edata->message, false); // while logging: confirmed as the process exits
}

void on_authentication(Port *port, int status) { client_auth(port, status); }

void install()
{
    RegisterXactCallback(xact_callback, nullptr);
    RegisterSubXactCallback(subxact_callback, nullptr);
    audit_table::install();
}

unsigned recorded_mask = 0;
uint64 recorded_generation = 0;

unsigned refresh_recorded()
{
    if (!in_client_session())
        return 0;
    // Exemption is looked up in the catalog once; before a transaction exists, by name.
    if (!IsTransactionState())
        return settings::audit_events(MyProcPort != nullptr && MyProcPort->user_name != nullptr &&
                                      name_is_exempt(MyProcPort->user_name) && !session_origin::from_this_server());
    recorded_mask = settings::audit_events(session_is_exempt());
    recorded_generation = settings::policy_generation;
    return recorded_mask;
}

void fill_session(AuditEntry *e, AuditEvent event, AuditDecision decision)
{
    fill_port(e);
    e->text[af_event] = audit_event_name(event);
    e->text[af_decision] = audit_decision_name(decision);
    bool in_xact = IsTransactionState();
    if (!in_xact && login_name[0] != '\0')
        e->text[af_session_role] = login_name;
    if (in_xact) {
        e->text[af_session_role] = login_role_name();
        e->text[af_effective_role] = GetUserNameFromId(GetUserId(), true);
        if (database_name[0] == '\0' && OidIsValid(MyDatabaseId)) {
            char *name = get_database_name(MyDatabaseId);
            if (name != nullptr)
                strlcpy(database_name, name, sizeof database_name);
        }
        FullTransactionId xid = GetTopFullTransactionIdIfAny();
        if (FullTransactionIdIsValid(xid)) {
            e->has_xid = true;
            e->xid = U64FromFullTransactionId(xid);
        }
    }
    if (database_name[0] != '\0')
        e->text[af_database] = database_name;
    const char *kid = session_lock::unlock_key_id();
    if (kid != nullptr && kid[0] != '\0') {
        e->text[af_key_id] = kid;
        e->text[af_amr] = session_lock::unlock_methods();
    }
}

void record_in_transaction(AuditEntry *e)
{
    if (RecoveryInProgress()) {
        log_event(e, "hot standby: the audit table cannot be written");
        return;
    }
    FullTransactionId xid = GetTopFullTransactionId();
    e->has_xid = true;
    e->xid = U64FromFullTransactionId(xid);
    if (here_has_table()) {
        audit_table::append(e);
        remember(e, true);
    } else {
        remember(e, false);
    }
}

void record_outliving(AuditEntry *e, bool wait) { hand_over(e, target_here(), wait); }

bool session_start_due() { return !connect_done && in_client_session(); }

void session_started()
{
    connect_done = true;
    if (IsTransactionState()) {
        strlcpy(login_name, login_role_name(), sizeof login_name);
        (void)here_has_table();
    } else if (MyProcPort != nullptr && MyProcPort->user_name != nullptr) {
        strlcpy(login_name, MyProcPort->user_name, sizeof login_name);
    }
    if (!records(ev_connect))
        return;
    AuditEntry e;
    fill_session(&e, ev_connect, AuditDecision::allowed);
    e.at = MyStartTimestamp;
    e.has_xid = false;
    if (login_name[0] != '\0')
        e.text[af_session_role] = login_name;
    e.text[af_effective_role] = nullptr;
    char reason[192] = "";
    if (auth_method[0] != '\0')
        snprintf(reason, sizeof reason, "authenticated by %s", auth_method);
    // A connection this server opened to itself says so, whether or not it is exempt.
    if (session_origin::from_this_server()) {
        size_t used = strlen(reason);
        snprintf(reason + used, sizeof reason - used, "%sconnection from %s of this server", used > 0 ? "; " : "",
                 session_origin::describe());
    }
    if (reason[0] != '\0')
        e.text[af_reason] = reason;
    hand_over(&e, target_here(), false);
}

bool confirm_due = false;

void confirm_deferred()
{
    confirm_due = false;
    while (unconfirmed != nullptr) {
        Unconfirmed *u = unconfirmed;
        unconfirmed = u->next;
        confirm(&u->entry, u->ticket);
        pfree(u);
    }
}

void refused_while_failing(const PgRefusal *r, const char *statement)
{
    audit_statement::refused();
    forget_failed_refusal();
    failed_refusal.present = true;
    failed_refusal.sqlerrcode = r->sqlerrcode;
    failed_refusal.message = r->message != nullptr ? strdup(r->message) : nullptr;
    failed_refusal.statement = statement != nullptr ? strdup(statement) : nullptr;
}

void refused(const PgRefusal *r)
{
    audit_statement::refused();
    if (!records(ev_refused))
        return;
    AuditEntry e;
    fill_session(&e, ev_refused, AuditDecision::refused);
    e.text[af_statement] = audit_statement::current_text();
    e.text[af_reason] = r->message;
    e.text[af_sqlstate] = unpack_sql_state(r->sqlerrcode);
    record_outliving(&e, true);
}

void unlocked(const char *key_id, const char *amr, int64 until)
{
    if (!records(ev_unlock))
        return;
    AuditEntry e;
    fill_session(&e, ev_unlock, AuditDecision::allowed);
    e.text[af_key_id] = key_id;
    e.text[af_amr] = amr;
    e.text[af_statement] = audit_statement::current_text();
    char reason[96];
    snprintf(reason, sizeof reason, "writes unlocked until %s",
             timestamptz_to_str(time_t_to_timestamptz(static_cast<pg_time_t>(until))));
    e.text[af_reason] = reason;
    record_outliving(&e, true);
}

void approval_used(const char *operation, const char *object, const char *key_id, const char *approver)
{
    if (!records(ev_approval_used))
        return;
    AuditEntry e;
    fill_session(&e, ev_approval_used, AuditDecision::allowed);
    e.text[af_statement] = audit_statement::current_text();
    e.text[af_key_id] = key_id;
    e.text[af_amr] = nullptr;
    const char *objects[1] = {object};
    e.nobjects = 1;
    e.objects = objects;
    e.text[af_reason] = psprintf("%s of %s approved by \"%s\"", operation, object, approver);
    record_outliving(&e, true);
}

void policy_change(const char *what, bool always)
{
    if (!always && !records(ev_policy_change))
        return;
    AuditEntry e;
    fill_session(&e, ev_policy_change, AuditDecision::allowed);
    e.text[af_statement] = audit_statement::current_text();
    e.text[af_reason] = what;
    record_outliving(&e, true);
}

void divert(const AuditEntry *entry, const char *why)
{
    audit_queue::count_diverted();
    log_event(entry, why);
}

void record_server_change(const char *what)
{
    if ((settings::audit_events(false) & ev_policy_change) == 0)
        return;
    AuditEntry e;
    e.at = GetCurrentTimestamp();
    e.has_pid = true;
    e.pid = MyProcPid;
    e.text[af_environment] = environment();
    e.text[af_event] = audit_event_name(ev_policy_change);
    e.text[af_decision] = audit_decision_name(AuditDecision::allowed);
    e.text[af_reason] = what;
    hand_over(&e, settings::audit_database, false);
}

void fill_seal(AuditEntry *e, const char *const *anchors, int n)
{
    *e = AuditEntry{};
    e->at = GetCurrentTimestamp();
    e->has_pid = true;
    e->pid = MyProcPid;
    e->text[af_environment] = environment();
    e->text[af_event] = "seal";
    e->text[af_decision] = audit_decision_name(AuditDecision::allowed);
    e->text[af_reason] = "lane heads, so that removing a lane's last rows is detected";
    e->nobjects = n;
    e->objects = anchors;
}

void record_seal(const char *db, const char *const *anchors, int n)
{
    if (n <= 0 || RecoveryInProgress())
        return;
    AuditEntry e;
    fill_seal(&e, anchors, n);
    audit_queue::Ticket ticket;
    if (!audit_queue::enqueue(&e, db, false, &ticket))
        audit_queue::count_diverted(); // a lost seal weakens the check; it is not an event
}

char *own_anchor()
{
    int64 lane, seq, id;
    unsigned char hash[audit_digest_size];
    if (!audit_table::head(&lane, &seq, &id, hash))
        return nullptr;
    char hex[2 * audit_digest_size + 1];
    audit_digest_hex(hash, hex);
    return psprintf(INT64_FORMAT ":" INT64_FORMAT ":" INT64_FORMAT ":%s", lane, seq, id, hex);
}

} // namespace redline::audit
