/*-------------------------------------------------------------------------
 *
 * agg_partition.c
 *	  Partitioned parallel aggregation: which hash partitions of the groups
 *	  a process of the plan aggregates.
 *
 * In a partitioned plan (Gather -> OlapAgg -> OlapScan, the scan not
 * parallel-aware) every process reads all rows of the table, and the groups
 * are split instead of the rows: the partition of a group is a function of
 * its group hash (agg_other_partition), so each group is aggregated whole
 * by exactly one process, which returns its final values.  Nothing needs
 * combining, and each process's hash table holds only its share of the
 * groups, which is what makes many groups (and count(DISTINCT) sets per
 * group) faster with workers: the serial work is in the probes of a table
 * too big for the CPU caches, not in reading the columns.
 *
 * The processes claim partitions from a counter in the node's DSM chunk,
 * one at a time, until none is left; the plan has one partition per
 * planned process, so a process aggregates more than one only when fewer
 * workers were launched (each claim is one more pass over the table).
 * Without a DSM (the Gather ran without parallel mode) the node aggregates
 * every group in one pass.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "nodes/execnodes.h"
#include "port/atomics.h"

#include "agg/agg_state.h"

Size
AggPartitionEstimateDSM(CustomScanState *node, ParallelContext *pcxt)
{
	return sizeof(pg_atomic_uint32);
}

void
AggPartitionInitializeDSM(CustomScanState *node, ParallelContext *pcxt,
						  void *coordinate)
{
	OlapAggState *state = (OlapAggState *) node;

	state->next_part = (pg_atomic_uint32 *) coordinate;
	pg_atomic_init_u32(state->next_part, 0);
}

void
AggPartitionReInitializeDSM(CustomScanState *node, ParallelContext *pcxt,
							void *coordinate)
{
	pg_atomic_write_u32((pg_atomic_uint32 *) coordinate, 0);
}

void
AggPartitionInitializeWorker(CustomScanState *node, shm_toc *toc,
							 void *coordinate)
{
	OlapAggState *state = (OlapAggState *) node;

	state->next_part = (pg_atomic_uint32 *) coordinate;
}

/*
 * Claims the next partition for this process to aggregate and sets
 * state->part; false when every partition has been claimed.  A plan that
 * is not partitioned, or runs without shared memory, has one pass over all
 * groups: its first claim of a (re)scan succeeds, the next ones fail.
 */
bool
AggClaimPartition(OlapAggState *state)
{
	uint32		part;

	state->partitioned = state->nparts > 1 && state->next_part != NULL;
	if (!state->partitioned)
		return state->claims++ == 0;
	state->claims++;
	part = pg_atomic_fetch_add_u32(state->next_part, 1);
	if (part >= (uint32) state->nparts)
		return false;
	state->part = part;
	state->parts_done++;
	return true;
}
