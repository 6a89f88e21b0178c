/*-------------------------------------------------------------------------
 *
 * agg_distinct.c
 *	  The set of (group, value) pairs behind OlapAgg's count(DISTINCT x).
 *
 * One set per distinct aggregate holds every pair of a group number and a
 * non-NULL value seen in that group, in an open-addressing hash table with
 * linear probing whose slots hold the pairs themselves, so that a probe
 * touches one cache line:
 *
 *	narrow	values of at most 32 bits (int2, int4, date, bool) and text:
 *			one uint64 per slot, (group + 1) << 32 | value (0: free);
 *	wide	64-bit values (int8, timestamp, timestamptz): a 16-byte slot of
 *			the value and group + 1.
 *
 * Text values are first interned: a small table of the distinct texts
 * (copied, detoasted, into the set's memory context) gives each one a
 * 32-bit number, and the pair holds that number.  Texts are equal when
 * their bytes are, which is the equality count(DISTINCT) uses under a
 * deterministic collation.  Dictionary-encoded chunks give every row of one
 * value the same pointer, so a per-batch cache from pointer to number skips
 * hashing the text again (AggDistinctNewBatch starts a new cache
 * generation, since pointers are only stable within a batch).
 *
 * Without grouping keys (one group), integer values go into a bitmap over
 * the range of values seen instead, one bit per value, while that range
 * spans at most AGG_DISTINCT_BITMAP_MAX values: an ID column's 100,000
 * users take 12.5 kB and a bit test per row.  A value that would stretch
 * the range further moves the bitmap's values into the hash table, which
 * takes over.
 *
 * The tables are kept at most AGG_DISTINCT_FILL full and doubled beyond.
 * Everything lives in the given context (the node's aggregate states
 * context), so it is counted with the groups and freed with them.  With a
 * growth limit set (AggDistinctSetLimit), a doubling that would take that
 * context beyond the limit, the old and the new table counted together, is
 * refused: the set then stops taking pairs and says it overflowed, and the
 * caller must throw the set away (OlapAgg splits the pass, agg_exec.c), as
 * its counts are no longer complete.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
#include "utils/memutils.h"

#include "agg/agg_hash.h"
#include "int_datum.h"

/* Largest fill of a table, in eighths of its slots. */
#define AGG_DISTINCT_FILL 6
/* Rows ahead whose slot AggDistinctAddRows prefetches. */
#define AGG_DISTINCT_PREFETCH 8
/* Slots of the pointer-to-text-number cache (a power of two). */
#define AGG_DISTINCT_CACHE 256
/* Widest range of values a bitmap covers, and its first width, in bits. */
#define AGG_DISTINCT_BITMAP_MAX (INT64CONST(1) << 26)
#define AGG_DISTINCT_BITMAP_MIN (INT64CONST(1) << 16)

/* A slot of a wide set. */
typedef struct WideSlot
{
	int64		value;
	uint32		group1;			/* group + 1; 0: free */
} WideSlot;

/* A slot of the text interning table. */
typedef struct TextSlot
{
	uint32		hash;
	uint32		id1;			/* text number + 1; 0: free */
} TextSlot;

/* A remembered text number of one value pointer of the current batch. */
typedef struct PointerCache
{
	Pointer		ptr;
	uint32		id;
	uint32		generation;
} PointerCache;

struct AggDistinctSet
{
	MemoryContext context;
	AggValueType type;
	bool		wide;
	uint64		nentries;
	Size		limit;			/* of the context at a doubling; 0: none */
	bool		overflowed;		/* a doubling was refused: pairs missing */
	uint64		nslots;			/* a power of two */
	uint64	   *slots;			/* narrow */
	WideSlot   *wslots;			/* wide */

	/* text interning */
	uint32		ntexts;
	uint32		text_capacity;
	struct varlena **texts;		/* by number */
	uint32		ntext_slots;	/* a power of two */
	TextSlot   *text_slots;
	uint32		generation;
	PointerCache cache[AGG_DISTINCT_CACHE];

	/* one group of integers: a bitmap of base .. base + nbits - 1 */
	bool		bitmap_off;		/* not (or no longer) a bitmap */
	int64		base;			/* a multiple of 64 */
	int64		nbits;			/* a multiple of 64; 0: nothing yet */
	uint64	   *bits;

