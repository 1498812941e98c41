// The cluster store: keys and spent token ids in shared memory, written through to
// $PGDATA/pg_redline/{keys,spent_tokens} under one LWLock. Loaded by the postmaster when
// shared memory is created (server start and every crash restart), so no backend ever
// sees a half-loaded store.
#include "cluster_store.hpp"
#include "store_lines.hpp"

extern "C" {
#include "common/file_perm.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
}

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace redline::cluster_store {

namespace {

constexpr const char *dir = "pg_redline";
constexpr const char *keys_file = "pg_redline/keys";
constexpr const char *keys_temp = "pg_redline/keys.tmp";
constexpr const char *spent_file = "pg_redline/spent_tokens";
constexpr const char *spent_temp = "pg_redline/spent_tokens.tmp";

struct Spent {
    unsigned char digest[16];
    int64 expires; // 0 = free slot
};

struct Shared {
    int nkeys;
    int spent_lines; // lines in the spent file, live or not
    Key keys[max_keys];
    Spent spent[max_spent_tokens];
};

Shared *shared = nullptr;
LWLock *store_lock = nullptr;

int64 unix_now() { return static_cast<int64>(time(nullptr)); }

void load_keys()
{
    FILE *file = AllocateFile(keys_file, "r");
    if (file == nullptr) {
        if (errno != ENOENT)
            ereport(LOG, (errcode_for_file_access(), errmsg("redline: could not read \"%s\": %m", keys_file)));
        return;
    }
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof line, file) != nullptr) {
        lineno++;
        if (shared->nkeys >= max_keys) {
            ereport(LOG,
                    (errmsg("redline: \"%s\" holds more than %d keys; the rest are ignored", keys_file, max_keys)));
            break;
        }
        Key *key = &shared->keys[shared->nkeys];
        store::KeyFields fields{key->kid,      sizeof key->kid,    key->role,  sizeof key->role,
                                key->paserk,   sizeof key->paserk, key->label, sizeof key->label,
                                &key->created, &key->revoked};
        if (!store::read_key_line(line, fields)) {
            ereport(LOG, (errmsg("redline: line %d of \"%s\" is not a key record; that key is not usable", lineno,
                                 keys_file)));
            continue;
        }
        shared->nkeys++;
    }
    FreeFile(file);
}

void load_spent()
{
    FILE *file = AllocateFile(spent_file, "r");
    if (file == nullptr) {
        if (errno != ENOENT)
            ereport(LOG, (errcode_for_file_access(), errmsg("redline: could not read \"%s\": %m", spent_file)));
        return;
    }
    char line[128];
    int64 now = unix_now();
    int next = 0;
    while (fgets(line, sizeof line, file) != nullptr) {
        Spent entry;
        if (!store::read_spent_line(line, entry.digest, &entry.expires) || entry.expires <= now)
            continue;
        if (next >= max_spent_tokens)
            break;
        shared->spent[next++] = entry;
    }
    FreeFile(file);
}

} // namespace

bool replace_file(const char *path, const char *temp, const StringInfo content, int elevel)
{
    int fd = OpenTransientFile(temp, O_WRONLY | O_CREAT | O_TRUNC | PG_BINARY);
    if (fd < 0) {
        ereport(elevel, (errcode_for_file_access(), errmsg("redline: could not create \"%s\": %m", temp)));
        return false;
    }
    errno = 0;
    if (write(fd, content->data, content->len) != content->len) {
        if (errno == 0)
            errno = ENOSPC;
        int save = errno;
        CloseTransientFile(fd);
        errno = save;
        ereport(elevel, (errcode_for_file_access(), errmsg("redline: could not write \"%s\": %m", temp)));
        return false;
    }
    if (pg_fsync(fd) != 0) {
        int save = errno;
        CloseTransientFile(fd);
        errno = save;
        ereport(elevel, (errcode_for_file_access(), errmsg("redline: could not fsync \"%s\": %m", temp)));
        return false;
    }
    CloseTransientFile(fd);
    return durable_rename(temp, path, elevel) == 0;
}

