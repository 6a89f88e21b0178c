/*-------------------------------------------------------------------------
 *
 * compression.h
 *	  Block compression of encoded chunk payloads (none, zstd, lz4).
 *
 * Only compression.c includes the codec libraries; everything else names a
 * method through OlapCompression.  The numeric values are stored on disk in
 * every chunk header, so they must never be renumbered.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_COMPRESSION_H
#define OLAP_COMPRESSION_H

typedef enum OlapCompression
{
	OLAP_COMPRESSION_NONE = 0,
	OLAP_COMPRESSION_ZSTD = 1,
	OLAP_COMPRESSION_LZ4 = 2
} OlapCompression;

#define OLAP_COMPRESSION_LEVEL_MIN 1
#define OLAP_COMPRESSION_LEVEL_MAX 19
#define OLAP_DEFAULT_COMPRESSION_LEVEL 3

/*
 * Compresses srclen bytes at src with the given method and level.  On
 * success returns true and sets *dst to a palloc'd (huge-allowed) buffer in
 * CurrentMemoryContext and *dstlen to its length.  Returns false when the
 * method is NONE or the output would not be smaller than the input; the
 * caller then stores the bytes uncompressed.
 */
extern bool OlapCompress(OlapCompression method, int level,
						 const char *src, Size srclen,
						 char **dst, Size *dstlen);

/*
 * Decompresses srclen bytes at src into dst, which has room for exactly
 * rawlen bytes.  Returns NULL on success, or a palloc'd description of the
 * failure (corrupt input, wrong length); the caller reports it with the
 * relation and stripe it was reading.
 */
extern char *OlapDecompress(OlapCompression method,
							const char *src, Size srclen,
							char *dst, Size rawlen);

extern const char *OlapCompressionName(OlapCompression method);

/* Parses a method name; returns false for an unknown or unavailable name. */
extern bool OlapCompressionFromName(const char *name, OlapCompression *method);

#endif							/* OLAP_COMPRESSION_H */
