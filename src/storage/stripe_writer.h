/*-------------------------------------------------------------------------
 *
 * stripe_writer.h
 *	  Buffers rows of one olap table column-wise and writes them out as
 *	  chunk groups and stripes.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_STRIPE_WRITER_H
#define OLAP_STRIPE_WRITER_H

#include "executor/tuptable.h"
#include "utils/rel.h"

#include "storage/stripe_catalog.h"

typedef struct StripeWriter StripeWriter;

/*
 * Writes a chunk group's bytes somewhere in rel's main fork and returns the
 * first block (a rewrite may reuse free pages; see compaction.c).
 */
typedef BlockNumber (*DataPlacementFn) (void *arg, Relation rel,
										const char *data, uint64 len);

/* A chunk group closes early once its buffered values reach this size. */
#define OLAP_CHUNK_GROUP_MAX_BYTES ((Size) 64 * 1024 * 1024)

extern StripeWriter *StripeWriterCreate(Relation rel, MemoryContext parent);
extern bool StripeWriterInsert(StripeWriter *writer, Relation rel,
							   TupleTableSlot *slot, CommandId cid);
extern StripeWriter *StripeWriterCreateRewrite(Relation rel, MemoryContext parent,
											   DataPlacementFn place,
											   void *place_arg);
extern bool StripeWriterInsertAt(StripeWriter *writer, Relation rel,
								 const Datum *values, const bool *nulls,
								 uint64 row_number, bool dead);
extern uint32 StripeWriterGroupRoom(StripeWriter *writer);
extern StripeMeta *StripeWriterFinishStripe(StripeWriter *writer, Relation rel,
											uint64 *storage_id);
extern bool StripeWriterHasRows(StripeWriter *writer);
extern int	StripeWriterReservations(StripeWriter *writer,
									 const ItemPointerData **tids);
extern CommandId StripeWriterMaxCid(StripeWriter *writer);
extern int	StripeWriterColumnCount(StripeWriter *writer);
extern void StripeWriterDestroy(StripeWriter *writer);

#endif							/* OLAP_STRIPE_WRITER_H */
