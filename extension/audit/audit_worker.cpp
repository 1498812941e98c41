// The audit launcher and writer processes (see audit_worker.hpp).
#include "audit_worker.hpp"
#include "audit_log.hpp"
#include "audit_queue.hpp"
#include "audit_table.hpp"
#include "settings.hpp"

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PGDLLEXPORT void redline_audit_launcher_main(Datum arg);
PGDLLEXPORT void redline_audit_writer_main(Datum arg);
}

namespace redline::audit_worker {

namespace {

constexpr int batch_size = 64;
constexpr long writer_idle_ms = 2000;

// Settings whose change by a reload is a policy change.
constexpr const char *watched[] = {
    "redline.enforce",          "redline.environment",         "redline.exempt_roles", "redline.require_where",
    "redline.max_rows",         "redline.require_token",       "redline.protected",    "redline.recycle_bin",
    "redline.max_rewrite_size", "redline.ddl_lock_timeout",    "redline.audit",        "redline.audit_parameters",
    "redline.token_max_ttl",    "redline.strong_auth_methods",
};
constexpr int nwatched = sizeof watched / sizeof watched[0];

char **snapshot_settings()
{
    auto **values = static_cast<char **>(MemoryContextAllocZero(TopMemoryContext, sizeof(char *) * nwatched));
    for (int i = 0; i < nwatched; i++) {
        const char *v = GetConfigOption(watched[i], true, false);
        values[i] = MemoryContextStrdup(TopMemoryContext, v != nullptr ? v : "");
    }
    return values;
}

void record_start(char **values)
{
    StringInfoData what;
    initStringInfo(&what);
    appendStringInfoString(&what, "server started with");
    for (int i = 0; i < nwatched; i++)
        appendStringInfo(&what, "%s %s = '%s'", i == 0 ? "" : ",", watched[i], values[i]);
    audit::record_server_change(what.data);
    pfree(what.data);
}

void record_reload(char **before, char **after)
{
    for (int i = 0; i < nwatched; i++) {
        if (strcmp(before[i], after[i]) == 0)
            continue;
        char *what = psprintf("configuration reload: %s changed from '%s' to '%s'", watched[i], before[i], after[i]);
        audit::record_server_change(what);
        pfree(what);
    }
}

void free_snapshot(char **values)
{
    for (int i = 0; i < nwatched; i++)
        pfree(values[i]);
    pfree(values);
}

// Once a second: every lane head that moved since its last seal is sealed in its database.
struct Sealed {
    int64 lane;
    int64 seq;
};

void seal_heads(Sealed *sealed)
{
    int nheads = audit_queue::head_slots();
    constexpr int max_dbs = 16;
    char dbs[max_dbs][NAMEDATALEN];
    const char **anchors[max_dbs];
    int counts[max_dbs] = {};
    int ndbs = 0;
    for (int i = 0; i < nheads; i++) {
        audit_queue::HeadCopy h;
        if (!audit_queue::read_head(i, &h) || (sealed[i].lane == h.lane && sealed[i].seq == h.seq))
            continue;
        int d = 0;
        while (d < ndbs && strcmp(dbs[d], h.db) != 0)
            d++;
        if (d == ndbs) {
            if (ndbs == max_dbs)
                continue; // sealed in a later round
            strlcpy(dbs[ndbs], h.db, NAMEDATALEN);
            anchors[ndbs] = static_cast<const char **>(palloc(sizeof(char *) * nheads));
            ndbs++;
        }
        char hex[2 * audit_digest_size + 1];
        audit_digest_hex(h.hash, hex);
        anchors[d][counts[d]++] =
            psprintf(INT64_FORMAT ":" INT64_FORMAT ":" INT64_FORMAT ":%s", h.lane, h.seq, h.id, hex);
        sealed[i] = Sealed{h.lane, h.seq};
    }
    for (int d = 0; d < ndbs; d++)
        audit::record_seal(dbs[d], anchors[d], counts[d]);
}

// Events nobody can write: each goes to the server log.
void divert_all(const char *db, const char *why)
{
    audit_queue::Taken taken[batch_size];
    int n;
    while ((n = audit_queue::take(db, taken, batch_size)) > 0) {
        for (int i = 0; i < n; i++)
            audit::divert(&taken[i].entry, why);
        audit_queue::finish(taken, n);
    }
}

bool start_writer(int entry, const char *db, BackgroundWorkerHandle **handle)
{
    BackgroundWorker worker;
    memset(&worker, 0, sizeof worker);
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = BGW_NEVER_RESTART;
    strlcpy(worker.bgw_library_name, "redline", BGW_MAXLEN);
    strlcpy(worker.bgw_function_name, "redline_audit_writer_main", BGW_MAXLEN);
    snprintf(worker.bgw_name, BGW_MAXLEN, "redline audit writer for %s", db);
    strlcpy(worker.bgw_type, "redline audit writer", BGW_MAXLEN);
    worker.bgw_main_arg = Int32GetDatum(entry);
    strlcpy(worker.bgw_extra, db, BGW_EXTRALEN);
    worker.bgw_notify_pid = MyProcPid;
    // The handle outlives the launcher's per-loop memory.
    MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
    bool ok = RegisterDynamicBackgroundWorker(&worker, handle);
    MemoryContextSwitchTo(old);
    return ok;
}

// The launcher frees the writer's entry once the process is gone: until then no second
// writer for the same database starts, and DROP DATABASE waits for exactly this.
void release_at_exit(int, Datum entry) { audit_queue::writer_exiting(DatumGetInt32(entry)); }

// A writer leaving seals its own lane itself, in its own database: handed to the queue,
// the seal would call a new writer into a database that may be about to be dropped.
void seal_own_lane()
{
    char *anchor = audit::own_anchor();
    if (anchor == nullptr)
        return;
    AuditEntry seal;
    audit::fill_seal(&seal, &anchor, 1);
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        StartTransactionCommand();
        if (OidIsValid(audit_table::oid()))
            (void)audit_table::append(&seal);
        CommitTransactionCommand();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        EmitErrorReport();
        FlushErrorState();
        AbortCurrentTransaction();
    }
    PG_END_TRY();
}

// Appends a batch in one transaction. Returns false when this database has no audit table.
bool write_batch(audit_queue::Taken *taken, int n)
{
    volatile bool has_table = true;
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        SetCurrentStatementStartTimestamp();
        StartTransactionCommand();
        if (!OidIsValid(audit_table::oid())) {
            has_table = false;
        } else {
            for (int i = 0; i < n; i++)
                (void)audit_table::append(&taken[i].entry);
        }
        CommitTransactionCommand();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        EmitErrorReport();
        FlushErrorState();
        AbortCurrentTransaction();
        for (int i = 0; i < n; i++)
            audit::divert(&taken[i].entry, "the audit writer could not append it");
    }
    PG_END_TRY();
    if (has_table)
        audit_queue::finish(taken, n);
    return has_table;
}

} // namespace

