/*-------------------------------------------------------------------------
 *
 * index_vacuum.h
 *	  VACUUM of the indexes of olap tables (entries of rows no snapshot
 *	  sees any more).
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_INDEX_VACUUM_H
#define OLAP_INDEX_VACUUM_H

#include "storage/bufmgr.h"
#include "utils/rel.h"

extern void OlapVacuumIndexes(Relation rel, BufferAccessStrategy bstrategy,
							  double live_rows, int elevel);

#endif							/* OLAP_INDEX_VACUUM_H */
