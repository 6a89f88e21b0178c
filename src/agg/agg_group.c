/*-------------------------------------------------------------------------
 *
 * agg_group.c
 *	  Assigning the selected rows of a batch to OlapAgg's groups: the group
 *	  hash table lookup, and three ways of reaching it.
 *
 * The groups live in an open-addressing table on the hash of their key
 * values (agg_exec.c creates and grows it; agg_hash.h hashes and compares).
 * A row's group is found by one of:
 *
 *	- codes: every key is a column, or an expression of one column, whose
 *	  chunk in this batch has a dictionary view (batch.h), or is
 *	  integer-like, its values then numbered
 *	  densely for the batch (dense_number), and the product of the numbers
 *	  of codes over the keys is small.  The codes of a row combine into one
 *	  index into a per-batch map, filled on first use of each index by a
 *	  lookup of that index's key values, so the hashing and comparing is
 *	  done once per distinct key combination and batch instead of once per
 *	  row;
 *	- local ids: every key is a coded column or of an integer-like type, but
 *	  there are too many combinations for a map.
 *	  Each row's keys become integers (the code, or the value itself) and a
 *	  small per-batch table on those integers (no detoasting, no byte
 *	  comparisons) remembers the group of each combination seen in the
 *	  batch; a miss looks the row up in the group table.  When the keys are
 *	  all integers and nearly every row of a batch is a new combination, the
 *	  local table only adds work, so it is then left off for some batches;
 *	- per row: the key values of every row are hashed and looked up.  A
 *	  single integer-like key (state->int_key: its buckets hold the key
 *	  value) has a loop of its own, which hashes the batch's rows first and
 *	  then probes, prefetching the buckets of the rows ahead.
 *
 * All three compute the same hash of the same values and reach the same
 * group table, so a group is the same whichever way its rows come, and a
 * row whose group is not in memory while the node spills (agg_spill.c)
 * goes to the spill file of its hash in every case: a per-batch entry
 * remembers "spilled" with the hash, which stays right for the rest of the
 * batch because spilling, once started, lasts to the end of the pass.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "agg/agg_hash.h"
#include "agg/agg_input.h"
#include "agg/agg_spill.h"
#include "agg/agg_state.h"
#include "scan/batch.h"

/* gids[row] of a row written to a spill file */
#define GROUP_SPILLED PG_UINT32_MAX
/* a per-batch entry not looked up yet (never a group number) */
#define GROUP_UNKNOWN (PG_UINT32_MAX - 1)
/* a per-batch entry to be looked up (assign_codes_int_key) */
#define GROUP_PENDING (PG_UINT32_MAX - 2)

/* The group hash of a NULL key, when it is the only key (lookup_row) */
#define INT_NULL_HASH (hash_combine(0, agg_value_hash(NULL, (Datum) 0, true)))

/* How many rows ahead assign_int_key prefetches buckets */
#define INT_KEY_PREFETCH 8

/*
 * How many rows ahead lookup_rows prefetches a row's bucket, then the
 * key entries of the group that bucket names, then the bytes of its text
 * keys: each stage reads what the one before brought into the cache.
 */
#define ROW_PREFETCH_BUCKET 12
#define ROW_PREFETCH_GROUP 8
#define ROW_PREFETCH_TEXT 4

/*
 * Groups from which assign_by_codes and assign_per_row look up a batch's
 * rows all together, prefetching (lookup_rows), rather than each as it
 * comes: below this, the groups' buckets and keys mostly stay in the CPU
 * cache.
 */
#define PREFETCH_MIN_GROUPS 16384

/* Largest per-batch code map, in entries, and per row of the batch. */
#define CODE_MAP_MAX_ENTRIES (1 << 20)
#define CODE_MAP_ENTRIES_PER_ROW 2

/* Smallest local table; it doubles when half full. */
#define LOCAL_MIN_SIZE 256

/* Local ids: batches left out after one where they did not pay. */
#define LOCAL_PAUSE_BATCHES 32

/* Per-batch lookaside of OlapAgg's group assignment (state->group_cache). */
typedef struct AggGroupCache
{
	MemoryContext context;

	/* codes: group by combined code index, and the hash of spilled ones */
	uint32	   *map;
	uint32	   *map_hash;
	uint32		map_size;

	/* dense numbers of integer keys: open addressing on the value */
	uint64	   *dense_vals;
	uint32	   *dense_nums;		/* UINT32_MAX: free */
	uint32		dense_size;		/* a power of two */
	uint32	   *dense_codes[INDEX_MAX_KEYS];	/* by row, per key */
	uint32		dense_codes_size;

	/* per-row lookups: the group hash of each selected row, in order */
	uint32	   *row_hashes;		/* [dense_codes_size] or NULL */
	/* by codes: the rows first using their code (index) */
	uint32	   *first_rows;		/* [dense_codes_size] or NULL */
	/* per-row lookups: the group of each looked-up row, in order */
	uint32	   *row_groups;		/* [dense_codes_size] or NULL */

	/* local ids: open addressing on nkeys integers and a NULL mask */
	uint64	   *ids;			/* [size * nkeys] */
	uint32	   *idnulls;		/* [size]: bit k: key k is NULL */
	uint32	   *gid;			/* [size]: entry of first_rows; GROUP_UNKNOWN: free */
	uint32		size;			/* entries in use, a power of two */
	uint32		capacity;		/* entries allocated */
	uint32		used;
	int			nkeys;
	int			paused;			/* batches left to do per row */
} AggGroupCache;

