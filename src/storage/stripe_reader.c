/*-------------------------------------------------------------------------
 *
 * stripe_reader.c
 *	  Reads the rows of an olap table visible to a snapshot.
 *
 * The list of stripes comes from olap.stripe under the scan's snapshot;
 * that is the whole of MVCC for olap data: a stripe is visible iff its
 * metadata row is.  Stripes are read in stripe-number order.  A parallel
 * scan hands out runs of chunk groups instead, through a counter in shared
 * memory that numbers the chunk groups of all listed stripes in order
 * (every participant builds the same list from the same snapshot): a claim
 * takes at most an eighth of the groups still unclaimed and never crosses a
 * stripe, so the early claims are whole stripes and the last ones single
 * groups, and the participants finish close together even on a table of a
 * few stripes.  A chunk group
 * is decoded as a whole, column by column, into Datum arrays in group_ctx;
 * the values handed out point into that memory and stay valid until the
 * next chunk group is loaded, the same contract as a buffer-pinned heap
 * tuple that is valid until the next fetch.
 *
 * Columns added after a stripe was written (attnum beyond its column_count)
 * read as the column's missing value, as heap does for short tuples;
 * dropped columns read as NULL without touching their chunks.
 *
 * Every chunk is verified (CRC32C, header, decoder bounds) before use; a
 * failure is reported as ERRCODE_DATA_CORRUPTED naming the table, stripe,
 * chunk group, column and position.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "storage/chunk_format.h"
#include "storage/chunk_meta_cache.h"
#include "storage/data_pages.h"
#include "storage/delete_state.h"
#include "storage/metapage.h"
#include "storage/read_memory.h"
#include "storage/row_mask.h"
#include "storage/stripe_reader.h"

struct StripeReader
{
	Relation	rel;
	Snapshot	snapshot;
	uint64		storage_id;
	TupleDesc	tupdesc;
	int			natts;
	ChunkColumnType *types;
	BufferAccessStrategy strategy;
	pg_atomic_uint64 *shared_next_group;
	MemoryContext ctx;			/* where the reader itself lives */

	MemoryContext stripe_ctx;	/* metadata of the current stripe */
	MemoryContext group_ctx;	/* decoded values of the current group */

	StripeMeta **stripes;		/* visible stripes, by stripe number */
	int			nstripes;
	int			next_stripe;	/* next to claim when not parallel */
	uint64	   *group_starts;	/* nstripes + 1 entries: the number of the
								 * first group of each stripe in the shared
								 * counter's numbering, then the total */
	uint64		total_rows;

	StripeMeta *stripe;			/* current stripe, groups loaded */
	CachedStripe *cached_groups;	/* pin on stripe->groups, or NULL */
	RowMask    *masks;			/* deletions per group of stripe, or NULL */
	int			stripe_index;
	uint64		stripe_first_ordinal;
	uint32		group;			/* current group within stripe */
	uint32		group_end;		/* end of the groups claimed in the stripe */
	bool		group_loaded;
	uint32		row;			/* next row within the group */
	Datum	  **values;
	bool	  **nulls;
	bool	   *loaded;			/* column decoded for the current group */
	bool		keep_codes;		/* keep the dictionary and scaled views */
	ChunkCodes *codes;			/* of each decoded column, when valid */
	ChunkScaled *scaled;		/* of each decoded column, when valid */
	bool	   *scaled_only;	/* natts entries or NULL: columns whose
								 * SCALED chunks get no Datums */

	/* projection: columns not needed read as NULL and are never decoded */
	bool	   *needed;			/* needed_natts entries, or NULL for all */
	int			needed_natts;
	Datum	   *null_values;	/* shared all-NULL column, null_column_rows */
	bool	   *null_flags;
	uint32		null_column_rows;
	ChunkGroupFilter filter;
	void	   *filter_arg;
	StripeReaderStats stats;

	/* deleted rows: returned too (index builds), and whether the last was */
	bool		include_deleted;
	bool		last_row_deleted;

	/* single-row fetches: what the cached chunk group was looked up for */
	Snapshot	fetch_snapshot;
	CommandId	fetch_curcid;
	TransactionId fetch_xmin;	/* with xmax and xcnt: the snapshot's */
	TransactionId fetch_xmax;	/* contents, as a snapshot's address can */
	uint32		fetch_xcnt;		/* be reused by the next one */
	bool		fetch_check_deleted;
	RowMask    *fetch_mask;
};

/*
 * A claim of a parallel scan takes at most this fraction (1/n) of the chunk
 * groups not claimed yet.
 */