namespace {

bool write_keys(int elevel)
{
    StringInfoData content;
    initStringInfo(&content);
    char line[1024];
    for (int i = 0; i < shared->nkeys; i++) {
        const Key *k = &shared->keys[i];
        size_t len =
            store::write_key_line(k->kid, k->role, k->paserk, k->label, k->created, k->revoked, line, sizeof line);
        if (len == 0)
            elog(ERROR, "redline: key record for \"%s\" does not fit a line", k->kid);
        appendBinaryStringInfo(&content, line, static_cast<int>(len));
    }
    bool ok = replace_file(keys_file, keys_temp, &content, elevel);
    pfree(content.data);
    return ok;
}

bool write_spent(int elevel)
{
    StringInfoData content;
    initStringInfo(&content);
    char line[128];
    int lines = 0;
    for (int i = 0; i < max_spent_tokens; i++) {
        const Spent *s = &shared->spent[i];
        if (s->expires == 0)
            continue;
        size_t len = store::write_spent_line(s->digest, s->expires, line, sizeof line);
        appendBinaryStringInfo(&content, line, static_cast<int>(len));
        lines++;
    }
    bool ok = replace_file(spent_file, spent_temp, &content, elevel);
    pfree(content.data);
    if (ok)
        shared->spent_lines = lines;
    return ok;
}

void append_spent(const Spent *entry)
{
    char line[128];
    size_t len = store::write_spent_line(entry->digest, entry->expires, line, sizeof line);
    int fd = OpenTransientFile(spent_file, O_WRONLY | O_APPEND | O_CREAT | PG_BINARY);
    if (fd < 0)
        ereport(ERROR, (errcode_for_file_access(), errmsg("redline: could not open \"%s\": %m", spent_file)));
    errno = 0;
    if (write(fd, line, len) != static_cast<ssize_t>(len) || pg_fsync(fd) != 0) {
        int save = errno == 0 ? ENOSPC : errno;
        CloseTransientFile(fd);
        errno = save;
        ereport(ERROR, (errcode_for_file_access(),
                        errmsg("redline: could not record a spent token in \"%s\": %m", spent_file)));
    }
    CloseTransientFile(fd);
    shared->spent_lines++;
}

void request_shmem_space()
{
    RequestAddinShmemSpace(MAXALIGN(sizeof(Shared)));
    RequestNamedLWLockTranche("redline", 1);
}

void attach_shmem()
{
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found = false;
    shared = static_cast<Shared *>(ShmemInitStruct("redline cluster store", sizeof(Shared), &found));
    store_lock = &(GetNamedLWLockTranche("redline"))->lock;
    if (!found) {
        memset(shared, 0, sizeof(Shared));
        if (MakePGDirectory(dir) < 0 && errno != EEXIST)
            ereport(LOG, (errcode_for_file_access(), errmsg("redline: could not create directory \"%s\": %m", dir)));
        load_keys();
        load_spent();
        // Start every server life with a compact spent file of unexpired ids only.
        (void)write_spent(LOG);
    }
    LWLockRelease(AddinShmemInitLock);
}

void require_store()
{
    if (shared == nullptr)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("redline's cluster store is not available in this process")));
}

} // namespace

bool find_key(const char *kid, Key *out)
{
    require_store();
    bool found = false;
    LWLockAcquire(store_lock, LW_SHARED);
    for (int i = 0; i < shared->nkeys; i++) {
        if (strcmp(shared->keys[i].kid, kid) == 0) {
            *out = shared->keys[i];
            found = true;
            break;
        }
    }
    LWLockRelease(store_lock);
    return found;
}