/*
 * find_group of the one integer-like key (state->int_key) of value v, or
 * NULL: the buckets hold the key, so a probe reads nothing else.  Only a
 * bucket whose hash is that of NULL can hold the NULL group, so only those
 * need a look at the group's NULL flag.
 */
static inline uint32
find_int_group(OlapAggState *state, Datum val, bool isnull, uint32 hash)
{
	int64		v = isnull ? 0 : agg_value_int(val, state->keys[0].type.typlen);
	uint32		mask = state->nbuckets - 1;
	uint32		b;

	if (agg_other_partition(state, hash))
		return GROUP_SPILLED;
	for (b = hash & mask;; b = (b + 1) & mask)
	{
		const AggIntBucket *bucket = &state->ibuckets[b];

		if (bucket->group == 0)
			break;
		if (bucket->hash == hash && bucket->key == v &&
			(hash != INT_NULL_HASH ||
			 state->keynulls[bucket->group - 1] == isnull))
			return bucket->group - 1;
	}
	if (state->spilling)
		return GROUP_SPILLED;
	return AggNewGroup(state, &val, &isnull, hash, b);
}

/*
 * The group of a row with the given key values and group hash, created if
 * it is new, or GROUP_SPILLED when it is not in memory and the node is
 * spilling.  vals of text keys must be detoasted.
 */
static uint32
find_group(OlapAggState *state, const Datum *vals, const bool *isnull,
		   uint32 hash)
{
	int			nkeys = state->nkeys;
	uint32		mask = state->nbuckets - 1;
	uint32		b;

	if (state->int_key)
		return find_int_group(state, vals[0], isnull[0], hash);
	if (agg_other_partition(state, hash))
		return GROUP_SPILLED;
	for (b = hash & mask;; b = (b + 1) & mask)
	{
		uint64		entry = state->buckets[b];
		uint32		g;
		bool		match = true;
		int			k;

		if (entry == 0)
			break;
		/* the hash in the bucket spares a look at the group */
		if ((uint32) (entry >> 32) != hash)
			continue;
		g = (uint32) entry - 1;
		for (k = 0; k < nkeys && match; k++)
		{
			bool		gnull = state->keynulls[g * nkeys + k];

			if (gnull != isnull[k])
				match = false;
			else if (!gnull &&
					 !agg_values_equal(&state->keys[k].type,
									   state->keyvals[g * nkeys + k],
									   vals[k]))
				match = false;
		}
		if (match)
			return g;
	}
	if (state->spilling)
		return GROUP_SPILLED;
	return AggNewGroup(state, vals, isnull, hash, b);
}

/*
 * Whether a row whose lookup gave group g goes to a spill file: only while
 * the node spills (which lasts the whole batch, so the test of the flag
 * first is predicted well).  GROUP_SPILLED otherwise means a group of
 * another process's partition, whose rows are left out (agg_partition.c):
 * AggAssignGroups then sets batch_spilled for the whole batch.
 */
static inline bool
row_spilled(const OlapAggState *state, uint32 g)
{
	return state->spilling && unlikely(g == GROUP_SPILLED);
}

/*
 * Writes row of batch to the spill file of group hash hash; a row of
 * another process's partition is only left out.
 */
static void
spill_row(OlapAggState *state, const OlapBatch *batch, uint32 row,
		  uint32 hash)
{
	int			part = agg_spill_partition(hash, state->level);

	if (agg_other_partition(state, hash))
	{
		state->batch_spilled = true;
		return;
	}
	if (state->files[part] == NULL)
	{
		state->files[part] = AggSpillNewFile(&state->spill, state->level + 1);
		state->spill_files++;
	}
	AggSpillWrite(&state->spill, state->files[part], batch, row);
	state->spilled_rows++;
	state->batch_spilled = true;
}

/*
 * The key values of row of the batch (keyvalues/keynulls by key, as
 * AggInputCompute gave them), text detoasted, into vals/isnull; returns
 * the row's group hash.
 */