#define PARALLEL_CLAIM_SHARE 8

static void load_group(StripeReader *reader);
static void set_tuple_desc(StripeReader *reader, TupleDesc desc);
static void set_null_column(StripeReader *reader, int i, uint32 nrows);

/* Sets up a reader with no stripes listed yet. */
static StripeReader *
reader_create(Relation rel, Snapshot snapshot, bool bulk_read)
{
	MemoryContext ctx = AllocSetContextCreate(CurrentMemoryContext,
											  "olap_ext stripe reader",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(ctx);
	StripeReader *reader = palloc0(sizeof(StripeReader));

	reader->ctx = ctx;

	reader->rel = rel;
	reader->snapshot = snapshot;
	reader->tupdesc = RelationGetDescr(rel);
	reader->natts = reader->tupdesc->natts;
	reader->strategy = bulk_read ? GetAccessStrategy(BAS_BULKREAD) : NULL;
	reader->stripe_ctx = AllocSetContextCreate(ctx, "olap_ext stripe read",
											   ALLOCSET_DEFAULT_SIZES);
	reader->group_ctx = AllocSetContextCreate(ctx, "olap_ext chunk group read",
											  ALLOCSET_DEFAULT_SIZES);
	set_tuple_desc(reader, reader->tupdesc);
	reader->stripe_index = -1;
	MemoryContextSwitchTo(old);
	return reader;
}

/*
 * Makes desc the descriptor values are decoded for.  It is normally the
 * relation's, but ALTER TABLE reads the old rows with the descriptor the
 * table had before the command (e.g. the old type of a column whose type
 * it changes), so callers pass the descriptor of their slot.
 */
static void
set_tuple_desc(StripeReader *reader, TupleDesc desc)
{
	int			i;

	reader->tupdesc = desc;
	reader->natts = desc->natts;
	reader->types = palloc0(sizeof(ChunkColumnType) * Max(reader->natts, 1));
	for (i = 0; i < reader->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(desc, i);

		reader->types[i].typlen = attr->attlen;
		reader->types[i].typbyval = attr->attbyval;
		reader->types[i].typalign = attr->attalign;
		reader->types[i].numeric = !attr->attisdropped &&
			getBaseType(attr->atttypid) == NUMERICOID;
	}
	reader->values = palloc0(sizeof(Datum *) * Max(reader->natts, 1));
	reader->nulls = palloc0(sizeof(bool *) * Max(reader->natts, 1));
	reader->loaded = palloc0(sizeof(bool) * Max(reader->natts, 1));
	reader->codes = palloc0(sizeof(ChunkCodes) * Max(reader->natts, 1));
	reader->scaled = palloc0(sizeof(ChunkScaled) * Max(reader->natts, 1));
	reader->scaled_only = NULL;
}

/*
 * Frees the current stripe's metadata and decoded chunk group, and unpins
 * its cached chunk group metadata.
 */
static void
forget_stripe(StripeReader *reader)
{
	MemoryContextReset(reader->group_ctx);
	ChunkMetaCacheRelease(reader->cached_groups);
	reader->cached_groups = NULL;
	MemoryContextReset(reader->stripe_ctx);
}

/*
 * Starts reading rel under snapshot.  The caller keeps rel open and the
 * snapshot registered until StripeReaderEnd.
 *
 * Like heap's sequential scans, a scan of a relation larger than a quarter
 * of shared_buffers reads through a small ring of buffers so that it does
 * not push everything else out of the cache; smaller relations stay cached
 * between scans.
 */
StripeReader *
StripeReaderBegin(Relation rel, Snapshot snapshot,
				  pg_atomic_uint64 *shared_next_group)
{
	bool		bulk_read = RelationGetNumberOfBlocks(rel) > (BlockNumber) NBuffers / 4;
	StripeReader *reader = reader_create(rel, snapshot, bulk_read);
	List	   *stripes;
	ListCell   *lc;
	int			i;
	MemoryContext old = MemoryContextSwitchTo(reader->ctx);

	ReadMemorySetup();
	reader->shared_next_group = shared_next_group;
	reader->storage_id = MetapageStorageId(rel);
	stripes = reader->storage_id == 0 ? NIL :
		StripeCatalogList(reader->storage_id, snapshot);
	reader->nstripes = list_length(stripes);
	reader->stripes = palloc(sizeof(StripeMeta *) * Max(reader->nstripes, 1));
	reader->group_starts = palloc(sizeof(uint64) * (reader->nstripes + 1));
	reader->group_starts[0] = 0;
	i = 0;
	foreach(lc, stripes)
	{
		StripeMeta *stripe = lfirst(lc);

		reader->stripes[i] = stripe;
		reader->total_rows += stripe->row_count;
		reader->group_starts[i + 1] = reader->group_starts[i] +
			stripe->chunk_group_count;
		i++;
	}
	list_free(stripes);
	MemoryContextSwitchTo(old);
	return reader;
}

uint64
StripeReaderTotalRows(StripeReader *reader)
{
	return reader->total_rows;
}

void
StripeReaderRescan(StripeReader *reader)
{
	reader->next_stripe = 0;
	reader->stripe = NULL;
	reader->stripe_index = -1;
	reader->group_loaded = false;
	forget_stripe(reader);
}

void
StripeReaderEnd(StripeReader *reader)
{
	ChunkMetaCacheRelease(reader->cached_groups);
	FreeAccessStrategy(reader->strategy);
	MemoryContextDelete(reader->ctx);
}

/* Makes stripe index current, loading its chunk groups. */
static void
open_stripe(StripeReader *reader, int index)
{
	MemoryContext old;

	forget_stripe(reader);
	old = MemoryContextSwitchTo(reader->stripe_ctx);
	reader->stripe = StripeMetaCopy(reader->stripes[index]);
	reader->cached_groups = ChunkMetaCacheLoad(reader->storage_id,
											   reader->stripe,
											   reader->snapshot);
	reader->masks = RowMaskLoadStripe(reader->storage_id, reader->stripe,
									  reader->snapshot);
	if (reader->masks != NULL && IsMVCCSnapshot(reader->snapshot))
	{
		uint32		g;

		for (g = 0; g < reader->stripe->chunk_group_count; g++)
			DeleteStateHideLaterDeletions(reader->rel->rd_node,
										  reader->stripe->stripe_num, g,
										  &reader->masks[g]);
	}
	MemoryContextSwitchTo(old);
	reader->stripe_index = index;
	reader->group = 0;
	reader->group_end = reader->stripe->chunk_group_count;
	reader->row = 0;
	reader->group_loaded = false;
}

/* The stripe holding group number position of the shared numbering. */
static int
stripe_of_group(StripeReader *reader, uint64 position)
{
	int			low = 0;
	int			high = reader->nstripes - 1;

	/* the last stripe whose first group is at or before position */
	while (low < high)
	{
		int			mid = (low + high + 1) / 2;

		if (reader->group_starts[mid] <= position)
			low = mid;
		else
			high = mid - 1;
	}
	return low;
}

/*
 * Claims the next run of chunk groups from the counter shared by the
 * processes of a parallel scan (see the file header) and positions the
 * reader on its first group, opening its stripe unless it is the one open
 * already.  Returns false when every group is claimed.
 */
static bool
claim_shared_groups(StripeReader *reader)
{
	uint64		total = reader->group_starts[reader->nstripes];
	uint64		position = pg_atomic_read_u64(reader->shared_next_group);
	uint64		count;
	int			index;

	for (;;)
	{
		uint64		stripe_end;

		if (position >= total)
			return false;
		index = stripe_of_group(reader, position);
		stripe_end = reader->group_starts[index + 1];
		count = Max((total - position) / PARALLEL_CLAIM_SHARE, 1);
		count = Min(count, stripe_end - position);
		if (pg_atomic_compare_exchange_u64(reader->shared_next_group,
										   &position, position + count))
			break;
		/* position now holds the counter's current value */
	}

	if (reader->stripe == NULL || reader->stripe_index != index)
		open_stripe(reader, index);
	reader->group = (uint32) (position - reader->group_starts[index]);
	reader->group_end = reader->group + (uint32) count;
	reader->row = 0;
	reader->group_loaded = false;
	return true;
}

/*
 * Makes the next chunk groups to read current: the next stripe, or the
 * next claimed run of a parallel scan.  Returns false, with no stripe
 * current, when there are none left.
 */
static bool
next_groups(StripeReader *reader)
{
	uint64		index;

	if (reader->shared_next_group != NULL)
	{
		if (claim_shared_groups(reader))
			return true;
		reader->stripe = NULL;
		return false;
	}

	index = reader->next_stripe++;
	if (index >= (uint64) reader->nstripes)
	{
		reader->stripe = NULL;
		return false;
	}
	open_stripe(reader, (int) index);
	return true;
}

static void
report_corruption(StripeReader *reader, const ChunkGroupMeta *group,
				  int attnum, const ChunkMeta *chunk, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg_internal("olap table \"%s\" is corrupted: stripe " UINT64_FORMAT ", chunk group %u, column %d (block %u, offset " UINT64_FORMAT ", " UINT64_FORMAT " bytes): %s",
							 RelationGetRelationName(reader->rel),
							 reader->stripe->stripe_num, group->group_num,
							 attnum, group->first_block, chunk->byte_offset,
							 chunk->byte_length, problem)));
}

