// Appending hash-chained rows to redline.audit_log (see audit_table.hpp).
#include "audit_table.hpp"
#include "audit_queue.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/table.h"
#include "access/transam.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/xid8.h"
}

#include <cstring>

namespace redline::audit_table {

namespace {

constexpr int ncolumns = 23;

bool oid_known = false;
bool database_published = false;
Oid cached_oid = InvalidOid;

// A lane: its number (the id of its first row) and its head as committed and as this
// transaction left it. A process keeps two: its events, and the seals it writes (an audit
// writer), so that the rows anchoring a lane's end never sit in that same lane, where
// cutting the lane short would take its anchors along.
struct Head {
    int64 seq;
    int64 id; // of the row at seq; 0 before the first
    unsigned char hash[audit_digest_size];
};
struct Lane {
    int64 number;
    Head committed;
    Head current;
};
Lane events{};
Lane seals{};

// Where the events lane's head was when each open subtransaction wrote its first row
// (seals are written by audit writers only, never inside a subtransaction).
struct SubMark {
    SubTransactionId sub;
    Head head;
};
SubMark *marks = nullptr;
int nmarks = 0;
int marks_cap = 0;

void forget_oid(Datum, Oid relid)
{
    if (relid == InvalidOid || relid == cached_oid)
        oid_known = false;
}

void forget_oid_syscache(Datum, int, uint32) { oid_known = false; }

Datum text_or_null(const char *s, bool *isnull)
{
    *isnull = s == nullptr;
    return s != nullptr ? CStringGetTextDatum(s) : (Datum)0;
}

void mark_subtransaction()
{
    SubTransactionId sub = GetCurrentSubTransactionId();
    if (nmarks > 0 && marks[nmarks - 1].sub == sub)
        return;
    if (nmarks == marks_cap) {
        int cap = marks_cap == 0 ? 8 : marks_cap * 2;
        auto *grown = static_cast<SubMark *>(MemoryContextAlloc(TopMemoryContext, sizeof(SubMark) * cap));
        if (nmarks > 0)
            memcpy(grown, marks, sizeof(SubMark) * nmarks);
        if (marks != nullptr)
            pfree(marks);
        marks = grown;
        marks_cap = cap;
    }
    marks[nmarks++] = SubMark{sub, events.current};
}

} // namespace

void install()
{
    CacheRegisterRelcacheCallback(forget_oid, (Datum)0);
    CacheRegisterSyscacheCallback(NAMESPACENAME, forget_oid_syscache, (Datum)0);
    CacheRegisterSyscacheCallback(RELNAMENSP, forget_oid_syscache, (Datum)0);
}

Oid oid()
{
    if (likely(oid_known))
        return cached_oid;
    Oid nsp = get_namespace_oid("redline", true);
    cached_oid = OidIsValid(nsp) ? get_relname_relid("audit_log", nsp) : InvalidOid;
    oid_known = true;
    return cached_oid;
}

int64 append(const AuditEntry *e)
{
    Oid relid = oid();
    if (!OidIsValid(relid))
        elog(ERROR, "redline.audit_log does not exist in this database");
    if (!database_published && OidIsValid(MyDatabaseId)) {
        char *name = get_database_name(MyDatabaseId);
        if (name != nullptr)
            audit_queue::publish_database(name);
        database_published = true;
    }
    Relation rel = table_open(relid, RowExclusiveLock);
    int64 id = audit_queue::next_id();
    bool is_seal = e->text[af_event] != nullptr && strcmp(e->text[af_event], "seal") == 0;
    Lane *lane = is_seal ? &seals : &events;
    if (lane->number == 0) {
        lane->number = id;
        lane->committed = Head{};
        if (!audit_lane_genesis(lane->number, lane->committed.hash))
            elog(ERROR, "redline could not start an audit lane (SHA-256 unavailable)");
        lane->current = lane->committed;
    }
    if (!is_seal)
        mark_subtransaction();
    AuditRowKey key{id, lane->number, lane->current.seq + 1, lane->current.id};
    unsigned char hash[audit_digest_size];
    if (!audit_row_hash(lane->current.hash, key, *e, hash))
        elog(ERROR, "redline could not hash an audit row (SHA-256 unavailable)");

    Datum values[ncolumns];
    bool nulls[ncolumns];
    memset(nulls, 0, sizeof nulls);
    int c = 0;
    values[c++] = Int64GetDatum(id);
    values[c++] = TimestampTzGetDatum(e->at);
    values[c] = text_or_null(e->text[af_event], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_session_role], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_effective_role], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_database], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_client_addr], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_application_name], &nulls[c]), c++;
    nulls[c] = !e->has_pid, values[c++] = Int32GetDatum(e->pid);
    values[c] = text_or_null(e->text[af_environment], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_statement], &nulls[c]), c++;
    if (e->nobjects < 0) {
        nulls[c] = true;
        values[c++] = (Datum)0;
    } else {
        Datum *elems = static_cast<Datum *>(palloc(sizeof(Datum) * Max(e->nobjects, 1)));
        for (int i = 0; i < e->nobjects; i++)
            elems[i] = CStringGetTextDatum(e->objects[i]);
        values[c++] = PointerGetDatum(construct_array(elems, e->nobjects, TEXTOID, -1, false, TYPALIGN_INT));
    }
    nulls[c] = !e->has_rows, values[c++] = Int64GetDatum(e->rows);
    values[c] = text_or_null(e->text[af_key_id], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_amr], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_decision], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_reason], &nulls[c]), c++;
    values[c] = text_or_null(e->text[af_sqlstate], &nulls[c]), c++;
    nulls[c] = !e->has_xid, values[c++] = FullTransactionIdGetDatum(FullTransactionIdFromU64(e->xid));
    values[c++] = Int64GetDatum(key.lane);
    values[c++] = Int64GetDatum(key.lane_seq);
    nulls[c] = key.prev_id == 0, values[c++] = Int64GetDatum(key.prev_id);
    bytea *digest = static_cast<bytea *>(palloc(VARHDRSZ + audit_digest_size));
    SET_VARSIZE(digest, VARHDRSZ + audit_digest_size);
    memcpy(VARDATA(digest), hash, audit_digest_size);
    values[c++] = PointerGetDatum(digest);
    Assert(c == ncolumns);

    if (RelationGetDescr(rel)->natts != ncolumns)
        elog(ERROR, "redline.audit_log does not have the columns this redline writes (ALTER EXTENSION redline UPDATE)");
    HeapTuple tuple = heap_form_tuple(RelationGetDescr(rel), values, nulls);
    CatalogTupleInsert(rel, tuple);
    table_close(rel, NoLock);
    heap_freetuple(tuple);

    lane->current.seq = key.lane_seq;
    lane->current.id = id;
    memcpy(lane->current.hash, hash, audit_digest_size);
    return id;
}

