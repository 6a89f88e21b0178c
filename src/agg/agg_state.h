/*-------------------------------------------------------------------------
 *
 * agg_state.h
 *	  The executor state of OlapAgg, shared by agg_exec.c (the node, groups,
 *	  spilling, output) and agg_advance.c (the per-batch aggregate loops).
 *	  Private to src/agg.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_STATE_H
#define OLAP_AGG_STATE_H

#include "access/parallel.h"
#include "nodes/execnodes.h"
#include "port/atomics.h"

#include "agg/agg_hash.h"
#include "agg/agg_input.h"
#include "agg/agg_spill.h"
#include "scan/batch.h"
#include "scan/vector_quals.h"

/* How an aggregate consumes a batch. */
typedef enum OlapAggMethod
{
	AGG_METHOD_TRANSFN,			/* transition function per selected value */
	AGG_METHOD_COUNT_STAR,		/* count(*): add the selected rows */
	AGG_METHOD_COUNT,			/* count(x): add the non-null ones */
	AGG_METHOD_SUM_INT,			/* sum(int2/int4) into an int8 state */
	AGG_METHOD_MIN_INT,			/* min over integers, dates, timestamps */
	AGG_METHOD_MAX_INT,			/* max over the same */
	AGG_METHOD_COUNT_DISTINCT,	/* count(DISTINCT x): a set per aggregate */
	AGG_METHOD_SUM_NUMERIC,		/* sum/avg(numeric): agg_numeric.c */
	AGG_METHOD_MIN_NUMERIC,		/* min(numeric): agg_numeric.c */
	AGG_METHOD_MAX_NUMERIC,		/* max(numeric): agg_numeric.c */
	AGG_METHOD_AVG_INT,			/* avg(int2/int4): int8[2] count and sum */
	AGG_METHOD_PERCENTILE,		/* percentile_disc/cont: agg_percentile.c */
	AGG_METHOD_MIN_TEXT,		/* min(text) under the C collation */
	AGG_METHOD_MAX_TEXT			/* max(text) under the C collation */
} OlapAggMethod;

/* One aggregate of the node, with its transition state. */
typedef struct OlapAggTrans
{
	Aggref	   *aggref;
	AggInput   *arg;			/* the argument; NULL for count(*) */
	OlapAggMethod method;
	int16		int_width;		/* bytes of the integer, for the MIN/MAX methods */

	FmgrInfo	transfn;
	FmgrInfo	finalfn;		/* fn_oid InvalidOid: none */
	FmgrInfo	serialfn;		/* for partial internal states; or none */
	bool		partial;		/* emit the transition state */
	FunctionCallInfo fcinfo;	/* of the transition function */

	Oid			transtype;
	int16		translen;
	bool		transbyval;
	Datum		initval;
	bool		initval_null;

	/* FILTER (WHERE ...): vectorized, or evaluated per row */
	VectorQuals *filter_quals;
	AggInput   *filter;
	uint32	   *selection;		/* the rows passing the filter */
	uint32		selection_size;

	bool		final_read_only;	/* the final function leaves the state be */
	struct OlapAggTrans *shared;	/* computes the same states, or NULL */

	AggDistinctSet *distinct;	/* AGG_METHOD_COUNT_DISTINCT */
	struct AggPercentile *percentile;	/* AGG_METHOD_PERCENTILE */
	AggValueType distinct_type;

	Datum	   *states;			/* by group number */
	bool	   *nulls;

	/* agg_numeric.c's accumulators, AGG_NUMERIC_BLOCK groups per block */
	struct AggNumericSum **numeric_blocks;
	uint32		numeric_nblocks;
} OlapAggTrans;

/*
 * A bucket of the group table when the only key is integer-like: the key
 * value sits next to the group number, so a probe compares it without
 * reading the group's arrays.
 */
typedef struct AggIntBucket
{
	uint32		hash;			/* the group hash */
	uint32		group;			/* group number + 1; 0: free */
	int64		key;			/* the key value; 0 for the NULL group */
} AggIntBucket;

/* One grouping key: a column of the batch or an expression of columns. */
typedef struct OlapAggKey
{
	AggInput	input;
	AggValueType type;
} OlapAggKey;

