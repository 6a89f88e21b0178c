/*-------------------------------------------------------------------------
 *
 * stripe_catalog.c
 *	  Reading and writing stripe metadata in the catalog tables
 *	  olap.stripe, olap.chunk_group and olap.chunk.
 *
 * These are ordinary heap tables created by the extension script, so the
 * metadata of a stripe is MVCC-visible exactly when the transaction that
 * wrote the stripe commits.  Rows are written directly with heap_insert
 * (and the indexes maintained here), not through SQL: the command id is the
 * one of the statement that buffered the rows, which lets a later command of
 * the same transaction see a stripe that was flushed lazily (see
 * write_state.c).  Readers pass the snapshot of the scan they serve.
 *
 * The column numbers below must match olap_ext--*.sql.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "storage/stripe_catalog.h"

/* olap.stripe */
#define Natts_stripe 7
#define Anum_stripe_storage_id 1
#define Anum_stripe_stripe_num 2
#define Anum_stripe_row_count 3
#define Anum_stripe_chunk_group_count 4
#define Anum_stripe_column_count 5
#define Anum_stripe_stored_bytes 6
#define Anum_stripe_raw_bytes 7

/* olap.chunk_group */
#define Natts_chunk_group 8
#define Anum_chunk_group_storage_id 1
#define Anum_chunk_group_stripe_num 2
#define Anum_chunk_group_group_num 3
#define Anum_chunk_group_first_row_number 4
#define Anum_chunk_group_row_count 5
#define Anum_chunk_group_first_block 6
#define Anum_chunk_group_byte_length 7
#define Anum_chunk_group_dead_rows 8

/* olap.chunk */
#define Natts_chunk 15
#define Anum_chunk_storage_id 1
#define Anum_chunk_stripe_num 2
#define Anum_chunk_group_num 3
#define Anum_chunk_attr_num 4
#define Anum_chunk_byte_offset 5
#define Anum_chunk_byte_length 6
#define Anum_chunk_raw_bytes 7
#define Anum_chunk_null_count 8
#define Anum_chunk_encoding 9
#define Anum_chunk_compression 10
#define Anum_chunk_min_value 11
#define Anum_chunk_max_value 12
#define Anum_chunk_minmax_type 13
#define Anum_chunk_minmax_collation 14
#define Anum_chunk_value_set 15

/* Looks up a relation of schema olap; errors if it is missing. */
Oid
OlapCatalogRelid(const char *name)
{
	Oid			nsp = get_namespace_oid("olap", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(name, nsp) : InvalidOid;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("olap_ext catalog olap.%s does not exist", name),
				 errhint("Run CREATE EXTENSION olap_ext in this database.")));
	return relid;
}

/*
 * Opens olap.<name>, checking that it has the columns this library reads
 * and writes: catalogs created by a different build of the unreleased
 * extension script must be refused, not misread.
 */
static Relation
open_catalog(const char *name, int natts, LOCKMODE lockmode)
{
	Relation	rel = table_open(OlapCatalogRelid(name), lockmode);

	if (RelationGetDescr(rel)->natts != natts)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("olap_ext catalog olap.%s has %d columns, the installed library expects %d",
						name, RelationGetDescr(rel)->natts, natts),
				 errdetail("The extension's SQL objects in this database were created by another build of olap_ext."),
				 errhint("Install the library that matches them, or recreate the extension (DROP EXTENSION olap_ext CASCADE; CREATE EXTENSION olap_ext) and reload the data.")));
	return rel;
}

/* True when the extension's catalogs exist in this database. */
bool
OlapCatalogsExist(void)
{
	Oid			nsp = get_namespace_oid("olap", true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid("stripe", nsp)) &&
		OidIsValid(get_relname_relid("chunk_group", nsp)) &&
		OidIsValid(get_relname_relid("chunk", nsp));
}

/*
 * Inserts tup into rel with command id cid and adds its index entries.
 * The indexes are plain column indexes, so no executor state is needed.
 */
void
OlapCatalogInsert(Relation rel, CatalogIndexState indstate, HeapTuple tup,
				  CommandId cid)
{
	heap_insert(rel, tup, cid, 0, NULL);
	OlapCatalogIndexEntries(rel, indstate, tup);
}