/*
 * Points column i at the reader's shared all-NULL arrays (grown to nrows in
 * the reader's own context): nothing is allocated or filled per group.
 */
static void
set_null_column(StripeReader *reader, int i, uint32 nrows)
{
	if (nrows > reader->null_column_rows)
	{
		uint32		n = Max(nrows, 1);

		reader->null_values = MemoryContextAllocZero(reader->ctx, sizeof(Datum) * n);
		reader->null_flags = MemoryContextAlloc(reader->ctx, sizeof(bool) * n);
		memset(reader->null_flags, true, sizeof(bool) * n);
		reader->null_column_rows = n;
	}
	reader->values[i] = reader->null_values;
	reader->nulls[i] = reader->null_flags;
}

/* Fills a column of the current group with its missing value or NULLs. */
static void
fill_constant(StripeReader *reader, int i, uint32 nrows, bool use_missing)
{
	Datum		value = (Datum) 0;
	bool		isnull = true;
	uint32		r;

	if (use_missing)
		value = getmissingattr(reader->tupdesc, i + 1, &isnull);
	for (r = 0; r < nrows; r++)
	{
		reader->values[i][r] = value;
		reader->nulls[i][r] = isnull;
	}
}

/*
 * Decodes column i of the current chunk group into group_ctx, unless it is
 * decoded already.  Columns not read, and dropped ones, share one all-NULL
 * column.
 */
