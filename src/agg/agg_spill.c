/*-------------------------------------------------------------------------
 *
 * agg_spill.c
 *	  Spill files of OlapAgg: the rows of groups that did not fit in memory.
 *
 * When the groups' memory reaches the hash memory limit (work_mem times
 * hash_mem_multiplier, as for PostgreSQL's hash aggregation), OlapAgg stops
 * creating groups: a row of a group already in memory is aggregated as
 * usual, any other row is written to one of AGG_SPILL_PARTITIONS spill
 * files chosen by bits of its group's hash.  Once the input is done and the
 * groups in memory have been returned, each file is aggregated in turn
 * like the input, with an empty table; rows of one group always go to the
 * same file, so every group is returned once.  A file whose groups again
 * do not fit is split by the next bits of the hash, up to
 * AGG_SPILL_MAX_LEVEL times (then the table simply grows).
 *
 * A spill file is a tuplestore (in memory while small, then a temporary
 * file) of minimal tuples shaped like the table, holding the columns the
 * node reads (keys, arguments, FILTER columns) and NULL elsewhere.  Read
 * back, its rows become batches of AGG_SPILL_BATCH_ROWS rows with every row
 * selected, so the aggregation code is the same for both.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/memutils.h"

#include "agg/agg_spill.h"
#include "numeric_scaled.h"

/* Memory a spill file keeps before it moves to a temporary file, in kB. */
#define AGG_SPILL_FILE_MEMORY_KB 64

/*
 * Prepares spill to write and read rows of a table of descriptor desc,
 * of which the columns marked in columns (by attnum - 1) are kept.
 * Allocations go to the current memory context.
 */
void
AggSpillInit(AggSpill *spill, TupleDesc desc, const bool *columns)
{
	int			natts = desc->natts;
	int			i;

	spill->context = CurrentMemoryContext;
	spill->desc = desc;
	spill->columns = columns;
	spill->values = palloc0(sizeof(Datum) * natts);
	spill->isnull = palloc(sizeof(bool) * natts);
	for (i = 0; i < natts; i++)
		spill->isnull[i] = true;
	spill->slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	spill->vectors = palloc0(sizeof(OlapVector) * natts);
	spill->selection = palloc(sizeof(uint32) * AGG_SPILL_BATCH_ROWS);
	for (i = 0; i < AGG_SPILL_BATCH_ROWS; i++)
		spill->selection[i] = i;
	memset(&spill->batch, 0, sizeof(OlapBatch));
	spill->batch.natts = natts;
	spill->batch.columns = spill->vectors;
	spill->batch.selection = spill->selection;
}

/* A new, empty spill file for rows partitioned by level bits. */
AggSpillFile *
AggSpillNewFile(AggSpill *spill, int level)
{
	MemoryContext old = MemoryContextSwitchTo(spill->context);
	AggSpillFile *file = palloc0(sizeof(AggSpillFile));

	file->rows = tuplestore_begin_heap(false, false, AGG_SPILL_FILE_MEMORY_KB);
	file->level = level;
	MemoryContextSwitchTo(old);
	return file;
}

/* Appends row of batch to file. */
void
AggSpillWrite(AggSpill *spill, AggSpillFile *file, const OlapBatch *batch,
			  uint32 row)
{
	int			natts = Min(spill->desc->natts, batch->natts);
	int			i;

	for (i = 0; i < natts; i++)
	{
		const OlapVector *vector = &batch->columns[i];

		if (!spill->columns[i] || vector->nulls == NULL)
			continue;
		spill->isnull[i] = vector->nulls[row];
		if (vector->nulls[row])
			spill->values[i] = (Datum) 0;
		else if (vector->values != NULL)
			spill->values[i] = vector->values[row];
		else
		{
			/* a column read through its scaled view only (batch.h) */
			Assert(vector->scaled != NULL);
			spill->values[i] = NumericScaledMake(vector->scaled[row],
												 vector->dscale);
		}
	}
	tuplestore_putvalues(file->rows, spill->desc, spill->values, spill->isnull);
	file->nrows++;
}

/*
 * The next batch of rows of file, or NULL after the last.  The batch's
 * vectors are allocated in the current memory context and stay valid until
 * it is reset.
 */
const OlapBatch *
AggSpillRead(AggSpill *spill, AggSpillFile *file)
{
	int			natts = spill->desc->natts;
	uint32		n = 0;
	int			i;

	for (i = 0; i < natts; i++)
	{
		OlapVector *vector = &spill->vectors[i];

		vector->values = NULL;
		vector->nulls = NULL;
		vector->shared_values = false;
		if (spill->columns[i])
		{
			vector->values = palloc(sizeof(Datum) * AGG_SPILL_BATCH_ROWS);
			vector->nulls = palloc(sizeof(bool) * AGG_SPILL_BATCH_ROWS);
		}
	}
	while (n < AGG_SPILL_BATCH_ROWS &&
		   tuplestore_gettupleslot(file->rows, true, false, spill->slot))
	{
		slot_getallattrs(spill->slot);
		for (i = 0; i < natts; i++)
		{
			Form_pg_attribute attr = TupleDescAttr(spill->desc, i);
			Datum	   *values = (Datum *) spill->vectors[i].values;
			bool	   *nulls = (bool *) spill->vectors[i].nulls;

			if (!spill->columns[i])
				continue;
			nulls[n] = spill->slot->tts_isnull[i];
			values[n] = nulls[n] ? (Datum) 0 :
				datumCopy(spill->slot->tts_values[i], attr->attbyval,
						  attr->attlen);
		}
		n++;
	}
	/* the slot may own a tuple of the current context: let go of it now */
	ExecClearTuple(spill->slot);
	if (n == 0)
		return NULL;
	spill->batch.nrows = n;
	spill->batch.nselected = n;
	return &spill->batch;
}

/* Makes the next AggSpillRead of file start again from its first row. */
void
AggSpillRescan(AggSpillFile *file)
{
	tuplestore_rescan(file->rows);
}

/* Frees file and its temporary file. */
void
AggSpillEndFile(AggSpillFile *file)
{
	tuplestore_end(file->rows);
	pfree(file);
}