/* Adds the index entries of a tuple just stored in rel. */
void
OlapCatalogIndexEntries(Relation rel, CatalogIndexState indstate, HeapTuple tup)
{
	TupleTableSlot *slot;
	int			i;

	slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);
	ExecStoreHeapTuple(tup, slot, false);
	for (i = 0; i < indstate->ri_NumIndices; i++)
	{
		Relation	index = indstate->ri_IndexRelationDescs[i];
		IndexInfo  *info = indstate->ri_IndexRelationInfo[i];
		Datum		values[INDEX_MAX_KEYS];
		bool		isnull[INDEX_MAX_KEYS];

		FormIndexDatum(info, slot, NULL, values, isnull);
		index_insert(index, values, isnull, &tup->t_self, rel,
					 info->ii_Unique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO,
					 false, info);
	}
	ExecDropSingleTupleTableSlot(slot);
}

/*
 * Writes the metadata rows of a stripe (the stripe, its chunk groups and
 * their chunks) with command id cid.
 */
void
StripeCatalogInsert(uint64 storage_id, const StripeMeta *stripe, CommandId cid)
{
	Relation	stripe_rel = open_catalog("stripe", Natts_stripe, RowExclusiveLock);
	Relation	group_rel = open_catalog("chunk_group", Natts_chunk_group, RowExclusiveLock);
	Relation	chunk_rel = open_catalog("chunk", Natts_chunk, RowExclusiveLock);
	CatalogIndexState stripe_ind = CatalogOpenIndexes(stripe_rel);
	CatalogIndexState group_ind = CatalogOpenIndexes(group_rel);
	CatalogIndexState chunk_ind = CatalogOpenIndexes(chunk_rel);
	Datum		values[Natts_chunk];
	bool		nulls[Natts_chunk];
	HeapTuple	tup;
	uint32		g;

	/* Marks the command as having written, so it is followed by a CCI. */
	(void) GetCurrentCommandId(true);

	memset(nulls, 0, sizeof(nulls));
	values[Anum_stripe_storage_id - 1] = Int64GetDatum(storage_id);
	values[Anum_stripe_stripe_num - 1] = Int64GetDatum(stripe->stripe_num);
	values[Anum_stripe_row_count - 1] = Int64GetDatum(stripe->row_count);
	values[Anum_stripe_chunk_group_count - 1] = Int32GetDatum(stripe->chunk_group_count);
	values[Anum_stripe_column_count - 1] = Int32GetDatum(stripe->column_count);
	values[Anum_stripe_stored_bytes - 1] = Int64GetDatum(stripe->stored_bytes);
	values[Anum_stripe_raw_bytes - 1] = Int64GetDatum(stripe->raw_bytes);
	tup = heap_form_tuple(RelationGetDescr(stripe_rel), values, nulls);
	OlapCatalogInsert(stripe_rel, stripe_ind, tup, cid);
	heap_freetuple(tup);

	for (g = 0; g < stripe->chunk_group_count; g++)
	{
		const ChunkGroupMeta *group = &stripe->groups[g];
		uint32		a;

		CHECK_FOR_INTERRUPTS();

		memset(nulls, 0, sizeof(nulls));
		values[Anum_chunk_group_storage_id - 1] = Int64GetDatum(storage_id);
		values[Anum_chunk_group_stripe_num - 1] = Int64GetDatum(stripe->stripe_num);
		values[Anum_chunk_group_group_num - 1] = Int32GetDatum(group->group_num);
		values[Anum_chunk_group_first_row_number - 1] = Int64GetDatum(group->first_row_number);
		values[Anum_chunk_group_row_count - 1] = Int32GetDatum(group->row_count);
		values[Anum_chunk_group_first_block - 1] = Int64GetDatum(group->first_block);
		values[Anum_chunk_group_byte_length - 1] = Int64GetDatum(group->byte_length);
		values[Anum_chunk_group_dead_rows - 1] = Int32GetDatum(group->dead_rows);
		tup = heap_form_tuple(RelationGetDescr(group_rel), values, nulls);
		OlapCatalogInsert(group_rel, group_ind, tup, cid);
		heap_freetuple(tup);

		for (a = 0; a < stripe->column_count; a++)
		{
			const ChunkMeta *chunk = &group->chunks[a];

			if (!chunk->present)
				continue;

			memset(nulls, 0, sizeof(nulls));
			values[Anum_chunk_storage_id - 1] = Int64GetDatum(storage_id);
			values[Anum_chunk_stripe_num - 1] = Int64GetDatum(stripe->stripe_num);
			values[Anum_chunk_group_num - 1] = Int32GetDatum(group->group_num);
			values[Anum_chunk_attr_num - 1] = Int32GetDatum(a + 1);
			values[Anum_chunk_byte_offset - 1] = Int64GetDatum(chunk->byte_offset);
			values[Anum_chunk_byte_length - 1] = Int64GetDatum(chunk->byte_length);
			values[Anum_chunk_raw_bytes - 1] = Int64GetDatum(chunk->raw_bytes);
			values[Anum_chunk_null_count - 1] = Int32GetDatum(chunk->null_count);
			values[Anum_chunk_encoding - 1] = Int16GetDatum(chunk->encoding);
			values[Anum_chunk_compression - 1] = Int16GetDatum(chunk->compression);
			values[Anum_chunk_min_value - 1] = PointerGetDatum(chunk->min_value);
			nulls[Anum_chunk_min_value - 1] = (chunk->min_value == NULL);
			values[Anum_chunk_max_value - 1] = PointerGetDatum(chunk->max_value);
			nulls[Anum_chunk_max_value - 1] = (chunk->max_value == NULL);
			values[Anum_chunk_minmax_type - 1] = ObjectIdGetDatum(chunk->minmax_type);
			values[Anum_chunk_minmax_collation - 1] = ObjectIdGetDatum(chunk->minmax_collation);
			values[Anum_chunk_value_set - 1] = PointerGetDatum(chunk->value_set);
			nulls[Anum_chunk_value_set - 1] = (chunk->value_set == NULL);
			tup = heap_form_tuple(RelationGetDescr(chunk_rel), values, nulls);
			OlapCatalogInsert(chunk_rel, chunk_ind, tup, cid);
			heap_freetuple(tup);
		}
	}

	CatalogCloseIndexes(chunk_ind);
	CatalogCloseIndexes(group_ind);
	CatalogCloseIndexes(stripe_ind);
	table_close(chunk_rel, RowExclusiveLock);
	table_close(group_rel, RowExclusiveLock);
	table_close(stripe_rel, RowExclusiveLock);
}

