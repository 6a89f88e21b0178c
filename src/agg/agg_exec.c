/*-------------------------------------------------------------------------
 *
 * agg_exec.c
 *	  Executing OlapAgg: aggregates computed over whole OlapScan batches.
 *
 * The node pulls every batch of its OlapScan child (OlapScanNextBatch) and
 * feeds the selected rows of each aggregate's column to the aggregate's
 * transition state of the row's group, then returns one row per group (one
 * row without GROUP BY, even for an empty input): the keys and the final
 * values (serial plans) or the transition states, serialized when the state
 * type is internal (partial plans under Gather, where PostgreSQL's Finalize
 * Aggregate combines them).
 *
 * Groups live in an open-addressing hash table on the key values (integers
 * compared as integers, text by its bytes; agg_hash.h), which agg_group.c
 * looks the rows of a batch up in.  Keys and states are arrays by group
 * number, grown by doubling.  Keys, arguments and FILTER
 * clauses that are expressions are computed per batch (agg_input.c).  When
 * the groups outgrow the hash memory limit, rows of new groups go to spill
 * files aggregated after the groups in memory (agg_spill.c).
 *
 * States are PostgreSQL's own: each aggregate keeps the transition value
 * its pg_aggregate entry defines, starting from the same initial value,
 * and is finished by the same final or serialization function, so results
 * are exactly PostgreSQL's.  The per-batch loops are in agg_advance.c:
 * cheap aggregates have a loop of their own over the vector (count,
 * count(DISTINCT), sum of int2/int4, min/max of integer-like types),
 * computing the same value the transition function would.  Every other
 * aggregate calls its transition function once per selected value, with a
 * stand-in AggState as fcinfo->context so that functions relying on
 * AggCheckCallContext keep their state in the node's aggregate context and
 * update it in place, like under nodeAgg.c; that still saves the per-row
 * slot, expression evaluation and executor dispatch.  The planner only
 * admits transition functions that need nothing else of the aggregate call.
 *
 * Aggregates with the same transition (sum and avg of one column) share one
 * state when their final functions only read it, as in nodeAgg.c.
 *
 * Memory: groups and states live in the "olap_ext aggregate states" context
 * (reset at rescans), garbage of transition calls in a per-batch context,
 * final values in the per-output-row expression context.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "agg/agg_hash.h"
#include "agg/agg_input.h"
#include "agg/agg_numeric.h"
#include "agg/agg_percentile.h"
#include "agg/agg_spill.h"
#include "agg/agg_state.h"
#include "agg/olap_agg.h"
#include "guc.h"
#include "scan/batch.h"
#include "scan/vector_quals.h"

static void finish_pass(OlapAggState *state);
static void repartition_pass(OlapAggState *state, AggSpillFile *file);
static void olap_agg_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *olap_agg_exec(CustomScanState *node);
static void olap_agg_end(CustomScanState *node);
static void olap_agg_rescan(CustomScanState *node);
static void olap_agg_explain(CustomScanState *node, List *ancestors,
							 ExplainState *es);

static const CustomExecMethods olap_agg_exec_methods = {
	.CustomName = OLAP_AGG_NAME,
	.BeginCustomScan = olap_agg_begin,
	.ExecCustomScan = olap_agg_exec,
	.EndCustomScan = olap_agg_end,
	.ReScanCustomScan = olap_agg_rescan,
	.ExplainCustomScan = olap_agg_explain,
	/* used by partitioned plans only, the parallel-aware ones */
	.EstimateDSMCustomScan = AggPartitionEstimateDSM,
	.InitializeDSMCustomScan = AggPartitionInitializeDSM,
	.ReInitializeDSMCustomScan = AggPartitionReInitializeDSM,
	.InitializeWorkerCustomScan = AggPartitionInitializeWorker,
};

Node *
OlapAggCreateState(CustomScan *cscan)
{
	OlapAggState *state = (OlapAggState *) newNode(sizeof(OlapAggState),
												   T_CustomScanState);

	state->css.methods = &olap_agg_exec_methods;
	return (Node *) state;
}

static OlapAggMethod choose_transfn_method(Oid transfn, int16 *int_width);

/*
 * The batch loop of aggregate aggref, whose transition function is transfn
 * (DISTINCT is decided by init_trans).
 */
static OlapAggMethod
choose_method(Aggref *aggref, Oid transfn, int16 *int_width)
{
	*int_width = 0;
	if (aggref->aggkind == AGGKIND_ORDERED_SET)
		return AGG_METHOD_PERCENTILE;
	/* text_smaller/text_larger compare bytes under C */
	if ((transfn == F_TEXT_SMALLER || transfn == F_TEXT_LARGER) &&
		OidIsValid(aggref->inputcollid) && lc_collate_is_c(aggref->inputcollid))
		return transfn == F_TEXT_SMALLER ? AGG_METHOD_MIN_TEXT :
			AGG_METHOD_MAX_TEXT;
	return choose_transfn_method(transfn, int_width);
}

