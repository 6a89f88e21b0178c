/*-------------------------------------------------------------------------
 *
 * row_locking.h
 *	  Concurrency control for changes to existing rows of olap tables:
 *	  the table modification lock and the state of a row to change.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_ROW_LOCKING_H
#define OLAP_ROW_LOCKING_H

#include "access/tableam.h"
#include "nodes/lockoptions.h"
#include "utils/rel.h"

#include "storage/delete_state.h"

extern bool OlapLockTableRows(Relation rel, LockTupleMode mode,
							  LockWaitPolicy wait_policy);
extern TransactionId OlapRowChangerXid(Relation rel);
extern bool OlapTryLockRowsForCompaction(Relation rel);
extern bool OlapLocateRow(Relation rel, uint64 row_number, RowLocation *loc);
extern bool OlapLocateRowLocked(Relation rel, uint64 row_number,
								RowLocation *loc);
extern TM_Result OlapRowState(Relation rel, const RowLocation *loc,
							  CommandId cid, TM_FailureData *tmfd,
							  uint64 *forward_row);

#endif							/* OLAP_ROW_LOCKING_H */
