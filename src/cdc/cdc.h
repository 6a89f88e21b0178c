/*-------------------------------------------------------------------------
 *
 * cdc.h
 *	  Interfaces between the parts of CDC (change data capture into olap
 *	  tables): the output plugin (cdc_decode.c) fills a batch of changes,
 *	  the apply code (cdc_apply.c) writes a batch into the target table,
 *	  cdc_schema.c makes the target follow the source's ALTER TABLEs,
 *	  the sync worker (cdc_worker.c) drives both, cdc_api.c holds the
 *	  SQL-callable helpers that start and stop workers, and cdc_drop.c
 *	  drops slots and origins with syncs, the extension or the database.
 *
 * See src/cdc/README for the design.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_CDC_H
#define OLAP_CDC_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "access/xlogdefs.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "storage/lock.h"
#include "utils/relcache.h"

/* name of the output plugin: the library itself */
#define CDC_PLUGIN_NAME "olap_ext"

/* longest wait before the supervising duty restarts a failed worker */
#define CDC_MAX_BACKOFF_MS 60000

/* first key of the advisory lock a running sync worker holds */
#define CDC_LOCK_CLASS 0x4f4c4150	/* "OLAP" */

typedef enum CdcChangeKind
{
	CDC_INSERT,
	CDC_UPDATE,
	CDC_DELETE,
	CDC_TRUNCATE
} CdcChangeKind;

/*
 * One decoded change of the source table, copied out of the reorder
 * buffer.  Tuples are in the source's descriptor of the time of the change
 * (desc).  unchanged, when set, flags the columns of newtuple that the
 * decoder left out because they are TOASTed and were not changed (they are
 * NULL in newtuple).  oldtuple is set for UPDATE and DELETE when the
 * decoder logged the old key (or the whole old row under REPLICA IDENTITY
 * FULL).
 */
typedef struct CdcChange
{
	CdcChangeKind kind;
	TupleDesc	desc;
	HeapTuple	oldtuple;
	HeapTuple	newtuple;
	bool	   *unchanged;
	XLogRecPtr	txn_end_lsn;	/* end of the commit of its transaction */
	TimestampTz commit_time;	/* commit time of its transaction */
} CdcChange;

/* What one local transaction applied. */
typedef struct CdcApplied
{
	int			nchanges;		/* a prefix of the batch's changes */
	int64		ninserts;
	int64		nupdates;
	int64		ndeletes;
	int64		ntruncates;
	XLogRecPtr	end_lsn;		/* end of the last source commit applied */
	TimestampTz commit_time;
} CdcApplied;

/*
 * Changes of whole source transactions, in commit order, waiting to be
 * applied in one local transaction.  Everything hangs off context, which
 * the worker resets after each apply.
 */
typedef struct CdcBatch
{
	MemoryContext context;
	Oid			source_relid;
	List	   *changes;		/* of CdcChange */
	int64		nchanges;
	int64		ninserts;
	int64		nupdates;
	int64		ndeletes;
	int64		ntruncates;
	int			ntransactions;	/* source commits with changes */
	int			txn_first;		/* first change of the transaction being
								 * decoded */
	XLogRecPtr	end_lsn;		/* end of the last commit with changes */
	TimestampTz commit_time;	/* its commit time */
	TimestampTz first_change_at;	/* local time the batch got its first
									 * change */
	XLogRecPtr	decoded_upto;	/* end of the last commit decoded (any) */
	TupleDesc	last_desc;		/* copy of the newest source descriptor */
} CdcBatch;

/*
 * The names of the source's columns by attribute number (names[attnum - 1];
 * NULL: dropped) as of the last applied batch; olap.sync.source_columns,
 * source_missing and source_columns_upto.
 */
typedef struct CdcColumns
{
	int			ncolumns;
	char	  **names;			/* in TopMemoryContext */
	char	  **missing;		/* text of the value rows older than an ADD
								 * COLUMN have (attmissingval), or NULL */
	XLogRecPtr	followed_upto;	/* descriptors of source transactions that
								 * ended at or before this are followed */
	TupleDesc	followed;		/* copy of the last descriptor followed, in
								 * TopMemoryContext, or NULL */
} CdcColumns;

/*
 * Where the target's columns come from in tuples of one source
 * descriptor: source[t] is the source column of target column t (-1:
 * none); convert[t] says its value goes through the types' text I/O;
 * added[t] says the source column was added after desc (new rows of desc
 * get the value rows of that time have: missing[t], text, read with in[t]).
 */
typedef struct CdcColumnMap
{
	TupleDesc	desc;			/* the source descriptor */
	int		   *source;
	bool	   *convert;
	bool	   *added;
	char	  **missing;
	FmgrInfo   *out;
	FmgrInfo   *in;
	Oid		   *ioparam;
} CdcColumnMap;

/* cdc_decode.c */
extern void CdcDecodeSetBatch(CdcBatch *batch);
extern void CdcBatchReset(CdcBatch *batch);

/* cdc_apply.c */
extern void CdcApplyBatch(CdcBatch *batch, Oid target_relid,
						  CdcColumns *columns, int limit,
						  CdcApplied *applied);

/* cdc_schema.c */
extern bool CdcSameColumns(TupleDesc a, TupleDesc b);
extern bool CdcSchemaChanged(CdcBatch *batch, CdcColumns *columns);
extern int	CdcSchemaFollow(CdcBatch *batch, Oid target_relid,
							CdcColumns *columns);
extern void CdcColumnMapBuild(CdcColumnMap *map, TupleDesc desc,
							  TupleDesc target, CdcColumns *columns);
extern Datum CdcColumnMapValue(CdcColumnMap *map, TupleDesc target, int t,
							   Datum value);

/* cdc_api.c */
extern void CdcInit(void);
extern void CdcSyncLockTag(LOCKTAG *tag, int32 sync_id);
extern bool CdcStopWorker(int32 sync_id);

/* cdc_drop.c */
extern void CdcDropInit(void);

/* cdc_worker.c */
extern PGDLLEXPORT void OlapSyncWorkerMain(Datum main_arg);

#endif							/* OLAP_CDC_H */