/* The batch loop of transition function transfn, if any. */
static OlapAggMethod
choose_transfn_method(Oid transfn, int16 *int_width)
{
	*int_width = 0;
	switch (transfn)
	{
		case F_INT8INC:
			return AGG_METHOD_COUNT_STAR;
		case F_INT8INC_ANY:
			return AGG_METHOD_COUNT;
		case F_INT2_SUM:
		case F_INT4_SUM:
			return AGG_METHOD_SUM_INT;
		case F_INT2SMALLER:
			*int_width = 2;
			return AGG_METHOD_MIN_INT;
		case F_INT2LARGER:
			*int_width = 2;
			return AGG_METHOD_MAX_INT;
		case F_INT4SMALLER:
		case F_DATE_SMALLER:
			*int_width = 4;
			return AGG_METHOD_MIN_INT;
		case F_INT4LARGER:
		case F_DATE_LARGER:
			*int_width = 4;
			return AGG_METHOD_MAX_INT;
		case F_INT8SMALLER:
		case F_TIMESTAMP_SMALLER:
		case F_TIMESTAMPTZ_SMALLER:
			*int_width = 8;
			return AGG_METHOD_MIN_INT;
		case F_INT8LARGER:
		case F_TIMESTAMP_LARGER:
		case F_TIMESTAMPTZ_LARGER:
			*int_width = 8;
			return AGG_METHOD_MAX_INT;
		case F_NUMERIC_AVG_ACCUM:
			return AggNumericAvailable() ? AGG_METHOD_SUM_NUMERIC :
				AGG_METHOD_TRANSFN;
		case F_INT2_AVG_ACCUM:
		case F_INT4_AVG_ACCUM:
			return AGG_METHOD_AVG_INT;
		case F_NUMERIC_SMALLER:
			return AggNumericAvailable() ? AGG_METHOD_MIN_NUMERIC :
				AGG_METHOD_TRANSFN;
		case F_NUMERIC_LARGER:
			return AggNumericAvailable() ? AGG_METHOD_MAX_NUMERIC :
				AGG_METHOD_TRANSFN;
		default:
			return AGG_METHOD_TRANSFN;
	}
}

/*
 * Planner: how the batch loops run the aggregate with transition function
 * transfn (choose_method), for its cost (agg_planner.c).
 */
OlapAggLoop
OlapAggTransfnLoop(Aggref *aggref, Oid transfn)
{
	int16		int_width;

	switch (choose_method(aggref, transfn, &int_width))
	{
		case AGG_METHOD_TRANSFN:
			return OLAP_AGG_PER_VALUE;
		case AGG_METHOD_SUM_NUMERIC:
		case AGG_METHOD_MIN_NUMERIC:
		case AGG_METHOD_MAX_NUMERIC:
		case AGG_METHOD_MIN_TEXT:
		case AGG_METHOD_MAX_TEXT:
			return OLAP_AGG_LOOP_NUMERIC;
		default:
			return OLAP_AGG_LOOP_INT;
	}
}

/* Looks up aggregate aggref's functions and initial value into trans. */
static void
init_trans(OlapAggState *state, OlapAggTrans *trans, Aggref *aggref,
		   EState *estate, Index scanrelid)
{
	HeapTuple	tuple;
	Form_pg_aggregate agg;
	Datum		initval;
	bool		isnull;
	int			nargs = aggref->aggstar ? 0 : 1;

	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggref->aggfnoid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for aggregate %u", aggref->aggfnoid);
	agg = (Form_pg_aggregate) GETSTRUCT(tuple);

	trans->aggref = aggref;
	trans->arg = NULL;
	if (!aggref->aggstar)
	{
		Expr	   *arg = linitial_node(TargetEntry, aggref->args)->expr;

		trans->arg = palloc(sizeof(AggInput));
		AggInputInit(trans->arg, arg, estate);
		if (aggref->aggdistinct != NIL)
		{
			Oid			argtype = exprType((Node *) arg);

			get_typlenbyval(argtype, &trans->distinct_type.typlen,
							&trans->distinct_type.typbyval);
			trans->distinct_type.is_text = !trans->distinct_type.typbyval;
		}
	}
	trans->method = choose_method(aggref, agg->aggtransfn, &trans->int_width);
	if (aggref->aggdistinct != NIL)
	{
		/* the planner admits count(DISTINCT x) only */
		if (agg->aggtransfn != F_INT8INC_ANY || trans->arg == NULL)
			elog(ERROR, "OlapAgg was planned for DISTINCT aggregate %u, which it has no method for",
				 aggref->aggfnoid);
		trans->method = AGG_METHOD_COUNT_DISTINCT;
	}
	if (aggref->aggkind == AGGKIND_ORDERED_SET)
	{
		/* the planner admits percentile_disc/cont only, never partial */
		if (!AggPercentileSupported(aggref) ||
			DO_AGGSPLIT_SKIPFINAL(aggref->aggsplit))
			elog(ERROR, "OlapAgg was planned for ordered-set aggregate %u, which it has no method for",
				 aggref->aggfnoid);
		AggPercentileInit(state, trans, aggref);
	}
	if (aggref->aggfilter != NULL)
	{
		if (olap_enable_vectorization &&
			VectorQualSupported(aggref->aggfilter, scanrelid))
			trans->filter_quals =
				VectorQualsInit(list_make1(aggref->aggfilter), scanrelid,
								&state->css.ss.ps);
		else
		{
			trans->filter = palloc(sizeof(AggInput));
			AggInputInit(trans->filter, aggref->aggfilter, estate);
		}
	}
	trans->partial = DO_AGGSPLIT_SKIPFINAL(aggref->aggsplit);
	trans->transtype = agg->aggtranstype;
	get_typlenbyval(trans->transtype, &trans->translen, &trans->transbyval);

	fmgr_info(agg->aggtransfn, &trans->transfn);
	trans->finalfn.fn_oid = InvalidOid;
	trans->serialfn.fn_oid = InvalidOid;
	if (!trans->partial && OidIsValid(agg->aggfinalfn))
		fmgr_info(agg->aggfinalfn, &trans->finalfn);
	if (trans->partial && DO_AGGSPLIT_SERIALIZE(aggref->aggsplit) &&
		trans->transtype == INTERNALOID)
	{
		if (!OidIsValid(agg->aggserialfn))
			elog(ERROR, "aggregate %u has no serialization function",
				 aggref->aggfnoid);
		fmgr_info(agg->aggserialfn, &trans->serialfn);
	}

	initval = SysCacheGetAttr(AGGFNOID, tuple, Anum_pg_aggregate_agginitval,
							  &isnull);
	trans->final_read_only = agg->aggfinalmodify == AGGMODIFY_READ_ONLY;
	trans->initval_null = isnull;
	trans->initval = (Datum) 0;
	if (!isnull)
	{
		Oid			typinput;
		Oid			typioparam;
		char	   *str = TextDatumGetCString(initval);

		getTypeInputInfo(trans->transtype, &typinput, &typioparam);
		trans->initval = OidInputFunctionCall(typinput, str, typioparam, -1);
	}
	ReleaseSysCache(tuple);

	trans->fcinfo = palloc0(SizeForFunctionCallInfo(nargs + 1));
	InitFunctionCallInfoData(*trans->fcinfo, &trans->transfn, nargs + 1,
							 aggref->inputcollid,
							 (Node *) state->call_context, NULL);
}

