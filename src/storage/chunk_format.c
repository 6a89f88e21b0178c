/*-------------------------------------------------------------------------
 *
 * chunk_format.c
 *	  Serialising one column of one chunk group ("a chunk") to bytes and
 *	  back: null bitmap, value encoding, compression and CRC32C framing.
 *
 * A stored chunk is a ChunkHeader (24 bytes, native byte order) followed by
 * the payload, compressed as a whole when that made it an eighth smaller.
 * The uncompressed payload is the null bitmap (only when there are NULLs:
 * ceil(row_count / 8) bytes, bit i of the bitmap set when row i is NULL)
 * followed by the encoded non-null values (see chunk_encoding.c).
 *
 * Invariants:
 *
 *	- header.crc is the CRC32C of every byte after the crc field, header
 *	  included, so any stored bit flip is detected before decoding.
 *	- header.payload_raw_len is the uncompressed payload length, also when
 *	  the payload is stored uncompressed (it then equals len - header).
 *	- CHUNK_HAS_NULLS is set exactly when null_count > 0, and then the
 *	  bitmap holds exactly null_count set bits and no bits past row_count.
 *	- ChunkRead never raises an error for bad input: it reports a palloc'd
 *	  message and never reads outside data[0..len).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
#include "port/pg_crc32c.h"
#include "storage/chunk_encoding.h"
#include "storage/chunk_format.h"
#include "utils/memutils.h"

StaticAssertDecl(sizeof(ChunkHeader) == 24, "ChunkHeader must be 24 bytes");

#define CHUNK_KNOWN_FLAGS CHUNK_HAS_NULLS

/*
 * No supported codec expands its input by more than this factor: zstd's
 * densest form is a 4-byte RLE block standing for 128 kB, and lz4 stays
 * below 256.  A compressed chunk claiming more is corrupt, and rejecting it
 * keeps a damaged header from making us allocate absurd amounts of memory.
 */
#define CHUNK_MAX_EXPANSION 32768

static pg_crc32c chunk_crc(const char *data, Size len);
static char *check_null_bitmap(const unsigned char *bitmap, uint32 nrows,
							   uint32 null_count);

/* Returns the CRC32C of data[4..len), i.e. everything after the crc field. */
static pg_crc32c
chunk_crc(const char *data, Size len)
{
	pg_crc32c	crc;

	INIT_CRC32C(crc);
	COMP_CRC32C(crc, data + sizeof(uint32), len - sizeof(uint32));
	FIN_CRC32C(crc);
	return crc;
}

const char *
OlapEncodingName(OlapEncoding encoding)
{
	switch (encoding)
	{
		case OLAP_ENCODING_PLAIN:
			return "plain";
		case OLAP_ENCODING_DICT:
			return "dict";
		case OLAP_ENCODING_RLE:
			return "rle";
		case OLAP_ENCODING_FOR:
			return "for";
		case OLAP_ENCODING_DELTA:
			return "delta";
		case OLAP_ENCODING_SCALED:
			return "scaled";
	}
	return "unknown";
}

/*
 * A compressed payload is kept only when it is at least 1/this smaller
 * than the encoded one: bit-packed integers that compress by a few percent
 * would otherwise cost a decompression on every read (about 1 ms per 2 MB
 * with zstd) for little space.
 */
#define CHUNK_MIN_COMPRESSION_GAIN 8

/*
 * ChunkBuild compacts the non-null values, builds the null bitmap, lets
 * the encoder pick the smallest encoding, writes header and payload into
 * one buffer and then replaces the payload by its compressed form if that
 * is smaller by CHUNK_MIN_COMPRESSION_GAIN.
 */
