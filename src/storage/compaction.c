/*-------------------------------------------------------------------------
 *
 * compaction.c
 *	  VACUUM compaction of olap tables.
 *
 * Rows never change their row numbers (their TIDs), so indexes stay valid
 * through compaction without any index work: compaction only changes where
 * and how rows are stored.  One pass:
 *
 * 1. Takes the table's row-change lock in RowExclusiveLock mode without
 *    waiting (row_locking.c): with it, no transaction is deleting, updating
 *    or locking rows, and the latest committed row masks are final for the
 *    duration.  If the lock is busy the pass does nothing.
 * 2. Clears PROC_IN_VACUUM: this transaction writes catalog rows, so other
 *    backends must see its xid in their snapshots and respect its xmin.
 * 3. Chooses stripes to rewrite (from a snapshot taken after 1 and 2):
 *    stripes where at least OLAP_COMPACT_DELETED_PERCENT of the rows are
 *    deleted (and still stored), under-filled stripes (row numbers spanning
 *    less than half of olap.stripe_row_limit) when there are two or more,
 *    and stripes stored behind enough reusable free space to take them
 *    (so that the end of the relation can be truncated later).
 * 4. Rewrites the chosen stripes' chunk groups in row number order into new
 *    stripes: live rows keep their values and numbers, deleted rows become
 *    all-NULL "dead" rows that keep their place (their bit stays set in the
 *    new group's row mask, with the forward pointer of an updated row), and
 *    consecutive groups are merged into full chunk groups.  A chunk group
 *    whose rows are all deleted, by a transaction older than every
 *    snapshot, is dropped.  Row numbers between two merged groups that no
 *    stripe holds are filled with dead rows only when no writer can still
 *    be holding them (no transaction had the table open for writing when
 *    the metapage's next row number was read).
 * 5. Deletes the old stripes' metadata and records their blocks in
 *    olap.free_range.  All of this is one transaction: snapshots older than
 *    it keep reading the old stripes, newer ones read the new stripes, and
 *    a crash before commit leaves the old stripes in place (the new pages
 *    are then unreferenced).
 * 6. Writes into reusable free ranges (freed by an earlier pass that every
 *    snapshot has seen, see free_space.c) before extending the relation,
 *    and truncates reusable ranges at the end of the relation.  When no
 *    other transaction has the table open for writing, pages that nothing
 *    refers to (written by transactions that aborted or crashed) are
 *    recorded as free too.
 *
 * Plain VACUUM runs one pass inside VACUUM's transaction; autovacuum runs
 * the same.  A manual VACUUM of an olap table then runs further passes in
 * transactions of their own while they make progress (relation_hooks.c),
 * so space freed by the first pass is reused and truncated at once when
 * nothing else holds an old snapshot.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/lmgr.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "storage/compaction.h"
#include "storage/data_pages.h"
#include "storage/free_space.h"
#include "storage/metapage.h"
#include "storage/row_locking.h"
#include "storage/row_mask.h"
#include "storage/stripe_catalog.h"
#include "storage/stripe_reader.h"
#include "storage/stripe_writer.h"
#include "storage/table_options.h"

/* One chunk group of the table, with what the plan decided about it. */
typedef struct GroupEntry
{
	StripeMeta *stripe;
	int			stripe_index;	/* in the list of stripes */
	ChunkGroupMeta *group;
	RowMask    *mask;			/* NULL: no deletions */
	bool		rewrite;		/* its stripe is rewritten */
	bool		drop;			/* all rows deleted before every snapshot */
} GroupEntry;

/* Dead rows and forward pointers of the stripe being written. */
typedef struct OutputMasks
{
	uint64	   *dead;			/* row numbers, increasing */
	uint32		ndead;
	uint32		dead_cap;
	RowForward *forward;		/* offset holds nothing; new_row the target */
	uint64	   *forward_row;	/* row numbers of the forwarded rows */
	uint32		nforward;
	uint32		forward_cap;
} OutputMasks;

typedef struct CompactionState
{
	Relation	rel;
	uint64		storage_id;
	Snapshot	snapshot;
	StripeWriter *writer;
	StripeReader *reader;
	OutputMasks out;
	List	   *free_ranges;	/* reusable FreeRange entries */
	Datum	   *values;
	bool	   *nulls;
	CommandId	cid;
	CompactionResult *result;
} CompactionState;

