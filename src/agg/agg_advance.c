/*-------------------------------------------------------------------------
 *
 * agg_advance.c
 *	  Advancing OlapAgg's aggregates over the rows of a batch.
 *
 * Each aggregate has a method (agg_state.h): a loop of its own for the
 * cheap ones (count(*), count(x), count(DISTINCT x), sum and avg of
 * int2/int4, min/max of integer-like types; sum/avg/min/max of numeric in
 * agg_numeric.c), computing exactly the value the aggregate's transition
 * function would, or its transition function called once per value
 * (advance_transfn) with nodeAgg.c's rules for strict functions, NULL
 * inputs and by-reference states.  FILTER clauses narrow
 * the rows first (AggFilterRows): through vectorized quals when the clause
 * qualifies, else evaluated per row.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"

#include "agg/agg_hash.h"
#include "agg/agg_input.h"
#include "agg/agg_numeric.h"
#include "agg/agg_percentile.h"
#include "agg/agg_state.h"
#include "scan/vector_quals.h"

/* Raises count(*)'s error when adding n to a count overflows. */
static int64
add_count(int64 count, int64 n)
{
	int64		result;

	if (unlikely(pg_add_s64_overflow(count, n, &result)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
	return result;
}

/*
 * The (count, sum) of an avg(int2/int4) state: an int8[2] array, which
 * int2_avg_accum / int4_avg_accum update in place when called as an
 * aggregate (sum without overflow check, as they do).
 */
typedef struct AvgIntState
{
	int64		count;
	int64		sum;
} AvgIntState;

static inline AvgIntState *
avg_int_state(Datum state)
{
	/* the states are OlapAgg's own copies: plain, so no call to detoast */
	ArrayType  *array = likely(!VARATT_IS_EXTENDED(DatumGetPointer(state))) ?
		(ArrayType *) DatumGetPointer(state) : DatumGetArrayTypeP(state);

	if (ARR_HASNULL(array) ||
		ARR_SIZE(array) != ARR_OVERHEAD_NONULLS(1) + sizeof(AvgIntState))
		elog(ERROR, "expected 2-element int8 array");
	return (AvgIntState *) ARR_DATA_PTR(array);
}

/* The int2 or int4 (wide) in value, widened. */
static inline int64
small_int(Datum value, bool wide)
{
	return wide ? DatumGetInt32(value) : DatumGetInt16(value);
}

/*
 * Adds sum, the sum of one or more non-NULL values, to group g's
 * sum(int2/int4) state, which starts NULL; int2_sum/int4_sum add into int8
 * without overflow checks, and so does this.
 */
static inline void
add_int_sum(OlapAggTrans *trans, uint32 g, int64 sum)
{
	trans->states[g] = Int64GetDatum((trans->nulls[g] ? 0 :
									  DatumGetInt64(trans->states[g])) + sum);
	trans->nulls[g] = false;
}

/*
 * Adds count non-NULL values summing to sum to group g's avg(int2/int4)
 * state; int2_avg_accum/int4_avg_accum do not check overflow either.
 */
static inline void
add_int_avg(OlapAggTrans *trans, uint32 g, int64 count, int64 sum)
{
	AvgIntState *avg = avg_int_state(trans->states[g]);

	avg->count += count;
	avg->sum += sum;
}

/*
 * Calls trans's transition function on one input value, keeping the new
 * state like nodeAgg.c does: a strict function skips NULL inputs and takes
 * the first value as state when there is no initial value; a new
 * by-reference state is copied into the aggregate context.
 */
static void
advance_transfn(OlapAggState *state, OlapAggTrans *trans, uint32 g,
				Datum value, bool isnull)
{
	FunctionCallInfo fcinfo = trans->fcinfo;
	Datum		result;

	if (trans->transfn.fn_strict)
	{
		if (isnull && trans->arg != NULL)
			return;
		if (trans->nulls[g])
		{
			if (trans->initval_null)
			{
				MemoryContext old = MemoryContextSwitchTo(state->agg_context);

				trans->states[g] = datumCopy(value, trans->transbyval,
										 trans->translen);
				trans->nulls[g] = false;
				MemoryContextSwitchTo(old);
			}
			return;
		}
	}

	fcinfo->args[0].value = trans->states[g];
	fcinfo->args[0].isnull = trans->nulls[g];
	if (trans->arg != NULL)
	{
		fcinfo->args[1].value = value;
		fcinfo->args[1].isnull = isnull;
	}
	fcinfo->isnull = false;
	result = FunctionCallInvoke(fcinfo);

	if (!trans->transbyval &&
		DatumGetPointer(result) != DatumGetPointer(trans->states[g]))
	{
		if (!fcinfo->isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(state->agg_context);

			result = datumCopy(result, trans->transbyval, trans->translen);
			MemoryContextSwitchTo(old);
		}
		if (!trans->nulls[g])
			pfree(DatumGetPointer(trans->states[g]));
	}
	trans->states[g] = result;
	trans->nulls[g] = fcinfo->isnull;
}

/*
 * min/max(text) under the C collation, where text_smaller and text_larger
 * compare bytes then lengths: each non-NULL value of the n rows sel
 * replaces the state of its group gids[row] (group 0 when gids is NULL), a
 * copy in the aggregate context, when it sorts before (min) or after (max)
 * it; an equal value has the same bytes, so keeping the old one gives what
 * the functions give.
 */
static void
advance_text_minmax(OlapAggState *state, OlapAggTrans *trans,
					const uint32 *gids, const Datum *values, const bool *nulls,
					const uint32 *sel, uint32 n)
{
	bool		is_min = trans->method == AGG_METHOD_MIN_TEXT;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		g = gids != NULL ? gids[row] : 0;
		struct varlena *v;
		struct varlena *copy;
		Size		len;

		if (nulls[row])
			continue;
		v = (struct varlena *) DatumGetPointer(values[row]);
		if (unlikely(VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v)))
			v = pg_detoast_datum_packed(v);
		len = VARSIZE_ANY_EXHDR(v);
		if (!trans->nulls[g])
		{
			struct varlena *s = (struct varlena *) DatumGetPointer(trans->states[g]);
			Size		slen = VARSIZE_ANY_EXHDR(s);
			int			cmp = memcmp(VARDATA_ANY(v), VARDATA_ANY(s),
									 Min(len, slen));

			if (cmp == 0)
				cmp = len < slen ? -1 : (len > slen ? 1 : 0);
			if (is_min ? cmp >= 0 : cmp <= 0)
				continue;
			pfree(s);
		}
		/* the state as a plain text with a 4-byte header */
		copy = MemoryContextAlloc(state->agg_context, len + VARHDRSZ);
		SET_VARSIZE(copy, len + VARHDRSZ);
		memcpy(VARDATA(copy), VARDATA_ANY(v), len);
		trans->states[g] = PointerGetDatum(copy);
		trans->nulls[g] = false;
	}
}

