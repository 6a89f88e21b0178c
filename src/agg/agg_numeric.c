/*-------------------------------------------------------------------------
 *
 * agg_numeric.c
 *	  A fast accumulator for sum(numeric) and avg(numeric) in OlapAgg.
 *
 * Both aggregates keep numeric.c's NumericAggState (transition function
 * numeric_avg_accum): the count N, the exact sum, the largest input display
 * scale and how many inputs had it, and counts of NaN and infinities.  The
 * values of a numeric(p,s) column are small, so instead of adding each one
 * digit by digit into that state, this file parses the base-10000 digits of
 * the varlena into an int64 scaled by 10^dscale and adds it into an int128
 * sum kept at the largest scale seen (AggNumericSum, one per group).
 *
 * Exactness: the sum of the parsed values is the exact sum, and its display
 * scale is the largest input display scale, which is what numeric.c's
 * accumulator gives (accum_sum_final, then strip_var).  The final values are
 * built as numeric_sum and numeric_avg build them (numeric_avg divides the
 * sum by N with numeric_div), and partial plans emit the bytes of
 * numeric_avg_serialize for the same state, so PostgreSQL's
 * numeric_avg_deserialize and numeric_avg_combine take them as their own.
 *
 * Columns whose batch vector has a scaled view (scan/batch.h: a SCALED
 * chunk, every value an int64 at one display scale) skip the parsing, and
 * without GROUP BY a batch's values are added up in an int128 first and
 * added to the accumulator once; min and max compare the integers and
 * build a numeric only for a value that replaces the state.
 *
 * Fallback: a NaN or infinity, a display scale above AGG_NUMERIC_MAX_SCALE,
 * a value beyond int64 when scaled, or an int128 overflow turns the group's
 * accumulator into PostgreSQL's own state (numeric_avg_deserialize of the
 * accumulator's serialized form), and from then on that group's values go
 * through numeric_avg_accum and its output through the aggregate's own
 * final or serialization function.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "agg/agg_numeric.h"
#include "agg/agg_state.h"
#include "numeric_scaled.h"
#include "scan/batch.h"

#ifdef HAVE_INT128

/*
 * Largest display scale kept in the accumulator: rescaling the sum then
 * multiplies it by at most 10^16, and a scaled input stays an int64.
 */
#define AGG_NUMERIC_MAX_SCALE 16

/* The state of one group: numeric.c's NumericAggState, in integers. */
typedef struct AggNumericSum
{
	int128		sum;			/* exact sum, scaled by 10^scale */
	int64		count;			/* N: non-NULL inputs */
	int64		scale_count;	/* inputs whose display scale is scale */
	int32		scale;			/* largest input display scale (maxScale) */
	bool		created;		/* the group's state (trans->states) */
	void	   *fallback;		/* PostgreSQL's state once it took over */
} AggNumericSum;

/*
 * The accumulators of a trans sit in blocks of AGG_NUMERIC_BLOCK groups
 * (trans->numeric_blocks, in the aggregate context), so that the
 * accumulator of group g is found without reading trans->states[g] first;
 * the state of a group that has one points to it.
 */
#define AGG_NUMERIC_BLOCK 1024

/* Groups ahead whose accumulators the grouped loops prefetch. */
#define AGG_NUMERIC_PREFETCH 16

bool
AggNumericAvailable(void)
{
	return true;
}

/*
 * Parses numeric datum value into *scaled = value * 10^(*dscale); false
 * when it is NaN or infinite or does not fit the accumulator (the caller
 * falls back).
 */
static inline bool
parse_numeric(Datum value, int64 *scaled, int *dscale)
{
	return NumericScaledParse(value, scaled, dscale) &&
		*dscale <= AGG_NUMERIC_MAX_SCALE;
}

/*
 * The base-10000 digits of sum / 10^scale (scale <= AGG_NUMERIC_MAX_SCALE),
 * stripped of leading and trailing zeros as strip_var leaves them: returns
 * the number of digits, most significant first in digits[], and sets
 * *weight and *neg (zero: no digits, weight 0, positive).
 */
