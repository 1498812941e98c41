// Reads a table as it was before the statement (its snapshot with the command id at which the
// statement began: rows it changed are still visible, rows it inserted are not) and looks for
// one of those rows that the statement did not update or delete. A row it updated or deleted
// has an xmax of this transaction that is not a mere lock, with a cmax at or after the
// statement's first command (heapam's own visibility rules, HeapTupleSatisfiesMVCC).
#include "every_row.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/lmgr.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace redline::every_row {

namespace {

// Whether this statement updated or deleted the row version: a visible row's xmax is ours
// and not a lock (HeapTupleHeaderGetUpdateXid resolves a multixact, and
// HeapTupleHeaderGetCmax a combo command id).
bool changed_by_statement(HeapTupleHeader tuple, CommandId start_cid)
{
    if ((tuple->t_infomask & HEAP_XMAX_INVALID) != 0 || HEAP_XMAX_IS_LOCKED_ONLY(tuple->t_infomask))
        return false;
    if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetUpdateXid(tuple)))
        return false;
    return HeapTupleHeaderGetCmax(tuple) >= start_cid;
}

// Counts into *seen the rows of one heap that the statement changed, block by block, and
// returns false at the first row it left alone (or once *seen passes `changed`, which a
// correct count never lets happen). Reads pages itself rather than through a sequential
// scan: no predicate lock in a serializable transaction, no synchronized-scan position.
bool every_row_of_heap(Relation rel, Snapshot snapshot, CommandId start_cid, uint64 changed, uint64 *seen)
{
    BlockNumber blocks = RelationGetNumberOfBlocks(rel);
    for (BlockNumber block = 0; block < blocks; block++) {
        CHECK_FOR_INTERRUPTS();
        Buffer buffer = ReadBufferExtended(rel, MAIN_FORKNUM, block, RBM_NORMAL, nullptr);
        LockBuffer(buffer, BUFFER_LOCK_SHARE);
        Page page = BufferGetPage(buffer);
        // A page this transaction changed is never all-visible: any row on one was left alone.
        bool all_visible = PageIsAllVisible(page) && !snapshot->takenDuringRecovery;
        bool left_alone = false;
        OffsetNumber last = PageGetMaxOffsetNumber(page);
        for (OffsetNumber offset = FirstOffsetNumber; offset <= last && !left_alone; offset++) {
            ItemId item = PageGetItemId(page, offset);
            if (!ItemIdIsNormal(item))
                continue;
            if (all_visible) {
                left_alone = true;
                break;
            }
            HeapTupleData tuple;
            tuple.t_data = reinterpret_cast<HeapTupleHeader>(PageGetItem(page, item));
            tuple.t_len = ItemIdGetLength(item);
            tuple.t_tableOid = RelationGetRelid(rel);
            ItemPointerSet(&tuple.t_self, block, offset);
            if (!HeapTupleSatisfiesVisibility(&tuple, snapshot, buffer))
                continue;
            if (!changed_by_statement(tuple.t_data, start_cid) || ++*seen > changed)
                left_alone = true;
        }
        UnlockReleaseBuffer(buffer);
        if (left_alone)
            return false;
    }
    return true;
}

} // namespace

uint64 rows_if_every_row_changed(const Target *target, CommandId start_cid, uint64 changed)
{
    List *relids = target->inherited ? find_all_inheritors(target->relid, AccessShareLock, nullptr)
                                     : list_make1_oid(target->relid);
    // The table as the statement found it: its snapshot, as of its first command.
    PushCopiedSnapshot(ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot());
    Snapshot snapshot = GetActiveSnapshot();
    snapshot->curcid = start_cid;

    uint64 seen = 0;
    bool every = true;
    ListCell *lc;
    foreach (lc, relids) {
        Relation rel = try_relation_open(lfirst_oid(lc), AccessShareLock);
        if (rel == nullptr)
            continue; // dropped since
        char kind = rel->rd_rel->relkind;
        // Another session's temporary child is never part of what this statement saw.
        if (!RELATION_IS_OTHER_TEMP(rel)) {
            if (kind == RELKIND_RELATION && rel->rd_rel->relam == HEAP_TABLE_AM_OID)
                every = every_row_of_heap(rel, snapshot, start_cid, changed, &seen);
            else if (kind != RELKIND_PARTITIONED_TABLE)
                every = false; // a foreign partition or another access method: cannot tell
        }
        relation_close(rel, NoLock);
        if (!every)
            break;
    }
    PopActiveSnapshot();
    list_free(relids);
    return every ? seen : 0;
}

} // namespace redline::every_row
