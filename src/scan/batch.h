/*-------------------------------------------------------------------------
 *
 * batch.h
 *	  Batches of decoded column vectors produced by OlapScan: the interface
 *	  through which other nodes (OlapAgg) read an olap table without a
 *	  tuple slot per row.
 *
 * A batch is one chunk group.  Each column the scan reads is a vector of
 * nrows Datums and nrows null flags, exactly as the storage decoded them;
 * columns the scan does not read are not valid (values == NULL).  One
 * selection vector lists, in increasing order, the rows of the batch that
 * are visible (not deleted) and pass the scan's vectorized quals; rows not
 * in it must be ignored.  Quals that could not be vectorized ("row quals")
 * are not applied to a batch: a consumer that reads batches must evaluate
 * them itself, or use batches only when OlapScanHasRowQuals is false.
 *
 * By-reference values point into memory of the scan that stays valid until
 * the next batch is requested.  In a chunk stored with a dictionary or
 * run-length encoding, equal by-reference values share one copy
 * (shared_values), so a consumer can evaluate something once per distinct
 * pointer instead of once per row.
 *
 * Such a chunk also has a dictionary view (codes != NULL): codes[row] is
 * the row's index into dict, whose ndict entries are the chunk's distinct
 * values (DICT) or run values (RLE: two codes may then hold equal values),
 * and NULL rows have code ndict.  Equal codes mean equal values, and a
 * non-NULL values[row] is the very datum dict[codes[row]], so a consumer
 * can compute something once per code (a group, a qual result) and look it
 * up by code for every row.  Columns of other chunks have codes == NULL.
 *
 * A numeric column whose chunk is stored SCALED (numeric(p,s) values as
 * int64 scaled by 10^dscale, src/storage/README) also has a scaled view
 * (scaled != NULL): scaled[row] / 10^dscale is the row's value, exactly,
 * and NULL rows hold 0.  Its Datum vector is there too, unless the
 * consumer declared with OlapScanSetScaledOnly that it reads only the view
 * of that column: then values == NULL for such chunks (building numerics
 * per row is the cost the view saves), while nulls is always there.  In
 * every other case the Datum vectors of the columns read are there.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_BATCH_H
#define OLAP_BATCH_H

#include "nodes/execnodes.h"

/* One column of a batch. */
typedef struct OlapVector
{
	const Datum *values;		/* nrows entries; NULL: column not read */
	const bool *nulls;			/* nrows entries, true = NULL */
	bool		shared_values;	/* equal by-reference values share storage */

	/* dictionary view of a DICT or RLE chunk; codes NULL: none */
	const uint32 *codes;		/* nrows entries, each 0..ndict */
	const Datum *dict;			/* ndict entries */
	uint32		ndict;			/* the code of NULL rows */

	/* scaled view of a SCALED numeric chunk; scaled NULL: none */
	const int64 *scaled;		/* nrows entries, value * 10^dscale */
	int			dscale;
} OlapVector;

/* One batch: the rows of one chunk group. */
typedef struct OlapBatch
{
	uint32		nrows;			/* rows in the batch */
	uint64		first_row_number;	/* row number of row 0 */
	uint32		nselected;		/* entries of selection */
	const uint32 *selection;	/* selected rows, increasing */
	int			natts;			/* entries of columns */
	const OlapVector *columns;	/* by attnum - 1 */
} OlapBatch;

/* True when ps is the executor state of an OlapScan. */
extern bool IsOlapScanState(PlanState *ps);

/*
 * Returns the next batch of an OlapScan, with the visibility of rows and the
 * vectorized quals applied (batches in which no row is selected are never
 * returned), or NULL at the end of the scan.  The columns read are those of
 * the plan (its target list and quals).  Do not mix with ExecProcNode on the
 * same node between rescans.
 */
extern const OlapBatch *OlapScanNextBatch(PlanState *ps);

/* True when the scan has quals that batches do not have applied. */
extern bool OlapScanHasRowQuals(PlanState *ps);

/*
 * Declares that the batch consumer reads only the scaled view and the null
 * flags of the columns whose columns[attnum - 1] is true (an array of the
 * relation's natts), so chunks that have the view get no Datum vector
 * (values == NULL).  Call before the first batch.
 */
extern void OlapScanSetScaledOnly(PlanState *ps, const bool *columns);

#endif							/* OLAP_BATCH_H */
