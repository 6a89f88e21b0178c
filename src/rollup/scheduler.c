/*-------------------------------------------------------------------------
 *
 * scheduler.c
 *	  The job scheduler: a duty of the per-database maintenance worker
 *	  (src/worker/) that runs due jobs of olap.jobs, each in a job worker.
 *
 * A job is an SQL command (for now CALL olap.refresh_rollup(...), made by
 * olap.create_rollup / alter_rollup) with a fixed interval, a maximum
 * runtime, a number of retries and a base backoff.  Per call the duty:
 *
 *	1. while the job worker it started runs, returns (the worker's exit sets
 *	   the maintenance worker's latch, bgw_notify_pid);
 *	2. marks runs still 'running' whose process is gone as 'crashed' (the
 *	   job worker or the server stopped during them);
 *	3. trims olap.job_runs to the newest olap.job_history_size runs per job;
 *	4. for the first due job (next_run <= now()), records a 'running' row in
 *	   olap.job_runs, commits it, and starts an "olap_ext job" dynamic
 *	   background worker for it.
 *
 * The job worker (OlapJobWorkerMain) records its pid in the run, runs the
 * command as the job's owner, each statement in a portal as a top-level
 * command (as a client's query runs, so a CALL is non-atomic and the
 * procedure can commit its batches), under a statement timeout of
 * max_runtime, and records the outcome with olap.job_finished:
 *	- success: run 'succeeded', next run after the interval;
 *	- error: run 'failed' with the error; while attempts remain, the next try
 *	  is after backoff * 2^(attempt-1), plus up to 25% random jitter, else
 *	  after the interval; NOTIFY olap_job_failed with a JSON payload
 *	  (job_id, job_name, run_id, attempt, will_retry, error).
 *
 * Running jobs outside the maintenance worker keeps its other duties (CDC
 * supervision, ...) running while a long refresh runs.  One job runs at a
 * time per database.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/portal.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timeout.h"

#include "guc.h"
#include "rollup/rollup.h"
#include "rollup/scheduler.h"
#include "worker/worker.h"

/* How often the duty looks at a running job worker (its exit wakes it too). */
#define OLAP_JOB_POLL_MS 1000

/* The job worker this maintenance worker started, if any. */
static BackgroundWorkerHandle *job_worker = NULL;

/* One due job, copied out of SPI memory. */
typedef struct DueJob
{
	int64		job_id;
	char	   *command;
	Oid			owner;
	int64		max_runtime_ms;
	int			attempt;
} DueJob;

/*
 * Runs an SPI statement with text parameters; errors if it fails.
 */
static void
spi_exec(const char *sql, int nargs, Datum *args, const char *nulls, int expected)
{
	Oid			types[8];
	int			rc;

	for (int i = 0; i < nargs; i++)
		types[i] = TEXTOID;
	rc = SPI_execute_with_args(sql, nargs, types, args, nulls, false, 0);
	if (rc != expected)
		elog(ERROR, "scheduler statement failed: %s", SPI_result_code_string(rc));
}

/*
 * Marks runs whose process is gone as crashed (called only while no job
 * worker of this maintenance worker runs), trims the history and finds one
 * due job.  Returns false when none is due; sets *wait_ms to the wait until
 * the next one.
 */
static bool
find_due_job(DueJob *job, long *wait_ms, MemoryContext cxt)
{
	bool		found = false;
	Datum		arg;
	bool		isnull;

	SPI_connect();
	/* no job worker of ours runs: a run still 'running' lost its process */
	spi_exec("UPDATE olap.job_runs SET status = 'crashed', end_time = now(), "
			 "error = 'the job worker or the server stopped during this run' "
			 "WHERE status = 'running' AND (pid IS NULL OR pid NOT IN "
			 " (SELECT a.pid FROM pg_catalog.pg_stat_activity a WHERE a.pid IS NOT NULL))",
			 0, NULL, NULL, SPI_OK_UPDATE);
	arg = CStringGetTextDatum(psprintf("%d", olap_job_history_size));
	spi_exec("DELETE FROM olap.job_runs WHERE run_id IN ("
			 " SELECT run_id FROM (SELECT run_id, row_number() OVER"
			 "  (PARTITION BY job_id ORDER BY run_id DESC) AS n FROM olap.job_runs) r"
			 " WHERE n > $1::int)", 1, &arg, NULL, SPI_OK_DELETE);

	spi_exec("SELECT job_id, command, owner::oid, "
			 " (extract(epoch FROM max_runtime) * 1000)::bigint, attempt "
			 "FROM olap.jobs WHERE enabled AND next_run <= now() "
			 "ORDER BY next_run, job_id LIMIT 1", 0, NULL, NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext old = MemoryContextSwitchTo(cxt);

		job->job_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		job->command = SPI_getvalue(tup, desc, 2);
		job->owner = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &isnull));
		job->max_runtime_ms = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
		if (isnull)
			job->max_runtime_ms = 0;
		job->attempt = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull)) + 1;
		MemoryContextSwitchTo(old);
		found = true;
	}
	else
	{
		spi_exec("SELECT (extract(epoch FROM min(next_run) - now()) * 1000)::bigint "
				 "FROM olap.jobs WHERE enabled", 0, NULL, NULL, SPI_OK_SELECT);
		*wait_ms = OLAP_DUTY_NAPTIME;
		if (SPI_processed == 1)
		{
			Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

			if (!isnull)
				*wait_ms = Max(DatumGetInt64(d), 0);
		}
	}
	SPI_finish();
	return found;
}

