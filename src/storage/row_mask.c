/*-------------------------------------------------------------------------
 *
 * row_mask.c
 *	  Reading and writing olap.row_mask, the deleted rows of chunk groups.
 *
 * A chunk group with deletions has one row in olap.row_mask: a bitmap with
 * a bit per row of the group (set = deleted) and, for rows that an UPDATE
 * replaced, the row number of the new version (so that READ COMMITTED
 * updaters can follow a row to its latest version, as heap follows t_ctid).
 * Deleting rows writes a new version of that catalog row with the old bits
 * ORed in (heap_update), so what a snapshot sees as deleted is exactly the
 * version it sees: deletions become visible at commit and vanish on abort,
 * and their xmin says which transaction made them.
 *
 * Writers of masks hold the table's modification lock (row_locking.c), so a
 * mask row is never updated concurrently; they read the latest version with
 * SnapshotSelf (committed, plus this transaction's own changes).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "storage/row_mask.h"

#define Natts_row_mask 6
#define Anum_row_mask_storage_id 1
#define Anum_row_mask_stripe_num 2
#define Anum_row_mask_group_num 3
#define Anum_row_mask_deleted_count 4
#define Anum_row_mask_mask 5
#define Anum_row_mask_forward 6

#define FORWARD_RECORD_SIZE (sizeof(uint32) + sizeof(uint64))

static Size
bitmap_bytes(uint32 row_count)
{
	return (row_count + 7) / 8;
}

/*
 * Reports a row-mask catalog row that does not fit its chunk group.  fmt
 * takes up to two unsigned numbers.
 */
static void
pg_attribute_noreturn()
mask_corrupted(const Datum *values, const char *fmt, uint32 a, uint32 b)
{
	char	   *what = psprintf(fmt, a, b);

	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg_internal("olap storage " INT64_FORMAT " stripe " INT64_FORMAT " chunk group %d: damaged row mask in olap.row_mask: %s",
							 DatumGetInt64(values[Anum_row_mask_storage_id - 1]),
							 DatumGetInt64(values[Anum_row_mask_stripe_num - 1]),
							 DatumGetInt32(values[Anum_row_mask_group_num - 1]),
							 what)));
}

/*
 * Fills mask from a catalog tuple, allocating in CurrentMemoryContext; a
 * row that does not fit a group of row_count rows is reported as
 * corruption.
 */
static void
mask_from_tuple(HeapTuple tup, TupleDesc desc, uint32 row_count, RowMask *mask)
{
	Datum		values[Natts_row_mask];
	bool		nulls[Natts_row_mask];
	bytea	   *bits;

	heap_deform_tuple(tup, desc, values, nulls);
	bits = DatumGetByteaPP(values[Anum_row_mask_mask - 1]);

	mask->exists = true;
	mask->row_count = row_count;
	mask->deleted_count = DatumGetInt32(values[Anum_row_mask_deleted_count - 1]);
	if (VARSIZE_ANY_EXHDR(bits) != bitmap_bytes(row_count))
		mask_corrupted(values, "its bitmap has %u bytes for %u rows",
					   (uint32) VARSIZE_ANY_EXHDR(bits), row_count);
	mask->bits = palloc0(bitmap_bytes(row_count));
	memcpy(mask->bits, VARDATA_ANY(bits), bitmap_bytes(row_count));
	if (pg_popcount((const char *) mask->bits, bitmap_bytes(row_count)) !=
		(uint64) mask->deleted_count)
		mask_corrupted(values, "its bitmap does not hold deleted_count = %u set bits",
					   mask->deleted_count, 0);
	mask->nforward = 0;
	mask->forward = NULL;
	if (!nulls[Anum_row_mask_forward - 1])
	{
		bytea	   *fw = DatumGetByteaPP(values[Anum_row_mask_forward - 1]);
		const char *p = VARDATA_ANY(fw);
		uint32		i;

		if (VARSIZE_ANY_EXHDR(fw) % FORWARD_RECORD_SIZE != 0)
			mask_corrupted(values, "its forward pointers take %u bytes",
						   (uint32) VARSIZE_ANY_EXHDR(fw), 0);
		mask->nforward = VARSIZE_ANY_EXHDR(fw) / FORWARD_RECORD_SIZE;
		mask->forward = palloc(sizeof(RowForward) * Max(mask->nforward, 1));
		for (i = 0; i < mask->nforward; i++)
		{
			memcpy(&mask->forward[i].offset, p, sizeof(uint32));
			memcpy(&mask->forward[i].new_row, p + sizeof(uint32), sizeof(uint64));
			p += FORWARD_RECORD_SIZE;
			if (mask->forward[i].offset >= row_count ||
				!RowMaskIsDeleted(mask, mask->forward[i].offset))
				mask_corrupted(values, "a forward pointer names row %u, which is not a deleted row of the group",
							   mask->forward[i].offset, 0);
		}
	}
	mask->xmin = HeapTupleHeaderGetXmin(tup->t_data);
	mask->cmin = TransactionIdIsCurrentTransactionId(mask->xmin) ?
		HeapTupleHeaderGetCmin(tup->t_data) : InvalidCommandId;
	mask->tid = tup->t_self;
}