/*
 * Feeds the n rows sel of the argument vectors values/nulls (unused for
 * count(*)) to one aggregate without grouping keys.
 */
void
AggAdvanceBatch(OlapAggState *state, OlapAggTrans *trans, const Datum *values,
				const bool *nulls, const uint32 *sel, uint32 n)
{
	uint32		i;

	switch (trans->method)
	{
		case AGG_METHOD_PERCENTILE:
			AggPercentileAdvance(state, trans, NULL, values, nulls, sel, n);
			break;
		case AGG_METHOD_MIN_TEXT:
		case AGG_METHOD_MAX_TEXT:
			advance_text_minmax(state, trans, NULL, values, nulls, sel, n);
			break;
		case AGG_METHOD_COUNT_STAR:
			trans->states[0] =
				Int64GetDatum(add_count(DatumGetInt64(trans->states[0]), n));
			break;
		case AGG_METHOD_COUNT:
			{
				int64		count = 0;

				for (i = 0; i < n; i++)
					count += !nulls[sel[i]];
				trans->states[0] = Int64GetDatum(add_count(DatumGetInt64(trans->states[0]),
													   count));
				break;
			}
		case AGG_METHOD_SUM_INT:
			{
				/* int2_sum/int4_sum add into int8 without overflow checks */
				int64		sum = 0;
				bool		any = false;
				bool		wide = trans->transfn.fn_oid == F_INT4_SUM;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];

					if (nulls[row])
						continue;
					sum += wide ? DatumGetInt32(values[row]) :
						DatumGetInt16(values[row]);
					any = true;
				}
				if (any)
					add_int_sum(trans, 0, sum);
				break;
			}
		case AGG_METHOD_MIN_INT:
		case AGG_METHOD_MAX_INT:
			{
				bool		is_min = trans->method == AGG_METHOD_MIN_INT;
				int16		width = trans->int_width;
				bool		any = !trans->nulls[0];
				int64		best = any ? agg_value_int(trans->states[0], width) : 0;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];
					int64		v;

					if (nulls[row])
						continue;
					v = agg_value_int(values[row], width);
					if (!any || (is_min ? v < best : v > best))
						best = v;
					any = true;
				}
				if (any)
				{
					trans->states[0] = agg_int_datum(best, width);
					trans->nulls[0] = false;
				}
				break;
			}
		case AGG_METHOD_COUNT_DISTINCT:
			{
				int64		count = 0;

				uint32	   *new_rows = palloc(sizeof(uint32) * Max(n, 1));

				/* palloc: the batch's memory context, reset after it */
				AggDistinctNewBatch(trans->distinct);
				count = AggDistinctAddRows(trans->distinct, NULL, values, nulls,
										   sel, n, new_rows);
				trans->states[0] =
					Int64GetDatum(add_count(DatumGetInt64(trans->states[0]), count));
				break;
			}
		case AGG_METHOD_SUM_NUMERIC:
			for (i = 0; i < n; i++)
				AggNumericAdvance(state, trans, 0, values[sel[i]],
								  nulls[sel[i]]);
			break;
		case AGG_METHOD_MIN_NUMERIC:
		case AGG_METHOD_MAX_NUMERIC:
			{
				bool		is_min = trans->method == AGG_METHOD_MIN_NUMERIC;

				for (i = 0; i < n; i++)
					AggNumericMinMax(state, trans, 0, values[sel[i]],
									 nulls[sel[i]], is_min);
				break;
			}
		case AGG_METHOD_AVG_INT:
			{
				/* strict, with an initial value: NULLs are skipped */
				bool		wide = trans->transfn.fn_oid == F_INT4_AVG_ACCUM;
				int64		count = 0;
				int64		sum = 0;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];

					if (nulls[row])
						continue;
					count++;
					sum += small_int(values[row], wide);
				}
				add_int_avg(trans, 0, count, sum);
				break;
			}
		case AGG_METHOD_TRANSFN:
			if (trans->arg == NULL)
			{
				for (i = 0; i < n; i++)
					advance_transfn(state, trans, 0, (Datum) 0, true);
			}
			else
			{
				for (i = 0; i < n; i++)
					advance_transfn(state, trans, 0, values[sel[i]],
									nulls[sel[i]]);
			}
			break;
	}
}