	/* keys of the rows of one call of AggDistinctAddRows */
	uint64	   *row_keys;
	uint64	   *row_hashes;
	uint32		row_capacity;
};

/* The slot hash of a wide pair (32 bits: tables stay below 2^32 slots). */
static inline uint64
wide_hash(int64 value, uint32 group1)
{
	return IntHashMix(value ^ ((uint64) group1 << 40)) >> 32;
}

static void *
alloc_zero(AggDistinctSet *set, Size size)
{
	return MemoryContextAllocExtended(set->context, size,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

AggDistinctSet *
AggDistinctCreate(MemoryContext context, const AggValueType *type)
{
	AggDistinctSet *set = MemoryContextAllocZero(context,
												 sizeof(AggDistinctSet));

	set->context = context;
	set->type = *type;
	set->wide = !type->is_text && type->typlen > 4;
	set->nslots = 256;
	if (set->wide)
		set->wslots = alloc_zero(set, sizeof(WideSlot) * set->nslots);
	else
		set->slots = alloc_zero(set, sizeof(uint64) * set->nslots);
	if (type->is_text)
	{
		set->text_capacity = 64;
		set->texts = MemoryContextAlloc(context,
										sizeof(struct varlena *) * set->text_capacity);
		set->ntext_slots = 128;
		set->text_slots = alloc_zero(set, sizeof(TextSlot) * set->ntext_slots);
	}
	set->generation = 1;
	set->bitmap_off = type->is_text;
	return set;
}

/*
 * Makes the bitmap cover v as well; false when the range would then be
 * wider than AGG_DISTINCT_BITMAP_MAX (or its memory beyond the limit).
 */
static bool
bitmap_cover(AggDistinctSet *set, int64 v)
{
	int64		lo = v - (int64) ((uint64) v % 64);
	int64		base;
	int64		end;
	int64		nbits;
	uint64	   *bits;

	if (set->nbits == 0)
	{
		base = lo;
		end = lo + AGG_DISTINCT_BITMAP_MIN;
	}
	else
	{
		base = Min(set->base, lo);
		end = Max(set->base + set->nbits, lo + 64);
		/* double the width at least, so that growing stays cheap */
		if (end - base < set->nbits * 2)
		{
			if (lo < set->base)
				base = end - set->nbits * 2;
			else
				end = base + set->nbits * 2;
		}
	}
	/* (in uint64: a range over the whole int64 line must not overflow) */
	if (base > lo || end <= lo ||
		(uint64) end - (uint64) base > (uint64) AGG_DISTINCT_BITMAP_MAX ||
		(set->limit > 0 && ((uint64) end - (uint64) base) / 8 > set->limit))
		return false;
	nbits = end - base;
	bits = alloc_zero(set, nbits / 8);
	if (set->nbits > 0)
	{
		memcpy(bits + (set->base - base) / 64, set->bits, set->nbits / 8);
		pfree(set->bits);
	}
	set->bits = bits;
	set->base = base;
	set->nbits = nbits;
	return true;
}

/* Moves the values of the bitmap into the hash table, which takes over. */
static void
bitmap_to_table(AggDistinctSet *set)
{
	uint64		nentries PG_USED_FOR_ASSERTS_ONLY = set->nentries;
	int64		w;

	set->bitmap_off = true;
	set->nentries = 0;
	for (w = 0; w < set->nbits / 64; w++)
	{
		uint64		word = set->bits[w];

		while (word != 0)
		{
			int64		v = set->base + w * 64 + pg_rightmost_one_pos64(word);

			word &= word - 1;
			(void) AggDistinctAdd(set, 0, agg_int_datum(v, set->type.typlen));
		}
	}
	Assert(set->overflowed || set->nentries == nentries);
	if (set->bits != NULL)
		pfree(set->bits);
	set->bits = NULL;
	set->nbits = 0;
}

/*
 * AggDistinctAddRows of one group's integers into the bitmap; the rows from
 * one whose value the bitmap cannot cover on go to the hash table.
 */
static uint32
add_rows_bitmap(AggDistinctSet *set, const Datum *values, const bool *nulls,
				const uint32 *sel, uint32 n, uint32 *new_rows)
{
	uint32		nnew = 0;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		int64		v;
		uint64		off;
		uint64		bit;

		if (nulls[row])
			continue;
		v = agg_value_int(values[row], set->type.typlen);
		off = (uint64) v - (uint64) set->base;
		if (unlikely(set->nbits == 0 || off >= (uint64) set->nbits))
		{
			if (!bitmap_cover(set, v))
			{
				bitmap_to_table(set);
				return nnew + AggDistinctAddRows(set, NULL, values, nulls,
												 sel + i, n - i,
												 new_rows + nnew);
			}
			off = (uint64) v - (uint64) set->base;
		}
		bit = UINT64CONST(1) << (off % 64);
		if (set->bits[off / 64] & bit)
			continue;
		set->bits[off / 64] |= bit;
		set->nentries++;
		new_rows[nnew++] = row;
	}
	return nnew;
}

/* Forgets the value pointers of the previous batch. */
void
AggDistinctNewBatch(AggDistinctSet *set)
{
	set->generation++;
	if (set->generation == 0)
	{
		memset(set->cache, 0, sizeof(set->cache));
		set->generation = 1;
	}
}

/* Doubles the text interning table. */
static void
grow_text_slots(AggDistinctSet *set)
{
	uint32		nslots = set->ntext_slots * 2;
	uint32		mask = nslots - 1;
	TextSlot   *slots = alloc_zero(set, sizeof(TextSlot) * nslots);
	uint32		i;

	for (i = 0; i < set->ntext_slots; i++)
	{
		TextSlot	s = set->text_slots[i];
		uint32		b;

		if (s.id1 == 0)
			continue;
		for (b = s.hash & mask; slots[b].id1 != 0; b = (b + 1) & mask)
			;
		slots[b] = s;
	}
	pfree(set->text_slots);
	set->text_slots = slots;
	set->ntext_slots = nslots;
}

/* The number of text value (interned on first sight). */
static uint32
text_number(AggDistinctSet *set, Datum value)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(value);
	PointerCache *c = NULL;
	uint32		hash;
	uint32		mask;
	uint32		b;
	Size		len;
	uint32		id;

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		v = PG_DETOAST_DATUM_PACKED(value);
	else
	{
		c = &set->cache[(((uintptr_t) v) >> 3) & (AGG_DISTINCT_CACHE - 1)];
		if (c->ptr == (Pointer) v && c->generation == set->generation)
			return c->id;
	}
	len = VARSIZE_ANY_EXHDR(v);
	hash = hash_bytes((unsigned char *) VARDATA_ANY(v), len);
	mask = set->ntext_slots - 1;
	for (b = hash & mask; set->text_slots[b].id1 != 0; b = (b + 1) & mask)
	{
		struct varlena *t;

		if (set->text_slots[b].hash != hash)
			continue;
		t = set->texts[set->text_slots[b].id1 - 1];
		if (VARSIZE_ANY_EXHDR(t) == len &&
			memcmp(VARDATA_ANY(t), VARDATA_ANY(v), len) == 0)
			break;
	}
	if (set->text_slots[b].id1 != 0)
		id = set->text_slots[b].id1 - 1;
	else
	{
		/* a new text */
		if (set->ntexts == PG_UINT32_MAX - 1)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct values for OlapAgg"),
					 errhint("Set olap.enable_vectorized_agg to off for this query.")));
		if (set->ntexts == set->text_capacity)
		{
			set->text_capacity *= 2;
			set->texts = repalloc_huge(set->texts,
									   sizeof(struct varlena *) * set->text_capacity);
		}
		id = set->ntexts++;
		set->texts[id] = MemoryContextAlloc(set->context, VARSIZE_ANY(v));
		memcpy(set->texts[id], v, VARSIZE_ANY(v));
		set->text_slots[b].hash = hash;
		set->text_slots[b].id1 = id + 1;
		if ((uint64) set->ntexts * 8 > (uint64) set->ntext_slots * AGG_DISTINCT_FILL)
			grow_text_slots(set);
	}
	if (c != NULL)
	{
		c->ptr = (Pointer) v;
		c->id = id;
		c->generation = set->generation;
	}
	return id;
}