/* Sets the states of new group g to their aggregates' initial values. */
static void
init_group_states(OlapAggState *state, uint32 g)
{
	MemoryContext old = MemoryContextSwitchTo(state->agg_context);
	int			i;

	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];

		trans->nulls[g] = trans->initval_null;
		trans->states[g] = trans->initval_null ? (Datum) 0 :
			datumCopy(trans->initval, trans->transbyval, trans->translen);
	}
	MemoryContextSwitchTo(old);
}

/* Allocates (ptr NULL) or resizes an array of the aggregate context. */
static void *
resize_array(void *ptr, Size size)
{
	if (ptr == NULL)
		return palloc_extended(size, MCXT_ALLOC_HUGE);
	return repalloc_huge(ptr, size);
}

/* Makes room for capacity groups in the per-group arrays. */
static void
grow_groups(OlapAggState *state, uint32 capacity)
{
	MemoryContext old = MemoryContextSwitchTo(state->agg_context);
	Size		nkeys = Max(state->nkeys, 1);
	int			i;

	if (state->capacity == 0)
	{
		/* the arrays went with a reset of the context */
		state->keyvals = NULL;
		state->keynulls = NULL;
		state->hashes = NULL;
		for (i = 0; i < state->ntrans; i++)
		{
			state->trans[i].states = NULL;
			state->trans[i].nulls = NULL;
			state->trans[i].numeric_blocks = NULL;
			state->trans[i].numeric_nblocks = 0;
		}
	}
	state->keyvals = resize_array(state->keyvals,
								  sizeof(Datum) * nkeys * capacity);
	state->keynulls = resize_array(state->keynulls,
								   sizeof(bool) * nkeys * capacity);
	state->hashes = resize_array(state->hashes, sizeof(uint32) * capacity);
	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];

		trans->states = resize_array(trans->states, sizeof(Datum) * capacity);
		trans->nulls = resize_array(trans->nulls, sizeof(bool) * capacity);
	}
	state->capacity = capacity;
	MemoryContextSwitchTo(old);
}

/*
 * Sizes the bucket array (ibuckets for an integer key) to nbuckets and
 * enters every group again.
 */
static void
rebuild_buckets(OlapAggState *state, uint32 nbuckets)
{
	uint32		mask = nbuckets - 1;
	uint32		g;

	state->nbuckets = nbuckets;
	if (state->int_key)
	{
		int16		typlen = state->keys[0].type.typlen;

		if (state->ibuckets != NULL)
			pfree(state->ibuckets);
		state->ibuckets = MemoryContextAllocExtended(state->agg_context,
													 sizeof(AggIntBucket) * nbuckets,
													 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		for (g = 0; g < state->ngroups; g++)
		{
			uint32		b = state->hashes[g] & mask;
			AggIntBucket *bucket;

			while (state->ibuckets[b].group != 0)
				b = (b + 1) & mask;
			bucket = &state->ibuckets[b];
			bucket->hash = state->hashes[g];
			bucket->group = g + 1;
			bucket->key = state->keynulls[g] ? 0 :
				agg_value_int(state->keyvals[g], typlen);
		}
		return;
	}
	if (state->buckets != NULL)
		pfree(state->buckets);
	state->buckets = MemoryContextAllocExtended(state->agg_context,
												sizeof(uint64) * nbuckets,
												MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (g = 0; g < state->ngroups; g++)
	{
		uint32		b = state->hashes[g] & mask;

		while (state->buckets[b] != 0)
			b = (b + 1) & mask;
		state->buckets[b] = ((uint64) state->hashes[g] << 32) | (g + 1);
	}
}

/* Ends what percentile states hold outside of the aggregate context. */
static void
release_percentiles(OlapAggState *state)
{
	int			i;

	for (i = 0; i < state->ntrans; i++)
	{
		if (state->trans[i].method == AGG_METHOD_PERCENTILE)
			AggPercentileRelease(&state->trans[i]);
	}
}

/*
 * Forgets every group and state; without grouping keys, the one group
 * exists from the start (an empty input still gives one row).
 */
static void
reset_groups(OlapAggState *state)
{
	int			i;

	release_percentiles(state);
	MemoryContextReset(state->agg_context);
	state->ngroups = 0;
	state->capacity = 0;
	state->buckets = NULL;
	state->ibuckets = NULL;
	state->next_group = 0;
	grow_groups(state, 64);
	rebuild_buckets(state, 128);
	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];

		if (trans->method == AGG_METHOD_COUNT_DISTINCT)
			trans->distinct = AggDistinctCreate(state->agg_context,
												&trans->distinct_type);
	}
	if (state->nkeys == 0)
	{
		state->ngroups = 1;
		init_group_states(state, 0);
	}
}

/*
 * Notes the memory the groups use and starts spilling when it exceeds the
 * limit, unless the hash bits for partitions are used up (then the table
 * grows) or there are no groups yet (each pass must make progress).
 */
