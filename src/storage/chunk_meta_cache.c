/*-------------------------------------------------------------------------
 *
 * chunk_meta_cache.c
 *	  A backend-local cache of the chunk group and chunk metadata of stripes.
 *
 * Opening a stripe for a scan reads one olap.chunk_group row per chunk group
 * and one olap.chunk row per column and chunk group: for a wide table that
 * is thousands of index fetches per stripe, repeated by every query.  Those
 * rows never change once written: the transaction that writes a stripe
 * inserts them together with its olap.stripe row, nothing updates them,
 * and compaction replaces a stripe by new stripes with new numbers (stripe
 * numbers come from the metapage and are never reused, storage ids from a
 * sequence).  So a stripe's metadata, read once under a snapshot that sees
 * the stripe, is also the metadata every later snapshot that sees the
 * stripe would read.  Which stripes a scan reads still comes from
 * olap.stripe under the scan's snapshot (StripeCatalogList), and deletions
 * from olap.row_mask; only the per-stripe metadata is served from here.
 *
 * The cache is keyed by (storage id, stripe number) and bounded by
 * olap.chunk_metadata_cache_size; the least recently used stripes not in
 * use are dropped first.  A reader pins the entry of its current stripe
 * (ChunkMetaCacheLoad .. ChunkMetaCacheRelease), so an entry is never freed
 * under a scan; pins are forgotten at the end of the transaction, when no
 * scan is left.
 *
 * Everything is dropped when olap.chunk or olap.chunk_group gets a relcache
 * invalidation: when the extension is dropped (a recreated extension
 * restarts the storage id sequence), and when someone changes those tables
 * by hand, which their statement triggers (olap.chunk_metadata_changed)
 * turn into such an invalidation for every backend.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "lib/ilist.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#include "guc.h"
#include "storage/chunk_meta_cache.h"

typedef struct CacheKey
{
	uint64		storage_id;
	uint64		stripe_num;
} CacheKey;

struct CachedStripe
{
	CacheKey	key;
	MemoryContext ctx;			/* holds groups and their chunks */
	ChunkGroupMeta *groups;
	Size		size;
	int			pins;			/* readers using groups */
	bool		in_table;		/* false: dropped, freed when unpinned */
	dlist_node	node;			/* in lru while in_table, else in unlisted */
};

typedef struct CacheEntry
{
	CacheKey	key;			/* hash key, first */
	CachedStripe *stripe;
} CacheEntry;

static MemoryContext cache_context = NULL;
static HTAB *cache_table = NULL;
static dlist_head lru = DLIST_STATIC_INIT(lru);	/* least recent first */
static dlist_head unlisted = DLIST_STATIC_INIT(unlisted);	/* pinned, not
															 * in the table */
static Size cache_size = 0;

/* the catalogs whose invalidation empties the cache; InvalidOid: unknown */
static Oid	chunk_relid = InvalidOid;
static Oid	chunk_group_relid = InvalidOid;

PG_FUNCTION_INFO_V1(olap_chunk_metadata_changed);

static void
free_stripe(CachedStripe *cached)
{
	MemoryContextDelete(cached->ctx);
	pfree(cached);
}

/* Takes cached out of the table; it is freed now or when unpinned. */
static void
drop_stripe(CachedStripe *cached)
{
	Assert(cached->in_table);
	hash_search(cache_table, &cached->key, HASH_REMOVE, NULL);
	dlist_delete(&cached->node);
	cached->in_table = false;
	cache_size -= cached->size;
	if (cached->pins == 0)
		free_stripe(cached);
	else
		dlist_push_tail(&unlisted, &cached->node);
}

static void
drop_all(void)
{
	dlist_mutable_iter iter;

	dlist_foreach_modify(iter, &lru)
		drop_stripe(dlist_container(CachedStripe, node, iter.cur));
	chunk_relid = InvalidOid;
	chunk_group_relid = InvalidOid;
}

/* Drops unpinned stripes, least recently used first, until under limit. */
static void
shrink_to(Size limit)
{
	dlist_mutable_iter iter;

	dlist_foreach_modify(iter, &lru)
	{
		CachedStripe *cached = dlist_container(CachedStripe, node, iter.cur);

		if (cache_size <= limit)
			break;
		if (cached->pins == 0)
			drop_stripe(cached);
	}
}

static void
relcache_callback(Datum arg, Oid relid)
{
	if (cache_table == NULL || dlist_is_empty(&lru))
		return;
	if (relid == InvalidOid || relid == chunk_relid ||
		relid == chunk_group_relid)
		drop_all();
}

/* No scan outlives its transaction: forget their pins. */
static void
xact_callback(XactEvent event, void *arg)
{
	dlist_mutable_iter iter;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT)
		return;
	if (cache_table == NULL)
		return;
	dlist_foreach_modify(iter, &lru)
		dlist_container(CachedStripe, node, iter.cur)->pins = 0;
	dlist_foreach_modify(iter, &unlisted)
	{
		dlist_delete(iter.cur);
		free_stripe(dlist_container(CachedStripe, node, iter.cur));
	}
	shrink_to((Size) olap_chunk_metadata_cache_size * 1024);
}

void
ChunkMetaCacheInit(void)
{
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
	RegisterXactCallback(xact_callback, NULL);
}

