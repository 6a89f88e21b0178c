/*-------------------------------------------------------------------------
 *
 * agg_spill.h
 *	  Rows OlapAgg sets aside when its hash table of groups is full: spill
 *	  files of batch rows, read back later as batches.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_SPILL_H
#define OLAP_AGG_SPILL_H

#include "access/tupdesc.h"
#include "executor/tuptable.h"
#include "utils/tuplestore.h"

#include "scan/batch.h"

/* Partitions per spill pass, and the hash bits that choose them. */
#define AGG_SPILL_BITS 4
#define AGG_SPILL_PARTITIONS (1 << AGG_SPILL_BITS)
/* Passes that can still split by fresh hash bits (32 bits in all). */
#define AGG_SPILL_MAX_LEVEL (32 / AGG_SPILL_BITS)
/* Rows of a batch read back from a spill file. */
#define AGG_SPILL_BATCH_ROWS 1024

/* One spill file: rows of the groups of one hash partition. */
typedef struct AggSpillFile
{
	Tuplestorestate *rows;
	int			level;			/* partition bits already used by its rows */
	uint64		nrows;
} AggSpillFile;

/* Writing and reading spill files of one node. */
typedef struct AggSpill
{
	MemoryContext context;		/* of the files and buffers */
	TupleDesc	desc;			/* the table's; unread columns stay NULL */
	const bool *columns;		/* [natts]: the columns the node reads */
	Datum	   *values;			/* one row being written */
	bool	   *isnull;
	TupleTableSlot *slot;		/* one row being read */
	OlapVector *vectors;		/* a batch being read */
	uint32	   *selection;
	OlapBatch	batch;
} AggSpill;

extern void AggSpillInit(AggSpill *spill, TupleDesc desc, const bool *columns);
extern AggSpillFile *AggSpillNewFile(AggSpill *spill, int level);
extern void AggSpillWrite(AggSpill *spill, AggSpillFile *file,
						  const OlapBatch *batch, uint32 row);
extern const OlapBatch *AggSpillRead(AggSpill *spill, AggSpillFile *file);
extern void AggSpillRescan(AggSpillFile *file);
extern void AggSpillEndFile(AggSpillFile *file);

/* The partition of a row of group hash hash at level. */
static inline int
agg_spill_partition(uint32 hash, int level)
{
	return (hash >> (32 - AGG_SPILL_BITS * (level + 1))) &
		(AGG_SPILL_PARTITIONS - 1);
}

#endif							/* OLAP_AGG_SPILL_H */
