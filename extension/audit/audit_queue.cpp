// The shared audit queue and the audit row id counter (see audit_queue.hpp).
#include "audit_queue.hpp"
#include "cluster_store.hpp"
#include "settings.hpp"

extern "C" {
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"
}

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace redline::audit_queue {

namespace {

constexpr Size slot_bytes = 8192 - 128;
constexpr uint64 id_block = 1 << 16;
constexpr const char *ids_file = "pg_redline/audit_ids";
constexpr const char *ids_temp = "pg_redline/audit_ids.tmp";
constexpr char truncated_marker[] = " ... [truncated by redline's audit queue]";

enum SlotState : int { slot_free = 0, slot_filled = 1, slot_taken = 2 };

struct Slot {
    pg_atomic_uint32 generation; // advanced when the slot's event was written
    int state;
    bool is_seal;
    uint64 seq; // enqueue order
    char target[NAMEDATALEN];
    uint32 len;
    char data[slot_bytes];
};

struct Writer {
    bool claimed;
    bool dismissed; // asked to leave its database (DROP DATABASE, a template being copied)
    char db[NAMEDATALEN];
    int pid;
    Latch *latch;
};

struct HeadSlot {
    pg_atomic_uint32 changes; // odd while its owner writes it
    char db[NAMEDATALEN];
    int64 lane;
    int64 seq;
    int64 id;
    unsigned char hash[audit_digest_size];
};

struct Shared {
    int nslots;
    int nheads;
    HeadSlot *heads; // after the slots
    int hint;
    uint64 next_seq;
    Latch *launcher_latch;
    pg_atomic_uint64 diverted;
    pg_atomic_uint64 next_id;
    pg_atomic_uint64 reserved_until;
    Writer writers[max_writers];
    Slot slots[FLEXIBLE_ARRAY_MEMBER];
};

Shared *shared = nullptr;
LWLock *queue_lock = nullptr;
LWLock *id_lock = nullptr;

Size slots_size() { return add_size(offsetof(Shared, slots), mul_size(sizeof(Slot), settings::audit_queue_size)); }
Size shared_size() { return add_size(MAXALIGN(slots_size()), mul_size(sizeof(HeadSlot), MaxBackends)); }
char my_database[NAMEDATALEN];

void request_shmem_space()
{
    RequestAddinShmemSpace(MAXALIGN(shared_size()));
    RequestNamedLWLockTranche("redline audit", 2);
}

uint64 read_reserved_ids()
{
    FILE *file = AllocateFile(ids_file, "r");
    if (file == nullptr) {
        if (errno != ENOENT)
            ereport(LOG, (errcode_for_file_access(), errmsg("redline: could not read \"%s\": %m", ids_file)));
        return 1;
    }
    char line[64] = {0};
    uint64 value = 1;
    if (fgets(line, sizeof line, file) != nullptr) {
        char *end = nullptr;
        unsigned long long parsed = strtoull(line, &end, 10);
        if (end != line && parsed > 0)
            value = parsed;
        else
            ereport(LOG, (errmsg("redline: \"%s\" holds no id; audit ids start again at 1", ids_file)));
    }
    FreeFile(file);
    return value;
}

void attach_shmem()
{
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found = false;
    shared = static_cast<Shared *>(ShmemInitStruct("redline audit queue", shared_size(), &found));
    LWLockPadded *locks = GetNamedLWLockTranche("redline audit");
    queue_lock = &locks[0].lock;
    id_lock = &locks[1].lock;
    if (!found) {
        memset(shared, 0, shared_size());
        shared->nslots = settings::audit_queue_size;
        shared->nheads = MaxBackends;
        pg_atomic_init_u64(&shared->diverted, 0);
        // Ids start after everything reserved by the previous life of the server, and never
        // below the time in microseconds: a data directory restored from a backup (whose
        // reservation file is older than the rows WAL replay brought back) still hands out
        // ids no earlier life used, as long as fewer than a million ids a second were used.
        uint64 start = Max(read_reserved_ids(), static_cast<uint64>(Max(GetCurrentTimestamp(), 1)));
        pg_atomic_init_u64(&shared->next_id, start);
        pg_atomic_init_u64(&shared->reserved_until, start);
        for (int i = 0; i < shared->nslots; i++)
            pg_atomic_init_u32(&shared->slots[i].generation, 0);
    }
    // A pointer into shared memory is the same in every process (fork, EXEC_BACKEND off).
    shared->heads = reinterpret_cast<HeadSlot *>(reinterpret_cast<char *>(shared) + MAXALIGN(slots_size()));
    if (!found)
        for (int i = 0; i < shared->nheads; i++)
            pg_atomic_init_u32(&shared->heads[i].changes, 0);
    LWLockRelease(AddinShmemInitLock);
}

void wake_writer(const char *db)
{
    Latch *latch = nullptr;
    for (auto &w : shared->writers)
        if (w.claimed && w.latch != nullptr && strcmp(w.db, db) == 0)
            latch = w.latch;
    if (latch == nullptr)
        latch = shared->launcher_latch;
    if (latch != nullptr)
        SetLatch(latch);
}

bool try_enqueue(const char *encoded, uint32 len, const char *target_db, bool is_seal, Ticket *ticket)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    int n = shared->nslots;
    for (int k = 0; k < n; k++) {
        int i = (shared->hint + k) % n;
        Slot *slot = &shared->slots[i];
        if (slot->state != slot_free)
            continue;
        slot->state = slot_filled;
        slot->is_seal = is_seal;
        slot->seq = shared->next_seq++;
        strlcpy(slot->target, target_db, NAMEDATALEN);
        slot->len = len;
        memcpy(slot->data, encoded, len);
        ticket->slot = i;
        ticket->generation = pg_atomic_read_u32(&slot->generation);
        shared->hint = (i + 1) % n;
        wake_writer(target_db);
        LWLockRelease(queue_lock);
        return true;
    }
    LWLockRelease(queue_lock);
    return false;
}

// A bounded wait on the process latch that answers interrupts (a cancel, a terminate, a
// dead postmaster). Callers never wait while a transaction aborts or an error is logged:
// those queue and confirm later (audit_log.cpp). While the process exits, interrupts are
// no longer served.
template <typename Done>
bool poll_until(Done done)
{
    if (done())
        return true;
    TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), settings::audit_wait_ms);
    long pause_ms = 1;
    while (GetCurrentTimestamp() < deadline) {
        if (!proc_exit_inprogress)
            CHECK_FOR_INTERRUPTS();
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, pause_ms, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        if (done())
            return true;
        pause_ms = Min(pause_ms * 2, 100L);
    }
    return false;
}

