/*-------------------------------------------------------------------------
 *
 * launcher.c
 *	  The "olap_ext launcher" background worker: keeps one maintenance
 *	  worker running in every database that has the extension.
 *
 * The launcher is a static worker registered in _PG_init (the postmaster
 * restarts it if it exits).  It connects to no database, so it reads only
 * the shared catalog pg_database.  Every olap.worker_naptime, or when its
 * latch is set, it:
 *
 *	- frees the slots of databases that no longer exist (stopping their
 *	  worker);
 *	- starts a maintenance worker (a dynamic bgworker) for each connectable,
 *	  non-template database without a live one.  A worker that finds no
 *	  olap_ext in its database marks its slot "no extension" and exits; it is
 *	  started again only when woken (olap.worker_wake(), which the extension
 *	  script calls at CREATE EXTENSION).  A worker that died otherwise is
 *	  restarted after a backoff that doubles from 1 s up to 60 s, and starts
 *	  again from 1 s once a worker ran for a minute.
 *
 * Nothing here raises an error for a single database: a database the
 * launcher cannot start a worker for is logged and retried.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include <signal.h>
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "guc.h"
#include "worker/worker_internal.h"

/* Handles of the workers this launcher started, indexed like the slots. */
static BackgroundWorkerHandle **handles = NULL;

/*
 * Registers the launcher with the postmaster.  Called from _PG_init.
 */
void
OlapLauncherRegister(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 10;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "olap_ext");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "OlapLauncherMain");
	snprintf(worker.bgw_name, BGW_MAXLEN, "olap_ext launcher");
	snprintf(worker.bgw_type, BGW_MAXLEN, "olap_ext launcher");
	RegisterBackgroundWorker(&worker);
}

static void
launcher_detach(int code, Datum arg)
{
	LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);
	OlapWorkers->launcher_pid = 0;
	OlapWorkers->launcher_latch = NULL;
	LWLockRelease(OlapWorkers->lock);
}

/*
 * Returns the oids of the databases a maintenance worker may run in.
 * Allocates in the current memory context.
 */
static List *
connectable_databases(void)
{
	List	   *result = NIL;
	MemoryContext outer = CurrentMemoryContext;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);
		MemoryContext old;

		if (!db->datallowconn || db->datistemplate)
			continue;
		old = MemoryContextSwitchTo(outer);
		result = lappend_oid(result, db->oid);
		MemoryContextSwitchTo(old);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	PopActiveSnapshot();
	CommitTransactionCommand();
	return result;
}

/*
 * Registers a maintenance worker for a slot.  The caller holds the lock.
 * Returns false if no background worker slot was free.
 */
static bool
start_worker(OlapDbSlot *slot)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "olap_ext");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "OlapDbWorkerMain");
	snprintf(worker.bgw_name, BGW_MAXLEN, "olap_ext maintenance %u", slot->dboid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "olap_ext maintenance");
	worker.bgw_main_arg = ObjectIdGetDatum(slot->dboid);
	worker.bgw_notify_pid = MyProcPid;

	{
		BackgroundWorkerHandle *handle;
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		bool		registered = RegisterDynamicBackgroundWorker(&worker, &handle);

		MemoryContextSwitchTo(old);
		if (!registered)
			return false;
		if (handles[slot - OlapWorkers->slots])
			pfree(handles[slot - OlapWorkers->slots]);
		handles[slot - OlapWorkers->slots] = handle;
	}
	slot->state = OLAP_SLOT_STARTING;
	slot->started_at = GetCurrentTimestamp();
	return true;
}

/*
 * One pass over the databases.  Returns the milliseconds until the next
 * scheduled restart, or -1 when none is scheduled.
 */