/*
 * Returns the masks of every chunk group of stripe as snapshot sees them
 * (an array of chunk_group_count entries), or NULL when no group of the
 * stripe has deletions visible to snapshot.
 */
RowMask *
RowMaskLoadStripe(uint64 storage_id, const StripeMeta *stripe, Snapshot snapshot)
{
	Relation	rel = table_open(OlapCatalogRelid("row_mask"), AccessShareLock);
	Relation	idx = index_open(get_relname_relid("row_mask_pkey", RelationGetNamespace(rel)),
								 AccessShareLock);
	ScanKeyData key[2];
	int64		keyvals[2] = {(int64) storage_id, (int64) stripe->stripe_num};
	SysScanDesc scan;
	HeapTuple	tup;
	RowMask    *masks = NULL;

	OlapInitInt8Keys(key, 2, keyvals);
	scan = systable_beginscan_ordered(rel, idx, snapshot, 2, key);
	while ((tup = systable_getnext_ordered(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		int32		group_num = DatumGetInt32(heap_getattr(tup, Anum_row_mask_group_num,
														   RelationGetDescr(rel), &isnull));

		if (group_num < 0 || group_num >= (int32) stripe->chunk_group_count)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg_internal("olap storage " UINT64_FORMAT " stripe " UINT64_FORMAT ": row mask for unknown chunk group %d",
									 storage_id, stripe->stripe_num, group_num)));
		if (masks == NULL)
			masks = palloc0(sizeof(RowMask) * stripe->chunk_group_count);
		mask_from_tuple(tup, RelationGetDescr(rel),
						stripe->groups[group_num].row_count, &masks[group_num]);
	}
	systable_endscan_ordered(scan);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
	return masks;
}

