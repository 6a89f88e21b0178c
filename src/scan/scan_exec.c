/*-------------------------------------------------------------------------
 *
 * scan_exec.c
 *	  Executing OlapScan: projection, chunk group skipping, parallel
 *	  stripe hand-out and EXPLAIN counters.
 *
 * The node reads rows through the storage's StripeReader, restricted to the
 * columns the plan needs (the others read as NULL and are never
 * decompressed) and filtered by chunk_skip.c, then evaluates the plan's
 * quals and projection through ExecScan like any scan node (which also
 * gives EvalPlanQual rechecks).  A parallel OlapScan shares one stripe
 * counter in the DSM segment; every participant lists the same stripes from
 * the query's snapshot and claims the next unread one.
 *
 * Backward scans are not supported (the path does not say it can), so the
 * planner puts a Material node under scrollable cursors.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "port/atomics.h"
#include "storage/predicate.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "scan/chunk_skip.h"
#include "scan/olap_scan.h"
#include "storage/row_number.h"
#include "storage/stripe_reader.h"
#include "storage/write_state.h"

typedef struct OlapScanState
{
	CustomScanState css;
	List	   *columns;		/* attnums read */
	bool	   *needed;			/* by attnum - 1 */
	StripeReader *reader;		/* created at the first row */
	ChunkSkipState *skip;
	pg_atomic_uint64 *shared_next_stripe;	/* parallel scans */
	StripeReaderStats stats;	/* of finished readers (rescans) */
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
	return (Node *) state;
}

static void
olap_scan_begin(CustomScanState *node, EState *estate, int eflags)
{
	OlapScanState *state = (OlapScanState *) node;
	Relation	rel = node->ss.ss_currentRelation;
	int			natts = RelationGetDescr(rel)->natts;
	ListCell   *lc;

	state->needed = palloc0(sizeof(bool) * Max(natts, 1));
	foreach(lc, state->columns)
	{
		int			attnum = lfirst_int(lc);

		if (attnum >= 1 && attnum <= natts)
			state->needed[attnum - 1] = true;
	}
	state->skip = ChunkSkipInit(node->ss.ps.plan->qual,
								((Scan *) node->ss.ps.plan)->scanrelid,
								rel, &node->ss.ps);
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
									  state->shared_next_stripe);
	StripeReaderSetColumns(state->reader, state->needed);
	if (state->skip != NULL)
		StripeReaderSetFilter(state->reader, ChunkSkipGroupMayMatch, state->skip);
}

static TupleTableSlot *
olap_scan_next(ScanState *ss)
{
	OlapScanState *state = (OlapScanState *) ss;
	TupleTableSlot *slot = ss->ss_ScanTupleSlot;
	uint64		row_number;

	if (state->reader == NULL)
		start_reader(state);

	ExecClearTuple(slot);
	if (!StripeReaderNext(state->reader, slot->tts_tupleDescriptor,
						  slot->tts_values, slot->tts_isnull, &row_number))
		return slot;
	ExecStoreVirtualTuple(slot);
	slot->tts_tid = RowNumberToTid(row_number);
	slot->tts_tableOid = RelationGetRelid(ss->ss_currentRelation);
	return slot;
}

/* EvalPlanQual rechecks: ExecScan re-evaluates the quals itself. */
static bool
olap_scan_recheck(ScanState *ss, TupleTableSlot *slot)
{
	return true;
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

	if (state->reader != NULL)
		StripeReaderEnd(state->reader);
	state->reader = NULL;
	if (node->ss.ps.ps_ResultTupleSlot)
		ExecClearTuple(node->ss.ps.ps_ResultTupleSlot);
	ExecClearTuple(node->ss.ss_ScanTupleSlot);
}

static void
olap_scan_rescan(CustomScanState *node)
{
	OlapScanState *state = (OlapScanState *) node;

	/* parameters may have changed: new reader, skip keys evaluated again */
	accumulate_stats(state);
	if (state->reader != NULL)
		StripeReaderEnd(state->reader);
	state->reader = NULL;
	ChunkSkipReset(state->skip);
	ExecScanReScan(&node->ss);
}

static Size
olap_scan_estimate_dsm(CustomScanState *node, ParallelContext *pcxt)
{
	return sizeof(pg_atomic_uint64);
}

static void
olap_scan_initialize_dsm(CustomScanState *node, ParallelContext *pcxt,
						 void *coordinate)
{
	OlapScanState *state = (OlapScanState *) node;

	state->shared_next_stripe = (pg_atomic_uint64 *) coordinate;
	pg_atomic_init_u64(state->shared_next_stripe, 0);
}

static void
olap_scan_reinitialize_dsm(CustomScanState *node, ParallelContext *pcxt,
						   void *coordinate)
{
	pg_atomic_write_u64((pg_atomic_uint64 *) coordinate, 0);
}

static void
olap_scan_initialize_worker(CustomScanState *node, shm_toc *toc,
							void *coordinate)
{
	((OlapScanState *) node)->shared_next_stripe = (pg_atomic_uint64 *) coordinate;
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
		ExplainPropertyUInteger("Chunk Groups Read", NULL, total.chunk_groups_read, es);
		ExplainPropertyUInteger("Chunk Groups Skipped", NULL, total.chunk_groups_skipped, es);
		ExplainPropertyUInteger("Bytes Read", "bytes", total.bytes_read, es);
		ExplainPropertyUInteger("Bytes Decoded", "bytes", total.bytes_decoded, es);
	}
}
