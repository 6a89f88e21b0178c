/*-------------------------------------------------------------------------
 *
 * agg_percentile.c
 *	  percentile_disc(f) and percentile_cont(f) WITHIN GROUP (ORDER BY x) in
 *	  OlapAgg.
 *
 * PostgreSQL feeds every input row of a group into a tuplesort and sorts
 * it at the end.  Here a group keeps its non-NULL inputs in a plain array
 * of int64 (integers, dates, timestamps) or of double (integers cast to
 * float8, the argument percentile_cont takes), filled a batch at a time,
 * and the final function selects the one or two ranks it needs with a
 * quickselect instead of sorting everything.  The ranks and the
 * interpolation are those of orderedsetaggs.c, so the results are the
 * same: percentile_disc returns the value of rank ceil(f * n) (at least
 * 1), percentile_cont interpolates lo + f' * (hi - lo) between ranks
 * floor and ceil of f * (n - 1); a fraction outside [0, 1] raises the
 * same error when a group is finished, a NULL fraction gives NULL.
 *
 * Memory: the arrays of all groups of one aggregate stay within the hash
 * memory limit of the node.  A group whose array would grow beyond it
 * moves its values into a tuplesort of its own (work_mem, spilling to
 * disk like PostgreSQL's) and keeps adding there; its final value is then
 * read from the sorted tuplesort as orderedsetaggs.c does.
 *
 * Only inputs without NaN or signed zeros are taken (no float columns), so
 * equal values are identical and which of several equal values a rank
 * selects cannot show.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_oper.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/tuplesort.h"

#include "agg/agg_hash.h"
#include "agg/agg_percentile.h"

/* What one percentile aggregate computes, and the memory its groups use. */
typedef struct AggPercentile
{
	bool		cont;			/* percentile_cont, else percentile_disc */
	bool		fraction_null;
	double		fraction;
	bool		as_double;		/* inputs are float8 (of integers) */
	int16		width;			/* else bytes of the integer-like input */
	Oid			input_type;		/* for the tuplesort */
	Oid			sort_op;
	Size		bytes;			/* of all groups' arrays */
	List	   *sorts;			/* tuplesorts of groups, to end */
} AggPercentile;

/* A group's state: its non-NULL inputs so far. */
typedef struct PercentileGroup
{
	int64		count;
	int64		capacity;		/* entries of values */
	union
	{
		int64	   *ints;
		double	   *doubles;
	}			values;
	Tuplesortstate *sort;		/* once the values moved there, else NULL */
	bool		sorted;			/* sort is sorted */
} PercentileGroup;

/* First capacity of a group's array. */
#define PERCENTILE_MIN_CAPACITY 64

/* Integer-like input types, by their byte width, or 0. */
static int16
int_like_width(Oid type)
{
	switch (type)
	{
		case INT2OID:
			return 2;
		case INT4OID:
		case DATEOID:
			return 4;
		case INT8OID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return 8;
		default:
			return 0;
	}
}

/* True when expr is an integer (column or expression) cast to float8. */
static bool
is_int_to_float8(Node *expr)
{
	FuncExpr   *func;

	if (!IsA(expr, FuncExpr))
		return false;
	func = (FuncExpr *) expr;
	return (func->funcid == F_FLOAT8_INT2 || func->funcid == F_FLOAT8_INT4 ||
			func->funcid == F_FLOAT8_INT8) &&
		list_length(func->args) == 1;
}

bool
AggPercentileSupported(Aggref *aggref)
{
	TargetEntry *tle;
	SortGroupClause *sgc;
	Node	   *fraction;
	Oid			type;
	Oid			ltop;

	if (aggref->aggkind != AGGKIND_ORDERED_SET ||
		(aggref->aggfnoid != F_PERCENTILE_DISC_FLOAT8_ANYELEMENT &&
		 aggref->aggfnoid != F_PERCENTILE_CONT_FLOAT8_FLOAT8) ||
		aggref->aggdistinct != NIL ||
		list_length(aggref->aggdirectargs) != 1 ||
		list_length(aggref->args) != 1 ||
		list_length(aggref->aggorder) != 1)
		return false;
	fraction = linitial(aggref->aggdirectargs);
	if (!IsA(fraction, Const) || ((Const *) fraction)->consttype != FLOAT8OID)
		return false;
	tle = linitial_node(TargetEntry, aggref->args);
	sgc = linitial_node(SortGroupClause, aggref->aggorder);
	type = exprType((Node *) tle->expr);
	if (sgc->tleSortGroupRef != tle->ressortgroupref)
		return false;
	if (!(int_like_width(type) > 0 ||
		  (type == FLOAT8OID && is_int_to_float8((Node *) tle->expr))))
		return false;
	/* ascending by the type's default order: the order ranks count in */
	get_sort_group_operators(type, false, false, false, &ltop, NULL, NULL,
							 NULL);
	return OidIsValid(ltop) && sgc->sortop == ltop;
}

