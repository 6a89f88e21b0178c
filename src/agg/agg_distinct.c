/*-------------------------------------------------------------------------
 *
 * agg_distinct.c
 *	  The set of (group, value) pairs behind OlapAgg's count(DISTINCT x).
 *
 * One set per distinct aggregate holds every pair of a group number and a
 * non-NULL value seen in that group, in an open-addressing hash table
 * (linear probing, at most half full) of entry numbers; entries are arrays
 * by entry number, grown by doubling.  Text values are copied (detoasted)
 * into the set's memory context.  Values are equal as agg_values_equal
 * says: integers as integers, text by bytes, which is the equality
 * count(DISTINCT) uses for these types under a deterministic collation.
 * Everything lives in the given context (the node's aggregate states
 * context), so it is counted with the groups and freed with them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/datum.h"
#include "utils/memutils.h"

#include "agg/agg_hash.h"

struct AggDistinctSet
{
	MemoryContext context;
	AggValueType type;
	uint64		nentries;
	uint64		capacity;
	uint32	   *groups;			/* by entry */
	uint32	   *hashes;
	Datum	   *values;
	uint64	   *buckets;		/* entry + 1; 0 free */
	uint64		nbuckets;		/* a power of two */
};

AggDistinctSet *
AggDistinctCreate(MemoryContext context, const AggValueType *type)
{
	AggDistinctSet *set = MemoryContextAllocZero(context,
												 sizeof(AggDistinctSet));

	set->context = context;
	set->type = *type;
	set->capacity = 256;
	set->groups = MemoryContextAlloc(context, sizeof(uint32) * set->capacity);
	set->hashes = MemoryContextAlloc(context, sizeof(uint32) * set->capacity);
	set->values = MemoryContextAlloc(context, sizeof(Datum) * set->capacity);
	set->nbuckets = 512;
	set->buckets = MemoryContextAllocZero(context,
										  sizeof(uint64) * set->nbuckets);
	return set;
}

/* Doubles the buckets and enters every entry again. */
static void
grow_buckets(AggDistinctSet *set)
{
	uint64		nbuckets = set->nbuckets * 2;
	uint64		mask = nbuckets - 1;
	uint64		e;

	pfree(set->buckets);
	set->buckets = MemoryContextAllocExtended(set->context,
											  sizeof(uint64) * nbuckets,
											  MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	set->nbuckets = nbuckets;
	for (e = 0; e < set->nentries; e++)
	{
		uint64		b = set->hashes[e] & mask;

		while (set->buckets[b] != 0)
			b = (b + 1) & mask;
		set->buckets[b] = e + 1;
	}
}

/*
 * Adds (group, value) to the set; true when it was not in it.  value must
 * not be NULL; text may be toasted or short-header.
 */
bool
AggDistinctAdd(AggDistinctSet *set, uint32 group, Datum value)
{
	uint32		hash;
	uint64		mask = set->nbuckets - 1;
	uint64		b;
	uint64		e;

	if (set->type.is_text)
		value = PointerGetDatum(PG_DETOAST_DATUM_PACKED(value));
	hash = hash_combine(murmurhash32(group),
						agg_value_hash(&set->type, value, false));
	for (b = hash & mask;; b = (b + 1) & mask)
	{
		e = set->buckets[b];
		if (e == 0)
			break;
		e--;
		if (set->hashes[e] == hash && set->groups[e] == group &&
			agg_values_equal(&set->type, set->values[e], value))
			return false;
	}

	e = set->nentries;
	if (e == set->capacity)
	{
		Size		capacity = set->capacity * 2;

		set->groups = repalloc_huge(set->groups, sizeof(uint32) * capacity);
		set->hashes = repalloc_huge(set->hashes, sizeof(uint32) * capacity);
		set->values = repalloc_huge(set->values, sizeof(Datum) * capacity);
		set->capacity = capacity;
	}
	set->groups[e] = group;
	set->hashes[e] = hash;
	if (set->type.typbyval)
		set->values[e] = value;
	else
	{
		MemoryContext old = MemoryContextSwitchTo(set->context);

		set->values[e] = datumCopy(value, false, set->type.typlen);
		MemoryContextSwitchTo(old);
	}
	set->buckets[b] = e + 1;
	set->nentries++;
	if (set->nentries * 2 > set->nbuckets)
		grow_buckets(set);
	return true;
}

/* Number of pairs in the set. */
uint64
AggDistinctCount(AggDistinctSet *set)
{
	return set->nentries;
}
