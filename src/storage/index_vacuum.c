/*-------------------------------------------------------------------------
 *
 * index_vacuum.c
 *	  VACUUM of the indexes of an olap table: removing the entries of rows
 *	  that no snapshot can see any more.
 *
 * Olap rows keep their row numbers (TIDs) for life, so compaction never
 * needs to touch indexes; but entries whose rows are gone pile up and every
 * index scan that meets them pays a lookup.  An entry is dead when its row
 *
 * - is deleted in the row mask version of its chunk group that every
 *   snapshot sees (the version's xmin precedes the table's removal horizon;
 *   later versions only add deletions), the old versions of updated rows
 *   included; or
 * - lies in no chunk group at all although its number was handed out
 *   before this VACUUM started and no other transaction had the table open
 *   for writing then: the row of an aborted or crashed insert, or of a
 *   wholly deleted chunk group that compaction dropped.  While writers are
 *   about, such numbers may belong to their rows still buffered or not yet
 *   committed, so they are left for a later VACUUM.
 *
 * The chunk groups and masks are read under one snapshot taken after the
 * writer check, so every committed group is in it.  Each index then gets
 * ambulkdelete with a callback that looks a TID up in that sorted list, and
 * amvacuumcleanup; pg_class.reltuples of the index is updated as heap's
 * VACUUM does.  Nothing is done when no entry can be dead.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/multixact.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "commands/vacuum.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "storage/compaction.h"
#include "storage/index_vacuum.h"
#include "storage/metapage.h"
#include "storage/row_mask.h"
#include "storage/row_number.h"
#include "storage/stripe_catalog.h"

/* One chunk group, with the deletions every snapshot sees (or NULL). */
typedef struct GroupDeadRows
{
	uint64		first_row_number;
	uint32		row_count;
	RowMask    *mask;
} GroupDeadRows;

typedef struct DeadRowMap
{
	GroupDeadRows *groups;		/* sorted by first_row_number */
	int			ngroups;
	uint64		uncovered_below;	/* rows below this in no group are dead */
	uint64		dead_in_masks;
} DeadRowMap;

static int
group_cmp(const void *a, const void *b)
{
	uint64		fa = ((const GroupDeadRows *) a)->first_row_number;
	uint64		fb = ((const GroupDeadRows *) b)->first_row_number;

	return fa < fb ? -1 : (fa > fb ? 1 : 0);
}

/* Reads the chunk groups and settled deletions of storage_id. */
static void
build_dead_row_map(uint64 storage_id, Snapshot snapshot,
				   TransactionId horizon, DeadRowMap *map)
{
	List	   *stripes = StripeCatalogList(storage_id, snapshot);
	ListCell   *lc;
	int			capacity = 64;

	map->groups = palloc(sizeof(GroupDeadRows) * capacity);
	map->ngroups = 0;
	map->dead_in_masks = 0;
	foreach(lc, stripes)
	{
		StripeMeta *stripe = (StripeMeta *) lfirst(lc);
		RowMask    *masks;
		uint32		g;

		CHECK_FOR_INTERRUPTS();
		StripeCatalogLoadGroups(storage_id, stripe, snapshot);
		masks = RowMaskLoadStripe(storage_id, stripe, snapshot);
		for (g = 0; g < stripe->chunk_group_count; g++)
		{
			GroupDeadRows *entry;

			if (map->ngroups == capacity)
			{
				capacity *= 2;
				map->groups = repalloc(map->groups,
									   sizeof(GroupDeadRows) * capacity);
			}
			entry = &map->groups[map->ngroups++];
			entry->first_row_number = stripe->groups[g].first_row_number;
			entry->row_count = stripe->groups[g].row_count;
			entry->mask = NULL;
			if (masks != NULL && masks[g].exists &&
				masks[g].deleted_count > 0 &&
				TransactionIdPrecedes(masks[g].xmin, horizon))
			{
				entry->mask = &masks[g];
				map->dead_in_masks += masks[g].deleted_count;
			}
		}
	}
	qsort(map->groups, map->ngroups, sizeof(GroupDeadRows), group_cmp);
}