void
AggPercentileInit(OlapAggState *state, OlapAggTrans *trans, Aggref *aggref)
{
	AggPercentile *p = palloc0(sizeof(AggPercentile));
	Const	   *fraction = linitial_node(Const, aggref->aggdirectargs);
	TargetEntry *tle = linitial_node(TargetEntry, aggref->args);

	p->cont = aggref->aggfnoid == F_PERCENTILE_CONT_FLOAT8_FLOAT8;
	p->fraction_null = fraction->constisnull;
	p->fraction = fraction->constisnull ? 0 :
		DatumGetFloat8(fraction->constvalue);
	p->input_type = exprType((Node *) tle->expr);
	p->as_double = p->input_type == FLOAT8OID;
	p->width = p->as_double ? 8 : int_like_width(p->input_type);
	p->sort_op = linitial_node(SortGroupClause, aggref->aggorder)->sortop;
	trans->percentile = p;
	trans->method = AGG_METHOD_PERCENTILE;
}

/* The Datum of the input value at index i of the array of group. */
static Datum
array_datum(const AggPercentile *p, const PercentileGroup *group, int64 i)
{
	if (p->as_double)
		return Float8GetDatum(group->values.doubles[i]);
	return agg_int_datum(group->values.ints[i], p->width);
}

/* Moves group's values into a tuplesort of its own. */
static void
move_to_sort(OlapAggState *state, AggPercentile *p, PercentileGroup *group)
{
	MemoryContext old = MemoryContextSwitchTo(state->agg_context);
	int64		i;

	group->sort = tuplesort_begin_datum(p->input_type, p->sort_op,
										InvalidOid, false, work_mem, NULL,
										TUPLESORT_RANDOMACCESS);
	p->sorts = lappend(p->sorts, group->sort);
	MemoryContextSwitchTo(old);
	state->percentile_sorts++;
	for (i = 0; i < group->count; i++)
		tuplesort_putdatum(group->sort, array_datum(p, group, i), false);
	if (group->values.ints != NULL)
		pfree(group->values.ints);
	group->values.ints = NULL;
	p->bytes -= group->capacity * sizeof(int64);
	group->capacity = 0;
}

/*
 * Makes room for more values in group's array, or moves the group into a
 * tuplesort when the arrays would outgrow the node's memory limit.
 */
static void
grow_group(OlapAggState *state, AggPercentile *p, PercentileGroup *group)
{
	int64		capacity = Max(group->capacity * 2, PERCENTILE_MIN_CAPACITY);
	Size		more = (capacity - group->capacity) * sizeof(int64);

	if (p->bytes + more > state->mem_limit)
	{
		move_to_sort(state, p, group);
		return;
	}
	if (group->values.ints == NULL)
		group->values.ints = MemoryContextAllocHuge(state->agg_context,
													capacity * sizeof(int64));
	else
		group->values.ints = repalloc_huge(group->values.ints,
										   capacity * sizeof(int64));
	p->bytes += more;
	group->capacity = capacity;
}

/* The state of group g, created on its first value. */
static PercentileGroup *
group_state(OlapAggState *state, OlapAggTrans *trans, uint32 g)
{
	if (trans->nulls[g])
	{
		trans->states[g] = PointerGetDatum(MemoryContextAllocZero(state->agg_context,
																  sizeof(PercentileGroup)));
		trans->nulls[g] = false;
	}
	return (PercentileGroup *) DatumGetPointer(trans->states[g]);
}

void
AggPercentileAdvance(OlapAggState *state, OlapAggTrans *trans,
					 const uint32 *gids, const Datum *values,
					 const bool *nulls, const uint32 *sel, uint32 n)
{
	AggPercentile *p = trans->percentile;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		PercentileGroup *group;

		if (nulls[row])
			continue;
		group = group_state(state, trans, gids != NULL ? gids[row] : 0);
		if (group->sort == NULL && group->count == group->capacity)
			grow_group(state, p, group);
		if (group->sort != NULL)
			tuplesort_putdatum(group->sort, values[row], false);
		else if (p->as_double)
			group->values.doubles[group->count] = DatumGetFloat8(values[row]);
		else
			group->values.ints[group->count] = agg_value_int(values[row],
															 p->width);
		group->count++;
	}
}

/*
 * Quickselect: rearranges a[lo..hi] so that a[k] is the value of rank k
 * (0-based) with nothing larger before it and nothing smaller after it.
 */
