/*-------------------------------------------------------------------------
 *
 * scan_exec.c
 *	  Executing OlapScan: projection, chunk group skipping, parallel
 *	  chunk group hand-out and EXPLAIN counters.
 *
 * The node reads the table a chunk group at a time through the storage's
 * StripeReader, restricted to the columns the plan needs (the others read
 * as NULL and are never decompressed) and filtered by chunk_skip.c.  Each
 * chunk group becomes a batch (scan/batch.h): a selection vector starts
 * with the rows not deleted; the columns of the vectorized quals are
 * decoded and the quals (vector_quals.c) narrow the selection; only when
 * some row is left are the other columns decoded (so a selective filter
 * never decompresses the columns it does not test).  Rows are then handed
 * out one at a time from the selection vector into a virtual slot, filling
 * only the columns the target list and the row quals use, and ExecScan
 * evaluates the row quals and the projection like in any scan node.
 * OlapAgg can instead take whole batches (OlapScanNextBatch).
 *
 * An OlapScan on the outer side of a hash join may also get a runtime
 * filter (join_filter.c): once the join's hash table is built, chunk groups
 * and rows whose key is not in it are left out like those the vectorized
 * quals reject.
 *
 * EvalPlanQual rechecks evaluate the vectorized quals as ordinary
 * expressions on the test tuple (ExecScan evaluates the row quals).  A
 * parallel OlapScan shares one chunk group counter in the DSM segment;
 * every participant lists the same stripes from the query's snapshot and
 * claims the next run of unread chunk groups (stripe_reader.c).  Workers
 * add their EXPLAIN counters to the same area when they end, and the leader
 * collects them at shutdown.  A parallel top-N scan sorts, in each process,
 * the rows of the chunk groups it claimed and returns its own first rows;
 * Gather Merge above merges them.
 *
 * Backward scans are not supported (the path does not say it can), so the
 * planner puts a Material node under scrollable cursors.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/sysattr.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "port/atomics.h"
#include "storage/predicate.h"
#include "utils/builtins.h"
#include "utils/ruleutils.h"
#include "utils/rel.h"

#include "scan/batch.h"
#include "scan/chunk_skip.h"
#include "scan/join_filter.h"
#include "scan/olap_scan.h"
#include "scan/scan_topn.h"
#include "scan/vector_quals.h"
#include "storage/chunk_format.h"
#include "storage/row_number.h"
#include "storage/stripe_reader.h"
#include "storage/write_state.h"

/*
 * The DSM area of a parallel OlapScan: the chunk group counter, and the EXPLAIN
 * counters the workers add when they end, which the leader collects at
 * shutdown (before the area goes away).
 */
typedef struct OlapScanShared
{
	pg_atomic_uint64 next_group;
	pg_atomic_uint64 batches;
	pg_atomic_uint64 chunk_groups_read;
	pg_atomic_uint64 chunk_groups_skipped;
	pg_atomic_uint64 bytes_read;
	pg_atomic_uint64 bytes_decoded;
	pg_atomic_uint64 topn_fetched;
	pg_atomic_uint64 runtime_filtered;
	pg_atomic_uint64 runtime_filter_keys[OLAP_SCAN_MAX_JOIN_FILTERS];
} OlapScanShared;

typedef struct OlapScanState
{
	CustomScanState css;
	List	   *columns;		/* attnums read */
	List	   *vector_quals;	/* quals run on batches (custom_exprs) */
	bool	   *needed;			/* by attnum - 1 */
	bool	   *qual_columns;	/* columns of the vectorized quals and of
								 * the runtime filter */
	bool	   *scaled_only;	/* columns of no Datums (batch.h), or NULL */
	int		   *slot_columns;	/* attnum - 1 of the columns put in slots */
	int			nslot_columns;
	StripeReader *reader;		/* created at the first row */
	ChunkSkipState *skip;
	VectorQuals *vquals;		/* NULL when none */
	ExprState  *vquals_recheck; /* the same, per tuple, for EvalPlanQual */
	List	   *join_filters;	/* runtime filters (join_filter.c) */
	uint64		worker_filtered;	/* rows they removed in the workers */
	uint64		worker_filter_keys[OLAP_SCAN_MAX_JOIN_FILTERS];
	OlapScanShared *shared;		/* parallel scans */
	StripeReaderStats stats;	/* of finished readers (rescans) */
	StripeReaderStats worker_stats; /* of the workers, collected */
	uint64		worker_batches;
	uint64		worker_topn_fetched;

	/* the current batch */
	OlapBatch	batch;
	OlapVector *vectors;		/* by attnum - 1 */
	const Datum **col_values;	/* scratch for StripeReaderLoadColumns */
	const bool **col_nulls;
	uint32	   *selection;
	uint32		selection_size;
	uint32		selection_identity; /* leading entries known to be 0, 1, ... */
	uint32		next;			/* next entry of the selection to hand out */
	bool		have_batch;
	uint64		batches;		/* handed on (with rows selected) */

	/* top-N scans (scan_topn.c) */
	List	   *topn_private;	/* NIL: not a top-N scan */
	OlapTopN   *topn;
	bool		topn_sorted;	/* first pass done */
	bool	   *fetch_needed;	/* columns of the rows returned */
	StripeReader *fetch_reader; /* second pass */
	uint64		topn_fetched;
} OlapScanState;