/* Sets up key[0..nkeys-1] as int8 equality on the leading index columns. */
void
OlapInitInt8Keys(ScanKeyData *key, int nkeys, const int64 *vals)
{
	int			i;

	for (i = 0; i < nkeys; i++)
		ScanKeyInit(&key[i], i + 1, BTEqualStrategyNumber, F_INT8EQ,
					Int64GetDatum(vals[i]));
}

static StripeMeta *
stripe_from_tuple(HeapTuple tup, TupleDesc desc)
{
	Datum		values[Natts_stripe];
	bool		nulls[Natts_stripe];
	StripeMeta *stripe = palloc0(sizeof(StripeMeta));

	heap_deform_tuple(tup, desc, values, nulls);
	stripe->stripe_num = DatumGetInt64(values[Anum_stripe_stripe_num - 1]);
	stripe->row_count = DatumGetInt64(values[Anum_stripe_row_count - 1]);
	stripe->chunk_group_count = DatumGetInt32(values[Anum_stripe_chunk_group_count - 1]);
	stripe->column_count = DatumGetInt32(values[Anum_stripe_column_count - 1]);
	stripe->stored_bytes = DatumGetInt64(values[Anum_stripe_stored_bytes - 1]);
	stripe->raw_bytes = DatumGetInt64(values[Anum_stripe_raw_bytes - 1]);
	return stripe;
}

/*
 * Returns the stripes of a storage visible to snapshot, in stripe number
 * order, without their chunk groups.
 */