#define DEFINE_SELECT(name, type) \
static void \
name(type *a, int64 lo, int64 hi, int64 k) \
{ \
	while (lo < hi) \
	{ \
		int64		mid = lo + (hi - lo) / 2; \
		type		pivot; \
		int64		i = lo; \
		int64		j = hi; \
		\
		/* median of three as the pivot */ \
		if (a[mid] < a[lo]) { type t = a[mid]; a[mid] = a[lo]; a[lo] = t; } \
		if (a[hi] < a[lo]) { type t = a[hi]; a[hi] = a[lo]; a[lo] = t; } \
		if (a[hi] < a[mid]) { type t = a[hi]; a[hi] = a[mid]; a[mid] = t; } \
		pivot = a[mid]; \
		while (i <= j) \
		{ \
			while (a[i] < pivot) i++; \
			while (pivot < a[j]) j--; \
			if (i <= j) \
			{ \
				type t = a[i]; a[i] = a[j]; a[j] = t; \
				i++; j--; \
			} \
		} \
		if (k <= j) \
			hi = j; \
		else if (k >= i) \
			lo = i; \
		else \
			return; \
		CHECK_FOR_INTERRUPTS(); \
	} \
}

DEFINE_SELECT(select_int64, int64)
DEFINE_SELECT(select_double, double)

/* The input value of rank k (0-based) in group's array. */
static Datum
array_rank(const AggPercentile *p, PercentileGroup *group, int64 k)
{
	if (p->as_double)
		select_double(group->values.doubles, 0, group->count - 1, k);
	else
		select_int64(group->values.ints, 0, group->count - 1, k);
	return array_datum(p, group, k);
}

/*
 * The input value of rank k + 1 in group's array, right after array_rank
 * of k: the smallest value after position k.
 */
static Datum
array_next_rank(const AggPercentile *p, PercentileGroup *group, int64 k)
{
	int64		best = k + 1;
	int64		i;

	for (i = k + 2; i < group->count; i++)
	{
		if (p->as_double ? group->values.doubles[i] < group->values.doubles[best] :
			group->values.ints[i] < group->values.ints[best])
			best = i;
	}
	return array_datum(p, group, best);
}

/* The input value of rank k (0-based) in group's tuplesort; next after. */
static Datum
sort_rank(PercentileGroup *group, int64 k, bool next)
{
	Datum		value;
	bool		isnull;

	if (!next)
	{
		if (!group->sorted)
		{
			tuplesort_performsort(group->sort);
			group->sorted = true;
		}
		else
			tuplesort_rescan(group->sort);
		if (k > 0 && !tuplesort_skiptuples(group->sort, k, true))
			elog(ERROR, "missing row in percentile");
	}
	if (!tuplesort_getdatum(group->sort, true, &value, &isnull, NULL) || isnull)
		elog(ERROR, "missing row in percentile");
	return value;
}

Datum
AggPercentileFinish(OlapAggState *state, OlapAggTrans *trans, Datum acc,
					bool acc_null, bool *isnull)
{
	AggPercentile *p = trans->percentile;
	PercentileGroup *group;
	double		f = p->fraction;
	int64		first;
	int64		second;
	Datum		lo;
	Datum		hi;
	double		lov;

	*isnull = true;
	if (p->fraction_null)
		return (Datum) 0;
	if (f < 0 || f > 1 || isnan(f))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", f)));
	if (acc_null)
		return (Datum) 0;
	group = (PercentileGroup *) DatumGetPointer(acc);
	if (group->count == 0)
		return (Datum) 0;
	*isnull = false;

	if (!p->cont)
	{
		int64		rank = (int64) ceil(f * group->count);

		first = Max(rank, 1) - 1;
		return group->sort != NULL ? sort_rank(group, first, false) :
			array_rank(p, group, first);
	}

	first = (int64) floor(f * (group->count - 1));
	second = (int64) ceil(f * (group->count - 1));
	lo = group->sort != NULL ? sort_rank(group, first, false) :
		array_rank(p, group, first);
	if (first == second)
		return lo;
	hi = group->sort != NULL ? sort_rank(group, second, true) :
		array_next_rank(p, group, first);
	lov = DatumGetFloat8(lo);
	return Float8GetDatum(lov + ((f * (group->count - 1)) - first) *
						  (DatumGetFloat8(hi) - lov));
}

void
AggPercentileRelease(OlapAggTrans *trans)
{
	AggPercentile *p = trans->percentile;
	ListCell   *lc;

	foreach(lc, p->sorts)
		tuplesort_end((Tuplesortstate *) lfirst(lc));
	list_free(p->sorts);
	p->sorts = NIL;
	p->bytes = 0;
}