/*
 * AggAdvanceBatchGrouped for count(*), count(x) and sum/avg(int2/int4) over
 * few groups (agg_use_lanes): the rows are counted and summed in lanes,
 * then each group's totals are added to its state.
 */
static void
advance_in_lanes(OlapAggState *state, OlapAggTrans *trans,
				 const uint32 *gids, const Datum *values, const bool *nulls,
				 const uint32 *sel, uint32 n)
{
	int64		counts[AGG_LANES][AGG_LANE_GROUPS];
	int64		sums[AGG_LANES][AGG_LANE_GROUPS];
	uint32		ngroups = state->ngroups;
	bool		counting = trans->method == AGG_METHOD_COUNT_STAR ||
		trans->method == AGG_METHOD_COUNT;
	bool		wide = trans->transfn.fn_oid == F_INT4_SUM ||
		trans->transfn.fn_oid == F_INT4_AVG_ACCUM;
	uint32		i;
	int			lane;

	if (trans->method == AGG_METHOD_COUNT_STAR)
		nulls = NULL;
	for (lane = 0; lane < AGG_LANES; lane++)
	{
		memset(counts[lane], 0, sizeof(int64) * ngroups);
		memset(sums[lane], 0, sizeof(int64) * ngroups);
	}
	if (counting && nulls == NULL)
	{
		for (i = 0; i < n; i++)
			counts[i % AGG_LANES][gids[sel[i]]]++;
	}
	else if (counting)
	{
		for (i = 0; i < n; i++)
			counts[i % AGG_LANES][gids[sel[i]]] += !nulls[sel[i]];
	}
	else
	{
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];
			uint32		g = gids[row];
			int64		present = !nulls[row];

			counts[i % AGG_LANES][g] += present;
			sums[i % AGG_LANES][g] += present * small_int(values[row], wide);
		}
	}

	for (uint32 g = 0; g < ngroups; g++)
	{
		int64		count = 0;
		int64		sum = 0;

		for (lane = 0; lane < AGG_LANES; lane++)
		{
			count += counts[lane][g];
			sum += sums[lane][g];
		}
		if (count == 0)
			continue;
		if (counting)
			trans->states[g] =
				Int64GetDatum(add_count(DatumGetInt64(trans->states[g]), count));
		else if (trans->method == AGG_METHOD_SUM_INT)
			add_int_sum(trans, g, sum);
		else
			add_int_avg(trans, g, count, sum);
	}
}

