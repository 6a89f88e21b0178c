/*-------------------------------------------------------------------------
 *
 * cdc_worker.c
 *	  The sync worker: one background worker per active sync, which copies
 *	  the source table once and then streams its changes into the target.
 *
 * Life of a worker (bgw_main_arg: the sync id, bgw_extra: the database):
 *
 * 1. It takes the sync's advisory lock (CdcSyncLockTag) for its whole
 *    life; olap.pause_sync and olap.drop_sync stop it by signalling the
 *    holder and waiting for the lock, and a second worker for the same sync
 *    waits behind the first.  It then reads its row of olap.sync and exits
 *    quietly when the sync is gone, paused or in error.
 *
 * 2. Initial copy (copy_done false): one REPEATABLE READ transaction
 *    creates the slot (ephemeral until the copy is done), builds the slot's
 *    initial snapshot (SnapBuildInitialSnapshot) and makes it the
 *    transaction's snapshot, copies the source into the target with INSERT
 *    ... SELECT under it, marks the copy done, makes the slot persistent
 *    and commits with the replication origin set to the slot's consistent
 *    point.  The stream then begins exactly where the copy's snapshot ends:
 *    no gap, no duplicate.  A crash before the commit loses the ephemeral
 *    slot (or leaves a persistent one, which the next attempt drops) and
 *    the copy; the next attempt starts over.
 *
 * 3. Streaming: the worker decodes its slot in-process (the
 *    pg_logical_slot_get_changes way: CreateDecodingContext,
 *    XLogReadRecord, LogicalDecodingProcessRecord) starting at the origin's
 *    position; our output plugin (cdc_decode.c) copies the source's changes
 *    into a batch.  Decoding runs outside any transaction; the reorder
 *    buffer opens its own.  The worker must not stay marked as a decoding
 *    backend, as it also writes (see show_own_transactions).  A batch of
 *    whole source transactions is applied (cdc_apply.c) in one local
 *    transaction when it reaches olap.sync_max_batch_rows changes or its
 *    oldest change is olap.sync_max_latency old; that transaction also adds the counters to
 *    olap.sync and commits with replorigin_session_origin_lsn set to the
 *    end of the batch's last source commit, so the data and the position
 *    are durable together.  The slot is confirmed only up to the origin's
 *    flushed position, or, when nothing is waiting to be applied, up to
 *    what was decoded (transactions without changes of the source), so an
 *    idle sync does not pin WAL.  After any crash the worker starts again
 *    from the origin's position: nothing applied twice, nothing lost.
 *
 * 4. Errors: the error is logged and stored in olap.sync (last_error).
 *    Errors that need the user (the target diverged, a column changed type,
 *    a key is missing, a table is gone) also set the state to 'error' and
 *    the worker exits for good; olap.resume_sync starts it again.  After
 *    other errors the sync stays active and the supervising duty of the
 *    database's maintenance worker (cdc_api.c) starts a new worker, with
 *    backoff.
 *
 * Caches: decoding fills the catalog caches under historic snapshots, so
 * they are invalidated whenever the worker switches between decoding and
 * applying (as pg_logical_slot_get_changes does around decoding).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "access/xlogutils.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "replication/decode.h"
#include "replication/logical.h"
#include "replication/origin.h"
#include "replication/slot.h"
#include "replication/snapbuild.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/pg_lsn.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "cdc/cdc.h"
#include "guc.h"
#include "worker/worker.h"

/* longest sleep while there is nothing to decode */
#define CDC_IDLE_SLEEP_MS 200

/* The sync as read from olap.sync at start. */
typedef struct SyncDef
{
	int32		id;
	Oid			source;
	Oid			target;
	char	   *slot_name;
	char	   *origin_name;
	char	   *state;
	bool		copy_done;
	char	   *copy_sql;
	RepOriginId origin;
	CdcColumns	columns;		/* source_columns */
} SyncDef;

/* the source's columns by attribute number, as olap.sync.source_columns */
#define SOURCE_COLUMNS_SQL \
	"(SELECT array_agg(CASE WHEN a.attisdropped THEN NULL ELSE a.attname::text END " \
	"   ORDER BY a.attnum) FROM pg_catalog.pg_attribute a " \
	" WHERE a.attrelid = source_rel AND a.attnum > 0)"

