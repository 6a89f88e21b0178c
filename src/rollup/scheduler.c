/*-------------------------------------------------------------------------
 *
 * scheduler.c
 *	  The job scheduler: a duty of the per-database maintenance worker
 *	  (src/worker/) that runs due jobs of olap.jobs.
 *
 * A job is an SQL command (for now CALL olap.refresh_rollup(...), made by
 * olap.create_rollup / alter_rollup) with a fixed interval, a maximum
 * runtime, a number of retries and a base backoff.  Per call the duty:
 *
 *	1. on the first call after the worker started, marks runs still
 *	   'running' as 'crashed' (the worker or the server stopped during them);
 *	2. trims olap.job_runs to the newest olap.job_history_size runs per job;
 *	3. runs at most one due job (next_run <= now()):
 *	   - records a 'running' row in olap.job_runs and commits it;
 *	   - runs the command as the job's owner, each statement in a portal
 *	     as a top-level command (as a client's query runs, so a CALL is
 *	     non-atomic and the procedure can commit its batches), under a
 *	     statement timeout of max_runtime;
 *	   - on success: run 'succeeded', next run after the interval;
 *	   - on error: run 'failed' with the error; while attempts remain, the
 *	     next try is after backoff * 2^(attempt-1), plus up to 25% random
 *	     jitter, else after the interval; NOTIFY olap_job_failed with a JSON
 *	     payload (job_id, run_id, job_name, attempt, will_retry, error);
 *	4. returns the milliseconds until the next due job, 0 if another one is
 *	   due already.
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
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timeout.h"

#include "guc.h"
#include "rollup/rollup.h"
#include "worker/worker.h"

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
 * Marks crashed runs, trims the history and finds one due job.  Returns
 * false when none is due; sets *wait_ms to the wait until the next one.
 */
static bool
find_due_job(bool first_call, DueJob *job, long *wait_ms, MemoryContext cxt)
{
	bool		found = false;
	Datum		arg;
	bool		isnull;

	SPI_connect();
	if (first_call)
		spi_exec("UPDATE olap.job_runs SET status = 'crashed', end_time = now(), "
				 "error = 'the worker or the server stopped during this run' "
				 "WHERE status = 'running'", 0, NULL, NULL, SPI_OK_UPDATE);
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
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
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
 * The duty: see the file header.
 */
static long
scheduler_duty(bool first_call)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "olap_ext scheduler job",
											  ALLOCSET_SMALL_SIZES);
	DueJob		job;
	long		wait_ms = OLAP_DUTY_NAPTIME;
	char	   *error;
	Datum		args[3];
	int64		run_id;
	bool		isnull;

	if (!find_due_job(first_call, &job, &wait_ms, cxt))
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

	error = run_command(&job, cxt);

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	args[0] = CStringGetTextDatum(psprintf("%lld", (long long) run_id));
	args[1] = error ? CStringGetTextDatum(error) : (Datum) 0;
	spi_exec("SELECT olap.job_finished($1::bigint, $2)", 2, args,
			 error ? "  " : " n", SPI_OK_SELECT);
	SPI_finish();
	MemoryContextDelete(cxt);
	/* another job may be due already */
	return 0;
}

/*
 * See rollup.h.
 */
void
RollupInit(void)
{
	OlapWorkerRegisterDuty("olap_ext job scheduler", scheduler_duty);
}