static void
check_memory(OlapAggState *state)
{
	Size		used;

	if (state->nkeys == 0)
		return;
	used = MemoryContextMemAllocated(state->agg_context, true);
	state->peak_memory = Max(state->peak_memory, used);

	/*
	 * count(DISTINCT) sets keep growing with the rows of groups in memory,
	 * which spilling new groups does not stop: the pass is split instead
	 * (repartition_pass), while there are groups to split and hash bits.
	 * While it can be split, a set may not double its table beyond the
	 * limit either (that doubling alone could overshoot it by half): it
	 * overflows instead, and the pass, now incomplete, is split.
	 */
	if (state->has_distinct)
	{
		bool		can_split = state->ngroups > 1 &&
			state->level < AGG_SPILL_MAX_LEVEL;
		int			i;

		for (i = 0; i < state->ntrans; i++)
		{
			OlapAggTrans *trans = &state->trans[i];

			if (trans->method != AGG_METHOD_COUNT_DISTINCT)
				continue;
			if (AggDistinctOverflowed(trans->distinct))
			{
				/* a limit is only set while can_split holds */
				Assert(can_split);
				state->repartition = true;
			}
			AggDistinctSetLimit(trans->distinct,
								can_split ? state->mem_limit : 0);
		}
		if (used > state->mem_limit && can_split)
			state->repartition = true;
	}
	if (state->spilling)
		return;
	if (used > state->mem_limit && state->ngroups > 0 &&
		state->level < AGG_SPILL_MAX_LEVEL)
		state->spilling = true;
}

/*
 * Creates the group of key values vals/isnull (text detoasted) with hash
 * hash in free bucket bucket, copying the keys into the aggregate context
 * and starting every state, and returns its number (agg_group.c looks the
 * groups up).
 */
uint32
AggNewGroup(OlapAggState *state, const Datum *vals, const bool *isnull,
			uint32 hash, uint32 bucket)
{
	MemoryContext old;
	int			nkeys = state->nkeys;
	uint32		g = state->ngroups;
	int			k;

	if (g == PG_UINT32_MAX - 1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many groups for OlapAgg"),
				 errhint("Set olap.enable_vectorized_agg to off for this query.")));
	if (g >= state->capacity)
		grow_groups(state, state->capacity * 2);
	old = MemoryContextSwitchTo(state->agg_context);
	for (k = 0; k < nkeys; k++)
	{
		state->keynulls[g * nkeys + k] = isnull[k];
		state->keyvals[g * nkeys + k] = isnull[k] ? (Datum) 0 :
			datumCopy(vals[k], state->keys[k].type.typbyval,
					  state->keys[k].type.typlen);
	}
	MemoryContextSwitchTo(old);
	state->hashes[g] = hash;
	if (state->int_key)
	{
		AggIntBucket *b = &state->ibuckets[bucket];

		b->hash = hash;
		b->group = g + 1;
		b->key = isnull[0] ? 0 :
			agg_value_int(vals[0], state->keys[0].type.typlen);
	}
	else
		state->buckets[bucket] = ((uint64) hash << 32) | (g + 1);
	state->ngroups++;
	state->groups_made++;
	init_group_states(state, g);
	if ((uint64) state->ngroups * 2 > state->nbuckets)
		rebuild_buckets(state, state->nbuckets * 2);
	if ((state->ngroups & 255) == 0)
		check_memory(state);
	return g;
}

/*
 * True when a and b compute the same transition states: same function,
 * state type, initial value, argument and FILTER, no DISTINCT, and final
 * functions that do not modify the state.  Percentiles of one input in
 * one order share the values they collect (their final values only
 * reorder them).
 */
static bool
can_share(const OlapAggTrans *a, const OlapAggTrans *b)
{
	Aggref	   *x = a->aggref;
	Aggref	   *y = b->aggref;

	if (a->method == AGG_METHOD_PERCENTILE || b->method == AGG_METHOD_PERCENTILE)
		return a->method == b->method &&
			equal(x->args, y->args) && equal(x->aggorder, y->aggorder) &&
			equal(x->aggfilter, y->aggfilter);

	if (a->transfn.fn_oid != b->transfn.fn_oid ||
		a->transtype != b->transtype || a->method != b->method ||
		(a->method != AGG_METHOD_TRANSFN &&
		 a->method != AGG_METHOD_SUM_NUMERIC) ||
		!a->final_read_only || !b->final_read_only ||
		a->initval_null != b->initval_null ||
		x->aggdistinct != NIL || y->aggdistinct != NIL ||
		x->inputcollid != y->inputcollid ||
		!equal(x->args, y->args) || !equal(x->aggfilter, y->aggfilter))
		return false;
	return a->initval_null ||
		datumIsEqual(a->initval, b->initval, a->transbyval, a->translen);
}

static void mark_input_columns(const AggInput *input, bool *columns);

/*
 * True when trans takes its argument, a plain column, from the scaled view
 * of a batch column when there is one (agg_numeric.c).
 */
static inline bool
reads_scaled_view(const OlapAggTrans *trans)
{
	return trans->arg != NULL && trans->arg->attnum > 0 &&
		(trans->method == AGG_METHOD_SUM_NUMERIC ||
		 trans->method == AGG_METHOD_MIN_NUMERIC ||
		 trans->method == AGG_METHOD_MAX_NUMERIC);
}

/*
 * Tells the OlapScan child which columns the node reads only through
 * their scaled views (and null flags): the plain-column arguments of
 * numeric sums, averages, minimums and maximums (and counts), when nothing
 * else of the node reads them.  Their SCALED chunks then get no numeric
 * Datums.  Spill files write such columns' values as numerics
 * (agg_spill.c).
 */
static void
declare_scaled_only(OlapAggState *state, int natts)
{
	bool	   *only = palloc0(sizeof(bool) * Max(natts, 1));
	bool	   *datums = palloc0(sizeof(bool) * Max(natts, 1));
	int			i;

	for (i = 0; i < state->nkeys; i++)
		mark_input_columns(&state->keys[i].input, datums);
	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];

		if (reads_scaled_view(trans) ||
			(trans->method == AGG_METHOD_COUNT && trans->arg != NULL &&
			 trans->arg->attnum > 0))
			only[trans->arg->attnum - 1] = true;
		else if (trans->arg != NULL)
			mark_input_columns(trans->arg, datums);
		if (trans->filter != NULL)
			mark_input_columns(trans->filter, datums);
		VectorQualsDatumColumns(trans->filter_quals, datums);
	}
	for (i = 0; i < natts; i++)
		only[i] = only[i] && !datums[i];
	OlapScanSetScaledOnly(state->scan, only);
	pfree(only);
	pfree(datums);
}

