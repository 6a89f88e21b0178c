/*-------------------------------------------------------------------------
 *
 * cdc_drop.c
 *	  Removing what syncs own outside the database's catalogs: their
 *	  replication slots and origins, on olap.drop_sync, DROP EXTENSION
 *	  olap_ext and DROP DATABASE.
 *
 * A replication slot is not transactional: once dropped it is gone, even
 * if the transaction that dropped it rolls back.  So slots are dropped
 * last, and only by commands that cannot run inside a transaction block,
 * where nothing but the commit itself can fail afterwards (the same rule
 * as DROP SUBSCRIPTION with a slot):
 *
 * - olap.drop_sync calls olap._sync_drop_slot(slot) as its last step; it
 *   refuses to run inside a transaction block.
 *
 * - DROP EXTENSION olap_ext (ProcessUtility hook): when the database has
 *   syncs, it is refused inside a transaction block or a function; else
 *   their workers are stopped before the extension's objects are dropped
 *   and, once that succeeded, their origins (transactional, in the same
 *   transaction) and slots are dropped.
 *
 * - DROP DATABASE: a slot that a worker is using makes it fail, and
 *   dropdb drops the database's inactive slots itself.  So the hook
 *   terminates the sync workers of that database and waits until their
 *   slots are released, and drops the origins of its syncs (origins are
 *   cluster-wide; their names carry the database's OID) in the same
 *   transaction as the drop.  Should DROP DATABASE fail later (other
 *   sessions connected), the workers come back and carry on.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "pgstat.h"
#include "replication/origin.h"
#include "replication/slot.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "cdc/cdc.h"

/* how long DROP DATABASE waits for the sync workers of the database */
#define CDC_DROP_DATABASE_WAIT_MS 10000

PG_FUNCTION_INFO_V1(olap_sync_drop_slot);

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

/* Prefix of the names of the slots and origins of database dboid. */
static char *
sync_name_prefix(Oid dboid)
{
	return psprintf("olap_sync_%u_", dboid);
}

/*
 * Refuses to go on inside a transaction block or a function: what follows
 * drops replication slots, which a rollback would not bring back.
 */
static void
refuse_in_transaction_block(const char *what, bool is_top_level)
{
	if (!is_top_level || IsTransactionBlock() || IsSubTransaction())
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("%s cannot run inside a transaction block", what),
				 errdetail("It drops replication slots, which a rollback would not restore."),
				 errhint("Run it as a statement of its own.")));
}

/* Drops the slot named name if it exists, waiting while it is in use. */
static void
drop_slot_if_exists(const char *name)
{
	if (SearchNamedReplicationSlot(name, true) == NULL)
		return;
	ReplicationSlotDrop(name, false);
}

/*
 * olap._sync_drop_slot(slot name): drops the sync's slot (if it exists),
 * waiting until its worker released it.  The last step of
 * olap.drop_sync, which therefore cannot run inside a transaction block.
 */
Datum
olap_sync_drop_slot(PG_FUNCTION_ARGS)
{
	char	   *name = NameStr(*PG_GETARG_NAME(0));

	refuse_in_transaction_block("olap.drop_sync()", true);
	CheckSlotPermissions();
	drop_slot_if_exists(name);
	PG_RETURN_VOID();
}

/* Whether stmt is DROP EXTENSION naming olap_ext. */
static bool
drops_this_extension(Node *stmt)
{
	DropStmt   *drop;
	ListCell   *lc;

	if (!IsA(stmt, DropStmt))
		return false;
	drop = (DropStmt *) stmt;
	if (drop->removeType != OBJECT_EXTENSION)
		return false;
	foreach(lc, drop->objects)
	{
		if (strcmp(strVal(lfirst(lc)), "olap_ext") == 0)
			return true;
	}
	return false;
}

/* A sync as DROP EXTENSION sees it. */
typedef struct DroppedSync
{
	int32		id;
	char	   *slot_name;
	char	   *origin_name;
} DroppedSync;