static void olap_scan_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *olap_scan_exec(CustomScanState *node);
static void olap_scan_end(CustomScanState *node);
static void olap_scan_rescan(CustomScanState *node);
static Size olap_scan_estimate_dsm(CustomScanState *node, ParallelContext *pcxt);
static void olap_scan_initialize_dsm(CustomScanState *node, ParallelContext *pcxt,
									 void *coordinate);
static void olap_scan_reinitialize_dsm(CustomScanState *node,
									   ParallelContext *pcxt, void *coordinate);
static void olap_scan_initialize_worker(CustomScanState *node, shm_toc *toc,
										void *coordinate);
static void olap_scan_shutdown(CustomScanState *node);
static void olap_scan_explain(CustomScanState *node, List *ancestors,
							  ExplainState *es);

static const CustomExecMethods olap_scan_exec_methods = {
	.CustomName = OLAP_SCAN_NAME,
	.BeginCustomScan = olap_scan_begin,
	.ExecCustomScan = olap_scan_exec,
	.EndCustomScan = olap_scan_end,
	.ReScanCustomScan = olap_scan_rescan,
	.EstimateDSMCustomScan = olap_scan_estimate_dsm,
	.InitializeDSMCustomScan = olap_scan_initialize_dsm,
	.ReInitializeDSMCustomScan = olap_scan_reinitialize_dsm,
	.InitializeWorkerCustomScan = olap_scan_initialize_worker,
	.ShutdownCustomScan = olap_scan_shutdown,
	.ExplainCustomScan = olap_scan_explain,
};

Node *
OlapScanCreateState(CustomScan *cscan)
{
	OlapScanState *state = (OlapScanState *) newNode(sizeof(OlapScanState),
													 T_CustomScanState);

	state->css.methods = &olap_scan_exec_methods;
	Assert(list_length(cscan->custom_private) == OLAP_SCAN_PRIVATE_COUNT);
	state->columns = (List *) list_nth(cscan->custom_private,
									   OLAP_SCAN_PRIVATE_COLUMNS);
	state->topn_private = (List *) list_nth(cscan->custom_private,
											OLAP_SCAN_PRIVATE_TOPN);
	state->vector_quals = cscan->custom_exprs;
	return (Node *) state;
}

bool
IsOlapScanState(PlanState *ps)
{
	return ps != NULL && IsA(ps, CustomScanState) &&
		((CustomScanState *) ps)->methods == &olap_scan_exec_methods;
}

bool
OlapScanHasRowQuals(PlanState *ps)
{
	Assert(IsOlapScanState(ps));
	return ps->plan->qual != NIL;
}

/*
 * Works out which columns go into the scan slot: those of the target list
 * and of the row quals (all read columns for a whole-row reference).
 */
static void
set_slot_columns(OlapScanState *state, int natts)
{
	Plan	   *plan = state->css.ss.ps.plan;
	Index		scanrelid = ((Scan *) plan)->scanrelid;
	Bitmapset  *attrs = NULL;
	bool		whole_row;
	int			i;

	pull_varattnos((Node *) plan->targetlist, scanrelid, &attrs);
	pull_varattnos((Node *) plan->qual, scanrelid, &attrs);
	whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);
	state->slot_columns = palloc(sizeof(int) * Max(natts, 1));
	state->nslot_columns = 0;
	for (i = 0; i < natts; i++)
		if (state->needed[i] &&
			(whole_row || bms_is_member(i + 1 - FirstLowInvalidHeapAttributeNumber, attrs)))
			state->slot_columns[state->nslot_columns++] = i;
}