/*
 * sum/avg(int2/int4) without grouping keys of an argument "column + c",
 * "column - c" or "c - column" computed in int4 (agg_input.c's arith loop):
 * the sum of the argument over the batch is the column's sum shifted by c
 * times the count, and the column's sum, count and range over the rows are
 * computed once per batch for all such aggregates of the column (h24 has
 * ninety of them).  Returns false, leaving the aggregate to the caller,
 * when the argument is not of that form, or when the column's range in the
 * batch could overflow int4 in the operator, so that the caller computes
 * it and raises its error for the row that does.
 */
bool
AggAdvanceShiftedSum(OlapAggState *state, OlapAggTrans *trans,
					 const OlapBatch *batch, const uint32 *sel, uint32 n)
{
	AggInput   *arg = trans->arg;
	int64		c;
	int64		lo;
	int64		hi;
	int64		total;

	if ((trans->method != AGG_METHOD_SUM_INT &&
		 trans->method != AGG_METHOD_AVG_INT) ||
		arg == NULL || arg->arith_int8 || arg->arith_right > 0 ||
		(arg->arith_op != '+' && arg->arith_op != '-'))
		return false;

	if (state->column_sum.batch_seq != state->batch_seq ||
		state->column_sum.sel != sel || state->column_sum.n != n ||
		state->column_sum.attnum != arg->arith_left)
	{
		const OlapVector *vector = &batch->columns[arg->arith_left - 1];
		int64		sum = 0;
		int64		count = 0;
		int64		min = PG_INT64_MAX;
		int64		max = PG_INT64_MIN;
		uint32		i;

		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];
			int64		v;

			if (vector->nulls[row])
				continue;
			v = arg->arith_int2_column ? DatumGetInt16(vector->values[row]) :
				DatumGetInt32(vector->values[row]);
			sum += v;
			count++;
			min = Min(min, v);
			max = Max(max, v);
		}
		state->column_sum.batch_seq = state->batch_seq;
		state->column_sum.sel = sel;
		state->column_sum.n = n;
		state->column_sum.attnum = arg->arith_left;
		state->column_sum.sum = sum;
		state->column_sum.count = count;
		state->column_sum.min = min;
		state->column_sum.max = max;
	}
	if (state->column_sum.count == 0)
		return true;			/* only NULLs: nothing to add */

	/* the argument's range, and its sum, over the batch */
	c = arg->arith_const;
	if (arg->arith_op == '+')
	{
		lo = state->column_sum.min + c;
		hi = state->column_sum.max + c;
		total = state->column_sum.sum + c * state->column_sum.count;
	}
	else if (!arg->arith_const_left)
	{
		lo = state->column_sum.min - c;
		hi = state->column_sum.max - c;
		total = state->column_sum.sum - c * state->column_sum.count;
	}
	else
	{
		lo = c - state->column_sum.max;
		hi = c - state->column_sum.min;
		total = c * state->column_sum.count - state->column_sum.sum;
	}
	if (lo < PG_INT32_MIN || hi > PG_INT32_MAX)
		return false;

	if (trans->method == AGG_METHOD_SUM_INT)
		add_int_sum(trans, 0, total);
	else
		add_int_avg(trans, 0, state->column_sum.count, total);
	return true;
}

/*
 * Feeds the n rows sel of the argument vectors values/nulls to one
 * aggregate, each row to its group (state->gids by row).
 */