static uint32
row_keys(OlapAggState *state, const Datum *const *keyvalues,
		 const bool *const *keynulls, uint32 row, Datum *vals, bool *isnull)
{
	uint32		h = 0;
	int			k;

	for (k = 0; k < state->nkeys; k++)
	{
		const AggValueType *type = &state->keys[k].type;

		isnull[k] = keynulls[k][row];
		vals[k] = isnull[k] ? (Datum) 0 : keyvalues[k][row];
		if (!isnull[k] && type->is_text)
			vals[k] = PointerGetDatum(PG_DETOAST_DATUM_PACKED(vals[k]));
		h = hash_combine(h, agg_value_hash(type, vals[k], isnull[k]));
	}
	return h;
}

/*
 * Looks up row of the batch by its key values (as row_keys takes them) and
 * sets *hash to its group hash.
 */
static uint32
lookup_row(OlapAggState *state, const Datum *const *keyvalues,
		   const bool *const *keynulls, uint32 row, uint32 *hash)
{
	Datum		vals[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];

	*hash = row_keys(state, keyvalues, keynulls, row, vals, isnull);
	return find_group(state, vals, isnull, *hash);
}

/* *array of the cache, of dense_codes_size entries, allocated on first use */
static uint32 *
cache_array(AggGroupCache *cache, uint32 **array)
{
	if (*array == NULL)
		*array = MemoryContextAllocHuge(cache->context,
										sizeof(uint32) * cache->dense_codes_size);
	return *array;
}

/*
 * The group named by the first bucket a probe for hash looks at, when its
 * stored hash is hash (the usual case for a key seen before), or -1.  Only
 * for prefetching: it does not compare keys.
 */
static inline int64
likely_group(OlapAggState *state, uint32 hash)
{
	uint64		entry = state->buckets[hash & (state->nbuckets - 1)];

	if (entry == 0 || (uint32) (entry >> 32) != hash)
		return -1;
	return (int64) ((uint32) entry - 1);
}

/*
 * Looks up rows[0..m) of the batch, in that order, setting groups[j] to
 * the group of rows[j] (GROUP_SPILLED included) and hashes[j] to its group
 * hash.  With many groups, the hashes of all rows come first, so that while
 * a row is probed, the bucket of a row further on, the keys of the group
 * found in the bucket of a nearer one, and the text those keys point to are
 * being fetched: each of those is otherwise a cache miss waited for in
 * turn.
 */
static void
lookup_rows(OlapAggState *state, const Datum *const *keyvalues,
			const bool *const *keynulls, const uint32 *rows, uint32 m,
			uint32 *hashes, uint32 *groups)
{
	int			nkeys = state->nkeys;
	Datum		vals[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];
	uint32		j;

	if (state->ngroups < PREFETCH_MIN_GROUPS)
	{
		for (j = 0; j < m; j++)
			groups[j] = lookup_row(state, keyvalues, keynulls, rows[j],
								   &hashes[j]);
		return;
	}
	for (j = 0; j < m; j++)
		hashes[j] = row_keys(state, keyvalues, keynulls, rows[j], vals, isnull);
	for (j = 0; j < m; j++)
	{
		if (state->int_key)
		{
			/* the bucket holds the key itself */
			if (j + INT_KEY_PREFETCH < m)
				__builtin_prefetch(&state->ibuckets[hashes[j + INT_KEY_PREFETCH] &
													(state->nbuckets - 1)]);
		}
		else
		{
			if (j + ROW_PREFETCH_BUCKET < m)
				__builtin_prefetch(&state->buckets[hashes[j + ROW_PREFETCH_BUCKET] &
												   (state->nbuckets - 1)]);
			if (j + ROW_PREFETCH_GROUP < m)
			{
				int64		pg = likely_group(state, hashes[j + ROW_PREFETCH_GROUP]);

				if (pg >= 0)
					__builtin_prefetch(&state->keyvals[pg * nkeys]);
			}
			if (j + ROW_PREFETCH_TEXT < m)
			{
				int64		pg = likely_group(state, hashes[j + ROW_PREFETCH_TEXT]);
				int			k;

				for (k = 0; pg >= 0 && k < nkeys; k++)
					if (state->keys[k].type.is_text)
						__builtin_prefetch(DatumGetPointer(state->keyvals[pg * nkeys + k]));
			}
		}
		(void) row_keys(state, keyvalues, keynulls, rows[j], vals, isnull);
		groups[j] = find_group(state, vals, isnull, hashes[j]);
	}
}

