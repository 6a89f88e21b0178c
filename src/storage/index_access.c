/*-------------------------------------------------------------------------
 *
 * index_access.c
 *	  Building indexes on olap tables and fetching rows by TID.
 *
 * A row's TID is its row number (row_number.h), so any index AM that only
 * stores TIDs works: btree, hash, GiST and SP-GiST are accepted; GIN and
 * BRIN are refused at CREATE INDEX (GIN scans need bitmap heap scans, and
 * BRIN summarises physical block ranges, which olap TIDs are not).
 *
 * Index builds index every row of every visible stripe, deleted rows too
 * (with tupleIsAlive = false): a snapshot older than the deletion may still
 * look the row up through the new index, and fetches check deletions per
 * snapshot anyway.  CREATE INDEX CONCURRENTLY and exclusion constraints are
 * refused.
 *
 * Fetches by TID decode the row's whole chunk group and keep it for later
 * fetches of the same scan (StripeReaderFetch), so index range scans and
 * repeated lookups into one chunk group decode once.  A scan keeps the last
 * FETCH_READERS groups it decoded, each in a reader of its own: an index
 * in time order typically alternates between the group of the original
 * rows and the group holding the new versions of updated ones, and with a
 * single cached group every switch decoded a whole group again.
 *
 * Snapshots: MVCC snapshots see a row when its stripe's metadata is visible
 * and the mask version they see does not delete it.  A dirty snapshot
 * (unique checks, ON CONFLICT) also finds rows that another transaction
 * has only buffered so far, through olap.row_reservation, and the catalog
 * scans leave that transaction's xid in the snapshot so the caller waits
 * for it; a found row counts as dead when a committed or this
 * transaction's deletion removed it, and as possibly being deleted (the
 * caller waits for that transaction, then checks again) while another
 * transaction holds the table's row-change lock.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relscan.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "commands/defrem.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "storage/predicate.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "storage/index_access.h"
#include "storage/metapage.h"
#include "storage/row_locking.h"
#include "storage/row_mask.h"
#include "storage/row_number.h"
#include "storage/stripe_catalog.h"
#include "storage/stripe_reader.h"
#include "storage/write_state.h"

#define FETCH_READERS 4

typedef struct OlapIndexFetchData
{
	IndexFetchTableData base;
	MemoryContext ctx;
	int			nreaders;
	StripeReader *readers[FETCH_READERS];
	uint64		last_used[FETCH_READERS];	/* value of uses at last fetch */
	uint64		uses;
} OlapIndexFetchData;