/*
 * Reads a text[] into *names (in TopMemoryContext), of columns->ncolumns
 * entries (set from the array when set_count).
 */
static void
columns_from_datum(CdcColumns *columns, char ***names_out, Datum array,
				   bool set_count)
{
	char	  **names;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	deconstruct_array(DatumGetArrayTypeP(array), TEXTOID, -1, false,
					  TYPALIGN_INT, &elems, &nulls, &n);
	if (set_count)
		columns->ncolumns = n;
	names = MemoryContextAllocZero(TopMemoryContext,
								   sizeof(char *) * Max(columns->ncolumns, 1));
	for (int i = 0; i < Min(n, columns->ncolumns); i++)
		if (!nulls[i])
			names[i] = MemoryContextStrdup(TopMemoryContext,
										   TextDatumGetCString(elems[i]));
	*names_out = names;
}

/* names (columns->ncolumns of them) as a text[]. */
static Datum
columns_to_datum(CdcColumns *columns, char **names)
{
	int			n = columns->ncolumns;
	Datum	   *elems = palloc0(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc0(sizeof(bool) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		nulls[i] = names[i] == NULL;
		if (!nulls[i])
			elems[i] = CStringGetTextDatum(names[i]);
	}
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Starts a transaction that reads or writes olap_ext's tables, holding the
 * extension lock (see worker.h); fails when olap_ext was dropped meanwhile.
 */
static void
begin_sync_transaction(void)
{
	if (!OlapWorkerStartTransaction())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("olap_ext is no longer installed")));
}

/*
 * Reads the sync's row (and the statement of its initial copy) in a
 * transaction of its own.  Returns false when the sync does not exist.
 */