List *
StripeCatalogList(uint64 storage_id, Snapshot snapshot)
{
	Relation	rel = open_catalog("stripe", Natts_stripe, AccessShareLock);
	Relation	idx = index_open(get_relname_relid("stripe_pkey", RelationGetNamespace(rel)), AccessShareLock);
	ScanKeyData key[1];
	int64		keyvals[1] = {(int64) storage_id};
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *result = NIL;

	OlapInitInt8Keys(key, 1, keyvals);
	scan = systable_beginscan_ordered(rel, idx, snapshot, 1, key);
	while ((tup = systable_getnext_ordered(scan, ForwardScanDirection)) != NULL)
		result = lappend(result, stripe_from_tuple(tup, RelationGetDescr(rel)));
	systable_endscan_ordered(scan);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
	return result;
}

static void
group_from_tuple(HeapTuple tup, TupleDesc desc, ChunkGroupMeta *group)
{
	Datum		values[Natts_chunk_group];
	bool		nulls[Natts_chunk_group];

	heap_deform_tuple(tup, desc, values, nulls);
	group->group_num = DatumGetInt32(values[Anum_chunk_group_group_num - 1]);
	group->first_row_number = DatumGetInt64(values[Anum_chunk_group_first_row_number - 1]);
	group->row_count = DatumGetInt32(values[Anum_chunk_group_row_count - 1]);
	group->first_block = (BlockNumber) DatumGetInt64(values[Anum_chunk_group_first_block - 1]);
	group->byte_length = DatumGetInt64(values[Anum_chunk_group_byte_length - 1]);
	group->dead_rows = DatumGetInt32(values[Anum_chunk_group_dead_rows - 1]);
}

/*
 * Reports as corruption a chunk group whose chunks do not tile its byte
 * stream (the writer stores them back to back, so the last one ends where
 * the stream ends) or whose row counts make no sense.  Compaction frees
 * pages by these lengths, so they must be right.
 */
static void
check_group_layout(uint64 storage_id, const StripeMeta *stripe,
				   const ChunkGroupMeta *group)
{
	uint64		end = 0;
	uint32		a;

	for (a = 0; a < stripe->column_count; a++)
	{
		const ChunkMeta *chunk = &group->chunks[a];

		if (!chunk->present)
			continue;
		if (chunk->byte_offset + chunk->byte_length > group->byte_length)
			end = PG_UINT64_MAX;
		else
			end = Max(end, chunk->byte_offset + chunk->byte_length);
	}
	if (end != group->byte_length || group->row_count == 0 ||
		group->dead_rows > group->row_count)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg_internal("olap storage " UINT64_FORMAT " stripe " UINT64_FORMAT " chunk group %u: metadata is inconsistent (byte length " UINT64_FORMAT ", rows %u, dead rows %u)",
								 storage_id, stripe->stripe_num, group->group_num,
								 group->byte_length, group->row_count,
								 group->dead_rows)));
}

/*
 * Fills stripe->groups (and each group's chunks) from the catalogs; only
 * group only_group when it is >= 0 (the other entries stay zeroed).
 * Inconsistent metadata (a missing group, a chunk of an unknown group) is
 * reported as corruption.
 */