/* Per row: every selected row hashed and looked up. */
static void
assign_per_row(OlapAggState *state, AggGroupCache *cache,
			   const OlapBatch *batch, const uint32 *sel, uint32 n,
			   const Datum *const *keyvalues, const bool *const *keynulls)
{
	uint32	   *hashes;
	uint32	   *groups;
	uint32		i;

	hashes = cache_array(cache, &cache->row_hashes);
	groups = cache_array(cache, &cache->row_groups);
	lookup_rows(state, keyvalues, keynulls, sel, n, hashes, groups);
	for (i = 0; i < n; i++)
	{
		if (row_spilled(state, groups[i]))
			spill_row(state, batch, sel[i], hashes[i]);
		state->gids[sel[i]] = groups[i];
	}
}

/*
 * One integer-like key, not coded (state->int_key): every row is looked up
 * as per row, but the hashes of all selected rows are computed first, so
 * that the bucket of the row INT_KEY_PREFETCH ahead is being fetched while
 * a row is probed, and the probe compares the key in the bucket itself
 * (find_int_group).  The hashes are those lookup_row computes.
 */
static void
assign_int_key(OlapAggState *state, AggGroupCache *cache,
			   const OlapBatch *batch, const uint32 *sel, uint32 n,
			   const Datum *values, const bool *nulls)
{
	const AggValueType *type = &state->keys[0].type;
	uint32	   *hashes;
	uint32		i;

	hashes = cache_array(cache, &cache->row_hashes);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];

		hashes[i] = hash_combine(0, agg_value_hash(type, values[row],
												   nulls[row]));
	}
	if (state->partitioned)
	{
		/*
		 * Only the rows of this process's partition are probed, picked
		 * without a branch per row: half of them or more belong to others,
		 * at random.
		 */
		uint32	   *mine = cache_array(cache, &cache->first_rows);
		uint32		nmine = 0;

		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];

			state->gids[row] = GROUP_SPILLED;
			mine[nmine] = row;
			hashes[nmine] = hashes[i];
			nmine += !agg_other_partition(state, hashes[i]);
		}
		sel = mine;
		n = nmine;
	}
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		g;

		if (i + INT_KEY_PREFETCH < n)
			__builtin_prefetch(&state->ibuckets[hashes[i + INT_KEY_PREFETCH] &
												(state->nbuckets - 1)]);
		g = find_int_group(state, values[row], nulls[row], hashes[i]);
		if (row_spilled(state, g))
			spill_row(state, batch, row, hashes[i]);
		state->gids[row] = g;
	}
}

/*
 * Codes of one integer-like key (state->int_key), map as assign_by_codes
 * has it: the rows first using each code are found first, then looked up
 * in that order (the order the groups would be created in row by row),
 * each prefetching the bucket of the one INT_KEY_PREFETCH on, and then
 * every row takes its code's group.
 */
static void
assign_codes_int_key(OlapAggState *state, AggGroupCache *cache,
					 const OlapBatch *batch, const uint32 *sel, uint32 n,
					 const uint32 *codes, const Datum *values,
					 const bool *nulls)
{
	const AggValueType *type = &state->keys[0].type;
	uint32	   *map = cache->map;
	uint32	   *map_hash = cache->map_hash;
	uint32	   *first;
	uint32		nfirst = 0;
	uint32		i;

	first = cache_array(cache, &cache->first_rows);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		code = codes[row];

		if (map[code] == GROUP_UNKNOWN)
		{
			map[code] = GROUP_PENDING;
			map_hash[code] = hash_combine(0, agg_value_hash(type, values[row],
															nulls[row]));
			first[nfirst++] = row;
		}
	}
	for (i = 0; i < nfirst; i++)
	{
		uint32		row = first[i];
		uint32		code = codes[row];

		if (i + INT_KEY_PREFETCH < nfirst)
			__builtin_prefetch(&state->ibuckets[map_hash[codes[first[i + INT_KEY_PREFETCH]]] &
												(state->nbuckets - 1)]);
		map[code] = find_int_group(state, values[row], nulls[row],
								   map_hash[code]);
	}
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		g = map[codes[row]];

		if (row_spilled(state, g))
			spill_row(state, batch, row, map_hash[codes[row]]);
		state->gids[row] = g;
	}
}

/* The index of row into the map of assign_by_codes. */
static inline uint32
code_index(int nkeys, const uint32 *const *codes, const uint32 *radix,
		   uint32 row)
{
	uint32		index;
	int			k;

	if (nkeys == 1)
		return codes[0][row];
	if (nkeys == 2)
		return codes[0][row] + radix[0] * codes[1][row];
	index = codes[nkeys - 1][row];
	for (k = nkeys - 2; k >= 0; k--)
		index = index * radix[k] + codes[k][row];
	return index;
}

/*
 * assign_by_codes while the groups are few enough to stay in the cache:
 * one pass, an index looked up when a row first uses it.
 */
