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

extern bool NumericScaledParse(Datum value, int64 *scaled, int *dscale);
extern int64 NumericScaledPow10(int k);
extern int	NumericScaledCompare(int64 a, int ascale, int64 b, int bscale);
extern int	NumericCompare(Datum a, Datum b);

#endif							/* OLAP_NUMERIC_SCALED_H */
