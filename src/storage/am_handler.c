/*-------------------------------------------------------------------------
 *
 * am_handler.c
 *	  The olap table access method: glue between PostgreSQL's table AM API
 *	  and the storage engine of this folder.
 *
 * Nothing here knows the on-disk format.  Writes go to write_state.c
 * (buffering, transactions) and stripe_writer.c; reads come from
 * stripe_reader.c; metadata from stripe_catalog.c.  The callbacks are
 * grouped under banners in the order of TableAmRoutine, and the routine
 * itself is the constant at the bottom of the file.
 *
 * Changes to existing rows (DELETE, UPDATE, row locks) go through
 * row_locking.c and delete_state.c; indexes through index_access.c.
 *
 * Not supported yet, each refused with ERRCODE_FEATURE_NOT_SUPPORTED and a
 * hint: backward scans, UNLOGGED tables, CREATE INDEX CONCURRENTLY, GIN and
 * BRIN indexes, exclusion constraints.
 *
 * Rows carry no transaction ids: visibility is decided per stripe by the
 * MVCC visibility of its metadata row.  So relfrozenxid is invalid (nothing
 * to freeze) and VACUUM only refreshes the statistics in pg_class.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/multixact.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "access/tsmapi.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "catalog/storage.h"
#include "catalog/storage_xlog.h"
#include "commands/vacuum.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/smgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "storage/procarray.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/tuplesort.h"

#include "storage/am_handler.h"
#include "storage/compaction.h"
#include "storage/delete_state.h"
#include "storage/index_access.h"
#include "storage/index_vacuum.h"
#include "storage/predicate.h"
#include "storage/row_locking.h"
#include "storage/row_mask.h"
#include "storage/metapage.h"
#include "storage/row_number.h"
#include "storage/stripe_catalog.h"
#include "storage/stripe_reader.h"
#include "storage/write_state.h"

PG_FUNCTION_INFO_V1(olap_tableam_handler);

static const TableAmRoutine olap_methods;

typedef struct OlapScanDescData
{
	TableScanDescData rs_base;
	MemoryContext scan_ctx;
	StripeReader *reader;
	Snapshot	own_snapshot;	/* registered here, for SnapshotAny scans */
	/* ANALYZE, TABLESAMPLE: rows [analyze_next, analyze_end) of a block */
	uint64		analyze_next;
	uint64		analyze_end;
	BlockNumber analyze_nblocks;
	BlockNumber sample_block;
	bool		sample_started;
} OlapScanDescData;

typedef OlapScanDescData *OlapScanDesc;

static bool set_block_slice(OlapScanDesc scan, BlockNumber blockno);

/*
 * Shared state of a parallel scan.  Besides the chunk group counter it
 * carries a snapshot of its own, taken by the leader: parallel index builds
 * scan with SnapshotAny, which cannot list olap stripes (it would include
 * aborted ones), so all participants use this fresh MVCC snapshot instead.
 * The index build holds a lock that keeps writers out, so it sees every row.
 */
typedef struct ParallelOlapScanDescData
{
	ParallelTableScanDescData base;
	pg_atomic_uint64 next_group;
	Size		build_snapshot_off;
} ParallelOlapScanDescData;

/* taken by parallelscan_estimate, serialised by parallelscan_initialize */
static SnapshotData build_snapshot_data = {SNAPSHOT_MVCC};

static void
refuse(const char *what, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s is not supported on olap tables", what),
			 errhint("%s", hint)));
}

#define HINT_CONVERT "Convert the table with ALTER TABLE ... SET ACCESS METHOD heap, or keep a heap copy for this workload."

/*
 * A snapshot that can drive a metadata scan: the given one if it is an
 * MVCC snapshot, else the active (or transaction) snapshot.
 */
static Snapshot
metadata_snapshot(Snapshot snapshot)
{
	if (snapshot != NULL && IsMVCCSnapshot(snapshot))
		return snapshot;
	return ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
}


/* ------------------------------------------------------------------------
 * Slot related callbacks
 * ------------------------------------------------------------------------
 */

static const TupleTableSlotOps *
olap_am_slot_callbacks(Relation relation)
{
	return &TTSOpsVirtual;
}


/* ------------------------------------------------------------------------
 * Sequential scan callbacks
 * ------------------------------------------------------------------------
 */