void put_int32(char *&p, int32 v)
{
    memcpy(p, &v, sizeof v);
    p += sizeof v;
}

int32 get_int32(char *&p)
{
    int32 v;
    memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
}

struct Header {
    int64 at;
    int64 rows;
    uint64 xid;
    int32 pid;
    int32 nobjects;
    bool has_pid;
    bool has_rows;
    bool has_xid;
};

} // namespace

void publish_database(const char *db) { strlcpy(my_database, db, sizeof my_database); }

void clear_head(int, Datum)
{
    HeadSlot *slot = &shared->heads[MyProc->pgprocno];
    pg_atomic_fetch_add_u32(&slot->changes, 1);
    pg_write_barrier();
    slot->lane = 0;
    pg_write_barrier();
    pg_atomic_fetch_add_u32(&slot->changes, 1);
}

void publish_head(int64 lane, int64 seq, int64 id, const unsigned char hash[audit_digest_size])
{
    static bool clear_at_exit = false;
    if (shared == nullptr || MyProc == nullptr || MyProc->pgprocno >= shared->nheads || my_database[0] == '\0')
        return;
    if (!clear_at_exit) {
        // The slot passes to the next process that gets this PGPROC: it must not inherit a lane.
        before_shmem_exit(clear_head, (Datum)0);
        clear_at_exit = true;
    }
    HeadSlot *slot = &shared->heads[MyProc->pgprocno];
    pg_atomic_fetch_add_u32(&slot->changes, 1);
    pg_write_barrier();
    strlcpy(slot->db, my_database, NAMEDATALEN);
    slot->lane = lane;
    slot->seq = seq;
    slot->id = id;
    memcpy(slot->hash, hash, audit_digest_size);
    pg_write_barrier();
    pg_atomic_fetch_add_u32(&slot->changes, 1);
}

int head_slots() { return shared != nullptr ? shared->nheads : 0; }

