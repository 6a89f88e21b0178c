/*-------------------------------------------------------------------------
 *
 * scan_cost.h
 *	  Cost estimates of OlapScan paths.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_SCAN_COST_H
#define OLAP_SCAN_COST_H

#include "nodes/pathnodes.h"
#include "utils/relcache.h"

/* What every path of one relation shares. */
typedef struct OlapScanCostInfo
{
	double		column_fraction;	/* share of the row width read */
	double		qual_fraction;	/* share of it the vectorized quals read */
	double		group_fraction; /* share of chunk groups not skipped */
	double		pages_read;		/* pages of the columns and groups read */
	double		groups;			/* chunk groups of the table (estimate) */
	double		varlena_width;	/* average bytes of the variable-length
								 * columns read, per row */
	int			ncolumns;		/* columns read */
} OlapScanCostInfo;

/* What OlapScanCostTopNShape estimates of a top-N scan (per process). */
typedef struct OlapTopNShape
{
	double		bound;			/* rows kept */
	double		order;			/* the first key's correlation with the row
								 * order, positive in the sort's direction */
	double		read;			/* share of the chunk groups read */
	double		fetch_groups;	/* chunk groups the rows returned lie in */
} OlapTopNShape;

extern void OlapScanCostPrepare(PlannerInfo *root, RelOptInfo *rel,
								Relation relation, List *columns,
								OlapScanCostInfo *info);
extern void OlapScanCostPath(PlannerInfo *root, RelOptInfo *rel,
							 const OlapScanCostInfo *info, List *vector_quals,
							 List *row_quals, int parallel_workers, Path *path);
extern Cost OlapScanCostWorkers(int parallel_workers);
extern int	OlapPathTotalCostCmp(const ListCell *a, const ListCell *b);
extern Cost OlapScanCostSeqScanExtra(PlannerInfo *root, RelOptInfo *rel,
										Relation relation);
extern Cost OlapScanCostRowOut(Path *path);
extern void OlapScanCostTopNShape(PlannerInfo *root, RelOptInfo *rel,
								  Relation relation,
								  const OlapScanCostInfo *info,
								  AttrNumber first_key, bool descending,
								  double bound, int parallel_workers,
								  OlapTopNShape *shape);
extern void OlapScanCostTopN(RelOptInfo *rel, const OlapScanCostInfo *fetch_info,
							 const OlapTopNShape *shape, Path *path);

#endif							/* OLAP_SCAN_COST_H */