static int
group_entry_cmp(const void *a, const void *b)
{
	const GroupEntry *x = (const GroupEntry *) a;
	const GroupEntry *y = (const GroupEntry *) b;

	if (x->group->first_row_number < y->group->first_row_number)
		return -1;
	return x->group->first_row_number > y->group->first_row_number ? 1 : 0;
}

static BlockNumber
group_blocks(const ChunkGroupMeta *group)
{
	return group->byte_length > 0 ? DataPagesNeeded(group->byte_length) : 0;
}

/* Where a rewritten chunk group goes: reusable free pages first. */
static BlockNumber
place_group(void *arg, Relation rel, const char *data, uint64 len)
{
	CompactionState *state = (CompactionState *) arg;
	BlockNumber first = FreeSpaceTake(state->free_ranges, DataPagesNeeded(len));

	if (first == InvalidBlockNumber)
		return DataPagesWrite(rel, data, len);
	DataPagesWriteAt(rel, first, data, len);
	state->result->blocks_reused += DataPagesNeeded(len);
	return first;
}

/*
 * Makes this backend's transaction an ordinary one for the rest of the
 * VACUUM: with PROC_IN_VACUUM set, other backends would leave its xid out
 * of their snapshots and its xmin out of their horizons, which is only
 * right for a transaction that writes no regular rows.
 */
static void
clear_in_vacuum_flag(void)
{
	if ((MyProc->statusFlags & PROC_IN_VACUUM) == 0)
		return;
	LWLockAcquire(ProcArrayLock, LW_EXCLUSIVE);
	MyProc->statusFlags &= ~PROC_IN_VACUUM;
	ProcGlobal->statusFlags[MyProc->pgxactoff] = MyProc->statusFlags;
	LWLockRelease(ProcArrayLock);
}

/*
 * False when no transaction other than ours has the table open for
 * writing: then every row number below the metapage's next row number read
 * before this call is either in a committed stripe or will never be used.
 */
bool
OlapTableHasOtherWriters(Relation rel)
{
	LOCKTAG		tag;
	VirtualTransactionId *vxids;

	SET_LOCKTAG_RELATION(tag, MyDatabaseId, RelationGetRelid(rel));
	/* ShareLock conflicts with RowExclusiveLock, which writers hold */
	vxids = GetLockConflicts(&tag, ShareLock, NULL);
	return VirtualTransactionIdIsValid(vxids[0]);
}

static void
remember_dead(OutputMasks *out, uint64 row_number, bool has_forward,
			  uint64 new_row)
{
	if (out->ndead == out->dead_cap)
	{
		out->dead_cap = Max(1024, out->dead_cap * 2);
		out->dead = out->dead == NULL ? palloc(sizeof(uint64) * out->dead_cap) :
			repalloc(out->dead, sizeof(uint64) * out->dead_cap);
	}
	out->dead[out->ndead++] = row_number;
	if (!has_forward)
		return;
	if (out->nforward == out->forward_cap)
	{
		out->forward_cap = Max(64, out->forward_cap * 2);
		out->forward = out->forward == NULL ?
			palloc(sizeof(RowForward) * out->forward_cap) :
			repalloc(out->forward, sizeof(RowForward) * out->forward_cap);
		out->forward_row = out->forward_row == NULL ?
			palloc(sizeof(uint64) * out->forward_cap) :
			repalloc(out->forward_row, sizeof(uint64) * out->forward_cap);
	}
	out->forward[out->nforward].new_row = new_row;
	out->forward_row[out->nforward] = row_number;
	out->nforward++;
}

/*
 * Registers the stripe the writer just finished: its metadata, and for
 * each chunk group with dead rows a row mask marking them (with their
 * forward pointers).
 */