static void
assign_by_codes_direct(OlapAggState *state, AggGroupCache *cache,
					   const OlapBatch *batch, const uint32 *sel, uint32 n,
					   const uint32 *const *codes, const uint32 *radix,
					   const Datum *const *keyvalues,
					   const bool *const *keynulls)
{
	uint32	   *map = cache->map;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		index = code_index(state->nkeys, codes, radix, row);
		uint32		g = map[index];

		if (unlikely(g == GROUP_UNKNOWN))
		{
			g = lookup_row(state, keyvalues, keynulls, row,
						   &cache->map_hash[index]);
			map[index] = g;
		}
		if (row_spilled(state, g))
			spill_row(state, batch, row, cache->map_hash[index]);
		state->gids[row] = g;
	}
}

/*
 * Codes: with codes[k] the per-row codes of key k (0 .. radix[k] - 1),
 * index = code of key 0 + radix[0] * (code of key 1 + ...), each index
 * looked up once per batch.
 */
static void
assign_by_codes(OlapAggState *state, AggGroupCache *cache,
				const OlapBatch *batch, const uint32 *sel, uint32 n,
				const uint32 *const *codes, const uint32 *radix,
				uint32 nindexes, const Datum *const *keyvalues,
				const bool *const *keynulls)
{
	int			nkeys = state->nkeys;
	uint32	   *map;
	uint32	   *first;
	uint32	   *hashes;
	uint32	   *groups;
	uint32		nfirst = 0;
	uint32		i;

	if (cache->map_size < nindexes)
	{
		if (cache->map != NULL)
		{
			pfree(cache->map);
			pfree(cache->map_hash);
		}
		cache->map = MemoryContextAllocHuge(cache->context,
											sizeof(uint32) * nindexes);
		cache->map_hash = MemoryContextAllocHuge(cache->context,
												 sizeof(uint32) * nindexes);
		cache->map_size = nindexes;
	}
	map = cache->map;
	for (i = 0; i < nindexes; i++)
		map[i] = GROUP_UNKNOWN;
	if (state->int_key)
	{
		assign_codes_int_key(state, cache, batch, sel, n, codes[0],
							 keyvalues[0], keynulls[0]);
		return;
	}

	if (state->ngroups < PREFETCH_MIN_GROUPS)
	{
		assign_by_codes_direct(state, cache, batch, sel, n, codes, radix,
							   keyvalues, keynulls);
		return;
	}

	/* each row's index (in gids for now), and the rows first using one */
	first = cache_array(cache, &cache->first_rows);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		index = code_index(nkeys, codes, radix, row);

		state->gids[row] = index;
		if (map[index] == GROUP_UNKNOWN)
		{
			map[index] = GROUP_PENDING;
			first[nfirst++] = row;
		}
	}

	/* those looked up in row order, as row by row would create them */
	hashes = cache_array(cache, &cache->row_hashes);
	groups = cache_array(cache, &cache->row_groups);
	lookup_rows(state, keyvalues, keynulls, first, nfirst, hashes, groups);
	for (i = 0; i < nfirst; i++)
	{
		uint32		index = state->gids[first[i]];

		map[index] = groups[i];
		cache->map_hash[index] = hashes[i];
	}

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		index = state->gids[row];
		uint32		g = map[index];

		if (row_spilled(state, g))
			spill_row(state, batch, row, cache->map_hash[index]);
		state->gids[row] = g;
	}
}

/* Hash of an integer key value, for the dense numbering. */
static inline uint32
dense_hash(uint64 v)
{
	v *= UINT64CONST(0x9E3779B97F4A7C15);
	return (uint32) (v >> 32);
}

/* Smallest dense numbering table; it doubles when half full. */
#define DENSE_MIN_SIZE 256

/* Makes the dense numbering table an empty one of size entries. */
static void
dense_reset(AggGroupCache *cache, uint32 size)
{
	uint32		i;

	if (cache->dense_size < size)
	{
		if (cache->dense_vals != NULL)
		{
			pfree(cache->dense_vals);
			pfree(cache->dense_nums);
		}
		cache->dense_vals = MemoryContextAllocHuge(cache->context,
												   sizeof(uint64) * size);
		cache->dense_nums = MemoryContextAllocHuge(cache->context,
												   sizeof(uint32) * size);
		cache->dense_size = size;
	}
	for (i = 0; i < size; i++)
		cache->dense_nums[i] = PG_UINT32_MAX;
}

/*
 * Doubles the dense numbering table in use (mask + 1 entries), keeping its
 * entries; returns the new mask.
 */