/*
 * Doubles the pair table; false, with the set marked overflowed, when that
 * would exceed the set's limit.
 */
static bool
grow_slots(AggDistinctSet *set)
{
	uint64		nslots = set->nslots * 2;
	uint64		mask = nslots - 1;
	uint64		i;

	if (set->limit > 0 &&
		MemoryContextMemAllocated(set->context, true) +
		nslots * (set->wide ? sizeof(WideSlot) : sizeof(uint64)) > set->limit)
	{
		set->overflowed = true;
		return false;
	}
	if (set->wide)
	{
		WideSlot   *slots = alloc_zero(set, sizeof(WideSlot) * nslots);

		for (i = 0; i < set->nslots; i++)
		{
			WideSlot	s = set->wslots[i];
			uint64		b;

			if (s.group1 == 0)
				continue;
			for (b = wide_hash(s.value, s.group1) & mask;
				 slots[b].group1 != 0; b = (b + 1) & mask)
				;
			slots[b] = s;
		}
		pfree(set->wslots);
		set->wslots = slots;
	}
	else
	{
		uint64	   *slots = alloc_zero(set, sizeof(uint64) * nslots);

		for (i = 0; i < set->nslots; i++)
		{
			uint64		key = set->slots[i];
			uint64		b;

			if (key == 0)
				continue;
			for (b = IntHashMix(key) & mask; slots[b] != 0; b = (b + 1) & mask)
				;
			slots[b] = key;
		}
		pfree(set->slots);
		set->slots = slots;
	}
	set->nslots = nslots;
	return true;
}

