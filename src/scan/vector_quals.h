/*-------------------------------------------------------------------------
 *
 * vector_quals.h
 *	  Quals of an OlapScan evaluated on whole batches of column vectors.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_VECTOR_QUALS_H
#define OLAP_VECTOR_QUALS_H

#include "nodes/execnodes.h"

#include "scan/batch.h"

typedef struct VectorQuals VectorQuals;

/* Planner: true when qual (of relation scanrelid) can run on batches. */
extern bool VectorQualSupported(Expr *qual, Index scanrelid);

/*
 * Executor start: compiles quals (each accepted by VectorQualSupported,
 * implicitly ANDed) into programs over column vectors; their comparison
 * values are prepared as expressions of ps.  Returns NULL for no quals.
 */
extern VectorQuals *VectorQualsInit(List *quals, Index scanrelid,
									PlanState *ps);

/* Marks the columns the quals read in columns[attnum - 1]. */
extern void VectorQualsColumns(VectorQuals *vq, bool *columns);

/*
 * Marks the columns whose Datum vectors the quals read in
 * columns[attnum - 1]: the others (numeric comparisons, null tests) do with
 * a scaled view and the null flags (see OlapScanSetScaledOnly).
 */
extern void VectorQualsDatumColumns(VectorQuals *vq, bool *columns);

/*
 * Keeps in selection[0..nselected) only the rows for which every qual is
 * true and returns their number.  The quals' columns must be loaded in
 * batch->columns.
 */
extern uint32 VectorQualsFilter(VectorQuals *vq, const OlapBatch *batch,
								uint32 *selection, uint32 nselected);

/* Forgets the comparison values, so a rescan computes them again. */
extern void VectorQualsReset(VectorQuals *vq);

#endif							/* OLAP_VECTOR_QUALS_H */