void
ChunkBuild(const Datum *values, const bool *nulls, uint32 nrows,
		   const ChunkColumnType *type,
		   OlapCompression compression, int level,
		   ChunkBuildResult *result)
{
	const Datum *nonnull;
	Datum	   *compact = NULL;
	uint32		null_count = 0;
	uint32		count;
	ChunkEncoder *enc;
	OlapEncoding encoding;
	Size		enc_size;
	Size		bitmap_len;
	Size		payload_len;
	Size		total_len;
	char	   *buf;
	char	   *payload;
	ChunkHeader header;
	OlapCompression applied = OLAP_COMPRESSION_NONE;

	for (uint32 i = 0; i < nrows; i++)
		null_count += nulls[i] ? 1 : 0;
	count = nrows - null_count;

	/* The encoder wants the non-null values only, in row order. */
	if (null_count == 0)
		nonnull = values;
	else
	{
		uint32		k = 0;

		compact = (Datum *) MemoryContextAllocHuge(CurrentMemoryContext,
												   Max((Size) count, 1) * sizeof(Datum));
		for (uint32 i = 0; i < nrows; i++)
		{
			if (!nulls[i])
				compact[k++] = values[i];
		}
		nonnull = compact;
	}

	enc = ChunkEncoderBegin(nonnull, count, type);
	encoding = ChunkEncoderChoose(enc, &enc_size);

	bitmap_len = (null_count > 0) ? ((Size) nrows + 7) / 8 : 0;
	payload_len = bitmap_len + enc_size;
	total_len = CHUNK_HEADER_SIZE + payload_len;
	buf = (char *) MemoryContextAllocHuge(CurrentMemoryContext, total_len);
	payload = buf + CHUNK_HEADER_SIZE;

	if (bitmap_len > 0)
	{
		unsigned char *bitmap = (unsigned char *) payload;

		memset(bitmap, 0, bitmap_len);
		for (uint32 i = 0; i < nrows; i++)
		{
			if (nulls[i])
				bitmap[i / 8] |= (unsigned char) (1 << (i % 8));
		}
	}
	ChunkEncoderWrite(enc, encoding, payload + bitmap_len);

	result->raw_len = ChunkEncoderPlainSize(enc);
	{
		const uint32 *first;
		uint32		ndistinct = ChunkEncoderDistinct(enc, &first);

		result->distinct = NULL;
		result->ndistinct = ndistinct;
		if (ndistinct > 0)
		{
			result->distinct = palloc(sizeof(Datum) * ndistinct);
			for (uint32 d = 0; d < ndistinct; d++)
				result->distinct[d] = nonnull[first[d]];
		}
	}
	ChunkEncoderEnd(enc);
	if (compact)
		pfree(compact);

	if (compression != OLAP_COMPRESSION_NONE && payload_len > 0)
	{
		char	   *cdata;
		Size		clen;

		if (OlapCompress(compression, level, payload, payload_len,
						 &cdata, &clen) &&
			clen <= payload_len - payload_len / CHUNK_MIN_COMPRESSION_GAIN)
		{
			Assert(clen < payload_len);
			memcpy(payload, cdata, clen);
			pfree(cdata);
			total_len = CHUNK_HEADER_SIZE + clen;
			buf = (char *) repalloc_huge(buf, total_len);
			applied = compression;
		}
	}

	memset(&header, 0, sizeof(header));
	header.encoding = (uint8) encoding;
	header.compression = (uint8) applied;
	header.flags = (null_count > 0) ? CHUNK_HAS_NULLS : 0;
	header.row_count = nrows;
	header.null_count = null_count;
	header.payload_raw_len = (uint64) payload_len;
	memcpy(buf, &header, CHUNK_HEADER_SIZE);
	header.crc = chunk_crc(buf, total_len);
	memcpy(buf, &header.crc, sizeof(header.crc));

	result->data = buf;
	result->len = total_len;
	result->encoding = encoding;
	result->compression = applied;
	result->null_count = null_count;
}

bool
ChunkReadHeader(const char *data, Size len, ChunkHeader *header)
{
	if (len < CHUNK_HEADER_SIZE)
		return false;
	memcpy(header, data, CHUNK_HEADER_SIZE);
	return true;
}

/*
 * check_null_bitmap verifies that the bitmap of nrows bits has exactly
 * null_count bits set and no bits set past nrows.
 */
static char *
check_null_bitmap(const unsigned char *bitmap, uint32 nrows,
				  uint32 null_count)
{
	Size		nbytes = ((Size) nrows + 7) / 8;
	uint64		set = 0;
	Size		off = 0;

	/* pg_popcount counts in int-sized pieces. */
	while (off < nbytes)
	{
		Size		piece = Min(nbytes - off, (Size) (1 << 30));

		set += pg_popcount((const char *) bitmap + off, (int) piece);
		off += piece;
	}
	if (nrows % 8 != 0 && (bitmap[nbytes - 1] >> (nrows % 8)) != 0)
		return psprintf("null bitmap has bits set past row %u", nrows);
	if (set != null_count)
		return psprintf("null bitmap has %llu NULLs, header says %u",
						(unsigned long long) set, null_count);
	return NULL;
}

/*
 * ChunkRead verifies the framing (length, CRC, header fields), decompresses
 * the payload if needed, checks the null bitmap, decodes the non-null values
 * into the front of values[] and then spreads them out to their rows.
 */