/* Marks the columns input reads in columns[attnum - 1]. */
static void
mark_input_columns(const AggInput *input, bool *columns)
{
	int			c;

	if (input->attnum > 0)
		columns[input->attnum - 1] = true;
	for (c = 0; c < input->ncolumns; c++)
		columns[input->columns[c] - 1] = true;
}

static void
olap_agg_begin(CustomScanState *node, EState *estate, int eflags)
{
	OlapAggState *state = (OlapAggState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	ExprContext *context;
	ListCell   *lc;
	int			i;
	Index		scanrelid;

	state->scan = ExecInitNode(linitial(cscan->custom_plans), estate, eflags);
	node->custom_ps = list_make1(state->scan);
	if (!IsOlapScanState(state->scan))
		elog(ERROR, "OlapAgg input is not an OlapScan");
	scanrelid = ((Scan *) state->scan->plan)->scanrelid;

	state->query_context = estate->es_query_cxt;
	state->agg_context = AllocSetContextCreate(estate->es_query_cxt,
											   "olap_ext aggregate states",
											   ALLOCSET_DEFAULT_SIZES);
	state->batch_context = AllocSetContextCreate(estate->es_query_cxt,
												 "olap_ext aggregate batch",
												 ALLOCSET_DEFAULT_SIZES);

	/*
	 * AggCheckCallContext only needs an AggState whose current aggregate
	 * context's per-tuple memory is where states live.
	 */
	context = makeNode(ExprContext);
	context->ecxt_per_tuple_memory = state->agg_context;
	context->ecxt_per_query_memory = estate->es_query_cxt;
	state->call_context = makeNode(AggState);
	state->call_context->ss.ps.state = estate;
	state->call_context->curaggcontext = context;
	state->call_context->tmpcontext = context;

	state->nkeys = linitial_int(cscan->custom_private);
	state->nparts = lsecond_int(cscan->custom_private);
	if (state->nkeys > INDEX_MAX_KEYS)
		elog(ERROR, "OlapAgg has too many grouping keys");
	state->ntrans = list_length(cscan->custom_scan_tlist) - state->nkeys;
	state->keys = palloc0(sizeof(OlapAggKey) * Max(state->nkeys, 1));
	state->trans = palloc0(sizeof(OlapAggTrans) * Max(state->ntrans, 1));
	i = 0;
	foreach(lc, cscan->custom_scan_tlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (i < state->nkeys)
		{
			OlapAggKey *key = &state->keys[i];

			AggInputInit(&key->input, tle->expr, estate);
			get_typlenbyval(exprType((Node *) tle->expr), &key->type.typlen,
							&key->type.typbyval);
			key->type.is_text = !key->type.typbyval;
		}
		else
			init_trans(state, &state->trans[i - state->nkeys],
					   castNode(Aggref, tle->expr), estate, scanrelid);
		i++;
	}
	state->int_key = state->nkeys == 1 && !state->keys[0].type.is_text;

	/*
	 * Aggregates with the same transition (sum and avg of one column, say)
	 * share one state, as in nodeAgg.c, when their final functions only
	 * read it.
	 */
	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];
		int			j;

		for (j = 0; j < i; j++)
		{
			OlapAggTrans *other = &state->trans[j];

			if (other->shared == NULL && can_share(trans, other))
			{
				trans->shared = other;
				break;
			}
		}
	}

	for (i = 0; i < state->ntrans; i++)
	{
		if (state->trans[i].method == AGG_METHOD_COUNT_DISTINCT)
			state->has_distinct = true;
	}

	/* spilling: the columns the node reads, in rows shaped like the table */
	{
		Relation	rel = ((ScanState *) state->scan)->ss_currentRelation;
		TupleDesc	desc = CreateTupleDescCopy(RelationGetDescr(rel));

		state->columns = palloc0(sizeof(bool) * Max(desc->natts, 1));
		for (i = 0; i < state->nkeys; i++)
			mark_input_columns(&state->keys[i].input, state->columns);
		for (i = 0; i < state->ntrans; i++)
		{
			OlapAggTrans *trans = &state->trans[i];

			if (trans->arg != NULL)
				mark_input_columns(trans->arg, state->columns);
			if (trans->filter != NULL)
				mark_input_columns(trans->filter, state->columns);
			if (trans->filter_quals != NULL)
				VectorQualsColumns(trans->filter_quals, state->columns);
		}
		AggSpillInit(&state->spill, desc, state->columns);
		state->mem_limit = get_hash_memory_limit();
		declare_scaled_only(state, desc->natts);
	}
}

/*
 * The output of one aggregate: its final value, or its (serialized)
 * transition state in partial plans.
 */
static Datum
finish_trans(OlapAggState *state, OlapAggTrans *trans, uint32 g, bool *isnull)
{
	FmgrInfo   *flinfo;
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;
	Datum	   *states = trans->shared ? trans->shared->states : trans->states;
	bool	   *nulls = trans->shared ? trans->shared->nulls : trans->nulls;

	if (trans->method == AGG_METHOD_SUM_NUMERIC && !nulls[g])
		return AggNumericFinish(state, trans, states[g], isnull);
	if (trans->method == AGG_METHOD_PERCENTILE)
		return AggPercentileFinish(state, trans, states[g], nulls[g], isnull);
	if (trans->partial)
		flinfo = &trans->serialfn;
	else
		flinfo = &trans->finalfn;
	if (!OidIsValid(flinfo->fn_oid))
	{
		*isnull = nulls[g];
		return states[g];
	}
	if (flinfo->fn_strict && nulls[g])
	{
		*isnull = true;
		return (Datum) 0;
	}
	InitFunctionCallInfoData(*fcinfo, flinfo, 1, trans->aggref->inputcollid,
							 (Node *) state->call_context, NULL);
	fcinfo->args[0].value = states[g];
	fcinfo->args[0].isnull = nulls[g];
	result = FunctionCallInvoke(fcinfo);
	*isnull = fcinfo->isnull;
	return result;
}