/* The syncs of this database (olap_ext is installed). */
static List *
read_syncs(void)
{
	List	   *syncs = NIL;
	MemoryContext outer = CurrentMemoryContext;

	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	if (SPI_execute("SELECT sync_id, slot_name::text, origin_name FROM olap.sync",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read olap.sync");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(outer);
		DroppedSync *s = palloc(sizeof(DroppedSync));

		s->id = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
		s->slot_name = SPI_getvalue(tup, desc, 2);
		s->origin_name = SPI_getvalue(tup, desc, 3);
		syncs = lappend(syncs, s);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	PopActiveSnapshot();
	return syncs;
}

/*
 * Signals every process that runs a sync of database dboid (holds a sync
 * lock of that database, or one of its slots).  Returns how many are left.
 */
static int
signal_database_workers(Oid dboid, const char *prefix)
{
	LockData   *data = GetLockStatusData();
	int			left = 0;

	for (int i = 0; i < data->nelements; i++)
	{
		LockInstanceData *inst = &data->locks[i];

		if (inst->holdMask != 0 && inst->pid != MyProcPid &&
			inst->locktag.locktag_type == LOCKTAG_ADVISORY &&
			inst->locktag.locktag_field1 == dboid &&
			inst->locktag.locktag_field2 == CDC_LOCK_CLASS &&
			inst->locktag.locktag_field4 == 3)
		{
			(void) kill(inst->pid, SIGTERM);
			left++;
		}
	}

	LWLockAcquire(ReplicationSlotControlLock, LW_SHARED);
	for (int i = 0; i < max_replication_slots; i++)
	{
		ReplicationSlot *slot = &ReplicationSlotCtl->replication_slots[i];
		int			pid;

		if (!slot->in_use || slot->data.database != dboid ||
			strncmp(NameStr(slot->data.name), prefix, strlen(prefix)) != 0)
			continue;
		SpinLockAcquire(&slot->mutex);
		pid = slot->active_pid;
		SpinLockRelease(&slot->mutex);
		if (pid != 0)
		{
			(void) kill(pid, SIGTERM);
			left++;
		}
	}
	LWLockRelease(ReplicationSlotControlLock);
	return left;
}

/*
 * Before DROP DATABASE: terminates the sync workers of the database and
 * waits (at most CDC_DROP_DATABASE_WAIT_MS) until none is left, then drops
 * the origins of its syncs in the current transaction.
 */
static void
stop_database_syncs(Oid dboid)
{
	char	   *prefix = sync_name_prefix(dboid);
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   CDC_DROP_DATABASE_WAIT_MS);
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	List	   *origins = NIL;
	ListCell   *lc;

	while (signal_database_workers(dboid, prefix) > 0 &&
		   GetCurrentTimestamp() < deadline)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 10L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	/* origins are shared objects: find them by name from here */
	args[0] = CStringGetTextDatum(prefix);
	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	if (SPI_execute_with_args("SELECT roname FROM pg_catalog.pg_replication_origin "
							  "WHERE pg_catalog.starts_with(roname, $1)",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_replication_origin");
	for (uint64 i = 0; i < SPI_processed; i++)
		origins = lappend(origins,
						  MemoryContextStrdup(TopTransactionContext,
											  SPI_getvalue(SPI_tuptable->vals[i],
														   SPI_tuptable->tupdesc, 1)));
	SPI_finish();
	PopActiveSnapshot();
	foreach(lc, origins)
		replorigin_drop_by_name(lfirst(lc), true, false);
}

/*
 * DROP EXTENSION olap_ext and DROP DATABASE: see the file header.
 */
static void
olap_cdc_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
						bool readOnlyTree, ProcessUtilityContext context,
						ParamListInfo params, QueryEnvironment *queryEnv,
						DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;
	List	   *syncs = NIL;
	ListCell   *lc;

	if (IsA(stmt, DropdbStmt))
	{
		Oid			dboid = get_database_oid(((DropdbStmt *) stmt)->dbname, true);

		if (OidIsValid(dboid) && dboid != MyDatabaseId)
			stop_database_syncs(dboid);
	}
	else if (drops_this_extension(stmt) &&
			 OidIsValid(get_extension_oid("olap_ext", true)))
	{
		syncs = read_syncs();
		if (syncs != NIL)
		{
			refuse_in_transaction_block("DROP EXTENSION olap_ext with syncs",
										context == PROCESS_UTILITY_TOPLEVEL);
			foreach(lc, syncs)
				(void) CdcStopWorker(((DroppedSync *) lfirst(lc))->id);
		}
	}

	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
							params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);

	/* the extension is gone: so are its syncs' origins and slots */
	foreach(lc, syncs)
	{
		DroppedSync *s = lfirst(lc);

		replorigin_drop_by_name(s->origin_name, true, false);
		drop_slot_if_exists(s->slot_name);
		ereport(LOG,
				(errmsg("dropped replication slot \"%s\" of olap sync %d with extension olap_ext",
						s->slot_name, s->id)));
	}
}

/* Installs the hook; called from CdcInit. */
void
CdcDropInit(void)
{
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = olap_cdc_ProcessUtility;
}
