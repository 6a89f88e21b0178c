/*-------------------------------------------------------------------------
 *
 * minmax.h
 *	  Per-chunk minimum and maximum values: computing them when a chunk
 *	  group is written and their serialised form in olap.chunk.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_MINMAX_H
#define OLAP_MINMAX_H

#include "fmgr.h"

#include "storage/chunk_format.h"

/* Largest serialised min or max kept; longer values get no min/max. */
#define OLAP_MINMAX_MAX_BYTES 256

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

#endif							/* OLAP_MINMAX_H */
