// The shared audit queue: a bounded array of slots in shared memory through which sessions
// hand events that must outlive their transaction (refusals, failed logins, rolled-back
// attempts, connections) to the audit writers, one writer per target database. Also the
// cluster-wide audit row id counter. Nothing here blocks a login: a session waits for room
// or for its row only where the caller asks, and never longer than redline.audit_wait.
#pragma once

#include "audit_entry.hpp"

extern "C" {
#include "postgres.h"
#include "storage/latch.h"
}

namespace redline::audit_queue {

// Shared memory, from the hooks (hooks/install.cpp): request, then attach at startup.
void request_shmem();
void startup_shmem();

struct Ticket {
    int slot = -1;
    uint32 generation = 0;
};

// Copies the event into a free slot bound for `target_db` and wakes its writer. When the
// queue is full, waits up to redline.audit_wait for room if `wait_for_room`. False when no
// slot was found: the caller diverts the event to the server log (counted).
bool enqueue(const AuditEntry *entry, const char *target_db, bool wait_for_room, Ticket *ticket);

// Waits up to redline.audit_wait until the ticket's event is committed by its writer (or
// diverted to the server log by it). False on timeout.
bool wait_written(const Ticket &ticket);

// Counts an event that went to the server log instead of a table.
void count_diverted();
uint64 diverted();

// A cluster-unique, increasing audit row id. Ids are reserved in blocks written durably to
// $PGDATA/pg_redline/audit_ids, so they keep increasing across restarts and crashes, and
// start no lower than the server's start time in microseconds.
int64 next_id();

// Lane heads: each process publishes its lane's committed head (lock-free, its own slot),
// so the launcher can seal the heads of every lane once a second.
void publish_head(int64 lane, int64 seq, int64 id, const unsigned char hash[audit_digest_size]);
void publish_database(const char *db);
struct HeadCopy {
    char db[NAMEDATALEN];
    int64 lane;
    int64 seq;
    int64 id;
    unsigned char hash[audit_digest_size];
};
int head_slots();
bool read_head(int slot, HeadCopy *out); // false when the slot holds no lane

// --- for the audit writer processes ---

// An event taken from the queue: its slot, and the entry decoded from a private copy.
struct Taken {
    int slot;
    AuditEntry entry;
};

// Takes up to `max` events bound for `db` (palloc'd in CurrentMemoryContext).
int take(const char *db, Taken *out, int max);
// Marks taken slots written: their waiters go on, the slots are free again.
void finish(const Taken *taken, int n);
// Sends the events of `from_db` still waiting to `to_db` (a database without the table).
// Seals are dropped instead: they anchor rows of `from_db` and mean nothing elsewhere.
void retarget(const char *from_db, const char *to_db);
// Databases that have events waiting, without a writer: up to `max` names into `out`.
int orphaned_targets(char (*out)[NAMEDATALEN], int max);

inline constexpr int max_writers = 4;
// Writer registry: the launcher claims an entry before starting a writer for `db`.
int claim_writer(const char *db);             // entry index, or -1 when all are in use
void writer_started(int entry, Latch *latch); // from the writer itself
void release_writer(int entry);               // by the launcher, once the writer's process is gone
void writer_exiting(int entry);               // by the writer: no latch to wake any more
int writer_pid(int entry);
bool writer_claimed(int entry); // 0 until the writer connected
// Asks the writer connected to `db` to leave it, and waits (at most redline.audit_wait)
// until it has: DROP DATABASE, ALTER DATABASE and CREATE DATABASE ... TEMPLATE need a
// database nobody is connected to.
void dismiss_writer(const char *db);
bool writer_dismissed(int entry);
// Puts taken events back, bound for `to_db` (their writer's database has no audit table);
// seals among them are dropped.
void untake(const Taken *taken, int n, const char *to_db);
void set_launcher_latch(Latch *latch);

} // namespace redline::audit_queue
