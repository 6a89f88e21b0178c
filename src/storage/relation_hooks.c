/*-------------------------------------------------------------------------
 *
 * relation_hooks.c
 *	  Hooks that keep olap metadata and buffered writes in step with what
 *	  happens to tables outside the table AM callbacks.
 *
 * object_access_hook (OAT_DROP): when an olap table is dropped, its stripe
 * metadata and options rows are deleted in the dropping transaction (so a
 * rolled-back DROP keeps them), and its buffered rows are discarded.  The
 * catalogs may already be gone when the whole extension is being dropped;
 * then there is nothing to clean.
 *
 * ExecutorStart_hook: before a query runs, rows this transaction buffered
 * for tables the query reads are flushed, so the query's snapshot sees them
 * and parallel workers (which cannot see another backend's buffers) read
 * them from disk.  A table that is only the target of an INSERT is left
 * alone, so a transaction of many single-row INSERTs still fills stripes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "nodes/parsenodes.h"
#include "utils/rel.h"

#include "storage/am_handler.h"
#include "storage/metapage.h"
#include "storage/relation_hooks.h"
#include "storage/stripe_catalog.h"
#include "storage/table_options.h"
#include "storage/write_state.h"

static object_access_hook_type prev_object_access_hook = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;

static void olap_object_access_hook(ObjectAccessType access, Oid classId,
									Oid objectId, int subId, void *arg);
static void olap_ExecutorStart(QueryDesc *queryDesc, int eflags);

void
RelationHooksInit(void)
{
	prev_object_access_hook = object_access_hook;
	object_access_hook = olap_object_access_hook;
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = olap_ExecutorStart;
}

static void
olap_object_access_hook(ObjectAccessType access, Oid classId, Oid objectId,
						int subId, void *arg)
{
	if (prev_object_access_hook)
		prev_object_access_hook(access, classId, objectId, subId, arg);

	if (access == OAT_DROP && classId == RelationRelationId && subId == 0)
	{
		Relation	rel = try_relation_open(objectId, AccessExclusiveLock);

		if (rel == NULL)
			return;
		if (rel->rd_rel->relkind == RELKIND_RELATION && IsOlapRelation(rel))
		{
			WriteStateDiscard(rel->rd_node);
			if (OlapCatalogsExist())
			{
				uint64		storage_id = MetapageStorageId(rel);

				if (storage_id != 0)
					StripeCatalogDeleteStorage(storage_id);
			}
			TableOptionsDelete(objectId);
		}
		relation_close(rel, NoLock);
	}
}

static void
olap_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (WriteStateAnyPending() && !(eflags & EXEC_FLAG_EXPLAIN_ONLY))
	{
		ListCell   *lc;

		foreach(lc, queryDesc->plannedstmt->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);

			if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_RELATION)
				continue;
			if (rte->requiredPerms == ACL_INSERT)
				continue;
			WriteStateFlushRelid(rte->relid);
		}
	}

	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}