static TableScanDesc
olap_am_scan_begin(Relation rel, Snapshot snapshot, int nkeys,
				   ScanKey key, ParallelTableScanDesc pscan, uint32 flags)
{
	MemoryContext ctx = AllocSetContextCreate(CurrentMemoryContext,
											  "olap_ext scan",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(ctx);
	OlapScanDesc scan = palloc0(sizeof(OlapScanDescData));
	pg_atomic_uint64 *counter = NULL;

	scan->rs_base.rs_rd = rel;
	scan->rs_base.rs_snapshot = snapshot;
	scan->rs_base.rs_nkeys = nkeys;
	scan->rs_base.rs_key = key;
	scan->rs_base.rs_flags = flags;
	scan->rs_base.rs_parallel = pscan;
	scan->scan_ctx = ctx;

	/*
	 * Rows buffered earlier become visible to later commands; deletions were
	 * written when their statement ended (relation_hooks.c).
	 */
	WriteStateFlushRelation(rel);

	if (snapshot != NULL && IsMVCCSnapshot(snapshot))
		PredicateLockRelation(rel, snapshot);
	if (pscan != NULL)
	{
		ParallelOlapScanDescData *ppscan = (ParallelOlapScanDescData *) pscan;

		counter = &ppscan->next_group;
		if (pscan->phs_snapshot_any)
			scan->own_snapshot =
				RegisterSnapshot(RestoreSnapshot((char *) pscan + ppscan->build_snapshot_off));
	}
	scan->reader = StripeReaderBegin(rel,
									 scan->own_snapshot ? scan->own_snapshot :
									 metadata_snapshot(snapshot),
									 counter);

	MemoryContextSwitchTo(old);
	return &scan->rs_base;
}

static void
olap_am_scan_end(TableScanDesc sscan)
{
	OlapScanDesc scan = (OlapScanDesc) sscan;

	StripeReaderEnd(scan->reader);
	if (scan->own_snapshot)
		UnregisterSnapshot(scan->own_snapshot);
	if (sscan->rs_flags & SO_TEMP_SNAPSHOT)
		UnregisterSnapshot(sscan->rs_snapshot);
	MemoryContextDelete(scan->scan_ctx);
}

static void
olap_am_scan_rescan(TableScanDesc sscan, ScanKey key, bool set_params,
					bool allow_strat, bool allow_sync, bool allow_pagemode)
{
	StripeReaderRescan(((OlapScanDesc) sscan)->reader);
}

static bool
olap_am_scan_getnextslot(TableScanDesc sscan, ScanDirection direction,
						 TupleTableSlot *slot)
{
	OlapScanDesc scan = (OlapScanDesc) sscan;
	uint64		row_number;

	if (ScanDirectionIsBackward(direction))
		refuse("scanning backward", "Declare the cursor without SCROLL, or materialize the result first.");

	ExecClearTuple(slot);
	if (!StripeReaderNext(scan->reader, slot->tts_tupleDescriptor,
						  slot->tts_values, slot->tts_isnull,
						  &row_number))
		return false;

	ExecStoreVirtualTuple(slot);
	slot->tts_tid = RowNumberToTid(row_number);
	slot->tts_tableOid = RelationGetRelid(sscan->rs_rd);
	pgstat_count_heap_getnext(sscan->rs_rd);
	return true;
}


/* ------------------------------------------------------------------------
 * Parallel scan callbacks
 * ------------------------------------------------------------------------
 */

static Size
olap_am_parallelscan_estimate(Relation rel)
{
	(void) GetSnapshotData(&build_snapshot_data);
	return MAXALIGN(sizeof(ParallelOlapScanDescData)) +
		EstimateSnapshotSpace(&build_snapshot_data);
}

static Size
olap_am_parallelscan_initialize(Relation rel, ParallelTableScanDesc pscan)
{
	ParallelOlapScanDescData *ppscan = (ParallelOlapScanDescData *) pscan;

	ppscan->base.phs_relid = RelationGetRelid(rel);
	ppscan->base.phs_syncscan = false;
	pg_atomic_init_u64(&ppscan->next_group, 0);
	ppscan->build_snapshot_off = MAXALIGN(sizeof(ParallelOlapScanDescData));
	SerializeSnapshot(&build_snapshot_data,
					  (char *) pscan + ppscan->build_snapshot_off);
	return ppscan->build_snapshot_off + EstimateSnapshotSpace(&build_snapshot_data);
}

static void
olap_am_parallelscan_reinitialize(Relation rel, ParallelTableScanDesc pscan)
{
	ParallelOlapScanDescData *ppscan = (ParallelOlapScanDescData *) pscan;

	pg_atomic_write_u64(&ppscan->next_group, 0);
}


/* ------------------------------------------------------------------------
 * Index scan callbacks
 * ------------------------------------------------------------------------
 */

static IndexFetchTableData *
olap_am_index_fetch_begin(Relation rel)
{
	return OlapIndexFetchBegin(rel);
}

static void
olap_am_index_fetch_reset(IndexFetchTableData *scan)
{
	OlapIndexFetchReset(scan);
}

static void
olap_am_index_fetch_end(IndexFetchTableData *scan)
{
	OlapIndexFetchEnd(scan);
}

static bool
olap_am_index_fetch_tuple(struct IndexFetchTableData *scan, ItemPointer tid,
						  Snapshot snapshot, TupleTableSlot *slot,
						  bool *call_again, bool *all_dead)
{
	return OlapIndexFetchTuple(scan, tid, snapshot, slot, call_again, all_dead);
}


/* ------------------------------------------------------------------------
 * Callbacks for non-modifying operations on individual tuples
 * ------------------------------------------------------------------------
 */

static bool
olap_am_tuple_fetch_row_version(Relation rel, ItemPointer tid,
								Snapshot snapshot, TupleTableSlot *slot)
{
	return OlapFetchRowVersion(rel, tid, snapshot, slot);
}

static bool
olap_am_tuple_tid_valid(TableScanDesc scan, ItemPointer tid)
{
	return ItemPointerIsValid(tid);
}

static void
olap_am_tuple_get_latest_tid(TableScanDesc scan, ItemPointer tid)
{
	/* rows never move, so the latest version is the one given */
}

/*
 * Besides internal rechecks, ON CONFLICT asks this under REPEATABLE READ /
 * SERIALIZABLE and, for an invisible row, reads its xmin to tell this
 * transaction's rows (fine) from another's (a serialization failure).  Olap
 * slots have no xmin, so that decision is made here: the failure is raised
 * directly, and this transaction's own rows count as visible.
 */
static bool
olap_am_tuple_satisfies_snapshot(Relation rel, TupleTableSlot *slot,
								 Snapshot snapshot)
{
	TupleTableSlot *probe = MakeSingleTupleTableSlot(RelationGetDescr(rel),
													 &TTSOpsVirtual);
	bool		visible = OlapFetchRowVersion(rel, &slot->tts_tid, snapshot, probe);
	RowLocation loc;

	ExecDropSingleTupleTableSlot(probe);
	if (!visible && IsMVCCSnapshot(snapshot) && IsolationUsesXactSnapshot() &&
		(OlapLocateRow(rel, TidToRowNumber(&slot->tts_tid), &loc) ||
		 (WriteStateFlushRelation(rel),
		  OlapLocateRow(rel, TidToRowNumber(&slot->tts_tid), &loc))))
	{
		if (loc.my_insert_cid != InvalidCommandId)
			return true;
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent update")));
	}
	return visible;
}

/*
 * Index AMs ask this before removing index entries whose rows they think
 * dead.  Olap tables never say so (all_dead is always false), so nothing
 * is deletable and no xid horizon is involved.
 */
static TransactionId
olap_am_index_delete_tuples(Relation rel, TM_IndexDeleteOp *delstate)
{
	int			i;

	for (i = 0; i < delstate->ndeltids; i++)
		delstate->status[delstate->deltids[i].id].knowndeletable = false;
	return InvalidTransactionId;
}


/* ------------------------------------------------------------------------
 * Manipulation of physical tuples
 * ------------------------------------------------------------------------
 */

static void
olap_am_tuple_insert(Relation rel, TupleTableSlot *slot, CommandId cid,
					 int options, BulkInsertState bistate)
{
	CheckForSerializableConflictIn(rel, NULL, InvalidBlockNumber);
	WriteStateInsert(rel, slot, cid);
	pgstat_count_heap_insert(rel, 1);
}

/*
 * INSERT ... ON CONFLICT: the row is buffered like any other; other
 * transactions' conflict checks find it through its reservation and wait
 * for this transaction (not just for the speculative insertion).
 */
static void
olap_am_tuple_insert_speculative(Relation rel, TupleTableSlot *slot,
								 CommandId cid, int options,
								 BulkInsertState bistate, uint32 specToken)
{
	olap_am_tuple_insert(rel, slot, cid, options, bistate);
}

/* A speculative row that lost its race is deleted again ("super-delete"). */
static void
olap_am_tuple_complete_speculative(Relation rel, TupleTableSlot *slot,
								   uint32 specToken, bool succeeded)
{
	RowLocation loc;

	if (succeeded)
		return;
	WriteStateFlushRelation(rel);
	if (!OlapLocateRow(rel, TidToRowNumber(&slot->tts_tid), &loc))
		elog(ERROR, "could not find speculatively inserted row (%u,%u) of \"%s\"",
			 ItemPointerGetBlockNumber(&slot->tts_tid),
			 ItemPointerGetOffsetNumber(&slot->tts_tid),
			 RelationGetRelationName(rel));
	DeleteStateAdd(rel, &loc, 0, GetCurrentCommandId(true));
}

static void
olap_am_multi_insert(Relation rel, TupleTableSlot **slots, int ntuples,
					 CommandId cid, int options, BulkInsertState bistate)
{
	int			i;

	CheckForSerializableConflictIn(rel, NULL, InvalidBlockNumber);
	for (i = 0; i < ntuples; i++)
		WriteStateInsert(rel, slots[i], cid);
	pgstat_count_heap_insert(rel, ntuples);
}

/*
 * COPY, CREATE TABLE AS and table rewrites end with this: their rows are
 * written out now, while the relation is still the one they were inserted
 * into (a rewrite swaps files right after).
 */
static void
olap_am_finish_bulk_insert(Relation rel, int options)
{
	WriteStateFlushRelation(rel);
}

/*
 * Finds a row that is about to change.  A row this transaction inserted and
 * still buffers is written out first.
 */
static void
locate_row_to_change(Relation rel, ItemPointer tid, RowLocation *loc)
{
	uint64		row_number = TidToRowNumber(tid);

	if (OlapLocateRowLocked(rel, row_number, loc))
		return;
	WriteStateFlushRelation(rel);
	if (!OlapLocateRowLocked(rel, row_number, loc))
		elog(ERROR, "attempted to change invisible row (%u,%u) of \"%s\"",
			 ItemPointerGetBlockNumber(tid), ItemPointerGetOffsetNumber(tid),
			 RelationGetRelationName(rel));
}

/*
 * Memory for the catalog lookups of one row change, reset at the next: a
 * DELETE of millions of rows must not keep what each lookup allocated.
 */
static MemoryContext
row_change_context(void)
{
	static MemoryContext ctx = NULL;

	if (ctx == NULL)
		ctx = AllocSetContextCreate(TopMemoryContext, "olap_ext row change",
									ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(ctx);
	return ctx;
}

/*
 * What DELETE and UPDATE do before changing a row: the serializable
 * conflict check, the table's row-change lock, and the row's state.
 */
static TM_Result
begin_row_change(Relation rel, ItemPointer tid, CommandId cid, bool wait,
				 TM_FailureData *tmfd, RowLocation *loc)
{
	uint64		forward_row;
	MemoryContext old;
	TM_Result	result;

	CheckForSerializableConflictIn(rel, NULL, InvalidBlockNumber);
	if (!OlapLockTableRows(rel, LockTupleExclusive,
						   wait ? LockWaitBlock : LockWaitError))
		return TM_WouldBlock;
	old = MemoryContextSwitchTo(row_change_context());
	locate_row_to_change(rel, tid, loc);
	result = OlapRowState(rel, loc, cid, tmfd, &forward_row);
	MemoryContextSwitchTo(old);
	return result;
}

static TM_Result
olap_am_tuple_delete(Relation rel, ItemPointer tid, CommandId cid,
					 Snapshot snapshot, Snapshot crosscheck, bool wait,
					 TM_FailureData *tmfd, bool changingPart)
{
	RowLocation loc;
	TM_Result	result;

	result = begin_row_change(rel, tid, cid, wait, tmfd, &loc);
	if (result == TM_Ok)
	{
		DeleteStateAdd(rel, &loc, changingPart ? OLAP_ROW_MOVED_PARTITIONS : 0,
					   cid);
		pgstat_count_heap_delete(rel);
	}
	return result;
}

/* UPDATE is a delete of the old row, pointing at the newly inserted one. */
static TM_Result
olap_am_tuple_update(Relation rel, ItemPointer otid, TupleTableSlot *slot,
					 CommandId cid, Snapshot snapshot, Snapshot crosscheck,
					 bool wait, TM_FailureData *tmfd,
					 LockTupleMode *lockmode, bool *update_indexes)
{
	RowLocation loc;
	TM_Result	result;

	*lockmode = LockTupleExclusive;
	*update_indexes = false;
	result = begin_row_change(rel, otid, cid, wait, tmfd, &loc);
	if (result != TM_Ok)
		return result;

	WriteStateInsert(rel, slot, cid);
	DeleteStateAdd(rel, &loc, TidToRowNumber(&slot->tts_tid), cid);
	*update_indexes = true;
	pgstat_count_heap_update(rel, false);
	return TM_Ok;
}

/*
 * Row locks (SELECT ... FOR UPDATE/SHARE, EvalPlanQual, ON CONFLICT DO
 * UPDATE, foreign keys): the table's row-change lock, then the row's state;
 * with TUPLE_LOCK_FLAG_FIND_LAST_VERSION an updated row is followed to its
 * newest version, which is returned in slot.
 */
static TM_Result
olap_am_tuple_lock(Relation rel, ItemPointer tid, Snapshot snapshot,
				   TupleTableSlot *slot, CommandId cid, LockTupleMode mode,
				   LockWaitPolicy wait_policy, uint8 flags,
				   TM_FailureData *tmfd)
{
	bool		traversed = false;
	TM_Result	result;

	if (!OlapLockTableRows(rel, mode, wait_policy))
		return TM_WouldBlock;

	for (;;)
	{
		RowLocation loc;
		uint64		forward_row;
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(row_change_context());
		locate_row_to_change(rel, tid, &loc);
		result = OlapRowState(rel, &loc, cid, tmfd, &forward_row);
		MemoryContextSwitchTo(old);
		if (result != TM_Updated || !(flags & TUPLE_LOCK_FLAG_FIND_LAST_VERSION))
			break;
		if (forward_row == OLAP_ROW_MOVED_PARTITIONS)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("tuple to be locked was already moved to another partition due to concurrent update")));
		*tid = RowNumberToTid(forward_row);
		traversed = true;
	}
	tmfd->traversed = traversed;

	/*
	 * Only INSERT ... ON CONFLICT DO UPDATE locks a row its own command
	 * inserted.  The executor tells that case apart by the row's xmin, which
	 * olap rows (virtual slots) do not have, so the error it would raise is
	 * raised here.
	 */
	if (result == TM_Invisible)
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("ON CONFLICT DO UPDATE command cannot affect row a second time"),
				 errhint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")));

	if (result == TM_Ok && !OlapFetchRowVersion(rel, tid, SnapshotSelf, slot))
		elog(ERROR, "could not fetch locked row (%u,%u) of \"%s\"",
			 ItemPointerGetBlockNumber(tid), ItemPointerGetOffsetNumber(tid),
			 RelationGetRelationName(rel));
	return result;
}


