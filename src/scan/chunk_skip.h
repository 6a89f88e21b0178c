/*-------------------------------------------------------------------------
 *
 * chunk_skip.h
 *	  Skipping chunk groups whose min/max, value sets or null counts show
 *	  they hold no matching row.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_CHUNK_SKIP_H
#define OLAP_CHUNK_SKIP_H

#include "nodes/execnodes.h"
#include "utils/rel.h"

#include "storage/stripe_catalog.h"

typedef struct ChunkSkipState ChunkSkipState;

extern ChunkSkipState *ChunkSkipInit(List *quals, Index scanrelid,
									 Relation rel, PlanState *ps);
extern ChunkSkipState *ChunkSkipInitConstant(List *quals, Index scanrelid,
											  Relation rel, bool *all_constant);
extern bool ChunkSkipQualColumn(Expr *qual, Index scanrelid, Relation rel,
								AttrNumber *attnum, int *strategy);
extern int	ChunkSkipKeyCount(ChunkSkipState *state);
extern bool ChunkSkipGroupMayMatch(void *state, const StripeMeta *stripe,
								   const ChunkGroupMeta *group);
extern void ChunkSkipReset(ChunkSkipState *state);
extern List *ChunkSkipDescribe(ChunkSkipState *state, Relation rel);

#endif							/* OLAP_CHUNK_SKIP_H */
