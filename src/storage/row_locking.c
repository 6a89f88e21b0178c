/*-------------------------------------------------------------------------
 *
 * row_locking.c
 *	  Concurrency control for DELETE, UPDATE and row locks on olap tables.
 *
 * Olap rows carry no xmax, so olap tables do not lock single rows.  Every
 * transaction that deletes, updates or locks rows of a table first takes a
 * heavyweight lock on the table's "row changes" object, held until the
 * transaction ends: ExclusiveLock for DELETE, UPDATE and FOR [NO KEY]
 * UPDATE, ShareLock for FOR [KEY] SHARE.  So changes to existing rows of one
 * table are serialized (shared locks still run together); plain INSERTs
 * never take this lock and never wait for it.  Deadlocks with other locks
 * are found by the ordinary deadlock detector.  VACUUM compaction takes the
 * same lock in RowExclusiveLock mode (conflicting with both), without
 * waiting for it.
 *
 * After the lock is granted, the row is checked against the latest state of
 * the table (committed, plus this transaction's own changes), as heap
 * checks xmax: a row deleted by a transaction that committed meanwhile
 * gives TM_Deleted, one replaced by an UPDATE gives TM_Updated with the TID
 * of the new version (so READ COMMITTED re-checks the new version through
 * EvalPlanQual, and REPEATABLE READ / SERIALIZABLE raise a serialization
 * failure, exactly as with heap), a row this transaction already deleted
 * gives TM_SelfModified, and a row the current command inserted
 * TM_Invisible (so ON CONFLICT DO UPDATE cannot change a row twice).
 *
 * The lock's tag is an object lock in the current database whose class is
 * the OID of the olap.row_mask catalog and whose object is the table.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "storage/sinvaladt.h"
#include "utils/memutils.h"
#include "access/xact.h"
#include "utils/snapmgr.h"

#include "storage/metapage.h"
#include "storage/row_locking.h"
#include "storage/row_mask.h"
#include "storage/row_number.h"
#include "storage/stripe_catalog.h"

static void
set_row_change_tag(LOCKTAG *tag, Relation rel)
{
	SET_LOCKTAG_OBJECT(*tag, MyDatabaseId, OlapCatalogRelid("row_mask"),
					   RelationGetRelid(rel), 0);
}

/*
 * The xid of another transaction that holds the table's row-change lock in
 * exclusive mode (it may be deleting any row), or InvalidTransactionId.  A
 * unique check that finds a live conflicting row waits for it, as heap
 * waits for a row's xmax.
 */
TransactionId
OlapRowChangerXid(Relation rel)
{
	LOCKTAG		tag;
	VirtualTransactionId *vxids;

	set_row_change_tag(&tag, rel);
	/* RowShareLock conflicts with ExclusiveLock only, not with compaction */
	vxids = GetLockConflicts(&tag, RowShareLock, NULL);
	for (; VirtualTransactionIdIsValid(*vxids); vxids++)
	{
		TransactionId xid;
		TransactionId xmin;

		if (vxids->backendId == InvalidBackendId)
			continue;
		BackendIdGetTransactionIds(vxids->backendId, &xid, &xmin);
		if (TransactionIdIsValid(xid) && !TransactionIdIsCurrentTransactionId(xid))
			return xid;
	}
	return InvalidTransactionId;
}

/*
 * Takes the table's row-change lock in the mode the row lock strength
 * needs.  Returns false only with LockWaitSkip when the lock is not free;
 * with LockWaitError it raises the error heap raises for NOWAIT.
 */
bool
OlapLockTableRows(Relation rel, LockTupleMode mode, LockWaitPolicy wait_policy)
{
	LOCKTAG		tag;
	LOCKMODE	lockmode;
	LockAcquireResult res;

	lockmode = (mode == LockTupleKeyShare || mode == LockTupleShare) ?
		ShareLock : ExclusiveLock;
	set_row_change_tag(&tag, rel);

	/* others' unique checks wait for changers by xid (OlapRowChangerXid) */
	if (lockmode == ExclusiveLock)
		(void) GetCurrentTransactionId();

	res = LockAcquire(&tag, lockmode, false, wait_policy != LockWaitBlock);
	if (res == LOCKACQUIRE_NOT_AVAIL)
	{
		if (wait_policy == LockWaitSkip)
			return false;
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("could not obtain lock on row in relation \"%s\"",
						RelationGetRelationName(rel))));
	}
	return true;
}

/*
 * Takes the table's row-change lock for VACUUM compaction, without
 * waiting: RowExclusiveLock conflicts with both the exclusive and the
 * shared mode of row changers, so no transaction that changes or locks
 * rows runs while stripes are rewritten, and those that come later wait.
 * Unique checks do not wait for it (OlapRowChangerXid).  Returns false
 * when row changers hold the lock.
 */
