/*-------------------------------------------------------------------------
 *
 * stripe_writer.c
 *	  Turns inserted rows into chunk groups and stripes of an olap table.
 *
 * A writer belongs to one relation within one (sub)transaction (see
 * write_state.c, which decides when a stripe is finished and registers its
 * metadata).  Rows are copied column-wise into the arrays of the chunk
 * group being filled; varlena values are detoasted on the way in.  When
 * the group reaches chunk_group_row_limit rows or OLAP_CHUNK_GROUP_MAX_BYTES
 * of values, every column is serialised into a chunk (chunk_format.c), the
 * chunks are concatenated and written to new pages (data_pages.c), and only
 * the group's metadata is kept.  So memory is bounded by one chunk group,
 * whatever the size of the load.
 *
 * Row numbers (and so TIDs) are handed out at insert time.  They are
 * reserved from the metapage in growing runs (1, 1, 2, 4, ... up to what
 * the current chunk group can still take), so a one-row transaction wastes
 * no numbers and a bulk load takes the metapage lock a few times per chunk
 * group.  A chunk group covers one contiguous range of row numbers: when a
 * concurrent writer took the numbers right after ours, the group is closed
 * and the next one starts at our new run.
 *
 * Memory: "ctx" lives as long as the writer, "stripe_ctx" holds the
 * metadata of the stripe being written and is reset when a new stripe
 * starts, "group_ctx" holds the buffered values of the current chunk group
 * and is reset after the group is written.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "storage/chunk_format.h"
#include "storage/data_pages.h"
#include "storage/metapage.h"
#include "storage/minmax.h"
#include "storage/row_number.h"
#include "storage/stripe_writer.h"
#include "storage/table_options.h"

struct StripeWriter
{
	Oid			relid;
	TupleDesc	tupdesc;
	int			natts;
	ChunkColumnType *types;
	MinMaxSupport *minmax;
	OlapTableOptions options;
	uint32		group_row_limit;	/* min(chunk group, stripe) limits */

	MemoryContext ctx;
	MemoryContext stripe_ctx;
	MemoryContext group_ctx;

	/* row numbers reserved but not used yet: [next_row, reserved_end) */
	uint64		next_row;
	uint64		reserved_end;

	/*
	 * Tables with indexes also record reservations in olap.row_reservation
	 * (so other transactions' unique checks can find buffered rows); the
	 * records of the open stripe, deleted when it is registered.
	 */
	bool		record_reservations;
	ItemPointerData *reservation_tids;
	int			nreservations;
	int			reservations_cap;

	/* stripe being written */
	bool		stripe_open;
	uint64		stripe_num;
	uint64		storage_id;
	uint64		stripe_rows;
	uint64		stored_bytes;
	uint64		raw_bytes;
	ChunkGroupMeta *groups;
	uint32		ngroups;
	uint32		groups_cap;

	/* chunk group being filled */
	Datum	  **values;
	bool	  **nulls;
	uint32		group_rows;
	uint64		group_first_row;
	Size		group_bytes;

	/* bump allocator in group_ctx for copies of by-reference values */
	char	   *arena;
	Size		arena_left;

	CommandId	max_cid;

	/*
	 * Rewrites (VACUUM compaction) give every row its existing row number
	 * and may place the chunk groups in reused pages.
	 */
	bool		rewrite;
	uint32		group_dead;		/* rows of the group stored as dead */
	DataPlacementFn place;
	void	   *place_arg;
};

#define ARENA_BLOCK_SIZE ((Size) 1024 * 1024)
#define ARENA_MAX_VALUE ((Size) 64 * 1024)

static void start_group(StripeWriter *writer);
static uint32 current_group_limit(StripeWriter *writer);
static void write_group(StripeWriter *writer, Relation rel);
static void reserve_rows(StripeWriter *writer, Relation rel);
static void remember_reservation(StripeWriter *writer, ItemPointerData tid);
static void open_stripe(StripeWriter *writer);
static void buffer_row(StripeWriter *writer, const Datum *values,
					   const bool *nulls);

/*
 * Creates a writer for rel, with the relation's options read now.  All its
 * memory lives under parent.
 */