/*
 * Aggregates the n rows sel of batch: groups them, then feeds each
 * aggregate the rows that pass its FILTER.  Returns how many rows it
 * aggregated: not those spilled, nor those of other partitions.
 */
static uint32
aggregate_batch(OlapAggState *state, const OlapBatch *batch,
				const uint32 *sel, uint32 n)
{
	int			i;

	state->batch_seq++;
	if (state->nkeys > 0)
	{
		state->batch_spilled = false;
		AggAssignGroups(state, batch, sel, n);
		if (state->batch_spilled)
		{
			/* aggregate only the rows that stayed */
			uint32		kept = 0;
			uint32		j;

			if (state->kept_size < batch->nrows)
			{
				if (state->kept != NULL)
					pfree(state->kept);
				state->kept = MemoryContextAllocExtended(state->query_context,
														 sizeof(uint32) * batch->nrows,
														 MCXT_ALLOC_HUGE);
				state->kept_size = batch->nrows;
			}
			/* no branch per row: in partitioned plans, half are dropped */
			for (j = 0; j < n; j++)
			{
				state->kept[kept] = sel[j];
				kept += state->gids[sel[j]] != PG_UINT32_MAX;
			}
			sel = state->kept;
			n = kept;
		}
	}
	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];
		const uint32 *tsel = sel;
		uint32		tn = n;
		const Datum *values = NULL;
		const bool *nulls = NULL;

		if (trans->shared != NULL)
			continue;
		if (trans->filter_quals != NULL || trans->filter != NULL)
		{
			tn = AggFilterRows(state, trans, batch, sel, n);
			tsel = trans->selection;
			if (tn == 0)
				continue;
		}
		if (reads_scaled_view(trans) &&
			batch->columns[trans->arg->attnum - 1].scaled != NULL)
		{
			AggNumericAdvanceScaled(state, trans,
									&batch->columns[trans->arg->attnum - 1],
									tsel, tn,
									state->nkeys > 0 ? state->gids : NULL);
			continue;
		}
		if (state->nkeys == 0 &&
			AggAdvanceShiftedSum(state, trans, batch, tsel, tn))
			continue;
		if (trans->arg != NULL)
			AggInputCompute(trans->arg, batch, tsel, tn, &values, &nulls);
		if (state->nkeys > 0)
			AggAdvanceBatchGrouped(state, trans, values, nulls, tsel, tn);
		else
			AggAdvanceBatch(state, trans, values, nulls, tsel, tn);
	}
	return n;
}

/* Aggregates the whole input into the groups' states. */
static void
aggregate_input(OlapAggState *state)
{
	const OlapBatch *batch;
	MemoryContext old;

	reset_groups(state);
	state->level = 0;
	if (OlapScanHasRowQuals(state->scan))
		elog(ERROR, "OlapAgg input has row quals");

	for (;;)
	{
		Instrumentation *instr = state->scan->instrument;
		uint64		aggregated;
		uint64		spilled = state->spilled_rows;

		/* batches bypass ExecProcNode: count the child's rows here */
		if (instr != NULL)
			InstrStartNode(instr);
		batch = OlapScanNextBatch(state->scan);
		if (instr != NULL)
			InstrStopNode(instr, batch != NULL ? batch->nselected : 0);
		if (batch == NULL)
			break;
		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(state->batch_context);
		/* the rows of this process's partitions, in memory or spilled */
		aggregated = aggregate_batch(state, batch, batch->selection,
									 batch->nselected) +
			(state->spilled_rows - spilled);
		MemoryContextSwitchTo(old);
		MemoryContextReset(state->batch_context);
		check_memory(state);
		state->batches++;
		state->rows += aggregated;
		if (state->css.ss.ps.instrument != NULL)
		{
			/* core sums these over parallel workers for EXPLAIN */
			state->css.ss.ps.instrument->ntuples2 += 1;
			state->css.ss.ps.instrument->nfiltered2 += aggregated;
		}
		if (state->repartition)
		{
			repartition_pass(state, NULL);
			break;
		}
	}
	finish_pass(state);
	state->aggregated = true;
}

/*
 * Ends a pass over the input or a spill file: the files it wrote join the
 * pending ones.
 */
static void
finish_pass(OlapAggState *state)
{
	int			i;

	check_memory(state);
	for (i = 0; i < AGG_SPILL_PARTITIONS; i++)
	{
		if (state->files[i] != NULL)
			state->pending = lappend(state->pending, state->files[i]);
		state->files[i] = NULL;
	}
	state->spilling = false;
}

/*
 * The hash of the grouping keys of each of the n rows sel of batch, by
 * row, into hashes: a function of the key values only (NULL included), as
 * the partition of a row must be.
 */
static void
hash_keys(OlapAggState *state, const OlapBatch *batch, const uint32 *sel,
		  uint32 n, uint32 *hashes)
{
	uint32		i;
	int			k;

	for (i = 0; i < n; i++)
		hashes[sel[i]] = 0;
	for (k = 0; k < state->nkeys; k++)
	{
		const AggValueType *type = &state->keys[k].type;
		const Datum *values;
		const bool *nulls;

		AggInputCompute(&state->keys[k].input, batch, sel, n, &values, &nulls);
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];
			Datum		v = values[row];

			if (!nulls[row] && type->is_text)
				v = PointerGetDatum(PG_DETOAST_DATUM_PACKED(v));
			hashes[row] = hash_combine(hashes[row],
									   agg_value_hash(type, v, nulls[row]));
		}
	}
}

