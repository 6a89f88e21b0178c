/*-------------------------------------------------------------------------
 *
 * chunk_bits.h
 *	  Bit-packed streams of the chunk encodings: sequential writer and
 *	  reader, and a bulk unpacker.  Internal to chunk_encoding.c.
 *
 * A stream of n values of width w bits takes exactly ceil(n * w / 8) bytes
 * and is little-endian whatever the server's byte order: value k occupies
 * stream bits [k*w, (k+1)*w), least significant bit first, stream bit b
 * being bit (b % 8) of byte (b / 8); padding bits are 0 and width 0 takes
 * no bytes (src/storage/README).
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_CHUNK_BITS_H
#define OLAP_CHUNK_BITS_H

#include "port/pg_bitutils.h"
#include "port/pg_bswap.h"

/* Sequential writer of a bit-packed stream. */
typedef struct BitWriter
{
	char	   *out;
	uint64		acc;			/* pending bits, lowest first */
	int			used;			/* number of pending bits, 0..63 */
} BitWriter;

/* Sequential reader of a bit-packed stream. */
typedef struct BitReader
{
	const char *in;
	const char *end;
	uint64		acc;			/* unread bits, lowest first */
	int			avail;			/* number of unread bits in acc */
} BitReader;

/* Returns the number of bits needed to represent v (0 for 0). */
static inline int
bit_width(uint64 v)
{
	return v == 0 ? 0 : pg_leftmost_one_pos64(v) + 1;
}

/* Returns the bytes a stream of n values of the given width occupies. */
static inline uint64
packed_size(uint64 n, int width)
{
	return (n * (uint64) width + 7) / 8;
}

static inline uint64
width_mask(int width)
{
	return width >= 64 ? ~UINT64CONST(0) : (UINT64CONST(1) << width) - 1;
}

static inline void
store_le64(char *p, uint64 v)
{
#ifdef WORDS_BIGENDIAN
	v = pg_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

/* ---------------------------------------------------------------------
 * Bit packing
 * ---------------------------------------------------------------------
 */

static inline void
bw_init(BitWriter *bw, char *out)
{
	bw->out = out;
	bw->acc = 0;
	bw->used = 0;
}

/* Appends the low width bits of v (1 <= width <= 64; v < 2^width). */
static inline void
bw_put(BitWriter *bw, uint64 v, int width)
{
	bw->acc |= v << bw->used;
	if (bw->used + width >= 64)
	{
		int			taken = 64 - bw->used;	/* bits of v now in acc */

		store_le64(bw->out, bw->acc);
		bw->out += 8;
		bw->acc = (taken >= 64) ? 0 : v >> taken;
		bw->used = bw->used + width - 64;
	}
	else
		bw->used += width;
}

/* Writes the pending bits, padding the last byte with zeros. */
static inline char *
bw_finish(BitWriter *bw)
{
	int			nbytes = (bw->used + 7) / 8;
	uint64		acc = bw->acc;

	for (int i = 0; i < nbytes; i++)
	{
		*bw->out++ = (char) (acc & 0xFF);
		acc >>= 8;
	}
	bw->acc = 0;
	bw->used = 0;
	return bw->out;
}

static inline void
br_init(BitReader *br, const char *in, Size len)
{
	br->in = in;
	br->end = in + len;
	br->acc = 0;
	br->avail = 0;
}

/* Loads the next (possibly partial, zero-filled) little-endian word. */
static inline uint64
br_load(BitReader *br)
{
	uint64		w = 0;
	Size		left = br->end - br->in;

	if (left >= 8)
	{
		memcpy(&w, br->in, 8);
#ifdef WORDS_BIGENDIAN
		w = pg_bswap64(w);
#endif
		br->in += 8;
	}
	else
	{
		for (Size i = 0; i < left; i++)
			w |= ((uint64) (unsigned char) br->in[i]) << (8 * i);
		br->in = br->end;
	}
	return w;
}

/*
 * Reads the next value of the given width (1..64).  The caller has checked
 * that the stream is long enough; reading past its end yields zero bits.
 */
static inline uint64
br_get(BitReader *br, int width, uint64 mask)
{
	uint64		v;

	if (br->avail >= width)
	{
		v = br->acc & mask;
		br->acc = (width >= 64) ? 0 : br->acc >> width;
		br->avail -= width;
	}
	else
	{
		uint64		next = br_load(br);
		int			taken = width - br->avail;	/* bits taken from next */

		v = (br->acc | (next << br->avail)) & mask;
		br->acc = (taken >= 64) ? 0 : next >> taken;
		br->avail = 64 - taken;
	}
	return v;
}

/*
 * Unpacks the first count values of width bits (1..64) of the stream of
 * packed bytes at src into out, each plus base (wrapping).  The caller has checked that the stream
 * holds them.  Values whose 8-byte window lies inside the stream are read
 * with one unaligned load and a shift each; the last few, and every value
 * of widths above 56, through a BitReader.
 */
static void
unpack_bits(const char *src, Size packed, uint32 count, int width,
			uint64 base, uint64 *out)
{
	uint64		mask = width_mask(width);
	uint32		i = 0;
	BitReader	br;

	if (width <= 56 && packed >= 8)
	{
		/* k * width <= (packed - 8) * 8: bytes k*width/8 .. +7 exist */
		uint64		fast = ((uint64) (packed - 8) * 8) / width + 1;
		uint32		nfast = (uint32) Min(fast, (uint64) count);

		for (; i < nfast; i++)
		{
			uint64		bit = (uint64) i * width;
			uint64		w;

			memcpy(&w, src + (bit >> 3), sizeof(w));
#ifdef WORDS_BIGENDIAN
			w = pg_bswap64(w);
#endif
			out[i] = base + ((w >> (bit & 7)) & mask);
		}
		if (i == count)
			return;
	}

	/* the rest: a reader positioned at value i */
	{
		uint64		bit = (uint64) i * width;

		br_init(&br, src + (bit >> 3), packed - (bit >> 3));
		if ((bit & 7) != 0)
			(void) br_get(&br, (int) (bit & 7), width_mask((int) (bit & 7)));
	}
	for (; i < count; i++)
		out[i] = base + br_get(&br, width, mask);
}

#endif							/* OLAP_CHUNK_BITS_H */
