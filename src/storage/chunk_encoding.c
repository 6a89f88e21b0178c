/*-------------------------------------------------------------------------
 *
 * chunk_encoding.c
 *	  Value encodings of a chunk: PLAIN, DICT, RLE, FOR and DELTA (and,
 *	  through chunk_scaled.c, SCALED for numeric columns).
 *
 * The encoder sees the non-null values of one column of one chunk, in row
 * order.  ChunkEncoderBegin analyses them once and computes the exact size
 * every applicable encoding would produce; ChunkEncoderWrite then writes the
 * chosen one into a buffer of exactly that size.  The value count is not
 * part of the encoded bytes; the decoder is told it.
 *
 * Invariants:
 *
 *	- Values are compared and stored as raw bit patterns.  A by-value datum
 *	  is reduced to its low typlen bytes, sign-extended to int64 (so float8
 *	  and friends are treated as the integers with the same bits).  Varlena
 *	  values are compared and stored without their header, cstrings without
 *	  their terminating NUL.
 *	- Multi-byte integers in the encoded bytes are in native byte order and
 *	  unaligned (always accessed with memcpy).  Bit-packed streams are
 *	  little-endian: value k of width w occupies stream bits [k*w, (k+1)*w),
 *	  bit b of the stream being bit (b % 8) of byte (b / 8); a stream of n
 *	  values takes exactly ceil(n*w/8) bytes.  Width 0 takes no bytes.
 *	- FOR and DELTA arithmetic is unsigned 64-bit (wrapping), so every
 *	  int64 sequence round-trips exactly.
 *	- Decoders check every read against the input length and every count
 *	  against what the caller expects; bad input yields a palloc'd message,
 *	  never an error, a crash or a read outside the input.
 *	- Decoded by-reference values live in a few large buffers allocated in
 *	  CurrentMemoryContext, each value aligned for the type's typalign.
 *	  Varlena results always get a 4-byte header (safe for every varlena
 *	  type, including ones with plain storage that do not accept short
 *	  headers).  In DICT and RLE chunks equal values share one copy.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tupmacs.h"
#include "common/hashfn.h"
#include "port/pg_bitutils.h"
#include "port/pg_bswap.h"
#include "storage/chunk_bits.h"
#include "storage/chunk_encoding.h"
#include "storage/chunk_scaled.h"
#include "utils/memutils.h"

/* Fixed parts in front of the variable parts of each layout. */
#define DICT_HEADER_SIZE	(sizeof(uint32) + 1)	/* ndict, width */
#define RLE_HEADER_SIZE		(sizeof(uint32) + 1)	/* nruns, width */
#define FOR_HEADER_SIZE		(sizeof(int64) + 1) /* min, width */
#define DELTA_HEADER_SIZE	(2 * sizeof(int64) + 1) /* first, min, width */

/* DICT is abandoned beyond this many distinct values. */
#define DICT_MAX_ENTRIES	(1 << 16)

#define ENCODING_NOT_APPLICABLE SIZE_MAX

/* The data bytes of one by-reference value. */
typedef struct ValueRef
{
	const char *ptr;
	uint32		len;
} ValueRef;

struct ChunkEncoder
{
	ChunkColumnType type;
	uint32		count;
	bool		byval;
	int64	   *ints;			/* by-value: sign-extended values */
	ValueRef   *refs;			/* by-reference: value bytes */

	Size		sizes[OLAP_NUM_ENCODINGS];	/* or ENCODING_NOT_APPLICABLE */

	/* RLE */
	uint32		rle_nruns;
	int			rle_width;

	/* FOR */
	int64		for_min;
	int			for_width;

	/* DELTA */
	int64		delta_min;
	int			delta_width;

	/* DICT */
	uint32		dict_n;
	int			dict_width;
	uint32	   *dict_first;		/* first occurrence of each entry */
	uint32	   *dict_codes;		/* entry of each value */

	/* SCALED (numeric columns); NULL: not applicable */
	ScaledEncoder *scaled;
};

/* Hash table of distinct values, keyed by the index of a first occurrence. */
typedef struct DictEntry
{
	uint32		index;
	uint32		code;
	uint32		hash;
	char		status;
} DictEntry;

static inline uint32 enc_value_hash(const ChunkEncoder *enc, uint32 i);
static inline bool enc_values_equal(const ChunkEncoder *enc, uint32 a, uint32 b);

#define SH_PREFIX dicthash
#define SH_ELEMENT_TYPE DictEntry
#define SH_KEY_TYPE uint32
#define SH_KEY index
#define SH_HASH_KEY(tb, key) enc_value_hash((const ChunkEncoder *) (tb)->private_data, key)
#define SH_EQUAL(tb, a, b) enc_values_equal((const ChunkEncoder *) (tb)->private_data, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* ---------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------
 */

static inline void *
alloc_huge(Size size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, Max(size, 1));
}

