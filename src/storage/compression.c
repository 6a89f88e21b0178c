/*-------------------------------------------------------------------------
 *
 * compression.c
 *	  Block compression of encoded chunk payloads with zstd or lz4.
 *
 * This is the only file that includes the codec libraries.  Invariants:
 *
 *	- OlapCompress never produces output that is not strictly smaller than
 *	  its input; when compressing does not pay it returns false and the
 *	  caller stores the bytes as they are.  Output buffers are therefore
 *	  never larger than the input, which bounds memory use.
 *	- OlapDecompress never raises an error: corrupt input and length
 *	  mismatches are reported as a palloc'd message, because the caller knows
 *	  which relation and stripe it was reading and reports that.  On success
 *	  exactly rawlen bytes have been written to dst.
 *	- Buffers may exceed 1 GB (a single value can be that large, and a chunk
 *	  holds many), so all allocations here are "huge" allocations.
 *	- zstd's compression and decompression contexts are created once per
 *	  process and reused for every chunk: creating them per call (what
 *	  ZSTD_compress / ZSTD_decompress do) costs a large malloc and free, and
 *	  fresh pages faulted in, per chunk.  They live outside palloc, for the
 *	  life of the process; a context that cannot be created falls back to
 *	  the one-shot calls.  A compression context keeps the workspace
 *	  of the highest level it was used at (zstd shrinks it after many
 *	  smaller calls).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include <lz4.h>
#include <zstd.h>

#include "storage/compression.h"
#include "utils/memutils.h"

static ZSTD_CCtx *zstd_cctx = NULL;
static ZSTD_DCtx *zstd_dctx = NULL;

static bool compress_zstd(int level, const char *src, Size srclen,
						  char *dst, Size dstcap, Size *dstlen);
static bool compress_lz4(const char *src, Size srclen,
						 char *dst, Size dstcap, Size *dstlen);

/*
 * compress_zstd compresses src into dst, which has room for dstcap bytes.
 * Returns false when the output does not fit (or zstd fails otherwise).
 */
static bool
compress_zstd(int level, const char *src, Size srclen,
			  char *dst, Size dstcap, Size *dstlen)
{
	size_t		rc;

	if (zstd_cctx == NULL)
		zstd_cctx = ZSTD_createCCtx();
	if (zstd_cctx != NULL)
		rc = ZSTD_compressCCtx(zstd_cctx, dst, dstcap, src, srclen, level);
	else
		rc = ZSTD_compress(dst, dstcap, src, srclen, level);
	if (ZSTD_isError(rc))
		return false;
	*dstlen = (Size) rc;
	return true;
}

/*
 * compress_lz4 compresses src into dst, which has room for dstcap bytes,
 * with the lz4 block format.  The block API counts in int, so inputs larger
 * than LZ4_MAX_INPUT_SIZE are not compressed.  Returns false when the
 * output does not fit.
 */
static bool
compress_lz4(const char *src, Size srclen,
			 char *dst, Size dstcap, Size *dstlen)
{
	int			rc;

	if (srclen > (Size) LZ4_MAX_INPUT_SIZE)
		return false;
	if (dstcap > (Size) INT_MAX)
		dstcap = (Size) INT_MAX;

	rc = LZ4_compress_default(src, dst, (int) srclen, (int) dstcap);
	if (rc <= 0)
		return false;
	*dstlen = (Size) rc;
	return true;
}

/*
 * OlapCompress compresses srclen bytes at src with the given method.  The
 * output buffer is sized at srclen - 1 bytes, so a codec that cannot beat
 * the input simply fails to fit and we report "did not pay".  On success
 * the buffer is shrunk to the compressed length.
 */