bool
OlapTryLockRowsForCompaction(Relation rel)
{
	LOCKTAG		tag;

	set_row_change_tag(&tag, rel);
	return LockAcquire(&tag, RowExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL;
}

/*
 * Finds the chunk group of a row among the groups that are committed or
 * this transaction's own.
 */
bool
OlapLocateRow(Relation rel, uint64 row_number, RowLocation *loc)
{
	uint64		first;

	loc->storage_id = MetapageStorageId(rel);
	if (loc->storage_id == 0 ||
		!StripeCatalogLocateRow(loc->storage_id, row_number, SnapshotSelf,
								&loc->stripe_num, &loc->group_num, &first,
								&loc->group_rows, &loc->my_insert_cid))
		return false;
	loc->first_row_number = first;
	loc->offset = (uint32) (row_number - first);
	return true;
}

/*
 * Caches for the row changes of one (sub)transaction.  While a transaction
 * holds the table's row-change lock, no other transaction changes the
 * table's row masks and no compaction moves its rows, so the chunk group
 * found for the last row and the mask loaded for it serve the next row of
 * the same group (a DELETE of millions of rows otherwise does two catalog
 * lookups per row).  This transaction's own mask writes bump
 * olap_row_mask_epoch; entries of another (sub)transaction are not used.
 */
typedef struct RowChangeCache
{
	bool		valid;
	LocalTransactionId lxid;
	SubTransactionId subxid;
	RelFileNode node;
	uint64		row_mask_epoch; /* mask entry only */
	RowLocation loc;			/* offset is the last row's */
	RowMask		mask;			/* mask entry only */
} RowChangeCache;

static RowChangeCache location_cache;
static RowChangeCache mask_cache;
static MemoryContext mask_cache_context = NULL;

static bool
cache_is_current(const RowChangeCache *cache, Relation rel)
{
	return cache->valid && cache->lxid == MyProc->lxid &&
		cache->subxid == GetCurrentSubTransactionId() &&
		RelFileNodeEquals(cache->node, rel->rd_node);
}

static void
cache_set_key(RowChangeCache *cache, Relation rel)
{
	cache->valid = true;
	cache->lxid = MyProc->lxid;
	cache->subxid = GetCurrentSubTransactionId();
	cache->node = rel->rd_node;
}

/*
 * OlapLocateRow for a caller that holds the table's row-change lock: the
 * chunk group of the previous row serves again when it holds this row.
 */
bool
OlapLocateRowLocked(Relation rel, uint64 row_number, RowLocation *loc)
{
	RowLocation *cached = &location_cache.loc;

	if (cache_is_current(&location_cache, rel) &&
		row_number >= cached->first_row_number &&
		row_number < cached->first_row_number + cached->group_rows)
	{
		*loc = *cached;
		loc->offset = (uint32) (row_number - cached->first_row_number);
		return true;
	}
	if (!OlapLocateRow(rel, row_number, loc))
		return false;
	cache_set_key(&location_cache, rel);
	location_cache.loc = *loc;
	return true;
}

/*
 * Loads into *mask the latest mask of loc's chunk group (SnapshotSelf), or
 * the cached copy while it is still current.  The result stays valid until
 * the next call.
 */
static void
load_latest_mask(Relation rel, const RowLocation *loc, RowMask *mask)
{
	MemoryContext old;

	if (cache_is_current(&mask_cache, rel) &&
		mask_cache.row_mask_epoch == olap_row_mask_epoch &&
		mask_cache.loc.storage_id == loc->storage_id &&
		mask_cache.loc.stripe_num == loc->stripe_num &&
		mask_cache.loc.group_num == loc->group_num)
	{
		*mask = mask_cache.mask;
		return;
	}
	if (mask_cache_context == NULL)
		mask_cache_context = AllocSetContextCreate(TopMemoryContext,
												   "olap_ext row mask cache",
												   ALLOCSET_DEFAULT_SIZES);
	mask_cache.valid = false;
	MemoryContextReset(mask_cache_context);
	old = MemoryContextSwitchTo(mask_cache_context);
	RowMaskLoadGroup(loc->storage_id, loc->stripe_num, loc->group_num,
					 loc->group_rows, SnapshotSelf, &mask_cache.mask);
	MemoryContextSwitchTo(old);
	cache_set_key(&mask_cache, rel);
	mask_cache.row_mask_epoch = olap_row_mask_epoch;
	mask_cache.loc = *loc;
	*mask = mask_cache.mask;
}

/*
 * The state of the row at loc for a change by command cid; the caller holds
 * the row-change lock.  Fills tmfd for anything but TM_Ok, and
 * *forward_row with the row number of the new version for TM_Updated.
 */
TM_Result
OlapRowState(Relation rel, const RowLocation *loc, CommandId cid,
			 TM_FailureData *tmfd, uint64 *forward_row)
{
	RowMask		mask;
	CommandId	cmax;

	memset(tmfd, 0, sizeof(TM_FailureData));
	*forward_row = 0;

	/* inserted by this very command: invisible to it, as in heap */
	if (loc->my_insert_cid != InvalidCommandId && loc->my_insert_cid >= cid)
		return TM_Invisible;

	if (DeleteStateDeletedByMe(rel->rd_node, loc, &cmax))
	{
		tmfd->ctid = RowNumberToTid(loc->first_row_number + loc->offset);
		tmfd->xmax = GetCurrentTransactionId();
		tmfd->cmax = cmax;
		return TM_SelfModified;
	}

	load_latest_mask(rel, loc, &mask);
	if (!RowMaskIsDeleted(&mask, loc->offset))
		return TM_Ok;

	tmfd->xmax = mask.xmin;
	tmfd->cmax = InvalidCommandId;
	tmfd->ctid = RowNumberToTid(loc->first_row_number + loc->offset);
	if (RowMaskForward(&mask, loc->offset, forward_row))
	{
		if (*forward_row == OLAP_ROW_MOVED_PARTITIONS)
			ItemPointerSetMovedPartitions(&tmfd->ctid);
		else
			tmfd->ctid = RowNumberToTid(*forward_row);
		return TM_Updated;
	}
	return TM_Deleted;
}