static int
sum_digits(int128 sum, int scale, int16 *digits, int *weight, bool *neg)
{
	uint128		mag;
	uint128		int_part;
	uint64		frac;
	int16		intdigits[12];
	int			nint = 0;
	int			nfrac;
	int			pad;
	int			n = 0;
	int			first;
	int			i;

	*neg = sum < 0;
	mag = *neg ? -(uint128) sum : (uint128) sum;
	int_part = mag / (uint64) numeric_scaled_pow10[scale];
	frac = (uint64) (mag % (uint64) numeric_scaled_pow10[scale]);

	while (int_part > 0)
	{
		intdigits[nint++] = (int16) (int_part % NUM_NBASE);
		int_part /= NUM_NBASE;
	}
	for (i = nint - 1; i >= 0; i--)
		digits[n++] = intdigits[i];

	/* the fraction, padded to whole base-10000 digits */
	pad = (4 - scale % 4) % 4;
	nfrac = (scale + pad) / 4;
	frac *= (uint64) numeric_scaled_pow10[pad];
	for (i = nfrac - 1; i >= 0; i--)
	{
		digits[n + i] = (int16) (frac % NUM_NBASE);
		frac /= NUM_NBASE;
	}
	n += nfrac;
	*weight = nint - 1;

	/* strip leading and trailing zeros */
	first = 0;
	while (first < n && digits[first] == 0)
	{
		first++;
		(*weight)--;
	}
	while (n > first && digits[n - 1] == 0)
		n--;
	n -= first;
	if (first > 0)
		memmove(digits, digits + first, n * sizeof(int16));
	if (n == 0)
	{
		*weight = 0;
		*neg = false;
	}
	return n;
}

/* The numeric datum of sum / 10^scale with display scale scale. */
static Datum
make_numeric(int128 sum, int scale)
{
	int16		digits[24];
	int			weight;
	bool		neg;
	int			n = sum_digits(sum, scale, digits, &weight, &neg);
	Size		len = VARHDRSZ + sizeof(uint16) + n * sizeof(int16);
	char	   *result = palloc(len);
	uint16		header;

	/* always the short format: scale <= 16 and |weight| < 64 */
	Assert(weight >= -64 && weight <= 63);
	SET_VARSIZE(result, len);
	header = NUM_SHORT | (neg ? NUM_SHORT_SIGN_MASK : 0) |
		(scale << NUM_SHORT_DSCALE_SHIFT) |
		(weight < 0 ? NUM_SHORT_WEIGHT_SIGN_MASK : 0) |
		(weight & NUM_SHORT_WEIGHT_MASK);
	memcpy(result + VARHDRSZ, &header, sizeof(uint16));
	memcpy(result + VARHDRSZ + sizeof(uint16), digits, n * sizeof(int16));
	return PointerGetDatum(result);
}

/* numeric_avg_serialize's bytes for the state acc stands for. */
static bytea *
serialize_sum(const AggNumericSum *acc)
{
	StringInfoData buf;
	int16		digits[24];
	int			weight;
	bool		neg;
	int			n;
	int			i;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, acc->count);
	if (acc->count == 0)
	{
		/* an empty accumulator's sum is numeric.c's const_zero */
		pq_sendint32(&buf, 0);
		pq_sendint32(&buf, 0);
		pq_sendint32(&buf, NUM_POS);
		pq_sendint32(&buf, 0);
	}
	else
	{
		n = sum_digits(acc->sum, acc->scale, digits, &weight, &neg);
		pq_sendint32(&buf, n);
		pq_sendint32(&buf, weight);
		pq_sendint32(&buf, neg ? NUM_NEG : NUM_POS);
		pq_sendint32(&buf, acc->scale);
		for (i = 0; i < n; i++)
			pq_sendint16(&buf, digits[i]);
	}
	pq_sendint32(&buf, acc->scale);
	pq_sendint64(&buf, acc->scale_count);
	pq_sendint64(&buf, 0);		/* NaN */
	pq_sendint64(&buf, 0);		/* +Infinity */
	pq_sendint64(&buf, 0);		/* -Infinity */
	return pq_endtypsend(&buf);
}

/*
 * Hands acc over to PostgreSQL: its state becomes numeric.c's own, made by
 * numeric_avg_deserialize in the aggregate context.
 */