static void
olap_scan_begin(CustomScanState *node, EState *estate, int eflags)
{
	OlapScanState *state = (OlapScanState *) node;
	Relation	rel = node->ss.ss_currentRelation;
	Index		scanrelid = ((Scan *) node->ss.ps.plan)->scanrelid;
	int			natts = RelationGetDescr(rel)->natts;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	ListCell   *lc;
	int			i;

	state->needed = palloc0(sizeof(bool) * Max(natts, 1));
	foreach(lc, state->columns)
	{
		int			attnum = lfirst_int(lc);

		if (attnum >= 1 && attnum <= natts)
			state->needed[attnum - 1] = true;
	}
	/*
	 * A top-N scan decodes only the sort keys and the quals' columns in its
	 * first pass; the rows it returns are fetched with every needed column.
	 */
	if (state->topn_private != NIL)
	{
		Bitmapset  *qual_attrs = NULL;

		state->topn = OlapTopNBegin(state->topn_private, RelationGetDescr(rel));
		state->fetch_needed = state->needed;
		state->needed = palloc0(sizeof(bool) * Max(natts, 1));
		OlapTopNKeyColumns(state->topn, state->needed);
		pull_varattnos((Node *) node->ss.ps.plan->qual, scanrelid, &qual_attrs);
		pull_varattnos((Node *) state->vector_quals, scanrelid, &qual_attrs);
		for (i = 0; i < natts; i++)
			if (state->fetch_needed[i] &&
				(bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, qual_attrs) ||
				 bms_is_member(i + 1 - FirstLowInvalidHeapAttributeNumber, qual_attrs)))
				state->needed[i] = true;
	}

	state->skip = ChunkSkipInit(list_concat_copy(state->vector_quals,
												 node->ss.ps.plan->qual),
								scanrelid, rel, &node->ss.ps);
	state->vquals = VectorQualsInit(state->vector_quals, scanrelid, &node->ss.ps);
	state->qual_columns = palloc0(sizeof(bool) * Max(natts, 1));
	VectorQualsColumns(state->vquals, state->qual_columns);
	if (state->vector_quals != NIL)
		state->vquals_recheck = ExecInitQual(state->vector_quals, &node->ss.ps);
	set_slot_columns(state, natts);

	state->vectors = palloc0(sizeof(OlapVector) * Max(natts, 1));
	state->col_values = palloc0(sizeof(Datum *) * Max(natts, 1));
	state->col_nulls = palloc0(sizeof(bool *) * Max(natts, 1));
	state->batch.natts = natts;
	state->batch.columns = state->vectors;

	/* columns never filled read as NULL */
	for (i = 0; i < slot->tts_tupleDescriptor->natts; i++)
	{
		slot->tts_values[i] = (Datum) 0;
		slot->tts_isnull[i] = true;
	}
}

static void
accumulate_stats(OlapScanState *state)
{
	const StripeReaderStats *s;

	if (state->reader == NULL)
		return;
	s = StripeReaderGetStats(state->reader);
	state->stats.chunk_groups_read += s->chunk_groups_read;
	state->stats.chunk_groups_skipped += s->chunk_groups_skipped;
	state->stats.bytes_read += s->bytes_read;
	state->stats.bytes_decoded += s->bytes_decoded;
}

/*
 * The chunk group filter of the scan: the quals' skip keys, the runtime
 * filters, and in a top-N scan's first pass the bound of the rows kept so
 * far (scan_topn.c).
 */
static bool
scan_group_filter(void *arg, const StripeMeta *stripe,
				  const ChunkGroupMeta *group)
{
	OlapScanState *state = (OlapScanState *) arg;
	ListCell   *lc;

	if (state->skip != NULL &&
		!ChunkSkipGroupMayMatch(state->skip, stripe, group))
		return false;
	foreach(lc, state->join_filters)
	{
		if (!OlapJoinFilterGroupMayMatch(lfirst(lc), stripe, group))
			return false;
	}
	if (state->topn != NULL && !state->topn_sorted)
		return OlapTopNGroupMayMatch(state->topn, stripe, group);
	return true;
}

