/*-------------------------------------------------------------------------
 *
 * free_space.c
 *	  Free block ranges of olap tables (catalog olap.free_range).
 *
 * When VACUUM compaction rewrites a stripe, the blocks of its old chunk
 * groups are retired: a row (storage_id, first_block, block_count) is
 * inserted by the compacting transaction.  Snapshots that do not see that
 * transaction's changes still read the old metadata and so the old blocks;
 * the range becomes reusable once the row's xmin precedes the oldest xmin
 * any snapshot may still have (GetOldestNonRemovableTransactionId for the
 * table).  A later compaction writes its chunk groups into reusable ranges
 * (first fit, lowest blocks first, DataPagesWriteAt) and truncates reusable
 * ranges that end the relation (under a conditionally taken
 * AccessExclusiveLock, as heap's VACUUM truncates).
 *
 * Standbys: the horizon is the primary's, so a standby query whose snapshot
 * is older than a compaction can find the old blocks rewritten or
 * truncated (and fails with a data-corrupted error naming the chunk, never
 * with wrong rows) unless hot_standby_feedback is on, as with heap's
 * vacuum conflicts.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/transam.h"
#include "catalog/indexing.h"
#include "catalog/storage.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "storage/data_pages.h"
#include "storage/free_space.h"
#include "storage/stripe_catalog.h"

#define Natts_free_range 3
#define Anum_free_range_storage_id 1
#define Anum_free_range_first_block 2
#define Anum_free_range_block_count 3

/* olap.chunk_group's first_block column; byte_length follows it */
#define Anum_chunk_group_first_block 6

static Oid
free_range_pkey(Relation rel)
{
	return get_relname_relid("free_range_pkey", RelationGetNamespace(rel));
}

/* Records [first_block, first_block + block_count) as freed by this transaction. */
void
FreeSpaceRetire(uint64 storage_id, BlockNumber first_block,
				BlockNumber block_count)
{
	Relation	rel;
	CatalogIndexState indstate;
	Datum		values[Natts_free_range];
	bool		nulls[Natts_free_range] = {false, false, false};
	HeapTuple	tup;

	if (block_count == 0)
		return;
	rel = table_open(OlapCatalogRelid("free_range"), RowExclusiveLock);
	indstate = CatalogOpenIndexes(rel);
	values[Anum_free_range_storage_id - 1] = Int64GetDatum((int64) storage_id);
	values[Anum_free_range_first_block - 1] = Int64GetDatum((int64) first_block);
	values[Anum_free_range_block_count - 1] = Int64GetDatum((int64) block_count);
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
	OlapCatalogInsert(rel, indstate, tup, GetCurrentCommandId(true));
	heap_freetuple(tup);
	CatalogCloseIndexes(indstate);
	table_close(rel, RowExclusiveLock);
}

/* Marks blocks [first, first + count) of `used`, clipped to nblocks. */
static void
mark_used(uint8 *used, BlockNumber nblocks, BlockNumber first, uint64 count)
{
	uint64		b;

	for (b = first; b < (uint64) first + count && b < nblocks; b++)
		used[b / 8] |= (uint8) (1 << (b % 8));
}

/*
 * Marks in `used` the blocks that any row version of catalog `catalog`
 * (chunk_group or free_range) for the storage points at.
 */
