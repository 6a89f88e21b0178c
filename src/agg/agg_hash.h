/*-------------------------------------------------------------------------
 *
 * agg_hash.h
 *	  Hashing and comparing the values OlapAgg groups by or counts
 *	  distinctly: integer-like values (integers, date, timestamps, bool) as
 *	  integers, text by its bytes (the equality of a deterministic
 *	  collation).
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_HASH_H
#define OLAP_AGG_HASH_H

#include "common/hashfn.h"
#include "fmgr.h"

/* How values of one kind are hashed and compared. */
typedef struct AggValueType
{
	int16		typlen;
	bool		typbyval;
	bool		is_text;		/* compared by bytes; otherwise an integer */
} AggValueType;

/* The integer in a by-value datum of typlen bytes. */
static inline int64
agg_value_int(Datum value, int16 typlen)
{
	switch (typlen)
	{
		case 1:
			return DatumGetChar(value);
		case 2:
			return DatumGetInt16(value);
		case 4:
			return DatumGetInt32(value);
		default:
			return DatumGetInt64(value);
	}
}

/* The by-value datum of typlen bytes holding integer value (the inverse). */
static inline Datum
agg_int_datum(int64 value, int16 typlen)
{
	switch (typlen)
	{
		case 1:
			return CharGetDatum((char) value);
		case 2:
			return Int16GetDatum((int16) value);
		case 4:
			return Int32GetDatum((int32) value);
		default:
			return Int64GetDatum(value);
	}
}

/* Hash of one value (NULL included). */
static inline uint32
agg_value_hash(const AggValueType *type, Datum value, bool isnull)
{
	if (isnull)
		return 0x9e3779b9;
	if (type->is_text)
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(value);

		return hash_bytes((unsigned char *) VARDATA_ANY(v),
						  VARSIZE_ANY_EXHDR(v));
	}
	else
	{
		uint64		x = (uint64) agg_value_int(value, type->typlen);

		return murmurhash32((uint32) x) ^
			murmurhash32((uint32) (x >> 32) + 0x5bd1e995);
	}
}

/* True when two non-NULL values are equal. */
static inline bool
agg_values_equal(const AggValueType *type, Datum a, Datum b)
{
	if (type->is_text)
	{
		struct varlena *va = (struct varlena *) DatumGetPointer(a);
		struct varlena *vb = (struct varlena *) DatumGetPointer(b);
		Size		len = VARSIZE_ANY_EXHDR(va);

		return len == VARSIZE_ANY_EXHDR(vb) &&
			memcmp(VARDATA_ANY(va), VARDATA_ANY(vb), len) == 0;
	}
	return agg_value_int(a, type->typlen) == agg_value_int(b, type->typlen);
}

/* A set of (group number, non-NULL value) pairs, for count(DISTINCT x). */
typedef struct AggDistinctSet AggDistinctSet;

extern AggDistinctSet *AggDistinctCreate(MemoryContext context,
										 const AggValueType *type);
extern void AggDistinctNewBatch(AggDistinctSet *set);
extern bool AggDistinctAdd(AggDistinctSet *set, uint32 group, Datum value);
extern uint32 AggDistinctAddRows(AggDistinctSet *set, const uint32 *gids,
								 const Datum *values, const bool *nulls,
								 const uint32 *sel, uint32 n,
								 uint32 *new_rows);
extern uint64 AggDistinctCount(AggDistinctSet *set);
extern void AggDistinctSetLimit(AggDistinctSet *set, Size limit);
extern bool AggDistinctOverflowed(AggDistinctSet *set);

#endif							/* OLAP_AGG_HASH_H */