/*
 * Sets the largest size of the set's memory context (0: none) up to which
 * the set may double its table; see the header comment.
 */
void
AggDistinctSetLimit(AggDistinctSet *set, Size limit)
{
	set->limit = limit;
}

/* True when the set refused to grow and misses pairs. */
bool
AggDistinctOverflowed(AggDistinctSet *set)
{
	return set->overflowed;
}

/*
 * Adds (group, value) to the set; true when it was not in it (false too
 * once the set overflowed).  value must not be NULL; text may be toasted or
 * short-header.
 */
bool
AggDistinctAdd(AggDistinctSet *set, uint32 group, Datum value)
{
	uint64		mask = set->nslots - 1;
	uint64		b;

	if (set->overflowed)
		return false;
	if (!set->bitmap_off)
		bitmap_to_table(set);
	if (set->wide)
	{
		int64		v = agg_value_int(value, set->type.typlen);
		uint32		group1 = group + 1;

		for (b = wide_hash(v, group1) & mask;; b = (b + 1) & mask)
		{
			WideSlot   *s = &set->wslots[b];

			if (s->group1 == 0)
			{
				s->group1 = group1;
				s->value = v;
				break;
			}
			if (s->group1 == group1 && s->value == v)
				return false;
		}
	}
	else
	{
		uint32		v32;
		uint64		key;

		if (set->type.is_text)
			v32 = text_number(set, value);
		else
			v32 = (uint32) agg_value_int(value, set->type.typlen);
		key = ((uint64) (group + 1) << 32) | v32;
		for (b = IntHashMix(key) & mask;; b = (b + 1) & mask)
		{
			uint64		k = set->slots[b];

			if (k == 0)
			{
				set->slots[b] = key;
				break;
			}
			if (k == key)
				return false;
		}
	}
	set->nentries++;
	if (set->nentries * 8 > set->nslots * AGG_DISTINCT_FILL)
		(void) grow_slots(set);
	return true;
}

/*
 * AggDistinctAddRows for a wide set: row_keys holds the values and
 * row_hashes the group + 1 (0 for a NULL) in its low half and the hash of
 * the pair in its high half.
 */