static void
fall_back(OlapAggState *state, AggNumericSum *acc)
{
	LOCAL_FCINFO(fcinfo, 1);
	FmgrInfo	flinfo;
	MemoryContext old = MemoryContextSwitchTo(state->agg_context);
	bytea	   *bytes = serialize_sum(acc);

	fmgr_info(F_NUMERIC_AVG_DESERIALIZE, &flinfo);
	InitFunctionCallInfoData(*fcinfo, &flinfo, 1, InvalidOid,
							 (Node *) state->call_context, NULL);
	fcinfo->args[0].value = PointerGetDatum(bytes);
	fcinfo->args[0].isnull = false;
	acc->fallback = DatumGetPointer(FunctionCallInvoke(fcinfo));
	pfree(bytes);
	MemoryContextSwitchTo(old);
}

/* Feeds value to PostgreSQL's state of a group that fell back. */
static void
advance_fallback(OlapAggTrans *trans, AggNumericSum *acc, Datum value,
				 bool isnull)
{
	FunctionCallInfo fcinfo = trans->fcinfo;

	fcinfo->args[0].value = PointerGetDatum(acc->fallback);
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = value;
	fcinfo->args[1].isnull = isnull;
	fcinfo->isnull = false;
	/* numeric_avg_accum updates its state in place and returns it */
	acc->fallback = DatumGetPointer(FunctionCallInvoke(fcinfo));
}

/* Makes room for the accumulators of blocks blocks. */
static void
grow_blocks(OlapAggState *state, OlapAggTrans *trans, uint32 nblocks)
{
	uint32		have = trans->numeric_nblocks;
	uint32		want = Max(nblocks, have * 2);

	if (trans->numeric_blocks == NULL)
		trans->numeric_blocks =
			MemoryContextAllocZero(state->agg_context,
								   sizeof(AggNumericSum *) * want);
	else
	{
		trans->numeric_blocks = repalloc(trans->numeric_blocks,
										 sizeof(AggNumericSum *) * want);
		memset(trans->numeric_blocks + have, 0,
			   sizeof(AggNumericSum *) * (want - have));
	}
	trans->numeric_nblocks = want;
}

/* The accumulator of group g, created (empty) when the group has none. */
static inline AggNumericSum *
get_sum(OlapAggState *state, OlapAggTrans *trans, uint32 g)
{
	uint32		b = g / AGG_NUMERIC_BLOCK;
	AggNumericSum *acc;

	if (unlikely(b >= trans->numeric_nblocks))
		grow_blocks(state, trans, b + 1);
	if (unlikely(trans->numeric_blocks[b] == NULL))
		trans->numeric_blocks[b] =
			MemoryContextAllocZero(state->agg_context,
								   sizeof(AggNumericSum) * AGG_NUMERIC_BLOCK);
	acc = &trans->numeric_blocks[b][g % AGG_NUMERIC_BLOCK];
	if (unlikely(!acc->created))
	{
		acc->created = true;
		trans->states[g] = PointerGetDatum(acc);
		trans->nulls[g] = false;
	}
	return acc;
}

/* Prefetches the accumulator of group g, if its block exists. */
static inline void
prefetch_sum(const OlapAggTrans *trans, uint32 g)
{
	uint32		b = g / AGG_NUMERIC_BLOCK;

	if (b < trans->numeric_nblocks && trans->numeric_blocks[b] != NULL)
		__builtin_prefetch(&trans->numeric_blocks[b][g % AGG_NUMERIC_BLOCK]);
}

/*
 * Adds value (or a NULL, which only creates the state, as
 * numeric_avg_accum does) to the accumulator of group g.
 */
void
AggNumericAdvance(OlapAggState *state, OlapAggTrans *trans, uint32 g,
				  Datum value, bool isnull)
{
	AggNumericSum *acc;
	int64		x;
	int			dscale;
	int128		add;
	int128		sum;

	acc = get_sum(state, trans, g);
	if (isnull)
	{
		if (acc->fallback != NULL)
			advance_fallback(trans, acc, value, isnull);
		return;
	}
	if (acc->fallback == NULL && parse_numeric(value, &x, &dscale))
	{
		sum = acc->sum;
		add = x;
		if (dscale > acc->scale)
		{
			if (!__builtin_mul_overflow(sum,
										(int128) numeric_scaled_pow10[dscale - acc->scale],
										&sum))
			{
				if (!__builtin_add_overflow(sum, add, &sum))
				{
					acc->sum = sum;
					acc->scale = dscale;
					acc->scale_count = 1;
					acc->count++;
					return;
				}
			}
		}
		else
		{
			add *= numeric_scaled_pow10[acc->scale - dscale];
			if (!__builtin_add_overflow(sum, add, &sum))
			{
				acc->sum = sum;
				if (dscale == acc->scale)
					acc->scale_count++;
				acc->count++;
				return;
			}
		}
	}
	if (acc->fallback == NULL)
		fall_back(state, acc);
	advance_fallback(trans, acc, value, isnull);
}