char *
ChunkRead(const char *data, Size len, uint32 nrows,
		  const ChunkColumnType *type,
		  Datum *values, bool *nulls, ChunkCodes *codes, ChunkScaled *scaled)
{
	ChunkHeader header;
	const char *payload;
	char	   *decompressed = NULL;
	Size		stored_len;
	Size		raw_len;
	Size		bitmap_len;
	uint32		count;
	bool		spread_values;
	char	   *err;

	if (!ChunkReadHeader(data, len, &header))
		return psprintf("chunk of %zu bytes is shorter than its header",
						(size_t) len);
	if (chunk_crc(data, len) != header.crc)
		return psprintf("chunk checksum mismatch");
	if (header.row_count != nrows)
		return psprintf("chunk has %u rows, expected %u",
						header.row_count, nrows);
	if (header.encoding >= OLAP_NUM_ENCODINGS)
		return psprintf("chunk has unknown encoding %u", header.encoding);
	if (header.compression != OLAP_COMPRESSION_NONE &&
		header.compression != OLAP_COMPRESSION_ZSTD &&
		header.compression != OLAP_COMPRESSION_LZ4)
		return psprintf("chunk has unknown compression method %u",
						header.compression);
	if ((header.flags & ~CHUNK_KNOWN_FLAGS) != 0)
		return psprintf("chunk has unknown flags 0x%04x", header.flags);
	if (header.null_count > header.row_count)
		return psprintf("chunk has %u NULLs in %u rows",
						header.null_count, header.row_count);
	if (((header.flags & CHUNK_HAS_NULLS) != 0) != (header.null_count > 0))
		return psprintf("chunk null flag disagrees with its null count %u",
						header.null_count);
	if (header.payload_raw_len > (uint64) MaxAllocHugeSize)
		return psprintf("chunk payload length %llu is invalid",
						(unsigned long long) header.payload_raw_len);

	stored_len = len - CHUNK_HEADER_SIZE;
	raw_len = (Size) header.payload_raw_len;
	if (header.compression == OLAP_COMPRESSION_NONE)
	{
		if (raw_len != stored_len)
			return psprintf("chunk payload is %zu bytes, header says %zu",
							(size_t) stored_len, (size_t) raw_len);
		payload = data + CHUNK_HEADER_SIZE;
	}
	else
	{
		if (raw_len / CHUNK_MAX_EXPANSION > stored_len)
			return psprintf("chunk claims %zu bytes decompressed from %zu",
							(size_t) raw_len, (size_t) stored_len);
		decompressed = (char *) MemoryContextAllocExtended(CurrentMemoryContext,
														   Max(raw_len, 1),
														   MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
		if (decompressed == NULL)
			return psprintf("could not allocate %zu bytes to decompress chunk",
							(size_t) raw_len);
		err = OlapDecompress((OlapCompression) header.compression,
							 data + CHUNK_HEADER_SIZE, stored_len,
							 decompressed, raw_len);
		if (err)
		{
			pfree(decompressed);
			return err;
		}
		payload = decompressed;
	}

	bitmap_len = (header.null_count > 0) ? ((Size) nrows + 7) / 8 : 0;
	if (bitmap_len > raw_len)
	{
		err = psprintf("chunk payload of %zu bytes is too short for its null bitmap",
					   (size_t) raw_len);
		goto fail;
	}
	if (bitmap_len > 0)
	{
		err = check_null_bitmap((const unsigned char *) payload, nrows,
								header.null_count);
		if (err)
			goto fail;
	}

	count = nrows - header.null_count;
	if (codes != NULL)
		codes->valid = false;
	if (scaled != NULL)
		scaled->valid = false;
	err = ChunkDecodeValues((OlapEncoding) header.encoding,
							payload + bitmap_len, raw_len - bitmap_len,
							count, type, values, codes, scaled);
	if (err)
		goto fail;
	if (codes != NULL && !codes->valid)
		codes = NULL;
	if (scaled != NULL && !scaled->valid)
		scaled = NULL;
	/* Datums not wanted (and not built) for a scaled view */
	spread_values = scaled == NULL || scaled->want_datums;

	/* Spread the values out, back to front so nothing is overwritten. */
	if (bitmap_len > 0)
	{
		const unsigned char *bitmap = (const unsigned char *) payload;
		uint32		k = count;

		for (uint32 i = nrows; i-- > 0;)
		{
			if (bitmap[i / 8] & (1 << (i % 8)))
			{
				if (spread_values)
					values[i] = (Datum) 0;
				nulls[i] = true;
				if (codes != NULL)
					codes->codes[i] = codes->ndict;
				if (scaled != NULL)
					scaled->values[i] = 0;
			}
			else
			{
				--k;
				if (spread_values)
					values[i] = values[k];
				nulls[i] = false;
				if (codes != NULL)
					codes->codes[i] = codes->codes[k];
				if (scaled != NULL)
					scaled->values[i] = scaled->values[k];
			}
		}
		Assert(k == 0);
	}
	else
		memset(nulls, 0, sizeof(bool) * (Size) nrows);

	if (decompressed)
		pfree(decompressed);
	return NULL;

fail:
	if (decompressed)
		pfree(decompressed);
	return err;
}
