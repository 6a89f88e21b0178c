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
 * refused before it creates anything.  After a manual VACUUM (not FULL) of
 * named olap tables, further compaction passes run in transactions of their
 * own while they make progress (compaction.c), so the space the first pass
 * freed is reused and truncated by the same command.
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
#include "access/table.h"
#include "access/xact.h"
#include "commands/defrem.h"
#include "utils/snapmgr.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_class.h"
#include "executor/executor.h"
#include "catalog/namespace.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "storage/am_handler.h"
#include "storage/compaction.h"
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
static void compact_after_vacuum(VacuumStmt *stmt);
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

	if (IsA(parsetree, VacuumStmt) && context == PROCESS_UTILITY_TOPLEVEL)
		compact_after_vacuum((VacuumStmt *) parsetree);
}

/* Most extra compaction passes a manual VACUUM runs per table. */
#define OLAP_VACUUM_EXTRA_PASSES 4

/*
 * Runs further compaction passes over the olap tables a plain VACUUM named,
 * each in a transaction of its own, until one makes no progress.  VACUUM
 * has just committed its own work and left a fresh transaction open, which
 * is committed here and replaced at the end, as VACUUM itself does.
 */
static void
compact_after_vacuum(VacuumStmt *stmt)
{
	List	   *relids = NIL;
	bool		verbose = false;
	ListCell   *lc;
	MemoryContext old;

	if (!stmt->is_vacuumcmd || !IsTransactionState() || IsTransactionBlock())
		return;
	foreach(lc, stmt->options)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);

		if (strcmp(opt->defname, "full") == 0 && defGetBoolean(opt))
			return;
		if (strcmp(opt->defname, "verbose") == 0)
			verbose = defGetBoolean(opt);
	}
	/* the list must outlive the transactions below */
	old = MemoryContextSwitchTo(PortalContext);
	foreach(lc, stmt->rels)
	{
		VacuumRelation *vrel = (VacuumRelation *) lfirst(lc);
		Oid			relid = vrel->relation != NULL ?
			RangeVarGetRelid(vrel->relation, NoLock, true) : vrel->oid;

		if (OidIsValid(relid) && get_rel_relkind(relid) == RELKIND_RELATION)
			relids = lappend_oid(relids, relid);
	}
	MemoryContextSwitchTo(old);
	if (relids == NIL)
		return;

	CommitTransactionCommand();
	foreach(lc, relids)
	{
		Oid			relid = lfirst_oid(lc);
		int			pass;

		for (pass = 0; pass < OLAP_VACUUM_EXTRA_PASSES; pass++)
		{
			Relation	rel;
			CompactionResult result;
			bool		progress = false;

			StartTransactionCommand();
			PushActiveSnapshot(GetTransactionSnapshot());
			rel = try_relation_open(relid, ShareUpdateExclusiveLock);
			if (rel != NULL)
			{
				if (IsOlapRelation(rel))
				{
					OlapCompact(rel, &result);
					if (CompactionMadeProgress(&result))
						CompactionReport(rel, &result, verbose ? INFO : DEBUG2);
					progress = CompactionMadeProgress(&result);
				}
				relation_close(rel, ShareUpdateExclusiveLock);
			}
			PopActiveSnapshot();
			CommitTransactionCommand();
			if (!progress)
				break;
		}
	}
	StartTransactionCommand();
	list_free(relids);
}
