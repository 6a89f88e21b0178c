/*-------------------------------------------------------------------------
 *
 * write_state.h
 *	  Per-transaction buffered writes of olap tables: when they are
 *	  flushed, and what happens to them on (sub)transaction commit and abort.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_WRITE_STATE_H
#define OLAP_WRITE_STATE_H

#include "executor/tuptable.h"
#include "storage/relfilenode.h"
#include "utils/rel.h"

extern void WriteStateInit(void);
extern void WriteStateInsert(Relation rel, TupleTableSlot *slot, CommandId cid);
extern void WriteStateFlushRelation(Relation rel);
extern void WriteStateFlushForRead(Relation rel);
extern void WriteStateFlushRelid(Oid relid);
extern void WriteStateDiscard(RelFileNode node);
extern bool WriteStateAnyPending(void);

#endif							/* OLAP_WRITE_STATE_H */
