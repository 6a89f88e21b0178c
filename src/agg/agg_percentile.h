/*-------------------------------------------------------------------------
 *
 * agg_percentile.h
 *	  percentile_disc and percentile_cont in OlapAgg: which ones the planner
 *	  may hand it, and the batch loop, memory and final value of their
 *	  per-group states.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_PERCENTILE_H
#define OLAP_AGG_PERCENTILE_H

#include "nodes/primnodes.h"

#include "agg/agg_state.h"

/*
 * Planner: true when aggref is percentile_disc(fraction) or
 * percentile_cont(fraction) WITHIN GROUP (ORDER BY x) that OlapAgg
 * computes: a constant fraction, x in ascending order of its type's
 * default ordering, and x an integer, date or timestamp (disc), or such an
 * integer cast to float8 (cont and disc).
 */
extern bool AggPercentileSupported(Aggref *aggref);

/* Executor: sets up trans (AGG_METHOD_PERCENTILE) for aggref. */
extern void AggPercentileInit(OlapAggState *state, OlapAggTrans *trans,
							  Aggref *aggref);

/*
 * Adds the non-NULL values[sel[i]] to the state of group gids[sel[i]] (of
 * group 0 when gids is NULL).
 */
extern void AggPercentileAdvance(OlapAggState *state, OlapAggTrans *trans,
								 const uint32 *gids, const Datum *values,
								 const bool *nulls, const uint32 *sel,
								 uint32 n);

/* The aggregate's value for a group whose state is acc (or NULL). */
extern Datum AggPercentileFinish(OlapAggState *state, OlapAggTrans *trans,
								 Datum acc, bool acc_null, bool *isnull);

/*
 * Ends the tuplesorts of trans's groups; before the memory of the states
 * goes (a reset of the aggregate context).
 */
extern void AggPercentileRelease(OlapAggTrans *trans);

#endif							/* OLAP_AGG_PERCENTILE_H */
