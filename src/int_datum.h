/*-------------------------------------------------------------------------
 *
 * int_datum.h
 *	  Integer-like datums (int2, int4, int8, date, timestamp, timestamptz,
 *	  bool) as int64, and the 64-bit hash mix used on such integers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_INT_DATUM_H
#define OLAP_INT_DATUM_H

#include "catalog/pg_type_d.h"

/*
 * The integer a by-value datum of integer-like type typid holds (its
 * comparisons are those of the integers).
 */
static inline int64
IntDatumValue(Datum d, Oid typid)
{
	switch (typid)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
		case DATEOID:
			return DatumGetInt32(d);
		case BOOLOID:
			return DatumGetBool(d) ? 1 : 0;
		default:
			return DatumGetInt64(d);
	}
}

/* A 64-bit mix of an integer for hash tables (the splitmix64 finalizer). */
static inline uint64
IntHashMix(uint64 x)
{
	x ^= x >> 30;
	x *= UINT64CONST(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64CONST(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

#endif							/* OLAP_INT_DATUM_H */