StripeWriter *
StripeWriterCreate(Relation rel, MemoryContext parent)
{
	MemoryContext ctx = AllocSetContextCreate(parent, "olap_ext stripe write",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(ctx);
	StripeWriter *writer = palloc0(sizeof(StripeWriter));
	int			i;

	writer->ctx = ctx;
	writer->stripe_ctx = AllocSetContextCreate(ctx, "olap_ext stripe metadata",
											   ALLOCSET_SMALL_SIZES);
	writer->group_ctx = AllocSetContextCreate(ctx, "olap_ext chunk group values",
											  ALLOCSET_DEFAULT_SIZES);
	writer->relid = RelationGetRelid(rel);
	writer->tupdesc = CreateTupleDescCopy(RelationGetDescr(rel));
	writer->natts = writer->tupdesc->natts;
	TableOptionsGet(writer->relid, &writer->options);
	writer->group_row_limit = Min(writer->options.chunk_group_row_limit,
								  writer->options.stripe_row_limit);

	writer->types = palloc0(sizeof(ChunkColumnType) * Max(writer->natts, 1));
	writer->minmax = palloc0(sizeof(MinMaxSupport) * Max(writer->natts, 1));
	for (i = 0; i < writer->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(writer->tupdesc, i);

		writer->types[i].typlen = attr->attlen;
		writer->types[i].typbyval = attr->attbyval;
		writer->types[i].typalign = attr->attalign;
		writer->types[i].numeric = !attr->attisdropped &&
			getBaseType(attr->atttypid) == NUMERICOID;
		if (!attr->attisdropped)
			MinMaxSupportInit(&writer->minmax[i], attr->atttypid,
							  attr->attcollation);
	}
	writer->values = palloc0(sizeof(Datum *) * Max(writer->natts, 1));
	writer->nulls = palloc0(sizeof(bool *) * Max(writer->natts, 1));
	writer->max_cid = FirstCommandId;
	writer->record_reservations = rel->rd_rel->relhasindex;

	MemoryContextSwitchTo(old);
	return writer;
}

void
StripeWriterDestroy(StripeWriter *writer)
{
	MemoryContextDelete(writer->ctx);
}

bool
StripeWriterHasRows(StripeWriter *writer)
{
	return writer->stripe_open && (writer->stripe_rows > 0 || writer->group_rows > 0);
}

CommandId
StripeWriterMaxCid(StripeWriter *writer)
{
	return writer->max_cid;
}

int
StripeWriterColumnCount(StripeWriter *writer)
{
	return writer->natts;
}

/*
 * Rows the current chunk group may hold: the chunk group limit, or less
 * when the stripe is nearly full.
 */
static uint32
current_group_limit(StripeWriter *writer)
{
	uint64		stripe_left = writer->options.stripe_row_limit - writer->stripe_rows;

	return (uint32) Min((uint64) writer->group_row_limit, stripe_left);
}

/* Allocates the value arrays of a new, empty chunk group. */
static void
start_group(StripeWriter *writer)
{
	MemoryContext old = MemoryContextSwitchTo(writer->group_ctx);
	int			i;

	for (i = 0; i < writer->natts; i++)
	{
		writer->values[i] = palloc(sizeof(Datum) * writer->group_row_limit);
		writer->nulls[i] = palloc(sizeof(bool) * writer->group_row_limit);
	}
	writer->group_rows = 0;
	writer->group_bytes = 0;
	writer->group_first_row = writer->next_row;
	writer->arena = NULL;
	writer->arena_left = 0;
	MemoryContextSwitchTo(old);
}

/*
 * Copies len bytes into memory that lives as long as the chunk group,
 * MAXALIGNed.  Small values come from 1 MB blocks, which saves a palloc per
 * value on bulk loads.
 */
static char *
copy_to_group(StripeWriter *writer, const char *data, Size len)
{
	Size		need = MAXALIGN(len);
	char	   *dst;

	if (need > ARENA_MAX_VALUE)
		dst = MemoryContextAllocHuge(writer->group_ctx, need);
	else
	{
		if (need > writer->arena_left)
		{
			writer->arena = MemoryContextAlloc(writer->group_ctx, ARENA_BLOCK_SIZE);
			writer->arena_left = ARENA_BLOCK_SIZE;
		}
		dst = writer->arena;
		writer->arena += need;
		writer->arena_left -= need;
	}
	memcpy(dst, data, len);
	return dst;
}

/*
 * Makes sure at least one reserved row number is available, closing the
 * current chunk group when the new run does not continue the old one.
 */
static void
reserve_rows(StripeWriter *writer, Relation rel)
{
	uint64		want;
	uint64		first;
	bool		new_stripe = !writer->stripe_open;

	if (writer->next_row < writer->reserved_end && !new_stripe)
	{
		if (writer->group_rows == 0)
			start_group(writer);
		return;
	}

	if (writer->next_row < writer->reserved_end)
	{
		/* left over from the previous stripe; just open the new one */
		(void) MetapageReserve(rel, 0, true, &writer->stripe_num,
							   &writer->storage_id);
	}
	else
	{
		want = Max(writer->stripe_rows + writer->group_rows, 1);
		want = Min(want, current_group_limit(writer) - writer->group_rows);
		want = Max(want, 1);

		first = MetapageReserve(rel, want, new_stripe, &writer->stripe_num,
								&writer->storage_id);
		if (first + want - 1 > OLAP_MAX_ROW_NUMBER)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("olap table \"%s\" has run out of row numbers",
							RelationGetRelationName(rel)),
					 errhint("Rewrite the table, for example with VACUUM FULL, to renumber its rows.")));

		if (first != writer->reserved_end && writer->group_rows > 0)
			write_group(writer, rel);
		writer->next_row = first;
		writer->reserved_end = first + want;
		if (writer->record_reservations)
			remember_reservation(writer, ReservationInsert(writer->storage_id,
														   first, want));
	}

	if (new_stripe)
		open_stripe(writer);
	if (writer->group_rows == 0)
		start_group(writer);
}

