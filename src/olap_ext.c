/*-------------------------------------------------------------------------
 *
 * olap_ext.c
 *	  Entry point of the olap_ext shared library.
 *
 * _PG_init only dispatches to the Init function of each part; the parts own
 * their hooks, callbacks and settings.  The library must be listed in
 * shared_preload_libraries so that the transaction callbacks that flush and
 * discard buffered writes are registered in every backend before any olap
 * table is touched.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "cdc/cdc.h"
#include "agg/olap_agg.h"
#include "guc.h"
#include "rollup/rollup.h"
#include "scan/join_filter.h"
#include "scan/olap_scan.h"
#include "storage/chunk_meta_cache.h"
#include "storage/relation_hooks.h"
#include "storage/write_state.h"
#include "worker/worker.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* True once _PG_init ran inside the postmaster (shared_preload_libraries). */
bool		olap_preloaded = false;

void
_PG_init(void)
{
	olap_preloaded = process_shared_preload_libraries_in_progress;

	OlapGucInit();
	WriteStateInit();
	ChunkMetaCacheInit();
	RelationHooksInit();
	OlapScanInit();
	OlapJoinFilterInit();
	CdcInit();
	OlapWorkerInit();
	RollupInit();
	OlapAggInit();
}