/*
 * Adds to acc (not fallen back) the sum add of k values of display scale
 * dscale (<= AGG_NUMERIC_MAX_SCALE), as k calls of AggNumericAdvance would;
 * returns false, leaving acc unchanged, when the sum would overflow.
 */
static inline bool
add_scaled_sum(AggNumericSum *acc, int128 add, int dscale, int64 k)
{
	int128		sum = acc->sum;

	if (k == 0)
		return true;
	if (likely(dscale == acc->scale))
	{
		/* the usual case: one display scale for the whole column */
		if (__builtin_add_overflow(sum, add, &sum))
			return false;
		acc->scale_count += k;
	}
	else if (dscale > acc->scale)
	{
		if (__builtin_mul_overflow(sum,
								   (int128) numeric_scaled_pow10[dscale - acc->scale],
								   &sum) ||
			__builtin_add_overflow(sum, add, &sum))
			return false;
		acc->scale = dscale;
		acc->scale_count = k;
	}
	else
	{
		if (__builtin_mul_overflow(add,
								   (int128) numeric_scaled_pow10[acc->scale - dscale],
								   &add) ||
			__builtin_add_overflow(sum, add, &sum))
			return false;
	}
	acc->sum = sum;
	acc->count += k;
	return true;
}

/*
 * Adds x, a value scaled by 10^dscale (fits: dscale is at most
 * AGG_NUMERIC_MAX_SCALE), or a NULL to group g of sum/avg trans.
 */
static inline void
advance_scaled(OlapAggState *state, OlapAggTrans *trans, uint32 g,
			   int64 x, int dscale, bool fits, bool isnull)
{
	AggNumericSum *acc = get_sum(state, trans, g);

	if (isnull)
	{
		if (acc->fallback == NULL)
			return;
	}
	else if (acc->fallback == NULL && fits &&
			 add_scaled_sum(acc, x, dscale, 1))
		return;
	AggNumericAdvance(state, trans, g,
					  isnull ? (Datum) 0 : NumericScaledMake(x, dscale),
					  isnull);
}

/*
 * The grouped sum/avg of AggNumericAdvanceScaled over few groups
 * (agg_use_lanes): each group's rows are summed in lanes and added to its
 * accumulator at once.  A group whose accumulator fell back or would
 * overflow takes its rows one by one instead.
 */
static void
sum_scaled_in_lanes(OlapAggState *state, OlapAggTrans *trans,
					const OlapVector *vector, const uint32 *sel, uint32 n,
					const uint32 *gids)
{
	const int64 *x = vector->scaled;
	const bool *nulls = vector->nulls;
	int			dscale = vector->dscale;
	int128		sums[AGG_LANES][AGG_LANE_GROUPS];
	int64		counts[AGG_LANES][AGG_LANE_GROUPS];
	bool		seen[AGG_LANE_GROUPS];
	uint32		ngroups = state->ngroups;
	uint32		i;
	int			lane;

	for (lane = 0; lane < AGG_LANES; lane++)
	{
		memset(sums[lane], 0, sizeof(int128) * ngroups);
		memset(counts[lane], 0, sizeof(int64) * ngroups);
	}
	memset(seen, 0, sizeof(bool) * ngroups);

	/* NULL rows hold 0 in the view */
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		g = gids[row];

		sums[i % AGG_LANES][g] += x[row];
		counts[i % AGG_LANES][g] += !nulls[row];
		seen[g] = true;
	}

	for (uint32 g = 0; g < ngroups; g++)
	{
		int128		sum = 0;
		int64		count = 0;
		AggNumericSum *acc;

		if (!seen[g])
			continue;
		for (lane = 0; lane < AGG_LANES; lane++)
		{
			sum += sums[lane][g];
			count += counts[lane][g];
		}
		acc = get_sum(state, trans, g);
		if (acc->fallback == NULL && add_scaled_sum(acc, sum, dscale, count))
			continue;
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];

			if (gids[row] == g)
				advance_scaled(state, trans, g, x[row], dscale, true,
							   nulls[row]);
		}
	}
}

