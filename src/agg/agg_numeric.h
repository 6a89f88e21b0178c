/*-------------------------------------------------------------------------
 *
 * agg_numeric.h
 *	  OlapAgg's fast accumulator for sum(numeric) and avg(numeric): scaled
 *	  128-bit integers standing in for numeric.c's NumericAggState, with a
 *	  fallback to that state for values that do not fit; min/max(numeric)
 *	  compared as scaled integers; both also straight from the scaled view
 *	  of a batch column (scan/batch.h).
 *	  Private to src/agg.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_NUMERIC_H
#define OLAP_AGG_NUMERIC_H

#include "postgres.h"

struct OlapAggState;
struct OlapAggTrans;
struct OlapVector;

/* True when this build has the accumulator (it needs 128-bit integers). */
extern bool AggNumericAvailable(void);
extern void AggNumericAdvance(struct OlapAggState *state,
							  struct OlapAggTrans *trans, uint32 g,
							  Datum value, bool isnull);
extern void AggNumericMinMax(struct OlapAggState *state,
							 struct OlapAggTrans *trans, uint32 g,
							 Datum value, bool isnull, bool is_min);
extern void AggNumericAdvanceScaled(struct OlapAggState *state,
									struct OlapAggTrans *trans,
									const struct OlapVector *vector,
									const uint32 *sel, uint32 n,
									const uint32 *gids);
extern Datum AggNumericFinish(struct OlapAggState *state,
							  struct OlapAggTrans *trans, Datum acc,
							  bool *isnull);

#endif							/* OLAP_AGG_NUMERIC_H */
