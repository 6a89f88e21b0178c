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
 *	- inside a transaction started by OlapWorkerStartTransaction, with a
 *	  snapshot pushed; the duty may commit and start transactions of its
 *	  own, as long as it returns inside an open transaction (the loop
 *	  commits it), and starts them with OlapWorkerStartTransaction too;
 *	- an error escaping a duty is logged, its transaction aborted, and the
 *	  loop goes on with the next duty;
 *	- first_call is true on the first call after the worker started, so a
 *	  duty can repair state left by a crash;
 *	- the duty returns how many milliseconds it wants to wait at most before
 *	  its next call, or OLAP_DUTY_NAPTIME for olap.worker_naptime;
 *	- duties run one after the other: a duty that takes long delays the
 *	  others, so long work belongs in a worker of its own that the duty
 *	  starts and supervises (as the rollup scheduler does with its jobs).
 *
 * OlapWorkerStartTransaction starts a transaction, with the statement
 * start time set (now() inside it is not the time of an earlier
 * statement), and takes a lock on the olap_ext extension for it, which
 * makes DROP EXTENSION wait for the transaction to end; it returns false,
 * the transaction open but holding nothing, when olap_ext is not
 * installed.  Background workers start with it every transaction that
 * reads or writes olap_ext's tables.
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
extern bool OlapWorkerStartTransaction(void);
extern void OlapWorkerWake(void);
extern void OlapWorkerInit(void);

#endif							/* OLAP_WORKER_H */
