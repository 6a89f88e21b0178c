/*-------------------------------------------------------------------------
 *
 * worker_internal.h
 *	  Shared state between the launcher, the maintenance workers and the
 *	  backends that wake or stop them.  Private to src/worker/.
 *
 * One slot per database the launcher knows about.  The launcher owns the
 * slots (allocates, frees, starts workers; the bgworker handles stay in its
 * local memory, indexed like the slots); a maintenance worker writes only
 * its own pid, latch and state; backends set wake requests and pauses.  All
 * fields are protected by OlapWorkerShared->lock.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_WORKER_INTERNAL_H
#define OLAP_WORKER_INTERNAL_H

#include "postmaster/bgworker.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "utils/timestamp.h"

/* Restart backoff of a maintenance worker that died, in milliseconds. */
#define OLAP_WORKER_MIN_BACKOFF_MS 1000
#define OLAP_WORKER_MAX_BACKOFF_MS 60000
/* A worker that ran this long before dying restarts after the minimum. */
#define OLAP_WORKER_STABLE_MS 60000
/* How long a worker stays stopped for a database-level command. */
#define OLAP_WORKER_PAUSE_MS 60000

typedef enum OlapSlotState
{
	OLAP_SLOT_NEW,				/* never started, or start requested */
	OLAP_SLOT_STARTING,			/* registered, not yet running */
	OLAP_SLOT_RUNNING,			/* worker attached to the slot */
	OLAP_SLOT_NO_EXTENSION,		/* worker found no olap_ext and exited */
	OLAP_SLOT_DIED				/* worker exited otherwise; restart later */
} OlapSlotState;

typedef struct OlapDbSlot
{
	Oid			dboid;			/* InvalidOid: slot free */
	OlapSlotState state;
	pid_t		pid;			/* of the running worker, or 0 */
	Latch	   *latch;			/* of the running worker, or NULL */
	int			backoff_ms;
	TimestampTz started_at;
	TimestampTz next_start;		/* earliest restart after a death */
	TimestampTz paused_until;	/* no start before (DROP DATABASE, ...) */
} OlapDbSlot;

typedef struct OlapWorkerShared
{
	LWLock	   *lock;
	pid_t		launcher_pid;
	Latch	   *launcher_latch;
	int			nslots;
	OlapDbSlot	slots[FLEXIBLE_ARRAY_MEMBER];
} OlapWorkerShared;

extern OlapWorkerShared *OlapWorkers;

extern OlapDbSlot *OlapWorkerFindSlot(Oid dboid);
extern void OlapWorkerShmemInit(void);

extern PGDLLEXPORT void OlapLauncherMain(Datum main_arg);
extern PGDLLEXPORT void OlapDbWorkerMain(Datum main_arg);
extern void OlapLauncherRegister(void);
extern void OlapDbWorkerRunDuties(void);

#endif							/* OLAP_WORKER_INTERNAL_H */