void register_launcher()
{
    BackgroundWorker worker;
    memset(&worker, 0, sizeof worker);
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = 5;
    strlcpy(worker.bgw_library_name, "redline", BGW_MAXLEN);
    strlcpy(worker.bgw_function_name, "redline_audit_launcher_main", BGW_MAXLEN);
    strlcpy(worker.bgw_name, "redline audit launcher", BGW_MAXLEN);
    strlcpy(worker.bgw_type, "redline audit launcher", BGW_MAXLEN);
    RegisterBackgroundWorker(&worker);
}

} // namespace redline::audit_worker

using namespace redline;

void redline_audit_launcher_main(Datum)
{
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
    BackgroundWorkerUnblockSignals();
    audit_queue::set_launcher_latch(MyLatch);

    char **settings_now = audit_worker::snapshot_settings();
    audit_worker::record_start(settings_now);

    BackgroundWorkerHandle *handles[audit_queue::max_writers] = {};
    bool started_ok[audit_queue::max_writers] = {};
    char handle_db[audit_queue::max_writers][NAMEDATALEN] = {};
    uint64 diverted_logged = audit_queue::diverted();
    auto *sealed = static_cast<audit_worker::Sealed *>(
        MemoryContextAllocZero(TopMemoryContext, sizeof(audit_worker::Sealed) * Max(audit_queue::head_slots(), 1)));
    TimestampTz last_seal = GetCurrentTimestamp();
    MemoryContext loop_cxt = AllocSetContextCreate(TopMemoryContext, "redline audit launcher", ALLOCSET_DEFAULT_SIZES);

    while (!ShutdownRequestPending) {
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 1000, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        CHECK_FOR_INTERRUPTS();
        MemoryContext old = MemoryContextSwitchTo(loop_cxt);

        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
            char **after = audit_worker::snapshot_settings();
            audit_worker::record_reload(settings_now, after);
            audit_worker::free_snapshot(settings_now);
            settings_now = after;
        }

        // Writers that ended: idle, or unable to connect (their database is gone).
        for (int i = 0; i < audit_queue::max_writers; i++) {
            if (handles[i] == nullptr)
                continue;
            pid_t pid;
            if (audit_queue::writer_pid(i) != 0)
                started_ok[i] = true;
            if (GetBackgroundWorkerPid(handles[i], &pid) != BGWH_STOPPED)
                continue;
            char db[NAMEDATALEN];
            strlcpy(db, handle_db[i], sizeof db);
            bool failed = !started_ok[i] && audit_queue::writer_pid(i) == 0;
            audit_queue::release_writer(i);
            pfree(handles[i]);
            handles[i] = nullptr;
            started_ok[i] = false;
            if (failed && db[0] != '\0') {
                if (strcmp(db, settings::audit_database) != 0)
                    audit_queue::retarget(db, settings::audit_database);
                else
                    audit_worker::divert_all(db, "the audit database cannot be connected to");
            }
        }

        // Entries of writers started by a previous launcher (it restarts after an error):
        // freed once their process is gone.
        for (int i = 0; i < audit_queue::max_writers; i++) {
            if (handles[i] != nullptr || !audit_queue::writer_claimed(i))
                continue;
            int pid = audit_queue::writer_pid(i);
            if (pid == 0 || kill(pid, 0) != 0)
                audit_queue::release_writer(i);
        }

        char targets[audit_queue::max_writers][NAMEDATALEN];
        int n = audit_queue::orphaned_targets(targets, audit_queue::max_writers);
        for (int k = 0; k < n; k++) {
            int entry = audit_queue::claim_writer(targets[k]);
            if (entry < 0)
                break; // every writer is busy; the others start when one ends
            strlcpy(handle_db[entry], targets[k], NAMEDATALEN);
            if (!audit_worker::start_writer(entry, targets[k], &handles[entry])) {
                audit_queue::release_writer(entry);
                handles[entry] = nullptr;
                ereport(LOG, (errmsg("redline: no background worker slot for an audit writer"),
                              errhint("Raise max_worker_processes; audit events wait in the queue meanwhile.")));
            }
        }

        if (TimestampDifferenceExceeds(last_seal, GetCurrentTimestamp(), 1000)) {
            audit_worker::seal_heads(sealed);
            last_seal = GetCurrentTimestamp();
        }

        uint64 diverted = audit_queue::diverted();
        if (diverted != diverted_logged) {
            ereport(WARNING, (errmsg("redline: " UINT64_FORMAT " audit events went to the server log instead of "
                                     "redline.audit_log since the server started",
                                     diverted)));
            diverted_logged = diverted;
        }
        MemoryContextSwitchTo(old);
        MemoryContextReset(loop_cxt);
    }
    proc_exit(0);
}