static void
load_groups(uint64 storage_id, StripeMeta *stripe, Snapshot snapshot,
			int32 only_group)
{
	Relation	group_rel = open_catalog("chunk_group", Natts_chunk_group, AccessShareLock);
	Relation	chunk_rel = open_catalog("chunk", Natts_chunk, AccessShareLock);
	Relation	group_idx = index_open(get_relname_relid("chunk_group_pkey", RelationGetNamespace(group_rel)), AccessShareLock);
	Relation	chunk_idx = index_open(get_relname_relid("chunk_pkey", RelationGetNamespace(chunk_rel)), AccessShareLock);
	ScanKeyData key[3];
	int64		keyvals[2] = {(int64) storage_id, (int64) stripe->stripe_num};
	int			nkeys = 2;
	SysScanDesc scan;
	HeapTuple	tup;
	uint32		ngroups = 0;
	uint32		g;

	stripe->groups = palloc0(sizeof(ChunkGroupMeta) * Max(stripe->chunk_group_count, 1));
	for (g = 0; g < stripe->chunk_group_count; g++)
		if (only_group < 0 || g == (uint32) only_group)
			stripe->groups[g].chunks = palloc0(sizeof(ChunkMeta) * Max(stripe->column_count, 1));

	OlapInitInt8Keys(key, 2, keyvals);
	if (only_group >= 0)
	{
		ScanKeyInit(&key[2], Anum_chunk_group_group_num, BTEqualStrategyNumber,
					F_INT4EQ, Int32GetDatum(only_group));
		nkeys = 3;
		ngroups = only_group;
	}
	scan = systable_beginscan_ordered(group_rel, group_idx, snapshot, nkeys, key);
	while ((tup = systable_getnext_ordered(scan, ForwardScanDirection)) != NULL)
	{
		ChunkGroupMeta tmp;

		group_from_tuple(tup, RelationGetDescr(group_rel), &tmp);
		if (tmp.group_num != ngroups || ngroups >= stripe->chunk_group_count)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg_internal("olap storage " UINT64_FORMAT " stripe " UINT64_FORMAT ": unexpected chunk group %u in metadata",
									 storage_id, stripe->stripe_num, tmp.group_num)));
		tmp.chunks = stripe->groups[ngroups].chunks;
		stripe->groups[ngroups++] = tmp;
	}
	systable_endscan_ordered(scan);
	if (ngroups != (only_group >= 0 ? (uint32) only_group + 1 : stripe->chunk_group_count))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg_internal("olap storage " UINT64_FORMAT " stripe " UINT64_FORMAT ": metadata lists %u chunk groups, expected %u",
								 storage_id, stripe->stripe_num, ngroups,
								 stripe->chunk_group_count)));

	if (only_group >= 0)
		ScanKeyInit(&key[2], Anum_chunk_group_num, BTEqualStrategyNumber,
					F_INT4EQ, Int32GetDatum(only_group));
	scan = systable_beginscan_ordered(chunk_rel, chunk_idx, snapshot, nkeys, key);
	while ((tup = systable_getnext_ordered(scan, ForwardScanDirection)) != NULL)
	{
		Datum		values[Natts_chunk];
		bool		nulls[Natts_chunk];
		int32		group_num;
		int32		attr_num;
		ChunkMeta  *chunk;

		heap_deform_tuple(tup, RelationGetDescr(chunk_rel), values, nulls);
		group_num = DatumGetInt32(values[Anum_chunk_group_num - 1]);
		attr_num = DatumGetInt32(values[Anum_chunk_attr_num - 1]);
		if (group_num < 0 || group_num >= (int32) ngroups ||
			stripe->groups[group_num].chunks == NULL ||
			attr_num < 1 || attr_num > (int32) stripe->column_count)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg_internal("olap storage " UINT64_FORMAT " stripe " UINT64_FORMAT ": chunk metadata for group %d column %d is out of range",
									 storage_id, stripe->stripe_num, group_num, attr_num)));
		chunk = &stripe->groups[group_num].chunks[attr_num - 1];
		chunk->present = true;
		chunk->byte_offset = DatumGetInt64(values[Anum_chunk_byte_offset - 1]);
		chunk->byte_length = DatumGetInt64(values[Anum_chunk_byte_length - 1]);
		chunk->raw_bytes = DatumGetInt64(values[Anum_chunk_raw_bytes - 1]);
		chunk->null_count = DatumGetInt32(values[Anum_chunk_null_count - 1]);
		chunk->encoding = DatumGetInt16(values[Anum_chunk_encoding - 1]);
		chunk->compression = DatumGetInt16(values[Anum_chunk_compression - 1]);
		chunk->min_value = nulls[Anum_chunk_min_value - 1] ? NULL :
			DatumGetByteaPCopy(values[Anum_chunk_min_value - 1]);
		chunk->max_value = nulls[Anum_chunk_max_value - 1] ? NULL :
			DatumGetByteaPCopy(values[Anum_chunk_max_value - 1]);
		chunk->minmax_type = DatumGetObjectId(values[Anum_chunk_minmax_type - 1]);
		chunk->minmax_collation = DatumGetObjectId(values[Anum_chunk_minmax_collation - 1]);
		chunk->value_set = nulls[Anum_chunk_value_set - 1] ? NULL :
			DatumGetByteaPCopy(values[Anum_chunk_value_set - 1]);
	}
	systable_endscan_ordered(scan);

	for (g = 0; g < ngroups; g++)
		if (stripe->groups[g].chunks != NULL)
			check_group_layout(storage_id, stripe, &stripe->groups[g]);

	index_close(chunk_idx, AccessShareLock);
	index_close(group_idx, AccessShareLock);
	table_close(chunk_rel, AccessShareLock);
	table_close(group_rel, AccessShareLock);
}