/* Starts reading: the rows this transaction buffered are written first. */
static void
start_reader(OlapScanState *state)
{
	Relation	rel = state->css.ss.ss_currentRelation;
	EState	   *estate = state->css.ss.ps.state;

	WriteStateFlushRelation(rel);
	if (IsMVCCSnapshot(estate->es_snapshot))
		PredicateLockRelation(rel, estate->es_snapshot);
	state->reader = StripeReaderBegin(rel, estate->es_snapshot,
									  state->shared ? &state->shared->next_group : NULL);
	StripeReaderSetColumns(state->reader, state->needed);
	StripeReaderKeepCodes(state->reader);
	if (state->scaled_only != NULL)
		StripeReaderSetScaledOnly(state->reader, state->scaled_only);
	if (state->skip != NULL || state->join_filters != NIL ||
		(state->topn != NULL && !state->topn_sorted))
		StripeReaderSetFilter(state->reader, scan_group_filter, state);
}

/* Points the batch's vectors at the decoded columns marked in columns. */
static void
load_columns(OlapScanState *state, const bool *columns)
{
	int			natts = state->batch.natts;
	int			i;

	StripeReaderLoadColumns(state->reader, columns, state->col_values,
							state->col_nulls);
	for (i = 0; i < natts; i++)
	{
		int			encoding;
		const ChunkCodes *codes;
		const ChunkScaled *scaled;

		if (!columns[i] || state->vectors[i].nulls != NULL)
			continue;
		encoding = StripeReaderColumnEncoding(state->reader, i + 1);
		state->vectors[i].values = state->col_values[i];
		state->vectors[i].nulls = state->col_nulls[i];
		state->vectors[i].shared_values = encoding == OLAP_ENCODING_DICT ||
			encoding == OLAP_ENCODING_RLE;
		codes = StripeReaderColumnCodes(state->reader, i + 1);
		if (codes != NULL)
		{
			state->vectors[i].codes = codes->codes;
			state->vectors[i].dict = codes->dict;
			state->vectors[i].ndict = codes->ndict;
		}
		scaled = StripeReaderColumnScaled(state->reader, i + 1);
		if (scaled != NULL)
		{
			state->vectors[i].scaled = scaled->values;
			state->vectors[i].dscale = scaled->dscale;
		}
	}
}

/*
 * Moves to the next chunk group with rows that are visible and pass the
 * vectorized quals, and makes it the current batch; false at the end.
 */
static bool
next_batch(OlapScanState *state)
{
	OlapBatch  *batch = &state->batch;
	StripeReaderGroup group;
	ListCell   *lc;

	if (state->reader == NULL)
		start_reader(state);
	state->have_batch = false;
	for (;;)
	{
		uint32		n = 0;
		uint32		r;

		if (!StripeReaderNextGroup(state->reader, &group))
			return false;
		if (state->selection_size < group.row_count)
		{
			if (state->selection)
				pfree(state->selection);
			state->selection = MemoryContextAlloc(state->css.ss.ps.state->es_query_cxt,
												  sizeof(uint32) * Max(group.row_count, 1));
			state->selection_size = group.row_count;
			state->selection_identity = 0;
		}
		if (group.mask == NULL)
		{
			/* most batches select every row: fill only what was overwritten */
			for (r = state->selection_identity; r < group.row_count; r++)
				state->selection[r] = r;
			state->selection_identity = Max(state->selection_identity,
											group.row_count);
			n = group.row_count;
		}
		else
		{
			state->selection_identity = 0;
			for (r = 0; r < group.row_count; r++)
			{
				state->selection[n] = r;
				n += !RowMaskIsDeleted(group.mask, r);
			}
		}

		memset(state->vectors, 0, sizeof(OlapVector) * batch->natts);
		batch->nrows = group.row_count;
		batch->first_row_number = group.first_row_number;
		batch->selection = state->selection;
		if (state->vquals != NULL && n > 0)
		{
			uint32		before = n;

			load_columns(state, state->qual_columns);
			state->selection_identity = 0;
			n = VectorQualsFilter(state->vquals, batch, state->selection, n);
			if (state->css.ss.ps.instrument && before > n)
				InstrCountFiltered2(&state->css.ss.ps, before - n);
		}
		foreach(lc, state->join_filters)
		{
			if (n == 0 || !OlapJoinFilterReady(lfirst(lc)))
				continue;
			load_columns(state, state->qual_columns);
			state->selection_identity = 0;
			n = OlapJoinFilterApply(lfirst(lc), batch, state->selection, n);
		}
		if (n == 0)
			continue;
		load_columns(state, state->needed);
		batch->nselected = n;
		state->next = 0;
		state->have_batch = true;
		state->batches++;
		return true;
	}
}