/* Resets the state of the stripe being written for a new stripe. */
static void
open_stripe(StripeWriter *writer)
{
	MemoryContextReset(writer->stripe_ctx);
	writer->nreservations = 0;
	writer->reservations_cap = 0;
	writer->reservation_tids = NULL;
	writer->stripe_open = true;
	writer->stripe_rows = 0;
	writer->stored_bytes = 0;
	writer->raw_bytes = 0;
	writer->ngroups = 0;
	writer->groups_cap = 8;
	writer->groups = MemoryContextAlloc(writer->stripe_ctx,
										sizeof(ChunkGroupMeta) * writer->groups_cap);
}

/* Keeps the TID of a reservation record of the open stripe. */
static void
remember_reservation(StripeWriter *writer, ItemPointerData tid)
{
	if (writer->nreservations == writer->reservations_cap)
	{
		writer->reservations_cap = Max(8, writer->reservations_cap * 2);
		writer->reservation_tids = writer->reservation_tids == NULL ?
			MemoryContextAlloc(writer->stripe_ctx,
							   sizeof(ItemPointerData) * writer->reservations_cap) :
			repalloc(writer->reservation_tids,
					 sizeof(ItemPointerData) * writer->reservations_cap);
	}
	writer->reservation_tids[writer->nreservations++] = tid;
}

/*
 * Buffers the row in slot and sets slot->tts_tid to its row number's TID.
 * Returns true when the stripe is full; the caller then finishes it.
 */
bool
StripeWriterInsert(StripeWriter *writer, Relation rel, TupleTableSlot *slot,
				   CommandId cid)
{
	reserve_rows(writer, rel);

	slot_getallattrs(slot);
	buffer_row(writer, slot->tts_values, slot->tts_isnull);

	slot->tts_tid = RowNumberToTid(writer->next_row);
	slot->tts_tableOid = RelationGetRelid(rel);
	writer->next_row++;
	writer->group_rows++;
	writer->max_cid = Max(writer->max_cid, cid);

	if (writer->group_rows >= current_group_limit(writer) ||
		writer->group_bytes >= OLAP_CHUNK_GROUP_MAX_BYTES)
		write_group(writer, rel);

	return writer->stripe_rows >= (uint64) writer->options.stripe_row_limit;
}

/*
 * Copies one row's values into the arrays of the chunk group being filled,
 * at position group_rows (which the caller then advances).
 */