static void
finish_stripe(CompactionState *state)
{
	uint64		storage_id;
	StripeMeta *stripe = StripeWriterFinishStripe(state->writer, state->rel,
												  &storage_id);
	OutputMasks *out = &state->out;
	uint32		d = 0;
	uint32		f = 0;
	uint32		g;

	if (stripe == NULL)
		return;
	Assert(storage_id == state->storage_id);
	StripeCatalogInsert(storage_id, stripe, state->cid);

	for (g = 0; g < stripe->chunk_group_count; g++)
	{
		ChunkGroupMeta *group = &stripe->groups[g];
		uint64		end = group->first_row_number + group->row_count;
		uint8	   *bits;
		RowForward *fwd;
		uint32		nfwd = 0;
		bool		any = false;

		bits = palloc0((group->row_count + 7) / 8);
		fwd = palloc(sizeof(RowForward) * Max(out->nforward, 1));
		while (d < out->ndead && out->dead[d] < group->first_row_number)
			d++;
		for (; d < out->ndead && out->dead[d] < end; d++)
		{
			uint32		off = (uint32) (out->dead[d] - group->first_row_number);

			bits[off / 8] |= (uint8) (1 << (off % 8));
			any = true;
		}
		while (f < out->nforward && out->forward_row[f] < group->first_row_number)
			f++;
		for (; f < out->nforward && out->forward_row[f] < end; f++)
		{
			fwd[nfwd].offset = (uint32) (out->forward_row[f] - group->first_row_number);
			fwd[nfwd].new_row = out->forward[f].new_row;
			nfwd++;
		}
		if (any)
			(void) RowMaskApply(storage_id, stripe->stripe_num, group->group_num,
								group->row_count, bits, nfwd, fwd, state->cid);
		pfree(bits);
		pfree(fwd);
	}
	out->ndead = 0;
	out->nforward = 0;
	state->result->stripes_written++;
}

/* Passes one row to the writer, finishing the stripe when it is full. */
static void
write_row(CompactionState *state, uint64 row_number, bool dead)
{
	if (StripeWriterInsertAt(state->writer, state->rel, state->values,
							 state->nulls, row_number, dead))
		finish_stripe(state);
}

/* Copies the rows of one chunk group to the writer. */
static void
rewrite_group(CompactionState *state, GroupEntry *entry)
{
	ChunkGroupMeta *group = entry->group;
	TupleDesc	desc = RelationGetDescr(state->rel);
	uint32		i;

	if (entry->mask != NULL)
		state->result->rows_removed +=
			entry->mask->deleted_count - Min(entry->mask->deleted_count,
											 group->dead_rows);

	for (i = 0; i < group->row_count; i++)
	{
		uint64		row_number = group->first_row_number + i;
		bool		dead = entry->mask != NULL && RowMaskIsDeleted(entry->mask, i);

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (dead)
		{
			uint64		new_row = 0;
			bool		has_forward = RowMaskForward(entry->mask, i, &new_row);

			remember_dead(&state->out, row_number, has_forward, new_row);
			write_row(state, row_number, true);
			continue;
		}
		if (!StripeReaderFetch(state->reader, row_number, state->snapshot, false,
							   desc, state->values, state->nulls))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg_internal("olap table \"%s\": row " UINT64_FORMAT " of stripe " UINT64_FORMAT " vanished during compaction",
									 RelationGetRelationName(state->rel), row_number,
									 entry->stripe->stripe_num)));
		state->result->rows_rewritten++;
		write_row(state, row_number, false);
	}
}

/* Writes row numbers [from, to) as dead rows (numbers nobody holds). */
static void
fill_gap(CompactionState *state, uint64 from, uint64 to)
{
	uint64		r;

	for (r = from; r < to; r++)
	{
		remember_dead(&state->out, r, false, 0);
		write_row(state, r, true);
	}
}

/*
 * A stripe whose row numbers span less than half a stripe: merging it with
 * others saves stripes and chunk groups.  (Row numbers never change, so a
 * stripe whose span is full but whose rows are mostly deleted cannot merge;
 * its deleted rows are dropped instead.)
 */
static bool
stripe_underfilled(const StripeMeta *stripe, const OlapTableOptions *options)
{
	return stripe->row_count < (uint64) options->stripe_row_limit / 2;
}

/* Reusable free blocks that lie wholly before block `before`. */
static uint64
free_before(List *ranges, BlockNumber before)
{
	uint64		total = 0;
	ListCell   *lc;

	foreach(lc, ranges)
	{
		FreeRange  *range = (FreeRange *) lfirst(lc);

		if (range->block_count > 0 &&
			range->first_block + range->block_count <= before)
			total += range->block_count;
	}
	return total;
}

/*
 * Marks the stripes to rewrite (GroupEntry.rewrite, and *chosen_out by
 * position in stripes) and the groups to drop; returns the number of
 * stripes chosen.
 */