bool
OlapScanAttachJoinFilter(PlanState *ps, OlapJoinFilter *filter)
{
	OlapScanState *state = (OlapScanState *) ps;
	AttrNumber	attnum = OlapJoinFilterColumn(filter);

	Assert(IsOlapScanState(ps));
	if (state->topn_private != NIL ||
		list_length(state->join_filters) >= OLAP_SCAN_MAX_JOIN_FILTERS ||
		attnum < 1 || attnum > state->batch.natts || !state->needed[attnum - 1])
		return false;
	state->join_filters = lappend(state->join_filters, filter);
	state->qual_columns[attnum - 1] = true;
	return true;
}

/* Puts row "row" of the current batch into the scan slot. */
static void
store_row(OlapScanState *state, TupleTableSlot *slot, uint32 row)
{
	int			k;

	for (k = 0; k < state->nslot_columns; k++)
	{
		int			i = state->slot_columns[k];

		slot->tts_values[i] = state->vectors[i].values[row];
		slot->tts_isnull[i] = state->vectors[i].nulls[row];
	}
	ExecStoreVirtualTuple(slot);
	slot->tts_tid = RowNumberToTid(state->batch.first_row_number + row);
	slot->tts_tableOid = RelationGetRelid(state->css.ss.ss_currentRelation);
}

/*
 * First pass of a top-N scan: every row that passes all quals goes into
 * the bounded sort with its key values and row number.
 */
static void
topn_sort(OlapScanState *state)
{
	PlanState  *ps = &state->css.ss.ps;
	ExprState  *qual = ps->qual;
	ExprContext *econtext = ps->ps_ExprContext;
	TupleTableSlot *slot = state->css.ss.ss_ScanTupleSlot;

	while (next_batch(state))
	{
		uint32		k;

		CHECK_FOR_INTERRUPTS();
		for (k = 0; k < state->batch.nselected; k++)
		{
			uint32		row = state->selection[k];

			if (qual != NULL)
			{
				ExecClearTuple(slot);
				store_row(state, slot, row);
				ResetExprContext(econtext);
				econtext->ecxt_scantuple = slot;
				if (!ExecQual(qual, econtext))
				{
					InstrCountFiltered1(ps, 1);
					continue;
				}
			}
			OlapTopNAdd(state->topn, &state->batch, row);
		}
	}
	ExecClearTuple(slot);
	OlapTopNFinish(state->topn);
	state->topn_sorted = true;
}

/*
 * Next row of a top-N scan: the next winner of the first pass, fetched with
 * every column the plan needs under the scan's snapshot.
 */
static TupleTableSlot *
topn_next(OlapScanState *state)
{
	Relation	rel = state->css.ss.ss_currentRelation;
	TupleTableSlot *slot = state->css.ss.ss_ScanTupleSlot;
	uint64		row_number;

	if (!state->topn_sorted)
		topn_sort(state);
	ExecClearTuple(slot);
	if (!OlapTopNNextRow(state->topn, &row_number))
		return slot;
	if (state->fetch_reader == NULL)
	{
		state->fetch_reader = StripeReaderBeginFetch(rel);
		StripeReaderSetColumns(state->fetch_reader, state->fetch_needed);
	}
	if (!StripeReaderFetch(state->fetch_reader, row_number,
						   state->css.ss.ps.state->es_snapshot, true,
						   slot->tts_tupleDescriptor, slot->tts_values,
						   slot->tts_isnull))
		elog(ERROR, "row " UINT64_FORMAT " of relation \"%s\" found by the top-N pass is not visible",
			 row_number, RelationGetRelationName(rel));
	state->topn_fetched++;
	ExecStoreVirtualTuple(slot);
	slot->tts_tid = RowNumberToTid(row_number);
	slot->tts_tableOid = RelationGetRelid(rel);
	return slot;
}

static TupleTableSlot *
olap_scan_next(ScanState *ss)
{
	OlapScanState *state = (OlapScanState *) ss;
	TupleTableSlot *slot = ss->ss_ScanTupleSlot;
	uint32		row;

	if (state->topn != NULL)
		return topn_next(state);

	ExecClearTuple(slot);
	if (!state->have_batch || state->next >= state->batch.nselected)
	{
		if (!next_batch(state))
			return slot;
	}
	row = state->selection[state->next++];
	store_row(state, slot, row);
	return slot;
}