/* ------------------------------------------------------------------------
 * DDL related callbacks
 * ------------------------------------------------------------------------
 */

/*
 * Deletes the metadata of the storage rel currently points at (before a
 * TRUNCATE or rewrite gives it a new file).  Buffered rows and deletions
 * are written first, so that their metadata is deleted transactionally as
 * well: a rolled-back TRUNCATE (say, in a savepoint) brings them back.
 * When the table was created in this very subtransaction (transactional
 * false), nothing can come back and they are just forgotten.
 */
static void
forget_current_storage(Relation rel, bool transactional)
{
	if (transactional)
		WriteStateFlushForRead(rel);
	else
		WriteStateDiscard(rel->rd_node);
	if (smgrexists(RelationGetSmgr(rel), MAIN_FORKNUM) && OlapCatalogsExist())
	{
		uint64		storage_id = MetapageStorageIdLenient(rel);

		if (storage_id != 0)
			StripeCatalogDeleteStorage(storage_id);
	}
}

static void
olap_am_relation_set_new_filenode(Relation rel, const RelFileNode *newrnode,
								  char persistence, TransactionId *freezeXid,
								  MultiXactId *minmulti)
{
	SMgrRelation srel;

	if (persistence == RELPERSISTENCE_UNLOGGED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("unlogged olap tables are not supported"),
				 errhint("Create a logged or temporary table instead.")));

	/* TRUNCATE: the old file's stripes go away with it, transactionally */
	if (!RelFileNodeEquals(rel->rd_node, *newrnode))
		forget_current_storage(rel, true);

	/* rows carry no transaction ids: nothing ever needs freezing */
	*freezeXid = InvalidTransactionId;
	*minmulti = InvalidMultiXactId;

	srel = RelationCreateStorage(*newrnode, persistence, true);
	smgrclose(srel);
}

