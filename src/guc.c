/*-------------------------------------------------------------------------
 *
 * guc.c
 *	  Definitions of every olap.* configuration parameter.
 *
 * olap.enable_custom_scan is the escape hatch of the OlapScan planner
 * hook (src/scan/scan_planner.c); olap.enable_vectorization that of its
 * vectorized quals (src/scan/vector_quals.c), read when a plan is made;
 * olap.enable_vectorized_agg that of the OlapAgg planner hook
 * (src/agg/agg_planner.c).  olap.parallel_worker_setup_factor prices the
 * start of each worker of a parallel OlapScan (src/scan/scan_cost.c), and
 * olap.parallel_cpus bounds how many it asks for (src/scan/scan_planner.c);
 * its default is the number of CPUs online when the library is loaded.
 *
 * The storage settings are defaults for tables that have no per-table
 * option in olap.options (see storage/table_options.c); they are read when
 * a transaction starts writing a table, so a change applies to the next
 * stripe written.
 *
 * olap.sync_max_batch_rows and olap.sync_max_latency bound the batches of
 * the sync workers (src/cdc/cdc_worker.c); workers read them again on
 * SIGHUP.
 *
 * The worker settings (src/worker/) are read by the launcher and the
 * maintenance workers: olap.enable_workers and olap.max_database_workers
 * size shared memory and the set of registered workers, so they need a
 * restart; olap.worker_naptime and olap.job_history_size (the scheduler
 * in src/rollup/) are reread on SIGHUP.
 *
 * olap.chunk_metadata_cache_size bounds each backend's cache of stripe
 * metadata (src/storage/chunk_meta_cache.c); 0 turns the cache off.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>
#include <unistd.h>

#include "utils/guc.h"

#include "guc.h"
#include "storage/compression.h"

int			olap_compression = OLAP_COMPRESSION_ZSTD;
int			olap_compression_level = OLAP_DEFAULT_COMPRESSION_LEVEL;
int			olap_stripe_row_limit = OLAP_DEFAULT_STRIPE_ROWS;
int			olap_chunk_group_row_limit = OLAP_DEFAULT_CHUNK_GROUP_ROWS;
bool		olap_enable_custom_scan = true;
bool		olap_enable_vectorization = true;
int			olap_sync_max_batch_rows = OLAP_DEFAULT_SYNC_MAX_BATCH_ROWS;
int			olap_sync_max_latency = OLAP_DEFAULT_SYNC_MAX_LATENCY_MS;
bool		olap_enable_workers = true;
int			olap_worker_naptime = OLAP_DEFAULT_WORKER_NAPTIME_MS;
int			olap_max_database_workers = OLAP_DEFAULT_MAX_DATABASE_WORKERS;
int			olap_job_history_size = OLAP_DEFAULT_JOB_HISTORY_SIZE;
bool		olap_enable_vectorized_agg = true;
bool		olap_enable_partitioned_agg = true;
bool		olap_enable_runtime_filter = true;
double		olap_parallel_worker_setup_factor = OLAP_DEFAULT_PARALLEL_WORKER_SETUP_FACTOR;
int			olap_parallel_cpus = 0;
bool		olap_jit_olap_agg_plans = false;
int			olap_chunk_metadata_cache_size = OLAP_DEFAULT_CHUNK_METADATA_CACHE_KB;

static const struct config_enum_entry compression_options[] = {
	{"none", OLAP_COMPRESSION_NONE, false},
	{"zstd", OLAP_COMPRESSION_ZSTD, false},
	{"lz4", OLAP_COMPRESSION_LZ4, false},
	{NULL, 0, false}
};

/*
 * The CPUs online, as the operating system reports them when the library is
 * loaded; 0 (no limit) when it cannot tell.
 */
static int
online_cpus(void)
{
	long		cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		return 0;
	return (int) Min(cpus, OLAP_MAX_PARALLEL_CPUS);
}

/*
 * Defines the settings.  They carry no check hooks beyond their ranges: any
 * value in range is valid for any table.
 */
