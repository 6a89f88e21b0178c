/*-------------------------------------------------------------------------
 *
 * numeric_scaled.c
 *	  Reading numeric values as scaled 64-bit integers.
 *
 * The values of a numeric(p,s) column are small: their base-10000 digits
 * fit an int64 once scaled by 10^dscale.  NumericScaledParse reads them
 * straight from the varlena (the on-disk format, fixed by pg_upgrade, is
 * described in PostgreSQL's numeric.c), so comparisons and sums can run on
 * integers; it declines NaN, infinities, compressed or external values,
 * display scales above NUMERIC_SCALED_MAX_SCALE, values with more than
 * five base-10000 digit groups and values that do not fit,
 * and callers then use numeric.c's own functions.  Stored numerics carry no
 * digits beyond their display scale, so value * 10^dscale is exact.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/fmgrprotos.h"

#include "numeric_scaled.h"

const int64 numeric_scaled_pow10[NUMERIC_SCALED_MAX_SCALE + 1] = {
	INT64CONST(1), INT64CONST(10), INT64CONST(100), INT64CONST(1000),
	INT64CONST(10000), INT64CONST(100000), INT64CONST(1000000),
	INT64CONST(10000000), INT64CONST(100000000), INT64CONST(1000000000),
	INT64CONST(10000000000), INT64CONST(100000000000),
	INT64CONST(1000000000000), INT64CONST(10000000000000),
	INT64CONST(100000000000000), INT64CONST(1000000000000000),
	INT64CONST(10000000000000000), INT64CONST(100000000000000000),
	INT64CONST(1000000000000000000)
};

/* Largest x with x * 10^shift <= PG_INT64_MAX, by shift. */
static const uint64 max_before_shift[] = {
	PG_INT64_MAX / INT64CONST(1), PG_INT64_MAX / INT64CONST(10),
	PG_INT64_MAX / INT64CONST(100), PG_INT64_MAX / INT64CONST(1000),
	PG_INT64_MAX / INT64CONST(10000), PG_INT64_MAX / INT64CONST(100000),
	PG_INT64_MAX / INT64CONST(1000000), PG_INT64_MAX / INT64CONST(10000000),
	PG_INT64_MAX / INT64CONST(100000000), PG_INT64_MAX / INT64CONST(1000000000),
	PG_INT64_MAX / INT64CONST(10000000000), PG_INT64_MAX / INT64CONST(100000000000),
	PG_INT64_MAX / INT64CONST(1000000000000), PG_INT64_MAX / INT64CONST(10000000000000),
	PG_INT64_MAX / INT64CONST(100000000000000), PG_INT64_MAX / INT64CONST(1000000000000000),
	PG_INT64_MAX / INT64CONST(10000000000000000), PG_INT64_MAX / INT64CONST(100000000000000000),
	PG_INT64_MAX / INT64CONST(1000000000000000000)
};

/* Reads the 16-bit word at p, which may be unaligned. */
static inline uint16
read_uint16(const char *p)
{
	uint16		v;

	memcpy(&v, p, sizeof(uint16));
	return v;
}

/*
 * Parses the numeric datum value into *scaled = value * 10^(*dscale).
 * Returns false (and leaves the outputs undefined) when it cannot: see the
 * file header.
 */
bool
NumericScaledParse(Datum value, int64 *scaled, int *dscale)
{
#ifdef HAVE_INT128
	struct varlena *v = (struct varlena *) DatumGetPointer(value);
	const char *p;
	Size		len;
	uint16		header;
	bool		neg;
	int			weight;
	int			ndigits;
	const char *digits;
	uint64		x = 0;
	int			shift;

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		return false;
	p = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (len < sizeof(uint16))
		return false;
	header = read_uint16(p);
	switch (header & NUM_SIGN_MASK)
	{
		case NUM_SPECIAL:
			return false;
		case NUM_SHORT:
			neg = (header & NUM_SHORT_SIGN_MASK) != 0;
			*dscale = (header & NUM_SHORT_DSCALE_MASK) >> NUM_SHORT_DSCALE_SHIFT;
			weight = header & NUM_SHORT_WEIGHT_MASK;
			if (header & NUM_SHORT_WEIGHT_SIGN_MASK)
				weight |= ~NUM_SHORT_WEIGHT_MASK;
			digits = p + sizeof(uint16);
			ndigits = (len - sizeof(uint16)) / sizeof(int16);
			break;
		default:
			if (len < 2 * sizeof(uint16))
				return false;
			neg = (header & NUM_SIGN_MASK) == NUM_NEG;
			*dscale = header & NUM_DSCALE_MASK;
			weight = (int16) read_uint16(p + sizeof(uint16));
			digits = p + 2 * sizeof(uint16);
			ndigits = (len - 2 * sizeof(uint16)) / sizeof(int16);
			break;
	}
	if (*dscale > NUMERIC_SCALED_MAX_SCALE)
		return false;
	if (ndigits == 0)
	{
		*scaled = 0;
		return true;
	}

	/* four digits (16 decimal digits) always fit; more may not */
	if (ndigits > 4 + 1)
		return false;
	for (int i = 0; i < ndigits; i++)
	{
		uint16		d = read_uint16(digits + i * sizeof(int16));

		if (i == 4 && x > (uint64) (PG_INT64_MAX - (NUM_NBASE - 1)) / NUM_NBASE)
			return false;
		x = x * NUM_NBASE + d;
	}

	/*
	 * x is the value times 10^(4 * (ndigits - 1 - weight)).  Digit groups
	 * past the display scale are never stored, and the last group's digits
	 * past it are zeros, so a negative shift is -1 to -3 and divides
	 * exactly (by constants, which compile to multiplications).
	 */
	shift = *dscale - NUM_DEC_DIGITS * (ndigits - 1 - weight);
	if (shift > 0)
	{
		if (shift > 18 || x > max_before_shift[shift])
			return false;
		x *= numeric_scaled_pow10[shift];
	}
	else if (shift < 0)
	{
		/* digits past the display scale are declined, never dropped */
		switch (shift)
		{
			case -1:
				if (x % 10 != 0)
					return false;
				x /= 10;
				break;
			case -2:
				if (x % 100 != 0)
					return false;
				x /= 100;
				break;
			case -3:
				if (x % 1000 != 0)
					return false;
				x /= 1000;
				break;
			default:
				return false;
		}
	}
	*scaled = neg ? -(int64) x : (int64) x;
	return true;
#else
	return false;
#endif
}

/*
 * Compares a / 10^ascale with b / 10^bscale (both scales at most
 * NUMERIC_SCALED_MAX_SCALE, as NumericScaledParse returns them).
 */
int
NumericScaledCompare(int64 a, int ascale, int64 b, int bscale)
{
#ifdef HAVE_INT128
	int128		wa = a;
	int128		wb = b;

	if (ascale < bscale)
		wa *= numeric_scaled_pow10[bscale - ascale];
	else if (bscale < ascale)
		wb *= numeric_scaled_pow10[ascale - bscale];
	return (wa > wb) - (wa < wb);
#else
	elog(ERROR, "scaled numeric comparison needs 128-bit integers");
	return 0;
#endif
}

/*
 * Compares two numeric datums as numeric_cmp does (NaN above everything,
 * then the infinities), on scaled integers when both parse.
 */
int
NumericCompare(Datum a, Datum b)
{
	int64		xa;
	int64		xb;
	int			sa;
	int			sb;

	if (NumericScaledParse(a, &xa, &sa) && NumericScaledParse(b, &xb, &sb))
		return NumericScaledCompare(xa, sa, xb, sb);
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}
