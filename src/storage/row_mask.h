/*-------------------------------------------------------------------------
 *
 * row_mask.h
 *	  Deleted rows of a chunk group (olap.row_mask) and where updated rows
 *	  went.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_ROW_MASK_H
#define OLAP_ROW_MASK_H

#include "storage/itemptr.h"
#include "utils/snapshot.h"

#include "storage/stripe_catalog.h"

/* Forward pointer of a row moved to another partition by an UPDATE. */
#define OLAP_ROW_MOVED_PARTITIONS PG_UINT64_MAX

/* An updated row: its offset in the group, and its new row number. */
typedef struct RowForward
{
	uint32		offset;
	uint64		new_row;
} RowForward;

/* The deletions of one chunk group, as one version of olap.row_mask has them. */
typedef struct RowMask
{
	bool		exists;			/* false: no version visible, nothing deleted */
	uint32		row_count;
	uint32		deleted_count;
	uint8	   *bits;			/* bit i set: row i of the group is deleted */
	uint32		nforward;
	RowForward *forward;		/* sorted by offset */
	TransactionId xmin;			/* of the catalog row version */
	CommandId	cmin;
	ItemPointerData tid;
} RowMask;

static inline bool
RowMaskIsDeleted(const RowMask *mask, uint32 offset)
{
	return mask->bits != NULL && (mask->bits[offset / 8] & (1 << (offset % 8))) != 0;
}

/* Bumped by every row-mask write of this backend (caches check it). */
extern uint64 olap_row_mask_epoch;

extern RowMask *RowMaskLoadStripe(uint64 storage_id, const StripeMeta *stripe,
								  Snapshot snapshot);
extern void RowMaskLoadGroup(uint64 storage_id, uint64 stripe_num,
							 uint32 group_num, uint32 row_count,
							 Snapshot snapshot, RowMask *mask);
extern uint64 RowMaskDeletedCount(uint64 storage_id, Snapshot snapshot);
extern bool RowMaskForward(const RowMask *mask, uint32 offset, uint64 *new_row);
extern bool RowMaskApply(uint64 storage_id, uint64 stripe_num, uint32 group_num,
						 uint32 row_count, const uint8 *bits,
						 uint32 nforward, const RowForward *forward,
						 CommandId cid);

#endif							/* OLAP_ROW_MASK_H */