/* Writes the n rows sel of batch to the spill files of their partitions. */
static void
partition_batch(OlapAggState *state, const OlapBatch *batch,
				const uint32 *sel, uint32 n)
{
	uint32	   *hashes = palloc(sizeof(uint32) * Max(batch->nrows, 1));
	uint32		i;

	hash_keys(state, batch, sel, n, hashes);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		int			part = agg_spill_partition(hashes[row], state->level);

		if (agg_other_partition(state, hashes[row]))
			continue;
		if (state->files[part] == NULL)
		{
			state->files[part] = AggSpillNewFile(&state->spill,
												 state->level + 1);
			state->spill_files++;
		}
		AggSpillWrite(&state->spill, state->files[part], batch, row);
		state->spilled_rows++;
	}
}

/*
 * Splits the current pass (over the input when file is NULL, else over
 * file) because its count(DISTINCT) sets outgrew the memory limit: the
 * groups and the files written so far are dropped, and every row of the
 * pass, read again from the start, goes to the spill file of its group's
 * partition, to be aggregated later with the other pending files.  Nothing
 * of the pass has been returned yet, so no group is lost or doubled.
 */
static void
repartition_pass(OlapAggState *state, AggSpillFile *file)
{
	const OlapBatch *batch;
	MemoryContext old;
	int			i;

	state->repartition = false;
	state->repartitions++;
	reset_groups(state);
	for (i = 0; i < AGG_SPILL_PARTITIONS; i++)
	{
		if (state->files[i] != NULL)
			AggSpillEndFile(state->files[i]);
		state->files[i] = NULL;
	}
	state->spilling = false;
	if (file != NULL)
		AggSpillRescan(file);
	else
		ExecReScan(state->scan);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		/* the scan starts its reader in the node's context, not the batch's */
		if (file == NULL)
			batch = OlapScanNextBatch(state->scan);
		old = MemoryContextSwitchTo(state->batch_context);
		if (file != NULL)
			batch = AggSpillRead(&state->spill, file);
		if (batch != NULL)
			partition_batch(state, batch, batch->selection, batch->nselected);
		MemoryContextSwitchTo(old);
		MemoryContextReset(state->batch_context);
		if (batch == NULL)
			break;
	}
}

/*
 * Aggregates the rows of spill file into an empty table (spilling again
 * when they do not fit) and frees the file.
 */
static void
aggregate_file(OlapAggState *state, AggSpillFile *file)
{
	const OlapBatch *batch;
	MemoryContext old;

	reset_groups(state);
	state->level = file->level;
	state->passes++;
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(state->batch_context);
		batch = AggSpillRead(&state->spill, file);
		if (batch != NULL)
			aggregate_batch(state, batch, batch->selection, batch->nselected);
		MemoryContextSwitchTo(old);
		MemoryContextReset(state->batch_context);
		if (batch == NULL)
			break;
		check_memory(state);
		if (state->repartition)
		{
			repartition_pass(state, file);
			break;
		}
	}
	AggSpillEndFile(file);
	finish_pass(state);
}

/* Frees the spill files of a pass cut short (rescans). */
static void
drop_spill_files(OlapAggState *state)
{
	ListCell   *lc;
	int			i;

	foreach(lc, state->pending)
		AggSpillEndFile(lfirst(lc));
	list_free(state->pending);
	state->pending = NIL;
	for (i = 0; i < AGG_SPILL_PARTITIONS; i++)
	{
		if (state->files[i] != NULL)
			AggSpillEndFile(state->files[i]);
		state->files[i] = NULL;
	}
	state->spilling = false;
	state->level = 0;
}

/* Puts group g's keys and aggregate results into the scan slot. */
static void
store_group(OlapAggState *state, uint32 g, MemoryContext result_context)
{
	TupleTableSlot *slot = state->css.ss.ss_ScanTupleSlot;
	MemoryContext old;
	int			k;
	int			i;

	ExecClearTuple(slot);
	for (k = 0; k < state->nkeys; k++)
	{
		slot->tts_values[k] = state->keyvals[g * state->nkeys + k];
		slot->tts_isnull[k] = state->keynulls[g * state->nkeys + k];
	}
	old = MemoryContextSwitchTo(result_context);
	for (i = 0; i < state->ntrans; i++)
		slot->tts_values[state->nkeys + i] =
			finish_trans(state, &state->trans[i], g,
						 &slot->tts_isnull[state->nkeys + i]);
	MemoryContextSwitchTo(old);
	ExecStoreVirtualTuple(slot);
}

static TupleTableSlot *
olap_agg_exec(CustomScanState *node)
{
	OlapAggState *state = (OlapAggState *) node;
	ExprContext *econtext = node->ss.ps.ps_ExprContext;

	if (!state->aggregated)
	{
		state->aggregated = true;
		if (AggClaimPartition(state))
			aggregate_input(state);
	}

	for (;;)
	{
		uint32		g;

		if (state->next_group >= state->ngroups)
		{
			AggSpillFile *file;

			/* the groups in memory are done: on to the next spill file */
			if (state->pending == NIL)
			{
				/* or to the next partition of a partitioned plan */
				if (!state->partitioned || !AggClaimPartition(state))
					break;
				ExecReScan(state->scan);
				aggregate_input(state);
				continue;
			}
			file = linitial(state->pending);
			state->pending = list_delete_first(state->pending);
			aggregate_file(state, file);
			continue;
		}
		g = state->next_group++;

		CHECK_FOR_INTERRUPTS();
		ResetExprContext(econtext);
		store_group(state, g, econtext->ecxt_per_tuple_memory);
		econtext->ecxt_scantuple = node->ss.ss_ScanTupleSlot;
		if (node->ss.ps.qual != NULL && !ExecQual(node->ss.ps.qual, econtext))
		{
			InstrCountFiltered1(node, 1);
			continue;
		}
		if (node->ss.ps.ps_ProjInfo != NULL)
			return ExecProject(node->ss.ps.ps_ProjInfo);
		return node->ss.ss_ScanTupleSlot;
	}
	return NULL;
}