static long
launcher_pass(void)
{
	List	   *dbs = connectable_databases();
	TimestampTz now = GetCurrentTimestamp();
	long		next_ms = -1;
	ListCell   *lc;

	LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);

	/* Databases that are gone: stop their worker, free their slot. */
	for (int i = 0; i < OlapWorkers->nslots; i++)
	{
		OlapDbSlot *slot = &OlapWorkers->slots[i];

		if (!OidIsValid(slot->dboid) || list_member_oid(dbs, slot->dboid))
			continue;
		if (handles[i])
		{
			TerminateBackgroundWorker(handles[i]);
			pfree(handles[i]);
			handles[i] = NULL;
		}
		else if (slot->pid != 0)
			(void) kill(slot->pid, SIGTERM);
		memset(slot, 0, sizeof(OlapDbSlot));
	}

	foreach(lc, dbs)
	{
		Oid			dboid = lfirst_oid(lc);
		OlapDbSlot *slot = OlapWorkerFindSlot(dboid);
		pid_t		pid;

		if (slot == NULL)
		{
			slot = OlapWorkerFindSlot(InvalidOid);
			if (slot == NULL)
			{
				ereport(WARNING,
						(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
						 errmsg("no olap_ext maintenance worker slot for database %u", dboid),
						 errhint("Raise olap.max_database_workers.")));
				continue;
			}
			memset(slot, 0, sizeof(OlapDbSlot));
			slot->dboid = dboid;
			slot->state = OLAP_SLOT_NEW;
			slot->backoff_ms = OLAP_WORKER_MIN_BACKOFF_MS;
		}

		if (handles[slot - OlapWorkers->slots] || slot->pid != 0)
		{
			BackgroundWorkerHandle *handle = handles[slot - OlapWorkers->slots];

			if (handle != NULL)
			{
				BgwHandleStatus status = GetBackgroundWorkerPid(handle, &pid);

				if (status == BGWH_STARTED || status == BGWH_NOT_YET_STARTED)
					continue;
				pfree(handle);
				handles[slot - OlapWorkers->slots] = NULL;
			}
			else if (kill(slot->pid, 0) == 0)
				continue;		/* started by an earlier launcher, alive */
			slot->pid = 0;
			slot->latch = NULL;
			if (slot->state == OLAP_SLOT_RUNNING || slot->state == OLAP_SLOT_STARTING)
			{
				/* died: schedule a restart after the backoff */
				if (now - slot->started_at >= (TimestampTz) OLAP_WORKER_STABLE_MS * 1000)
					slot->backoff_ms = OLAP_WORKER_MIN_BACKOFF_MS;
				slot->next_start = TimestampTzPlusMilliseconds(now, slot->backoff_ms);
				slot->backoff_ms = Min(slot->backoff_ms * 2, OLAP_WORKER_MAX_BACKOFF_MS);
				slot->state = OLAP_SLOT_DIED;
			}
		}

		if (slot->state == OLAP_SLOT_NO_EXTENSION)
			continue;
		if (slot->paused_until > now || (slot->state == OLAP_SLOT_DIED && slot->next_start > now))
		{
			TimestampTz at = Max(slot->paused_until, slot->next_start);
			long		ms = (long) ((at - now) / 1000) + 1;

			if (next_ms < 0 || ms < next_ms)
				next_ms = ms;
			continue;
		}
		if (!start_worker(slot))
		{
			ereport(LOG,
					(errmsg("could not start the olap_ext maintenance worker of database %u", dboid),
					 errhint("Raise max_worker_processes.")));
			slot->state = OLAP_SLOT_DIED;
			slot->next_start = TimestampTzPlusMilliseconds(now, slot->backoff_ms);
			slot->backoff_ms = Min(slot->backoff_ms * 2, OLAP_WORKER_MAX_BACKOFF_MS);
		}
	}
	LWLockRelease(OlapWorkers->lock);
	list_free(dbs);
	return next_ms;
}

/*
 * Main function of the launcher.
 */
void
OlapLauncherMain(Datum main_arg)
{
	MemoryContext pass_context;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	/* die, not bgworker_die: it waits for critical sections to end */
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("olap_ext launcher");

	/*
	 * Workers started by an earlier launcher keep their slots; they are
	 * watched through the pid they recorded.
	 */
	LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);
	OlapWorkers->launcher_pid = MyProcPid;
	OlapWorkers->launcher_latch = MyLatch;
	LWLockRelease(OlapWorkers->lock);
	before_shmem_exit(launcher_detach, (Datum) 0);

	handles = MemoryContextAllocZero(TopMemoryContext,
									 sizeof(BackgroundWorkerHandle *) * OlapWorkers->nslots);
	pass_context = AllocSetContextCreate(TopMemoryContext,
										 "olap_ext launcher pass",
										 ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		long		wait_ms;
		long		next_ms;
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		old = MemoryContextSwitchTo(pass_context);
		next_ms = launcher_pass();
		MemoryContextSwitchTo(old);
		MemoryContextReset(pass_context);

		wait_ms = olap_worker_naptime;
		if (next_ms >= 0 && next_ms < wait_ms)
			wait_ms = next_ms;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 wait_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}