static uint32
dense_grow(AggGroupCache *cache, uint32 mask)
{
	uint32		oldsize = mask + 1;
	uint64	   *oldvals = cache->dense_vals;
	uint32	   *oldnums = cache->dense_nums;
	uint32		i;

	cache->dense_vals = MemoryContextAllocHuge(cache->context,
											   sizeof(uint64) * oldsize * 2);
	cache->dense_nums = MemoryContextAllocHuge(cache->context,
											   sizeof(uint32) * oldsize * 2);
	cache->dense_size = oldsize * 2;
	mask = oldsize * 2 - 1;
	for (i = 0; i <= mask; i++)
		cache->dense_nums[i] = PG_UINT32_MAX;
	for (i = 0; i < oldsize; i++)
	{
		uint32		b;

		if (oldnums[i] == PG_UINT32_MAX)
			continue;
		for (b = dense_hash(oldvals[i]) & mask;
			 cache->dense_nums[b] != PG_UINT32_MAX; b = (b + 1) & mask)
			;
		cache->dense_vals[b] = oldvals[i];
		cache->dense_nums[b] = oldnums[i];
	}
	pfree(oldvals);
	pfree(oldnums);
	return mask;
}

/*
 * Numbers the distinct values of integer key k (keyvalues/keynulls by row)
 * over the selected rows 0, 1, ... in order of appearance, NULL included,
 * into cache->dense_codes[k][row].  Returns how many there are, or 0 when
 * there are more than limit.  Consecutive equal values (sorted data, time
 * buckets) cost one comparison.  The table starts small and doubles when
 * half full, so its cost follows the number of distinct values.
 */
static uint32
dense_number(AggGroupCache *cache, int k, const Datum *values,
			 const bool *nulls, int16 typlen, const uint32 *sel, uint32 n,
			 uint32 limit)
{
	uint32	   *out = cache->dense_codes[k];
	uint32		count = 0;
	uint32		nvalues = 0;
	uint32		null_num = PG_UINT32_MAX;
	uint64		last = 0;
	uint32		last_num = PG_UINT32_MAX;
	uint32		mask = DENSE_MIN_SIZE - 1;
	uint32		i;

	dense_reset(cache, DENSE_MIN_SIZE);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint64		v;
		uint32		b;

		if (nulls[row])
		{
			if (null_num == PG_UINT32_MAX)
			{
				if (count == limit)
					return 0;
				null_num = count++;
			}
			out[row] = null_num;
			continue;
		}
		v = (uint64) agg_value_int(values[row], typlen);
		if (v == last && last_num != PG_UINT32_MAX)
		{
			out[row] = last_num;
			continue;
		}
		for (b = dense_hash(v) & mask;; b = (b + 1) & mask)
		{
			if (cache->dense_nums[b] == PG_UINT32_MAX)
			{
				if (count == limit)
					return 0;
				cache->dense_vals[b] = v;
				cache->dense_nums[b] = count++;
				nvalues++;
				break;
			}
			if (cache->dense_vals[b] == v)
				break;
		}
		last = v;
		last_num = cache->dense_nums[b];
		out[row] = last_num;
		if (nvalues * 2 > mask + 1)
			mask = dense_grow(cache, mask);
	}
	return count;
}

/* Hash of a combination of local ids, for the local table. */
static inline uint32
local_hash(const uint64 *ids, uint32 nullmask, int nkeys)
{
	uint64		h = nullmask;
	int			k;

	for (k = 0; k < nkeys; k++)
	{
		h ^= ids[k];
		h *= UINT64CONST(0x9E3779B97F4A7C15);
		h ^= h >> 29;
	}
	return (uint32) (h ^ (h >> 32));
}

/* Allocates the local table's arrays for size entries of nkeys ids. */
static void
local_alloc(AggGroupCache *cache, uint32 size, int nkeys)
{
	cache->ids = MemoryContextAllocHuge(cache->context,
										sizeof(uint64) * size * nkeys);
	cache->idnulls = MemoryContextAllocHuge(cache->context,
											sizeof(uint32) * size);
	cache->gid = MemoryContextAllocHuge(cache->context, sizeof(uint32) * size);
	cache->capacity = size;
	cache->nkeys = nkeys;
}

/* Frees the local table's arrays. */
static void
local_free(AggGroupCache *cache)
{
	pfree(cache->ids);
	pfree(cache->idnulls);
	pfree(cache->gid);
	cache->gid = NULL;
	cache->capacity = 0;
}

/*
 * Makes the local table empty, as large as the last batch's grew to (the
 * batches of one query tend to look alike).
 */
static void
local_reset(AggGroupCache *cache, int nkeys)
{
	uint32		i;

	if (cache->gid != NULL && cache->nkeys != nkeys)
		local_free(cache);
	if (cache->gid == NULL)
	{
		local_alloc(cache, LOCAL_MIN_SIZE, nkeys);
		cache->size = LOCAL_MIN_SIZE;
	}
	cache->used = 0;
	for (i = 0; i < cache->size; i++)
		cache->gid[i] = GROUP_UNKNOWN;
}