IndexFetchTableData *
OlapIndexFetchBegin(Relation rel)
{
	MemoryContext ctx = AllocSetContextCreate(CurrentMemoryContext,
											  "olap_ext index fetch",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(ctx);
	OlapIndexFetchData *scan = palloc0(sizeof(OlapIndexFetchData));

	scan->base.rel = rel;
	scan->ctx = ctx;
	MemoryContextSwitchTo(old);
	return &scan->base;
}

/*
 * The reader for a fetch of row_number: the one whose cached chunk group
 * holds the row, else a new one while fewer than FETCH_READERS exist, else
 * the least recently used one.
 */
static StripeReader *
reader_for_row(OlapIndexFetchData *scan, uint64 row_number)
{
	int			chosen = -1;
	int			i;

	for (i = 0; i < scan->nreaders; i++)
		if (StripeReaderHoldsRow(scan->readers[i], row_number))
		{
			chosen = i;
			break;
		}
	if (chosen < 0 && scan->nreaders < FETCH_READERS)
	{
		MemoryContext old = MemoryContextSwitchTo(scan->ctx);

		chosen = scan->nreaders++;
		scan->readers[chosen] = StripeReaderBeginFetch(scan->base.rel);
		MemoryContextSwitchTo(old);
	}
	if (chosen < 0)
	{
		chosen = 0;
		for (i = 1; i < scan->nreaders; i++)
			if (scan->last_used[i] < scan->last_used[chosen])
				chosen = i;
	}
	scan->last_used[chosen] = ++scan->uses;
	return scan->readers[chosen];
}

void
OlapIndexFetchReset(IndexFetchTableData *scan)
{
	/* the cached chunk group stays valid; nothing is pinned */
}

void
OlapIndexFetchEnd(IndexFetchTableData *scan)
{
	OlapIndexFetchData *oscan = (OlapIndexFetchData *) scan;

	MemoryContextDelete(oscan->ctx);
}

/* True when this transaction or a committed one deleted the row. */
static bool
deleted_for_dirty(Relation rel, uint64 row_number)
{
	RowLocation loc;
	RowMask		mask;
	CommandId	cmax;

	if (!OlapLocateRow(rel, row_number, &loc))
		return false;
	if (DeleteStateDeletedByMe(rel->rd_node, &loc, &cmax))
		return true;
	RowMaskLoadGroup(loc.storage_id, loc.stripe_num, loc.group_num,
					 loc.group_rows, SnapshotSelf, &mask);
	return RowMaskIsDeleted(&mask, loc.offset);
}

/*
 * True when a chunk group visible to snapshot holds the row.  With a dirty
 * snapshot the catalog scan leaves an in-progress inserter in
 * snapshot->xmin.
 */
static bool
row_exists(uint64 storage_id, uint64 row_number, Snapshot snapshot)
{
	uint64		stripe_num;
	uint32		group_num;
	uint64		first_row;
	uint32		row_count;

	return StripeCatalogLocateRow(storage_id, row_number, snapshot,
								  &stripe_num, &group_num, &first_row,
								  &row_count, NULL);
}

/*
 * The dirty-snapshot fetch (unique checks, ON CONFLICT arbiters): whether
 * the row exists, in a visible or in-progress stripe or still buffered by
 * its inserter (reserved row numbers), and whether it is dead.  Its values
 * are not needed by these callers, so nothing is decoded: the slot gets
 * NULLs and the TID.
 */
static bool
fetch_dirty(OlapIndexFetchData *scan, uint64 row_number, Snapshot snapshot,
			TupleTableSlot *slot)
{
	Relation	rel = scan->base.rel;
	uint64		storage_id = MetapageStorageId(rel);
	bool		found;

	if (storage_id == 0)
		return false;
	found = row_exists(storage_id, row_number, snapshot);
	if (!found)
	{
		if (!ReservationFind(storage_id, row_number, snapshot))
			return false;
		if (!TransactionIdIsValid(snapshot->xmin))
		{
			/* our own buffered row: write it out and look again */
			WriteStateFlushRelation(rel);
			found = row_exists(storage_id, row_number, snapshot);
			if (!found)
				return false;
		}
		/* else another transaction's buffered row: the caller waits */
	}
	if (found)
	{
		if (deleted_for_dirty(rel, row_number))
			return false;
		/* a transaction changing rows of the table may be deleting it */
		if (!TransactionIdIsValid(snapshot->xmin))
			snapshot->xmax = OlapRowChangerXid(rel);
	}
	memset(slot->tts_values, 0, sizeof(Datum) * slot->tts_tupleDescriptor->natts);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	return true;
}

bool
OlapIndexFetchTuple(IndexFetchTableData *scan, ItemPointer tid,
					Snapshot snapshot, TupleTableSlot *slot,
					bool *call_again, bool *all_dead)
{
	OlapIndexFetchData *oscan = (OlapIndexFetchData *) scan;
	uint64		row_number = TidToRowNumber(tid);
	bool		found;

	*call_again = false;
	if (all_dead)
		*all_dead = false;

	ExecClearTuple(slot);
	/* SSI: olap reads lock the whole relation (writers check it) */
	if (IsMVCCSnapshot(snapshot))
		PredicateLockRelation(scan->rel, snapshot);
	if (snapshot->snapshot_type == SNAPSHOT_DIRTY)
		found = fetch_dirty(oscan, row_number, snapshot, slot);
	else
	{
		StripeReader *reader = reader_for_row(oscan, row_number);

		found = StripeReaderFetch(reader, row_number, snapshot,
								  snapshot->snapshot_type != SNAPSHOT_ANY,
								  slot->tts_tupleDescriptor, slot->tts_values,
								  slot->tts_isnull);

		/*
		 * SnapshotSelf and SnapshotAny see this transaction's rows of the
		 * current command, which may still be buffered (a unique check
		 * looks at the row being inserted this way): write them out.
		 */
		if (!found && !IsMVCCSnapshot(snapshot) && !IsInParallelMode())
		{
			WriteStateFlushRelation(scan->rel);
			found = StripeReaderFetch(reader, row_number, snapshot,
									  snapshot->snapshot_type != SNAPSHOT_ANY,
									  slot->tts_tupleDescriptor,
									  slot->tts_values, slot->tts_isnull);
		}
	}
	if (!found)
		return false;

	ExecStoreVirtualTuple(slot);
	slot->tts_tid = *tid;
	slot->tts_tableOid = RelationGetRelid(scan->rel);
	return true;
}

/*
 * tuple_fetch_row_version: one row by TID as snapshot sees it, copied into
 * the slot.  A non-MVCC snapshot (triggers use SnapshotAny) may ask for a
 * row this transaction still buffers; those are written out first.
 */
/*
 * The reader of the last OlapFetchRowVersion, kept for the rest of the
 * transaction so that fetching the old rows of an UPDATE (one call per row)
 * decodes each chunk group once.  Values are copied into the slot, so
 * nothing handed out points into it.
 */
static StripeReader *row_version_reader = NULL;
static RelFileNode row_version_node;
static LocalTransactionId row_version_lxid = InvalidLocalTransactionId;

static StripeReader *
row_version_reader_for(Relation rel)
{
	if (row_version_reader != NULL && row_version_lxid == MyProc->lxid &&
		RelFileNodeEquals(row_version_node, rel->rd_node))
	{
		StripeReaderSetRelation(row_version_reader, rel);
		return row_version_reader;
	}
	{
		MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

		/* a reader of an earlier transaction went with its context */
		row_version_reader = StripeReaderBeginFetch(rel);
		row_version_node = rel->rd_node;
		row_version_lxid = MyProc->lxid;
		MemoryContextSwitchTo(old);
	}
	return row_version_reader;
}

bool
OlapFetchRowVersion(Relation rel, ItemPointer tid, Snapshot snapshot,
					TupleTableSlot *slot)
{
	uint64		row_number = TidToRowNumber(tid);
	ItemPointerData row_tid = *tid; /* tid may point into slot */
	bool		check_deleted;
	bool		found;
	StripeReader *reader;

	if (snapshot == NULL)
		snapshot = GetActiveSnapshot();
	check_deleted = snapshot->snapshot_type != SNAPSHOT_ANY;
	if (IsMVCCSnapshot(snapshot))
		PredicateLockRelation(rel, snapshot);

	ExecClearTuple(slot);
	reader = row_version_reader_for(rel);
	found = StripeReaderFetch(reader, row_number, snapshot, check_deleted,
							  slot->tts_tupleDescriptor, slot->tts_values,
							  slot->tts_isnull);
	if (!found && !IsMVCCSnapshot(snapshot) && !IsInParallelMode())
	{
		WriteStateFlushRelation(rel);
		found = StripeReaderFetch(reader, row_number, snapshot, check_deleted,
								  slot->tts_tupleDescriptor, slot->tts_values,
								  slot->tts_isnull);
	}
	if (!found)
		return false;
	ExecStoreVirtualTuple(slot);
	ExecMaterializeSlot(slot);
	slot->tts_tid = row_tid;
	slot->tts_tableOid = RelationGetRelid(rel);
	return true;
}

static void
refuse_index(const char *what, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s is not supported on olap tables", what),
			 errhint("%s", hint)));
}

