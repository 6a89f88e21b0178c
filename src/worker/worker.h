/*-------------------------------------------------------------------------
 *
 * worker.h
 *	  The background-worker layer of olap_ext: a launcher and one
 *	  "olap_ext maintenance" worker per database that has the extension.
 *
 * Parts of olap_ext that need periodic work in a database (the rollup
 * scheduler, the CDC supervisor, ...) register a duty from their Init
 * function, called from _PG_init while shared_preload_libraries is
 * processed.  Each maintenance worker then calls every duty once per loop:
 *
 *	- inside a transaction it started, with a snapshot pushed; the duty may
 *	  commit and start transactions of its own, as long as it returns inside
 *	  an open transaction (the loop commits it).  A duty that starts one
 *	  calls SetCurrentStatementStartTimestamp() first, or now() inside it is
 *	  the time of an earlier statement;
 *	- an error escaping a duty is logged, its transaction aborted, and the
 *	  loop goes on with the next duty;
 *	- first_call is true on the first call after the worker started, so a
 *	  duty can repair state left by a crash;
 *	- the duty returns how many milliseconds it wants to wait at most before
 *	  its next call, or OLAP_DUTY_NAPTIME for olap.worker_naptime.
 *
 * OlapWorkerWake asks, at commit of the current transaction, for the
 * current database's worker to run its duties now (or to be started, e.g.
 * after CREATE EXTENSION).
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_WORKER_H
#define OLAP_WORKER_H

#define OLAP_DUTY_NAPTIME (-1L)
#define OLAP_WORKER_MAX_DUTIES 8

typedef long (*OlapDutyFn) (bool first_call);

extern void OlapWorkerRegisterDuty(const char *name, OlapDutyFn fn);
extern void OlapWorkerWake(void);
extern void OlapWorkerInit(void);

#endif							/* OLAP_WORKER_H */