static void
olap_am_relation_nontransactional_truncate(Relation rel)
{
	forget_current_storage(rel, false);
	RelationTruncate(rel, 0);
}

/* ALTER TABLE ... SET TABLESPACE: copies the files; the storage id moves along. */
static void
olap_am_relation_copy_data(Relation rel, const RelFileNode *newrnode)
{
	SMgrRelation dstrel = smgropen(*newrnode, rel->rd_backend);
	ForkNumber	fork;

	WriteStateFlushForRead(rel);
	FlushRelationBuffers(rel);
	RelationCreateStorage(*newrnode, rel->rd_rel->relpersistence, true);
	RelationCopyStorage(RelationGetSmgr(rel), dstrel, MAIN_FORKNUM,
						rel->rd_rel->relpersistence);
	for (fork = MAIN_FORKNUM + 1; fork <= MAX_FORKNUM; fork++)
	{
		if (smgrexists(RelationGetSmgr(rel), fork))
		{
			smgrcreate(dstrel, fork, false);
			if (RelationIsPermanent(rel))
				log_smgrcreate(newrnode, fork);
			RelationCopyStorage(RelationGetSmgr(rel), dstrel, fork,
								rel->rd_rel->relpersistence);
		}
	}
	RelationDropStorage(rel);
	smgrclose(dstrel);
}