/* Doubles the local table, keeping its entries. */
static void
local_grow(AggGroupCache *cache)
{
	uint32		oldsize = cache->size;
	int			nkeys = cache->nkeys;
	uint64	   *oldids = cache->ids;
	uint32	   *oldnulls = cache->idnulls;
	uint32	   *oldgid = cache->gid;
	uint32		newsize = oldsize * 2;
	uint32		mask = newsize - 1;
	uint32		i;

	local_alloc(cache, newsize, nkeys);
	cache->size = newsize;
	cache->used = 0;
	for (i = 0; i < newsize; i++)
		cache->gid[i] = GROUP_UNKNOWN;
	for (i = 0; i < oldsize; i++)
	{
		uint32		b;

		if (oldgid[i] == GROUP_UNKNOWN)
			continue;
		for (b = local_hash(&oldids[i * nkeys], oldnulls[i], nkeys) & mask;
			 cache->gid[b] != GROUP_UNKNOWN; b = (b + 1) & mask)
			;
		memcpy(&cache->ids[b * nkeys], &oldids[i * nkeys],
			   sizeof(uint64) * nkeys);
		cache->idnulls[b] = oldnulls[i];
		cache->gid[b] = oldgid[i];
		cache->used++;
	}
	pfree(oldids);
	pfree(oldnulls);
	pfree(oldgid);
}

/*
 * Local ids: each row's keys as integers (codes of coded columns, values of
 * integer-like ones), looked up in a per-batch table first; each
 * combination's first row is then looked up (lookup_rows, in row order).
 * Returns the number of distinct combinations the batch had.
 */
static uint32
assign_by_local_ids(OlapAggState *state, AggGroupCache *cache,
					const OlapBatch *batch, const uint32 *sel, uint32 n,
					const OlapVector *const *vectors,
					const Datum *const *keyvalues,
					const bool *const *keynulls)
{
	int			nkeys = state->nkeys;
	uint32	   *first = cache_array(cache, &cache->first_rows);
	uint32	   *hashes = cache_array(cache, &cache->row_hashes);
	uint32	   *groups = cache_array(cache, &cache->row_groups);
	uint32		nfirst = 0;
	uint64		ids[INDEX_MAX_KEYS];
	uint32		i;

	/* each row's entry of first, in gids for now */
	local_reset(cache, nkeys);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		nullmask = 0;
		uint32		mask = cache->size - 1;
		uint32		b;
		int			k;

		for (k = 0; k < nkeys; k++)
		{
			if (vectors[k] != NULL)
				ids[k] = vectors[k]->codes[row];
			else if (keynulls[k][row])
			{
				ids[k] = 0;
				nullmask |= (uint32) 1 << k;
			}
			else
				ids[k] = (uint64) agg_value_int(keyvalues[k][row],
												state->keys[k].type.typlen);
		}
		for (b = local_hash(ids, nullmask, nkeys) & mask;; b = (b + 1) & mask)
		{
			if (cache->gid[b] == GROUP_UNKNOWN)
				break;
			if (cache->idnulls[b] == nullmask &&
				memcmp(&cache->ids[b * nkeys], ids, sizeof(uint64) * nkeys) == 0)
				break;
		}
		if (cache->gid[b] == GROUP_UNKNOWN)
		{
			memcpy(&cache->ids[b * nkeys], ids, sizeof(uint64) * nkeys);
			cache->idnulls[b] = nullmask;
			cache->gid[b] = nfirst;
			first[nfirst++] = row;
			state->gids[row] = cache->gid[b];
			if (++cache->used * 2 > cache->size)
				local_grow(cache);
			continue;
		}
		state->gids[row] = cache->gid[b];
	}

	lookup_rows(state, keyvalues, keynulls, first, nfirst, hashes, groups);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		j = state->gids[row];

		if (row_spilled(state, groups[j]))
			spill_row(state, batch, row, hashes[j]);
		state->gids[row] = groups[j];
	}
	return nfirst;
}

/*
 * Fills state->gids[row] with the group of each of the n selected rows sel
 * of batch, creating groups as they appear, or GROUP_SPILLED for rows
 * written to a spill file (state->batch_spilled is then set).
 */
