/*-------------------------------------------------------------------------
 *
 * chunk_scaled.c
 *	  The SCALED value encoding: numeric chunks stored as 64-bit integers.
 *
 * The values of a numeric(p,s) column all have display scale s, and for
 * p up to 18 each is an int64 once multiplied by 10^s.  A SCALED chunk
 * stores that scale once and the scaled integers with the integer
 * encodings of chunk_encoding.c (PLAIN, DICT, RLE, FOR or DELTA of an
 * 8-byte by-value type, whichever is smallest), so the frame-of-reference
 * and delta bit-packing of integer columns is reused as it is.  The
 * integers are stored divided by the largest power of ten that divides
 * them all (its exponent is stored too): values computed with a large
 * display scale, such as 1.5000000000000000, then take a few bits rather
 * than 60.
 *
 * The encoding applies when every non-null value of the chunk parses with
 * NumericScaledParse (finite, at most NUMERIC_SCALED_MAX_SCALE decimals,
 * an int64 when scaled, no digits beyond its display scale) and all share
 * one display scale.  Other chunks of numeric columns (NaN, infinities,
 * huge values, or an unconstrained column with mixed scales in one chunk)
 * keep the varlena encodings.
 *
 * Decoding yields the scaled integers themselves (ChunkScaled, the
 * "scaled view" that OlapScan hands to vectorized quals and OlapAgg) and,
 * unless the caller declines them, the numeric Datums, built with
 * NumericScaledWrite: the same bytes numeric.c stores for those values,
 * with a 4-byte header.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tupmacs.h"
#include "common/int.h"
#include "utils/memutils.h"

#include "numeric_scaled.h"
#include "storage/chunk_encoding.h"
#include "storage/chunk_scaled.h"

/* dscale, exponent and inner encoding in front of the integers */
#define SCALED_HEADER_SIZE 3

/* The integers are encoded as values of this type (int8). */
static const ChunkColumnType scaled_int_type = {
	.typlen = 8,
	.typbyval = true,
	.typalign = TYPALIGN_DOUBLE,
	.numeric = false
};

struct ScaledEncoder
{
	int			dscale;
	int			exponent;		/* the integers are stored / 10^exponent */
	Datum	   *ints;			/* the scaled values, as int8 Datums */
	ChunkEncoder *inner;		/* their analysis */
	OlapEncoding inner_encoding;
	Size		inner_size;
};

ScaledEncoder *
ScaledEncoderBegin(const Datum *values, uint32 count)
{
#if SIZEOF_DATUM == 8
	ScaledEncoder *senc;
	Datum	   *ints;
	int			dscale = -1;
	int			exponent = NUMERIC_SCALED_MAX_SCALE;

	if (count == 0)
		return NULL;
	ints = MemoryContextAllocHuge(CurrentMemoryContext,
								  (Size) count * sizeof(Datum));
	for (uint32 i = 0; i < count; i++)
	{
		int64		x;
		int			s;

		if (!NumericScaledParse(values[i], &x, &s) ||
			(dscale >= 0 && s != dscale))
		{
			pfree(ints);
			return NULL;
		}
		dscale = s;
		ints[i] = Int64GetDatum(x);
		while (exponent > 0 && x % numeric_scaled_pow10[exponent] != 0)
			exponent--;
	}
	if (exponent > 0)
	{
		for (uint32 i = 0; i < count; i++)
			ints[i] = Int64GetDatum(DatumGetInt64(ints[i]) /
									numeric_scaled_pow10[exponent]);
	}

	senc = palloc0(sizeof(ScaledEncoder));
	senc->dscale = dscale;
	senc->exponent = exponent;
	senc->ints = ints;
	senc->inner = ChunkEncoderBegin(ints, count, &scaled_int_type);
	senc->inner_encoding = ChunkEncoderChoose(senc->inner, &senc->inner_size);
	return senc;
#else
	/* the integers are decoded into Datum-sized slots */
	return NULL;
#endif
}