EnrollResult enroll(Key *key)
{
    require_store();
    LWLockAcquire(store_lock, LW_EXCLUSIVE);
    for (int i = 0; i < shared->nkeys; i++) {
        Key *existing = &shared->keys[i];
        if (strcmp(existing->kid, key->kid) != 0)
            continue;
        EnrollResult result = existing->revoked != 0                   ? EnrollResult::revoked
                              : strcmp(existing->role, key->role) != 0 ? EnrollResult::other_role
                                                                       : EnrollResult::already;
        *key = *existing;
        LWLockRelease(store_lock);
        return result;
    }
    if (shared->nkeys >= max_keys) {
        LWLockRelease(store_lock);
        return EnrollResult::full;
    }
    key->created = unix_now();
    key->revoked = 0;
    shared->keys[shared->nkeys++] = *key;
    // Written before anyone is told: on failure the key is taken back and the error raised
    // (an ERROR releases the LWLock).
    if (!write_keys(WARNING)) {
        shared->nkeys--;
        LWLockRelease(store_lock);
        ereport(ERROR, (errcode(ERRCODE_IO_ERROR), errmsg("redline: the key could not be saved; it was not enrolled")));
    }
    LWLockRelease(store_lock);
    return EnrollResult::enrolled;
}

RevokeResult revoke(const char *kid, int64 now)
{
    require_store();
    LWLockAcquire(store_lock, LW_EXCLUSIVE);
    for (int i = 0; i < shared->nkeys; i++) {
        Key *key = &shared->keys[i];
        if (strcmp(key->kid, kid) != 0)
            continue;
        if (key->revoked != 0) {
            LWLockRelease(store_lock);
            return RevokeResult::already;
        }
        key->revoked = now;
        if (!write_keys(WARNING)) {
            key->revoked = 0;
            LWLockRelease(store_lock);
            ereport(ERROR, (errcode(ERRCODE_IO_ERROR),
                            errmsg("redline: the revocation could not be saved; the key stays valid")));
        }
        LWLockRelease(store_lock);
        return RevokeResult::revoked;
    }
    LWLockRelease(store_lock);
    return RevokeResult::unknown;
}

int list_keys(Key *out, int max)
{
    require_store();
    LWLockAcquire(store_lock, LW_SHARED);
    int n = Min(max, shared->nkeys);
    memcpy(out, shared->keys, sizeof(Key) * n);
    LWLockRelease(store_lock);
    return n;
}

SpendResult spend(const unsigned char digest[16], int64 expires, int64 now)
{
    require_store();
    LWLockAcquire(store_lock, LW_EXCLUSIVE);
    int live = 0;
    int free_slot = -1;
    for (int i = 0; i < max_spent_tokens; i++) {
        Spent *s = &shared->spent[i];
        if (s->expires != 0 && s->expires <= now)
            s->expires = 0; // expired: its token is refused as expired anyway
        if (s->expires == 0) {
            if (free_slot < 0)
                free_slot = i;
            continue;
        }
        live++;
        if (memcmp(s->digest, digest, 16) == 0) {
            LWLockRelease(store_lock);
            return SpendResult::replayed;
        }
    }
    if (free_slot < 0) {
        LWLockRelease(store_lock);
        return SpendResult::full;
    }
    Spent *slot = &shared->spent[free_slot];
    memcpy(slot->digest, digest, 16);
    slot->expires = expires;
    PG_TRY();
    {
        append_spent(slot);
    }
    PG_CATCH();
    {
        slot->expires = 0; // not durable, so not spent: the token may be presented again
        PG_RE_THROW();
    }
    PG_END_TRY();
    if (shared->spent_lines > 2 * (live + 1) + 4096)
        (void)write_spent(WARNING);
    LWLockRelease(store_lock);
    return SpendResult::spent;
}

// From the shared-memory hooks (hooks/install.cpp).
void request_shmem() { request_shmem_space(); }
void startup_shmem() { attach_shmem(); }

} // namespace redline::cluster_store
