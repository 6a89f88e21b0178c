/*-------------------------------------------------------------------------
 *
 * scan_topn.h
 *	  Top-N OlapScans: the bounded sort on the key columns of the first
 *	  pass, and the row numbers it keeps.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_SCAN_TOPN_H
#define OLAP_SCAN_TOPN_H

#include "access/tupdesc.h"
#include "nodes/pg_list.h"

#include "scan/batch.h"
#include "storage/stripe_catalog.h"

/*
 * Largest LIMIT + OFFSET a top-N path is offered for: the winners are
 * fetched one by one, which pays only for a few rows.
 */
#define OLAP_TOPN_MAX_ROWS 1000

typedef struct OlapTopN OlapTopN;

extern List *OlapTopNMakePrivate(int64 bound, List *attnums, List *sortops,
								 List *collations, List *nulls_first);
extern OlapTopN *OlapTopNBegin(List *topn_private, TupleDesc reldesc);
extern void OlapTopNKeyColumns(OlapTopN *topn, bool *columns);
extern void OlapTopNAdd(OlapTopN *topn, const OlapBatch *batch, uint32 row);

/*
 * False when no row of the chunk group can make the top any more: the
 * first key's min/max says every row sorts after the LIMIT best seen.
 */
extern bool OlapTopNGroupMayMatch(OlapTopN *topn, const StripeMeta *stripe,
								  const ChunkGroupMeta *group);
extern void OlapTopNFinish(OlapTopN *topn);
extern bool OlapTopNNextRow(OlapTopN *topn, uint64 *row_number);
extern void OlapTopNEnd(OlapTopN *topn);
extern char *OlapTopNDescribe(OlapTopN *topn, TupleDesc reldesc);

#endif							/* OLAP_SCAN_TOPN_H */