static void
olap_agg_end(CustomScanState *node)
{
	OlapAggState *state = (OlapAggState *) node;

	drop_spill_files(state);
	ExecEndNode(state->scan);
	release_percentiles(state);
	MemoryContextDelete(state->agg_context);
	MemoryContextDelete(state->batch_context);
}

static void
olap_agg_rescan(CustomScanState *node)
{
	OlapAggState *state = (OlapAggState *) node;
	int			i;

	state->aggregated = false;
	state->ngroups = 0;
	state->next_group = 0;
	state->claims = 0;
	drop_spill_files(state);
	ExecClearTuple(node->ss.ss_ScanTupleSlot);
	for (i = 0; i < state->ntrans; i++)
	{
		if (state->trans[i].filter_quals != NULL)
			VectorQualsReset(state->trans[i].filter_quals);
	}
	if (node->ss.ps.chgParam != NULL)
		UpdateChangedParamSet(state->scan, node->ss.ps.chgParam);
	ExecReScan(state->scan);
}

/* Appends the aggregates computed by the given kind of loop to buf. */
static void
describe_aggs(OlapAggState *state, bool vectorized, List *context,
			  bool useprefix, StringInfo buf)
{
	int			i;

	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];

		if ((trans->method != AGG_METHOD_TRANSFN) != vectorized)
			continue;
		if (buf->len > 0)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, deparse_expression((Node *) trans->aggref,
													   context, useprefix,
													   false));
	}
}

static void
olap_agg_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	OlapAggState *state = (OlapAggState *) node;
	List	   *context;
	StringInfoData buf;
	bool		useprefix = list_length(es->rtable) > 1 || es->verbose;

	context = set_deparse_context_plan(es->deparse_cxt, node->ss.ps.plan,
									   ancestors);
	if (state->nkeys > 0)
	{
		List	   *keys = NIL;
		ListCell   *lc;

		foreach(lc, ((CustomScan *) node->ss.ps.plan)->custom_scan_tlist)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);

			if (list_length(keys) == state->nkeys)
				break;
			keys = lappend(keys, deparse_expression((Node *) tle->expr,
													 context, useprefix,
													 false));
		}
		ExplainPropertyList("Group Key", keys, es);
	}
	if (state->nparts > 1)
		ExplainPropertyInteger("Hash Partitions", NULL, state->nparts, es);
	initStringInfo(&buf);
	describe_aggs(state, true, context, useprefix, &buf);
	if (buf.len > 0 || es->format != EXPLAIN_FORMAT_TEXT)
		ExplainPropertyText("Vectorized Aggregates", buf.data, es);
	resetStringInfo(&buf);
	describe_aggs(state, false, context, useprefix, &buf);
	if (buf.len > 0 || es->format != EXPLAIN_FORMAT_TEXT)
		ExplainPropertyText("Per-Value Aggregates", buf.data, es);
	if (es->analyze)
	{
		Instrumentation *instr = node->ss.ps.instrument;

		if (state->nkeys > 0)
			ExplainPropertyUInteger("Groups", NULL, state->groups_made, es);
		if (state->nparts > 1)
		{
			/* this process's passes over the table */
			ExplainPropertyUInteger("Partitions Aggregated", NULL,
									state->parts_done, es);
		}
		/* summed over the processes of a parallel plan when instrumented */
		ExplainPropertyUInteger("Batches", NULL,
								instr ? (uint64) instr->ntuples2 : state->batches,
								es);
		ExplainPropertyUInteger("Rows Aggregated", NULL,
								instr ? (uint64) instr->nfiltered2 : state->rows,
								es);
		if (state->nkeys > 0)
			ExplainPropertyInteger("Peak Memory", "kB",
								   (state->peak_memory + 1023) / 1024, es);
		if (state->nkeys > 0 && es->format == EXPLAIN_FORMAT_TEXT)
		{
			/* this process's batches by way of grouping (agg_group.c) */
			ExplainPropertyText("Batches Grouped",
								psprintf("by codes=" UINT64_FORMAT
										 ", by ids=" UINT64_FORMAT
										 ", per row=" UINT64_FORMAT,
										 state->batches_by_codes,
										 state->batches_by_ids,
										 state->batches_per_row),
								es);
		}
		else if (state->nkeys > 0)
		{
			ExplainPropertyUInteger("Batches Grouped by Codes", NULL,
									state->batches_by_codes, es);
			ExplainPropertyUInteger("Batches Grouped by Ids", NULL,
									state->batches_by_ids, es);
			ExplainPropertyUInteger("Batches Grouped per Row", NULL,
									state->batches_per_row, es);
		}
		if (state->spill_files > 0 || es->format != EXPLAIN_FORMAT_TEXT)
		{
			ExplainPropertyUInteger("Rows Spilled", NULL, state->spilled_rows, es);
			ExplainPropertyUInteger("Spill Files", NULL, state->spill_files, es);
		}
		{
			/* this process's evaluations of expression inputs, if any */
			uint64		evaluations = 0;
			int			k;

			for (k = 0; k < state->nkeys; k++)
				evaluations += state->keys[k].input.evaluations;
			for (k = 0; k < state->ntrans; k++)
			{
				if (state->trans[k].arg != NULL)
					evaluations += state->trans[k].arg->evaluations;
				if (state->trans[k].filter != NULL)
					evaluations += state->trans[k].filter->evaluations;
			}
			if (evaluations > 0)
				ExplainPropertyUInteger("Expression Evaluations", NULL,
										evaluations, es);
		}
		if (state->percentile_sorts > 0)
		{
			/* percentile groups whose values outgrew memory (agg_percentile.c) */
			ExplainPropertyUInteger("Percentile Tuplesorts", NULL,
									state->percentile_sorts, es);
		}
		if (state->repartitions > 0)
		{
			/* passes whose count(DISTINCT) sets outgrew the limit */
			ExplainPropertyUInteger("Distinct Repartitions", NULL,
									state->repartitions, es);
		}
	}
}
