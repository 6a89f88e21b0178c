/*-------------------------------------------------------------------------
 *
 * stripe_catalog.h
 *	  In-memory form of stripe metadata and its storage in the catalog
 *	  tables olap.stripe, olap.chunk_group and olap.chunk.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_STRIPE_CATALOG_H
#define OLAP_STRIPE_CATALOG_H

#include "access/skey.h"
#include "catalog/indexing.h"
#include "nodes/pg_list.h"
#include "storage/block.h"
#include "storage/itemptr.h"
#include "utils/snapshot.h"

/* One column of one chunk group. */
typedef struct ChunkMeta
{
	bool		present;		/* false: nothing stored (dropped column) */
	uint64		byte_offset;	/* from the start of the chunk group */
	uint64		byte_length;
	uint64		raw_bytes;		/* values in plain form */
	uint32		null_count;
	int16		encoding;		/* OlapEncoding */
	int16		compression;	/* OlapCompression */
	bytea	   *min_value;		/* serialised datum, NULL when unknown */
	bytea	   *max_value;
	Oid			minmax_type;	/* column type and collation min/max were */
	Oid			minmax_collation;	/* computed under */
	bytea	   *value_set;		/* distinct values (minmax.c), NULL when
								 * not kept; same type and collation */
} ChunkMeta;

typedef struct ChunkGroupMeta
{
	uint32		group_num;
	uint64		first_row_number;
	uint32		row_count;
	BlockNumber first_block;
	uint64		byte_length;
	uint32		dead_rows;		/* rows stored as NULLs because they were
								 * deleted when the group was written */
	ChunkMeta  *chunks;			/* column_count entries, by attnum - 1 */
} ChunkGroupMeta;

typedef struct StripeMeta
{
	uint64		stripe_num;
	uint64		row_count;
	uint32		chunk_group_count;
	uint32		column_count;	/* relation's natts when written */
	uint64		stored_bytes;
	uint64		raw_bytes;
	ChunkGroupMeta *groups;		/* NULL until StripeCatalogLoadGroups */
} StripeMeta;

extern void StripeCatalogInsert(uint64 storage_id, const StripeMeta *stripe,
								CommandId cid);
extern List *StripeCatalogList(uint64 storage_id, Snapshot snapshot);
extern void StripeCatalogLoadGroups(uint64 storage_id, StripeMeta *stripe,
									Snapshot snapshot);
extern StripeMeta *StripeCatalogFindRow(uint64 storage_id, uint64 row_number,
										Snapshot snapshot, uint32 *group_index);
extern bool StripeCatalogLocateRow(uint64 storage_id, uint64 row_number,
								   Snapshot snapshot, uint64 *stripe_num,
								   uint32 *group_num, uint64 *first_row_number,
								   uint32 *row_count, CommandId *my_insert_cid);
extern void StripeCatalogDeleteStorage(uint64 storage_id);
extern void StripeCatalogDeleteStripe(uint64 storage_id, uint64 stripe_num);
extern ItemPointerData ReservationInsert(uint64 storage_id, uint64 first,
										 uint64 count);
extern void ReservationDelete(const ItemPointerData *tids, int ntids);
extern bool ReservationFind(uint64 storage_id, uint64 row_number,
							Snapshot snapshot);
extern StripeMeta *StripeMetaCopy(const StripeMeta *stripe);

/* helpers shared by the modules that maintain olap.* catalog tables */
extern Oid	OlapCatalogRelid(const char *name);
extern void OlapCatalogInsert(Relation rel, CatalogIndexState indstate,
							  HeapTuple tup, CommandId cid);
extern void OlapCatalogIndexEntries(Relation rel, CatalogIndexState indstate,
									HeapTuple tup);
extern void OlapInitInt8Keys(ScanKeyData *key, int nkeys, const int64 *vals);
extern void OlapCatalogDeleteByKey(const char *catalog, int nkeys,
								   const int64 *keyvals);
extern bool OlapCatalogsExist(void);

#endif							/* OLAP_STRIPE_CATALOG_H */