Size
ScaledEncoderSize(ScaledEncoder *senc)
{
	return SCALED_HEADER_SIZE + senc->inner_size;
}

uint32
ScaledEncoderDistinct(ScaledEncoder *senc, const uint32 **first)
{
	/* equal integers at one scale are equal numerics, and vice versa */
	return ChunkEncoderDistinct(senc->inner, first);
}

void
ScaledEncoderWrite(ScaledEncoder *senc, char *dst)
{
	dst[0] = (char) senc->dscale;
	dst[1] = (char) senc->exponent;
	dst[2] = (char) senc->inner_encoding;
	ChunkEncoderWrite(senc->inner, senc->inner_encoding,
					  dst + SCALED_HEADER_SIZE);
}

void
ScaledEncoderEnd(ScaledEncoder *senc)
{
	ChunkEncoderEnd(senc->inner);
	pfree(senc->ints);
	pfree(senc);
}

/*
 * The integers are decoded into the scaled view when there is one, else
 * into values[] itself (Datums are 8 bytes), and the numerics are then
 * built over them in one buffer.
 */
char *
ScaledDecodeValues(const char *src, Size len, uint32 count,
				   const ChunkColumnType *type, Datum *values,
				   ChunkScaled *scaled)
{
#if SIZEOF_DATUM == 8
	int			dscale;
	int			exponent;
	int			inner;
	Datum	   *ints;
	char	   *err;
	char	   *buf;
	Size		off = 0;

	if (!type->numeric || type->typlen != -1)
		return psprintf("SCALED encoding used for a column that is not numeric");
	if (len < SCALED_HEADER_SIZE)
		return psprintf("SCALED header truncated");
	dscale = (unsigned char) src[0];
	exponent = (unsigned char) src[1];
	inner = (unsigned char) src[2];
	if (dscale > NUMERIC_SCALED_MAX_SCALE)
		return psprintf("SCALED display scale %d is invalid", dscale);
	if (exponent > NUMERIC_SCALED_MAX_SCALE)
		return psprintf("SCALED exponent %d is invalid", exponent);
	if (inner != OLAP_ENCODING_PLAIN && inner != OLAP_ENCODING_DICT &&
		inner != OLAP_ENCODING_RLE && inner != OLAP_ENCODING_FOR &&
		inner != OLAP_ENCODING_DELTA)
		return psprintf("SCALED inner encoding %d is invalid", inner);

	ints = scaled != NULL ? (Datum *) scaled->values : values;
	err = ChunkDecodeValues((OlapEncoding) inner, src + SCALED_HEADER_SIZE,
							len - SCALED_HEADER_SIZE, count,
							&scaled_int_type, ints, NULL, NULL);
	if (err)
		return err;
	if (exponent > 0)
	{
		int64		m = numeric_scaled_pow10[exponent];

		for (uint32 i = 0; i < count; i++)
		{
			int64		x;

			if (pg_mul_s64_overflow(DatumGetInt64(ints[i]), m, &x))
				return psprintf("SCALED value %u overflows when scaled by 10^%d",
								i, exponent);
			ints[i] = Int64GetDatum(x);
		}
	}
	if (scaled != NULL)
	{
		scaled->dscale = dscale;
		scaled->valid = true;
		if (!scaled->want_datums)
			return NULL;
	}

	buf = MemoryContextAllocHuge(CurrentMemoryContext,
								 (Size) count *
								 att_align_nominal(NUMERIC_SCALED_MAX_BYTES,
												   type->typalign));
	for (uint32 i = 0; i < count; i++)
	{
		char	   *p;

		off = att_align_nominal(off, type->typalign);
		p = buf + off;
		off += NumericScaledWrite(DatumGetInt64(ints[i]), dscale, p);
		values[i] = PointerGetDatum(p);
	}
	return NULL;
#else
	return psprintf("SCALED chunks cannot be read where Datums are not 8 bytes");
#endif
}