void redline_audit_writer_main(Datum arg)
{
    int entry = DatumGetInt32(arg);
    char db[NAMEDATALEN];
    strlcpy(db, MyBgworkerEntry->bgw_extra, sizeof db);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    before_shmem_exit(audit_worker::release_at_exit, Int32GetDatum(entry));
    BackgroundWorkerInitializeConnection(db, nullptr, 0);
    // A row is confirmed to the waiting session only once it is on disk.
    SetConfigOption("synchronous_commit", "on", PGC_SUSET, PGC_S_OVERRIDE);
    // Never stuck behind a lock for long: what cannot be written goes to the server log.
    SetConfigOption("lock_timeout", "5s", PGC_SUSET, PGC_S_OVERRIDE);
    pgstat_report_appname("redline audit writer");
    audit_queue::writer_started(entry, MyLatch);

    MemoryContext batch_cxt = AllocSetContextCreate(TopMemoryContext, "redline audit batch", ALLOCSET_DEFAULT_SIZES);
    TimestampTz last_work = GetCurrentTimestamp();
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        MemoryContext old = MemoryContextSwitchTo(batch_cxt);
        audit_queue::Taken taken[audit_worker::batch_size];
        int n = audit_queue::take(db, taken, audit_worker::batch_size);
        if (n > 0) {
            if (!audit_worker::write_batch(taken, n)) {
                // No audit table here (the extension was never created, or was dropped).
                if (strcmp(db, settings::audit_database) != 0) {
                    audit_queue::untake(taken, n, settings::audit_database);
                } else {
                    for (int i = 0; i < n; i++)
                        audit::divert(&taken[i].entry, "redline.audit_database has no redline.audit_log");
                    audit_queue::finish(taken, n);
                }
            }
            last_work = GetCurrentTimestamp();
        }
        MemoryContextSwitchTo(old);
        MemoryContextReset(batch_cxt);
        if (n > 0)
            continue;
        if (audit_queue::writer_dismissed(entry))
            break; // drained: the database is about to be dropped, renamed or copied
        if (TimestampDifferenceExceeds(last_work, GetCurrentTimestamp(), audit_worker::writer_idle_ms))
            break;
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 1000, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
    audit_worker::seal_own_lane();
    proc_exit(0);
}
