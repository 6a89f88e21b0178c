/*-------------------------------------------------------------------------
 *
 * cdc_api.c
 *	  Starting and stopping sync workers for the SQL API of syncs.
 *
 * The SQL functions olap.create_sync, pause_sync, resume_sync and
 * drop_sync (olap_ext--0.1.sql) keep the definitions in olap.sync and call
 * two helpers here:
 *
 * - olap._sync_launch(id) asks for a worker when the calling transaction
 *   commits (a worker started earlier would not see the uncommitted row),
 *   unless one is running.  A running worker holds the sync's advisory
 *   lock (CdcSyncLockTag) for its whole life, which is how we tell.
 *
 * - olap._sync_stop(id) signals the worker holding that lock and waits
 *   until it has exited, then keeps the lock until the transaction ends:
 *   a worker the postmaster restarts meanwhile waits for it and then sees
 *   the committed state (paused, or the sync gone) and exits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/memutils.h"

#include "cdc/cdc.h"
#include "guc.h"

PG_FUNCTION_INFO_V1(olap_sync_launch);
PG_FUNCTION_INFO_V1(olap_sync_stop);

/* syncs whose worker to start when the transaction commits */
static List *pending_launches = NIL;

/* Fills tag with the advisory lock of sync id in this database. */
void
CdcSyncLockTag(LOCKTAG *tag, int32 id)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, CDC_LOCK_CLASS, (uint32) id, 3);
}

/* Registers a dynamic background worker for sync id of this database. */
static void
start_worker(int32 id)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
		BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = CDC_WORKER_RESTART_SECONDS;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "olap_ext");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "OlapSyncWorkerMain");
	snprintf(worker.bgw_name, BGW_MAXLEN, "olap_ext sync %d", id);
	snprintf(worker.bgw_type, BGW_MAXLEN, "olap_ext cdc");
	worker.bgw_main_arg = Int32GetDatum(id);
	memcpy(worker.bgw_extra, &MyDatabaseId, sizeof(Oid));
	worker.bgw_notify_pid = 0;

	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		ereport(WARNING,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start the worker of olap sync %d", id),
				 errhint("Raise max_worker_processes, then call olap.resume_sync().")));
}

/* Starts the workers asked for by a committed transaction. */
static void
cdc_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			foreach(lc, pending_launches)
				start_worker(lfirst_int(lc));
			list_free(pending_launches);
			pending_launches = NIL;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			list_free(pending_launches);
			pending_launches = NIL;
			break;
		default:
			break;
	}
}

/* Sets up the commit-time start of workers; called from _PG_init. */
void
CdcInit(void)
{
	RegisterXactCallback(cdc_xact_callback, NULL);
}

/*
 * olap._sync_launch(sync_id int): start the sync's worker at commit unless
 * one is running.  Returns whether a start was asked for.
 */
Datum
olap_sync_launch(PG_FUNCTION_ARGS)
{
	int32		id = PG_GETARG_INT32(0);
	LOCKTAG		tag;
	MemoryContext old;

	if (!olap_preloaded)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("olap_ext must be loaded via shared_preload_libraries to run syncs")));
	CdcSyncLockTag(&tag, id);
	if (LockAcquire(&tag, ExclusiveLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
		PG_RETURN_BOOL(false);
	/* not running; release so the worker started at commit can take it */
	LockRelease(&tag, ExclusiveLock, false);

	old = MemoryContextSwitchTo(TopMemoryContext);
	pending_launches = list_append_unique_int(pending_launches, id);
	MemoryContextSwitchTo(old);
	PG_RETURN_BOOL(true);
}

/*
 * Process id of another backend holding the lock tag, or 0.  The lock
 * table is searched like pg_locks does: a worker holds the lock as a
 * session lock outside any transaction, which GetLockConflicts does not
 * report.
 */
static int
lock_holder_pid(LOCKTAG *tag)
{
	LockData   *data = GetLockStatusData();
	int			pid = 0;

	for (int i = 0; i < data->nelements; i++)
	{
		LockInstanceData *inst = &data->locks[i];

		if (inst->holdMask != 0 && inst->pid != MyProcPid &&
			memcmp(&inst->locktag, tag, sizeof(LOCKTAG)) == 0)
		{
			pid = inst->pid;
			break;
		}
	}
	return pid;
}

/*
 * olap._sync_stop(sync_id int): stops the sync's worker if one runs and
 * keeps it from running until the transaction ends.  Returns whether a
 * worker was stopped.
 */
Datum
olap_sync_stop(PG_FUNCTION_ARGS)
{
	int32		id = PG_GETARG_INT32(0);
	LOCKTAG		tag;
	bool		stopped = false;

	CdcSyncLockTag(&tag, id);
	pending_launches = list_delete_int(pending_launches, id);
	while (LockAcquire(&tag, ExclusiveLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
	{
		int			pid = lock_holder_pid(&tag);

		if (pid != 0 && kill(pid, SIGTERM) == 0)
			stopped = true;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 10L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_BOOL(stopped);
}