static void
buffer_row(StripeWriter *writer, const Datum *values, const bool *nulls)
{
	MemoryContext old;
	uint32		row;
	int			i;

	old = MemoryContextSwitchTo(writer->group_ctx);
	row = writer->group_rows;
	for (i = 0; i < writer->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(writer->tupdesc, i);
		Datum		value = values[i];

		if (nulls[i] || attr->attisdropped)
		{
			writer->nulls[i][row] = true;
			writer->values[i][row] = (Datum) 0;
			continue;
		}
		writer->nulls[i][row] = false;
		if (attr->attbyval)
			writer->values[i][row] = value;
		else if (attr->attlen == -1)
		{
			struct varlena *v = (struct varlena *) DatumGetPointer(value);

			if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
				v = detoast_attr(v);
			else
				v = (struct varlena *) copy_to_group(writer, (char *) v,
													 VARSIZE_ANY(v));
			writer->values[i][row] = PointerGetDatum(v);
			writer->group_bytes += VARSIZE_ANY(v);
		}
		else
		{
			Size		len = datumGetSize(value, false, attr->attlen);

			writer->values[i][row] =
				PointerGetDatum(copy_to_group(writer, DatumGetPointer(value), len));
			writer->group_bytes += len;
		}
	}
	MemoryContextSwitchTo(old);
}

/*
 * Creates a writer that rewrites existing rows (VACUUM compaction): rows
 * keep the row numbers given to StripeWriterInsertAt, nothing is reserved,
 * and place (when not NULL) decides where each chunk group's bytes go.
 */
StripeWriter *
StripeWriterCreateRewrite(Relation rel, MemoryContext parent,
						  DataPlacementFn place, void *place_arg)
{
	StripeWriter *writer = StripeWriterCreate(rel, parent);

	writer->rewrite = true;
	writer->record_reservations = false;
	writer->place = place;
	writer->place_arg = place_arg;
	return writer;
}

/*
 * Rows the chunk group being filled can still take (0 when none is open).
 */
uint32
StripeWriterGroupRoom(StripeWriter *writer)
{
	if (!writer->stripe_open || writer->group_rows == 0)
		return 0;
	return current_group_limit(writer) - writer->group_rows;
}

/*
 * Buffers a row of a rewrite under its existing row number; a dead row (a
 * deleted one, kept only so that row numbers stay contiguous) is stored as
 * all NULLs.  Rows must come in increasing row number order; a row that does
 * not follow the previous one starts a new chunk group.  Returns true when
 * the stripe is full; the caller then finishes it.
 */
bool
StripeWriterInsertAt(StripeWriter *writer, Relation rel, const Datum *values,
					 const bool *nulls, uint64 row_number, bool dead)
{
	Assert(writer->rewrite);

	if (!writer->stripe_open)
	{
		(void) MetapageReserve(rel, 0, true, &writer->stripe_num,
							   &writer->storage_id);
		open_stripe(writer);
	}
	if (writer->group_rows > 0 &&
		row_number != writer->group_first_row + writer->group_rows)
		write_group(writer, rel);
	if (writer->group_rows == 0)
	{
		writer->next_row = row_number;
		start_group(writer);
	}

	if (dead)
	{
		int			i;

		for (i = 0; i < writer->natts; i++)
		{
			writer->nulls[i][writer->group_rows] = true;
			writer->values[i][writer->group_rows] = (Datum) 0;
		}
		writer->group_dead++;
	}
	else
		buffer_row(writer, values, nulls);
	writer->next_row = row_number + 1;
	writer->group_rows++;

	if (writer->group_rows >= current_group_limit(writer) ||
		writer->group_bytes >= OLAP_CHUNK_GROUP_MAX_BYTES)
		write_group(writer, rel);

	return writer->stripe_rows >= (uint64) writer->options.stripe_row_limit;
}

/*
 * Serialises the buffered chunk group, writes it to new pages and records
 * its metadata in the stripe.
 */
