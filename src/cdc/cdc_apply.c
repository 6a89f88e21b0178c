/*-------------------------------------------------------------------------
 *
 * cdc_apply.c
 *	  Applying a batch of decoded source changes to a sync's target table.
 *
 * The caller (the sync worker) runs this in its own transaction with an
 * active snapshot; it commits the transaction together with the
 * replication origin's new position, so a batch is applied exactly once.
 *
 * The target has followed the source's column changes seen in the batch
 * before (cdc_schema.c: added, dropped, renamed and widened columns, in a
 * local transaction of their own: an olap table rewritten by ALTER TABLE
 * must not be updated in the same transaction).  Rows are mapped to the target's columns by
 * the source's attribute numbers; a target column the source does not have
 * gets NULL in new rows and keeps its value in updated ones.
 *
 * INSERTs go through the table AM (the olap AM buffers them into stripes
 * until the transaction commits).  UPDATE and DELETE find the target row
 * through the target's replica identity index (its primary key) with the
 * key of the decoded old row, or of the new row when the key did not
 * change; a row that is not there means target and source diverged, and
 * stops the sync.  Columns the decoder left out because they are TOASTed
 * and unchanged keep the target row's values.  The command counter
 * advances before each UPDATE and DELETE that follows a write, so it sees
 * the batch's earlier changes.  TRUNCATE truncates the target within the
 * same transaction.
 *
 * Memory: per change, a context reset before each change.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_relation.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"

#include "cdc/cdc.h"

/* The target while a batch is applied. */
typedef struct ApplyState
{
	Oid			relid;
	Relation	rel;
	Oid			keyindex;
	EState	   *estate;
	ResultRelInfo *rri;
	EPQState	epqstate;
	TupleTableSlot *newslot;
	TupleTableSlot *keyslot;
	TupleTableSlot *localslot;
	MemoryContext change_ctx;
	bool		written_since_cci;

	CdcColumns *columns;
	CdcColumnMap map;			/* for the descriptor of the last change */
} ApplyState;

static char *
target_name(Relation rel)
{
	return quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
									  RelationGetRelationName(rel));
}

/*
 * How many of the first limit changes of the batch to apply in this local
 * transaction: a source transaction with a TRUNCATE gets a local
 * transaction of its own.
 */
static int
truncate_limit(CdcBatch *batch, int limit)
{
	/*
	 * A source transaction with a TRUNCATE is applied in a local
	 * transaction of its own: stop before it, or after it when it comes
	 * first.
	 */
	for (int i = 0; i < limit; i++)
	{
		CdcChange  *c = list_nth(batch->changes, i);
		int			k = i;

		if (c->kind != CDC_TRUNCATE)
			continue;
		while (k > 0 &&
			   ((CdcChange *) list_nth(batch->changes, k - 1))->txn_end_lsn ==
			   c->txn_end_lsn)
			k--;
		if (k > 0)
			limit = k;
		else
		{
			while (k < limit &&
				   ((CdcChange *) list_nth(batch->changes, k))->txn_end_lsn ==
				   c->txn_end_lsn)
				k++;
			limit = k;
		}
		break;
	}

	return limit;
}