static void
load_column(StripeReader *reader, int i)
{
	ChunkGroupMeta *group = &reader->stripe->groups[reader->group];
	Form_pg_attribute attr = TupleDescAttr(reader->tupdesc, i);
	MemoryContext old;
	ChunkMeta  *chunk;
	char	   *buf;
	char	   *problem;
	ChunkCodes *codes;
	ChunkScaled *scaled;

	if (reader->loaded[i])
		return;
	reader->loaded[i] = true;
	reader->codes[i].valid = false;
	reader->scaled[i].valid = false;
	if (attr->attisdropped ||
		(reader->needed != NULL && (i >= reader->needed_natts || !reader->needed[i])))
	{
		set_null_column(reader, i, group->row_count);
		return;
	}

	CHECK_FOR_INTERRUPTS();
	old = MemoryContextSwitchTo(reader->group_ctx);
	reader->values[i] = palloc(sizeof(Datum) * Max(group->row_count, 1));
	reader->nulls[i] = palloc(sizeof(bool) * Max(group->row_count, 1));
	if (i >= (int) reader->stripe->column_count)
	{
		fill_constant(reader, i, group->row_count, true);
		MemoryContextSwitchTo(old);
		return;
	}
	chunk = &group->chunks[i];
	if (!chunk->present)
	{
		fill_constant(reader, i, group->row_count, false);
		MemoryContextSwitchTo(old);
		return;
	}
	if (chunk->byte_offset + chunk->byte_length > group->byte_length ||
		chunk->byte_length > MaxAllocHugeSize)
		report_corruption(reader, group, i + 1, chunk,
						  "chunk lies outside its chunk group");

	buf = MemoryContextAllocHuge(reader->group_ctx, Max(chunk->byte_length, 1));
	DataPagesRead(reader->rel, group->first_block, chunk->byte_offset,
				  buf, chunk->byte_length, reader->strategy);
	codes = NULL;
	if (reader->keep_codes && (chunk->encoding == OLAP_ENCODING_DICT ||
							   chunk->encoding == OLAP_ENCODING_RLE))
	{
		codes = &reader->codes[i];
		codes->codes = palloc(sizeof(uint32) * Max(group->row_count, 1));
	}
	scaled = NULL;
	if (reader->keep_codes && chunk->encoding == OLAP_ENCODING_SCALED)
	{
		scaled = &reader->scaled[i];
		scaled->values = palloc(sizeof(int64) * Max(group->row_count, 1));
		scaled->want_datums = reader->scaled_only == NULL ||
			!reader->scaled_only[i];
	}
	problem = ChunkRead(buf, chunk->byte_length, group->row_count,
						&reader->types[i], reader->values[i],
						reader->nulls[i], codes, scaled);
	if (problem != NULL)
		report_corruption(reader, group, i + 1, chunk, problem);
	if (scaled != NULL && scaled->valid && !scaled->want_datums)
		reader->values[i] = NULL;
	pfree(buf);
	reader->stats.bytes_read += chunk->byte_length;
	reader->stats.bytes_decoded += chunk->raw_bytes;
	MemoryContextSwitchTo(old);
}

