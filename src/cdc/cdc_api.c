/*-------------------------------------------------------------------------
 *
 * cdc_api.c
 *	  Starting and stopping sync workers for the SQL API of syncs.
 *
 * The SQL functions olap.create_sync, pause_sync, resume_sync and
 * drop_sync (src/sql/40_cdc.sql) keep the definitions in olap.sync and call
 * two helpers here:
 *
 * - olap._sync_launch(id) asks for a worker when the calling transaction
 *   commits (a worker started earlier would not see the uncommitted row),
 *   unless one is running.  A running worker holds the sync's advisory
 *   lock (CdcSyncLockTag) for its whole life, which is how we tell.
 *
 * - olap._sync_stop(id) signals the worker holding that lock and waits
 *   until it has exited, then keeps the lock until the transaction ends:
 *   a worker started meanwhile waits for it and then sees the committed
 *   state (paused, or the sync gone) and exits.
 *
 * The duty "supervise sync workers", run by the maintenance worker of each
 * database (src/worker/), starts the worker of every active sync that has
 * none: after a server restart, and after a worker failed (workers are not
 * restarted by the postmaster).  Restarts of one sync back off from 1 s,
 * doubling up to CDC_MAX_BACKOFF_MS, until its worker is seen running.
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
#include "executor/spi.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "cdc/cdc.h"
#include "guc.h"
#include "worker/worker.h"

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
	worker.bgw_restart_time = BGW_NEVER_RESTART;	/* the duty restarts */
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

/* Restart backoff of one sync, in the maintenance worker. */
typedef struct SyncBackoff
{
	int32		id;
	long		delay_ms;		/* 0: the worker was seen running */
	TimestampTz next_start;
} SyncBackoff;

static SyncBackoff *backoffs = NULL;
static int	nbackoffs = 0;

static SyncBackoff *
backoff_for(int32 id)
{
	for (int i = 0; i < nbackoffs; i++)
		if (backoffs[i].id == id)
			return &backoffs[i];
	if (backoffs == NULL)
		backoffs = MemoryContextAlloc(TopMemoryContext, sizeof(SyncBackoff));
	else
		backoffs = repalloc(backoffs, sizeof(SyncBackoff) * (nbackoffs + 1));
	memset(&backoffs[nbackoffs], 0, sizeof(SyncBackoff));
	backoffs[nbackoffs].id = id;
	return &backoffs[nbackoffs++];
}

/* Whether a worker of sync id runs (holds or waits for its lock). */
static bool
worker_running(int32 id)
{
	LOCKTAG		tag;

	CdcSyncLockTag(&tag, id);
	if (LockAcquire(&tag, ExclusiveLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
		return true;
	LockRelease(&tag, ExclusiveLock, false);
	return false;
}

/*
 * The duty: starts the missing workers of active syncs (see the file
 * header).  Runs in the maintenance worker's transaction.  Returns when it
 * wants to run again.
 */
static long
supervise_sync_workers(bool first_call)
{
	TimestampTz now = GetCurrentTimestamp();
	long		wait_ms = OLAP_DUTY_NAPTIME;

	SPI_connect();
	if (SPI_execute("SELECT sync_id FROM olap.sync WHERE state = 'active' "
					"ORDER BY sync_id", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read olap.sync");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int32		id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
													 SPI_tuptable->tupdesc,
													 1, &isnull));
		SyncBackoff *b = backoff_for(id);

		if (worker_running(id))
		{
			b->delay_ms = 0;
			continue;
		}
		if (b->delay_ms > 0 && now < b->next_start)
		{
			long		left = TimestampDifferenceMilliseconds(now, b->next_start);

			wait_ms = wait_ms == OLAP_DUTY_NAPTIME ? left : Min(wait_ms, left);
			continue;
		}
		b->delay_ms = b->delay_ms == 0 ? 1000 :
			Min(b->delay_ms * 2, CDC_MAX_BACKOFF_MS);
		b->next_start = TimestampTzPlusMilliseconds(now, b->delay_ms);
		ereport(LOG,
				(errmsg("starting the worker of olap sync %d", id)));
		start_worker(id);
		wait_ms = wait_ms == OLAP_DUTY_NAPTIME ? b->delay_ms :
			Min(wait_ms, b->delay_ms);
	}
	SPI_finish();
	return wait_ms;
}

/*
 * Sets up the commit-time start of workers and the supervising duty;
 * called from _PG_init.
 */
void
CdcInit(void)
{
	RegisterXactCallback(cdc_xact_callback, NULL);
	CdcDropInit();
	if (process_shared_preload_libraries_in_progress)
		OlapWorkerRegisterDuty("supervise sync workers",
							   supervise_sync_workers);
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
 * Stops the worker of sync id of this database if one runs, and keeps it
 * from running until the transaction ends (the sync's lock is held until
 * then).  Returns whether a worker was signalled.
 */
bool
CdcStopWorker(int32 id)
{
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
	return stopped;
}

/*
 * olap._sync_stop(sync_id int): stops the sync's worker if one runs and
 * keeps it from running until the transaction ends.  Returns whether a
 * worker was stopped.
 */
Datum
olap_sync_stop(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(CdcStopWorker(PG_GETARG_INT32(0)));
}