void
OlapScanSetScaledOnly(PlanState *ps, const bool *columns)
{
	OlapScanState *state = (OlapScanState *) ps;
	int			natts = state->batch.natts;

	bool	   *datums = palloc0(sizeof(bool) * Max(natts, 1));
	int			i;

	Assert(IsOlapScanState(ps));
	/* the scan's own vectorized quals may want the Datums */
	VectorQualsDatumColumns(state->vquals, datums);
	state->scaled_only = MemoryContextAlloc(ps->state->es_query_cxt,
											sizeof(bool) * Max(natts, 1));
	for (i = 0; i < natts; i++)
		state->scaled_only[i] = columns[i] && !datums[i];
	pfree(datums);
	if (state->reader != NULL)
		StripeReaderSetScaledOnly(state->reader, state->scaled_only);
}

const OlapBatch *
OlapScanNextBatch(PlanState *ps)
{
	OlapScanState *state = (OlapScanState *) ps;

	Assert(IsOlapScanState(ps));
	if (state->topn != NULL)
		elog(ERROR, "batches requested from a top-N OlapScan");
	if (!next_batch(state))
		return NULL;
	state->next = state->batch.nselected;
	return &state->batch;
}

/*
 * EvalPlanQual rechecks: the vectorized quals, as expressions; ExecScan
 * evaluates the row quals itself.
 */
static bool
olap_scan_recheck(ScanState *ss, TupleTableSlot *slot)
{
	OlapScanState *state = (OlapScanState *) ss;
	ExprContext *econtext = ss->ps.ps_ExprContext;

	if (state->vquals_recheck == NULL)
		return true;
	ResetExprContext(econtext);
	econtext->ecxt_scantuple = slot;
	return ExecQual(state->vquals_recheck, econtext);
}

static TupleTableSlot *
olap_scan_exec(CustomScanState *node)
{
	return ExecScan(&node->ss, (ExecScanAccessMtd) olap_scan_next,
					(ExecScanRecheckMtd) olap_scan_recheck);
}

static void
olap_scan_end(CustomScanState *node)
{
	OlapScanState *state = (OlapScanState *) node;
	ListCell   *lc;

	/* a worker leaves its counters for the leader's EXPLAIN */
	if (IsParallelWorker() && state->shared != NULL)
	{
		accumulate_stats(state);
		if (state->fetch_reader != NULL)
		{
			const StripeReaderStats *s = StripeReaderGetStats(state->fetch_reader);

			state->stats.bytes_read += s->bytes_read;
			state->stats.bytes_decoded += s->bytes_decoded;
		}
		pg_atomic_fetch_add_u64(&state->shared->batches, state->batches);
		pg_atomic_fetch_add_u64(&state->shared->chunk_groups_read,
								state->stats.chunk_groups_read);
		pg_atomic_fetch_add_u64(&state->shared->chunk_groups_skipped,
								state->stats.chunk_groups_skipped);
		pg_atomic_fetch_add_u64(&state->shared->bytes_read, state->stats.bytes_read);
		pg_atomic_fetch_add_u64(&state->shared->bytes_decoded,
								state->stats.bytes_decoded);
		pg_atomic_fetch_add_u64(&state->shared->topn_fetched,
								state->topn_fetched);
		foreach(lc, state->join_filters)
		{
			const OlapJoinFilterStats *f = OlapJoinFilterGetStats(lfirst(lc));

			pg_atomic_fetch_add_u64(&state->shared->runtime_filtered, f->rows_removed);
			pg_atomic_write_u64(&state->shared->runtime_filter_keys[foreach_current_index(lc)],
								f->keys);
		}
	}
	if (state->reader != NULL)
		StripeReaderEnd(state->reader);
	state->reader = NULL;
	if (state->fetch_reader != NULL)
		StripeReaderEnd(state->fetch_reader);
	state->fetch_reader = NULL;
	OlapTopNEnd(state->topn);
	state->topn = NULL;
	if (node->ss.ps.ps_ResultTupleSlot)
		ExecClearTuple(node->ss.ps.ps_ResultTupleSlot);
	ExecClearTuple(node->ss.ss_ScanTupleSlot);
}

static void
olap_scan_rescan(CustomScanState *node)
{
	OlapScanState *state = (OlapScanState *) node;
	ListCell   *lc;

	/* parameters may have changed: new reader, skip keys evaluated again */
	accumulate_stats(state);
	if (state->reader != NULL)
		StripeReaderEnd(state->reader);
	state->reader = NULL;
	state->have_batch = false;
	ChunkSkipReset(state->skip);
	VectorQualsReset(state->vquals);
	foreach(lc, state->join_filters)
		OlapJoinFilterRescan(lfirst(lc), node->ss.ps.chgParam != NULL);
	if (state->topn != NULL)
	{
		OlapTopNEnd(state->topn);
		state->topn = OlapTopNBegin(state->topn_private,
									RelationGetDescr(node->ss.ss_currentRelation));
		state->topn_sorted = false;
	}
	ExecScanReScan(&node->ss);
}