/* Forgets the decoded columns of the previous chunk group. */
static void
begin_group(StripeReader *reader)
{
	MemoryContextReset(reader->group_ctx);
	memset(reader->loaded, 0, sizeof(bool) * Max(reader->natts, 1));
	reader->group_loaded = true;
	reader->row = 0;
	reader->stats.chunk_groups_read++;
}

/* Decodes every column of the current chunk group into group_ctx. */
static void
load_group(StripeReader *reader)
{
	int			i;

	begin_group(reader);
	for (i = 0; i < reader->natts; i++)
		load_column(reader, i);
}

/*
 * Returns the next visible row, decoded for desc (see set_tuple_desc), in
 * values/nulls (desc->natts entries) and its row number; false at the end.
 * By-reference values stay valid until the next call.
 */
bool
StripeReaderNext(StripeReader *reader, TupleDesc desc, Datum *values,
				 bool *nulls, uint64 *row_number)
{
	ChunkGroupMeta *group;
	int			i;

	if (desc != reader->tupdesc)
	{
		MemoryContext old = MemoryContextSwitchTo(reader->ctx);

		set_tuple_desc(reader, desc);
		MemoryContextSwitchTo(old);
		if (reader->group_loaded)
		{
			uint32		row = reader->row;

			load_group(reader);
			reader->row = row;
		}
	}

	for (;;)
	{
		if (reader->stripe == NULL || reader->group >= reader->group_end)
		{
			if (!next_groups(reader))
				return false;
			continue;
		}
		group = &reader->stripe->groups[reader->group];
		if (!reader->group_loaded)
		{
			if (reader->filter != NULL &&
				!reader->filter(reader->filter_arg, reader->stripe, group))
			{
				reader->stats.chunk_groups_skipped++;
				reader->group++;
				continue;
			}
			load_group(reader);
		}
		if (reader->row >= group->row_count)
		{
			reader->group++;
			reader->group_loaded = false;
			continue;
		}
		if (StripeReaderRowDeleted(reader))
		{
			reader->last_row_deleted = true;
			if (!reader->include_deleted)
			{
				reader->row++;
				continue;
			}
		}
		else
			reader->last_row_deleted = false;
		break;
	}

	for (i = 0; i < reader->natts; i++)
	{
		values[i] = reader->values[i][reader->row];
		nulls[i] = reader->nulls[i][reader->row];
	}
	*row_number = group->first_row_number + reader->row;
	reader->row++;
	return true;
}

/*
 * Moves to the next chunk group that the filter does not reject, decoding
 * nothing yet: StripeReaderLoadColumns decodes the columns the caller asks
 * for, when it asks.  Describes the group in *group; false at the end.
 * Deleted rows are not removed: group->mask (NULL when the group has no
 * deletions) tells which they are.  Do not mix with StripeReaderNext.
 */
bool
StripeReaderNextGroup(StripeReader *reader, StripeReaderGroup *group)
{
	for (;;)
	{
		ChunkGroupMeta *meta;

		CHECK_FOR_INTERRUPTS();
		if (reader->stripe != NULL && reader->group_loaded)
		{
			reader->group++;
			reader->group_loaded = false;
		}
		if (reader->stripe == NULL || reader->group >= reader->group_end)
		{
			if (!next_groups(reader))
				return false;
			continue;
		}
		meta = &reader->stripe->groups[reader->group];
		if (reader->filter != NULL &&
			!reader->filter(reader->filter_arg, reader->stripe, meta))
		{
			reader->stats.chunk_groups_skipped++;
			reader->group++;
			continue;
		}
		begin_group(reader);
		group->row_count = meta->row_count;
		group->first_row_number = meta->first_row_number;
		group->mask = NULL;
		if (reader->masks != NULL && reader->masks[reader->group].bits != NULL)
			group->mask = &reader->masks[reader->group];
		return true;
	}
}

/*
 * Decodes the columns of the current group (StripeReaderNextGroup) whose
 * columns[attnum - 1] is true and are not decoded yet, and sets the
 * caller's arrays (natts entries each, by attnum - 1) to the decoded
 * values and null flags of every decoded column.  Columns outside the
 * reader's projection read as NULL.  The arrays stay valid until the next
 * StripeReaderNextGroup.
 */