/* Opens the target and the executor state to write it. */
static void
open_target(ApplyState *st)
{
	RangeTblEntry *rte;
	TupleDesc	desc;

	st->rel = table_open(st->relid, RowExclusiveLock);
	st->keyindex = RelationGetReplicaIndex(st->rel);
	if (!OidIsValid(st->keyindex))
		st->keyindex = RelationGetPrimaryKeyIndex(st->rel);
	if (!OidIsValid(st->keyindex))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("sync target \"%s\" has no primary key",
						RelationGetRelationName(st->rel)),
				 errhint("Add a primary key on the columns of the source's key, then call olap.resume_sync().")));

	st->estate = CreateExecutorState();
	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = st->relid;
	rte->relkind = st->rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	ExecInitRangeTable(st->estate, list_make1(rte));
	st->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(st->rri, st->rel, 1, NULL, 0);
	st->estate->es_opened_result_relations =
		lappend(st->estate->es_opened_result_relations, st->rri);
	st->estate->es_output_cid = GetCurrentCommandId(true);
	ExecOpenIndices(st->rri, false);
	EvalPlanQualInit(&st->epqstate, st->estate, NULL, NIL, -1);
	AfterTriggerBeginQuery();

	desc = RelationGetDescr(st->rel);
	st->newslot = ExecInitExtraTupleSlot(st->estate, desc, &TTSOpsVirtual);
	st->keyslot = ExecInitExtraTupleSlot(st->estate, desc, &TTSOpsVirtual);
	st->localslot = table_slot_create(st->rel, &st->estate->es_tupleTable);
	st->map.desc = NULL;
	st->written_since_cci = false;
}

/* Runs queued AFTER triggers and closes what open_target opened. */
static void
close_target(ApplyState *st)
{
	AfterTriggerEndQuery(st->estate);
	EvalPlanQualEnd(&st->epqstate);
	ExecCloseIndices(st->rri);
	ExecResetTupleTable(st->estate->es_tupleTable, false);
	FreeExecutorState(st->estate);
	table_close(st->rel, NoLock);
	st->rel = NULL;
}

/* Maps the target's columns to those of source descriptor desc. */
static void
build_map(ApplyState *st, TupleDesc desc)
{
	MemoryContext old;

	if (st->map.desc == desc)
		return;
	old = MemoryContextSwitchTo(CurTransactionContext);
	CdcColumnMapBuild(&st->map, desc, RelationGetDescr(st->rel), st->columns);
	MemoryContextSwitchTo(old);
}

/*
 * Stores tuple (in the change's source descriptor) into slot, in the
 * target's columns.  With base set, columns the source does not provide
 * (not mapped, or flagged unchanged) keep base's values; otherwise they
 * are NULL.
 */
static void
fill_slot(ApplyState *st, CdcChange *c, HeapTuple tuple,
		  TupleTableSlot *slot, TupleTableSlot *base)
{
	TupleDesc	sdesc = c->desc;
	int			natts = slot->tts_tupleDescriptor->natts;
	Datum	   *values = palloc(sizeof(Datum) * sdesc->natts);
	bool	   *isnull = palloc(sizeof(bool) * sdesc->natts);

	heap_deform_tuple(tuple, sdesc, values, isnull);
	/* columns added to the source after the tuple was written */
	for (int i = HeapTupleHeaderGetNatts(tuple->t_data); i < sdesc->natts; i++)
		values[i] = getmissingattr(sdesc, i + 1, &isnull[i]);
	ExecClearTuple(slot);
	if (base)
		slot_getallattrs(base);
	for (int t = 0; t < natts; t++)
	{
		int			s = st->map.source[t];

		if (s >= 0 && !(c->unchanged && c->unchanged[s]))
		{
			slot->tts_isnull[t] = isnull[s];
			slot->tts_values[t] = isnull[s] ? (Datum) 0 :
				CdcColumnMapValue(&st->map, slot->tts_tupleDescriptor, t,
								  values[s]);
		}
		else if (base)
		{
			slot->tts_values[t] = base->tts_values[t];
			slot->tts_isnull[t] = base->tts_isnull[t];
		}
		else if (st->map.added[t])
		{
			slot->tts_values[t] =
				InputFunctionCall(&st->map.in[t], st->map.missing[t],
								  st->map.ioparam[t],
								  TupleDescAttr(slot->tts_tupleDescriptor, t)->atttypmod);
			slot->tts_isnull[t] = false;
		}
		else
		{
			slot->tts_values[t] = (Datum) 0;
			slot->tts_isnull[t] = true;
		}
	}
	ExecStoreVirtualTuple(slot);
}

/*
 * Finds and locks the target row with the key of the change (old key if
 * logged, else the new row's); raises an error when it is missing.
 */