/*
 * Feeds the n rows sel of vector, which has a scaled view, to trans
 * (AGG_METHOD_SUM_NUMERIC, AGG_METHOD_MIN_NUMERIC or
 * AGG_METHOD_MAX_NUMERIC): each row to its group gids[row], or all to
 * group 0 when gids is NULL.  The results are those of AggNumericAdvance
 * and AggNumericMinMax on the rows' numerics, which are built only where a
 * value must be kept or the accumulator falls back.
 */
void
AggNumericAdvanceScaled(OlapAggState *state, OlapAggTrans *trans,
						const OlapVector *vector, const uint32 *sel,
						uint32 n, const uint32 *gids)
{
	const int64 *x = vector->scaled;
	const bool *nulls = vector->nulls;
	int			dscale = vector->dscale;
	bool		fits = dscale <= AGG_NUMERIC_MAX_SCALE;
	uint32		i;

	if (trans->method == AGG_METHOD_SUM_NUMERIC && gids == NULL)
	{
		AggNumericSum *acc;
		int128		sum = 0;
		int64		k = 0;

		if (n == 0)
			return;
		acc = get_sum(state, trans, 0);
		if (acc->fallback == NULL && fits)
		{
			/* NULL rows hold 0 in the view */
			if (sel[0] == 0 && sel[n - 1] == n - 1)
			{
				/* every row of 0..n-1 (sel is increasing) */
				uint32		null_rows = 0;

				for (i = 0; i < n; i++)
					sum += x[i];
				for (i = 0; i < n; i++)
					null_rows += nulls[i];
				k = n - null_rows;
			}
			else
			{
				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];

					sum += x[row];
					k += !nulls[row];
				}
			}
			if (add_scaled_sum(acc, sum, dscale, k))
				return;
		}
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];

			AggNumericAdvance(state, trans, 0,
							  nulls[row] ? (Datum) 0 :
							  NumericScaledMake(x[row], dscale),
							  nulls[row]);
		}
		return;
	}
	if (trans->method == AGG_METHOD_SUM_NUMERIC && fits &&
		agg_use_lanes(state, n))
	{
		sum_scaled_in_lanes(state, trans, vector, sel, n, gids);
		return;
	}
	if (trans->method == AGG_METHOD_SUM_NUMERIC)
	{
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];

			if (i + AGG_NUMERIC_PREFETCH < n)
				prefetch_sum(trans, gids[sel[i + AGG_NUMERIC_PREFETCH]]);
			advance_scaled(state, trans, gids[row], x[row], dscale, fits,
						   nulls[row]);
		}
		return;
	}

	/* min and max */
	{
		bool		is_min = trans->method == AGG_METHOD_MIN_NUMERIC;

		if (gids == NULL)
		{
			bool		any = false;
			int64		best = 0;

			/* equal integers of one scale are the same numeric bytes */
			for (i = 0; i < n; i++)
			{
				uint32		row = sel[i];
				int64		v = x[row];

				if (nulls[row])
					continue;
				if (!any || (is_min ? v < best : v > best))
					best = v;
				any = true;
			}
			if (any)
				AggNumericMinMax(state, trans, 0,
								 NumericScaledMake(best, dscale), false,
								 is_min);
			return;
		}
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];
			uint32		g = gids[row];
			int64		cur;
			int			cur_scale;

			if (nulls[row])
				continue;
			if (!trans->nulls[g] &&
				NumericScaledParse(trans->states[g], &cur, &cur_scale))
			{
				int			cmp = NumericScaledCompare(cur, cur_scale,
													   x[row], dscale);

				/* kept as AggNumericMinMax would keep it */
				if ((is_min ? cmp < 0 : cmp > 0) ||
					(cmp == 0 && cur_scale == dscale))
					continue;
			}
			AggNumericMinMax(state, trans, g, NumericScaledMake(x[row], dscale),
							 false, is_min);
		}
	}
}

