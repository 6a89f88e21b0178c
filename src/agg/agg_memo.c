/*-------------------------------------------------------------------------
 *
 * agg_memo.c
 *	  A bounded cache of the results of an expression of one by-reference
 *	  column, keyed by the bytes of the input value.
 *
 * An expression OlapAgg computes has no volatile functions (the planner
 * checks), so within one query equal input bytes give equal results, and
 * a result computed once may stand for every later row with the same
 * input.  That pays when the expression is dear and the column repeats
 * values without a dictionary encoding telling so (regexp_replace over a
 * high-cardinality URL column).  The cache is an open-addressing table of
 * (hash, key copy, result copy) in a memory context of its own; when the
 * copies pass the limit the whole cache is emptied at the start of the
 * next batch, so results handed out for the current batch stay valid.
 * After MEMO_PROBATION lookups, a cache that found fewer than a quarter of
 * them says it does not pay, and agg_input.c stops using it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/datum.h"
#include "utils/memutils.h"

#include "agg/agg_memo.h"

/* Lookups after which a cache must have found a quarter to stay on. */
#define MEMO_PROBATION 65536

/* Smallest table; it doubles when half full. */
#define MEMO_MIN_SIZE 1024

typedef struct MemoEntry
{
	uint32		hash;
	bool		used;
	bool		isnull;
	struct varlena *key;		/* a copy, 4-byte header */
	Datum		result;			/* a copy when by reference */
} MemoEntry;

struct AggMemo
{
	MemoryContext context;		/* keys, results and the table */
	Size		limit;
	int16		typlen;
	bool		typbyval;
	MemoEntry  *entries;
	uint32		size;			/* a power of two */
	uint32		used;
	bool		full;			/* empty it at the next batch */
	uint64		lookups;
	uint64		found;
};

/* Allocates an empty table of size entries. */
static void
memo_alloc(AggMemo *memo, uint32 size)
{
	memo->entries = MemoryContextAllocZero(memo->context,
										   sizeof(MemoEntry) * size);
	memo->size = size;
	memo->used = 0;
}

AggMemo *
AggMemoCreate(MemoryContext parent, Size limit, int16 typlen, bool typbyval)
{
	AggMemo    *memo = MemoryContextAllocZero(parent, sizeof(AggMemo));

	memo->context = AllocSetContextCreate(parent, "olap_ext expression cache",
										  ALLOCSET_DEFAULT_SIZES);
	memo->limit = limit;
	memo->typlen = typlen;
	memo->typbyval = typbyval;
	memo_alloc(memo, MEMO_MIN_SIZE);
	return memo;
}

void
AggMemoStartBatch(AggMemo *memo)
{
	if (!memo->full)
		return;
	MemoryContextReset(memo->context);
	memo_alloc(memo, MEMO_MIN_SIZE);
	memo->full = false;
}

/* The entry of key with hash: its own, or the free one it would take. */
static MemoEntry *
memo_slot(AggMemo *memo, const struct varlena *key, uint32 hash)
{
	Size		len = VARSIZE_ANY_EXHDR(key);
	uint32		mask = memo->size - 1;
	uint32		b;

	for (b = hash & mask;; b = (b + 1) & mask)
	{
		MemoEntry  *e = &memo->entries[b];

		if (!e->used)
			return e;
		if (e->hash == hash && VARSIZE(e->key) - VARHDRSZ == len &&
			memcmp(VARDATA(e->key), VARDATA_ANY(key), len) == 0)
			return e;
	}
}

bool
AggMemoFind(AggMemo *memo, const struct varlena *key, uint32 *hash,
			Datum *result, bool *isnull)
{
	MemoEntry  *e;

	*hash = hash_bytes((const unsigned char *) VARDATA_ANY(key),
					   VARSIZE_ANY_EXHDR(key));
	memo->lookups++;
	e = memo_slot(memo, key, *hash);
	if (!e->used)
		return false;
	memo->found++;
	*result = e->result;
	*isnull = e->isnull;
	return true;
}

/* Doubles the table, keeping its entries. */
static void
memo_grow(AggMemo *memo)
{
	MemoEntry  *old = memo->entries;
	uint32		oldsize = memo->size;
	uint32		i;

	memo_alloc(memo, oldsize * 2);
	for (i = 0; i < oldsize; i++)
	{
		MemoEntry  *e;

		if (!old[i].used)
			continue;
		e = memo_slot(memo, old[i].key, old[i].hash);
		*e = old[i];
		memo->used++;
	}
	pfree(old);
}

Datum
AggMemoAdd(AggMemo *memo, const struct varlena *key, uint32 hash,
		   Datum result, bool isnull)
{
	MemoryContext oldcxt;
	MemoEntry  *e;
	Size		len = VARSIZE_ANY_EXHDR(key);
	Datum		copy;

	if (memo->full)
		return result;			/* the caller's copy is valid for the batch */
	oldcxt = MemoryContextSwitchTo(memo->context);
	e = memo_slot(memo, key, hash);
	e->key = palloc(len + VARHDRSZ);
	SET_VARSIZE(e->key, len + VARHDRSZ);
	memcpy(VARDATA(e->key), VARDATA_ANY(key), len);
	e->hash = hash;
	e->isnull = isnull;
	e->result = isnull ? (Datum) 0 :
		datumCopy(result, memo->typbyval, memo->typlen);
	e->used = true;
	copy = e->result;
	MemoryContextSwitchTo(oldcxt);
	if (++memo->used * 2 > memo->size)
		memo_grow(memo);
	if (MemoryContextMemAllocated(memo->context, true) > memo->limit)
		memo->full = true;
	return copy;
}

bool
AggMemoPays(AggMemo *memo)
{
	return memo->lookups < MEMO_PROBATION || memo->found * 4 >= memo->lookups;
}
