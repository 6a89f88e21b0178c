/*-------------------------------------------------------------------------
 *
 * chunk_meta_cache.h
 *	  A backend-local cache of the chunk group and chunk metadata of stripes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_CHUNK_META_CACHE_H
#define OLAP_CHUNK_META_CACHE_H

#include "utils/snapshot.h"

#include "storage/stripe_catalog.h"

typedef struct CachedStripe CachedStripe;

extern void ChunkMetaCacheInit(void);
extern CachedStripe *ChunkMetaCacheLoad(uint64 storage_id, StripeMeta *stripe,
										Snapshot snapshot);
extern CachedStripe *ChunkMetaCacheFind(uint64 storage_id, StripeMeta *stripe);
extern void ChunkMetaCacheRelease(CachedStripe *cached);
extern Datum olap_chunk_metadata_changed(PG_FUNCTION_ARGS);

#endif							/* OLAP_CHUNK_META_CACHE_H */