void
AggAdvanceBatchGrouped(OlapAggState *state, OlapAggTrans *trans,
					   const Datum *values, const bool *nulls,
					   const uint32 *sel, uint32 n)
{
	const uint32 *gids = state->gids;
	uint32		i;

	if ((trans->method == AGG_METHOD_COUNT_STAR ||
		 trans->method == AGG_METHOD_COUNT ||
		 trans->method == AGG_METHOD_SUM_INT ||
		 trans->method == AGG_METHOD_AVG_INT) &&
		agg_use_lanes(state, n))
	{
		advance_in_lanes(state, trans, gids, values, nulls, sel, n);
		return;
	}

	switch (trans->method)
	{
		case AGG_METHOD_PERCENTILE:
			AggPercentileAdvance(state, trans, gids, values, nulls, sel, n);
			break;
		case AGG_METHOD_MIN_TEXT:
		case AGG_METHOD_MAX_TEXT:
			advance_text_minmax(state, trans, gids, values, nulls, sel, n);
			break;
		case AGG_METHOD_COUNT_STAR:
		case AGG_METHOD_COUNT:
			for (i = 0; i < n; i++)
			{
				uint32		g = gids[sel[i]];

				if (nulls != NULL && nulls[sel[i]])
					continue;
				trans->states[g] =
					Int64GetDatum(add_count(DatumGetInt64(trans->states[g]), 1));
			}
			break;
		case AGG_METHOD_SUM_INT:
			{
				bool		wide = trans->transfn.fn_oid == F_INT4_SUM;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];
					uint32		g = gids[row];
					int64		v;

					if (nulls[row])
						continue;
					v = wide ? DatumGetInt32(values[row]) : DatumGetInt16(values[row]);
					add_int_sum(trans, g, v);
				}
				break;
			}
		case AGG_METHOD_MIN_INT:
		case AGG_METHOD_MAX_INT:
			{
				bool		is_min = trans->method == AGG_METHOD_MIN_INT;
				int16		width = trans->int_width;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];
					uint32		g = gids[row];
					int64		v;

					if (nulls[row])
						continue;
					v = agg_value_int(values[row], width);
					if (trans->nulls[g] ||
						(is_min ? v < agg_value_int(trans->states[g], width) :
						 v > agg_value_int(trans->states[g], width)))
					{
						trans->states[g] = agg_int_datum(v, width);
						trans->nulls[g] = false;
					}
				}
				break;
			}
		case AGG_METHOD_COUNT_DISTINCT:
			{
				/* palloc: the batch's memory context, reset after it */
				uint32	   *new_rows = palloc(sizeof(uint32) * Max(n, 1));
				uint32		nnew;

				AggDistinctNewBatch(trans->distinct);
				nnew = AggDistinctAddRows(trans->distinct, gids, values, nulls,
										  sel, n, new_rows);
				for (i = 0; i < nnew; i++)
				{
					uint32		g = gids[new_rows[i]];

					trans->states[g] =
						Int64GetDatum(add_count(DatumGetInt64(trans->states[g]), 1));
				}
				break;
			}
		case AGG_METHOD_SUM_NUMERIC:
			for (i = 0; i < n; i++)
			{
				uint32		row = sel[i];

				AggNumericAdvance(state, trans, gids[row], values[row],
								  nulls[row]);
			}
			break;
		case AGG_METHOD_MIN_NUMERIC:
		case AGG_METHOD_MAX_NUMERIC:
			{
				bool		is_min = trans->method == AGG_METHOD_MIN_NUMERIC;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];

					AggNumericMinMax(state, trans, gids[row], values[row],
									 nulls[row], is_min);
				}
				break;
			}
		case AGG_METHOD_AVG_INT:
			{
				bool		wide = trans->transfn.fn_oid == F_INT4_AVG_ACCUM;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];
					AvgIntState *avg;

					if (nulls[row])
						continue;
					avg = avg_int_state(trans->states[gids[row]]);
					avg->count++;
					avg->sum += small_int(values[row], wide);
				}
				break;
			}
		case AGG_METHOD_TRANSFN:
			for (i = 0; i < n; i++)
			{
				uint32		row = sel[i];

				if (trans->arg == NULL)
					advance_transfn(state, trans, gids[row], (Datum) 0, true);
				else
					advance_transfn(state, trans, gids[row], values[row],
									nulls[row]);
			}
			break;
	}
}

/*
 * Keeps in trans->selection the rows of sel (n of them) that pass the
 * aggregate's FILTER clause and returns their number.
 */
uint32
AggFilterRows(OlapAggState *state, OlapAggTrans *trans, const OlapBatch *batch,
			  const uint32 *sel, uint32 n)
{
	uint32		kept = 0;
	uint32		i;

	if (trans->selection_size < n)
	{
		MemoryContext old = MemoryContextSwitchTo(state->query_context);

		if (trans->selection != NULL)
			pfree(trans->selection);
		trans->selection = palloc_extended(sizeof(uint32) * batch->nrows,
										   MCXT_ALLOC_HUGE);
		trans->selection_size = batch->nrows;
		MemoryContextSwitchTo(old);
	}
	if (trans->filter_quals != NULL)
	{
		memcpy(trans->selection, sel, sizeof(uint32) * n);
		return VectorQualsFilter(trans->filter_quals, batch, trans->selection,
								 n);
	}
	else
	{
		const Datum *values;
		const bool *nulls;

		AggInputCompute(trans->filter, batch, sel, n, &values, &nulls);
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];

			if (!nulls[row] && DatumGetBool(values[row]))
				trans->selection[kept++] = row;
		}
	}
	return kept;
}
