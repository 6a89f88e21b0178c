/*-------------------------------------------------------------------------
 *
 * agg_exec.c
 *	  Executing OlapAgg: aggregates computed over whole OlapScan batches.
 *
 * The node pulls every batch of its OlapScan child (OlapScanNextBatch) and
 * feeds the selected rows of each aggregate's column to the aggregate's
 * transition state, then returns one row: the final values (serial plans)
 * or the transition states, serialized when the state type is internal
 * (partial plans under Gather, where PostgreSQL's Finalize Aggregate
 * combines them).
 *
 * States are PostgreSQL's own: each aggregate keeps the transition value
 * its pg_aggregate entry defines, starting from the same initial value,
 * and is finished by the same final or serialization function, so results
 * are exactly PostgreSQL's.  Cheap aggregates have a loop of their own over
 * the vector (count, sum of int2/int4, min/max of integer-like types),
 * computing the same value the transition function would.  Every other
 * aggregate calls its transition function once per selected value, with a
 * stand-in AggState as fcinfo->context so that functions relying on
 * AggCheckCallContext keep their state in the node's aggregate context and
 * update it in place, like under nodeAgg.c; that still saves the per-row
 * slot, expression evaluation and executor dispatch.  The planner only
 * admits transition functions that need nothing else of the aggregate call.
 *
 * Memory: states live in the "olap_ext aggregate states" context (reset at
 * rescans), garbage of transition calls in a per-batch context.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
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
#include "utils/memutils.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "agg/olap_agg.h"
#include "scan/batch.h"

/* How an aggregate consumes a batch. */
typedef enum OlapAggMethod
{
	AGG_METHOD_TRANSFN,			/* transition function per selected value */
	AGG_METHOD_COUNT_STAR,		/* count(*): add the selected rows */
	AGG_METHOD_COUNT,			/* count(x): add the non-null ones */
	AGG_METHOD_SUM_INT,			/* sum(int2/int4) into an int8 state */
	AGG_METHOD_MIN_INT,			/* min over integers, dates, timestamps */
	AGG_METHOD_MAX_INT			/* max over the same */
} OlapAggMethod;

/* One aggregate of the node, with its transition state. */
typedef struct OlapAggTrans
{
	Aggref	   *aggref;
	AttrNumber	attnum;			/* column aggregated; 0 for count(*) */
	OlapAggMethod method;
	int16		int_width;		/* bytes of the integer, for the MIN/MAX methods */

	FmgrInfo	transfn;
	FmgrInfo	finalfn;		/* fn_oid InvalidOid: none */
	FmgrInfo	serialfn;		/* for partial internal states; or none */
	bool		partial;		/* emit the transition state */
	FunctionCallInfo fcinfo;	/* of the transition function */

	Oid			transtype;
	int16		translen;
	bool		transbyval;
	Datum		initval;
	bool		initval_null;

	Datum		state;
	bool		state_null;
} OlapAggTrans;

typedef struct OlapAggState
{
	CustomScanState css;
	PlanState  *scan;			/* the OlapScan child */
	int			ntrans;
	OlapAggTrans *trans;		/* by custom_scan_tlist position */
	AggState   *call_context;	/* stand-in for AggCheckCallContext */
	MemoryContext agg_context;	/* transition states */
	MemoryContext batch_context;	/* garbage of one batch */
	bool		done;			/* the row was returned */
	uint64		batches;
	uint64		rows;			/* selected rows aggregated */
} OlapAggState;

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
};

Node *
OlapAggCreateState(CustomScan *cscan)
{
	OlapAggState *state = (OlapAggState *) newNode(sizeof(OlapAggState),
												   T_CustomScanState);

	state->css.methods = &olap_agg_exec_methods;
	return (Node *) state;
}

/* The batch loop of the aggregate with transition function transfn. */
static OlapAggMethod
choose_method(Oid transfn, int16 *int_width)
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
		default:
			return AGG_METHOD_TRANSFN;
	}
}

/* Looks up aggregate aggref's functions and initial value into trans. */
static void
init_trans(OlapAggState *state, OlapAggTrans *trans, Aggref *aggref)
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
	trans->attnum = aggref->aggstar ? 0 :
		((Var *) linitial_node(TargetEntry, aggref->args)->expr)->varattno;
	trans->method = choose_method(agg->aggtransfn, &trans->int_width);
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

/* Sets every state to its aggregate's initial value. */
static void
reset_states(OlapAggState *state)
{
	int			i;

	MemoryContextReset(state->agg_context);
	for (i = 0; i < state->ntrans; i++)
	{
		OlapAggTrans *trans = &state->trans[i];

		trans->state_null = trans->initval_null;
		trans->state = (Datum) 0;
		if (!trans->initval_null)
		{
			MemoryContext old = MemoryContextSwitchTo(state->agg_context);

			trans->state = datumCopy(trans->initval, trans->transbyval,
									 trans->translen);
			MemoryContextSwitchTo(old);
		}
	}
}