/*
 * Runs one SQL string the way a client's simple query runs it: each
 * statement parsed, planned and run in a portal of its own as a top-level
 * command, so that a CALL runs non-atomically and the procedure can commit.
 * Parse and plan trees are allocated in cxt, which must outlive the
 * transactions the command commits.  Requires a transaction and no active
 * snapshot.
 */
static void
execute_as_top_level(const char *sql, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	List	   *parsetrees = pg_parse_query(sql);
	ListCell   *lc;

	foreach(lc, parsetrees)
	{
		RawStmt    *parsetree = lfirst_node(RawStmt, lc);
		CommandTag	tag = CreateCommandTag(parsetree->stmt);
		List	   *querytrees;
		List	   *plantrees;
		Portal		portal;
		DestReceiver *receiver;
		QueryCompletion qc;

		PushActiveSnapshot(GetTransactionSnapshot());
		querytrees = pg_analyze_and_rewrite_fixedparams(parsetree, sql, NULL, 0, NULL);
		plantrees = pg_plan_queries(querytrees, sql, CURSOR_OPT_PARALLEL_OK, NULL);
		PopActiveSnapshot();

		portal = CreatePortal("olap_ext job", true, true);
		portal->visible = false;
		PortalDefineQuery(portal, NULL, sql, tag, plantrees, NULL);
		PortalStart(portal, NULL, 0, InvalidSnapshot);
		receiver = CreateDestReceiver(DestNone);
		InitializeQueryCompletion(&qc);
		(void) PortalRun(portal, FETCH_ALL, true, true, receiver, receiver, &qc);
		receiver->rDestroy(receiver);
		PortalDrop(portal, false);
		CommandCounterIncrement();
		MemoryContextSwitchTo(cxt);
	}
	MemoryContextSwitchTo(old);
}

/*
 * Runs the job's command in transactions of its own, as the job's owner,
 * within its max_runtime.  Returns NULL on success, else the error message
 * (allocated in cxt).  Must be called outside a transaction.
 */
static char *
run_command(DueJob *job, MemoryContext cxt)
{
	Oid			save_userid;
	int			save_sec_context;
	char	   *error = NULL;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	PG_TRY();
	{
		if (!OlapWorkerStartTransaction())
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("olap_ext was dropped before job %lld could run",
							(long long) job->job_id)));
		SetUserIdAndSecContext(job->owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
		if (job->max_runtime_ms > 0)
			enable_timeout_after(STATEMENT_TIMEOUT, (int) Min(job->max_runtime_ms, INT_MAX));
		execute_as_top_level(job->command, cxt);
		disable_timeout(STATEMENT_TIMEOUT, false);
		SetUserIdAndSecContext(save_userid, save_sec_context);
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		disable_timeout(STATEMENT_TIMEOUT, false);
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		SetUserIdAndSecContext(save_userid, save_sec_context);
		error = edata->message ? edata->message : pstrdup("unknown error");
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			error = psprintf("%s (max_runtime of job %lld exceeded)", error,
							 (long long) job->job_id);
	}
	PG_END_TRY();
	return error;
}

/*
 * Records the end of a run (olap.job_finished).  Requires a transaction
 * with a snapshot.
 */
static void
finish_run(int64 run_id, const char *error)
{
	Datum		args[2];

	SPI_connect();
	args[0] = CStringGetTextDatum(psprintf("%lld", (long long) run_id));
	args[1] = error ? CStringGetTextDatum(error) : (Datum) 0;
	spi_exec("SELECT olap.job_finished($1::bigint, $2)", 2, args,
			 error ? "  " : " n", SPI_OK_SELECT);
	SPI_finish();
}

/*
 * Starts the job worker for a run; false if no background worker slot is
 * free.  Called in the maintenance worker.
 */