void
StripeCatalogLoadGroups(uint64 storage_id, StripeMeta *stripe, Snapshot snapshot)
{
	load_groups(storage_id, stripe, snapshot, -1);
}

/*
 * Looks up, in catalog `catalog` through its index `index` on (storage_id,
 * first_row_number) -- storage_id being column 1 and first_row_number
 * column row_attno of the catalog -- the last entry visible to snapshot
 * that starts at or before row_number, and passes it to `found` (which
 * says whether the entry covers the row).  Returns false when there is no
 * such entry.  The callback runs while the scan is open, so the tuple is
 * valid there.
 */
static bool
lookup_row_range(const char *catalog, const char *index, AttrNumber row_attno,
				 uint64 storage_id, uint64 row_number, Snapshot snapshot,
				 bool (*found) (HeapTuple tup, TupleDesc desc, void *arg),
				 void *arg)
{
	Relation	rel = table_open(OlapCatalogRelid(catalog), AccessShareLock);
	Relation	idx = index_open(get_relname_relid(index, RelationGetNamespace(rel)),
								 AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		result = false;

	ScanKeyInit(&key[0], 1, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum((int64) storage_id));
	ScanKeyInit(&key[1], row_attno, BTLessEqualStrategyNumber, F_INT8LE,
				Int64GetDatum((int64) row_number));
	scan = systable_beginscan_ordered(rel, idx, snapshot, 2, key);
	if ((tup = systable_getnext_ordered(scan, BackwardScanDirection)) != NULL)
		result = found(tup, RelationGetDescr(rel), arg);
	systable_endscan_ordered(scan);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
	return result;
}

typedef struct LocateRowResult
{
	uint64		row_number;
	uint64	   *stripe_num;
	uint32	   *group_num;
	uint64	   *first_row_number;
	uint32	   *row_count;
	CommandId  *my_insert_cid;
} LocateRowResult;

static bool
group_holds_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	LocateRowResult *r = (LocateRowResult *) arg;
	ChunkGroupMeta group;
	bool		isnull;

	group_from_tuple(tup, desc, &group);
	if (r->row_number >= group.first_row_number + group.row_count)
		return false;
	*r->stripe_num = DatumGetInt64(heap_getattr(tup, Anum_chunk_group_stripe_num,
												desc, &isnull));
	*r->group_num = group.group_num;
	*r->first_row_number = group.first_row_number;
	*r->row_count = group.row_count;
	if (r->my_insert_cid != NULL)
		*r->my_insert_cid =
			TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tup->t_data)) ?
			HeapTupleHeaderGetCmin(tup->t_data) : InvalidCommandId;
	return true;
}

/*
 * Finds the chunk group holding row_number among the chunk groups visible
 * to snapshot.  Returns false when there is none.  my_insert_cid (if not
 * NULL) is set to the command of this transaction that wrote the group,
 * or InvalidCommandId.
 */
bool
StripeCatalogLocateRow(uint64 storage_id, uint64 row_number, Snapshot snapshot,
					   uint64 *stripe_num, uint32 *group_num,
					   uint64 *first_row_number, uint32 *row_count,
					   CommandId *my_insert_cid)
{
	LocateRowResult r = {row_number, stripe_num, group_num, first_row_number,
	row_count, my_insert_cid};

	return lookup_row_range("chunk_group", "chunk_group_row_idx",
							Anum_chunk_group_first_row_number, storage_id,
							row_number, snapshot, group_holds_row, &r);
}

/*
 * Finds the chunk group holding row_number among the stripes visible to
 * snapshot.  Returns the stripe with that one group (and its chunks) loaded
 * and sets *group_index, or returns NULL when no visible chunk group holds
 * the row.
 */