/* Loads the mask of one chunk group as snapshot sees it. */
void
RowMaskLoadGroup(uint64 storage_id, uint64 stripe_num, uint32 group_num,
				 uint32 row_count, Snapshot snapshot, RowMask *mask)
{
	Relation	rel = table_open(OlapCatalogRelid("row_mask"), AccessShareLock);
	ScanKeyData key[3];
	int64		keyvals[2] = {(int64) storage_id, (int64) stripe_num};
	SysScanDesc scan;
	HeapTuple	tup;

	memset(mask, 0, sizeof(RowMask));
	mask->row_count = row_count;
	OlapInitInt8Keys(key, 2, keyvals);
	ScanKeyInit(&key[2], Anum_row_mask_group_num, BTEqualStrategyNumber,
				F_INT4EQ, Int32GetDatum((int32) group_num));
	scan = systable_beginscan(rel, get_relname_relid("row_mask_pkey", RelationGetNamespace(rel)),
							  true, snapshot, 3, key);
	if ((tup = systable_getnext(scan)) != NULL)
		mask_from_tuple(tup, RelationGetDescr(rel), row_count, mask);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* Finds where the row at offset went when it was updated. */
bool
RowMaskForward(const RowMask *mask, uint32 offset, uint64 *new_row)
{
	uint32		lo = 0;
	uint32		hi = mask->nforward;

	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;

		if (mask->forward[mid].offset == offset)
		{
			*new_row = mask->forward[mid].new_row;
			return true;
		}
		if (mask->forward[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int
forward_cmp(const void *a, const void *b)
{
	uint32		x = ((const RowForward *) a)->offset;
	uint32		y = ((const RowForward *) b)->offset;

	return (x > y) - (x < y);
}

/*
 * Marks the rows whose bits are set in bits as deleted, recording forward
 * pointers of updated rows, by writing a new version of the group's mask
 * with command id cid (the newest command that deleted one of the rows).
 * The caller holds the table's row-change lock.
 *
 * A version this transaction wrote earlier can only be replaced by a later
 * command id (heap refuses to update a tuple the current command
 * inserted), so the new version gets at least its cmin + 1.  When that is
 * beyond the current command, the group was already written by this very
 * command: nothing is written, false is returned, and the caller retries
 * once the command counter has moved on.
 */
uint64		olap_row_mask_epoch = 0;

bool
RowMaskApply(uint64 storage_id, uint64 stripe_num, uint32 group_num,
			 uint32 row_count, const uint8 *bits, uint32 nforward,
			 const RowForward *forward, CommandId cid)
{
	Relation	rel = table_open(OlapCatalogRelid("row_mask"), RowExclusiveLock);
	RowMask		old;
	Size		nbytes = bitmap_bytes(row_count);
	bytea	   *newbits = palloc(VARHDRSZ + nbytes);
	uint8	   *nb = (uint8 *) VARDATA(newbits);
	uint32		deleted = 0;
	uint32		total_forward;
	RowForward *merged;
	bytea	   *fw = NULL;
	Datum		values[Natts_row_mask];
	bool		nulls[Natts_row_mask];
	HeapTuple	tup;
	uint32		i;

	olap_row_mask_epoch++;
	RowMaskLoadGroup(storage_id, stripe_num, group_num, row_count,
					 SnapshotSelf, &old);
	if (old.exists && TransactionIdIsCurrentTransactionId(old.xmin))
	{
		cid = Max(cid, old.cmin + 1);
		if (cid > GetCurrentCommandId(false))
		{
			table_close(rel, RowExclusiveLock);
			return false;
		}
	}

	SET_VARSIZE(newbits, VARHDRSZ + nbytes);
	for (i = 0; i < nbytes; i++)
	{
		nb[i] = bits[i] | (old.bits ? old.bits[i] : 0);
		deleted += pg_popcount((const char *) &nb[i], 1);
	}

	total_forward = old.nforward + nforward;
	merged = palloc(sizeof(RowForward) * Max(total_forward, 1));
	if (old.nforward > 0)
		memcpy(merged, old.forward, sizeof(RowForward) * old.nforward);
	if (nforward > 0)
		memcpy(merged + old.nforward, forward, sizeof(RowForward) * nforward);
	if (total_forward > 0)
	{
		char	   *p;

		qsort(merged, total_forward, sizeof(RowForward), forward_cmp);
		fw = palloc(VARHDRSZ + FORWARD_RECORD_SIZE * total_forward);
		SET_VARSIZE(fw, VARHDRSZ + FORWARD_RECORD_SIZE * total_forward);
		p = VARDATA(fw);
		for (i = 0; i < total_forward; i++)
		{
			memcpy(p, &merged[i].offset, sizeof(uint32));
			memcpy(p + sizeof(uint32), &merged[i].new_row, sizeof(uint64));
			p += FORWARD_RECORD_SIZE;
		}
	}

	memset(nulls, 0, sizeof(nulls));
	values[Anum_row_mask_storage_id - 1] = Int64GetDatum(storage_id);
	values[Anum_row_mask_stripe_num - 1] = Int64GetDatum(stripe_num);
	values[Anum_row_mask_group_num - 1] = Int32GetDatum(group_num);
	values[Anum_row_mask_deleted_count - 1] = Int32GetDatum(deleted);
	values[Anum_row_mask_mask - 1] = PointerGetDatum(newbits);
	values[Anum_row_mask_forward - 1] = PointerGetDatum(fw);
	nulls[Anum_row_mask_forward - 1] = (fw == NULL);
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);

	(void) GetCurrentCommandId(true);
	if (old.exists)
	{
		TM_FailureData tmfd;
		LockTupleMode lockmode;
		TM_Result	result;

		result = heap_update(rel, &old.tid, tup, cid, InvalidSnapshot, true,
							 &tmfd, &lockmode);
		if (result != TM_Ok)
			elog(ERROR, "concurrent change of the row mask of olap storage " UINT64_FORMAT " stripe " UINT64_FORMAT " group %u",
				 storage_id, stripe_num, group_num);
		if (!HeapTupleIsHeapOnly(tup))
		{
			CatalogIndexState indstate = CatalogOpenIndexes(rel);

			OlapCatalogIndexEntries(rel, indstate, tup);
			CatalogCloseIndexes(indstate);
		}
	}
	else
	{
		CatalogIndexState indstate = CatalogOpenIndexes(rel);

		OlapCatalogInsert(rel, indstate, tup, cid);
		CatalogCloseIndexes(indstate);
	}
	heap_freetuple(tup);
	table_close(rel, RowExclusiveLock);
	return true;
}

/* Number of rows of a storage deleted as snapshot sees it. */
uint64
RowMaskDeletedCount(uint64 storage_id, Snapshot snapshot)
{
	Relation	rel = table_open(OlapCatalogRelid("row_mask"), AccessShareLock);
	ScanKeyData key[1];
	int64		keyvals[1] = {(int64) storage_id};
	SysScanDesc scan;
	HeapTuple	tup;
	uint64		deleted = 0;

	OlapInitInt8Keys(key, 1, keyvals);
	scan = systable_beginscan(rel, get_relname_relid("row_mask_pkey", RelationGetNamespace(rel)),
							  true, snapshot, 1, key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		bool		isnull;

		deleted += DatumGetInt32(heap_getattr(tup, Anum_row_mask_deleted_count,
											  RelationGetDescr(rel), &isnull));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return deleted;
}