bool read_head(int i, HeadCopy *out)
{
    HeadSlot *slot = &shared->heads[i];
    for (int attempt = 0; attempt < 100; attempt++) {
        uint32 before = pg_atomic_read_u32(&slot->changes);
        if (before & 1) {
            pg_usleep(10);
            continue;
        }
        pg_read_barrier();
        strlcpy(out->db, slot->db, NAMEDATALEN);
        out->lane = slot->lane;
        out->seq = slot->seq;
        out->id = slot->id;
        memcpy(out->hash, slot->hash, audit_digest_size);
        pg_read_barrier();
        if (pg_atomic_read_u32(&slot->changes) == before)
            return out->lane != 0;
    }
    return false;
}

namespace {

// The slot format: a fixed header, then each text column and object as length and bytes.
// The statement is cut (and marked) to fit `cap`.
Size encode(const AuditEntry *e, char *buf, Size cap)
{
    Size len[af_count];
    Size fixed = sizeof(Header);
    // Every column but the statement is short, or is cut short here, so that the statement
    // always has most of the slot: names 256 bytes, the reason 2 kB, 32 objects.
    for (int f = 0; f < af_count; f++) {
        len[f] = e->text[f] != nullptr ? strlen(e->text[f]) : 0;
        Size limit = f == af_statement ? len[f] : f == af_reason ? 2048 : 256;
        if (len[f] > limit)
            len[f] = pg_mbcliplen(e->text[f], static_cast<int>(len[f]), static_cast<int>(limit));
        fixed += sizeof(int32) + (e->text[f] != nullptr ? len[f] + 1 : 0);
    }
    int nobjects = Min(e->nobjects, 32);
    Size objects = 0;
    for (int i = 0; i < nobjects; i++)
        objects += sizeof(int32) + Min(strlen(e->objects[i]), static_cast<Size>(256)) + 1;
    if (fixed - len[af_statement] + objects + sizeof truncated_marker + 64 > cap) {
        nobjects = -1; // the statement keeps its place before the list of objects
        objects = 0;
    }
    Size statement_len = len[af_statement];
    bool cut = false;
    if (fixed + objects > cap) {
        Size room = cap - (fixed - statement_len) - objects - sizeof truncated_marker;
        statement_len = pg_mbcliplen(e->text[af_statement], static_cast<int>(statement_len), static_cast<int>(room));
        cut = true;
    }
    char *p = buf;
    Header h{e->at, e->rows, e->xid, e->pid, nobjects, e->has_pid, e->has_rows, e->has_xid};
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    for (int f = 0; f < af_count; f++) {
        if (e->text[f] == nullptr) {
            put_int32(p, -1);
            continue;
        }
        if (f == af_statement) {
            Size total = statement_len + (cut ? sizeof truncated_marker - 1 : 0);
            put_int32(p, static_cast<int32>(total));
            memcpy(p, e->text[f], statement_len);
            p += statement_len;
            if (cut) {
                memcpy(p, truncated_marker, sizeof truncated_marker - 1);
                p += sizeof truncated_marker - 1;
            }
        } else {
            put_int32(p, static_cast<int32>(len[f]));
            memcpy(p, e->text[f], len[f]);
            p += len[f];
        }
        *p++ = '\0';
    }
    for (int i = 0; i < nobjects; i++) {
        Size l = strlen(e->objects[i]);
        if (l > 256)
            l = pg_mbcliplen(e->objects[i], static_cast<int>(l), 256);
        put_int32(p, static_cast<int32>(l));
        memcpy(p, e->objects[i], l);
        p += l;
        *p++ = '\0';
    }
    return static_cast<Size>(p - buf);
}

void decode(char *buf, AuditEntry *out)
{
    char *p = buf;
    Header h;
    memcpy(&h, p, sizeof h);
    p += sizeof h;
    *out = AuditEntry{};
    out->at = h.at;
    out->has_pid = h.has_pid;
    out->pid = h.pid;
    out->has_rows = h.has_rows;
    out->rows = h.rows;
    out->has_xid = h.has_xid;
    out->xid = h.xid;
    for (int f = 0; f < af_count; f++) {
        int32 l = get_int32(p);
        if (l < 0)
            continue;
        out->text[f] = p;
        p += l + 1;
    }
    out->nobjects = h.nobjects;
    if (h.nobjects > 0) {
        auto **objects = static_cast<const char **>(palloc(sizeof(char *) * h.nobjects));
        for (int i = 0; i < h.nobjects; i++) {
            int32 l = get_int32(p);
            objects[i] = p;
            p += l + 1;
        }
        out->objects = objects;
    }
}

} // namespace