static void
find_target_row(ApplyState *st, CdcChange *c)
{
	HeapTuple	key = c->oldtuple ? c->oldtuple : c->newtuple;

	if (st->written_since_cci)
	{
		CommandCounterIncrement();
		st->written_since_cci = false;
	}
	fill_slot(st, c, key, st->keyslot, NULL);
	if (!RelationFindReplTupleByIndex(st->rel, st->keyindex,
									  LockTupleExclusive, st->keyslot,
									  st->localslot))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("row to %s is missing from sync target \"%s\"",
						c->kind == CDC_UPDATE ? "update" : "delete",
						RelationGetRelationName(st->rel)),
				 errdetail("The target no longer matches the source; the sync stopped before applying the change."),
				 errhint("Drop and recreate the sync to copy the source again.")));
}

/* Truncates the target (closing and reopening it around the TRUNCATE). */
static void
truncate_target(ApplyState *st)
{
	char	   *sql = psprintf("TRUNCATE ONLY %s", target_name(st->rel));

	close_target(st);
	SPI_connect();
	if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not truncate the sync target");
	SPI_finish();
	CommandCounterIncrement();
	open_target(st);
}

/*
 * Applies the first limit changes of the batch (or fewer, see
 * truncate_limit) to the target, in order, in the current transaction.
 * The target must have followed the source's columns already
 * (CdcSchemaFollow, in a transaction of its own).  *applied tells what was applied;
 * columns is updated to the source's columns as applied.  The caller has
 * pushed an active snapshot.
 */
void
CdcApplyBatch(CdcBatch *batch, Oid target_relid, CdcColumns *columns,
			  int limit, CdcApplied *applied)
{
	ApplyState	st;
	MemoryContext old;

	memset(&st, 0, sizeof(st));
	memset(applied, 0, sizeof(CdcApplied));
	st.relid = target_relid;
	st.columns = columns;
	limit = truncate_limit(batch, Min(limit, list_length(batch->changes)));

	st.change_ctx = AllocSetContextCreate(CurrentMemoryContext,
										  "olap_ext cdc change",
										  ALLOCSET_DEFAULT_SIZES);
	open_target(&st);
	for (int i = 0; i < limit; i++)
	{
		CdcChange  *c = list_nth(batch->changes, i);

		CHECK_FOR_INTERRUPTS();
		applied->nchanges++;
		applied->end_lsn = c->txn_end_lsn;
		applied->commit_time = c->commit_time;
		if (c->kind == CDC_TRUNCATE)
		{
			truncate_target(&st);
			applied->ntruncates++;
			continue;
		}
		MemoryContextReset(st.change_ctx);
		old = MemoryContextSwitchTo(st.change_ctx);
		build_map(&st, c->desc);
		ResetPerTupleExprContext(st.estate);
		switch (c->kind)
		{
			case CDC_INSERT:
				fill_slot(&st, c, c->newtuple, st.newslot, NULL);
				ExecSimpleRelationInsert(st.rri, st.estate, st.newslot);
				applied->ninserts++;
				break;
			case CDC_UPDATE:
				find_target_row(&st, c);
				fill_slot(&st, c, c->newtuple, st.newslot, st.localslot);
				EvalPlanQualSetSlot(&st.epqstate, st.newslot);
				ExecSimpleRelationUpdate(st.rri, st.estate, &st.epqstate,
										 st.localslot, st.newslot);
				applied->nupdates++;
				break;
			case CDC_DELETE:
				find_target_row(&st, c);
				EvalPlanQualSetSlot(&st.epqstate, st.localslot);
				ExecSimpleRelationDelete(st.rri, st.estate, &st.epqstate,
										 st.localslot);
				applied->ndeletes++;
				break;
			case CDC_TRUNCATE:
				break;
		}
		st.written_since_cci = true;
		MemoryContextSwitchTo(old);
	}
	close_target(&st);
	MemoryContextDelete(st.change_ctx);
}