/*
 * Leader: takes the counters the finished workers left in the DSM area
 * (once: they are zeroed).
 */
static void
collect_worker_stats(OlapScanState *state)
{
	OlapScanShared *shared = state->shared;

	if (shared == NULL || IsParallelWorker())
		return;
	state->worker_batches += pg_atomic_exchange_u64(&shared->batches, 0);
	state->worker_stats.chunk_groups_read +=
		pg_atomic_exchange_u64(&shared->chunk_groups_read, 0);
	state->worker_stats.chunk_groups_skipped +=
		pg_atomic_exchange_u64(&shared->chunk_groups_skipped, 0);
	state->worker_stats.bytes_read += pg_atomic_exchange_u64(&shared->bytes_read, 0);
	state->worker_stats.bytes_decoded +=
		pg_atomic_exchange_u64(&shared->bytes_decoded, 0);
	state->worker_topn_fetched += pg_atomic_exchange_u64(&shared->topn_fetched, 0);
	state->worker_filtered += pg_atomic_exchange_u64(&shared->runtime_filtered, 0);
	for (int i = 0; i < OLAP_SCAN_MAX_JOIN_FILTERS; i++)
		state->worker_filter_keys[i] = Max(state->worker_filter_keys[i],
										   pg_atomic_read_u64(&shared->runtime_filter_keys[i]));
}

static Size
olap_scan_estimate_dsm(CustomScanState *node, ParallelContext *pcxt)
{
	return sizeof(OlapScanShared);
}

static void
olap_scan_initialize_dsm(CustomScanState *node, ParallelContext *pcxt,
						 void *coordinate)
{
	OlapScanState *state = (OlapScanState *) node;
	OlapScanShared *shared = (OlapScanShared *) coordinate;

	pg_atomic_init_u64(&shared->next_group, 0);
	pg_atomic_init_u64(&shared->batches, 0);
	pg_atomic_init_u64(&shared->chunk_groups_read, 0);
	pg_atomic_init_u64(&shared->chunk_groups_skipped, 0);
	pg_atomic_init_u64(&shared->bytes_read, 0);
	pg_atomic_init_u64(&shared->bytes_decoded, 0);
	pg_atomic_init_u64(&shared->topn_fetched, 0);
	pg_atomic_init_u64(&shared->runtime_filtered, 0);
	for (int i = 0; i < OLAP_SCAN_MAX_JOIN_FILTERS; i++)
		pg_atomic_init_u64(&shared->runtime_filter_keys[i], 0);
	state->shared = shared;
}

/* A rescan of the Gather above: the previous workers have finished. */
static void
olap_scan_reinitialize_dsm(CustomScanState *node, ParallelContext *pcxt,
						   void *coordinate)
{
	OlapScanState *state = (OlapScanState *) node;

	state->shared = (OlapScanShared *) coordinate;
	collect_worker_stats(state);
	pg_atomic_write_u64(&state->shared->next_group, 0);
}

static void
olap_scan_initialize_worker(CustomScanState *node, shm_toc *toc,
							void *coordinate)
{
	((OlapScanState *) node)->shared = (OlapScanShared *) coordinate;
}

/*
 * Called before the Gather above destroys the DSM area: the leader collects
 * the workers' counters and forgets the area.
 */
static void
olap_scan_shutdown(CustomScanState *node)
{
	OlapScanState *state = (OlapScanState *) node;

	collect_worker_stats(state);
	if (!IsParallelWorker())
		state->shared = NULL;
}

/*
 * The runtime filters' columns and, with ANALYZE, their keys (the most any
 * process built) and the rows they removed in all processes.
 */