static void
olap_agg_begin(CustomScanState *node, EState *estate, int eflags)
{
	OlapAggState *state = (OlapAggState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	ExprContext *context;
	ListCell   *lc;
	int			i;

	state->scan = ExecInitNode(linitial(cscan->custom_plans), estate, eflags);
	node->custom_ps = list_make1(state->scan);
	if (!IsOlapScanState(state->scan))
		elog(ERROR, "OlapAgg input is not an OlapScan");

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

	state->ntrans = list_length(cscan->custom_scan_tlist);
	state->trans = palloc0(sizeof(OlapAggTrans) * Max(state->ntrans, 1));
	i = 0;
	foreach(lc, cscan->custom_scan_tlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		init_trans(state, &state->trans[i++], castNode(Aggref, tle->expr));
	}
}

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

/* The integer of width bytes in value, widened. */
static inline int64
int_value(Datum value, int16 width)
{
	if (width == 2)
		return DatumGetInt16(value);
	if (width == 4)
		return DatumGetInt32(value);
	return DatumGetInt64(value);
}

static inline Datum
int_datum(int64 value, int16 width)
{
	if (width == 2)
		return Int16GetDatum((int16) value);
	if (width == 4)
		return Int32GetDatum((int32) value);
	return Int64GetDatum(value);
}

/*
 * Calls trans's transition function on one input value, keeping the new
 * state like nodeAgg.c does: a strict function skips NULL inputs and takes
 * the first value as state when there is no initial value; a new
 * by-reference state is copied into the aggregate context.
 */
static void
advance_transfn(OlapAggState *state, OlapAggTrans *trans, Datum value,
				bool isnull)
{
	FunctionCallInfo fcinfo = trans->fcinfo;
	Datum		result;

	if (trans->transfn.fn_strict)
	{
		if (isnull && trans->attnum != 0)
			return;
		if (trans->state_null)
		{
			if (trans->initval_null)
			{
				MemoryContext old = MemoryContextSwitchTo(state->agg_context);

				trans->state = datumCopy(value, trans->transbyval,
										 trans->translen);
				trans->state_null = false;
				MemoryContextSwitchTo(old);
			}
			return;
		}
	}

	fcinfo->args[0].value = trans->state;
	fcinfo->args[0].isnull = trans->state_null;
	if (trans->attnum != 0)
	{
		fcinfo->args[1].value = value;
		fcinfo->args[1].isnull = isnull;
	}
	fcinfo->isnull = false;
	result = FunctionCallInvoke(fcinfo);

	if (!trans->transbyval &&
		DatumGetPointer(result) != DatumGetPointer(trans->state))
	{
		if (!fcinfo->isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(state->agg_context);

			result = datumCopy(result, trans->transbyval, trans->translen);
			MemoryContextSwitchTo(old);
		}
		if (!trans->state_null)
			pfree(DatumGetPointer(trans->state));
	}
	trans->state = result;
	trans->state_null = fcinfo->isnull;
}

/* Feeds the selected rows of batch to one aggregate. */
static void
advance_batch(OlapAggState *state, OlapAggTrans *trans,
			  const OlapBatch *batch)
{
	const uint32 *sel = batch->selection;
	uint32		n = batch->nselected;
	const Datum *values = NULL;
	const bool *nulls = NULL;
	uint32		i;

	if (trans->attnum != 0)
	{
		const OlapVector *vector;

		if (trans->attnum > batch->natts)
			elog(ERROR, "OlapAgg column %d is not in the batch", trans->attnum);
		vector = &batch->columns[trans->attnum - 1];
		values = vector->values;
		nulls = vector->nulls;
		if (values == NULL)
			elog(ERROR, "OlapAgg column %d was not read", trans->attnum);
	}

	switch (trans->method)
	{
		case AGG_METHOD_COUNT_STAR:
			trans->state = Int64GetDatum(add_count(DatumGetInt64(trans->state), n));
			break;
		case AGG_METHOD_COUNT:
			{
				int64		count = 0;

				for (i = 0; i < n; i++)
					count += !nulls[sel[i]];
				trans->state = Int64GetDatum(add_count(DatumGetInt64(trans->state),
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
				{
					trans->state = Int64GetDatum((trans->state_null ? 0 :
												  DatumGetInt64(trans->state)) + sum);
					trans->state_null = false;
				}
				break;
			}
		case AGG_METHOD_MIN_INT:
		case AGG_METHOD_MAX_INT:
			{
				bool		is_min = trans->method == AGG_METHOD_MIN_INT;
				int16		width = trans->int_width;
				bool		any = !trans->state_null;
				int64		best = any ? int_value(trans->state, width) : 0;

				for (i = 0; i < n; i++)
				{
					uint32		row = sel[i];
					int64		v;

					if (nulls[row])
						continue;
					v = int_value(values[row], width);
					if (!any || (is_min ? v < best : v > best))
						best = v;
					any = true;
				}
				if (any)
				{
					trans->state = int_datum(best, width);
					trans->state_null = false;
				}
				break;
			}
		case AGG_METHOD_TRANSFN:
			if (trans->attnum == 0)
			{
				for (i = 0; i < n; i++)
					advance_transfn(state, trans, (Datum) 0, true);
			}
			else
			{
				for (i = 0; i < n; i++)
					advance_transfn(state, trans, values[sel[i]],
									nulls[sel[i]]);
			}
			break;
	}
}

/*
 * The output of one aggregate: its final value, or its (serialized)
 * transition state in partial plans.
 */
static Datum
finish_trans(OlapAggState *state, OlapAggTrans *trans, bool *isnull)
{
	FmgrInfo   *flinfo;
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	if (trans->partial)
		flinfo = &trans->serialfn;
	else
		flinfo = &trans->finalfn;
	if (!OidIsValid(flinfo->fn_oid))
	{
		*isnull = trans->state_null;
		return trans->state;
	}
	if (flinfo->fn_strict && trans->state_null)
	{
		*isnull = true;
		return (Datum) 0;
	}
	InitFunctionCallInfoData(*fcinfo, flinfo, 1, trans->aggref->inputcollid,
							 (Node *) state->call_context, NULL);
	fcinfo->args[0].value = trans->state;
	fcinfo->args[0].isnull = trans->state_null;
	result = FunctionCallInvoke(fcinfo);
	*isnull = fcinfo->isnull;
	return result;
}

/* Aggregates the whole input into the scan slot. */
static void
aggregate_input(OlapAggState *state)
{
	TupleTableSlot *slot = state->css.ss.ss_ScanTupleSlot;
	const OlapBatch *batch;
	MemoryContext old;
	int			i;

	ExecClearTuple(slot);
	reset_states(state);
	if (OlapScanHasRowQuals(state->scan))
		elog(ERROR, "OlapAgg input has row quals");

	for (;;)
	{
		Instrumentation *instr = state->scan->instrument;

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
		for (i = 0; i < state->ntrans; i++)
			advance_batch(state, &state->trans[i], batch);
		MemoryContextSwitchTo(old);
		MemoryContextReset(state->batch_context);
		state->batches++;
		state->rows += batch->nselected;
	}

	old = MemoryContextSwitchTo(state->agg_context);
	for (i = 0; i < state->ntrans; i++)
		slot->tts_values[i] = finish_trans(state, &state->trans[i],
										   &slot->tts_isnull[i]);
	MemoryContextSwitchTo(old);
	ExecStoreVirtualTuple(slot);
}

static TupleTableSlot *
olap_agg_exec(CustomScanState *node)
{
	OlapAggState *state = (OlapAggState *) node;
	ExprContext *econtext = node->ss.ps.ps_ExprContext;

	if (state->done)
		return NULL;
	state->done = true;
	aggregate_input(state);

	ResetExprContext(econtext);
	econtext->ecxt_scantuple = node->ss.ss_ScanTupleSlot;
	if (node->ss.ps.qual != NULL && !ExecQual(node->ss.ps.qual, econtext))
	{
		InstrCountFiltered1(node, 1);
		return NULL;
	}
	if (node->ss.ps.ps_ProjInfo != NULL)
		return ExecProject(node->ss.ps.ps_ProjInfo);
	return node->ss.ss_ScanTupleSlot;
}

static void
olap_agg_end(CustomScanState *node)
{
	OlapAggState *state = (OlapAggState *) node;

	ExecEndNode(state->scan);
	MemoryContextDelete(state->agg_context);
	MemoryContextDelete(state->batch_context);
}

static void
olap_agg_rescan(CustomScanState *node)
{
	OlapAggState *state = (OlapAggState *) node;

	state->done = false;
	ExecClearTuple(node->ss.ss_ScanTupleSlot);
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

	context = set_deparse_context_plan(es->deparse_cxt, node->ss.ps.plan,
									   ancestors);
	initStringInfo(&buf);
	describe_aggs(state, true, context, es->verbose, &buf);
	if (buf.len > 0 || es->format != EXPLAIN_FORMAT_TEXT)
		ExplainPropertyText("Vectorized Aggregates", buf.data, es);
	resetStringInfo(&buf);
	describe_aggs(state, false, context, es->verbose, &buf);
	if (buf.len > 0 || es->format != EXPLAIN_FORMAT_TEXT)
		ExplainPropertyText("Per-Value Aggregates", buf.data, es);
	if (es->analyze)
	{
		ExplainPropertyUInteger("Batches", NULL, state->batches, es);
		ExplainPropertyUInteger("Rows Aggregated", NULL, state->rows, es);
	}
}
