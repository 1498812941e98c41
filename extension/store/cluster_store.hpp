// Cluster-wide state shared by every database and backend: enrolled keys and spent token
// ids. It lives in shared memory, loaded at server start from files under
// $PGDATA/pg_redline/ that every change is written to (fsync, atomic rename) before it is
// acknowledged, so it survives restarts and crashes and needs no database of its own.
#pragma once

extern "C" {
#include "postgres.h"
#include "lib/stringinfo.h"
}

namespace redline::cluster_store {

inline constexpr int max_keys = 1024;
inline constexpr int max_spent_tokens = 65536;

struct Key {
    char kid[64];
    char role[NAMEDATALEN];
    char paserk[96]; // k4.public...
    char label[128];
    int64 created; // Unix seconds
    int64 revoked; // Unix seconds, 0 = valid
};

// Replaces `path` (relative to the data directory) by `content` atomically and durably: a
// temporary file, fsync, rename, fsync of the directory. Errors are raised at `elevel`.
bool replace_file(const char *path, const char *temp, const StringInfo content, int elevel);

// Shared memory, from the hooks (hooks/install.cpp): request, then attach at startup.
void request_shmem();
void startup_shmem();

// Copies the key with id `kid` into *out; false when no such key was ever enrolled.
bool find_key(const char *kid, Key *out);

enum class EnrollResult { enrolled, already, other_role, revoked, full };
// Adds a key, persisting it first. `key` must be filled completely but for the dates.
EnrollResult enroll(Key *key);

enum class RevokeResult { revoked, already, unknown };
RevokeResult revoke(const char *kid, int64 now);

// Copies up to `max` keys into `out` (palloc'd by the caller); returns how many.
int list_keys(Key *out, int max);

enum class SpendResult { spent, replayed, full };
// Records a token id as spent until `expires`, durably, unless it already was.
SpendResult spend(const unsigned char digest[16], int64 expires, int64 now);

} // namespace redline::cluster_store
