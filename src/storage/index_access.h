/*-------------------------------------------------------------------------
 *
 * index_access.h
 *	  Index support of the olap table access method: building indexes and
 *	  fetching rows by TID for index scans.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_INDEX_ACCESS_H
#define OLAP_INDEX_ACCESS_H

#include "access/tableam.h"
#include "nodes/execnodes.h"

#include "storage/stripe_reader.h"

extern IndexFetchTableData *OlapIndexFetchBegin(Relation rel);
extern void OlapIndexFetchReset(IndexFetchTableData *scan);
extern void OlapIndexFetchEnd(IndexFetchTableData *scan);
extern bool OlapIndexFetchTuple(IndexFetchTableData *scan, ItemPointer tid,
								Snapshot snapshot, TupleTableSlot *slot,
								bool *call_again, bool *all_dead);
extern bool OlapFetchRowVersion(Relation rel, ItemPointer tid, Snapshot snapshot,
								TupleTableSlot *slot);
extern double OlapIndexBuildScan(Relation table_rel, Relation index_rel,
								 IndexInfo *index_info,
								 StripeReader *scan_reader,
								 IndexBuildCallback callback,
								 void *callback_state);

#endif							/* OLAP_INDEX_ACCESS_H */
