/*-------------------------------------------------------------------------
 *
 * db_worker.c
 *	  The per-database "olap_ext maintenance" worker and the registry of
 *	  the duties it runs.
 *
 * Duties are registered in _PG_init (so every process forked from the
 * postmaster has the same list).  The worker loop, per iteration:
 *
 *	1. exits, marking its slot "no extension", when olap_ext is not (or no
 *	   longer) installed in its database;
 *	2. calls each duty in a transaction of its own, holding a lock on the
 *	   extension and with a snapshot pushed; an error is reported to the
 *	   log, the transaction aborted and the next duty called (see worker.h
 *	   for the contract);
 *	3. sleeps on its latch until the earliest time a duty asked for, at most
 *	   olap.worker_naptime.  olap.worker_wake() sets the latch.
 *
 * The worker connects as the bootstrap superuser; duties that run user
 * code switch to the owner of what they run.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include <signal.h>
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "guc.h"
#include "worker/worker.h"
#include "worker/worker_internal.h"

typedef struct OlapDuty
{
	const char *name;
	OlapDutyFn	fn;
} OlapDuty;

static OlapDuty duties[OLAP_WORKER_MAX_DUTIES];
static int	nduties = 0;

/*
 * See worker.h.  Must be called from _PG_init; name must be a constant.
 */
void
OlapWorkerRegisterDuty(const char *name, OlapDutyFn fn)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	if (nduties >= OLAP_WORKER_MAX_DUTIES)
		elog(ERROR, "too many olap_ext worker duties");
	duties[nduties].name = name;
	duties[nduties].fn = fn;
	nduties++;
}

static void
db_worker_detach(int code, Datum arg)
{
	OlapDbSlot *slot;

	LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);
	slot = OlapWorkerFindSlot(MyDatabaseId);
	if (slot != NULL && slot->pid == MyProcPid)
	{
		slot->pid = 0;
		slot->latch = NULL;
	}
	LWLockRelease(OlapWorkers->lock);
}

/*
 * Sets the slot's state (and, when attaching, pid and latch).  Returns
 * false when attaching to a slot another live worker holds (a launcher that
 * restarted may have started a second one), or to no slot.
 */
static bool
set_slot_state(OlapSlotState state)
{
	OlapDbSlot *slot;
	bool		ok = true;

	LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);
	slot = OlapWorkerFindSlot(MyDatabaseId);
	if (slot == NULL)
		ok = false;
	else if (state == OLAP_SLOT_RUNNING)
	{
		if (slot->pid != 0 && slot->pid != MyProcPid && kill(slot->pid, 0) == 0)
			ok = false;
		else
		{
			slot->state = state;
			slot->pid = MyProcPid;
			slot->latch = MyLatch;
		}
	}
	else
		slot->state = state;
	LWLockRelease(OlapWorkers->lock);
	return ok;
}

static bool
extension_installed(void)
{
	bool		installed;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	installed = OidIsValid(get_extension_oid("olap_ext", true));
	CommitTransactionCommand();
	return installed;
}

/*
 * Takes AccessShareLock on the olap_ext extension object for the current
 * transaction; false, holding nothing, when olap_ext is not installed.
 * DROP EXTENSION locks the extension object before it locks any of the
 * extension's tables, and a worker transaction that holds this lock before
 * it touches them makes the drop wait for its end instead of deadlocking
 * with it (the worker locking olap.job_runs then olap.jobs, the drop the
 * other way round).
 */
static bool
lock_extension(void)
{
	Oid			locked = InvalidOid;

	for (;;)
	{
		Oid			extoid = get_extension_oid("olap_ext", true);

		if (extoid == locked)
			return OidIsValid(extoid);
		if (OidIsValid(locked))
			UnlockDatabaseObject(ExtensionRelationId, locked, 0, AccessShareLock);
		if (!OidIsValid(extoid))
			return false;

		/*
		 * Taking the lock accepts invalidations, so the next lookup sees a
		 * drop (or a drop and re-create) that committed while we waited.
		 */
		LockDatabaseObject(ExtensionRelationId, extoid, 0, AccessShareLock);
		locked = extoid;
	}
}

/* See worker.h. */
bool
OlapWorkerStartTransaction(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	return lock_extension();
}

/*
 * Calls one duty in its own transaction; returns the wait it asked for, or
 * OLAP_DUTY_NAPTIME after an error.
 */
static long
run_duty(OlapDuty *duty, bool first_call, MemoryContext loop_context)
{
	long		result = OLAP_DUTY_NAPTIME;

	PG_TRY();
	{
		if (OlapWorkerStartTransaction())
		{
			PushActiveSnapshot(GetTransactionSnapshot());
			pgstat_report_activity(STATE_RUNNING, duty->name);
			result = duty->fn(first_call);
			if (ActiveSnapshotSet())
				PopActiveSnapshot();
		}
		else
			result = 0;			/* the loop notices the drop and exits */
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(loop_context);
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
		result = OLAP_DUTY_NAPTIME;
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
	MemoryContextSwitchTo(loop_context);
	return result;
}

/*
 * Main function of a maintenance worker; main_arg is the database oid.
 */
void
OlapDbWorkerMain(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);
	MemoryContext loop_context;
	bool		first_call = true;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	/* die, not bgworker_die: it waits for critical sections to end */
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	pgstat_report_appname("olap_ext maintenance");

	if (!set_slot_state(OLAP_SLOT_RUNNING))
		proc_exit(0);
	before_shmem_exit(db_worker_detach, (Datum) 0);

	loop_context = AllocSetContextCreate(TopMemoryContext,
										 "olap_ext maintenance loop",
										 ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		long		wait_ms = olap_worker_naptime;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		MemoryContextSwitchTo(loop_context);
		if (!extension_installed())
		{
			set_slot_state(OLAP_SLOT_NO_EXTENSION);
			proc_exit(0);
		}

		for (int i = 0; i < nduties; i++)
		{
			long		ms = run_duty(&duties[i], first_call, loop_context);

			if (ms >= 0 && ms < wait_ms)
				wait_ms = ms;
			CHECK_FOR_INTERRUPTS();
		}
		first_call = false;
		MemoryContextReset(loop_context);

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Max(wait_ms, 1), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}