bool enqueue(const AuditEntry *entry, const char *target_db, bool wait_for_room, Ticket *ticket)
{
    if (shared == nullptr)
        return false;
    char *encoded = static_cast<char *>(palloc(slot_bytes));
    uint32 len = static_cast<uint32>(encode(entry, encoded, slot_bytes));
    bool is_seal = entry->text[af_event] != nullptr && strcmp(entry->text[af_event], "seal") == 0;
    bool ok = try_enqueue(encoded, len, target_db, is_seal, ticket);
    if (!ok && wait_for_room)
        ok = poll_until([&] { return try_enqueue(encoded, len, target_db, is_seal, ticket); });
    pfree(encoded);
    return ok;
}

bool wait_written(const Ticket &ticket)
{
    if (shared == nullptr || ticket.slot < 0)
        return false;
    pg_atomic_uint32 *generation = &shared->slots[ticket.slot].generation;
    return poll_until([&] { return pg_atomic_read_u32(generation) != ticket.generation; });
}

void count_diverted()
{
    if (shared != nullptr)
        pg_atomic_fetch_add_u64(&shared->diverted, 1);
}

uint64 diverted() { return shared != nullptr ? pg_atomic_read_u64(&shared->diverted) : 0; }

int64 next_id()
{
    if (shared == nullptr)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("redline's audit queue is not available in this process")));
    uint64 id = pg_atomic_fetch_add_u64(&shared->next_id, 1);
    if (likely(id < pg_atomic_read_u64(&shared->reserved_until)))
        return static_cast<int64>(id);
    LWLockAcquire(id_lock, LW_EXCLUSIVE);
    uint64 reserved = pg_atomic_read_u64(&shared->reserved_until);
    if (id >= reserved) {
        uint64 until = id - id % id_block + id_block;
        StringInfoData content;
        initStringInfo(&content);
        appendStringInfo(&content, UINT64_FORMAT "\n", until);
        if (!cluster_store::replace_file(ids_file, ids_temp, &content, WARNING)) {
            LWLockRelease(id_lock);
            ereport(ERROR, (errcode(ERRCODE_IO_ERROR), errmsg("redline could not reserve audit row ids"),
                            errdetail("\"%s\" could not be written; the event is not recorded.", ids_file)));
        }
        pg_atomic_write_u64(&shared->reserved_until, until);
    }
    LWLockRelease(id_lock);
    return static_cast<int64>(id);
}

namespace {
// Under queue_lock.
void drop_slot(Slot *slot)
{
    slot->state = slot_free;
    pg_atomic_fetch_add_u32(&slot->generation, 1);
}

int compare_taken(const void *a, const void *b)
{
    uint64 sa = shared->slots[static_cast<const Taken *>(a)->slot].seq;
    uint64 sb = shared->slots[static_cast<const Taken *>(b)->slot].seq;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
}
} // namespace

int take(const char *db, Taken *out, int max)
{
    int n = 0;
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    for (int i = 0; i < shared->nslots && n < max; i++) {
        Slot *slot = &shared->slots[i];
        if (slot->state != slot_filled || strcmp(slot->target, db) != 0)
            continue;
        slot->state = slot_taken;
        char *copy = static_cast<char *>(palloc(slot->len));
        memcpy(copy, slot->data, slot->len);
        out[n].slot = i;
        decode(copy, &out[n].entry);
        n++;
    }
    if (n > 1)
        qsort(out, n, sizeof(Taken), compare_taken);
    LWLockRelease(queue_lock);
    return n;
}

void finish(const Taken *taken, int n)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    for (int i = 0; i < n; i++) {
        Slot *slot = &shared->slots[taken[i].slot];
        slot->state = slot_free;
        pg_atomic_fetch_add_u32(&slot->generation, 1);
    }
    LWLockRelease(queue_lock);
}

