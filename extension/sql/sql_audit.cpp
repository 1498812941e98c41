// redline.verify_audit(): walks every lane of redline.audit_log in order, recomputes each
// row's hash from its columns and the previous row's hash, and reports the first row that
// was changed, removed or inserted after redline wrote it. It reads ONLY the log itself, with
// the search path pinned to the catalog, so that nothing a superuser links to the table or
// puts on the path (a child table, a function or operator of the same name) takes part.
#include "audit_entry.hpp"
#include "audit_hash.hpp"

#include <initializer_list>

extern "C" {
#include "postgres.h"
#include "access/htup_details.h"
#include "access/transam.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

PGDLLEXPORT Datum redline_verify_audit(PG_FUNCTION_ARGS);
PG_FUNCTION_INFO_V1(redline_verify_audit);
}

namespace {

constexpr const char *walk_query =
    "SELECT id, at, event, session_role, effective_role, database, client_addr, application_name, backend_pid, "
    "environment, statement, objects, rows, key_id, amr, decision, reason, sqlstate, xid, lane, lane_seq, prev_id, hash "
    "FROM ONLY redline.audit_log ORDER BY lane, lane_seq, id";

constexpr const char *seal_query =
    "SELECT a.seal_id, a.lane, a.seq, a.id, r.id IS NULL "
    "FROM (SELECT s.id AS seal_id, split_part(o, ':', 1)::bigint AS lane, split_part(o, ':', 2)::bigint AS seq, "
    "             split_part(o, ':', 3)::bigint AS id, split_part(o, ':', 4) AS hash "
    "        FROM ONLY redline.audit_log s, unnest(s.objects) o WHERE s.event = 'seal') a "
    "LEFT JOIN ONLY redline.audit_log r ON r.id = a.id AND r.lane = a.lane "
    "WHERE r.id IS NULL OR r.lane_seq <> a.seq OR encode(r.hash, 'hex') <> a.hash";

// Tables linked to the log by inheritance or partitioning (only possible with redline off).
constexpr const char *link_query =
    "SELECT i.inhrelid::regclass::text, i.inhparent::regclass::text, "
    "       i.inhrelid = 'redline.audit_log'::regclass "
    "FROM pg_inherits i WHERE 'redline.audit_log'::regclass IN (i.inhrelid, i.inhparent) ORDER BY 1, 2";

struct Problem {
    int64 id;
    const char *kind; // changed, removed, inserted
    char *detail;
};

struct Walk {
    int64 rows = 0;
    int64 lanes = 0;
    int64 problems = 0;
    Problem first{0, nullptr, nullptr};
    bool in_lane = false;
    int64 lane = 0;
    int64 expected_seq = 0;
    int64 last_id = 0;
    unsigned char prev[redline::audit_digest_size];
    char *link = nullptr; // a table linked to the log, in words
};

void note(Walk *w, int64 id, const char *kind, char *detail)
{
    w->problems++;
    if (w->first.kind == nullptr || id < w->first.id) {
        w->first.id = id;
        w->first.kind = kind;
        w->first.detail = detail;
    }
}

const char *text_col(HeapTuple tuple, TupleDesc desc, int col)
{
    bool isnull;
    Datum d = SPI_getbinval(tuple, desc, col, &isnull);
    return isnull ? nullptr : TextDatumGetCString(d);
}

void check_row(Walk *w, HeapTuple tuple, TupleDesc desc, MemoryContext keep)
{
    using namespace redline;
    bool isnull;
    AuditRowKey key;
    AuditEntry e;
    key.id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
    e.at = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 2, &isnull));
    const AuditField texts_a[] = {af_event,    af_session_role, af_effective_role,
                                  af_database, af_client_addr,  af_application_name};
    int col = 3;
    for (AuditField f : texts_a)
        e.text[f] = text_col(tuple, desc, col++);
    Datum pid = SPI_getbinval(tuple, desc, col++, &isnull);
    e.has_pid = !isnull;
    e.pid = isnull ? 0 : DatumGetInt32(pid);
    e.text[af_environment] = text_col(tuple, desc, col++);
    e.text[af_statement] = text_col(tuple, desc, col++);
    Datum objects = SPI_getbinval(tuple, desc, col++, &isnull);
    if (isnull) {
        e.nobjects = -1;
    } else {
        Datum *elems;
        bool *nulls;
        int n;
        deconstruct_array(DatumGetArrayTypeP(objects), TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
        auto **names = static_cast<const char **>(palloc(sizeof(char *) * Max(n, 1)));
        for (int i = 0; i < n; i++)
            names[i] = nulls[i] ? nullptr : TextDatumGetCString(elems[i]);
        e.nobjects = n;
        e.objects = names;
    }
    Datum rows = SPI_getbinval(tuple, desc, col++, &isnull);
    e.has_rows = !isnull;
    e.rows = isnull ? 0 : DatumGetInt64(rows);
    for (AuditField f : {af_key_id, af_amr, af_decision, af_reason, af_sqlstate})
        e.text[f] = text_col(tuple, desc, col++);
    Datum xid = SPI_getbinval(tuple, desc, col++, &isnull);
    e.has_xid = !isnull;
    e.xid = isnull ? 0 : U64FromFullTransactionId(DatumGetFullTransactionId(xid));
    key.lane = DatumGetInt64(SPI_getbinval(tuple, desc, col++, &isnull));
    key.lane_seq = DatumGetInt64(SPI_getbinval(tuple, desc, col++, &isnull));
    Datum prev_id = SPI_getbinval(tuple, desc, col++, &isnull);
    key.prev_id = isnull ? 0 : DatumGetInt64(prev_id);
    bytea *stored = DatumGetByteaPP(SPI_getbinval(tuple, desc, col++, &isnull));
    bool stored_ok = !isnull && VARSIZE_ANY_EXHDR(stored) == audit_digest_size;

    w->rows++;
    MemoryContext old = MemoryContextSwitchTo(keep);
    if (!w->in_lane || key.lane != w->lane) {
        w->lanes++;
        w->in_lane = true;
        w->lane = key.lane;
        w->expected_seq = 1;
        w->last_id = 0;
        audit_lane_genesis(key.lane, w->prev);
    }
    if (key.lane_seq < w->expected_seq || key.id <= w->last_id) {
        // Not part of the chain: the lane goes on from the row before it.
        note(w, key.id, "inserted",
             key.lane_seq < w->expected_seq
                 ? psprintf("row %lld claims place %lld of lane %lld, which another row already holds: it was added "
                            "out of band",
                            (long long)key.id, (long long)key.lane_seq, (long long)key.lane)
                 : psprintf("row %lld sits at place %lld of lane %lld after row %lld, although ids only grow along "
                            "a lane: it was added out of band",
                            (long long)key.id, (long long)key.lane_seq, (long long)key.lane, (long long)w->last_id));
        MemoryContextSwitchTo(old);
        return;
    } else if (key.lane_seq > w->expected_seq) {
        // The row after the gap names the last row removed.
        int64 removed = key.prev_id != 0 ? key.prev_id : key.id;
        note(w, removed, "removed",
             psprintf("row %lld was removed: lane %lld jumps from place %lld to %lld at row %lld (%lld row(s) "
                      "missing)",
                      (long long)removed, (long long)key.lane, (long long)(w->expected_seq - 1),
                      (long long)key.lane_seq, (long long)key.id, (long long)(key.lane_seq - w->expected_seq)));
    } else {
        unsigned char computed[audit_digest_size];
        bool hashed = audit_row_hash(w->prev, key, e, computed);
        if (!hashed || !stored_ok || memcmp(computed, VARDATA_ANY(stored), audit_digest_size) != 0)
            note(w, key.id, "changed",
                 psprintf("row %lld (place %lld of lane %lld) no longer matches its hash: its columns were "
                          "changed after redline wrote it",
                          (long long)key.id, (long long)key.lane_seq, (long long)key.lane));
    }
    // The chain goes on from the stored hash, so one tampered row is one problem.
    if (stored_ok)
        memcpy(w->prev, VARDATA_ANY(stored), audit_digest_size);
    w->expected_seq = Max(w->expected_seq, key.lane_seq + 1);
    w->last_id = Max(w->last_id, key.id);
    MemoryContextSwitchTo(old);
}

} // namespace