void
StripeReaderLoadColumns(StripeReader *reader, const bool *columns,
						const Datum **values, const bool **nulls)
{
	int			i;

	for (i = 0; i < reader->natts; i++)
	{
		if (columns[i])
		{
			load_column(reader, i);
			values[i] = reader->values[i];
			nulls[i] = reader->nulls[i];
		}
	}
}

/*
 * Keeps, from now on, the dictionary view (ChunkCodes) of each DICT or RLE
 * chunk decoded, for StripeReaderColumnCodes, and the scaled view
 * (ChunkScaled) of each SCALED chunk, for StripeReaderColumnScaled.
 */
void
StripeReaderKeepCodes(StripeReader *reader)
{
	reader->keep_codes = true;
}

/*
 * The dictionary view of column attnum in the current group, when it was
 * decoded (StripeReaderLoadColumns) from a DICT or RLE chunk with
 * StripeReaderKeepCodes on; NULL otherwise.  Valid until the next
 * StripeReaderNextGroup.
 */
const ChunkCodes *
StripeReaderColumnCodes(StripeReader *reader, AttrNumber attnum)
{
	if (attnum < 1 || attnum > (AttrNumber) reader->natts ||
		!reader->loaded[attnum - 1] || !reader->codes[attnum - 1].valid)
		return NULL;
	return &reader->codes[attnum - 1];
}

/*
 * Makes the SCALED chunks of the columns whose columns[attnum - 1] is true
 * (an array of the relation's natts) decode to their scaled view only,
 * without numeric Datums: StripeReaderLoadColumns then gives such a column
 * NULL values (its null flags are there).  Needs StripeReaderKeepCodes;
 * for batch readers only (StripeReaderNext needs the Datums).
 */
void
StripeReaderSetScaledOnly(StripeReader *reader, const bool *columns)
{
	MemoryContext old = MemoryContextSwitchTo(reader->ctx);

	reader->scaled_only = palloc(sizeof(bool) * Max(reader->natts, 1));
	memcpy(reader->scaled_only, columns, sizeof(bool) * reader->natts);
	MemoryContextSwitchTo(old);
}

/*
 * The scaled view of column attnum in the current group, when it was
 * decoded (StripeReaderLoadColumns) from a SCALED chunk with
 * StripeReaderKeepCodes on; NULL otherwise.  Valid until the next
 * StripeReaderNextGroup.
 */
const ChunkScaled *
StripeReaderColumnScaled(StripeReader *reader, AttrNumber attnum)
{
	if (attnum < 1 || attnum > (AttrNumber) reader->natts ||
		!reader->loaded[attnum - 1] || !reader->scaled[attnum - 1].valid)
		return NULL;
	return &reader->scaled[attnum - 1];
}

/* The encoding of column attnum's chunk in the current group, or -1. */
int
StripeReaderColumnEncoding(StripeReader *reader, AttrNumber attnum)
{
	const ChunkGroupMeta *group = &reader->stripe->groups[reader->group];

	if (attnum < 1 || attnum > (AttrNumber) reader->stripe->column_count ||
		!group->chunks[attnum - 1].present)
		return -1;
	return group->chunks[attnum - 1].encoding;
}

/*
 * Restricts decoding to the columns whose needed[attnum - 1] is true (an
 * array of the relation's natts); the others read as NULL.  Call before the
 * first row.
 */
void
StripeReaderSetColumns(StripeReader *reader, const bool *needed)
{
	MemoryContext old = MemoryContextSwitchTo(reader->ctx);

	reader->needed = palloc(sizeof(bool) * Max(reader->natts, 1));
	memcpy(reader->needed, needed, sizeof(bool) * reader->natts);
	reader->needed_natts = reader->natts;
	MemoryContextSwitchTo(old);
}

/* Skips the chunk groups filter rejects, without reading them. */
void
StripeReaderSetFilter(StripeReader *reader, ChunkGroupFilter filter, void *arg)
{
	reader->filter = filter;
	reader->filter_arg = arg;
}

const StripeReaderStats *
StripeReaderGetStats(StripeReader *reader)
{
	return &reader->stats;
}

/*
 * Makes StripeReaderNext return deleted rows too; StripeReaderLastDeleted
 * then tells whether the row it returned is deleted.
 */
void
StripeReaderIncludeDeleted(StripeReader *reader)
{
	reader->include_deleted = true;
}