void at_commit()
{
    if (seals.current.seq != seals.committed.seq)
        seals.committed = seals.current;
    if (events.current.seq != events.committed.seq) {
        events.committed = events.current;
        audit_queue::publish_head(events.number, events.committed.seq, events.committed.id, events.committed.hash);
    }
    nmarks = 0;
}

bool head(int64 *lane, int64 *seq, int64 *id, unsigned char hash[audit_digest_size])
{
    if (events.number == 0 || events.committed.seq == 0)
        return false;
    *lane = events.number;
    *seq = events.committed.seq;
    *id = events.committed.id;
    memcpy(hash, events.committed.hash, audit_digest_size);
    return true;
}

void at_abort()
{
    events.current = events.committed;
    seals.current = seals.committed;
    nmarks = 0;
}

void at_subabort(SubTransactionId sub)
{
    // The head goes back to where it was before the first row of this subtransaction (or
    // of any of its children, whose marks come later).
    for (int i = 0; i < nmarks; i++) {
        if (marks[i].sub >= sub) {
            events.current = marks[i].head;
            nmarks = i;
            return;
        }
    }
}

void at_subcommit(SubTransactionId sub, SubTransactionId parent)
{
    // The parent now owns what the subtransaction wrote; its own mark (if any) comes first.
    for (int i = 0; i < nmarks; i++) {
        if (marks[i].sub == sub) {
            if (i > 0 && marks[i - 1].sub == parent) {
                memmove(&marks[i], &marks[i + 1], sizeof(SubMark) * (nmarks - i - 1));
                nmarks--;
            } else {
                marks[i].sub = parent;
            }
            return;
        }
    }
}

void at_prepare()
{
    // The prepared transaction finishes elsewhere: this process starts a new lane.
    events = Lane{};
    nmarks = 0;
}

} // namespace redline::audit_table