static void
create_table(void)
{
	HASHCTL		ctl;

	cache_context = AllocSetContextCreate(TopMemoryContext,
										  "olap_ext chunk metadata cache",
										  ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(CacheKey);
	ctl.entrysize = sizeof(CacheEntry);
	ctl.hcxt = cache_context;
	cache_table = hash_create("olap_ext chunk metadata cache", 256, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * The pinned entry of stripe, with stripe->groups set, when it is cached;
 * NULL otherwise.  The cache must be on.
 */
static CachedStripe *
find_cached(uint64 storage_id, StripeMeta *stripe)
{
	CacheKey	key;
	CacheEntry *entry;
	Oid			chunk_now;

	if (cache_table == NULL)
		create_table();

	/* entries made under an earlier instance of the extension are void */
	chunk_now = OlapCatalogRelid("chunk");
	if (chunk_now != chunk_relid)
	{
		drop_all();
		chunk_relid = chunk_now;
		chunk_group_relid = OlapCatalogRelid("chunk_group");
	}

	memset(&key, 0, sizeof(key));
	key.storage_id = storage_id;
	key.stripe_num = stripe->stripe_num;
	entry = hash_search(cache_table, &key, HASH_FIND, NULL);
	if (entry == NULL)
		return NULL;
	dlist_move_tail(&lru, &entry->stripe->node);
	entry->stripe->pins++;
	stripe->groups = entry->stripe->groups;
	return entry->stripe;
}

/*
 * Like ChunkMetaCacheLoad, but only from the cache: NULL, with nothing
 * loaded, when stripe is not cached or the cache is off.  For the planner,
 * which must not read the catalogs per stripe for every plan.
 */
CachedStripe *
ChunkMetaCacheFind(uint64 storage_id, StripeMeta *stripe)
{
	Assert(stripe->groups == NULL);
	if (olap_chunk_metadata_cache_size == 0)
		return NULL;
	return find_cached(storage_id, stripe);
}

/*
 * Sets stripe->groups to the metadata of stripe (listed under snapshot,
 * groups not loaded), from the cache or read from the catalogs and cached.
 * The result stays valid until ChunkMetaCacheRelease or the end of the
 * transaction; the caller must not change it.  Returns NULL, with groups
 * loaded into CurrentMemoryContext, when the cache is off.
 */
CachedStripe *
ChunkMetaCacheLoad(uint64 storage_id, StripeMeta *stripe, Snapshot snapshot)
{
	Size		limit = (Size) olap_chunk_metadata_cache_size * 1024;
	CacheKey	key;
	CacheEntry *entry;
	CachedStripe *cached;
	bool		found;
	MemoryContext old;
	Oid			chunk_now;

	Assert(stripe->groups == NULL);
	if (limit == 0)
	{
		if (cache_table != NULL && !dlist_is_empty(&lru))
			shrink_to(0);
		StripeCatalogLoadGroups(storage_id, stripe, snapshot);
		return NULL;
	}
	if ((cached = find_cached(storage_id, stripe)) != NULL)
		return cached;
	chunk_now = chunk_relid;
	memset(&key, 0, sizeof(key));
	key.storage_id = storage_id;
	key.stripe_num = stripe->stripe_num;

	cached = MemoryContextAllocZero(cache_context, sizeof(CachedStripe));
	cached->key = key;
	cached->ctx = AllocSetContextCreate(cache_context,
										"olap_ext cached stripe metadata",
										ALLOCSET_SMALL_SIZES);
	PG_TRY();
	{
		old = MemoryContextSwitchTo(cached->ctx);
		StripeCatalogLoadGroups(storage_id, stripe, snapshot);
		MemoryContextSwitchTo(old);
	}
	PG_CATCH();
	{
		free_stripe(cached);
		PG_RE_THROW();
	}
	PG_END_TRY();
	cached->groups = stripe->groups;
	cached->size = MemoryContextMemAllocated(cached->ctx, true);
	cached->pins = 1;

	/* loading may have taken invalidations that emptied the cache */
	if (chunk_relid != chunk_now || cached->size > limit / 4)
	{
		/* not kept: freed when released */
		dlist_push_tail(&unlisted, &cached->node);
		return cached;
	}

	entry = hash_search(cache_table, &key, HASH_ENTER, &found);
	Assert(!found);
	entry->stripe = cached;
	cached->in_table = true;
	dlist_push_tail(&lru, &cached->node);
	cache_size += cached->size;
	shrink_to(limit);
	return cached;
}

/* Ends a reader's use of the metadata ChunkMetaCacheLoad returned. */
void
ChunkMetaCacheRelease(CachedStripe *cached)
{
	if (cached == NULL)
		return;
	if (cached->pins > 0)
		cached->pins--;
	if (cached->pins == 0 && !cached->in_table)
	{
		dlist_delete(&cached->node);
		free_stripe(cached);
	}
}

/*
 * The statement trigger of olap.chunk and olap.chunk_group: a change made
 * to them by hand (the extension writes them without triggers) invalidates
 * every backend's cached metadata, at commit for the others.
 */
Datum
olap_chunk_metadata_changed(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("olap.chunk_metadata_changed() must be called as a trigger")));
	CacheInvalidateRelcacheByRelid(OlapCatalogRelid("chunk"));
	CacheInvalidateRelcacheByRelid(OlapCatalogRelid("chunk_group"));
	return PointerGetDatum(NULL);
}