/*
 * min(numeric) or max(numeric) (is_min) of group g, with value: the state
 * is PostgreSQL's (a numeric, copied into the aggregate context), and it is
 * replaced when numeric_smaller / numeric_larger would return the new value
 * (which they do on ties too), except by a value of the same bytes.
 */
void
AggNumericMinMax(OlapAggState *state, OlapAggTrans *trans, uint32 g,
				 Datum value, bool isnull, bool is_min)
{
	Datum		cur;
	int			cmp;
	MemoryContext old;

	if (isnull)
		return;
	if (!trans->nulls[g])
	{
		cur = trans->states[g];
		cmp = NumericCompare(cur, value);
		if (is_min ? cmp < 0 : cmp > 0)
			return;
		if (cmp == 0 &&
			VARSIZE_ANY_EXHDR(DatumGetPointer(cur)) ==
			VARSIZE_ANY_EXHDR(DatumGetPointer(value)) &&
			memcmp(VARDATA_ANY(DatumGetPointer(cur)),
				   VARDATA_ANY(DatumGetPointer(value)),
				   VARSIZE_ANY_EXHDR(DatumGetPointer(cur))) == 0)
			return;
		pfree(DatumGetPointer(cur));
	}
	old = MemoryContextSwitchTo(state->agg_context);
	trans->states[g] = datumCopy(value, false, -1);
	trans->nulls[g] = false;
	MemoryContextSwitchTo(old);
}

/*
 * The output of trans for accumulator acc (the state of one group): its
 * final value, or numeric_avg_serialize's bytes in partial plans.
 */
Datum
AggNumericFinish(OlapAggState *state, OlapAggTrans *trans, Datum acc_datum,
				 bool *isnull)
{
	AggNumericSum *acc = (AggNumericSum *) DatumGetPointer(acc_datum);
	FmgrInfo   *flinfo = trans->partial ? &trans->serialfn : &trans->finalfn;
	Oid			fn = flinfo->fn_oid;
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	*isnull = false;
	if (acc->fallback == NULL)
	{
		if (trans->partial && fn == F_NUMERIC_AVG_SERIALIZE)
			return PointerGetDatum(serialize_sum(acc));
		if (!trans->partial && (fn == F_NUMERIC_SUM || fn == F_NUMERIC_AVG))
		{
			Datum		sum;

			if (acc->count == 0)
			{
				*isnull = true;
				return (Datum) 0;
			}
			sum = make_numeric(acc->sum, acc->scale);
			if (fn == F_NUMERIC_SUM)
				return sum;
			return DirectFunctionCall2(numeric_div, sum,
									   NumericGetDatum(int64_to_numeric(acc->count)));
		}
		/* any other use wants PostgreSQL's state itself */
		fall_back(state, acc);
	}
	if (!OidIsValid(fn))
		return PointerGetDatum(acc->fallback);
	InitFunctionCallInfoData(*fcinfo, flinfo, 1, trans->aggref->inputcollid,
							 (Node *) state->call_context, NULL);
	fcinfo->args[0].value = PointerGetDatum(acc->fallback);
	fcinfo->args[0].isnull = false;
	result = FunctionCallInvoke(fcinfo);
	*isnull = fcinfo->isnull;
	return result;
}

#else							/* !HAVE_INT128 */

bool
AggNumericAvailable(void)
{
	return false;
}

void
AggNumericAdvance(OlapAggState *state, OlapAggTrans *trans, uint32 g,
				  Datum value, bool isnull)
{
	elog(ERROR, "OlapAgg numeric accumulator is not available in this build");
}

Datum
AggNumericFinish(OlapAggState *state, OlapAggTrans *trans, Datum acc,
				 bool *isnull)
{
	elog(ERROR, "OlapAgg numeric accumulator is not available in this build");
	return (Datum) 0;
}

void
AggNumericMinMax(OlapAggState *state, OlapAggTrans *trans, uint32 g,
				 Datum value, bool isnull, bool is_min)
{
	elog(ERROR, "OlapAgg numeric accumulator is not available in this build");
}

void
AggNumericAdvanceScaled(OlapAggState *state, OlapAggTrans *trans,
						const OlapVector *vector, const uint32 *sel,
						uint32 n, const uint32 *gids)
{
	elog(ERROR, "OlapAgg numeric accumulator is not available in this build");
}

#endif							/* HAVE_INT128 */