void
OlapGucInit(void)
{
	DefineCustomEnumVariable("olap.compression",
							 "Compression method for new olap stripes.",
							 "Used for tables without a compression option of their own.",
							 &olap_compression,
							 OLAP_COMPRESSION_ZSTD,
							 compression_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("olap.compression_level",
							"Compression level for new olap stripes.",
							"Applies to zstd; lz4 and none ignore it.",
							&olap_compression_level,
							OLAP_DEFAULT_COMPRESSION_LEVEL,
							OLAP_COMPRESSION_LEVEL_MIN,
							OLAP_COMPRESSION_LEVEL_MAX,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("olap.stripe_row_limit",
							"Maximum number of rows in one olap stripe.",
							NULL,
							&olap_stripe_row_limit,
							OLAP_DEFAULT_STRIPE_ROWS,
							OLAP_MIN_STRIPE_ROWS,
							OLAP_MAX_STRIPE_ROWS,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("olap.chunk_group_row_limit",
							"Maximum number of rows in one olap chunk group.",
							"Min/max statistics and decompression work per chunk group.",
							&olap_chunk_group_row_limit,
							OLAP_DEFAULT_CHUNK_GROUP_ROWS,
							OLAP_MIN_CHUNK_GROUP_ROWS,
							OLAP_MAX_CHUNK_GROUP_ROWS,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("olap.enable_custom_scan",
							 "Scans olap tables with OlapScan.",
							 "OlapScan reads only the columns a query uses and skips chunk groups by their min/max; off falls back to PostgreSQL's sequential scan.",
							 &olap_enable_custom_scan,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("olap.enable_vectorization",
							 "Evaluates the quals of OlapScan on whole batches where possible.",
							 "Comparisons, IN lists, LIKE, null and boolean tests on columns run on batches of decoded column values; off evaluates every qual one row at a time. Affects plans made after the change.",
							 &olap_enable_vectorization,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("olap.sync_max_batch_rows",
							"Changes a sync worker applies in one local transaction at most.",
							"A batch is applied when it holds this many changes or its oldest change waited olap.sync_max_latency; whole source transactions are never split.",
							&olap_sync_max_batch_rows,
							OLAP_DEFAULT_SYNC_MAX_BATCH_ROWS,
							OLAP_MIN_SYNC_MAX_BATCH_ROWS,
							OLAP_MAX_SYNC_MAX_BATCH_ROWS,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("olap.sync_max_latency",
							"Longest time a decoded change waits before its sync worker applies it.",
							NULL,
							&olap_sync_max_latency,
							OLAP_DEFAULT_SYNC_MAX_LATENCY_MS,
							OLAP_MIN_SYNC_MAX_LATENCY_MS,
							OLAP_MAX_SYNC_MAX_LATENCY_MS,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("olap.enable_workers",
							 "Runs the olap_ext launcher and maintenance workers.",
							 "One maintenance worker per database with olap_ext runs the rollup scheduler and other duties; needs shared_preload_libraries.",
							 &olap_enable_workers,
							 true,
							 PGC_POSTMASTER,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("olap.max_database_workers",
							"Maximum number of databases with an olap_ext maintenance worker.",
							"Each takes a background worker slot (see max_worker_processes).",
							&olap_max_database_workers,
							OLAP_DEFAULT_MAX_DATABASE_WORKERS,
							1,
							OLAP_MAX_MAX_DATABASE_WORKERS,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("olap.worker_naptime",
							"Longest sleep of the olap_ext launcher and maintenance workers.",
							"Workers wake earlier when a duty is due or olap.worker_wake() is called.",
							&olap_worker_naptime,
							OLAP_DEFAULT_WORKER_NAPTIME_MS,
							OLAP_MIN_WORKER_NAPTIME_MS,
							OLAP_MAX_WORKER_NAPTIME_MS,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("olap.job_history_size",
							"Runs of each job kept in olap.job_runs.",
							"The scheduler deletes older runs.",
							&olap_job_history_size,
							OLAP_DEFAULT_JOB_HISTORY_SIZE,
							1,
							OLAP_MAX_JOB_HISTORY_SIZE,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("olap.chunk_metadata_cache_size",
							"Memory each backend may keep stripe metadata in.",
							"Scans then read the chunk metadata of a stripe from the catalogs only the first time. 0 turns the cache off.",
							&olap_chunk_metadata_cache_size,
							OLAP_DEFAULT_CHUNK_METADATA_CACHE_KB,
							0,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("olap.jit_olap_agg_plans",
							 "Lets PostgreSQL JIT-compile plans that aggregate in OlapAgg.",
							 "Off (the default) clears the JIT flags of such plans: OlapAgg does their work in its own batch loops, and compiling the rest costs more than it saves, above all in parallel workers, which each start LLVM. Affects plans made after the change.",
							 &olap_jit_olap_agg_plans,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("olap.enable_vectorized_agg",
							 "Enables OlapAgg, the aggregation of OlapScan batches.",
							 "Supported aggregates over one olap table are computed on whole batches of column values, also as partial aggregation under Gather; off leaves aggregation to PostgreSQL's Agg. Affects plans made after the change.",
							 &olap_enable_vectorized_agg,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("olap.enable_partitioned_agg",
							 "Enables partitioned parallel aggregation in OlapAgg.",
							 "With grouping keys, every process of a parallel plan may read all rows and aggregate a hash partition of the groups to final values, instead of a share of the rows to partial states; the planner picks it by cost for many groups and count(DISTINCT) per group. Affects plans made after the change.",
							 &olap_enable_partitioned_agg,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomRealVariable("olap.parallel_worker_setup_factor",
							 "Planner's estimate of the cost of starting one parallel worker for an olap scan, as a multiple of parallel_setup_cost.",
							 "Added per planned worker to parallel OlapScan paths, on top of parallel_setup_cost itself, so that scans finishing in a few milliseconds are not split among workers whose start takes longer.",
							 &olap_parallel_worker_setup_factor,
							 OLAP_DEFAULT_PARALLEL_WORKER_SETUP_FACTOR,
							 0.0,
							 OLAP_MAX_PARALLEL_WORKER_SETUP_FACTOR,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("olap.parallel_cpus",
							"Number of CPUs the processes of a parallel olap scan share.",
							"A parallel OlapScan plans at most this many processes: one less worker than CPUs while the leader takes part (parallel_leader_participation), as many as CPUs otherwise; decoding olap tables keeps a process busy, so a process beyond the CPU count only adds its start-up.  The default is the number of CPUs online when olap_ext was loaded; 0 leaves the count to max_parallel_workers_per_gather alone.",
							&olap_parallel_cpus,
							online_cpus(),
							0,
							OLAP_MAX_PARALLEL_CPUS,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("olap.enable_runtime_filter",
							 "Enables runtime filters: an OlapScan under a hash join skips the rows and chunk groups whose key is not in the join's hash table.",
							 "Applies to inner, semi and right hash joins on an integer, date or timestamp column of the olap table whose hash table fits in memory; the join's result is the same either way. Affects queries started after the change.",
							 &olap_enable_runtime_filter,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("olap");
}
