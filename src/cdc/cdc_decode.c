/*-------------------------------------------------------------------------
 *
 * cdc_decode.c
 *	  The olap_ext logical decoding output plugin: decoded changes of a
 *	  sync's source table are copied into the sync worker's batch.
 *
 * The plugin produces no output stream.  Only the sync worker
 * (cdc_worker.c) decodes with it, in its own process, after handing over
 * the batch to fill with CdcDecodeSetBatch; anyone else reading a slot of
 * this plugin gets an error.  Callbacks run inside the reorder buffer's
 * transaction under a historic snapshot, so nothing is written here: each
 * change of the source table is copied into the batch's memory context
 * (TOAST pointers into the reorder buffer are flattened, columns the
 * decoder left out because they are TOASTed and unchanged are flagged),
 * and the commit callback records where the transaction ended so that the
 * worker can advance its replication origin to exactly that point.
 * Changes of other tables are ignored.
 *
 * Transactions are decoded whole at commit (no streaming of in-progress
 * transactions, no two-phase decoding), so after each decoded WAL record
 * the batch holds whole source transactions only.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "replication/logical.h"
#include "replication/output_plugin.h"
#include "replication/reorderbuffer.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "cdc/cdc.h"

extern PGDLLEXPORT void _PG_output_plugin_init(OutputPluginCallbacks *cb);

/* the batch being filled; set only inside a sync worker */
static CdcBatch *current_batch = NULL;

/* whether the transaction being decoded had changes of the source */
static bool txn_has_changes = false;

/*
 * Hands the plugin the batch to fill from now on (NULL: none).  The batch
 * must outlive the decoding context.
 */
void
CdcDecodeSetBatch(CdcBatch *batch)
{
	current_batch = batch;
}

/*
 * Empties the batch after it was applied: its memory is reset, the
 * descriptor cache too (it lives in that memory).
 */
void
CdcBatchReset(CdcBatch *batch)
{
	MemoryContextReset(batch->context);
	batch->changes = NIL;
	batch->nchanges = 0;
	batch->ninserts = 0;
	batch->nupdates = 0;
	batch->ndeletes = 0;
	batch->ntruncates = 0;
	batch->ntransactions = 0;
	batch->txn_first = 0;
	batch->first_change_at = 0;
	batch->last_desc = NULL;
}

static void
cdc_startup(LogicalDecodingContext *ctx, OutputPluginOptions *opt,
			bool is_init)
{
	opt->output_type = OUTPUT_PLUGIN_BINARY_OUTPUT;
	opt->receive_rewrites = false;
	if (!is_init && current_batch == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("logical decoding output plugin \"%s\" can only be used by olap sync workers",
						CDC_PLUGIN_NAME),
				 errhint("Use olap.create_sync() to stream a table into an olap table.")));
}

static void
cdc_begin(LogicalDecodingContext *ctx, ReorderBufferTXN *txn)
{
	txn_has_changes = false;
	if (current_batch)
		current_batch->txn_first = current_batch->nchanges;
}

/*
 * Copies a decoded tuple into the current memory context.  Values the
 * reorder buffer reassembled from TOAST chunks are flattened (they point
 * into its memory); on-disk TOAST pointers, which the decoder leaves for
 * unchanged TOASTed columns of an UPDATE, become NULLs flagged in
 * *unchanged (allocated on first need).
 */
static HeapTuple
copy_tuple(HeapTuple tuple, TupleDesc desc, bool **unchanged)
{
	Datum	   *values;
	bool	   *isnull;
	HeapTuple	copy;

	*unchanged = NULL;
	if (!HeapTupleHasExternal(tuple))
		return heap_copytuple(tuple);

	values = palloc(sizeof(Datum) * desc->natts);
	isnull = palloc(sizeof(bool) * desc->natts);
	heap_deform_tuple(tuple, desc, values, isnull);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		struct varlena *ptr;

		if (isnull[i] || att->attlen != -1)
			continue;
		ptr = (struct varlena *) DatumGetPointer(values[i]);
		if (VARATT_IS_EXTERNAL_ONDISK(ptr))
		{
			if (*unchanged == NULL)
				*unchanged = palloc0(sizeof(bool) * desc->natts);
			(*unchanged)[i] = true;
			isnull[i] = true;
		}
		else if (VARATT_IS_EXTERNAL(ptr))
			values[i] = PointerGetDatum(detoast_external_attr(ptr));
	}
	copy = heap_form_tuple(desc, values, isnull);
	pfree(values);
	pfree(isnull);
	return copy;
}

