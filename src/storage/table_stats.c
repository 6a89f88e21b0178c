/*-------------------------------------------------------------------------
 *
 * table_stats.c
 *	  SQL-callable inspection of olap tables: olap.storage_id(), on which
 *	  the olap.table_stats, olap.stripes and olap.chunks views join.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "fmgr.h"
#include "utils/rel.h"

#include "storage/am_handler.h"
#include "storage/metapage.h"

PG_FUNCTION_INFO_V1(olap_storage_id);

/*
 * olap.storage_id(regclass): the storage id in the table's metapage; NULL
 * for a table that is not an olap table, no longer exists, or was never
 * written to.
 */
Datum
olap_storage_id(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Relation	rel = try_relation_open(relid, AccessShareLock);
	uint64		storage_id = 0;

	if (rel == NULL)
		PG_RETURN_NULL();
	if (rel->rd_rel->relkind == RELKIND_RELATION && IsOlapRelation(rel))
		storage_id = MetapageStorageIdLenient(rel);
	relation_close(rel, AccessShareLock);

	if (storage_id == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT64((int64) storage_id);
}