static bool
load_sync(int32 id, SyncDef *def)
{
	Oid			argtypes[1] = {INT4OID};
	Datum		args[1] = {Int32GetDatum(id)};
	bool		found = false;
	MemoryContext outer = CurrentMemoryContext;

	if (!OlapWorkerStartTransaction())
	{
		CommitTransactionCommand();
		return false;
	}
	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	if (SPI_execute_with_args(
							  "SELECT s.source_rel, s.target_rel, s.slot_name::text, s.origin_name, "
							  "  s.state, s.copy_done, "
							  "  format('INSERT INTO %s (%s) SELECT %s FROM ONLY %s', "
							  "         s.target_rel::regclass, c.cols, c.cols, s.source_rel::regclass), "
							  "  s.source_columns, s.source_columns_upto, s.source_missing "
							  "FROM olap.sync s, LATERAL ("
							  "  SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS cols "
							  "  FROM pg_catalog.pg_attribute a "
							  "  WHERE a.attrelid = s.source_rel AND a.attnum > 0 AND NOT a.attisdropped "
							  "    AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute t "
							  "                WHERE t.attrelid = s.target_rel AND t.attname = a.attname "
							  "                  AND NOT t.attisdropped)) c "
							  "WHERE s.sync_id = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read olap.sync");
	if (SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(outer);

		def->id = id;
		def->source = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		def->target = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		def->slot_name = SPI_getvalue(tup, desc, 3);
		def->origin_name = SPI_getvalue(tup, desc, 4);
		def->state = SPI_getvalue(tup, desc, 5);
		def->copy_done = DatumGetBool(SPI_getbinval(tup, desc, 6, &isnull));
		def->copy_sql = SPI_getvalue(tup, desc, 7);
		MemoryContextSwitchTo(old);
		memset(&def->columns, 0, sizeof(CdcColumns));
		{
			Datum		cols = SPI_getbinval(tup, desc, 8, &isnull);

			if (!isnull)
				columns_from_datum(&def->columns, &def->columns.names, cols, true);
			cols = SPI_getbinval(tup, desc, 10, &isnull);
			if (!isnull)
				columns_from_datum(&def->columns, &def->columns.missing, cols, false);
			else
				def->columns.missing =
					MemoryContextAllocZero(TopMemoryContext,
										   sizeof(char *) * Max(def->columns.ncolumns, 1));
			cols = SPI_getbinval(tup, desc, 9, &isnull);
			def->columns.followed_upto = isnull ? InvalidXLogRecPtr :
				DatumGetLSN(cols);
		}
		found = true;
	}
	SPI_finish();
	if (found)
		def->origin = replorigin_by_name(def->origin_name, false);
	PopActiveSnapshot();
	CommitTransactionCommand();
	return found;
}

/* Runs one statement about the sync's row, with $1 = sync id. */
static void
update_sync_row(int32 id, const char *sql, int nargs, Oid *argtypes,
				Datum *args, const char *nulls)
{
	Oid			types[8];
	Datum		values[8];
	char		n[9];

	Assert(nargs < 8);
	types[0] = INT4OID;
	values[0] = Int32GetDatum(id);
	n[0] = ' ';
	for (int i = 0; i < nargs; i++)
	{
		types[i + 1] = argtypes[i];
		values[i + 1] = args[i];
		n[i + 1] = nulls ? nulls[i] : ' ';
	}
	n[nargs + 1] = '\0';
	SPI_connect();
	if (SPI_execute_with_args(sql, nargs + 1, types, values, n, false, 0) !=
		SPI_OK_UPDATE)
		elog(ERROR, "could not update olap.sync");
	SPI_finish();
}

/*
 * The initial copy, in one REPEATABLE READ transaction with the slot's
 * initial snapshot (see the file header).
 */
static void
initial_copy(SyncDef *def)
{
	LogicalDecodingContext *ctx;
	Snapshot	snap;
	XLogRecPtr	consistent;
	uint64		copied;
	Oid			argtypes[2] = {INT8OID, PG_LSNOID};
	Datum		args[2];

	/* a slot left by an attempt that crashed before committing */
	if (SearchNamedReplicationSlot(def->slot_name, true) != NULL)
		ReplicationSlotDrop(def->slot_name, true);

	pgstat_report_activity(STATE_RUNNING, "initial copy");
	begin_sync_transaction();
	XactIsoLevel = XACT_REPEATABLE_READ;

	CheckLogicalDecodingRequirements();
	ReplicationSlotCreate(def->slot_name, true, RS_EPHEMERAL, false);
	ctx = CreateInitDecodingContext(CDC_PLUGIN_NAME, NIL, true,
									InvalidXLogRecPtr,
									XL_ROUTINE(.page_read = read_local_xlog_page,
											   .segment_open = wal_segment_open,
											   .segment_close = wal_segment_close),
									NULL, NULL, NULL);
	DecodingContextFindStartpoint(ctx);
	InvalidateCatalogSnapshot();
	snap = SnapBuildInitialSnapshot(ctx->snapshot_builder);
	RestoreTransactionSnapshot(snap, MyProc);
	consistent = MyReplicationSlot->data.confirmed_flush;
	FreeDecodingContext(ctx);

	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	if (SPI_execute(def->copy_sql, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not copy the sync source");
	copied = SPI_processed;
	SPI_finish();
	args[0] = Int64GetDatum((int64) copied);
	args[1] = LSNGetDatum(consistent);
	update_sync_row(def->id,
					"UPDATE olap.sync SET copy_done = true, rows_copied = $2, "
					"  last_applied_lsn = $3, last_applied_at = now(), "
					"  source_columns = " SOURCE_COLUMNS_SQL " "
					"WHERE sync_id = $1",
					2, argtypes, args, NULL);
	PopActiveSnapshot();

	ReplicationSlotPersist();
	replorigin_session_origin_lsn = consistent;
	replorigin_session_origin_timestamp = GetCurrentTimestamp();
	CommitTransactionCommand();
	replorigin_session_origin_lsn = InvalidXLogRecPtr;
	replorigin_session_origin_timestamp = 0;
	ReplicationSlotRelease();
	def->copy_done = true;
	/* the columns as copied */
	(void) load_sync(def->id, def);
	ereport(LOG,
			(errmsg("olap sync %d copied " UINT64_FORMAT " rows, streaming from %X/%X",
					def->id, copied, LSN_FORMAT_ARGS(consistent))));
}

/*
 * Applies the batch in local transactions (one, unless the target must be
 * fixed before the rest can be applied: then the part before is committed
 * and the next round raises the error) that also record the counters and
 * move the origin to the end of the last source commit applied.
 */
static void
apply_batch(SyncDef *def, CdcBatch *batch)
{
	Oid			argtypes[6] = {INT8OID, INT8OID, INT8OID, INT8OID,
	PG_LSNOID, TIMESTAMPTZOID};
	Datum		args[6];
	CdcApplied	applied;

	pgstat_report_activity(STATE_RUNNING, "applying changes");
	while (batch->changes != NIL)
	{
		int			limit;
		Oid			coltype[3] = {TEXTARRAYOID, PG_LSNOID, TEXTARRAYOID};
		Datum		colarg[3];

		/*
		 * The target follows the source's columns first, in a transaction
		 * that also records the columns followed (a crash after it finds
		 * both done); only when the batch has a descriptor this worker has
		 * not followed yet.
		 */
		limit = list_length(batch->changes);
		if (CdcSchemaChanged(batch, &def->columns))
		{
			begin_sync_transaction();
			PushActiveSnapshot(GetTransactionSnapshot());
			limit = CdcSchemaFollow(batch, def->target, &def->columns);
			colarg[0] = columns_to_datum(&def->columns, def->columns.names);
			colarg[1] = LSNGetDatum(def->columns.followed_upto);
			colarg[2] = columns_to_datum(&def->columns, def->columns.missing);
			update_sync_row(def->id,
							"UPDATE olap.sync SET source_columns = $2, source_columns_upto = $3, "
							"  source_missing = $4 "
							"WHERE sync_id = $1 AND (source_columns IS DISTINCT FROM $2 "
							"  OR source_columns_upto IS DISTINCT FROM $3 "
							"  OR source_missing IS DISTINCT FROM $4)",
							3, coltype, colarg, NULL);
			PopActiveSnapshot();
			CommitTransactionCommand();
		}

		begin_sync_transaction();
		PushActiveSnapshot(GetTransactionSnapshot());
		CdcApplyBatch(batch, def->target, &def->columns, limit, &applied);
		Assert(applied.nchanges > 0);
		args[0] = Int64GetDatum(applied.ninserts);
		args[1] = Int64GetDatum(applied.nupdates);
		args[2] = Int64GetDatum(applied.ndeletes);
		args[3] = Int64GetDatum(applied.ntruncates);
		args[4] = LSNGetDatum(applied.end_lsn);
		args[5] = TimestampTzGetDatum(applied.commit_time);
		update_sync_row(def->id,
						"UPDATE olap.sync SET rows_inserted = rows_inserted + $2, "
						"  rows_updated = rows_updated + $3, "
						"  rows_deleted = rows_deleted + $4, "
						"  truncates = truncates + $5, "
						"  batches = batches + 1, "
						"  last_applied_lsn = $6, last_source_commit = $7, "
						"  last_applied_at = now() "
						"WHERE sync_id = $1",
						6, argtypes, args, NULL);
		PopActiveSnapshot();
		replorigin_session_origin_lsn = applied.end_lsn;
		replorigin_session_origin_timestamp = applied.commit_time;
		CommitTransactionCommand();
		replorigin_session_origin_lsn = InvalidXLogRecPtr;
		replorigin_session_origin_timestamp = 0;
		batch->changes = list_delete_first_n(batch->changes, applied.nchanges);
		batch->nchanges -= applied.nchanges;
	}
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* Confirms the slot up to lsn when that moves it forward. */
static void
confirm_upto(XLogRecPtr lsn)
{
	if (lsn != InvalidXLogRecPtr &&
		lsn > MyReplicationSlot->data.confirmed_flush)
		LogicalConfirmReceivedLocation(lsn);
}

/* Whether the batch's oldest change waited olap.sync_max_latency. */
static bool
latency_due(CdcBatch *batch)
{
	return batch->nchanges > 0 &&
		TimestampDifferenceExceeds(batch->first_change_at,
								   GetCurrentTimestamp(),
								   olap_sync_max_latency);
}

/*
 * Creating the decoding context outside a transaction marks this backend
 * PROC_IN_LOGICAL_DECODING, which makes every other backend leave it out
 * of its snapshots: right for a walsender, whose xmin the slot's
 * catalog_xmin stands for and which never writes, but this worker also
 * writes, in the transactions that apply its batches.  Left out of other
 * snapshots, a running apply transaction would look aborted to them (they
 * may even hint its new catalog and data rows as such, losing them), so
 * the mark is taken off: the worker is then an ordinary backend whose
 * transactions others wait for and whose xmin counts.  Decoding does not
 * need the mark; the slot keeps the catalog rows it reads.
 */
static void
show_own_transactions(void)
{
	LWLockAcquire(ProcArrayLock, LW_EXCLUSIVE);
	MyProc->statusFlags &= ~PROC_IN_LOGICAL_DECODING;
	ProcGlobal->statusFlags[MyProc->pgxactoff] = MyProc->statusFlags;
	LWLockRelease(ProcArrayLock);
}

/* The streaming loop; returns only by error or signal. */
static void
stream_changes(SyncDef *def)
{
	MemoryContext decoding_ctx;
	MemoryContext old;
	LogicalDecodingContext *ctx;
	CdcBatch   *batch;
	XLogRecPtr	start_lsn;
	bool		need_inval = true;

	batch = MemoryContextAllocZero(TopMemoryContext, sizeof(CdcBatch));
	batch->context = AllocSetContextCreate(TopMemoryContext,
										   "olap_ext cdc batch",
										   ALLOCSET_DEFAULT_SIZES);
	batch->source_relid = def->source;
	CdcBatchReset(batch);
	CdcDecodeSetBatch(batch);

	start_lsn = replorigin_session_get_progress(false);
	if (SearchNamedReplicationSlot(def->slot_name, true) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("replication slot \"%s\" of olap sync %d does not exist",
						def->slot_name, def->id),
				 errdetail("Without its slot the sync cannot know which changes of the source it missed."),
				 errhint("Drop and recreate the sync.")));
	ReplicationSlotAcquire(def->slot_name, true);
	decoding_ctx = AllocSetContextCreate(TopMemoryContext,
										 "olap_ext cdc decoding",
										 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(decoding_ctx);
	ctx = CreateDecodingContext(start_lsn, NIL, false,
								XL_ROUTINE(.page_read = read_local_xlog_page,
										   .segment_open = wal_segment_open,
										   .segment_close = wal_segment_close),
								NULL, NULL, NULL);
	MemoryContextSwitchTo(old);
	show_own_transactions();
	if (XLogRecPtrIsInvalid(MyReplicationSlot->data.restart_lsn))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("replication slot \"%s\" of olap sync %d no longer reserves WAL",
						def->slot_name, def->id),
				 errhint("Drop and recreate the sync.")));
	XLogBeginRead(ctx->reader, MyReplicationSlot->data.restart_lsn);
	ereport(DEBUG1,
			(errmsg_internal("olap sync %d streams from %X/%X", def->id,
							 LSN_FORMAT_ARGS(start_lsn))));

	for (;;)
	{
		XLogRecPtr	end_of_wal;
		bool		caught_up;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		end_of_wal = GetFlushRecPtr(NULL);
		if (need_inval && ctx->reader->EndRecPtr < end_of_wal)
		{
			InvalidateSystemCaches();
			need_inval = false;
		}
		while (ctx->reader->EndRecPtr < end_of_wal &&
			   batch->nchanges < olap_sync_max_batch_rows &&
			   !latency_due(batch))
		{
			XLogRecord *record;
			char	   *errm = NULL;

			record = XLogReadRecord(ctx->reader, &errm);
			if (errm)
				elog(ERROR, "could not read WAL for olap sync %d: %s",
					 def->id, errm);
			if (record != NULL)
				LogicalDecodingProcessRecord(ctx, ctx->reader);
			CHECK_FOR_INTERRUPTS();
		}
		caught_up = ctx->reader->EndRecPtr >= end_of_wal;

		if (batch->nchanges > 0 &&
			(batch->nchanges >= olap_sync_max_batch_rows || latency_due(batch)))
		{
			InvalidateSystemCaches();
			apply_batch(def, batch);
			need_inval = true;
			CdcBatchReset(batch);
		}

		/*
		 * Durable progress: the origin's flushed position, or everything
		 * decoded so far when nothing waits to be applied and all that was
		 * applied is flushed.
		 */
		if (batch->nchanges == 0 &&
			replorigin_session_get_progress(false) ==
			replorigin_session_get_progress(true))
			confirm_upto(ctx->reader->EndRecPtr);
		else
			confirm_upto(replorigin_session_get_progress(true));

		if (caught_up)
		{
			long		timeout = CDC_IDLE_SLEEP_MS;

			if (batch->nchanges > 0)
			{
				long		waited = TimestampDifferenceMilliseconds(batch->first_change_at,
																	 GetCurrentTimestamp());

				timeout = Max(1, Min(timeout, olap_sync_max_latency - waited));
			}
			(void) WaitLatch(MyLatch,
							 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 timeout, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
	}
}

/* Whether an error needs the user (the sync stops in state 'error'). */
static bool
error_stops_sync(int sqlerrcode)
{
	switch (sqlerrcode)
	{
		case ERRCODE_DATATYPE_MISMATCH:
		case ERRCODE_DATA_EXCEPTION:
		case ERRCODE_UNIQUE_VIOLATION:
		case ERRCODE_UNDEFINED_TABLE:
		case ERRCODE_UNDEFINED_OBJECT:
			return true;
		default:
			return false;
	}
}

/*
 * After an error escaped the worker's work: cleans up, stores the error in
 * olap.sync and exits (see the file header for the exit status).
 */
static void
handle_error(int32 id)
{
	ErrorData  *edata;
	bool		stop;
	Oid			argtypes[2] = {TEXTOID, BOOLOID};
	Datum		args[2];

	MemoryContextSwitchTo(TopMemoryContext);
	edata = CopyErrorData();
	EmitErrorReport();
	FlushErrorState();
	AbortOutOfAnyTransaction();
	if (MyReplicationSlot != NULL)
		ReplicationSlotRelease();
	CdcDecodeSetBatch(NULL);
	replorigin_session_origin_lsn = InvalidXLogRecPtr;
	replorigin_session_origin_timestamp = 0;
	if (replorigin_session_origin != InvalidRepOriginId)
	{
		replorigin_session_reset();
		replorigin_session_origin = InvalidRepOriginId;
	}

	stop = error_stops_sync(edata->sqlerrcode);
	args[0] = CStringGetTextDatum(edata->message ? edata->message : "unknown error");
	args[1] = BoolGetDatum(stop);
	if (OlapWorkerStartTransaction())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		update_sync_row(id,
						"UPDATE olap.sync SET last_error = $2, last_error_at = now(), "
						"  state = CASE WHEN $3 THEN 'error' ELSE state END "
						"WHERE sync_id = $1",
						2, argtypes, args, NULL);
		PopActiveSnapshot();
	}
	CommitTransactionCommand();
	proc_exit(stop ? 0 : 1);
}

/* Entry point of a sync worker (see the file header). */
void
OlapSyncWorkerMain(Datum main_arg)
{
	int32		id = DatumGetInt32(main_arg);
	Oid			dboid;
	LOCKTAG		tag;
	SyncDef		def;

	memcpy(&dboid, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);

	/* one worker per sync; stoppers wait for this lock */
	CdcSyncLockTag(&tag, id);
	(void) LockAcquire(&tag, ExclusiveLock, true, false);

	memset(&def, 0, sizeof(def));
	if (!load_sync(id, &def) || strcmp(def.state, "active") != 0)
		proc_exit(0);
	pgstat_report_appname(psprintf("olap sync %d", id));

	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
		replorigin_session_setup(def.origin);
		replorigin_session_origin = def.origin;
		CommitTransactionCommand();
		if (!def.copy_done)
			initial_copy(&def);
		stream_changes(&def);
	}
	PG_CATCH();
	{
		handle_error(id);
	}
	PG_END_TRY();
	proc_exit(0);
}