bool
OlapCompress(OlapCompression method, int level,
			 const char *src, Size srclen,
			 char **dst, Size *dstlen)
{
	char	   *buf;
	Size		cap;
	Size		outlen = 0;
	bool		ok;

	*dst = NULL;
	*dstlen = 0;

	switch (method)
	{
		case OLAP_COMPRESSION_NONE:
			return false;
		case OLAP_COMPRESSION_ZSTD:
		case OLAP_COMPRESSION_LZ4:
			break;
		default:
			elog(ERROR, "unrecognized olap compression method: %d",
				 (int) method);
	}

	/* Nothing of two bytes or less can get smaller. */
	if (srclen <= 2)
		return false;

	cap = srclen - 1;
	buf = (char *) MemoryContextAllocHuge(CurrentMemoryContext, cap);

	if (method == OLAP_COMPRESSION_ZSTD)
		ok = compress_zstd(level, src, srclen, buf, cap, &outlen);
	else
		ok = compress_lz4(src, srclen, buf, cap, &outlen);

	if (!ok || outlen == 0 || outlen >= srclen)
	{
		pfree(buf);
		return false;
	}

	/* Give back the unused tail; for small chunks this is a no-op. */
	if (outlen < cap)
		buf = (char *) repalloc_huge(buf, outlen);

	*dst = buf;
	*dstlen = outlen;
	return true;
}

/*
 * OlapDecompress decompresses srclen bytes at src into dst, which has room
 * for exactly rawlen bytes.  Returns NULL on success or a palloc'd message
 * describing the failure; it never raises an error.
 */
char *
OlapDecompress(OlapCompression method,
			   const char *src, Size srclen,
			   char *dst, Size rawlen)
{
	switch (method)
	{
		case OLAP_COMPRESSION_NONE:
			if (srclen != rawlen)
				return psprintf("uncompressed payload is %zu bytes, expected %zu",
								(size_t) srclen, (size_t) rawlen);
			if (rawlen > 0)
				memcpy(dst, src, rawlen);
			return NULL;

		case OLAP_COMPRESSION_ZSTD:
			{
				size_t		rc;

				if (zstd_dctx == NULL)
					zstd_dctx = ZSTD_createDCtx();
				if (zstd_dctx != NULL)
					rc = ZSTD_decompressDCtx(zstd_dctx, dst, rawlen, src, srclen);
				else
					rc = ZSTD_decompress(dst, rawlen, src, srclen);
				if (ZSTD_isError(rc))
					return psprintf("zstd decompression failed: %s",
									ZSTD_getErrorName(rc));
				if (rc != rawlen)
					return psprintf("zstd decompressed %zu bytes, expected %zu",
									(size_t) rc, (size_t) rawlen);
				return NULL;
			}

		case OLAP_COMPRESSION_LZ4:
			{
				int			rc;

				if (srclen > (Size) INT_MAX || rawlen > (Size) LZ4_MAX_INPUT_SIZE)
					return psprintf("lz4 payload of %zu bytes (raw %zu bytes) exceeds the lz4 block size limit",
									(size_t) srclen, (size_t) rawlen);
				rc = LZ4_decompress_safe(src, dst, (int) srclen, (int) rawlen);
				if (rc < 0)
					return psprintf("lz4 decompression failed: corrupt input");
				if ((Size) rc != rawlen)
					return psprintf("lz4 decompressed %d bytes, expected %zu",
									rc, (size_t) rawlen);
				return NULL;
			}
	}

	return psprintf("unrecognized compression method %d", (int) method);
}

/*
 * OlapCompressionName returns the user-visible name of a method, or
 * "unknown" for a value that is not a method.
 */
const char *
OlapCompressionName(OlapCompression method)
{
	switch (method)
	{
		case OLAP_COMPRESSION_NONE:
			return "none";
		case OLAP_COMPRESSION_ZSTD:
			return "zstd";
		case OLAP_COMPRESSION_LZ4:
			return "lz4";
	}
	return "unknown";
}

/*
 * OlapCompressionFromName parses a method name.  Only the exact lower-case
 * names "none", "zstd" and "lz4" are accepted.
 */
bool
OlapCompressionFromName(const char *name, OlapCompression *method)
{
	if (name == NULL)
		return false;
	if (strcmp(name, "none") == 0)
		*method = OLAP_COMPRESSION_NONE;
	else if (strcmp(name, "zstd") == 0)
		*method = OLAP_COMPRESSION_ZSTD;
	else if (strcmp(name, "lz4") == 0)
		*method = OLAP_COMPRESSION_LZ4;
	else
		return false;
	return true;
}