typedef struct OlapAggState
{
	CustomScanState css;
	PlanState  *scan;			/* the OlapScan child */
	int			ntrans;
	OlapAggTrans *trans;		/* by custom_scan_tlist position */
	AggState   *call_context;	/* stand-in for AggCheckCallContext */
	MemoryContext agg_context;	/* transition states */
	MemoryContext batch_context;	/* garbage of one batch */
	MemoryContext query_context;	/* the node's lifetime */
	bool		aggregated;		/* the input was read */
	uint64		batches;
	uint64		rows;			/* selected rows aggregated */

	/* groups: number g has its keys at keyvals[g * nkeys ...] */
	int			nkeys;
	OlapAggKey *keys;
	uint32		ngroups;
	uint32		capacity;		/* of the per-group arrays */
	Datum	   *keyvals;
	bool	   *keynulls;
	uint32	   *hashes;
	uint64	   *buckets;		/* open addressing: hash << 32 | group + 1;
								 * 0 free; NULL when int_key */
	bool		int_key;		/* one integer-like key: ibuckets instead */
	AggIntBucket *ibuckets;		/* open addressing, as buckets */
	uint32		nbuckets;		/* a power of two, at least twice ngroups */
	uint32	   *gids;			/* group of each selected row, by row */
	uint32		gids_size;
	struct AggGroupCache *group_cache;	/* agg_group.c's per-batch tables */
	uint64		batches_by_codes;	/* batches grouped by dictionary codes */
	uint64		batches_by_ids; /* ... by local ids */
	uint64		batches_per_row;	/* ... by hashing every row */
	uint32		next_group;		/* next group to return */

	/*
	 * Partitioned parallel plans (agg_partition.c): every process reads all
	 * rows and aggregates the groups of the hash partitions it claims, one
	 * at a time, from a counter in shared memory.
	 */
	int			nparts;			/* partitions of the plan; 1: none */
	bool		partitioned;	/* rows of other partitions are skipped */
	uint32		part;			/* the partition being aggregated */
	uint32		claims;			/* partitions claimed since the (re)scan */
	uint64		parts_done;		/* partitions aggregated by this process */
	pg_atomic_uint32 *next_part;	/* in the DSM; NULL outside parallel */

	/* spilling when the groups outgrow the hash memory limit */
	Size		mem_limit;		/* bytes of the aggregate context */
	bool		spilling;		/* no new groups: rows of others spill */
	int			level;			/* hash bits used by the current pass */
	bool	   *columns;		/* [natts]: columns the node reads */
	AggSpill	spill;
	AggSpillFile *files[AGG_SPILL_PARTITIONS];	/* written by this pass */
	List	   *pending;		/* AggSpillFiles still to aggregate */
	bool		batch_spilled;	/* rows of the batch went to files */
	uint32	   *kept;			/* the batch's selected rows not spilled */
	uint32		kept_size;
	uint64		groups_made;	/* by this process, over all passes */
	uint64		spilled_rows;
	uint64		spill_files;
	uint64		passes;			/* spill files aggregated */
	bool		has_distinct;	/* count(DISTINCT) sets among the states */
	bool		repartition;	/* the sets outgrew the limit: split the pass */
	uint64		repartitions;	/* passes split that way */
	uint64		percentile_sorts;	/* percentile groups moved to a tuplesort */
	Size		peak_memory;

	/* sums of a column over one batch's rows (AggAdvanceShiftedSum) */
	uint64		batch_seq;		/* calls of aggregate_batch */
	struct
	{
		uint64		batch_seq;	/* 0: none */
		const uint32 *sel;
		uint32		n;
		AttrNumber	attnum;
		int64		sum;
		int64		count;
		int64		min;
		int64		max;
	}			column_sum;
} OlapAggState;

/*
 * With few groups, consecutive rows mostly belong to the same group, and
 * adding each row into its group's state waits for the previous row's store
 * to that state.  Batches of at least AGG_LANE_MIN_ROWS rows over at most
 * AGG_LANE_GROUPS groups are therefore counted and summed in AGG_LANES
 * interleaved sets of local accumulators (row i in lane i % AGG_LANES),
 * which are added to the states once per batch.
 */
#define AGG_LANES 4
#define AGG_LANE_GROUPS 64
#define AGG_LANE_MIN_ROWS 256

static inline bool
agg_use_lanes(const OlapAggState *state, uint32 n)
{
	return state->ngroups <= AGG_LANE_GROUPS && n >= AGG_LANE_MIN_ROWS;
}

/*
 * Whether the group of hash hash belongs to a partition other than the one
 * being aggregated.  The hash is scrambled before it is scaled to the
 * partition count, so that the partition does not follow the high bits the
 * spill files use (agg_spill_partition) nor the low bits of the buckets.
 */
static inline bool
agg_other_partition(const OlapAggState *state, uint32 hash)
{
	uint32		mixed = hash * 0x9E3779B1u;

	return state->partitioned &&
		(uint32) (((uint64) mixed * (uint32) state->nparts) >> 32) != state->part;
}

/* agg_partition.c */
extern Size AggPartitionEstimateDSM(CustomScanState *node,
									ParallelContext *pcxt);
extern void AggPartitionInitializeDSM(CustomScanState *node,
									  ParallelContext *pcxt, void *coordinate);
extern void AggPartitionReInitializeDSM(CustomScanState *node,
										ParallelContext *pcxt,
										void *coordinate);
extern void AggPartitionInitializeWorker(CustomScanState *node,
										 shm_toc *toc, void *coordinate);
extern bool AggClaimPartition(OlapAggState *state);

/* agg_exec.c */
extern uint32 AggNewGroup(OlapAggState *state, const Datum *vals,
						  const bool *isnull, uint32 hash, uint32 bucket);

/* agg_group.c */
extern void AggAssignGroups(OlapAggState *state, const OlapBatch *batch,
							const uint32 *sel, uint32 n);

/* agg_advance.c */
extern void AggAdvanceBatch(OlapAggState *state, OlapAggTrans *trans,
							const Datum *values, const bool *nulls,
							const uint32 *sel, uint32 n);
extern void AggAdvanceBatchGrouped(OlapAggState *state, OlapAggTrans *trans,
								   const Datum *values, const bool *nulls,
								   const uint32 *sel, uint32 n);
extern bool AggAdvanceShiftedSum(OlapAggState *state, OlapAggTrans *trans,
								 const OlapBatch *batch, const uint32 *sel,
								 uint32 n);
extern uint32 AggFilterRows(OlapAggState *state, OlapAggTrans *trans,
							const OlapBatch *batch, const uint32 *sel,
							uint32 n);

#endif							/* OLAP_AGG_STATE_H */