static int
choose_stripes(CompactionState *state, List *stripes, RowMask **masks,
			   GroupEntry *entries, int nentries, TransactionId horizon,
			   bool **chosen_out)
{
	OlapTableOptions options;
	bool	   *chosen;
	int			nstripes = list_length(stripes);
	int			nunderfilled = 0;
	int			nchosen = 0;
	uint64		free_blocks = 0;
	uint64		promised = 0;
	BlockNumber lowest_free = InvalidBlockNumber;
	ListCell   *lc;
	int			i;

	TableOptionsGet(RelationGetRelid(state->rel), &options);
	chosen = palloc0(sizeof(bool) * Max(nstripes, 1));

	foreach(lc, state->free_ranges)
	{
		FreeRange  *range = (FreeRange *) lfirst(lc);

		if (range->block_count == 0)
			continue;
		free_blocks += range->block_count;
		if (lowest_free == InvalidBlockNumber)
			lowest_free = range->first_block;
	}

	/* deleted rows and under-filled stripes */
	i = 0;
	foreach(lc, stripes)
	{
		StripeMeta *stripe = (StripeMeta *) lfirst(lc);
		uint64		stored_deleted = 0;
		uint32		g;

		for (g = 0; g < stripe->chunk_group_count; g++)
		{
			uint32		d = masks[i] ? masks[i][g].deleted_count : 0;

			stored_deleted += d - Min(d, stripe->groups[g].dead_rows);
		}
		if (stored_deleted > 0 &&
			stored_deleted * 100 >= stripe->row_count * OLAP_COMPACT_DELETED_PERCENT)
			chosen[i] = true;
		if (stripe_underfilled(stripe, &options))
			nunderfilled++;
		i++;
	}
	if (nunderfilled >= 2)
	{
		i = 0;
		foreach(lc, stripes)
		{
			if (stripe_underfilled((StripeMeta *) lfirst(lc), &options))
				chosen[i] = true;
			i++;
		}
	}

	/*
	 * Stripes stored past the first reusable free range move into the free
	 * space, last stripes first, while it lasts; then the end of the
	 * relation becomes free and is truncated by a later pass.
	 */
	if (free_blocks > 0)
	{
		for (i = nstripes - 1; i >= 0; i--)
		{
			StripeMeta *stripe = (StripeMeta *) list_nth(stripes, i);
			BlockNumber first = InvalidBlockNumber;
			uint64		blocks = 0;
			uint32		g;

			for (g = 0; g < stripe->chunk_group_count; g++)
			{
				if (stripe->groups[g].byte_length == 0)
					continue;
				first = Min(first, stripe->groups[g].first_block);
				blocks += group_blocks(&stripe->groups[g]);
			}
			if (first == InvalidBlockNumber || first < lowest_free || chosen[i])
				continue;
			if (blocks + promised <= free_before(state->free_ranges, first))
			{
				chosen[i] = true;
				promised += blocks;
			}
		}
	}

	for (i = 0; i < nentries; i++)
	{
		GroupEntry *e = &entries[i];

		e->rewrite = chosen[e->stripe_index];
		e->drop = e->rewrite && e->mask != NULL &&
			e->mask->deleted_count == e->group->row_count &&
			TransactionIdPrecedes(e->mask->xmin, horizon);
	}
	for (i = 0; i < nstripes; i++)
		if (chosen[i])
			nchosen++;
	*chosen_out = chosen;
	return nchosen;
}

