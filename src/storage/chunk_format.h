/*-------------------------------------------------------------------------
 *
 * chunk_format.h
 *	  Serialising one column of one chunk group ("a chunk") to bytes and
 *	  back: null bitmap, value encoding, compression and CRC32C framing.
 *
 * The byte layout is documented in src/storage/README.  A chunk is
 * self-describing and self-checking: its header carries the encoding, the
 * compression method, row and null counts and a CRC32C over everything after
 * the CRC field.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_CHUNK_FORMAT_H
#define OLAP_CHUNK_FORMAT_H

#include "storage/compression.h"

/* On-disk encoding ids; stored in chunk headers, never renumber. */
typedef enum OlapEncoding
{
	OLAP_ENCODING_PLAIN = 0,	/* values back to back */
	OLAP_ENCODING_DICT = 1,		/* distinct values + bit-packed codes */
	OLAP_ENCODING_RLE = 2,		/* (value, run length) pairs */
	OLAP_ENCODING_FOR = 3,		/* frame of reference + bit-packing */
	OLAP_ENCODING_DELTA = 4,	/* deltas, then frame of reference */
	OLAP_ENCODING_SCALED = 5	/* numeric as int64 scaled by 10^dscale */
} OlapEncoding;

#define OLAP_NUM_ENCODINGS 6

/* Storage properties of a column's type, as in pg_type. */
typedef struct ChunkColumnType
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	bool		numeric;		/* numeric (or a domain over it): SCALED
								 * applies */
} ChunkColumnType;

/*
 * The dictionary view of a DICT or RLE chunk (ChunkRead): each row's code,
 * an index into dict (the chunk's distinct values for DICT, its run values
 * for RLE, where two codes may hold equal values); NULL rows have code
 * ndict.  Equal codes always mean equal values, and values[row] is then the
 * very datum dict[codes[row]].
 */
typedef struct ChunkCodes
{
	uint32	   *codes;			/* nrows entries, allocated by the caller */
	Datum	   *dict;			/* ndict entries, in CurrentMemoryContext */
	uint32		ndict;
	bool		valid;			/* false: the chunk's encoding has no codes */
} ChunkCodes;

/*
 * The scaled view of a SCALED chunk (ChunkRead): each row's value as an
 * int64 scaled by 10^dscale (value = values[row] / 10^dscale, all rows
 * sharing dscale); NULL rows hold 0.  With want_datums false, ChunkRead
 * leaves the Datum vector of such a chunk unset (building numerics is what
 * the view saves); other chunks always get their Datums.
 */
typedef struct ChunkScaled
{
	int64	   *values;			/* nrows entries, allocated by the caller */
	int			dscale;
	bool		want_datums;	/* in: build the numeric Datums too */
	bool		valid;			/* false: the chunk is not SCALED */
} ChunkScaled;

/* Fixed part at the start of every stored chunk. */
typedef struct ChunkHeader
{
	uint32		crc;			/* CRC32C of all bytes after this field */
	uint8		encoding;		/* OlapEncoding */
	uint8		compression;	/* OlapCompression actually applied */
	uint16		flags;			/* CHUNK_HAS_NULLS */
	uint32		row_count;		/* rows, NULLs included */
	uint32		null_count;
	uint64		payload_raw_len;	/* payload length before compression */
} ChunkHeader;

#define CHUNK_HEADER_SIZE sizeof(ChunkHeader)	/* 24 bytes */
#define CHUNK_HAS_NULLS 0x0001

/* What ChunkBuild produced. */
typedef struct ChunkBuildResult
{
	char	   *data;			/* header + stored payload */
	Size		len;			/* bytes at data */
	Size		raw_len;		/* size of the values in plain form */
	OlapEncoding encoding;
	OlapCompression compression;	/* NONE when compressing did not pay */
	uint32		null_count;

	/*
	 * When known (ndistinct > 0): one copy of each distinct non-null value,
	 * pointing into the caller's values, so that statistics such as min/max
	 * need not look at every row.  NULL when the encoder did not enumerate
	 * the distinct values.
	 */
	Datum	   *distinct;
	uint32		ndistinct;
} ChunkBuildResult;

/*
 * Serialises nrows values of one column.  values[i] is ignored where
 * nulls[i] is true.  Varlena values must not be external or compressed
 * (short 1-byte headers are fine); the caller detoasts.  The encoding is
 * whichever available one is smallest for the values; then the payload is
 * compressed with the requested method if that makes it smaller.
 * result->data is allocated in CurrentMemoryContext (huge allocations
 * allowed).
 */
extern void ChunkBuild(const Datum *values, const bool *nulls, uint32 nrows,
					   const ChunkColumnType *type,
					   OlapCompression compression, int level,
					   ChunkBuildResult *result);

/*
 * Verifies and decodes a stored chunk of len bytes into values[nrows] and
 * nulls[nrows], which the caller allocates.  By-reference values are
 * allocated in CurrentMemoryContext, each correctly aligned for its type.
 * Returns NULL on success, or a palloc'd description of what is wrong
 * (checksum mismatch, bad header, wrong row count, decoder failure); the
 * caller raises ERRCODE_DATA_CORRUPTED naming the relation and stripe.
 * When codes is not NULL and the chunk is DICT or RLE encoded, its
 * dictionary view is returned in *codes too (codes->valid); codes->codes
 * must have room for nrows entries.  Likewise, when scaled is not NULL and
 * the chunk is SCALED encoded, its scaled view is returned in *scaled
 * (scaled->valid), and values[] is filled only when scaled->want_datums.
 */
extern char *ChunkRead(const char *data, Size len, uint32 nrows,
					   const ChunkColumnType *type,
					   Datum *values, bool *nulls, ChunkCodes *codes,
					   ChunkScaled *scaled);

/* Reads just the header; returns false if len is too short. */
extern bool ChunkReadHeader(const char *data, Size len, ChunkHeader *header);

extern const char *OlapEncodingName(OlapEncoding encoding);

#endif							/* OLAP_CHUNK_FORMAT_H */