/*
 * index_build_range_scan: feeds every row of every visible stripe to the
 * index build callback.  Returns the number of live rows.  scan_reader is
 * the reader of the table scan a parallel index build hands in (each
 * participant reads the stripes it claims); NULL to read the whole table.
 */
double
OlapIndexBuildScan(Relation table_rel, Relation index_rel,
				   IndexInfo *index_info, StripeReader *scan_reader,
				   IndexBuildCallback callback, void *callback_state)
{
	Oid			am = index_rel->rd_rel->relam;
	Snapshot	snapshot = NULL;
	StripeReader *reader = scan_reader;
	EState	   *estate;
	ExprContext *econtext;
	ExprState  *predicate;
	TupleTableSlot *slot;
	Datum		values[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];
	uint64		row_number;
	double		live = 0;

	if (am != BTREE_AM_OID && am != HASH_AM_OID && am != GIST_AM_OID &&
		am != SPGIST_AM_OID)
		refuse_index(psprintf("index access method \"%s\"", get_am_name(am)),
					 "Use a btree, hash, GiST or SP-GiST index.");
	if (index_info->ii_ExclusionOps != NULL)
		refuse_index("an exclusion constraint",
					 "Use a unique index or a trigger instead.");
	if (index_info->ii_Concurrent)
		refuse_index("CREATE INDEX CONCURRENTLY",
					 "Use CREATE INDEX without CONCURRENTLY.");

	if (reader == NULL)
	{
		WriteStateFlushForRead(table_rel);
		snapshot = RegisterSnapshot(GetLatestSnapshot());
		reader = StripeReaderBegin(table_rel, snapshot, NULL);
	}

	estate = CreateExecutorState();
	econtext = GetPerTupleExprContext(estate);
	slot = table_slot_create(table_rel, NULL);
	econtext->ecxt_scantuple = slot;
	predicate = ExecPrepareQual(index_info->ii_Predicate, estate);

	StripeReaderIncludeDeleted(reader);
	for (;;)
	{
		bool		alive;
		ItemPointerData tid;

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(econtext->ecxt_per_tuple_memory);
		ExecClearTuple(slot);
		if (!StripeReaderNext(reader, slot->tts_tupleDescriptor,
							  slot->tts_values, slot->tts_isnull, &row_number))
			break;
		ExecStoreVirtualTuple(slot);
		tid = RowNumberToTid(row_number);
		slot->tts_tid = tid;
		alive = !StripeReaderLastDeleted(reader);

		if (predicate != NULL && !ExecQual(predicate, econtext))
			continue;
		FormIndexDatum(index_info, slot, estate, values, isnull);
		callback(index_rel, &tid, values, isnull, alive, callback_state);
		if (alive)
			live += 1;
	}
	if (scan_reader == NULL)
	{
		StripeReaderEnd(reader);
		UnregisterSnapshot(snapshot);
	}

	ExecDropSingleTupleTableSlot(slot);
	FreeExecutorState(estate);
	return live;
}
