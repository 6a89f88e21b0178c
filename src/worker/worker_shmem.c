/*-------------------------------------------------------------------------
 *
 * worker_shmem.c
 *	  Shared memory of the worker layer, and what ordinary backends do to
 *	  the workers: wake them, and stop them around database-level commands.
 *
 * OlapWorkerInit (from _PG_init) requests the shared memory, registers the
 * launcher and installs a ProcessUtility hook.  The hook stops the
 * maintenance worker of a database before DROP DATABASE, ALTER DATABASE
 * ... RENAME / SET TABLESPACE and CREATE DATABASE ... TEMPLATE name it,
 * because these commands fail while another session is connected to that
 * database; the slot stays paused until the command has finished.
 *
 * DROP EXTENSION wakes the database's worker at commit, so that it notices
 * the extension is gone and exits.
 *
 * OlapWorkerWake only sets a backend-local flag; the transaction callback
 * acts on it at commit, so a worker woken from CREATE EXTENSION sees the
 * extension, and a rolled-back request does nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/ipc.h"
#include <signal.h>
#include "storage/shmem.h"
#include "tcop/utility.h"
#include "utils/builtins.h"

#include "guc.h"
#include "worker/worker.h"
#include "worker/worker_internal.h"

OlapWorkerShared *OlapWorkers = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;

static bool wake_at_commit = false;

PG_FUNCTION_INFO_V1(olap_worker_wake);
PG_FUNCTION_INFO_V1(olap_worker_pid);

static Size
worker_shmem_size(void)
{
	return add_size(offsetof(OlapWorkerShared, slots),
					mul_size(sizeof(OlapDbSlot), olap_max_database_workers));
}

static void
olap_worker_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(worker_shmem_size());
	RequestNamedLWLockTranche("olap_ext workers", 1);
}

static void
olap_worker_shmem_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	OlapWorkerShmemInit();
}

/*
 * Attaches to (creating if needed) the shared state.
 */
void
OlapWorkerShmemInit(void)
{
	bool		found;

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	OlapWorkers = ShmemInitStruct("olap_ext workers", worker_shmem_size(),
								  &found);
	if (!found)
	{
		memset(OlapWorkers, 0, worker_shmem_size());
		OlapWorkers->lock = &(GetNamedLWLockTranche("olap_ext workers"))->lock;
		OlapWorkers->nslots = olap_max_database_workers;
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * Returns the slot of a database, or NULL.  The caller holds the lock.
 */
OlapDbSlot *
OlapWorkerFindSlot(Oid dboid)
{
	for (int i = 0; i < OlapWorkers->nslots; i++)
	{
		if (OlapWorkers->slots[i].dboid == dboid)
			return &OlapWorkers->slots[i];
	}
	return NULL;
}

/*
 * Wakes the current database's worker, or asks the launcher to start one.
 * Requires the lock not held.
 */
static void
wake_now(void)
{
	OlapDbSlot *slot;
	Latch	   *latch = NULL;

	LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);
	slot = OlapWorkerFindSlot(MyDatabaseId);
	if (slot != NULL && slot->state == OLAP_SLOT_RUNNING && slot->latch)
		latch = slot->latch;
	else
	{
		if (slot != NULL && slot->state == OLAP_SLOT_NO_EXTENSION)
			slot->state = OLAP_SLOT_NEW;
		latch = OlapWorkers->launcher_latch;
	}
	if (latch)
		SetLatch(latch);
	LWLockRelease(OlapWorkers->lock);
}

static void
worker_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT && wake_at_commit && OlapWorkers)
		wake_now();
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT ||
		event == XACT_EVENT_PARALLEL_ABORT)
		wake_at_commit = false;
}

/*
 * See worker.h.  Does nothing when the library was not preloaded.
 */
void
OlapWorkerWake(void)
{
	if (OlapWorkers != NULL)
		wake_at_commit = true;
}

/*
 * olap.worker_wake(): SQL access to OlapWorkerWake.  Returns false when
 * there are no workers (library not preloaded or olap.enable_workers off).
 */
Datum
olap_worker_wake(PG_FUNCTION_ARGS)
{
	if (OlapWorkers == NULL || !olap_enable_workers)
		PG_RETURN_BOOL(false);
	OlapWorkerWake();
	PG_RETURN_BOOL(true);
}

/*
 * olap.worker_pid(): pid of the current database's maintenance worker, or
 * NULL when none runs.
 */
