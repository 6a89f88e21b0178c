/*-------------------------------------------------------------------------
 *
 * delete_state.h
 *	  Rows this transaction deleted from olap tables, until and after they
 *	  are written to olap.row_mask.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_DELETE_STATE_H
#define OLAP_DELETE_STATE_H

#include "access/xact.h"
#include "storage/relfilenode.h"
#include "utils/rel.h"

struct RowMask;

/* Where a row lives: its chunk group and its offset in that group. */
typedef struct RowLocation
{
	uint64		storage_id;
	uint64		stripe_num;
	uint32		group_num;
	uint32		group_rows;
	uint64		first_row_number;
	uint32		offset;
	CommandId	my_insert_cid;	/* command of this transaction that wrote the
								 * group's metadata, or InvalidCommandId */
} RowLocation;

extern void DeleteStateAdd(Relation rel, const RowLocation *loc,
						   uint64 forward_row, CommandId cid);
extern bool DeleteStateDeletedByMe(RelFileNode node, const RowLocation *loc,
								   CommandId *cmax);
extern bool DeleteStateFlush(const RelFileNode *node);
extern void DeleteStateHideLaterDeletions(RelFileNode node, uint64 stripe_num,
										  uint32 group_num,
										  struct RowMask *mask);
extern bool DeleteStateAnyPending(void);
extern void DeleteStateDiscard(RelFileNode node);
extern void DeleteStateAtSubXact(SubXactEvent event, SubTransactionId mySubid,
								 SubTransactionId parentSubid);
extern void DeleteStateAtXactEnd(void);

#endif							/* OLAP_DELETE_STATE_H */