/*
 * VACUUM FULL and CLUSTER: rewrites every visible row into NewTable; with
 * an index (CLUSTER), in the order of its keys, through a tuplesort.
 */
static void
olap_am_relation_copy_for_cluster(Relation OldTable, Relation NewTable,
								  Relation OldIndex, bool use_sort,
								  TransactionId OldestXmin,
								  TransactionId *xid_cutoff,
								  MultiXactId *multi_cutoff,
								  double *num_tuples, double *tups_vacuumed,
								  double *tups_recently_dead)
{
	TupleDesc	desc = RelationGetDescr(NewTable);
	TupleTableSlot *slot;
	StripeReader *reader;
	Tuplesortstate *sort = NULL;
	uint64		row_number;
	CommandId	cid = GetCurrentCommandId(true);

	WriteStateFlushForRead(OldTable);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	if (OldIndex != NULL)
		sort = tuplesort_begin_cluster(RelationGetDescr(OldTable), OldIndex,
									   maintenance_work_mem, NULL,
									   TUPLESORT_NONE);

	reader = StripeReaderBegin(OldTable, GetLatestSnapshot(), NULL);
	*num_tuples = 0;
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		ExecClearTuple(slot);
		if (!StripeReaderNext(reader, desc, slot->tts_values, slot->tts_isnull,
							  &row_number))
			break;
		if (sort != NULL)
		{
			HeapTuple	tuple = heap_form_tuple(desc, slot->tts_values,
												slot->tts_isnull);

			tuplesort_putheaptuple(sort, tuple);
			heap_freetuple(tuple);
		}
		else
		{
			ExecStoreVirtualTuple(slot);
			WriteStateInsert(NewTable, slot, cid);
		}
		*num_tuples += 1;
	}
	StripeReaderEnd(reader);

	if (sort != NULL)
	{
		HeapTuple	tuple;

		tuplesort_performsort(sort);
		while ((tuple = tuplesort_getheaptuple(sort, true)) != NULL)
		{
			CHECK_FOR_INTERRUPTS();
			ExecClearTuple(slot);
			heap_deform_tuple(tuple, desc, slot->tts_values, slot->tts_isnull);
			ExecStoreVirtualTuple(slot);
			WriteStateInsert(NewTable, slot, cid);
		}
		tuplesort_end(sort);
	}
	ExecDropSingleTupleTableSlot(slot);
	WriteStateFlushRelation(NewTable);

	*tups_vacuumed = 0;
	*tups_recently_dead = 0;
	*xid_cutoff = InvalidTransactionId;
	*multi_cutoff = InvalidMultiXactId;
}

