/*-------------------------------------------------------------------------
 *
 * minmax.h
 *	  Per-chunk statistics for skipping: minimum and maximum values, and
 *	  the set of distinct values of chunks that have only a few; computing
 *	  them when a chunk group is written and their serialised forms in
 *	  olap.chunk.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_MINMAX_H
#define OLAP_MINMAX_H

#include "fmgr.h"

#include "storage/chunk_format.h"

/* Largest serialised min or max kept; longer values get no min/max. */
#define OLAP_MINMAX_MAX_BYTES 256

/*
 * Value sets: kept for a chunk with at most this many distinct non-null
 * values whose serialised form takes at most this many bytes.
 */
#define OLAP_VALUE_SET_MAX_VALUES 16
#define OLAP_VALUE_SET_MAX_BYTES 1024

typedef enum MinMaxKind
{
	MINMAX_NONE,				/* type has no default btree ordering */
	MINMAX_INT,					/* signed integer compare on the Datum */
	MINMAX_FMGR					/* btree comparison support function */
} MinMaxKind;

typedef struct MinMaxSupport
{
	MinMaxKind	kind;
	Oid			collation;
	FmgrInfo	cmp;
} MinMaxSupport;

extern void MinMaxSupportInit(MinMaxSupport *support, Oid typid, Oid collation);
extern void MinMaxCompute(MinMaxSupport *support, const ChunkColumnType *type,
						  const Datum *values, const bool *nulls, uint32 nrows,
						  MemoryContext result_ctx,
						  bytea **min_value, bytea **max_value);
extern Datum MinMaxDeserialize(const bytea *serialised,
							   const ChunkColumnType *type);
extern bytea *ValueSetCompute(MinMaxSupport *support,
							  const ChunkColumnType *type,
							  const Datum *distinct, uint32 ndistinct,
							  const Datum *values, const bool *nulls,
							  uint32 nrows, MemoryContext result_ctx);
extern int	ValueSetDeserialize(const bytea *set, const ChunkColumnType *type,
								Datum **values);

#endif							/* OLAP_MINMAX_H */