void retarget(const char *from_db, const char *to_db)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    for (int i = 0; i < shared->nslots; i++) {
        Slot *slot = &shared->slots[i];
        if (slot->state != slot_filled || strcmp(slot->target, from_db) != 0)
            continue;
        if (slot->is_seal)
            drop_slot(slot);
        else
            strlcpy(slot->target, to_db, NAMEDATALEN);
    }
    if (shared->launcher_latch != nullptr)
        SetLatch(shared->launcher_latch);
    LWLockRelease(queue_lock);
}

int orphaned_targets(char (*out)[NAMEDATALEN], int max)
{
    int n = 0;
    LWLockAcquire(queue_lock, LW_SHARED);
    for (int i = 0; i < shared->nslots && n < max; i++) {
        Slot *slot = &shared->slots[i];
        if (slot->state != slot_filled)
            continue;
        bool known = false;
        for (int k = 0; k < n && !known; k++)
            known = strcmp(out[k], slot->target) == 0;
        for (const auto &w : shared->writers)
            known = known || (w.claimed && strcmp(w.db, slot->target) == 0);
        if (!known)
            strlcpy(out[n++], slot->target, NAMEDATALEN);
    }
    LWLockRelease(queue_lock);
    return n;
}

int claim_writer(const char *db)
{
    int entry = -1;
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    for (int i = 0; i < max_writers && entry < 0; i++) {
        if (shared->writers[i].claimed)
            continue;
        shared->writers[i].claimed = true;
        strlcpy(shared->writers[i].db, db, NAMEDATALEN);
        shared->writers[i].pid = 0;
        shared->writers[i].latch = nullptr;
        entry = i;
    }
    LWLockRelease(queue_lock);
    return entry;
}

void writer_started(int entry, Latch *latch)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    shared->writers[entry].pid = MyProcPid;
    shared->writers[entry].latch = latch;
    LWLockRelease(queue_lock);
}

void writer_exiting(int entry)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    shared->writers[entry].latch = nullptr;
    if (shared->launcher_latch != nullptr)
        SetLatch(shared->launcher_latch);
    LWLockRelease(queue_lock);
}

void release_writer(int entry)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    shared->writers[entry] = Writer{};
    if (shared->launcher_latch != nullptr)
        SetLatch(shared->launcher_latch);
    LWLockRelease(queue_lock);
}

bool writer_dismissed(int entry)
{
    LWLockAcquire(queue_lock, LW_SHARED);
    bool dismissed = shared->writers[entry].dismissed;
    LWLockRelease(queue_lock);
    return dismissed;
}

void dismiss_writer(const char *db)
{
    if (shared == nullptr)
        return;
    int entry = -1;
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    for (int i = 0; i < max_writers; i++) {
        Writer *w = &shared->writers[i];
        if (w->claimed && strcmp(w->db, db) == 0) {
            w->dismissed = true;
            if (w->latch != nullptr)
                SetLatch(w->latch);
            entry = i;
        }
    }
    LWLockRelease(queue_lock);
    if (entry < 0)
        return;
    (void)poll_until([&] {
        LWLockAcquire(queue_lock, LW_SHARED);
        bool gone = !shared->writers[entry].claimed || strcmp(shared->writers[entry].db, db) != 0;
        LWLockRelease(queue_lock);
        return gone;
    });
}

bool writer_claimed(int entry)
{
    LWLockAcquire(queue_lock, LW_SHARED);
    bool claimed = shared->writers[entry].claimed;
    LWLockRelease(queue_lock);
    return claimed;
}

int writer_pid(int entry) { return shared->writers[entry].pid; }

void untake(const Taken *taken, int n, const char *to_db)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    for (int i = 0; i < n; i++) {
        Slot *slot = &shared->slots[taken[i].slot];
        if (slot->is_seal) {
            drop_slot(slot);
            continue;
        }
        slot->state = slot_filled;
        strlcpy(slot->target, to_db, NAMEDATALEN);
    }
    if (shared->launcher_latch != nullptr)
        SetLatch(shared->launcher_latch);
    LWLockRelease(queue_lock);
}

void set_launcher_latch(Latch *latch)
{
    LWLockAcquire(queue_lock, LW_EXCLUSIVE);
    shared->launcher_latch = latch;
    LWLockRelease(queue_lock);
}

// From the shared-memory hooks (hooks/install.cpp).
void request_shmem() { request_shmem_space(); }
void startup_shmem() { attach_shmem(); }

} // namespace redline::audit_queue