/* Number of rows in the stripes visible to snapshot, less deleted ones. */
static double
visible_row_count(Relation rel, Snapshot snapshot)
{
	uint64		storage_id = MetapageStorageId(rel);
	double		rows = 0;
	ListCell   *lc;
	List	   *stripes;

	if (storage_id == 0)
		return 0;
	stripes = StripeCatalogList(storage_id, snapshot);
	foreach(lc, stripes)
		rows += ((StripeMeta *) lfirst(lc))->row_count;
	list_free_deep(stripes);
	return rows - RowMaskDeletedCount(storage_id, snapshot);
}

/*
 * VACUUM (not FULL) and autovacuum: one compaction pass (compaction.c),
 * then the relation's statistics, then the indexes (index_vacuum.c).  Olap data carries no transaction ids, so
 * there is nothing to freeze: relfrozenxid stays invalid, and the catalog
 * rows in olap.* are frozen by the VACUUMs of those heap tables.
 */
static void
olap_am_relation_vacuum(Relation rel, struct VacuumParams *params,
						BufferAccessStrategy bstrategy)
{
	CompactionResult result;
	BlockNumber nblocks;
	double		rows;
	int			elevel = (params->options & VACOPT_VERBOSE) ? INFO : DEBUG2;

	OlapCompact(rel, &result);
	CompactionReport(rel, &result, elevel);

	nblocks = RelationGetNumberOfBlocks(rel);
	rows = visible_row_count(rel, GetLatestSnapshot());
	vac_update_relstats(rel, nblocks, rows, 0,
						rel->rd_rel->relhasindex,
						InvalidTransactionId, InvalidMultiXactId,
						NULL, NULL, false);
	OlapVacuumIndexes(rel, bstrategy, rows, elevel);

	/*
	 * Resets the counters that trigger autovacuum, unless compaction had to
	 * be skipped (then autovacuum comes back for it).
	 */
	if (!result.skipped)
		pgstat_report_vacuum(RelationGetRelid(rel), rel->rd_rel->relisshared,
							 (PgStat_Counter) rows, 0);
}

/*
 * ANALYZE samples physical block numbers; block b of n stands for the
 * b-th n-th of the visible rows in stripe order.
 */
static bool
olap_am_scan_analyze_next_block(TableScanDesc sscan, BlockNumber blockno,
								BufferAccessStrategy bstrategy)
{
	OlapScanDesc scan = (OlapScanDesc) sscan;

	return set_block_slice(scan, blockno) &&
		scan->analyze_next < scan->analyze_end;
}

/*
 * ANALYZE copies each sampled row with ExecCopySlotHeapTuple and, when it
 * has replaced rows of its reservoir, sorts the copies by t_self to restore
 * table order (the "correlation" statistic is computed from that order).  A
 * virtual slot's copy has no t_self, so the sample slot gets these slot
 * callbacks: those of a virtual slot, whose copy keeps the row's TID.
 */
static TupleTableSlotOps analyze_slot_ops;

static HeapTuple
analyze_copy_heap_tuple(TupleTableSlot *slot)
{
	HeapTuple	tuple = heap_form_tuple(slot->tts_tupleDescriptor,
										slot->tts_values, slot->tts_isnull);

	tuple->t_self = slot->tts_tid;
	return tuple;
}

static void
use_analyze_slot_ops(TupleTableSlot *slot)
{
	if (slot->tts_ops != &TTSOpsVirtual)
		return;
	if (analyze_slot_ops.copy_heap_tuple == NULL)
	{
		analyze_slot_ops = TTSOpsVirtual;
		analyze_slot_ops.copy_heap_tuple = analyze_copy_heap_tuple;
	}
	/* same slot layout and behaviour; only the copy differs */
	*((const TupleTableSlotOps **) &slot->tts_ops) = &analyze_slot_ops;
}