static inline uint32
read_u32(const char *p)
{
	uint32		v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline int64
read_i64(const char *p)
{
	int64		v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline char *
write_u32(char *p, uint32 v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static inline char *
write_i64(char *p, int64 v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

/* Wrapping int64 arithmetic, done in uint64 to avoid signed overflow. */
static inline int64
wrap_sub(int64 a, int64 b)
{
	return (int64) ((uint64) a - (uint64) b);
}

static inline int64
wrap_add(int64 a, uint64 b)
{
	return (int64) ((uint64) a + b);
}

/*
 * datum_to_int returns the low typlen bytes of a by-value datum as a signed
 * integer of that width, sign-extended to int64.
 */
static inline int64
datum_to_int(Datum d, int typlen)
{
	switch (typlen)
	{
		case 1:
			return (int64) (int8) DatumGetUInt8(d);
		case 2:
			return (int64) DatumGetInt16(d);
		case 4:
			return (int64) DatumGetInt32(d);
#if SIZEOF_DATUM == 8
		case 8:
			return (int64) DatumGetInt64(d);
#endif
	}
	elog(ERROR, "unsupported by-value length %d", typlen);
	return 0;					/* keep compiler quiet */
}

/*
 * int_to_datum is the inverse of datum_to_int; it yields the same datum
 * fetch_att would for the stored bytes.
 */
static inline Datum
int_to_datum(int64 v, int typlen)
{
	switch (typlen)
	{
		case 1:
			return CharGetDatum((char) v);
		case 2:
			return Int16GetDatum((int16) v);
		case 4:
			return Int32GetDatum((int32) v);
		default:
#if SIZEOF_DATUM == 8
			return Int64GetDatum(v);
#else
			return (Datum) 0;
#endif
	}
}

/* Tells whether v is representable as a signed integer of typlen bytes. */
static inline bool
int_fits(int64 v, int typlen)
{
	switch (typlen)
	{
		case 1:
			return v >= PG_INT8_MIN && v <= PG_INT8_MAX;
		case 2:
			return v >= PG_INT16_MIN && v <= PG_INT16_MAX;
		case 4:
			return v >= PG_INT32_MIN && v <= PG_INT32_MAX;
		default:
			return true;
	}
}

/* ---------------------------------------------------------------------
 * Encoder: analysis
 * ---------------------------------------------------------------------
 */

static inline uint32
enc_value_hash(const ChunkEncoder *enc, uint32 i)
{
	if (enc->byval)
	{
		uint64		v = (uint64) enc->ints[i];

		return hash_combine(murmurhash32((uint32) v),
							murmurhash32((uint32) (v >> 32)));
	}
	return hash_bytes((const unsigned char *) enc->refs[i].ptr,
					  (int) enc->refs[i].len);
}

static inline bool
enc_values_equal(const ChunkEncoder *enc, uint32 a, uint32 b)
{
	if (enc->byval)
		return enc->ints[a] == enc->ints[b];
	return enc->refs[a].len == enc->refs[b].len &&
		memcmp(enc->refs[a].ptr, enc->refs[b].ptr, enc->refs[a].len) == 0;
}

/* PLAIN size of one value. */
static inline Size
plain_value_size(const ChunkEncoder *enc, uint32 i)
{
	if (enc->type.typlen > 0)
		return (Size) enc->type.typlen;
	return sizeof(uint32) + (Size) enc->refs[i].len;
}

/*
 * analyze_rle counts the runs of equal consecutive values and sets the RLE
 * size: header, PLAIN run values, bit-packed (run length - 1).
 */
static void
analyze_rle(ChunkEncoder *enc)
{
	uint32		nruns = 1;
	uint32		maxrun = 1;
	uint32		cur = 1;
	Size		valbytes = plain_value_size(enc, 0);

	if (enc->byval)
	{
		const int64 *v = enc->ints;

		for (uint32 i = 1; i < enc->count; i++)
		{
			if (v[i] == v[i - 1])
				cur++;
			else
			{
				maxrun = Max(maxrun, cur);
				cur = 1;
				nruns++;
			}
		}
		valbytes = (Size) nruns * enc->type.typlen;
	}
	else
	{
		for (uint32 i = 1; i < enc->count; i++)
		{
			if (enc_values_equal(enc, i, i - 1))
				cur++;
			else
			{
				maxrun = Max(maxrun, cur);
				cur = 1;
				nruns++;
				valbytes += plain_value_size(enc, i);
			}
		}
	}
	maxrun = Max(maxrun, cur);

	enc->rle_nruns = nruns;
	enc->rle_width = bit_width(maxrun - 1);
	enc->sizes[OLAP_ENCODING_RLE] = RLE_HEADER_SIZE + valbytes +
		packed_size(nruns, enc->rle_width);
}

/*
 * analyze_for_delta computes the FOR and DELTA sizes of by-value data from
 * the value range and the range of consecutive differences.
 */
static void
analyze_for_delta(ChunkEncoder *enc)
{
	const int64 *v = enc->ints;
	int64		min = v[0];
	int64		max = v[0];
	int64		dmin = 0;
	int64		dmax = 0;

	if (enc->count > 1)
		dmin = dmax = wrap_sub(v[1], v[0]);

	for (uint32 i = 1; i < enc->count; i++)
	{
		int64		d = wrap_sub(v[i], v[i - 1]);

		if (v[i] < min)
			min = v[i];
		if (v[i] > max)
			max = v[i];
		if (d < dmin)
			dmin = d;
		if (d > dmax)
			dmax = d;
	}

	enc->for_min = min;
	enc->for_width = bit_width((uint64) max - (uint64) min);
	enc->sizes[OLAP_ENCODING_FOR] = FOR_HEADER_SIZE +
		packed_size(enc->count, enc->for_width);

	enc->delta_min = dmin;
	enc->delta_width = bit_width((uint64) dmax - (uint64) dmin);
	enc->sizes[OLAP_ENCODING_DELTA] = DELTA_HEADER_SIZE +
		packed_size(enc->count - 1, enc->delta_width);
}

/*
 * analyze_dict assigns dictionary codes in order of first appearance.  It
 * gives up (leaving DICT not applicable) once there are more than
 * DICT_MAX_ENTRIES distinct values or once a lower bound of the DICT size
 * reaches best, the smallest size found so far, since DICT then cannot win.
 */
static void
analyze_dict(ChunkEncoder *enc, Size best)
{
	dicthash_hash *tb;
	uint32	   *codes;
	uint32	   *first;
	uint32		maxn = Min(enc->count, DICT_MAX_ENTRIES);
	uint32		n = 0;
	Size		valbytes = 0;
	bool		gave_up = false;

	codes = (uint32 *) alloc_huge((Size) enc->count * sizeof(uint32));
	first = (uint32 *) alloc_huge((Size) maxn * sizeof(uint32));
	tb = dicthash_create(CurrentMemoryContext, Min(maxn, 1024), enc);

	for (uint32 i = 0; i < enc->count; i++)
	{
		bool		found;
		DictEntry  *entry;

		entry = dicthash_insert_hash(tb, i, enc_value_hash(enc, i), &found);
		if (!found)
		{
			Size		bound;

			if (n >= maxn)
			{
				gave_up = true;
				break;
			}
			entry->code = n;
			first[n++] = i;
			valbytes += plain_value_size(enc, i);
			bound = DICT_HEADER_SIZE + valbytes +
				packed_size(enc->count, bit_width(n - 1));
			if (bound >= best)
			{
				gave_up = true;
				break;
			}
		}
		codes[i] = entry->code;
	}
	dicthash_destroy(tb);

	if (gave_up)
	{
		pfree(codes);
		pfree(first);
		return;
	}

	enc->dict_n = n;
	enc->dict_width = bit_width(n - 1);
	enc->dict_first = first;
	enc->dict_codes = codes;
	enc->sizes[OLAP_ENCODING_DICT] = DICT_HEADER_SIZE + valbytes +
		packed_size(enc->count, enc->dict_width);
}

/*
 * ChunkEncoderBegin collects the bytes of each value and computes the size
 * of every applicable encoding.  RLE, FOR and DELTA are cheap single passes
 * and are sized first so that the costlier DICT analysis can stop early.
 */
ChunkEncoder *
ChunkEncoderBegin(const Datum *values, uint32 count,
				  const ChunkColumnType *type)
{
	ChunkEncoder *enc = (ChunkEncoder *) palloc0(sizeof(ChunkEncoder));
	int			typlen = type->typlen;
	Size		plain;
	Size		best;

	enc->type = *type;
	enc->count = count;
	enc->byval = type->typbyval;
	for (int e = 0; e < OLAP_NUM_ENCODINGS; e++)
		enc->sizes[e] = ENCODING_NOT_APPLICABLE;

	if (enc->byval)
	{
		if (typlen != 1 && typlen != 2 && typlen != 4 &&
			!(typlen == 8 && SIZEOF_DATUM == 8))
			elog(ERROR, "unsupported by-value type length %d", typlen);
		enc->ints = (int64 *) alloc_huge((Size) count * sizeof(int64));
		for (uint32 i = 0; i < count; i++)
			enc->ints[i] = datum_to_int(values[i], typlen);
		plain = (Size) count * typlen;
	}
	else if (typlen > 0)
	{
		enc->refs = (ValueRef *) alloc_huge((Size) count * sizeof(ValueRef));
		for (uint32 i = 0; i < count; i++)
		{
			enc->refs[i].ptr = DatumGetPointer(values[i]);
			enc->refs[i].len = (uint32) typlen;
		}
		plain = (Size) count * typlen;
	}
	else if (typlen == -1 || typlen == -2)
	{
		enc->refs = (ValueRef *) alloc_huge((Size) count * sizeof(ValueRef));
		plain = (Size) count * sizeof(uint32);
		for (uint32 i = 0; i < count; i++)
		{
			const char *p = DatumGetPointer(values[i]);
			Size		len;

			if (typlen == -1)
			{
				if (VARATT_IS_EXTERNAL(p) || VARATT_IS_COMPRESSED(p))
					ereport(ERROR,
							(errcode(ERRCODE_INTERNAL_ERROR),
							 errmsg_internal("chunk values must not be toasted")));
				enc->refs[i].ptr = VARDATA_ANY(p);
				len = VARSIZE_ANY_EXHDR(p);
			}
			else
			{
				enc->refs[i].ptr = p;
				len = strlen(p);
			}
			if (len > MaxAllocSize)
				elog(ERROR, "chunk value of %zu bytes is too large",
					 (size_t) len);
			enc->refs[i].len = (uint32) len;
			plain += len;
		}
	}
	else
		elog(ERROR, "unsupported type length %d", typlen);

	enc->sizes[OLAP_ENCODING_PLAIN] = plain;
	if (count == 0)
		return enc;

	/*
	 * Numeric values that are all scaled integers of one scale: SCALED
	 * (whose integer DICT and RLE forms are smaller than those of the
	 * varlenas) or PLAIN, whichever is smaller.
	 */
	if (type->numeric && typlen == -1 &&
		(enc->scaled = ScaledEncoderBegin(values, count)) != NULL)
	{
		enc->sizes[OLAP_ENCODING_SCALED] = ScaledEncoderSize(enc->scaled);
		return enc;
	}

	analyze_rle(enc);
	if (enc->byval)
		analyze_for_delta(enc);

	best = plain;
	for (int e = 0; e < OLAP_NUM_ENCODINGS; e++)
		best = Min(best, enc->sizes[e]);
	analyze_dict(enc, best);

	return enc;
}

/*
 * Returns the number of distinct values and, in *first, the index of the
 * first occurrence of each, when the dictionary analysis saw every value
 * (it stops early when DICT cannot win); returns 0 otherwise.  *first
 * belongs to the encoder.
 */
uint32
ChunkEncoderDistinct(ChunkEncoder *enc, const uint32 **first)
{
	if (enc->scaled != NULL)
		return ScaledEncoderDistinct(enc->scaled, first);
	*first = enc->dict_first;
	return enc->dict_first ? enc->dict_n : 0;
}

Size
ChunkEncoderPlainSize(ChunkEncoder *enc)
{
	return enc->sizes[OLAP_ENCODING_PLAIN];
}

OlapEncoding
ChunkEncoderChoose(ChunkEncoder *enc, Size *size)
{
	OlapEncoding best = OLAP_ENCODING_PLAIN;

	for (int e = 1; e < OLAP_NUM_ENCODINGS; e++)
	{
		if (enc->sizes[e] < enc->sizes[best])
			best = (OlapEncoding) e;
	}
	*size = enc->sizes[best];
	return best;
}

Size
ChunkEncoderSize(ChunkEncoder *enc, OlapEncoding encoding, bool *applicable)
{
	if ((int) encoding < 0 || (int) encoding >= OLAP_NUM_ENCODINGS ||
		enc->sizes[encoding] == ENCODING_NOT_APPLICABLE)
	{
		*applicable = false;
		return 0;
	}
	*applicable = true;
	return enc->sizes[encoding];
}

void
ChunkEncoderEnd(ChunkEncoder *enc)
{
	if (enc->ints)
		pfree(enc->ints);
	if (enc->refs)
		pfree(enc->refs);
	if (enc->dict_first)
		pfree(enc->dict_first);
	if (enc->dict_codes)
		pfree(enc->dict_codes);
	if (enc->scaled)
		ScaledEncoderEnd(enc->scaled);
	pfree(enc);
}

/* ---------------------------------------------------------------------
 * Encoder: writing
 * ---------------------------------------------------------------------
 */

/*
 * write_plain writes n values in PLAIN form: the values idx[0..n), or the
 * first n values when idx is NULL.  Returns the end of the written bytes.
 */
static char *
write_plain(const ChunkEncoder *enc, const uint32 *idx, uint32 n, char *dst)
{
	int			typlen = enc->type.typlen;

#define IDX(k) (idx ? idx[k] : (k))
	if (enc->byval)
	{
		const int64 *v = enc->ints;

		switch (typlen)
		{
			case 1:
				for (uint32 k = 0; k < n; k++)
					*dst++ = (char) (int8) v[IDX(k)];
				break;
			case 2:
				for (uint32 k = 0; k < n; k++)
				{
					int16		x = (int16) v[IDX(k)];

					memcpy(dst, &x, sizeof(x));
					dst += sizeof(x);
				}
				break;
			case 4:
				for (uint32 k = 0; k < n; k++)
				{
					int32		x = (int32) v[IDX(k)];

					memcpy(dst, &x, sizeof(x));
					dst += sizeof(x);
				}
				break;
			default:
				for (uint32 k = 0; k < n; k++)
				{
					int64		x = v[IDX(k)];

					memcpy(dst, &x, sizeof(x));
					dst += sizeof(x);
				}
				break;
		}
	}
	else if (typlen > 0)
	{
		for (uint32 k = 0; k < n; k++)
		{
			memcpy(dst, enc->refs[IDX(k)].ptr, typlen);
			dst += typlen;
		}
	}
	else
	{
		for (uint32 k = 0; k < n; k++)
			dst = write_u32(dst, enc->refs[IDX(k)].len);
		for (uint32 k = 0; k < n; k++)
		{
			const ValueRef *r = &enc->refs[IDX(k)];

			memcpy(dst, r->ptr, r->len);
			dst += r->len;
		}
	}
#undef IDX
	return dst;
}

static char *
write_dict(const ChunkEncoder *enc, char *dst)
{
	int			width = enc->dict_width;

	dst = write_u32(dst, enc->dict_n);
	*dst++ = (char) width;
	dst = write_plain(enc, enc->dict_first, enc->dict_n, dst);
	if (width > 0)
	{
		BitWriter	bw;

		bw_init(&bw, dst);
		for (uint32 i = 0; i < enc->count; i++)
			bw_put(&bw, enc->dict_codes[i], width);
		dst = bw_finish(&bw);
	}
	return dst;
}

static char *
write_rle(const ChunkEncoder *enc, char *dst)
{
	uint32	   *heads;
	uint32		nruns = 0;
	int			width = enc->rle_width;

	heads = (uint32 *) alloc_huge((Size) enc->rle_nruns * sizeof(uint32));
	heads[nruns++] = 0;
	for (uint32 i = 1; i < enc->count; i++)
	{
		if (!enc_values_equal(enc, i, i - 1))
			heads[nruns++] = i;
	}
	Assert(nruns == enc->rle_nruns);

	dst = write_u32(dst, nruns);
	*dst++ = (char) width;
	dst = write_plain(enc, heads, nruns, dst);
	if (width > 0)
	{
		BitWriter	bw;

		bw_init(&bw, dst);
		for (uint32 r = 0; r < nruns; r++)
		{
			uint32		end = (r + 1 < nruns) ? heads[r + 1] : enc->count;

			bw_put(&bw, end - heads[r] - 1, width);
		}
		dst = bw_finish(&bw);
	}
	pfree(heads);
	return dst;
}

static char *
write_for(const ChunkEncoder *enc, char *dst)
{
	int			width = enc->for_width;

	dst = write_i64(dst, enc->for_min);
	*dst++ = (char) width;
	if (width > 0)
	{
		BitWriter	bw;
		uint64		min = (uint64) enc->for_min;

		bw_init(&bw, dst);
		for (uint32 i = 0; i < enc->count; i++)
			bw_put(&bw, (uint64) enc->ints[i] - min, width);
		dst = bw_finish(&bw);
	}
	return dst;
}

static char *
write_delta(const ChunkEncoder *enc, char *dst)
{
	int			width = enc->delta_width;

	dst = write_i64(dst, enc->ints[0]);
	dst = write_i64(dst, enc->delta_min);
	*dst++ = (char) width;
	if (width > 0)
	{
		BitWriter	bw;
		uint64		dmin = (uint64) enc->delta_min;

		bw_init(&bw, dst);
		for (uint32 i = 1; i < enc->count; i++)
			bw_put(&bw, (uint64) wrap_sub(enc->ints[i], enc->ints[i - 1]) - dmin,
				   width);
		dst = bw_finish(&bw);
	}
	return dst;
}

void
ChunkEncoderWrite(ChunkEncoder *enc, OlapEncoding encoding, char *dst)
{
	char	   *end;

	if ((int) encoding < 0 || (int) encoding >= OLAP_NUM_ENCODINGS ||
		enc->sizes[encoding] == ENCODING_NOT_APPLICABLE)
		elog(ERROR, "encoding %d is not applicable to this chunk",
			 (int) encoding);

	switch (encoding)
	{
		case OLAP_ENCODING_PLAIN:
			end = write_plain(enc, NULL, enc->count, dst);
			break;
		case OLAP_ENCODING_DICT:
			end = write_dict(enc, dst);
			break;
		case OLAP_ENCODING_RLE:
			end = write_rle(enc, dst);
			break;
		case OLAP_ENCODING_FOR:
			end = write_for(enc, dst);
			break;
		case OLAP_ENCODING_DELTA:
			end = write_delta(enc, dst);
			break;
		case OLAP_ENCODING_SCALED:
			ScaledEncoderWrite(enc->scaled, dst);
			end = dst + ScaledEncoderSize(enc->scaled);
			break;
		default:
			elog(ERROR, "unrecognized encoding %d", (int) encoding);
			end = dst;			/* keep compiler quiet */
	}

	if ((Size) (end - dst) != enc->sizes[encoding])
		elog(ERROR, "encoded %zu bytes, expected %zu",
			 (size_t) (end - dst), (size_t) enc->sizes[encoding]);
}

/* ---------------------------------------------------------------------
 * Decoding
 * ---------------------------------------------------------------------
 */

/*
 * read_plain decodes n PLAIN values from src[0..len) into out and sets
 * *used to the bytes they occupy.  Returns NULL or an error message.
 */
static char *
read_plain(const ChunkColumnType *type, const char *src, Size len,
		   uint32 n, Datum *out, Size *used)
{
	int			typlen = type->typlen;

	if (type->typbyval)
	{
		uint64		need = (uint64) n * typlen;

		if (need > len)
			return psprintf("PLAIN values need %llu bytes, only %zu present",
							(unsigned long long) need, (size_t) len);
		switch (typlen)
		{
			case 1:
				for (uint32 i = 0; i < n; i++)
					out[i] = CharGetDatum(src[i]);
				break;
			case 2:
				for (uint32 i = 0; i < n; i++)
				{
					int16		x;

					memcpy(&x, src + (Size) i * 2, sizeof(x));
					out[i] = Int16GetDatum(x);
				}
				break;
			case 4:
				for (uint32 i = 0; i < n; i++)
				{
					int32		x;

					memcpy(&x, src + (Size) i * 4, sizeof(x));
					out[i] = Int32GetDatum(x);
				}
				break;
			default:
				for (uint32 i = 0; i < n; i++)
					out[i] = int_to_datum(read_i64(src + (Size) i * 8), 8);
				break;
		}
		*used = (Size) need;
	}
	else if (typlen > 0)
	{
		uint64		need = (uint64) n * typlen;
		Size		stride = att_align_nominal((Size) typlen, type->typalign);
		char	   *buf;

		if (need > len)
			return psprintf("PLAIN values need %llu bytes, only %zu present",
							(unsigned long long) need, (size_t) len);
		if (n > 0)
		{
			buf = (char *) alloc_huge((Size) n * stride);
			for (uint32 i = 0; i < n; i++)
			{
				char	   *p = buf + (Size) i * stride;

				memcpy(p, src + (Size) i * typlen, typlen);
				out[i] = PointerGetDatum(p);
			}
		}
		*used = (Size) need;
	}
	else
	{
		bool		is_varlena = (typlen == -1);
		uint64		lensize = (uint64) n * sizeof(uint32);
		uint64		datalen;
		uint64		total = 0;
		uint64		bufsize = 0;
		const char *data;
		char	   *buf;
		Size		off;

		if (lensize > len)
			return psprintf("PLAIN length array needs %llu bytes, only %zu present",
							(unsigned long long) lensize, (size_t) len);
		datalen = len - lensize;
		data = src + lensize;

		/* First pass: validate lengths and size the output buffer. */
		for (uint32 i = 0; i < n; i++)
		{
			uint32		l = read_u32(src + (Size) i * sizeof(uint32));

			if (l > MaxAllocSize - VARHDRSZ)
				return psprintf("value %u has invalid length %u", i, l);
			total += l;
			if (total > datalen)
				return psprintf("PLAIN values need more than the %llu data bytes present",
								(unsigned long long) datalen);
			if (is_varlena)
				bufsize = att_align_nominal(bufsize, type->typalign) +
					VARHDRSZ + l;
			else
				bufsize += (uint64) l + 1;
		}
		if (bufsize > MaxAllocHugeSize)
			return psprintf("decoded values would take %llu bytes",
							(unsigned long long) bufsize);

		/* Second pass: copy. */
		if (n > 0)
		{
			buf = (char *) alloc_huge((Size) bufsize);
			off = 0;
			for (uint32 i = 0; i < n; i++)
			{
				uint32		l = read_u32(src + (Size) i * sizeof(uint32));
				char	   *p;

				if (is_varlena)
				{
					off = att_align_nominal(off, type->typalign);
					p = buf + off;
					SET_VARSIZE(p, VARHDRSZ + l);
					memcpy(VARDATA(p), data, l);
					off += VARHDRSZ + l;
				}
				else
				{
					p = buf + off;
					memcpy(p, data, l);
					p[l] = '\0';
					off += (Size) l + 1;
				}
				data += l;
				out[i] = PointerGetDatum(p);
			}
		}
		*used = (Size) (lensize + total);
	}
	return NULL;
}

/*
 * With codes not NULL, the codes and the dictionary are kept (the dictionary
 * is then not freed: the caller's values point into it anyway).
 */
static char *
read_dict(const ChunkColumnType *type, const char *src, Size len,
		  uint32 count, Datum *out, Size *used, ChunkCodes *codes)
{
	uint32		ndict;
	int			width;
	Datum	   *dict;
	Size		dictbytes;
	uint64		packed;
	Size		pos;
	char	   *err;

	if (len < DICT_HEADER_SIZE)
		return psprintf("DICT header truncated");
	ndict = read_u32(src);
	width = (unsigned char) src[sizeof(uint32)];
	if (ndict == 0 || ndict > count)
		return psprintf("DICT has %u entries for %u values", ndict, count);
	if (width != bit_width(ndict - 1))
		return psprintf("DICT code width %d is wrong for %u entries",
						width, ndict);

	dict = (Datum *) alloc_huge((Size) ndict * sizeof(Datum));
	err = read_plain(type, src + DICT_HEADER_SIZE, len - DICT_HEADER_SIZE,
					 ndict, dict, &dictbytes);
	if (err)
	{
		pfree(dict);
		return err;
	}
	pos = DICT_HEADER_SIZE + dictbytes;
	packed = packed_size(count, width);
	if (packed > len - pos)
	{
		pfree(dict);
		return psprintf("DICT codes need %llu bytes, only %zu present",
						(unsigned long long) packed, (size_t) (len - pos));
	}

	if (width == 0)
	{
		for (uint32 i = 0; i < count; i++)
			out[i] = dict[0];
		if (codes != NULL)
			memset(codes->codes, 0, sizeof(uint32) * (Size) count);
	}
	else
	{
		BitReader	br;
		uint64		mask = width_mask(width);
		uint32	   *codeout = codes != NULL ? codes->codes : NULL;

		br_init(&br, src + pos, (Size) packed);
		for (uint32 i = 0; i < count; i++)
		{
			uint64		code = br_get(&br, width, mask);

			if (code >= ndict)
			{
				pfree(dict);
				return psprintf("DICT code %llu out of range (%u entries)",
								(unsigned long long) code, ndict);
			}
			out[i] = dict[code];
			if (codeout != NULL)
				codeout[i] = (uint32) code;
		}
	}
	if (codes != NULL)
	{
		codes->dict = dict;
		codes->ndict = ndict;
		codes->valid = true;
	}
	else
		pfree(dict);
	*used = pos + (Size) packed;
	return NULL;
}

/* With codes not NULL, each value's code is its run's number. */
static char *
read_rle(const ChunkColumnType *type, const char *src, Size len,
		 uint32 count, Datum *out, Size *used, ChunkCodes *codes)
{
	uint32		nruns;
	int			width;
	Datum	   *runvals;
	Size		valbytes;
	uint64		packed;
	Size		pos;
	uint32		filled = 0;
	char	   *err;
	BitReader	br;
	uint64		mask;

	if (len < RLE_HEADER_SIZE)
		return psprintf("RLE header truncated");
	nruns = read_u32(src);
	width = (unsigned char) src[sizeof(uint32)];
	if (nruns == 0 || nruns > count)
		return psprintf("RLE has %u runs for %u values", nruns, count);
	if (width > 32)
		return psprintf("RLE run length width %d is invalid", width);

	runvals = (Datum *) alloc_huge((Size) nruns * sizeof(Datum));
	err = read_plain(type, src + RLE_HEADER_SIZE, len - RLE_HEADER_SIZE,
					 nruns, runvals, &valbytes);
	if (err)
	{
		pfree(runvals);
		return err;
	}
	pos = RLE_HEADER_SIZE + valbytes;
	packed = packed_size(nruns, width);
	if (packed > len - pos)
	{
		pfree(runvals);
		return psprintf("RLE run lengths need %llu bytes, only %zu present",
						(unsigned long long) packed, (size_t) (len - pos));
	}

	mask = width_mask(width);
	br_init(&br, src + pos, (Size) packed);
	for (uint32 r = 0; r < nruns; r++)
	{
		uint64		runlen = (width > 0 ? br_get(&br, width, mask) : 0) + 1;
		Datum		v = runvals[r];

		if (runlen > count - filled)
		{
			pfree(runvals);
			return psprintf("RLE runs cover more than %u values", count);
		}
		for (uint32 k = 0; k < (uint32) runlen; k++)
			out[filled + k] = v;
		if (codes != NULL)
		{
			for (uint32 k = 0; k < (uint32) runlen; k++)
				codes->codes[filled + k] = r;
		}
		filled += (uint32) runlen;
	}
	if (filled != count)
	{
		pfree(runvals);
		return psprintf("RLE runs cover %u values, expected %u", filled, count);
	}
	if (codes != NULL)
	{
		codes->dict = runvals;
		codes->ndict = nruns;
		codes->valid = true;
	}
	else
		pfree(runvals);
	*used = pos + (Size) packed;
	return NULL;
}

static char *
read_for(const ChunkColumnType *type, const char *src, Size len,
		 uint32 count, Datum *out, Size *used)
{
	int			typlen = type->typlen;
	int64		min;
	int			width;
	uint64		packed;

	if (!type->typbyval)
		return psprintf("FOR encoding used for a by-reference type");
	if (len < FOR_HEADER_SIZE)
		return psprintf("FOR header truncated");
	min = read_i64(src);
	width = (unsigned char) src[sizeof(int64)];
	if (width > 8 * typlen || !int_fits(min, typlen))
		return psprintf("FOR header invalid (width %d)", width);
	packed = packed_size(count, width);
	if (packed > len - FOR_HEADER_SIZE)
		return psprintf("FOR values need %llu bytes, only %zu present",
						(unsigned long long) packed,
						(size_t) (len - FOR_HEADER_SIZE));

	if (width == 0)
	{
		Datum		d = int_to_datum(min, typlen);

		for (uint32 i = 0; i < count; i++)
			out[i] = d;
	}
	else
	{
		/* the values into out itself, as uint64 (Datums are as wide) */
		uint64	   *offsets = (uint64 *) out;

		StaticAssertStmt(sizeof(Datum) == sizeof(uint64) || SIZEOF_DATUM == 4,
						 "Datum is 4 or 8 bytes");
#if SIZEOF_DATUM == 8
		/* 8-byte values are their Datums already */
		unpack_bits(src + FOR_HEADER_SIZE, (Size) packed, count, width,
					(uint64) min, offsets);
		if (typlen != 8)
		{
			for (uint32 i = 0; i < count; i++)
				out[i] = int_to_datum((int64) offsets[i], typlen);
		}
#else
		BitReader	br;
		uint64		mask = width_mask(width);

		br_init(&br, src + FOR_HEADER_SIZE, (Size) packed);
		for (uint32 i = 0; i < count; i++)
			out[i] = int_to_datum(wrap_add(min, br_get(&br, width, mask)),
								  typlen);
		(void) offsets;
#endif
	}
	*used = FOR_HEADER_SIZE + (Size) packed;
	return NULL;
}

static char *
read_delta(const ChunkColumnType *type, const char *src, Size len,
		   uint32 count, Datum *out, Size *used)
{
	int			typlen = type->typlen;
	int64		v;
	uint64		dmin;
	int			width;
	uint64		packed;

	if (!type->typbyval)
		return psprintf("DELTA encoding used for a by-reference type");
	if (len < DELTA_HEADER_SIZE)
		return psprintf("DELTA header truncated");
	v = read_i64(src);
	dmin = (uint64) read_i64(src + sizeof(int64));
	width = (unsigned char) src[2 * sizeof(int64)];
	if (width > Min(64, 8 * typlen + 1) || !int_fits(v, typlen))
		return psprintf("DELTA header invalid (width %d)", width);
	packed = packed_size(count - 1, width);
	if (packed > len - DELTA_HEADER_SIZE)
		return psprintf("DELTA values need %llu bytes, only %zu present",
						(unsigned long long) packed,
						(size_t) (len - DELTA_HEADER_SIZE));

	out[0] = int_to_datum(v, typlen);
	if (width == 0)
	{
		for (uint32 i = 1; i < count; i++)
		{
			v = wrap_add(v, dmin);
			out[i] = int_to_datum(v, typlen);
		}
	}
	else
	{
		BitReader	br;
		uint64		mask = width_mask(width);

		br_init(&br, src + DELTA_HEADER_SIZE, (Size) packed);
		for (uint32 i = 1; i < count; i++)
		{
			v = wrap_add(v, dmin + br_get(&br, width, mask));
			out[i] = int_to_datum(v, typlen);
		}
	}
	*used = DELTA_HEADER_SIZE + (Size) packed;
	return NULL;
}

/*
 * ChunkDecodeValues checks that the type is one the encoder supports, then
 * dispatches to the decoder of the encoding and requires that it consumed
 * exactly len bytes.
 */
char *
ChunkDecodeValues(OlapEncoding encoding,
				  const char *src, Size len, uint32 count,
				  const ChunkColumnType *type,
				  Datum *values, ChunkCodes *codes, ChunkScaled *scaled)
{
	int			typlen = type->typlen;
	Size		used = 0;
	char	   *err;

	if (codes != NULL)
		codes->valid = false;
	if (scaled != NULL)
		scaled->valid = false;
	if (type->typbyval)
	{
		if (typlen != 1 && typlen != 2 && typlen != 4 &&
			!(typlen == 8 && SIZEOF_DATUM == 8))
			return psprintf("unsupported by-value type length %d", typlen);
	}
	else if (typlen == 0 || typlen < -2)
		return psprintf("unsupported type length %d", typlen);
	if (type->typalign != TYPALIGN_CHAR && type->typalign != TYPALIGN_SHORT &&
		type->typalign != TYPALIGN_INT && type->typalign != TYPALIGN_DOUBLE)
		return psprintf("unsupported type alignment '%c'", type->typalign);

	if (count == 0)
	{
		if (len != 0)
			return psprintf("%zu bytes of values in a chunk without values",
							(size_t) len);
		return NULL;
	}

	switch (encoding)
	{
		case OLAP_ENCODING_PLAIN:
			err = read_plain(type, src, len, count, values, &used);
			break;
		case OLAP_ENCODING_DICT:
			err = read_dict(type, src, len, count, values, &used, codes);
			break;
		case OLAP_ENCODING_RLE:
			err = read_rle(type, src, len, count, values, &used, codes);
			break;
		case OLAP_ENCODING_FOR:
			err = read_for(type, src, len, count, values, &used);
			break;
		case OLAP_ENCODING_DELTA:
			err = read_delta(type, src, len, count, values, &used);
			break;
		case OLAP_ENCODING_SCALED:
			/* consumes all of src or fails */
			err = ScaledDecodeValues(src, len, count, type, values, scaled);
			used = len;
			break;
		default:
			return psprintf("unrecognized encoding %d", (int) encoding);
	}
	if (err)
		return err;
	if (used != len)
		return psprintf("%s values use %zu of %zu bytes",
						OlapEncodingName(encoding), (size_t) used, (size_t) len);
	return NULL;
}