StripeMeta *
StripeCatalogFindRow(uint64 storage_id, uint64 row_number, Snapshot snapshot,
					 uint32 *group_index)
{
	uint64		stripe_num;
	uint32		group_num;
	uint64		first_row;
	uint32		row_count;
	StripeMeta *result = NULL;
	Relation	rel;
	Relation	idx;
	ScanKeyData key[2];
	int64		keyvals[2];
	SysScanDesc scan;
	HeapTuple	tup;

	if (!StripeCatalogLocateRow(storage_id, row_number, snapshot, &stripe_num,
								&group_num, &first_row, &row_count, NULL))
		return NULL;

	rel = open_catalog("stripe", Natts_stripe, AccessShareLock);
	idx = index_open(get_relname_relid("stripe_pkey", RelationGetNamespace(rel)), AccessShareLock);
	keyvals[0] = (int64) storage_id;
	keyvals[1] = (int64) stripe_num;
	OlapInitInt8Keys(key, 2, keyvals);
	scan = systable_beginscan_ordered(rel, idx, snapshot, 2, key);
	tup = systable_getnext_ordered(scan, ForwardScanDirection);
	if (tup != NULL)
		result = stripe_from_tuple(tup, RelationGetDescr(rel));
	systable_endscan_ordered(scan);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);

	if (result != NULL)
	{
		load_groups(storage_id, result, snapshot, (int32) group_num);
		*group_index = group_num;
	}
	return result;
}

/* olap.row_reservation */
#define Natts_row_reservation 3
#define Anum_row_reservation_storage_id 1
#define Anum_row_reservation_first_row_number 2
#define Anum_row_reservation_row_count 3

/*
 * Records that this transaction holds row numbers [first, first + count)
 * for buffered rows; returns the TID of the record for ReservationDelete.
 */
ItemPointerData
ReservationInsert(uint64 storage_id, uint64 first, uint64 count)
{
	Relation	rel = table_open(OlapCatalogRelid("row_reservation"), RowExclusiveLock);
	CatalogIndexState indstate = CatalogOpenIndexes(rel);
	Datum		values[Natts_row_reservation];
	bool		nulls[Natts_row_reservation] = {false, false, false};
	HeapTuple	tup;
	ItemPointerData tid;

	values[Anum_row_reservation_storage_id - 1] = Int64GetDatum(storage_id);
	values[Anum_row_reservation_first_row_number - 1] = Int64GetDatum(first);
	values[Anum_row_reservation_row_count - 1] = Int64GetDatum(count);
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
	OlapCatalogInsert(rel, indstate, tup, GetCurrentCommandId(true));
	tid = tup->t_self;
	heap_freetuple(tup);
	CatalogCloseIndexes(indstate);
	table_close(rel, RowExclusiveLock);
	return tid;
}

/*
 * Deletes reservation records once their rows are in a registered stripe.
 * A record may have been inserted by the current command, which cannot
 * delete it with its own command id (heap calls such a tuple invisible), so
 * the deletion carries the next command id: the record disappears for the
 * commands after this one, and for everybody else at commit.
 */
void
ReservationDelete(const ItemPointerData *tids, int ntids)
{
	Relation	rel;
	CommandId	cid;
	int			i;

	if (ntids == 0)
		return;
	cid = GetCurrentCommandId(true) + 1;
	rel = table_open(OlapCatalogRelid("row_reservation"), RowExclusiveLock);
	for (i = 0; i < ntids; i++)
	{
		TM_FailureData tmfd;
		TM_Result	result;

		result = heap_delete(rel, (ItemPointer) &tids[i], cid, InvalidSnapshot,
							 true, &tmfd, false);
		if (result != TM_Ok && result != TM_SelfModified)
			elog(ERROR, "could not delete row reservation (%u,%u): result %d",
				 ItemPointerGetBlockNumber(&tids[i]),
				 ItemPointerGetOffsetNumber(&tids[i]), (int) result);
	}
	table_close(rel, RowExclusiveLock);
}

/*
 * True when a reservation visible to snapshot covers row_number.  With a
 * dirty snapshot this finds other transactions' buffered rows and, as a
 * side effect of the catalog scan, sets snapshot->xmin to the transaction
 * to wait for.
 */