static void
explain_join_filters(OlapScanState *state, ExplainState *es)
{
	TupleDesc	desc = RelationGetDescr(state->css.ss.ss_currentRelation);
	StringInfoData columns;
	StringInfoData keys;
	uint64		removed = state->worker_filtered;
	ListCell   *lc;

	initStringInfo(&columns);
	initStringInfo(&keys);
	foreach(lc, state->join_filters)
	{
		OlapJoinFilter *filter = lfirst(lc);
		const OlapJoinFilterStats *stats = OlapJoinFilterGetStats(filter);
		int			i = foreach_current_index(lc);

		appendStringInfo(&columns, "%s%s", i > 0 ? ", " : "",
						 quote_identifier(NameStr(TupleDescAttr(desc, OlapJoinFilterColumn(filter) - 1)->attname)));
		appendStringInfo(&keys, "%s" UINT64_FORMAT, i > 0 ? ", " : "",
						 Max(stats->keys, state->worker_filter_keys[i]));
		removed += stats->rows_removed;
	}
	ExplainPropertyText("Runtime Filter", columns.data, es);
	if (es->analyze)
	{
		ExplainPropertyText("Runtime Filter Keys", keys.data, es);
		ExplainPropertyUInteger("Rows Removed by Runtime Filter", NULL, removed, es);
	}
}

static void
olap_scan_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	OlapScanState *state = (OlapScanState *) node;
	Relation	rel = node->ss.ss_currentRelation;
	StringInfoData buf;
	ListCell   *lc;
	List	   *skip_columns;

	initStringInfo(&buf);
	foreach(lc, state->columns)
	{
		int			attnum = lfirst_int(lc);

		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, quote_identifier(NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname)));
	}
	ExplainPropertyText("Columns Read", buf.len > 0 ? buf.data : "none", es);
	if (state->topn != NULL)
		ExplainPropertyText("Top-N", OlapTopNDescribe(state->topn, RelationGetDescr(rel)), es);

	if (state->vector_quals != NIL)
	{
		List	   *context;
		bool		useprefix = list_length(es->rtable) > 1 || es->verbose;
		Node	   *expr = (Node *) make_ands_explicit(state->vector_quals);

		context = set_deparse_context_plan(es->deparse_cxt,
										   node->ss.ps.plan, ancestors);
		ExplainPropertyText("Vectorized Filter",
							deparse_expression(expr, context, useprefix, false),
							es);
		if (es->analyze && node->ss.ps.instrument)
		{
			Instrumentation *instr = node->ss.ps.instrument;
			double		removed = instr->nloops > 0 ?
			instr->nfiltered2 / instr->nloops : 0;

			if (removed > 0 || es->format != EXPLAIN_FORMAT_TEXT)
				ExplainPropertyFloat("Rows Removed by Vectorized Filter", NULL,
									 removed, 0, es);
		}
	}

	skip_columns = ChunkSkipDescribe(state->skip, rel);
	if (skip_columns != NIL)
	{
		resetStringInfo(&buf);
		foreach(lc, skip_columns)
		{
			if (buf.len > 0)
				appendStringInfoString(&buf, ", ");
			appendStringInfoString(&buf, quote_identifier(strVal(lfirst(lc))));
		}
		ExplainPropertyText("Chunk Skipping On", buf.data, es);
	}
	if (state->join_filters != NIL)
		explain_join_filters(state, es);

	if (es->analyze)
	{
		StripeReaderStats total = state->stats;

		if (state->reader != NULL)
		{
			const StripeReaderStats *s = StripeReaderGetStats(state->reader);

			total.chunk_groups_read += s->chunk_groups_read;
			total.chunk_groups_skipped += s->chunk_groups_skipped;
			total.bytes_read += s->bytes_read;
			total.bytes_decoded += s->bytes_decoded;
		}
		total.chunk_groups_read += state->worker_stats.chunk_groups_read;
		total.chunk_groups_skipped += state->worker_stats.chunk_groups_skipped;
		total.bytes_read += state->worker_stats.bytes_read;
		total.bytes_decoded += state->worker_stats.bytes_decoded;
		if (state->fetch_reader != NULL)
		{
			const StripeReaderStats *s = StripeReaderGetStats(state->fetch_reader);

			total.bytes_read += s->bytes_read;
			total.bytes_decoded += s->bytes_decoded;
		}
		ExplainPropertyUInteger("Batches", NULL,
								state->batches + state->worker_batches, es);
		ExplainPropertyUInteger("Chunk Groups Read", NULL, total.chunk_groups_read, es);
		ExplainPropertyUInteger("Chunk Groups Skipped", NULL, total.chunk_groups_skipped, es);
		if (state->topn != NULL)
			ExplainPropertyUInteger("Top-N Rows Fetched", NULL,
									state->topn_fetched + state->worker_topn_fetched,
									es);
		ExplainPropertyUInteger("Bytes Read", "bytes", total.bytes_read, es);
		ExplainPropertyUInteger("Bytes Decoded", "bytes", total.bytes_decoded, es);
	}
}