static bool
olap_am_scan_analyze_next_tuple(TableScanDesc sscan, TransactionId OldestXmin,
								double *liverows, double *deadrows,
								TupleTableSlot *slot)
{
	OlapScanDesc scan = (OlapScanDesc) sscan;
	uint64		row_number;

	use_analyze_slot_ops(slot);

	for (;;)
	{
		if (scan->analyze_next >= scan->analyze_end ||
			!StripeReaderSeekOrdinal(scan->reader, scan->analyze_next))
			return false;
		if (!StripeReaderRowDeleted(scan->reader))
			break;
		scan->analyze_next++;
		*deadrows += 1;
	}

	ExecClearTuple(slot);
	if (!StripeReaderNext(scan->reader, slot->tts_tupleDescriptor,
						  slot->tts_values, slot->tts_isnull,
						  &row_number))
		return false;
	ExecStoreVirtualTuple(slot);
	slot->tts_tid = RowNumberToTid(row_number);
	scan->analyze_next++;
	*liverows += 1;
	return true;
}

static double
olap_am_index_build_range_scan(Relation table_rel, Relation index_rel,
							   struct IndexInfo *index_info, bool allow_sync,
							   bool anyvisible, bool progress,
							   BlockNumber start_blockno, BlockNumber numblocks,
							   IndexBuildCallback callback,
							   void *callback_state, TableScanDesc scan)
{
	double		rows;

	if (start_blockno != 0 || numblocks != InvalidBlockNumber)
		refuse("building an index over a block range",
			   "Use a btree, hash, GiST or SP-GiST index.");

	rows = OlapIndexBuildScan(table_rel, index_rel, index_info,
							  scan ? ((OlapScanDesc) scan)->reader : NULL,
							  callback, callback_state);
	/* like heap, the build scan ends the parallel scan it was given */
	if (scan != NULL)
		table_endscan(scan);
	return rows;
}

static void
olap_am_index_validate_scan(Relation table_rel, Relation index_rel,
							struct IndexInfo *index_info, Snapshot snapshot,
							struct ValidateIndexState *state)
{
	refuse("CREATE INDEX CONCURRENTLY", "Use CREATE INDEX without CONCURRENTLY.");
}


/* ------------------------------------------------------------------------
 * Miscellaneous callbacks
 * ------------------------------------------------------------------------
 */

static bool
olap_am_relation_needs_toast_table(Relation rel)
{
	/* large values are stored inside chunks, never in a TOAST table */
	return false;
}


/* ------------------------------------------------------------------------
 * Planner related callbacks
 * ------------------------------------------------------------------------
 */

static void
olap_am_relation_estimate_size(Relation rel, int32 *attr_widths,
							   BlockNumber *pages, double *tuples,
							   double *allvisfrac)
{
	*pages = RelationGetNumberOfBlocks(rel);
	*tuples = visible_row_count(rel, metadata_snapshot(NULL));
	*allvisfrac = 0;
}


/* ------------------------------------------------------------------------
 * Executor related callbacks
 * ------------------------------------------------------------------------
 */

/*
 * Maps physical block blockno of the table to the rows it stands for: the
 * blockno-th of RelationGetNumberOfBlocks() equal slices of the visible
 * rows in stripe order.  ANALYZE samples these slices.
 */
static bool
set_block_slice(OlapScanDesc scan, BlockNumber blockno)
{
	uint64		total = StripeReaderTotalRows(scan->reader);

	if (scan->analyze_nblocks == 0)
		scan->analyze_nblocks = RelationGetNumberOfBlocks(scan->rs_base.rs_rd);
	if (scan->analyze_nblocks == 0 || total == 0)
		return false;
	scan->analyze_next = (uint64) ((double) blockno * total / scan->analyze_nblocks);
	scan->analyze_end = (uint64) ((double) (blockno + 1) * total / scan->analyze_nblocks);
	return true;
}

/*
 * TABLESAMPLE SYSTEM / BERNOULLI: the sampling methods pick among blocks of
 * at most OLAP_ROWS_PER_TID_BLOCK rows (the visible rows in stripe order,
 * cut into slices as many as TIDs have offsets), and among the offsets of a
 * block.
 */
static bool
olap_am_scan_sample_next_block(TableScanDesc sscan, SampleScanState *scanstate)
{
	OlapScanDesc scan = (OlapScanDesc) sscan;
	TsmRoutine *tsm = scanstate->tsmroutine;
	uint64		total = StripeReaderTotalRows(scan->reader);
	BlockNumber nblocks;
	BlockNumber blockno;

	if (total == 0)
		return false;
	nblocks = (BlockNumber) ((total + OLAP_ROWS_PER_TID_BLOCK - 1) / OLAP_ROWS_PER_TID_BLOCK);

	if (tsm->NextSampleBlock)
		blockno = tsm->NextSampleBlock(scanstate, nblocks);
	else
	{
		blockno = scan->sample_started ? scan->sample_block + 1 : 0;
		if (blockno >= nblocks)
			blockno = InvalidBlockNumber;
	}
	scan->sample_started = true;
	if (!BlockNumberIsValid(blockno))
		return false;
	scan->sample_block = blockno;
	scan->analyze_next = (uint64) blockno * OLAP_ROWS_PER_TID_BLOCK;
	scan->analyze_end = Min(scan->analyze_next + OLAP_ROWS_PER_TID_BLOCK, total);
	return true;
}

