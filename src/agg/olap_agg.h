/*-------------------------------------------------------------------------
 *
 * olap_agg.h
 *	  OlapAgg: the custom node that aggregates OlapScan batches.
 *
 * The planner part (agg_planner.c) offers OlapAgg paths for the grouping
 * stages of a query over one olap table; the executor part (agg_exec.c)
 * runs them.  The plan's custom_scan_tlist lists the aggregates (Aggref
 * nodes, serial or partial); the node's only child is the OlapScan.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_H
#define OLAP_AGG_H

#include "nodes/extensible.h"

#define OLAP_AGG_NAME "OlapAgg"

extern void OlapAggInit(void);
extern void OlapAggJitInit(void);
extern Node *OlapAggCreateState(CustomScan *cscan);

/* How OlapAgg's batch loops run an aggregate (for the planner's costs). */
typedef enum OlapAggLoop
{
	OLAP_AGG_PER_VALUE,			/* the transition function per value */
	OLAP_AGG_LOOP_NUMERIC,		/* a loop over numeric values */
	OLAP_AGG_LOOP_INT			/* a loop over integer-like values */
} OlapAggLoop;

extern OlapAggLoop OlapAggTransfnLoop(Aggref *aggref, Oid transfn);

#endif							/* OLAP_AGG_H */
