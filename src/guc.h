/*-------------------------------------------------------------------------
 *
 * guc.h
 *	  Every olap.* setting of olap_ext, with its limits.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_GUC_H
#define OLAP_GUC_H

#define OLAP_DEFAULT_STRIPE_ROWS 150000
#define OLAP_MIN_STRIPE_ROWS 100
#define OLAP_MAX_STRIPE_ROWS 10000000

#define OLAP_DEFAULT_CHUNK_GROUP_ROWS 10000
#define OLAP_MIN_CHUNK_GROUP_ROWS 10
#define OLAP_MAX_CHUNK_GROUP_ROWS 1000000

#define OLAP_DEFAULT_SYNC_MAX_BATCH_ROWS 150000
#define OLAP_MIN_SYNC_MAX_BATCH_ROWS 1
#define OLAP_MAX_SYNC_MAX_BATCH_ROWS 10000000

#define OLAP_DEFAULT_SYNC_MAX_LATENCY_MS 1000
#define OLAP_MIN_SYNC_MAX_LATENCY_MS 1
#define OLAP_MAX_SYNC_MAX_LATENCY_MS 3600000

#define OLAP_DEFAULT_WORKER_NAPTIME_MS 10000
#define OLAP_MIN_WORKER_NAPTIME_MS 100
#define OLAP_MAX_WORKER_NAPTIME_MS 3600000

#define OLAP_DEFAULT_MAX_DATABASE_WORKERS 16
#define OLAP_MAX_MAX_DATABASE_WORKERS 1024

#define OLAP_DEFAULT_JOB_HISTORY_SIZE 100
#define OLAP_DEFAULT_CHUNK_METADATA_CACHE_KB (16 * 1024)
#define OLAP_MAX_JOB_HISTORY_SIZE 1000000

/*
 * Cost of starting one parallel worker for an OlapScan, as a multiple of
 * parallel_setup_cost: on the 2-core benchmark machine a plan with 2
 * workers ends 8-15 ms later than its work divided among its processes,
 * where 1 ms of scanning is about 500 units of PostgreSQL's sequential
 * scan estimates, so 4,000 units per worker with the default
 * parallel_setup_cost of 1,000 (see src/scan/scan_cost.c).
 */
#define OLAP_DEFAULT_PARALLEL_WORKER_SETUP_FACTOR 4.0
#define OLAP_MAX_PARALLEL_WORKER_SETUP_FACTOR 1000.0

/*
 * olap.parallel_cpus: the CPUs the processes of a parallel OlapScan share;
 * its default is the count the operating system reports online when the
 * library is loaded, 0 leaves the worker count to PostgreSQL alone.
 */
#define OLAP_MAX_PARALLEL_CPUS 1024

extern int	olap_compression;
extern int	olap_compression_level;
extern int	olap_stripe_row_limit;
extern int	olap_chunk_group_row_limit;
extern bool olap_enable_custom_scan;
extern bool olap_enable_vectorization;
extern int	olap_sync_max_batch_rows;
extern int	olap_sync_max_latency;
extern bool olap_enable_workers;
extern int	olap_worker_naptime;
extern int	olap_max_database_workers;
extern int	olap_job_history_size;
extern bool olap_enable_vectorized_agg;
extern bool olap_enable_partitioned_agg;
extern bool olap_enable_runtime_filter;
extern bool olap_jit_olap_agg_plans;
extern int	olap_chunk_metadata_cache_size;
extern double olap_parallel_worker_setup_factor;
extern int	olap_parallel_cpus;

extern bool olap_preloaded;

extern void OlapGucInit(void);

#endif							/* OLAP_GUC_H */