bool
StripeReaderLastDeleted(StripeReader *reader)
{
	return reader->last_row_deleted;
}

/* True when the row the reader is positioned on is deleted for its snapshot. */
bool
StripeReaderRowDeleted(StripeReader *reader)
{
	return reader->masks != NULL &&
		RowMaskIsDeleted(&reader->masks[reader->group], reader->row);
}

/*
 * Positions the reader so that the next StripeReaderNext returns the row
 * with the given ordinal (0-based, over all visible rows in stripe order).
 * Only moves forward; used by ANALYZE's block sampling.  Returns false if
 * the ordinal is beyond the last row.
 */
bool
StripeReaderSeekOrdinal(StripeReader *reader, uint64 ordinal)
{
	uint64		first;
	int			index;

	if (ordinal >= reader->total_rows)
		return false;

	/* find the stripe */
	index = reader->stripe_index < 0 ? 0 : reader->stripe_index;
	first = reader->stripe_index < 0 ? 0 : reader->stripe_first_ordinal;
	while (index < reader->nstripes &&
		   ordinal >= first + reader->stripes[index]->row_count)
	{
		first += reader->stripes[index]->row_count;
		index++;
	}
	if (index >= reader->nstripes)
		return false;
	if (index != reader->stripe_index || reader->stripe == NULL)
	{
		open_stripe(reader, index);
		reader->stripe_first_ordinal = first;
	}

	/* find the group */
	{
		uint64		group_first = reader->stripe_first_ordinal;
		uint32		g;

		for (g = 0; g < reader->stripe->chunk_group_count; g++)
		{
			uint32		n = reader->stripe->groups[g].row_count;

			if (ordinal < group_first + n)
				break;
			group_first += n;
		}
		if (g >= reader->stripe->chunk_group_count)
			return false;
		if (g != reader->group || !reader->group_loaded)
		{
			reader->group = g;
			load_group(reader);
		}
		reader->row = (uint32) (ordinal - group_first);
	}
	return true;
}

/*
 * Starts a reader for fetches of single rows by row number.  It keeps the
 * chunk group of the last fetch decoded, so fetching nearby rows (an index
 * scan over a range, the rows of one chunk group) decodes nothing again.
 */
StripeReader *
StripeReaderBeginFetch(Relation rel)
{
	StripeReader *reader = reader_create(rel, NULL, false);

	reader->storage_id = MetapageStorageId(rel);
	reader->fetch_mask = MemoryContextAllocZero(reader->ctx, sizeof(RowMask));
	return reader;
}

/*
 * Whether the chunk group a fetch reader looked up last holds row_number
 * (whether it serves the next fetch also depends on the snapshot).
 */
bool
StripeReaderHoldsRow(StripeReader *reader, uint64 row_number)
{
	ChunkGroupMeta *group;

	if (reader->stripe == NULL)
		return false;
	group = &reader->stripe->groups[reader->group];
	return row_number >= group->first_row_number &&
		row_number < group->first_row_number + group->row_count;
}

/*
 * Fetches the row with the given row number as snapshot sees it: its chunk
 * group must be visible to snapshot and, when check_deleted, the row not
 * deleted in the mask version snapshot sees.  Returns false otherwise.
 * values/nulls are decoded for desc; by-reference values stay valid until
 * the next fetch.
 */