static bool
start_job_worker(int64 run_id)
{
	BackgroundWorker worker;
	MemoryContext old;
	bool		ok;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "olap_ext");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "OlapJobWorkerMain");
	snprintf(worker.bgw_name, BGW_MAXLEN, "olap_ext job run %lld", (long long) run_id);
	snprintf(worker.bgw_type, BGW_MAXLEN, "olap_ext job");
	worker.bgw_main_arg = Int64GetDatum(run_id);
	memcpy(worker.bgw_extra, &MyDatabaseId, sizeof(Oid));
	worker.bgw_notify_pid = MyProcPid;

	old = MemoryContextSwitchTo(TopMemoryContext);
	ok = RegisterDynamicBackgroundWorker(&worker, &job_worker);
	MemoryContextSwitchTo(old);
	if (!ok)
		job_worker = NULL;
	return ok;
}

/*
 * The duty: see the file header.
 */
static long
scheduler_duty(bool first_call)
{
	MemoryContext cxt;
	DueJob		job;
	long		wait_ms = OLAP_DUTY_NAPTIME;
	Datum		args[2];
	int64		run_id;
	bool		isnull;

	/* one job at a time: wait for the running one (its exit sets our latch) */
	if (job_worker != NULL)
	{
		pid_t		pid;
		BgwHandleStatus status = GetBackgroundWorkerPid(job_worker, &pid);

		if (status == BGWH_STARTED || status == BGWH_NOT_YET_STARTED)
			return OLAP_JOB_POLL_MS;
		pfree(job_worker);
		job_worker = NULL;
	}

	cxt = AllocSetContextCreate(TopMemoryContext, "olap_ext scheduler job",
								ALLOCSET_SMALL_SIZES);
	if (!find_due_job(&job, &wait_ms, cxt))
	{
		MemoryContextDelete(cxt);
		return wait_ms;
	}

	/* record the run as started, visibly (a crash leaves it 'running') */
	SPI_connect();
	args[0] = CStringGetTextDatum(psprintf("%lld", (long long) job.job_id));
	args[1] = CStringGetTextDatum(psprintf("%d", job.attempt));
	spi_exec("INSERT INTO olap.job_runs (job_id, attempt, status) "
			 "VALUES ($1::bigint, $2::int, 'running') RETURNING run_id",
			 2, args, NULL, SPI_OK_INSERT_RETURNING);
	run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();

	if (!OlapWorkerStartTransaction())
	{
		/* dropped since the run was recorded: nothing is left to run */
		MemoryContextDelete(cxt);
		return 0;
	}
	PushActiveSnapshot(GetTransactionSnapshot());
	if (!start_job_worker(run_id))
		finish_run(run_id, "could not start a job worker (raise max_worker_processes)");
	MemoryContextDelete(cxt);
	return job_worker != NULL ? OLAP_JOB_POLL_MS : 0;
}

/*
 * Main function of a job worker: runs the job of one run (main_arg; the
 * database oid is in bgw_extra) and records its end.
 */
void
OlapJobWorkerMain(Datum main_arg)
{
	int64		run_id = DatumGetInt64(main_arg);
	Oid			dboid;
	MemoryContext cxt;
	DueJob		job;
	Datum		arg;
	bool		isnull;
	bool		found = false;
	char	   *error;

	memset(&job, 0, sizeof(job));
	memcpy(&dboid, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	/* die, not bgworker_die: it waits for critical sections to end */
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	pgstat_report_appname("olap_ext job");

	cxt = AllocSetContextCreate(TopMemoryContext, "olap_ext job", ALLOCSET_SMALL_SIZES);
	if (!OlapWorkerStartTransaction())
	{
		CommitTransactionCommand();
		proc_exit(0);
	}
	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	arg = CStringGetTextDatum(psprintf("%lld", (long long) run_id));
	spi_exec("UPDATE olap.job_runs r SET pid = pg_backend_pid() FROM olap.jobs j "
			 "WHERE r.run_id = $1::bigint AND j.job_id = r.job_id AND r.status = 'running' "
			 "RETURNING j.job_id, j.command, j.owner::oid, "
			 " (extract(epoch FROM j.max_runtime) * 1000)::bigint",
			 1, &arg, NULL, SPI_OK_UPDATE_RETURNING);
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext old = MemoryContextSwitchTo(cxt);

		job.job_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		job.command = SPI_getvalue(tup, desc, 2);
		job.owner = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &isnull));
		job.max_runtime_ms = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
		if (isnull)
			job.max_runtime_ms = 0;
		MemoryContextSwitchTo(old);
		found = true;
	}
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	if (!found)
		proc_exit(0);

	pgstat_report_activity(STATE_RUNNING, job.command);
	error = run_command(&job, cxt);
	pgstat_report_activity(STATE_IDLE, NULL);

	if (OlapWorkerStartTransaction())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		finish_run(run_id, error);
		PopActiveSnapshot();
	}
	CommitTransactionCommand();
	proc_exit(0);
}

/*
 * See rollup.h.
 */
void
RollupInit(void)
{
	OlapWorkerRegisterDuty("olap_ext job scheduler", scheduler_duty);
}