static void
mark_catalog_blocks(const char *catalog, AttrNumber first_attno,
					uint64 storage_id, uint8 *used, BlockNumber nblocks)
{
	Relation	rel = table_open(OlapCatalogRelid(catalog), AccessShareLock);
	ScanKeyData key[1];
	int64		keyvals[1] = {(int64) storage_id};
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *pkey = psprintf("%s_pkey", catalog);
	bool		is_group = strcmp(catalog, "chunk_group") == 0;

	OlapInitInt8Keys(key, 1, keyvals);
	scan = systable_beginscan(rel, get_relname_relid(pkey, RelationGetNamespace(rel)),
							  true, SnapshotAny, 1, key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		TransactionId xmin = HeapTupleHeaderGetXmin(tup->t_data);
		bool		isnull;
		BlockNumber first;
		uint64		len;

		/* versions whose inserter aborted or crashed point at garbage */
		if (TransactionIdIsNormal(xmin) &&
			!HeapTupleHeaderXminCommitted(tup->t_data) &&
			!TransactionIdIsInProgress(xmin) && !TransactionIdDidCommit(xmin))
			continue;
		first = (BlockNumber)
			DatumGetInt64(heap_getattr(tup, first_attno, RelationGetDescr(rel), &isnull));
		len = (uint64)
			DatumGetInt64(heap_getattr(tup, first_attno + 1, RelationGetDescr(rel), &isnull));

		/* chunk_group: first_block, byte_length; free_range: first_block, block_count */
		if (is_group)
			len = len > 0 ? DataPagesNeeded(len) : 0;
		mark_used(used, nblocks, first, len);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/*
 * Records as free the blocks below nblocks that no chunk group and no free
 * range refers to in any row version: pages written by transactions that
 * aborted or were cut short by a crash.  The caller has made sure that no
 * other transaction had the table open for writing after nblocks was read
 * (so no page below it belongs to a write still in progress).  Returns the
 * number of blocks recorded.
 */
BlockNumber
FreeSpaceRecordOrphans(uint64 storage_id, BlockNumber nblocks)
{
	uint8	   *used;
	BlockNumber b;
	BlockNumber run_start = InvalidBlockNumber;
	BlockNumber found = 0;

	if (nblocks <= 1)
		return 0;
	used = palloc0((nblocks + 7) / 8);
	mark_used(used, nblocks, 0, 1);	/* the metapage */
	mark_catalog_blocks("chunk_group", Anum_chunk_group_first_block, storage_id, used, nblocks);
	mark_catalog_blocks("free_range", Anum_free_range_first_block, storage_id,
						used, nblocks);

	for (b = 0; b <= nblocks; b++)
	{
		bool		is_free = b < nblocks && (used[b / 8] & (1 << (b % 8))) == 0;

		if (is_free && run_start == InvalidBlockNumber)
			run_start = b;
		else if (!is_free && run_start != InvalidBlockNumber)
		{
			FreeSpaceRetire(storage_id, run_start, b - run_start);
			found += b - run_start;
			run_start = InvalidBlockNumber;
		}
	}
	pfree(used);
	return found;
}

/*
 * Returns the free ranges of the table that no snapshot can still read
 * (a List of FreeRange, in block order), clipped to the relation's length.
 */
List *
FreeSpaceLoadReusable(Relation table, uint64 storage_id)
{
	TransactionId horizon = GetOldestNonRemovableTransactionId(table);
	BlockNumber nblocks = RelationGetNumberOfBlocks(table);
	Relation	rel = table_open(OlapCatalogRelid("free_range"), AccessShareLock);
	Relation	idx = index_open(free_range_pkey(rel), AccessShareLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	ScanKeyData key[1];
	int64		keyvals[1] = {(int64) storage_id};
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *result = NIL;

	OlapInitInt8Keys(key, 1, keyvals);
	scan = systable_beginscan_ordered(rel, idx, snapshot, 1, key);
	while ((tup = systable_getnext_ordered(scan, ForwardScanDirection)) != NULL)
	{
		TransactionId xmin = HeapTupleHeaderGetXmin(tup->t_data);
		bool		isnull;
		FreeRange  *range;

		if (!TransactionIdPrecedes(xmin, horizon))
			continue;
		range = palloc(sizeof(FreeRange));
		range->orig_first = (BlockNumber)
			DatumGetInt64(heap_getattr(tup, Anum_free_range_first_block,
									   RelationGetDescr(rel), &isnull));
		range->orig_count = (BlockNumber)
			DatumGetInt64(heap_getattr(tup, Anum_free_range_block_count,
									   RelationGetDescr(rel), &isnull));
		range->first_block = range->orig_first;
		range->block_count = range->orig_count;
		/* a crash after a truncation can leave ranges past the end */
		if (range->first_block >= nblocks)
			range->block_count = 0;
		else if (range->first_block + range->block_count > nblocks)
			range->block_count = nblocks - range->first_block;
		result = lappend(result, range);
	}
	systable_endscan_ordered(scan);
	UnregisterSnapshot(snapshot);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * Takes `blocks` consecutive blocks from the lowest reusable range that
 * has them; returns the first block, or InvalidBlockNumber when no range
 * is large enough.
 */
BlockNumber
FreeSpaceTake(List *ranges, BlockNumber blocks)
{
	ListCell   *lc;

	foreach(lc, ranges)
	{
		FreeRange  *range = (FreeRange *) lfirst(lc);

		if (range->block_count >= blocks)
		{
			BlockNumber first = range->first_block;

			range->first_block += blocks;
			range->block_count -= blocks;
			return first;
		}
	}
	return InvalidBlockNumber;
}

/*
 * Truncates the relation where its last blocks are all in reusable ranges,
 * if an AccessExclusiveLock can be had without waiting.  Free ranges are
 * used from their start, so the still-free part of each ends where the
 * range ended.  Returns the number of blocks cut off.
 */
BlockNumber
FreeSpaceTruncateTail(Relation rel, List *ranges)
{
	BlockNumber nblocks = RelationGetNumberOfBlocks(rel);
	BlockNumber new_end = nblocks;
	bool		moved = true;
	ListCell   *lc;

	while (moved)
	{
		moved = false;
		foreach(lc, ranges)
		{
			FreeRange  *range = (FreeRange *) lfirst(lc);

			if (range->block_count > 0 &&
				range->first_block + range->block_count == new_end)
			{
				new_end = range->first_block;
				moved = true;
			}
		}
	}
	if (new_end == nblocks || new_end == 0)
		return 0;

	if (!ConditionalLockRelation(rel, AccessExclusiveLock))
		return 0;
	/* writers may have extended the relation before we got the lock */
	if (RelationGetNumberOfBlocks(rel) != nblocks)
	{
		UnlockRelation(rel, AccessExclusiveLock);
		return 0;
	}
	RelationTruncate(rel, new_end);
	UnlockRelation(rel, AccessExclusiveLock);

	foreach(lc, ranges)
	{
		FreeRange  *range = (FreeRange *) lfirst(lc);

		if (range->first_block >= new_end)
			range->block_count = 0;
	}
	return nblocks - new_end;
}

/*
 * Writes back the ranges FreeSpaceTake and FreeSpaceTruncateTail changed:
 * a used-up range's row is deleted, a partly used one is replaced by its
 * remainder (reusable again once this transaction is old enough).
 */
void
FreeSpaceSave(uint64 storage_id, List *ranges)
{
	ListCell   *lc;

	foreach(lc, ranges)
	{
		FreeRange  *range = (FreeRange *) lfirst(lc);
		int64		keyvals[2] = {(int64) storage_id, (int64) range->orig_first};

		if (range->first_block == range->orig_first &&
			range->block_count == range->orig_count)
			continue;
		OlapCatalogDeleteByKey("free_range", 2, keyvals);
		if (range->block_count > 0)
			FreeSpaceRetire(storage_id, range->first_block, range->block_count);
	}
}
