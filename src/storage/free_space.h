/*-------------------------------------------------------------------------
 *
 * free_space.h
 *	  Block ranges of an olap table that VACUUM compaction freed
 *	  (olap.free_range): recording them, reusing them, truncating them away.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_FREE_SPACE_H
#define OLAP_FREE_SPACE_H

#include "nodes/pg_list.h"
#include "storage/block.h"
#include "utils/rel.h"

/* A free range, as loaded by FreeSpaceLoadReusable. */
typedef struct FreeRange
{
	BlockNumber first_block;
	BlockNumber block_count;	/* blocks still free */
	BlockNumber orig_first;		/* the catalog row's key and size */
	BlockNumber orig_count;
} FreeRange;

extern void FreeSpaceRetire(uint64 storage_id, BlockNumber first_block,
							BlockNumber block_count);
extern List *FreeSpaceLoadReusable(Relation rel, uint64 storage_id);
extern BlockNumber FreeSpaceRecordOrphans(uint64 storage_id, BlockNumber nblocks);
extern BlockNumber FreeSpaceTake(List *ranges, BlockNumber blocks);
extern BlockNumber FreeSpaceTruncateTail(Relation rel, List *ranges);
extern void FreeSpaceSave(uint64 storage_id, List *ranges);

#endif							/* OLAP_FREE_SPACE_H */