/* Returns the rows of the current slice that the sampling method picks. */
static bool
olap_am_scan_sample_next_tuple(TableScanDesc sscan, SampleScanState *scanstate,
							   TupleTableSlot *slot)
{
	OlapScanDesc scan = (OlapScanDesc) sscan;
	TsmRoutine *tsm = scanstate->tsmroutine;
	uint64		slice = scan->analyze_end - scan->analyze_next;
	uint64		row_number;

	for (;;)
	{
		OffsetNumber offset;
		uint64		ordinal;

		CHECK_FOR_INTERRUPTS();
		offset = tsm->NextSampleTuple(scanstate, scan->sample_block,
									  (OffsetNumber) slice);
		if (!OffsetNumberIsValid(offset))
		{
			ExecClearTuple(slot);
			return false;
		}
		ordinal = scan->analyze_next + offset - 1;
		if (!StripeReaderSeekOrdinal(scan->reader, ordinal) ||
			StripeReaderRowDeleted(scan->reader))
			continue;
		ExecClearTuple(slot);
		if (!StripeReaderNext(scan->reader, slot->tts_tupleDescriptor,
							  slot->tts_values, slot->tts_isnull, &row_number))
			continue;
		ExecStoreVirtualTuple(slot);
		slot->tts_tid = RowNumberToTid(row_number);
		slot->tts_tableOid = RelationGetRelid(sscan->rs_rd);
		return true;
	}
}


/* ------------------------------------------------------------------------
 * Definition of the olap table access method
 * ------------------------------------------------------------------------
 */

static const TableAmRoutine olap_methods = {
	.type = T_TableAmRoutine,

	.slot_callbacks = olap_am_slot_callbacks,

	.scan_begin = olap_am_scan_begin,
	.scan_end = olap_am_scan_end,
	.scan_rescan = olap_am_scan_rescan,
	.scan_getnextslot = olap_am_scan_getnextslot,

	.parallelscan_estimate = olap_am_parallelscan_estimate,
	.parallelscan_initialize = olap_am_parallelscan_initialize,
	.parallelscan_reinitialize = olap_am_parallelscan_reinitialize,

	.index_fetch_begin = olap_am_index_fetch_begin,
	.index_fetch_reset = olap_am_index_fetch_reset,
	.index_fetch_end = olap_am_index_fetch_end,
	.index_fetch_tuple = olap_am_index_fetch_tuple,

	.tuple_insert = olap_am_tuple_insert,
	.tuple_insert_speculative = olap_am_tuple_insert_speculative,
	.tuple_complete_speculative = olap_am_tuple_complete_speculative,
	.multi_insert = olap_am_multi_insert,
	.tuple_delete = olap_am_tuple_delete,
	.tuple_update = olap_am_tuple_update,
	.tuple_lock = olap_am_tuple_lock,
	.finish_bulk_insert = olap_am_finish_bulk_insert,

	.tuple_fetch_row_version = olap_am_tuple_fetch_row_version,
	.tuple_get_latest_tid = olap_am_tuple_get_latest_tid,
	.tuple_tid_valid = olap_am_tuple_tid_valid,
	.tuple_satisfies_snapshot = olap_am_tuple_satisfies_snapshot,
	.index_delete_tuples = olap_am_index_delete_tuples,

	.relation_set_new_filenode = olap_am_relation_set_new_filenode,
	.relation_nontransactional_truncate = olap_am_relation_nontransactional_truncate,
	.relation_copy_data = olap_am_relation_copy_data,
	.relation_copy_for_cluster = olap_am_relation_copy_for_cluster,
	.relation_vacuum = olap_am_relation_vacuum,
	.scan_analyze_next_block = olap_am_scan_analyze_next_block,
	.scan_analyze_next_tuple = olap_am_scan_analyze_next_tuple,
	.index_build_range_scan = olap_am_index_build_range_scan,
	.index_validate_scan = olap_am_index_validate_scan,

	.relation_size = table_block_relation_size,
	.relation_needs_toast_table = olap_am_relation_needs_toast_table,

	.relation_estimate_size = olap_am_relation_estimate_size,

	.scan_bitmap_next_block = NULL,
	.scan_bitmap_next_tuple = NULL,
	.scan_sample_next_block = olap_am_scan_sample_next_block,
	.scan_sample_next_tuple = olap_am_scan_sample_next_tuple
};

const TableAmRoutine *
OlapTableAmRoutine(void)
{
	return &olap_methods;
}

bool
IsOlapRelation(Relation rel)
{
	return rel->rd_tableam == &olap_methods;
}

/* True when amoid is an access method whose handler is ours. */
bool
IsOlapAccessMethod(Oid amoid)
{
	HeapTuple	tup = SearchSysCache1(AMOID, ObjectIdGetDatum(amoid));
	Form_pg_am	form;
	bool		result;

	if (!HeapTupleIsValid(tup))
		return false;
	form = (Form_pg_am) GETSTRUCT(tup);
	result = form->amtype == AMTYPE_TABLE &&
		DatumGetPointer(OidFunctionCall1(form->amhandler, (Datum) 0)) ==
		(Pointer) &olap_methods;
	ReleaseSysCache(tup);
	return result;
}

Datum
olap_tableam_handler(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(&olap_methods);
}