Datum redline_verify_audit(PG_FUNCTION_ARGS)
{
    TupleDesc result_desc;
    if (get_call_result_type(fcinfo, nullptr, &result_desc) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("redline.verify_audit() must return a record")));
    result_desc = BlessTupleDesc(result_desc);
    MemoryContext caller = CurrentMemoryContext;
    Walk *w = static_cast<Walk *>(palloc0(sizeof(Walk)));
    *w = Walk{};

    int nest = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                            false);
    SPI_connect();
    SPIPlanPtr plan = SPI_prepare(walk_query, 0, nullptr);
    if (plan == nullptr)
        elog(ERROR, "redline.verify_audit(): could not read redline.audit_log: %s", SPI_result_code_string(SPI_result));
    Portal portal = SPI_cursor_open(nullptr, plan, nullptr, nullptr, true);
    MemoryContext per_row = AllocSetContextCreate(CurrentMemoryContext, "redline verify row", ALLOCSET_DEFAULT_SIZES);
    for (;;) {
        SPI_cursor_fetch(portal, true, 1000);
        if (SPI_processed == 0)
            break;
        for (uint64 i = 0; i < SPI_processed; i++) {
            MemoryContext old = MemoryContextSwitchTo(per_row);
            check_row(w, SPI_tuptable->vals[i], SPI_tuptable->tupdesc, caller);
            MemoryContextSwitchTo(old);
            MemoryContextReset(per_row);
        }
        SPI_freetuptable(SPI_tuptable);
    }
    SPI_cursor_close(portal);

    // Seals name the heads lanes had: a sealed row that is gone or different was removed
    // or rewritten, even at the end of a lane where the chain alone cannot tell.
    if (SPI_execute(seal_query, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "redline.verify_audit(): could not read the seals of redline.audit_log");
    for (uint64 i = 0; i < SPI_processed; i++) {
        HeapTuple tuple = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        int64 seal_id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
        int64 lane = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
        int64 seq = DatumGetInt64(SPI_getbinval(tuple, desc, 3, &isnull));
        int64 id = DatumGetInt64(SPI_getbinval(tuple, desc, 4, &isnull));
        bool missing = DatumGetBool(SPI_getbinval(tuple, desc, 5, &isnull));
        MemoryContext old = MemoryContextSwitchTo(caller);
        if (missing)
            note(w, id, "removed",
                 psprintf("row %lld (place %lld of lane %lld) was removed: seal row %lld recorded it", (long long)id,
                          (long long)seq, (long long)lane, (long long)seal_id));
        else
            note(w, id, "changed",
                 psprintf("row %lld (place %lld of lane %lld) is not the row seal row %lld recorded: it was "
                          "rewritten, hash included",
                          (long long)id, (long long)seq, (long long)lane, (long long)seal_id));
        MemoryContextSwitchTo(old);
    }

    // A child's rows show in every SELECT without ONLY; a parent's ALTER, TRUNCATE and DELETE
    // reach into the log. Either is reported first, whatever the rows say.
    if (SPI_execute(link_query, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "redline.verify_audit(): could not read pg_inherits");
    if (SPI_processed > 0) {
        MemoryContext old = MemoryContextSwitchTo(caller);
        StringInfoData words;
        initStringInfo(&words);
        for (uint64 i = 0; i < SPI_processed; i++) {
            HeapTuple tuple = SPI_tuptable->vals[i];
            TupleDesc desc = SPI_tuptable->tupdesc;
            bool isnull;
            bool log_is_child = DatumGetBool(SPI_getbinval(tuple, desc, 3, &isnull));
            if (words.len > 0)
                appendStringInfoString(&words, "; ");
            if (log_is_child)
                appendStringInfo(&words,
                                 "redline.audit_log is a child of %s: an ALTER, TRUNCATE or DELETE on %s reaches "
                                 "into the log",
                                 SPI_getvalue(tuple, desc, 2), SPI_getvalue(tuple, desc, 2));
            else
                appendStringInfo(&words,
                                 "%s is a child of redline.audit_log: a SELECT without ONLY shows its rows as if "
                                 "redline had written them",
                                 SPI_getvalue(tuple, desc, 1));
        }
        w->link = words.data;
        w->problems++;
        MemoryContextSwitchTo(old);
    }
    SPI_finish();
    AtEOXact_GUC(true, nest);

    Datum values[6];
    bool nulls[6] = {false, false, false, false, false, false};
    values[0] = BoolGetDatum(w->problems == 0);
    values[1] = Int64GetDatum(w->rows);
    values[2] = Int64GetDatum(w->lanes);
    if (w->problems == 0) {
        nulls[3] = nulls[4] = true;
        values[5] = CStringGetTextDatum(
            psprintf("%lld rows in %lld lanes: every row matches its hash and every lane is complete",
                     (long long)w->rows, (long long)w->lanes));
    } else if (w->link != nullptr) {
        nulls[3] = true;
        values[4] = CStringGetTextDatum("linked");
        values[5] = CStringGetTextDatum(
            w->problems == 1 ? w->link : psprintf("%s (%lld problems in all)", w->link, (long long)w->problems));
    } else {
        values[3] = Int64GetDatum(w->first.id);
        values[4] = CStringGetTextDatum(w->first.kind);
        values[5] = CStringGetTextDatum(
            w->problems == 1 ? w->first.detail
                             : psprintf("%s (%lld problems in all)", w->first.detail, (long long)w->problems));
    }
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(result_desc, values, nulls)));
}