/* Rows below uncovered_below that no chunk group holds. */
static uint64
uncovered_rows(const DeadRowMap *map)
{
	uint64		covered = 0;
	int			i;

	/* row numbers start at 1 */
	if (map->uncovered_below <= 1)
		return 0;
	for (i = 0; i < map->ngroups; i++)
		if (map->groups[i].first_row_number < map->uncovered_below)
			covered += Min((uint64) map->groups[i].row_count,
						   map->uncovered_below - map->groups[i].first_row_number);
	return map->uncovered_below - 1 - Min(covered, map->uncovered_below - 1);
}

/* ambulkdelete's callback: whether the entry pointing at tid is dead. */
static bool
row_is_dead(ItemPointer tid, void *arg)
{
	DeadRowMap *map = (DeadRowMap *) arg;
	uint64		row = TidToRowNumber(tid);
	int			lo = 0;
	int			hi = map->ngroups - 1;

	/* the last group starting at or before row */
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (map->groups[mid].first_row_number <= row)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	if (hi >= 0 &&
		row < map->groups[hi].first_row_number + map->groups[hi].row_count)
	{
		const GroupDeadRows *group = &map->groups[hi];

		return group->mask != NULL &&
			RowMaskIsDeleted(group->mask,
							 (uint32) (row - group->first_row_number));
	}
	return row < map->uncovered_below;
}

/*
 * Removes dead entries from every index of rel (see the file header).
 * Runs inside VACUUM, after compaction, in the same transaction.
 */
void
OlapVacuumIndexes(Relation rel, BufferAccessStrategy bstrategy,
				  double live_rows, int elevel)
{
	OlapMetapageData meta;
	DeadRowMap	map;
	Snapshot	snapshot;
	Relation   *indexes;
	int			nindexes;
	uint64		uncovered;
	MemoryContext ctx;
	MemoryContext old;
	int			i;

	if (!rel->rd_rel->relhasindex || !OlapCatalogsExist() ||
		!MetapageRead(rel, &meta) || meta.storage_id == 0)
		return;

	ctx = AllocSetContextCreate(CurrentMemoryContext, "olap_ext index vacuum",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(ctx);

	/* the counter first, then the writers, then the snapshot */
	map.uncovered_below = OlapTableHasOtherWriters(rel) ? 0 :
		meta.next_row_number;
	CommandCounterIncrement();
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	build_dead_row_map(meta.storage_id, snapshot,
					   GetOldestNonRemovableTransactionId(rel), &map);
	uncovered = uncovered_rows(&map);

	if (map.dead_in_masks + uncovered > 0)
	{
		vac_open_indexes(rel, RowExclusiveLock, &nindexes, &indexes);
		for (i = 0; i < nindexes; i++)
		{
			IndexVacuumInfo ivinfo;
			IndexBulkDeleteResult *stats;

			memset(&ivinfo, 0, sizeof(ivinfo));
			ivinfo.index = indexes[i];
			ivinfo.analyze_only = false;
			ivinfo.report_progress = false;
			ivinfo.estimated_count = false;
			ivinfo.message_level = elevel;
			ivinfo.num_heap_tuples = live_rows;
			ivinfo.strategy = bstrategy;

			stats = index_bulk_delete(&ivinfo, NULL, row_is_dead, &map);
			stats = index_vacuum_cleanup(&ivinfo, stats);
			if (stats == NULL)
				continue;
			if (!stats->estimated_count)
				vac_update_relstats(indexes[i], stats->num_pages,
									stats->num_index_tuples, 0, false,
									InvalidTransactionId, InvalidMultiXactId,
									NULL, NULL, false);
			ereport(elevel,
					(errmsg("index \"%s\" of \"%s\": %.0f entries removed, %.0f remain",
							RelationGetRelationName(indexes[i]),
							RelationGetRelationName(rel),
							stats->tuples_removed, stats->num_index_tuples)));
			pfree(stats);
		}
		vac_close_indexes(nindexes, indexes, NoLock);
	}

	UnregisterSnapshot(snapshot);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(ctx);
}
