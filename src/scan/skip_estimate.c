/*-------------------------------------------------------------------------
 *
 * skip_estimate.c
 *	  Counting at plan time the rows of the chunk groups min/max skipping
 *	  leaves to a scan.
 *
 * scan_cost.c estimates the share of chunk groups an OlapScan reads from
 * pg_stats, which can be far off for the tail of a column: PostgreSQL's
 * histogram gives "duration_ms > 60000" 963 rows of 10 million where there
 * are 43, and with the rows in random order that makes about 620 of the
 * 1,000 chunk groups read where the executor reads 43.  When the quals that
 * can skip groups compare with constants (after constant folding), the true
 * share is at hand: the min/max and value sets of the chunks are in the
 * backend's chunk metadata cache (chunk_meta_cache.c) once a scan of the
 * table has run in the session.  So this runs the executor's own test
 * (ChunkSkipGroupMayMatch) on every chunk group of the stripes the
 * planner's snapshot sees.
 *
 * The planner never reads a stripe's metadata from the catalogs (for every
 * plan, that made a loop of single-row UPDATEs by index quadratic): only
 * cached stripes are counted, and the count is left to the statistics
 * when they hold less than SKIP_ESTIMATE_MIN_CACHED of the rows, for
 * tables of more than SKIP_ESTIMATE_MAX_CHUNKS chunks, and without an
 * active snapshot.  Keys whose values are only known when
 * the plan runs (parameters) are left out of the count, which then only
 * bounds the share from above.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/pathnodes.h"
#include "optimizer/optimizer.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "scan/chunk_skip.h"
#include "scan/skip_estimate.h"
#include "storage/chunk_meta_cache.h"
#include "storage/metapage.h"
#include "storage/stripe_catalog.h"

/*
 * Most chunks (chunk groups x columns) whose metadata a plan may look at:
 * about 10 MB of metadata, which stays in the default 16 MB cache, and
 * 10,000 chunk groups of 10 columns take about a millisecond to test.
 */
#define SKIP_ESTIMATE_MAX_CHUNKS 100000

/*
 * Least share of the table's rows whose stripes must be cached for a count:
 * a parallel scan leaves in the leader's cache only the stripes the leader
 * read, a third to a half of them with one or two workers, spread over the
 * table; the groups kept among those stand for the rest.
 */
#define SKIP_ESTIMATE_MIN_CACHED 0.25

/*
 * The share of the rows of relation (the table of rel) that lie in chunk
 * groups the skipping quals among clauses (RestrictInfos) leave; false
 * when it is not counted.  *exact is false when some skipping qual's value
 * is unknown at plan time, so that the share is only an upper bound.
 */
bool
OlapSkipEstimateShare(PlannerInfo *root, RelOptInfo *rel, Relation relation,
					  List *clauses, double *share, bool *exact)
{
	MemoryContext ctx;
	MemoryContext old;
	List	   *quals = NIL;
	List	   *stripes;
	ChunkSkipState *skip;
	uint64		storage_id;
	uint64		chunks = 0;
	double		total = 0;
	double		rows = 0;
	double		kept = 0;
	ListCell   *lc;

	if (!ActiveSnapshotSet())
		return false;
	storage_id = MetapageStorageId(relation);
	if (storage_id == 0)
		return false;

	ctx = AllocSetContextCreate(CurrentMemoryContext,
								"olap_ext skip estimate",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(ctx);
	foreach(lc, clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		if (!rinfo->pseudoconstant)
			quals = lappend(quals,
							estimate_expression_value(root,
													  (Node *) rinfo->clause));
	}
	skip = ChunkSkipInitConstant(quals, rel->relid, relation, exact);
	if (skip == NULL)
	{
		MemoryContextSwitchTo(old);
		MemoryContextDelete(ctx);
		return false;
	}

	stripes = StripeCatalogList(storage_id, GetActiveSnapshot());
	foreach(lc, stripes)
	{
		StripeMeta *stripe = lfirst(lc);

		chunks += (uint64) stripe->chunk_group_count * stripe->column_count;
	}
	if (chunks > SKIP_ESTIMATE_MAX_CHUNKS)
		stripes = NIL;
	foreach(lc, stripes)
	{
		StripeMeta *stripe = lfirst(lc);
		CachedStripe *cached = ChunkMetaCacheFind(storage_id, stripe);

		total += stripe->row_count;
		if (cached == NULL)
			continue;
		for (uint32 g = 0; g < stripe->chunk_group_count; g++)
		{
			const ChunkGroupMeta *group = &stripe->groups[g];

			rows += group->row_count;
			if (ChunkSkipGroupMayMatch(skip, stripe, group))
				kept += group->row_count;
		}
		ChunkMetaCacheRelease(cached);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(ctx);
	if (rows <= 0 || rows < total * SKIP_ESTIMATE_MIN_CACHED)
		return false;
	*share = kept / rows;
	return true;
}
