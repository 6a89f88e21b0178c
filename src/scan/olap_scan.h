/*-------------------------------------------------------------------------
 *
 * olap_scan.h
 *	  OlapScan: the custom scan node for olap tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_SCAN_H
#define OLAP_SCAN_H

#include "nodes/extensible.h"
#include "nodes/primnodes.h"

#define OLAP_SCAN_NAME "OlapScan"

/* Indexes into CustomScan.custom_private. */
typedef enum OlapScanPrivate
{
	OLAP_SCAN_PRIVATE_COLUMNS = 0,	/* IntList of attnums read */
	OLAP_SCAN_PRIVATE_TOPN,		/* top-N sort (scan_topn.c), NIL if none */
	OLAP_SCAN_PRIVATE_COUNT
} OlapScanPrivate;

/*
 * The Var of a column of the scanned relation (scanrelid), under an
 * optional RelabelType, or NULL: what min/max skipping and vectorized quals
 * can compare.
 */
static inline Var *
OlapScanColumnVar(Node *node, Index scanrelid)
{
	if (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	if (node && IsA(node, Var))
	{
		Var		   *var = (Var *) node;

		if (var->varno == scanrelid && var->varlevelsup == 0 && var->varattno > 0)
			return var;
	}
	return NULL;
}

struct OlapJoinFilter;

/* Runtime filters one OlapScan applies at most. */
#define OLAP_SCAN_MAX_JOIN_FILTERS 8

extern void OlapScanInit(void);
extern Node *OlapScanCreateState(CustomScan *cscan);
extern int	OlapScanWorkers(RelOptInfo *rel);

/*
 * Gives the OlapScan state ps a runtime filter (join_filter.c); false when
 * the scan cannot apply it (a top-N scan, or the column is not read).
 */
extern bool OlapScanAttachJoinFilter(PlanState *ps, struct OlapJoinFilter *filter);

#endif							/* OLAP_SCAN_H */