/* Starts a change of the batch; the caller is in the batch's context. */
static CdcChange *
new_change(CdcBatch *batch, CdcChangeKind kind, TupleDesc desc)
{
	CdcChange  *c = palloc0(sizeof(CdcChange));

	c->kind = kind;
	if (desc != NULL)
	{
		if (batch->last_desc == NULL || !CdcSameColumns(batch->last_desc, desc))
			batch->last_desc = CreateTupleDescCopyConstr(desc);
		c->desc = batch->last_desc;
	}
	if (batch->nchanges == 0)
		batch->first_change_at = GetCurrentTimestamp();
	batch->changes = lappend(batch->changes, c);
	batch->nchanges++;
	txn_has_changes = true;
	return c;
}

static void
cdc_change(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
		   Relation relation, ReorderBufferChange *change)
{
	CdcBatch   *batch = current_batch;
	TupleDesc	desc = RelationGetDescr(relation);
	MemoryContext old;
	CdcChange  *c;
	bool	   *ignored;

	if (batch == NULL || RelationGetRelid(relation) != batch->source_relid)
		return;

	old = MemoryContextSwitchTo(batch->context);
	switch (change->action)
	{
		case REORDER_BUFFER_CHANGE_INSERT:
			if (change->data.tp.newtuple == NULL)
				break;
			c = new_change(batch, CDC_INSERT, desc);
			c->newtuple = copy_tuple(&change->data.tp.newtuple->tuple, desc,
									 &c->unchanged);
			batch->ninserts++;
			break;
		case REORDER_BUFFER_CHANGE_UPDATE:
			if (change->data.tp.newtuple == NULL)
				break;
			c = new_change(batch, CDC_UPDATE, desc);
			c->newtuple = copy_tuple(&change->data.tp.newtuple->tuple, desc,
									 &c->unchanged);
			if (change->data.tp.oldtuple != NULL)
				c->oldtuple = copy_tuple(&change->data.tp.oldtuple->tuple,
										 desc, &ignored);
			batch->nupdates++;
			break;
		case REORDER_BUFFER_CHANGE_DELETE:
			if (change->data.tp.oldtuple == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("deletion from table \"%s\" was decoded without its key",
								RelationGetRelationName(relation)),
						 errhint("Give the table a primary key or a replica identity index, then recreate the sync.")));
			c = new_change(batch, CDC_DELETE, desc);
			c->oldtuple = copy_tuple(&change->data.tp.oldtuple->tuple, desc,
									 &ignored);
			batch->ndeletes++;
			break;
		default:
			/* speculative insertions arrive as INSERT; nothing else */
			break;
	}
	MemoryContextSwitchTo(old);
}

static void
cdc_truncate(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
			 int nrelations, Relation relations[],
			 ReorderBufferChange *change)
{
	CdcBatch   *batch = current_batch;

	if (batch == NULL)
		return;
	for (int i = 0; i < nrelations; i++)
	{
		if (RelationGetRelid(relations[i]) == batch->source_relid)
		{
			MemoryContext old = MemoryContextSwitchTo(batch->context);

			new_change(batch, CDC_TRUNCATE, NULL);
			batch->ntruncates++;
			MemoryContextSwitchTo(old);
			break;
		}
	}
}

static void
cdc_commit(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
		   XLogRecPtr commit_lsn)
{
	CdcBatch   *batch = current_batch;

	if (batch == NULL)
		return;
	batch->decoded_upto = txn->end_lsn;
	if (txn_has_changes)
	{
		for (int i = batch->txn_first; i < batch->nchanges; i++)
		{
			CdcChange  *c = list_nth(batch->changes, i);

			c->txn_end_lsn = txn->end_lsn;
			c->commit_time = txn->xact_time.commit_time;
		}
		batch->end_lsn = txn->end_lsn;
		batch->commit_time = txn->xact_time.commit_time;
		batch->ntransactions++;
	}
	txn_has_changes = false;
}

/* The plugin's entry point, found by name when a slot of it is used. */
void
_PG_output_plugin_init(OutputPluginCallbacks *cb)
{
	cb->startup_cb = cdc_startup;
	cb->begin_cb = cdc_begin;
	cb->change_cb = cdc_change;
	cb->truncate_cb = cdc_truncate;
	cb->commit_cb = cdc_commit;
}