Datum
olap_worker_pid(PG_FUNCTION_ARGS)
{
	OlapDbSlot *slot;
	pid_t		pid = 0;

	if (OlapWorkers == NULL)
		PG_RETURN_NULL();
	LWLockAcquire(OlapWorkers->lock, LW_SHARED);
	slot = OlapWorkerFindSlot(MyDatabaseId);
	if (slot != NULL && slot->state == OLAP_SLOT_RUNNING)
		pid = slot->pid;
	LWLockRelease(OlapWorkers->lock);
	if (pid == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(pid);
}

/*
 * Stops the maintenance worker of a database and keeps it from restarting
 * until "until".  Waits (at most five seconds) until it has detached.
 */
static void
stop_database_worker(Oid dboid, TimestampTz until)
{
	OlapDbSlot *slot;
	pid_t		pid = 0;

	LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);
	slot = OlapWorkerFindSlot(dboid);
	if (slot != NULL)
	{
		slot->paused_until = until;
		pid = slot->pid;
	}
	LWLockRelease(OlapWorkers->lock);

	if (pid == 0)
		return;
	(void) kill(pid, SIGTERM);
	for (int i = 0; i < 500; i++)
	{
		bool		gone;

		LWLockAcquire(OlapWorkers->lock, LW_SHARED);
		slot = OlapWorkerFindSlot(dboid);
		gone = (slot == NULL || slot->pid != pid);
		LWLockRelease(OlapWorkers->lock);
		if (gone)
			break;
		CHECK_FOR_INTERRUPTS();
		pg_usleep(10000L);
	}
}

/*
 * Returns the database a database-level utility command needs free of
 * other sessions, or InvalidOid.
 */
static Oid
database_needing_exclusive_access(Node *parsetree)
{
	char	   *name = NULL;
	ListCell   *lc;

	if (IsA(parsetree, DropdbStmt))
		name = ((DropdbStmt *) parsetree)->dbname;
	else if (IsA(parsetree, RenameStmt) &&
			 ((RenameStmt *) parsetree)->renameType == OBJECT_DATABASE)
		name = ((RenameStmt *) parsetree)->subname;
	else if (IsA(parsetree, AlterDatabaseStmt))
	{
		foreach(lc, ((AlterDatabaseStmt *) parsetree)->options)
		{
			DefElem    *def = lfirst_node(DefElem, lc);

			if (strcmp(def->defname, "tablespace") == 0)
				name = ((AlterDatabaseStmt *) parsetree)->dbname;
		}
	}
	else if (IsA(parsetree, CreatedbStmt))
	{
		foreach(lc, ((CreatedbStmt *) parsetree)->options)
		{
			DefElem    *def = lfirst_node(DefElem, lc);

			if (strcmp(def->defname, "template") == 0 && def->arg != NULL)
				name = defGetString(def);
		}
	}
	if (name == NULL)
		return InvalidOid;
	return get_database_oid(name, true);
}

/*
 * Stops the worker of the database a command needs for itself, runs the
 * command, then lets the launcher restart the worker soon (if the database
 * still exists).
 */
static void
olap_worker_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
						   bool readOnlyTree, ProcessUtilityContext context,
						   ParamListInfo params, QueryEnvironment *queryEnv,
						   DestReceiver *dest, QueryCompletion *qc)
{
	Oid			dboid = InvalidOid;

	if (OlapWorkers != NULL)
		dboid = database_needing_exclusive_access(pstmt->utilityStmt);
	/* DROP EXTENSION olap_ext: the worker exits when it wakes */
	if (OlapWorkers != NULL && IsA(pstmt->utilityStmt, DropStmt) &&
		((DropStmt *) pstmt->utilityStmt)->removeType == OBJECT_EXTENSION)
		OlapWorkerWake();
	if (OidIsValid(dboid))
		stop_database_worker(dboid, TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
																OLAP_WORKER_PAUSE_MS));

	PG_TRY();
	{
		if (prev_ProcessUtility)
			prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
									params, queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		if (OidIsValid(dboid))
		{
			OlapDbSlot *slot;

			LWLockAcquire(OlapWorkers->lock, LW_EXCLUSIVE);
			slot = OlapWorkerFindSlot(dboid);
			if (slot != NULL)
				slot->paused_until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
																 OLAP_WORKER_MIN_BACKOFF_MS);
			if (OlapWorkers->launcher_latch)
				SetLatch(OlapWorkers->launcher_latch);
			LWLockRelease(OlapWorkers->lock);
		}
	}
	PG_END_TRY();
}

/*
 * Sets up the worker layer: shared memory, the launcher, the hooks.  Only
 * when the library is preloaded and olap.enable_workers is on; otherwise
 * no worker runs and OlapWorkerWake does nothing.
 */
void
OlapWorkerInit(void)
{
	if (!olap_preloaded || !olap_enable_workers || IsBinaryUpgrade)
		return;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = olap_worker_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = olap_worker_shmem_startup;
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = olap_worker_ProcessUtility;
	RegisterXactCallback(worker_xact_callback, NULL);

	OlapLauncherRegister();
}