static void
write_group(StripeWriter *writer, Relation rel)
{
	MemoryContext old = MemoryContextSwitchTo(writer->group_ctx);
	ChunkBuildResult *built = palloc0(sizeof(ChunkBuildResult) * Max(writer->natts, 1));
	ChunkGroupMeta *group;
	uint64		total = 0;
	char	   *blob;
	uint64		offset;
	int			i;

	Assert(writer->group_rows > 0);

	for (i = 0; i < writer->natts; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (TupleDescAttr(writer->tupdesc, i)->attisdropped)
			continue;
		ChunkBuild(writer->values[i], writer->nulls[i], writer->group_rows,
				   &writer->types[i],
				   writer->options.compression,
				   writer->options.compression_level, &built[i]);
		total += built[i].len;
	}

	if (writer->ngroups == writer->groups_cap)
	{
		writer->groups_cap *= 2;
		writer->groups = repalloc(writer->groups,
								  sizeof(ChunkGroupMeta) * writer->groups_cap);
	}
	group = &writer->groups[writer->ngroups];
	group->group_num = writer->ngroups;
	group->first_row_number = writer->group_first_row;
	group->row_count = writer->group_rows;
	group->byte_length = total;
	group->dead_rows = writer->group_dead;
	group->chunks = MemoryContextAllocZero(writer->stripe_ctx,
										   sizeof(ChunkMeta) * Max(writer->natts, 1));

	blob = total > 0 ? MemoryContextAllocHuge(writer->group_ctx, total) : NULL;
	offset = 0;
	for (i = 0; i < writer->natts; i++)
	{
		ChunkMeta  *chunk = &group->chunks[i];

		if (TupleDescAttr(writer->tupdesc, i)->attisdropped)
			continue;
		memcpy(blob + offset, built[i].data, built[i].len);
		chunk->present = true;
		chunk->byte_offset = offset;
		chunk->byte_length = built[i].len;
		chunk->raw_bytes = built[i].raw_len;
		chunk->null_count = built[i].null_count;
		chunk->encoding = built[i].encoding;
		chunk->compression = built[i].compression;
		chunk->minmax_type = TupleDescAttr(writer->tupdesc, i)->atttypid;
		chunk->minmax_collation = TupleDescAttr(writer->tupdesc, i)->attcollation;
		if (built[i].distinct != NULL)
			MinMaxCompute(&writer->minmax[i], &writer->types[i],
						  built[i].distinct, NULL, built[i].ndistinct,
						  writer->stripe_ctx, &chunk->min_value, &chunk->max_value);
		else
			MinMaxCompute(&writer->minmax[i], &writer->types[i],
						  writer->values[i], writer->nulls[i], writer->group_rows,
						  writer->stripe_ctx, &chunk->min_value, &chunk->max_value);
		chunk->value_set = ValueSetCompute(&writer->minmax[i], &writer->types[i],
										   built[i].distinct, built[i].ndistinct,
										   writer->values[i], writer->nulls[i],
										   writer->group_rows, writer->stripe_ctx);
		offset += built[i].len;
		writer->raw_bytes += built[i].raw_len;
		pfree(built[i].data);
	}

	if (total == 0)
		group->first_block = 0;
	else if (writer->place != NULL)
		group->first_block = writer->place(writer->place_arg, rel, blob, total);
	else
		group->first_block = DataPagesWrite(rel, blob, total);
	writer->stored_bytes += total;
	writer->stripe_rows += writer->group_rows;
	writer->ngroups++;

	MemoryContextSwitchTo(old);
	MemoryContextReset(writer->group_ctx);
	writer->group_rows = 0;
	writer->group_bytes = 0;
	writer->group_dead = 0;
}

/*
 * Writes whatever is buffered and returns the metadata of the finished
 * stripe (allocated in the writer, valid until its next insert), or NULL
 * when there is nothing to write.  Sets *storage_id.
 */
StripeMeta *
StripeWriterFinishStripe(StripeWriter *writer, Relation rel, uint64 *storage_id)
{
	StripeMeta *stripe;

	if (!writer->stripe_open)
		return NULL;
	if (writer->group_rows > 0)
		write_group(writer, rel);
	writer->stripe_open = false;

	/*
	 * Unused numbers of a recorded reservation would lose their record when
	 * the stripe is registered; give them up.
	 */
	if (writer->record_reservations)
		writer->next_row = writer->reserved_end;
	if (writer->stripe_rows == 0)
		return NULL;

	stripe = MemoryContextAllocZero(writer->stripe_ctx, sizeof(StripeMeta));
	stripe->stripe_num = writer->stripe_num;
	stripe->row_count = writer->stripe_rows;
	stripe->chunk_group_count = writer->ngroups;
	stripe->column_count = writer->natts;
	stripe->stored_bytes = writer->stored_bytes;
	stripe->raw_bytes = writer->raw_bytes;
	stripe->groups = writer->groups;
	*storage_id = writer->storage_id;
	return stripe;
}

/*
 * The reservation records of the stripe last finished (valid until the
 * next insert), to delete once the stripe is registered.
 */
int
StripeWriterReservations(StripeWriter *writer, const ItemPointerData **tids)
{
	*tids = writer->reservation_tids;
	return writer->nreservations;
}
