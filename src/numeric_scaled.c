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

	/* four digit groups (16 decimal digits) always fit; a fifth may not */
	if (ndigits > 4 + 1)
		return false;
	for (int i = 0; i < Min(ndigits, 4); i++)
		x = x * NUM_NBASE + read_uint16(digits + i * sizeof(int16));

	/*
	 * x is the value times 10^(4 * (ndigits - 1 - weight)).  Digit groups
	 * past the display scale are never stored, and the last group's digits
	 * past it are zeros, so a negative shift is -1 to -3 and divides
	 * exactly (by constants, which compile to multiplications).
	 */
	shift = *dscale - NUM_DEC_DIGITS * (ndigits - 1 - weight);
	if (ndigits == 5)
	{
		/* the fifth group, and its padding zeros, in 128 bits */
		uint128		wide = (uint128) x * NUM_NBASE +
			read_uint16(digits + 4 * sizeof(int16));

		if (shift < 0)
		{
			uint64		div;

			if (shift < -3)
				return false;
			div = (uint64) numeric_scaled_pow10[-shift];
			if (wide % div != 0)
				return false;
			wide /= div;
			shift = 0;
		}
		if (wide > (uint128) PG_INT64_MAX + 1)
			return false;
		x = (uint64) wide;
	}
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
	/* int64's range: up to 2^63 - 1, down to -2^63 */
	if (x > (uint64) PG_INT64_MAX + (neg ? 1 : 0))
		return false;
	*scaled = !neg ? (int64) x : x == 0 ? 0 : -(int64) (x - 1) - 1;
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

/*
 * Writes at dst, which must have room for NUMERIC_SCALED_MAX_BYTES and be
 * aligned for a numeric, the numeric scaled / 10^dscale with display scale
 * dscale (0 <= dscale <= NUMERIC_SCALED_MAX_SCALE), with a 4-byte varlena
 * header, and returns its size.  The bytes after the header are those
 * numeric.c's make_result stores for that value: the short format, digit
 * groups stripped of leading and trailing zeros, zero positive with
 * weight 0.
 */
Size
NumericScaledWrite(int64 scaled, int dscale, char *dst)
{
	uint64		mag = scaled < 0 ? -(uint64) scaled : (uint64) scaled;
	uint64		int_part;
	uint64		frac;
	int16		groups[12];		/* least significant first */
	int			nint = 0;
	int			nfrac;
	int			ngroups;
	int			first;
	int			last;
	int			weight;
	int			ndigits;
	bool		neg = scaled < 0;
	uint16		header;
	Size		len;
	int			i;

	Assert(dscale >= 0 && dscale <= NUMERIC_SCALED_MAX_SCALE);
	int_part = mag / (uint64) numeric_scaled_pow10[dscale];
	frac = mag % (uint64) numeric_scaled_pow10[dscale];

	/*
	 * The fraction in whole base-10000 groups: the last group holds the
	 * last dscale % 4 digits (4 when that is 0) followed by zeros.
	 */
	nfrac = (dscale + NUM_DEC_DIGITS - 1) / NUM_DEC_DIGITS;
	if (nfrac > 0)
	{
		int			r = dscale - (nfrac - 1) * NUM_DEC_DIGITS;

		groups[0] = (int16) ((frac % (uint64) numeric_scaled_pow10[r]) *
							 (uint64) numeric_scaled_pow10[NUM_DEC_DIGITS - r]);
		frac /= (uint64) numeric_scaled_pow10[r];
		for (i = 1; i < nfrac; i++)
		{
			groups[i] = (int16) (frac % NUM_NBASE);
			frac /= NUM_NBASE;
		}
	}
	while (int_part > 0)
	{
		groups[nfrac + nint++] = (int16) (int_part % NUM_NBASE);
		int_part /= NUM_NBASE;
	}
	ngroups = nfrac + nint;
	weight = nint - 1;

	/* strip zero groups: leading ones (at the top) and trailing ones */
	last = ngroups - 1;
	while (last >= 0 && groups[last] == 0)
	{
		last--;
		weight--;
	}
	first = 0;
	while (first <= last && groups[first] == 0)
		first++;
	ndigits = last >= first ? last - first + 1 : 0;
	if (ndigits == 0)
	{
		weight = 0;
		neg = false;
	}

	len = VARHDRSZ + sizeof(uint16) + ndigits * sizeof(int16);
	SET_VARSIZE(dst, len);
	header = NUM_SHORT | (neg ? NUM_SHORT_SIGN_MASK : 0) |
		(dscale << NUM_SHORT_DSCALE_SHIFT) |
		(weight < 0 ? NUM_SHORT_WEIGHT_SIGN_MASK : 0) |
		(weight & NUM_SHORT_WEIGHT_MASK);
	memcpy(dst + VARHDRSZ, &header, sizeof(uint16));
	for (i = 0; i < ndigits; i++)
		memcpy(dst + VARHDRSZ + sizeof(uint16) + i * sizeof(int16),
			   &groups[last - i], sizeof(int16));
	return len;
}

/* The numeric scaled / 10^dscale, palloc'd (see NumericScaledWrite). */
Datum
NumericScaledMake(int64 scaled, int dscale)
{
	char	   *result = palloc(NUMERIC_SCALED_MAX_BYTES);

	NumericScaledWrite(scaled, dscale, result);
	return PointerGetDatum(result);
}