static bool
reservation_holds_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	uint64		row_number = *(uint64 *) arg;
	bool		isnull;
	uint64		first = DatumGetInt64(heap_getattr(tup, Anum_row_reservation_first_row_number,
												   desc, &isnull));
	uint64		count = DatumGetInt64(heap_getattr(tup, Anum_row_reservation_row_count,
												   desc, &isnull));

	return row_number < first + count;
}

bool
ReservationFind(uint64 storage_id, uint64 row_number, Snapshot snapshot)
{
	return lookup_row_range("row_reservation", "row_reservation_pkey",
							Anum_row_reservation_first_row_number, storage_id,
							row_number, snapshot, reservation_holds_row,
							&row_number);
}

/* Deletes every metadata row of a storage id (transactionally). */
void
StripeCatalogDeleteStorage(uint64 storage_id)
{
	const char *catalogs[] = {"chunk", "chunk_group", "stripe", "row_mask",
	"row_reservation", "free_range"};
	int64		keyvals[1] = {(int64) storage_id};
	int			i;

	for (i = 0; i < lengthof(catalogs); i++)
		OlapCatalogDeleteByKey(catalogs[i], 1, keyvals);
}

/*
 * Deletes the metadata of one stripe (its row in olap.stripe, its chunk
 * groups, chunks and row masks), as this transaction's change: snapshots
 * that do not see the change keep reading the stripe.
 */
void
StripeCatalogDeleteStripe(uint64 storage_id, uint64 stripe_num)
{
	const char *catalogs[] = {"chunk", "chunk_group", "stripe", "row_mask"};
	int64		keyvals[2] = {(int64) storage_id, (int64) stripe_num};
	int			i;

	for (i = 0; i < lengthof(catalogs); i++)
		OlapCatalogDeleteByKey(catalogs[i], 2, keyvals);
}

/*
 * Deletes the rows of olap.<catalog> whose leading primary key columns
 * (int8) equal keyvals[0..nkeys-1], as this transaction's change.
 */
void
OlapCatalogDeleteByKey(const char *catalog, int nkeys, const int64 *keyvals)
{
	Relation	rel = table_open(OlapCatalogRelid(catalog), RowExclusiveLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *pkey = psprintf("%s_pkey", catalog);

	Assert(nkeys >= 1 && nkeys <= lengthof(key));
	OlapInitInt8Keys(key, nkeys, keyvals);
	scan = systable_beginscan(rel, get_relname_relid(pkey, RelationGetNamespace(rel)),
							  true, NULL, nkeys, key);
	while ((tup = systable_getnext(scan)) != NULL)
		simple_heap_delete(rel, &tup->t_self);
	systable_endscan(scan);
	table_close(rel, RowExclusiveLock);
	pfree(pkey);
}

/* Deep-copies a stripe's metadata into CurrentMemoryContext. */
StripeMeta *
StripeMetaCopy(const StripeMeta *stripe)
{
	StripeMeta *copy = palloc(sizeof(StripeMeta));
	uint32		g;

	*copy = *stripe;
	if (stripe->groups == NULL)
		return copy;

	copy->groups = palloc(sizeof(ChunkGroupMeta) * Max(stripe->chunk_group_count, 1));
	for (g = 0; g < stripe->chunk_group_count; g++)
	{
		uint32		a;

		copy->groups[g] = stripe->groups[g];
		if (stripe->groups[g].chunks == NULL)
			continue;			/* group not loaded */
		copy->groups[g].chunks = palloc(sizeof(ChunkMeta) * Max(stripe->column_count, 1));
		for (a = 0; a < stripe->column_count; a++)
		{
			ChunkMeta  *c = &copy->groups[g].chunks[a];

			*c = stripe->groups[g].chunks[a];
			if (c->min_value)
				c->min_value = DatumGetByteaPCopy(PointerGetDatum(c->min_value));
			if (c->max_value)
				c->max_value = DatumGetByteaPCopy(PointerGetDatum(c->max_value));
			if (c->value_set)
				c->value_set = DatumGetByteaPCopy(PointerGetDatum(c->value_set));
		}
	}
	return copy;
}
