/*-------------------------------------------------------------------------
 *
 * skip_estimate.h
 *	  Counting at plan time the rows of the chunk groups min/max skipping
 *	  leaves to a scan.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_SKIP_ESTIMATE_H
#define OLAP_SKIP_ESTIMATE_H

#include "nodes/pathnodes.h"
#include "utils/rel.h"

extern bool OlapSkipEstimateShare(PlannerInfo *root, RelOptInfo *rel,
								  Relation relation, List *clauses,
								  double *share, bool *exact);

#endif							/* OLAP_SKIP_ESTIMATE_H */
