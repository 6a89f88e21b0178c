/*-------------------------------------------------------------------------
 *
 * join_filter.h
 *	  Runtime filters: the keys of a hash join's inner side, applied by the
 *	  OlapScan on its outer side to chunk groups and batches.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_JOIN_FILTER_H
#define OLAP_JOIN_FILTER_H

#include "scan/batch.h"
#include "storage/stripe_catalog.h"

typedef struct OlapJoinFilter OlapJoinFilter;

/* What a filter did in this process, for EXPLAIN. */
typedef struct OlapJoinFilterStats
{
	uint64		rows_removed;
	uint64		keys;			/* distinct keys of the last table used */
} OlapJoinFilterStats;

/* Installs the ExecutorStart hook that attaches filters to OlapScans. */
extern void OlapJoinFilterInit(void);

/* The column (attnum) the filter tests. */
extern AttrNumber OlapJoinFilterColumn(const OlapJoinFilter *filter);

/*
 * True when the filter has keys to test: builds them at the first call
 * after the join's hash table is complete, if it is usable.
 */
extern bool OlapJoinFilterReady(OlapJoinFilter *filter);

/* False when the chunk group's statistics show it holds no key. */
extern bool OlapJoinFilterGroupMayMatch(OlapJoinFilter *filter,
										const StripeMeta *stripe,
										const ChunkGroupMeta *group);

/*
 * Keeps in selection[0..n) the rows whose key is one of the filter's and
 * returns their number (all of them once the row test has been given up).
 * The filter's column must be loaded in batch.
 */
extern uint32 OlapJoinFilterApply(OlapJoinFilter *filter, const OlapBatch *batch,
								  uint32 *selection, uint32 n);

/*
 * A rescan of the scan: keeps the keys when the join kept its table, else
 * forgets them.  params_changed: the scan's own parameters changed.
 */
extern void OlapJoinFilterRescan(OlapJoinFilter *filter, bool params_changed);

extern const OlapJoinFilterStats *OlapJoinFilterGetStats(const OlapJoinFilter *filter);

#endif							/* OLAP_JOIN_FILTER_H */