bool
StripeReaderFetch(StripeReader *reader, uint64 row_number, Snapshot snapshot,
				  bool check_deleted, TupleDesc desc, Datum *values,
				  bool *nulls)
{
	ChunkGroupMeta *group;
	uint64		row;
	bool		cached;
	bool		any;
	Snapshot	lookup;

	if (reader->storage_id == 0)
	{
		/* the table may have been written to since the reader started */
		reader->storage_id = MetapageStorageId(reader->rel);
		if (reader->storage_id == 0)
			return false;
	}

	/*
	 * SnapshotAny asks for the row version the caller saw, whatever its
	 * visibility now: the row is looked up where the active snapshot (the
	 * statement's) sees it, whose pages no compaction can reuse while that
	 * snapshot exists; a compacted copy may hold a deleted row only as
	 * NULLs.  Rows that snapshot does not see (this command's own) are
	 * looked up where they are now (SnapshotSelf).
	 */
	any = snapshot != NULL && snapshot->snapshot_type == SNAPSHOT_ANY;
	lookup = snapshot;
	if (any)
		lookup = ActiveSnapshotSet() ? GetActiveSnapshot() : SnapshotSelf;

	/*
	 * The group found last time serves again for the same MVCC snapshot:
	 * same address, command and contents (an address can be reused by the
	 * next statement's snapshot).
	 */
	cached = StripeReaderHoldsRow(reader, row_number) && lookup != NULL &&
		IsMVCCSnapshot(lookup) && reader->fetch_snapshot == lookup &&
		reader->fetch_curcid == lookup->curcid &&
		reader->fetch_xmin == lookup->xmin &&
		reader->fetch_xmax == lookup->xmax &&
		reader->fetch_xcnt == lookup->xcnt &&
		reader->fetch_check_deleted == check_deleted;

	if (!cached)
	{
		StripeMeta *stripe;
		uint32		group_index;
		MemoryContext old;
		bool		had_group = reader->stripe != NULL;
		uint64		prev_stripe = had_group ? reader->stripe->stripe_num : 0;
		uint32		prev_group = reader->group;

		/* the previous group's metadata and mask go; decoded values stay */
		MemoryContextReset(reader->stripe_ctx);
		reader->stripe = NULL;
		old = MemoryContextSwitchTo(reader->stripe_ctx);

		stripe = StripeCatalogFindRow(reader->storage_id, row_number, lookup,
									  &group_index);
		if (stripe == NULL && any && lookup != SnapshotSelf)
		{
			lookup = SnapshotSelf;
			stripe = StripeCatalogFindRow(reader->storage_id, row_number, lookup,
										  &group_index);
		}
		MemoryContextSwitchTo(old);
		if (stripe == NULL)
			return false;
		if (!had_group || prev_stripe != stripe->stripe_num ||
			prev_group != group_index)
			reader->group_loaded = false;
		reader->stripe = stripe;
		reader->group = group_index;
		reader->group_end = group_index + 1;
		reader->fetch_snapshot = IsMVCCSnapshot(lookup) ? lookup : NULL;
		reader->fetch_curcid = lookup->curcid;
		reader->fetch_xmin = lookup->xmin;
		reader->fetch_xmax = lookup->xmax;
		reader->fetch_xcnt = lookup->xcnt;
		reader->fetch_check_deleted = check_deleted;
		group = &stripe->groups[group_index];
		if (check_deleted)
		{
			old = MemoryContextSwitchTo(reader->stripe_ctx);
			RowMaskLoadGroup(reader->storage_id, stripe->stripe_num,
							 group_index, group->row_count, snapshot,
							 reader->fetch_mask);
			if (IsMVCCSnapshot(snapshot))
				DeleteStateHideLaterDeletions(reader->rel->rd_node,
											  stripe->stripe_num, group_index,
											  reader->fetch_mask);
			MemoryContextSwitchTo(old);
		}
		else
			memset(reader->fetch_mask, 0, sizeof(RowMask));
	}

	group = &reader->stripe->groups[reader->group];
	if (RowMaskIsDeleted(reader->fetch_mask,
						 (uint32) (row_number - group->first_row_number)))
		return false;

	if (desc != reader->tupdesc)
	{
		MemoryContext old = MemoryContextSwitchTo(reader->ctx);

		set_tuple_desc(reader, desc);
		MemoryContextSwitchTo(old);
		reader->group_loaded = false;
	}
	if (!reader->group_loaded)
		load_group(reader);
	reader->row = (uint32) (row_number - group->first_row_number);
	reader->masks = NULL;
	return StripeReaderNext(reader, desc, values, nulls, &row);
}

/* Points a long-lived fetch reader at the current relcache entry. */
void
StripeReaderSetRelation(StripeReader *reader, Relation rel)
{
	reader->rel = rel;
}

/*
 * Fetches one row as StripeReaderFetch does, with by-reference values
 * copied into CurrentMemoryContext.
 */
bool
StripeReaderFetchRow(Relation rel, Snapshot snapshot, uint64 row_number,
					 bool check_deleted, TupleDesc desc, Datum *values,
					 bool *nulls)
{
	MemoryContext caller = CurrentMemoryContext;
	StripeReader *reader = StripeReaderBeginFetch(rel);
	bool		found;

	found = StripeReaderFetch(reader, row_number, snapshot, check_deleted,
							  desc, values, nulls);
	if (found)
	{
		MemoryContext old = MemoryContextSwitchTo(caller);
		int			i;

		for (i = 0; i < reader->natts; i++)
			if (!nulls[i])
				values[i] = datumCopy(values[i],
									  reader->types[i].typbyval,
									  reader->types[i].typlen);
		MemoryContextSwitchTo(old);
	}
	StripeReaderEnd(reader);
	return found;
}
