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
 * ProcessUtility_hook: CREATE INDEX CONCURRENTLY on an olap table is
 * refused before it creates anything.
 *
 * ExecutorEnd_hook: the rows a statement deleted or updated are written to
 * olap.row_mask when it ends (delete_state.c).
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
#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "catalog/namespace.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "storage/am_handler.h"
#include "storage/delete_state.h"
#include "storage/metapage.h"
#include "storage/relation_hooks.h"
#include "storage/stripe_catalog.h"
#include "storage/table_options.h"
#include "storage/write_state.h"

static object_access_hook_type prev_object_access_hook = NULL;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorEnd_hook_type prev_ExecutorEnd = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;

static void olap_object_access_hook(ObjectAccessType access, Oid classId,
									Oid objectId, int subId, void *arg);
static void olap_ExecutorStart(QueryDesc *queryDesc, int eflags);
static void olap_ExecutorEnd(QueryDesc *queryDesc);
static void olap_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
								bool readOnlyTree, ProcessUtilityContext context,
								ParamListInfo params, QueryEnvironment *queryEnv,
								DestReceiver *dest, QueryCompletion *qc);

void
RelationHooksInit(void)
{
	prev_object_access_hook = object_access_hook;
	object_access_hook = olap_object_access_hook;
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = olap_ExecutorStart;
	prev_ExecutorEnd = ExecutorEnd_hook;
	ExecutorEnd_hook = olap_ExecutorEnd;
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = olap_ProcessUtility;
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
			/* written first, so that a rolled-back DROP keeps them */
			WriteStateFlushForRead(rel);
			if (OlapCatalogsExist())
			{
				uint64		storage_id = MetapageStorageIdLenient(rel);

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

/*
 * Writes the row masks of the rows a modifying statement deleted or
 * updated.  Read-only queries (including those nested in a DELETE's
 * functions) leave them alone, so a statement's groups are normally written
 * once.  A group that was already written by the current command can only
 * be written again with a later command id: the command counter is then
 * advanced, so the next statement sees every deletion.
 */
static void
olap_ExecutorEnd(QueryDesc *queryDesc)
{
	bool		modifying = queryDesc->operation != CMD_SELECT;

	if (prev_ExecutorEnd)
		prev_ExecutorEnd(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);

	if (modifying && !DeleteStateFlush(NULL))
	{
		CommandCounterIncrement();
		DeleteStateFlush(NULL);
	}
}

/*
 * Refuses CREATE INDEX CONCURRENTLY on an olap table before the command
 * commits its first phase (which would leave an invalid index behind).
 */
static void
olap_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
					bool readOnlyTree, ProcessUtilityContext context,
					ParamListInfo params, QueryEnvironment *queryEnv,
					DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;

	if (IsA(parsetree, IndexStmt) && ((IndexStmt *) parsetree)->concurrent)
	{
		IndexStmt  *stmt = (IndexStmt *) parsetree;
		Oid			relid = RangeVarGetRelid(stmt->relation, NoLock, true);

		if (OidIsValid(relid) && get_rel_relkind(relid) == RELKIND_RELATION)
		{
			Relation	rel = relation_open(relid, AccessShareLock);
			bool		olap = IsOlapRelation(rel);

			relation_close(rel, AccessShareLock);
			if (olap)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("CREATE INDEX CONCURRENTLY is not supported on olap tables"),
						 errhint("Use CREATE INDEX without CONCURRENTLY.")));
		}
	}

	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
							queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}
