/*-------------------------------------------------------------------------
 *
 * compaction.h
 *	  VACUUM of olap tables: rewriting under-filled and mostly deleted
 *	  stripes, reusing and truncating the space they leave.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_COMPACTION_H
#define OLAP_COMPACTION_H

#include "utils/rel.h"

/* What one compaction pass did (for VACUUM VERBOSE and the caller's loop). */
typedef struct CompactionResult
{
	bool		skipped;		/* rows were being changed: nothing done */
	uint64		stripes_rewritten;
	uint64		stripes_written;
	uint64		rows_rewritten;		/* live rows copied */
	uint64		rows_removed;	/* deleted rows whose values were dropped */
	uint64		groups_dropped; /* wholly deleted chunk groups removed */
	uint64		blocks_freed;
	uint64		blocks_orphaned;	/* unreferenced pages found and freed */
	uint64		blocks_reused;
	uint64		blocks_truncated;
} CompactionResult;

/* A stripe is rewritten when this share (percent) of its rows is deleted. */
#define OLAP_COMPACT_DELETED_PERCENT 20

extern void OlapCompact(Relation rel, CompactionResult *result);
extern bool OlapTableHasOtherWriters(Relation rel);
extern bool CompactionMadeProgress(const CompactionResult *result);
extern void CompactionReport(Relation rel, const CompactionResult *result,
							 int elevel);

#endif							/* OLAP_COMPACTION_H */
