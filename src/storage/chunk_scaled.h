/*-------------------------------------------------------------------------
 *
 * chunk_scaled.h
 *	  The SCALED value encoding of numeric chunks: one display scale and
 *	  the values as 64-bit integers scaled by 10^dscale, stored with an
 *	  integer encoding.  Internal to chunk_encoding.c.
 *
 * Layout and rules are in src/storage/README ("SCALED").
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_CHUNK_SCALED_H
#define OLAP_CHUNK_SCALED_H

#include "storage/chunk_format.h"

/* Opaque analysis state of the values of one chunk; see chunk_scaled.c. */
typedef struct ScaledEncoder ScaledEncoder;

/*
 * Analyses count (> 0) non-null numeric values; returns NULL when SCALED
 * does not apply to them (a NaN or infinity, a value that is not an int64
 * once scaled, display scales that differ or exceed
 * NUMERIC_SCALED_MAX_SCALE).  The values must stay valid until
 * ScaledEncoderEnd.
 */
extern ScaledEncoder *ScaledEncoderBegin(const Datum *values, uint32 count);

/* Exact encoded size. */
extern Size ScaledEncoderSize(ScaledEncoder *senc);

/*
 * The number of distinct values and the index of the first occurrence of
 * each (see ChunkEncoderDistinct), or 0.
 */
extern uint32 ScaledEncoderDistinct(ScaledEncoder *senc, const uint32 **first);

/* Writes exactly ScaledEncoderSize bytes at dst. */
extern void ScaledEncoderWrite(ScaledEncoder *senc, char *dst);

extern void ScaledEncoderEnd(ScaledEncoder *senc);

/*
 * Decodes count values of a SCALED chunk from the len bytes at src, as
 * ChunkDecodeValues does (the same contract: a palloc'd message on bad
 * input, never an error).
 */
extern char *ScaledDecodeValues(const char *src, Size len, uint32 count,
								const ChunkColumnType *type, Datum *values,
								ChunkScaled *scaled);

#endif							/* OLAP_CHUNK_SCALED_H */