void
AggAssignGroups(OlapAggState *state, const OlapBatch *batch,
				const uint32 *sel, uint32 n)
{
	const Datum *keyvalues[INDEX_MAX_KEYS];
	const bool *keynulls[INDEX_MAX_KEYS];
	const OlapVector *vectors[INDEX_MAX_KEYS];
	const uint32 *codes[INDEX_MAX_KEYS];
	uint32		radix[INDEX_MAX_KEYS];
	uint64		limit;
	AggGroupCache *cache = state->group_cache;
	int			nkeys = state->nkeys;
	bool		all_coded;
	bool		all_local = true;
	bool		any_coded = false;
	uint64		nindexes = 1;
	int			k;

	/* rows of other partitions are left out (row_spilled) */
	if (state->partitioned)
		state->batch_spilled = true;
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(state->query_context,
									   sizeof(AggGroupCache));
		cache->context = state->query_context;
		state->group_cache = cache;
	}
	if (state->gids_size < batch->nrows)
	{
		if (state->gids != NULL)
			pfree(state->gids);
		state->gids = MemoryContextAllocExtended(state->query_context,
												 sizeof(uint32) * batch->nrows,
												 MCXT_ALLOC_HUGE);
		state->gids_size = batch->nrows;
	}
	if (cache->dense_codes_size < batch->nrows)
	{
		for (k = 0; k < INDEX_MAX_KEYS; k++)
		{
			if (cache->dense_codes[k] != NULL)
				pfree(cache->dense_codes[k]);
			cache->dense_codes[k] = NULL;
		}
		if (cache->row_hashes != NULL)
			pfree(cache->row_hashes);
		cache->row_hashes = NULL;
		if (cache->first_rows != NULL)
			pfree(cache->first_rows);
		cache->first_rows = NULL;
		if (cache->row_groups != NULL)
			pfree(cache->row_groups);
		cache->row_groups = NULL;
		cache->dense_codes_size = batch->nrows;
	}
	for (k = 0; k < nkeys; k++)
	{
		const OlapAggKey *key = &state->keys[k];
		AttrNumber	column = key->input.attnum;

		AggInputCompute(&state->keys[k].input, batch, sel, n,
						&keyvalues[k], &keynulls[k]);
		vectors[k] = NULL;
		codes[k] = NULL;

		/*
		 * An expression of one column (never volatile: AggInputSupported)
		 * has the same result for equal codes of that column, so the
		 * column's codes serve it as well; two codes may have equal results,
		 * which only makes their entries find the same group.
		 */
		if (column <= 0 && key->input.ncolumns == 1)
			column = key->input.columns[0];
		if (column > 0 && batch->columns[column - 1].codes != NULL)
		{
			vectors[k] = &batch->columns[column - 1];
			codes[k] = vectors[k]->codes;
			radix[k] = vectors[k]->ndict + 1;
			nindexes *= radix[k];
			any_coded = true;
		}
		else if (key->type.is_text)
			all_local = false;
	}
	if (nkeys > 32)
		all_local = false;		/* the NULL mask has 32 bits */

	/*
	 * Integer keys get dense numbers of their own for this batch, while the
	 * product of the numbers of codes stays within the map's limit.
	 */
	limit = Min(CODE_MAP_MAX_ENTRIES,
				(uint64) batch->nrows * CODE_MAP_ENTRIES_PER_ROW + 64);
	all_coded = all_local && nindexes <= limit &&
		(any_coded || cache->paused == 0);
	for (k = 0; k < nkeys && all_coded; k++)
	{
		uint32		count;

		if (codes[k] != NULL)
			continue;
		if (cache->dense_codes[k] == NULL)
			cache->dense_codes[k] =
				MemoryContextAllocHuge(cache->context,
									   sizeof(uint32) * cache->dense_codes_size);
		count = dense_number(cache, k, keyvalues[k], keynulls[k],
							 state->keys[k].type.typlen, sel, n,
							 (uint32) (limit / nindexes));
		if (count == 0)
			all_coded = false;
		else
		{
			codes[k] = cache->dense_codes[k];
			radix[k] = count;
			nindexes *= count;
		}
	}

	if (all_coded)
	{
		assign_by_codes(state, cache, batch, sel, n, codes, radix,
						(uint32) nindexes, keyvalues, keynulls);
		state->batches_by_codes++;
		/* one integer key, nearly every row a new value: pause */
		if (!any_coded && nkeys == 1 && nindexes > n / 2)
			cache->paused = LOCAL_PAUSE_BATCHES;
	}
	else if (all_local && (any_coded || cache->paused == 0))
	{
		uint32		distinct = assign_by_local_ids(state, cache, batch, sel, n,
												   vectors, keyvalues,
												   keynulls);

		/* mostly new combinations and nothing to save on text: pause */
		if (!any_coded && distinct > n / 2)
			cache->paused = LOCAL_PAUSE_BATCHES;
		state->batches_by_ids++;
	}
	else
	{
		if (cache->paused > 0)
			cache->paused--;
		if (state->int_key)
			assign_int_key(state, cache, batch, sel, n, keyvalues[0],
						   keynulls[0]);
		else
			assign_per_row(state, cache, batch, sel, n, keyvalues, keynulls);
		state->batches_per_row++;
	}
}
