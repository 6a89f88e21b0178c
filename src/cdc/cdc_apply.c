/*-------------------------------------------------------------------------
 *
 * cdc_apply.c
 *	  Applying a batch of decoded source changes to a sync's target table.
 *
 * The caller (the sync worker) runs this in its own transaction with an
 * active snapshot; it commits the transaction together with the
 * replication origin's new position, so a batch is applied exactly once.
 *
 * Columns are matched by name.  Before any row is written, the columns of
 * every source descriptor in the batch are compared with the target's: a
 * source column the target lacks is added to the target (ALTER TABLE ADD
 * COLUMN, same type); a column whose type differs stops the sync with an
 * error (nothing of the batch is applied, so nothing is lost); a target
 * column the source no longer has gets NULL in new rows and keeps its
 * value in updated ones.
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

	/* source column of each target column (-1: none), for map_desc */
	TupleDesc	map_desc;
	int		   *map;
} ApplyState;

/* Position of the live column named name in desc, or -1. */
static int
column_by_name(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return i;
	}
	return -1;
}

static char *
target_name(Relation rel)
{
	return quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
									  RelationGetRelationName(rel));
}

/*
 * Compares the columns of one source descriptor with the target's.  Adds
 * to *missing (as "name type" SQL) the columns the target lacks.  A column
 * whose type changed raises an error when raise is set, else makes the
 * function return false.
 */
static bool
check_columns(TupleDesc source, Relation target, List **missing, bool raise)
{
	TupleDesc	tdesc = RelationGetDescr(target);

	for (int i = 0; i < source->natts; i++)
	{
		Form_pg_attribute satt = TupleDescAttr(source, i);
		int			t;

		if (satt->attisdropped)
			continue;
		t = column_by_name(tdesc, NameStr(satt->attname));
		if (t < 0)
		{
			char	   *def = psprintf("%s %s",
									   quote_identifier(NameStr(satt->attname)),
									   format_type_with_typemod(satt->atttypid,
																satt->atttypmod));

			if (!list_member(*missing, makeString(def)))
				*missing = lappend(*missing, makeString(def));
			continue;
		}
		if (TupleDescAttr(tdesc, t)->atttypid == satt->atttypid &&
			TupleDescAttr(tdesc, t)->atttypmod == satt->atttypmod)
			continue;
		if (!raise)
			return false;
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of the sync source has type %s, but the target \"%s\" has type %s",
						NameStr(satt->attname),
						format_type_with_typemod(satt->atttypid, satt->atttypmod),
						RelationGetRelationName(target),
						format_type_with_typemod(TupleDescAttr(tdesc, t)->atttypid,
												 TupleDescAttr(tdesc, t)->atttypmod)),
				 errdetail("The sync stopped before applying the first change made with the new type; no change is lost."),
				 errhint("Change the target column to the new type, then call olap.resume_sync().")));
	}
	return true;
}

/*
 * Brings the target's columns up to those of the source descriptors of the
 * batch and returns how many changes can be applied: all of them, or the
 * source transactions before the first change whose column types the
 * target does not have (the caller commits those, then comes back and gets
 * the error).  A source transaction with a TRUNCATE also gets a local
 * transaction of its own.  Missing columns are added to the target.
 */
static int
prepare_columns(CdcBatch *batch, Oid target_relid)
{
	Relation	rel = table_open(target_relid, RowExclusiveLock);
	TupleDesc	seen = NULL;
	List	   *missing = NIL;
	int			limit = list_length(batch->changes);
	char	   *name;

	for (int i = 0; i < list_length(batch->changes); i++)
	{
		CdcChange  *c = list_nth(batch->changes, i);
		int			k = i;

		if (c->desc == NULL || c->desc == seen)
			continue;
		seen = c->desc;
		if (check_columns(c->desc, rel, &missing, false))
			continue;
		/* back up to the start of the change's source transaction */
		while (k > 0 &&
			   ((CdcChange *) list_nth(batch->changes, k - 1))->txn_end_lsn ==
			   c->txn_end_lsn)
			k--;
		if (k == 0)
			(void) check_columns(c->desc, rel, &missing, true);
		limit = k;
		break;
	}
	name = target_name(rel);
	table_close(rel, NoLock);

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

	if (missing != NIL)
	{
		ListCell   *lc;

		SPI_connect();
		foreach(lc, missing)
		{
			char	   *sql = psprintf("ALTER TABLE %s ADD COLUMN %s", name,
									   strVal(lfirst(lc)));

			ereport(LOG,
					(errmsg("olap sync adds a column to its target: %s", sql)));
			if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
				elog(ERROR, "could not add a column to the sync target: %s", sql);
		}
		SPI_finish();
		CommandCounterIncrement();
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
	st->map_desc = NULL;
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
	TupleDesc	tdesc = RelationGetDescr(st->rel);

	if (st->map_desc == desc)
		return;
	if (st->map)
		pfree(st->map);
	st->map = MemoryContextAlloc(CurTransactionContext,
								 sizeof(int) * Max(tdesc->natts, 1));
	for (int t = 0; t < tdesc->natts; t++)
	{
		Form_pg_attribute att = TupleDescAttr(tdesc, t);

		st->map[t] = att->attisdropped ? -1 :
			column_by_name(desc, NameStr(att->attname));
	}
	st->map_desc = desc;
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
	ExecClearTuple(slot);
	if (base)
		slot_getallattrs(base);
	for (int t = 0; t < natts; t++)
	{
		int			s = st->map[t];

		if (s >= 0 && !(c->unchanged && c->unchanged[s]))
		{
			slot->tts_values[t] = values[s];
			slot->tts_isnull[t] = isnull[s];
		}
		else if (base)
		{
			slot->tts_values[t] = base->tts_values[t];
			slot->tts_isnull[t] = base->tts_isnull[t];
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
 * Applies the changes of the batch to the target, in order, in the current
 * transaction: all of them, or those before a change the target cannot
 * take yet (see prepare_columns).  *applied tells what was applied.  The
 * caller has pushed an active snapshot.
 */
void
CdcApplyBatch(CdcBatch *batch, Oid target_relid, CdcApplied *applied)
{
	ApplyState	st;
	MemoryContext old;
	int			limit;

	memset(&st, 0, sizeof(st));
	memset(applied, 0, sizeof(CdcApplied));
	st.relid = target_relid;
	limit = prepare_columns(batch, target_relid);

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