static uint32
add_rows_wide(AggDistinctSet *set, const uint32 *gids, const Datum *values,
			  const bool *nulls, const uint32 *sel, uint32 n,
			  uint32 *new_rows)
{
	uint32		nnew = 0;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		int64		v;
		uint32		group1;

		if (nulls[row])
		{
			set->row_hashes[i] = 0;
			continue;
		}
		v = agg_value_int(values[row], set->type.typlen);
		group1 = (gids ? gids[row] : 0) + 1;
		set->row_keys[i] = (uint64) v;
		set->row_hashes[i] = (wide_hash(v, group1) << 32) | group1;
	}
	for (i = 0; i < n; i++)
	{
		uint64		mask = set->nslots - 1;
		uint64		h = set->row_hashes[i];
		int64		v = (int64) set->row_keys[i];
		uint32		group1 = (uint32) h;
		uint64		b;

		if (i + AGG_DISTINCT_PREFETCH < n &&
			set->row_hashes[i + AGG_DISTINCT_PREFETCH] != 0)
			__builtin_prefetch(&set->wslots[(set->row_hashes[i + AGG_DISTINCT_PREFETCH] >> 32) & mask]);
		if (group1 == 0)
			continue;
		for (b = (h >> 32) & mask;; b = (b + 1) & mask)
		{
			WideSlot   *s = &set->wslots[b];

			if (s->group1 == 0)
			{
				s->group1 = group1;
				s->value = v;
				set->nentries++;
				new_rows[nnew++] = sel[i];
				if (set->nentries * 8 > set->nslots * AGG_DISTINCT_FILL &&
					!grow_slots(set))
					return nnew;
				break;
			}
			if (s->group1 == group1 && s->value == v)
				break;
		}
	}
	return nnew;
}

/*
 * Adds the pairs (gids[row] or group 0 when gids is NULL, values[row]) of
 * the n rows sel whose value is not NULL, and puts the rows whose pair was
 * new into new_rows; returns their number.  Stops at an overflow (rows
 * after it are left out).  Same as AggDistinctAdd per
 * row, with the keys computed first so that the slot of a row a few rows
 * on can be prefetched while this one is probed (the tables are far larger
 * than the caches when there are many groups).
 */
uint32
AggDistinctAddRows(AggDistinctSet *set, const uint32 *gids,
				   const Datum *values, const bool *nulls,
				   const uint32 *sel, uint32 n, uint32 *new_rows)
{
	uint32		nkeys = 0;
	uint32		nnew = 0;
	uint32		i;

	if (set->overflowed)
		return 0;
	if (!set->bitmap_off)
	{
		if (gids == NULL)
			return add_rows_bitmap(set, values, nulls, sel, n, new_rows);
		bitmap_to_table(set);
	}
	if (set->row_capacity < n)
	{
		if (set->row_keys != NULL)
		{
			pfree(set->row_keys);
			pfree(set->row_hashes);
		}
		set->row_keys = MemoryContextAllocExtended(set->context,
												   sizeof(uint64) * n,
												   MCXT_ALLOC_HUGE);
		set->row_hashes = MemoryContextAllocExtended(set->context,
													 sizeof(uint64) * n,
													 MCXT_ALLOC_HUGE);
		set->row_capacity = n;
	}
	if (set->wide)
		return add_rows_wide(set, gids, values, nulls, sel, n, new_rows);

	/* the key of each row: its row number is recovered from sel below */
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		v32;
		uint64		key;

		if (nulls[row])
		{
			set->row_keys[i] = 0;
			continue;
		}
		if (set->type.is_text)
			v32 = text_number(set, values[row]);
		else
			v32 = (uint32) agg_value_int(values[row], set->type.typlen);
		key = ((uint64) ((gids ? gids[row] : 0) + 1) << 32) | v32;
		set->row_keys[i] = key;
		set->row_hashes[i] = IntHashMix(key);
		nkeys++;
	}
	if (nkeys == 0)
		return 0;

	for (i = 0; i < n; i++)
	{
		uint64		key = set->row_keys[i];
		uint64		mask = set->nslots - 1;
		uint64		b;

		if (i + AGG_DISTINCT_PREFETCH < n &&
			set->row_keys[i + AGG_DISTINCT_PREFETCH] != 0)
			__builtin_prefetch(&set->slots[set->row_hashes[i + AGG_DISTINCT_PREFETCH] & mask]);
		if (key == 0)
			continue;
		for (b = set->row_hashes[i] & mask;; b = (b + 1) & mask)
		{
			uint64		k = set->slots[b];

			if (k == 0)
			{
				set->slots[b] = key;
				set->nentries++;
				new_rows[nnew++] = sel[i];
				if (set->nentries * 8 > set->nslots * AGG_DISTINCT_FILL &&
					!grow_slots(set))
					return nnew;
				break;
			}
			if (k == key)
				break;
		}
	}
	return nnew;
}

/* Number of pairs in the set. */
uint64
AggDistinctCount(AggDistinctSet *set)
{
	return set->nentries;
}
