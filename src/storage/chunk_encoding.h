/*-------------------------------------------------------------------------
 *
 * chunk_encoding.h
 *	  Value encodings of a chunk (PLAIN, DICT, RLE, FOR, DELTA, and SCALED
 *	  in chunk_scaled.c); internal to chunk_format.c.
 *
 * The encoders see only the non-null values of a chunk, in row order;
 * chunk_format.c owns the null bitmap, compression and framing.  The number
 * of values is not stored in the encoded bytes: the reader knows it from the
 * chunk header (row_count - null_count).  Layouts are described in
 * src/storage/README ("Chunk layout and encodings").
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_CHUNK_ENCODING_H
#define OLAP_CHUNK_ENCODING_H

#include "storage/chunk_format.h"

/* Opaque analysis state of one set of values; see chunk_encoding.c. */
typedef struct ChunkEncoder ChunkEncoder;

/*
 * Analyses count non-null values of the given type and computes the exact
 * encoded size under every applicable encoding.  The values (and what they
 * point to) must stay valid until ChunkEncoderEnd.
 */
extern ChunkEncoder *ChunkEncoderBegin(const Datum *values, uint32 count,
									   const ChunkColumnType *type);

/* Size of the values in PLAIN form (the "raw" size used in statistics). */
extern uint32 ChunkEncoderDistinct(ChunkEncoder *enc, const uint32 **first);
extern Size ChunkEncoderPlainSize(ChunkEncoder *enc);

/*
 * Returns the encoding with the smallest encoded size and sets *size to
 * that size.  PLAIN wins every tie.
 */
extern OlapEncoding ChunkEncoderChoose(ChunkEncoder *enc, Size *size);

/*
 * Exact encoded size under the given encoding, or 0 with *applicable set
 * to false when the encoding cannot represent these values (or analysis
 * gave up on it because it cannot win).
 */
extern Size ChunkEncoderSize(ChunkEncoder *enc, OlapEncoding encoding,
							 bool *applicable);

/*
 * Writes the values under the given encoding to dst, which must have room
 * for the size ChunkEncoderSize/ChunkEncoderChoose reported; exactly that
 * many bytes are written.
 */
extern void ChunkEncoderWrite(ChunkEncoder *enc, OlapEncoding encoding,
							  char *dst);

/* Frees the analysis state. */
extern void ChunkEncoderEnd(ChunkEncoder *enc);

/*
 * Decodes exactly count values stored with the given encoding in the len
 * bytes at src, which must be consumed completely, into values[0..count).
 * By-reference results are allocated in CurrentMemoryContext, in a few
 * large buffers, each value aligned for type->typalign; values that are
 * equal in a DICT or RLE chunk may share storage.  Returns NULL on success
 * or a palloc'd message; never reads outside src[0..len) and never raises
 * an error for bad input.  With codes not NULL, a DICT or RLE chunk also
 * sets codes->codes[0..count) (room for count entries is the caller's),
 * codes->dict and codes->ndict, and codes->valid; other encodings leave
 * codes->valid false.  With scaled not NULL, a SCALED chunk sets
 * scaled->values[0..count), scaled->dscale and scaled->valid, and decodes
 * values[] only when scaled->want_datums (see chunk_scaled.h).
 */
extern char *ChunkDecodeValues(OlapEncoding encoding,
							   const char *src, Size len, uint32 count,
							   const ChunkColumnType *type,
							   Datum *values, ChunkCodes *codes,
							   ChunkScaled *scaled);

#endif							/* OLAP_CHUNK_ENCODING_H */
