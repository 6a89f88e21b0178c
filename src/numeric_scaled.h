/*-------------------------------------------------------------------------
 *
 * numeric_scaled.h
 *	  Reading numeric values as scaled 64-bit integers, for the fast paths
 *	  of vectorized quals and aggregates.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_NUMERIC_SCALED_H
#define OLAP_NUMERIC_SCALED_H

#include "postgres.h"

/* Largest display scale NumericScaledParse accepts. */
#define NUMERIC_SCALED_MAX_SCALE 18

/*
 * numeric.c's on-disk header bits (the format is fixed by pg_upgrade), for
 * code that reads or builds numeric varlenas itself.
 */
#define NUM_SIGN_MASK		0xC000
#define NUM_POS				0x0000
#define NUM_NEG				0x4000
#define NUM_SHORT			0x8000
#define NUM_SPECIAL			0xC000
#define NUM_SHORT_SIGN_MASK 0x2000
#define NUM_SHORT_DSCALE_MASK 0x1F80
#define NUM_SHORT_DSCALE_SHIFT 7
#define NUM_SHORT_WEIGHT_SIGN_MASK 0x0040
#define NUM_SHORT_WEIGHT_MASK 0x003F
#define NUM_DSCALE_MASK		0x3FFF
#define NUM_NBASE			10000
#define NUM_DEC_DIGITS		4

/* 10^k for 0 <= k <= NUMERIC_SCALED_MAX_SCALE */
extern const int64 numeric_scaled_pow10[NUMERIC_SCALED_MAX_SCALE + 1];

/* Largest size of a numeric NumericScaledWrite builds (digit groups <= 8). */
#define NUMERIC_SCALED_MAX_BYTES (VARHDRSZ + sizeof(uint16) + 8 * sizeof(int16))

extern bool NumericScaledParse(Datum value, int64 *scaled, int *dscale);
extern Size NumericScaledWrite(int64 scaled, int dscale, char *dst);
extern Datum NumericScaledMake(int64 scaled, int dscale);
extern int	NumericScaledCompare(int64 a, int ascale, int64 b, int bscale);
extern int	NumericCompare(Datum a, Datum b);

#endif							/* OLAP_NUMERIC_SCALED_H */