static int
block_range_cmp(const void *a, const void *b)
{
	BlockNumber x = ((const BlockNumber *) a)[0];
	BlockNumber y = ((const BlockNumber *) b)[0];

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * Deletes the metadata of the chosen stripes and records their blocks as
 * free, adjacent ranges merged.
 */
static void
retire_stripes(CompactionState *state, List *stripes, const bool *chosen)
{
	BlockNumber *ranges;		/* pairs: first block, block count */
	int			nranges = 0;
	int			cap = 64;
	int			i = 0;
	int			j;
	ListCell   *lc;

	ranges = palloc(sizeof(BlockNumber) * 2 * cap);
	foreach(lc, stripes)
	{
		StripeMeta *stripe = (StripeMeta *) lfirst(lc);
		uint32		g;

		if (!chosen[i++])
			continue;
		CHECK_FOR_INTERRUPTS();
		StripeCatalogDeleteStripe(state->storage_id, stripe->stripe_num);
		state->result->stripes_rewritten++;
		for (g = 0; g < stripe->chunk_group_count; g++)
		{
			BlockNumber n = group_blocks(&stripe->groups[g]);

			if (n == 0)
				continue;
			if (nranges == cap)
			{
				cap *= 2;
				ranges = repalloc(ranges, sizeof(BlockNumber) * 2 * cap);
			}
			ranges[2 * nranges] = stripe->groups[g].first_block;
			ranges[2 * nranges + 1] = n;
			nranges++;
			state->result->blocks_freed += n;
		}
	}
	if (nranges == 0)
		return;
	qsort(ranges, nranges, sizeof(BlockNumber) * 2, block_range_cmp);
	j = 0;
	for (i = 1; i < nranges; i++)
	{
		if (ranges[2 * j] + ranges[2 * j + 1] == ranges[2 * i])
			ranges[2 * j + 1] += ranges[2 * i + 1];
		else
		{
			j++;
			ranges[2 * j] = ranges[2 * i];
			ranges[2 * j + 1] = ranges[2 * i + 1];
		}
	}
	for (i = 0; i <= j; i++)
		FreeSpaceRetire(state->storage_id, ranges[2 * i], ranges[2 * i + 1]);
}

/*
 * Rewrites the chosen groups in row number order, merging neighbours and
 * filling the row numbers between them with dead rows where that is safe.
 */
static void
rewrite_chosen(CompactionState *state, GroupEntry *entries, int nentries,
			   bool gaps_free, uint64 gaps_below)
{
	uint64		out_end = 0;	/* row after the last one written; 0: none */
	uint64		dead_end = 0;	/* known-dead numbers extend out_end to here */
	bool		blocked = true; /* a kept group lies after out_end */
	int			i;

	for (i = 0; i < nentries; i++)
	{
		GroupEntry *e = &entries[i];
		uint64		first = e->group->first_row_number;

		CHECK_FOR_INTERRUPTS();
		if (!e->rewrite)
		{
			blocked = true;
			continue;
		}
		if (e->drop)
		{
			state->result->groups_dropped++;
			state->result->rows_removed +=
				e->mask->deleted_count - Min(e->mask->deleted_count, e->group->dead_rows);
			if (!blocked && out_end > 0 && first == Max(out_end, dead_end))
				dead_end = first + e->group->row_count;
			continue;
		}
		if (!blocked && out_end > 0 && first > out_end)
		{
			bool		safe = first <= dead_end ||
				(gaps_free && first <= gaps_below);

			if (safe &&
				first - out_end + e->group->row_count <= StripeWriterGroupRoom(state->writer))
				fill_gap(state, out_end, first);
		}
		rewrite_group(state, e);
		out_end = first + e->group->row_count;
		dead_end = out_end;
		blocked = false;
	}
	finish_stripe(state);
}

/*
 * Runs one compaction pass over rel (see the file header); fills *result.
 * Must run inside VACUUM (ShareUpdateExclusiveLock on rel held) in a
 * transaction of its own.
 */
void
OlapCompact(Relation rel, CompactionResult *result)
{
	uint64		storage_id;
	OlapMetapageData meta;
	bool		gaps_free;
	BlockNumber nblocks;
	TransactionId horizon;
	CompactionState state;
	List	   *stripes;
	RowMask   **masks;
	GroupEntry *entries;
	int			nentries = 0;
	int			nstripes;
	int			nchosen;
	bool	   *chosen;
	ListCell   *lc;
	int			i;
	MemoryContext ctx;
	MemoryContext old;

	memset(result, 0, sizeof(CompactionResult));
	if (!OlapCatalogsExist() || !MetapageRead(rel, &meta) || meta.storage_id == 0)
		return;
	storage_id = meta.storage_id;

	if (!OlapTryLockRowsForCompaction(rel))
	{
		result->skipped = true;
		return;
	}
	clear_in_vacuum_flag();

	/* read the counter and the length, then look for writers */
	if (!MetapageRead(rel, &meta))
		return;
	nblocks = RelationGetNumberOfBlocks(rel);
	gaps_free = !OlapTableHasOtherWriters(rel);

	ctx = AllocSetContextCreate(CurrentMemoryContext, "olap_ext compaction",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(ctx);

	memset(&state, 0, sizeof(state));
	state.rel = rel;
	state.storage_id = storage_id;
	state.result = result;
	state.snapshot = RegisterSnapshot(GetLatestSnapshot());
	if (gaps_free)
		result->blocks_orphaned = FreeSpaceRecordOrphans(storage_id, nblocks);
	state.free_ranges = FreeSpaceLoadReusable(rel, storage_id);
	horizon = GetOldestNonRemovableTransactionId(rel);

	stripes = StripeCatalogList(storage_id, state.snapshot);
	nstripes = list_length(stripes);
	masks = palloc0(sizeof(RowMask *) * Max(nstripes, 1));
	i = 0;
	foreach(lc, stripes)
	{
		StripeMeta *stripe = (StripeMeta *) lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		StripeCatalogLoadGroups(storage_id, stripe, state.snapshot);
		masks[i] = RowMaskLoadStripe(storage_id, stripe, state.snapshot);
		nentries += stripe->chunk_group_count;
		i++;
	}
	entries = palloc0(sizeof(GroupEntry) * Max(nentries, 1));
	nentries = 0;
	i = 0;
	foreach(lc, stripes)
	{
		StripeMeta *stripe = (StripeMeta *) lfirst(lc);
		uint32		g;

		for (g = 0; g < stripe->chunk_group_count; g++)
		{
			GroupEntry *e = &entries[nentries++];

			e->stripe = stripe;
			e->stripe_index = i;
			e->group = &stripe->groups[g];
			e->mask = (masks[i] != NULL && masks[i][g].exists) ? &masks[i][g] : NULL;
		}
		i++;
	}
	qsort(entries, nentries, sizeof(GroupEntry), group_entry_cmp);

	nchosen = choose_stripes(&state, stripes, masks, entries, nentries, horizon,
							 &chosen);
	if (nchosen > 0)
	{
		TupleDesc	desc = RelationGetDescr(rel);

		state.cid = GetCurrentCommandId(true);
		state.values = palloc(sizeof(Datum) * Max(desc->natts, 1));
		state.nulls = palloc(sizeof(bool) * Max(desc->natts, 1));

		/*
		 * Retire the old stripes first: the new chunk groups take over their
		 * row numbers, and the snapshot (taken before these deletions) still
		 * reads the old ones.
		 */
		retire_stripes(&state, stripes, chosen);

		state.reader = StripeReaderBeginFetch(rel);
		state.writer = StripeWriterCreateRewrite(rel, ctx, place_group, &state);

		rewrite_chosen(&state, entries, nentries, gaps_free,
					   meta.next_row_number);

		StripeReaderEnd(state.reader);
		StripeWriterDestroy(state.writer);
	}

	result->blocks_truncated = FreeSpaceTruncateTail(rel, state.free_ranges);
	FreeSpaceSave(storage_id, state.free_ranges);

	UnregisterSnapshot(state.snapshot);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(ctx);
}

/* True when a pass rewrote, freed or truncated anything. */
bool
CompactionMadeProgress(const CompactionResult *result)
{
	return result->stripes_rewritten > 0 || result->blocks_truncated > 0 ||
		result->blocks_orphaned > 0;
}

/* Reports a pass at elevel (INFO for VACUUM VERBOSE). */
void
CompactionReport(Relation rel, const CompactionResult *result, int elevel)
{
	if (result->skipped)
	{
		ereport(elevel,
				(errmsg("skipping compaction of \"%s\" --- rows are being changed",
						RelationGetRelationName(rel))));
		return;
	}
	ereport(elevel,
			(errmsg("compacting \"%s\": rewrote " UINT64_FORMAT " stripes into " UINT64_FORMAT ", " UINT64_FORMAT " rows copied, " UINT64_FORMAT " deleted rows removed, " UINT64_FORMAT " empty chunk groups dropped",
					RelationGetRelationName(rel), result->stripes_rewritten,
					result->stripes_written, result->rows_rewritten,
					result->rows_removed, result->groups_dropped),
			 errdetail("Pages freed: " UINT64_FORMAT ", found unreferenced: " UINT64_FORMAT ", reused: " UINT64_FORMAT ", truncated: " UINT64_FORMAT ".",
					   result->blocks_freed, result->blocks_orphaned,
					   result->blocks_reused, result->blocks_truncated)));
}
