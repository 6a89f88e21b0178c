/*-------------------------------------------------------------------------
 *
 * join_filter.c
 *	  Runtime filters: the keys of a hash join's inner side, applied by the
 *	  OlapScan on its outer side before it hands out rows.
 *
 * In a hash join that drops the outer rows without a match (inner, semi
 * and right joins), an outer row whose key is not in the hash table never
 * reaches the join's result.  When the outer side is an OlapScan, the scan
 * can drop such rows itself once the table is built, a batch at a time and
 * before it forms a tuple for each, and it can skip the chunk groups whose
 * min/max range or value set holds no key at all.  This is the shape of a
 * star query: a filtered dimension (or a small aggregate) hashed, joined to
 * a big fact table.
 *
 * Attaching (ExecutorStart_hook, after the plan state tree is built, in the
 * leader and in every parallel worker): a HashJoinState of such a join
 * whose outer child is an OlapScan gets a filter on its first hash clause
 * of the form "column = inner expression", where column is a column of the
 * scanned table in the scan's target list and the operator is the equality
 * of the integer types (int2, int4, int8, cross-type included), of date, of
 * timestamp or of timestamptz: both sides then compare as int64 exactly as
 * the operator does.  The join still evaluates every clause; the filter
 * only removes rows it would drop.  olap.enable_runtime_filter turns the
 * attaching off.
 *
 * Building (at the scan's first batch after the table exists):
 * nodeHashjoin.c creates the table just before it runs the Hash node, and
 * runs the outer side again only once the build has ended (its prefetch of
 * the first outer row comes before the table is created), so a table the
 * scan sees is complete.  It is used only when it holds every inner row in
 * memory (one batch, hence no skew table) and belongs to this process (not
 * a Parallel Hash table, shared and built in phases).  The filter evaluates
 * the Hash node's key expression on each stored tuple (compiled for the
 * minimal tuples the table holds; the Hash node's own ExprState expects
 * the slots of its child) and keeps the
 * distinct non-NULL values: for the row test as a bitmap over their range
 * when that takes at most 64 bits a key, or else an open-addressing hash
 * set; for the chunk group test their range and, up to
 * JOIN_FILTER_SORTED_KEYS of them, a sorted array.  A table of more than
 * JOIN_FILTER_MAX_ROWS rows is not used.
 *
 * The row test stops when, after the first JOIN_FILTER_PROBE_ROWS rows of a
 * (re)scan, it has removed fewer than one row in JOIN_FILTER_MIN_REMOVED_SHARE: then
 * nearly every row has a match and the test costs more than it saves.
 * Chunk groups are still tested.
 *
 * A rescan keeps the keys when the join kept its table, and builds them
 * again otherwise (OlapJoinFilterRescan).  The keys take less memory than
 * the table they come from (which fits hash_mem): 8 bytes per tuple, and
 * the bitmap or at most 18 bytes per tuple for the set.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/hashjoin.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "guc.h"
#include "int_datum.h"
#include "scan/join_filter.h"
#include "scan/olap_scan.h"
#include "storage/chunk_format.h"
#include "storage/minmax.h"

/* Hash tables of more rows than this are not turned into filters. */
#define JOIN_FILTER_MAX_ROWS 1000000

/* The row test is judged after this many rows ... */
#define JOIN_FILTER_PROBE_ROWS 16384
/* ... and stops when it removed fewer than 1 in this many of them. */
#define JOIN_FILTER_MIN_REMOVED_SHARE 16

/* The chunk group test looks for keys in a group's range among this many. */
#define JOIN_FILTER_SORTED_KEYS 65536

/* A bitmap over the keys' range is used when it takes this many bits a key. */
#define JOIN_FILTER_BITMAP_BITS_PER_KEY 64

typedef enum JoinFilterStatus
{
	JF_WAITING,					/* no hash table seen yet */
	JF_READY,					/* keys built: groups and rows tested */
	JF_GROUPS_ONLY,				/* row test given up; groups tested */
	JF_UNUSABLE					/* table not usable: nothing tested */
} JoinFilterStatus;

struct OlapJoinFilter
{
	HashJoinState *join;
	HashState  *hash;
	ExprState  *inner_key;		/* the Hash node's key expression */
	Oid			inner_type;
	AttrNumber	attnum;			/* column of the scan */
	Oid			coltype;
	ChunkColumnType chunk_type; /* for min/max and value sets */
	TupleTableSlot *inner_slot; /* a stored inner tuple */
	MemoryContext cxt;			/* the keys; reset by rescans */

	JoinFilterStatus status;
	uint32		nkeys;			/* distinct non-NULL keys */
	int64		min;			/* their range */
	int64		max;
	int64	   *sorted;			/* the keys, increasing; or NULL */
	uint32		nsorted;
	uint64	   *bitmap;			/* bit k: min + k is a key; or NULL */
	int64	   *slots;			/* hash set, when no bitmap */
	bool	   *used;
	uint64		mask;

	bool		direct;			/* the scan is the join's outer child */
	HashJoinTable table;		/* the table the keys came from */
	MemoryContext group_cxt;	/* statistics read by the group test */
	uint64		rows_tested;	/* by the row test since the (re)scan began */
	uint64		rows_removed;
	OlapJoinFilterStats stats;
};

static ExecutorStart_hook_type prev_ExecutorStart = NULL;

static bool
integer_type(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID;
}

/*
 * True when operator opno over (left, right) is an equality whose result is
 * that of comparing both values as int64.
 */
static bool
int64_equality(Oid opno, Oid left, Oid right)
{
	switch (get_opcode(opno))
	{
		case F_INT2EQ:
		case F_INT4EQ:
		case F_INT8EQ:
		case F_INT24EQ:
		case F_INT42EQ:
		case F_INT28EQ:
		case F_INT82EQ:
		case F_INT48EQ:
		case F_INT84EQ:
			return integer_type(left) && integer_type(right);
		case F_DATE_EQ:
			return left == DATEOID && right == DATEOID;
		case F_TIMESTAMP_EQ:
			return left == TIMESTAMPOID && right == TIMESTAMPOID;
		case F_TIMESTAMPTZ_EQ:
			return left == TIMESTAMPTZOID && right == TIMESTAMPTZOID;
	}
	return false;
}

static Node *
strip_relabel(Node *node)
{
	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	return node;
}

/*
 * Follows outer hash key "key" of a join (an expression over the join's
 * outer tuple) down the outer sides of the joins below to the column of an
 * OlapScan it is: returns the scan and sets *attnum and *coltype, or NULL.
 * A row the scan leaves out then only removes the rows it would have formed
 * in those joins: each passes the outer row's column value through
 * unchanged, and the rows it forms without that outer row are NULL in the
 * column, which the hash join above drops as well.
 */
static PlanState *
outer_key_column(Node *key, PlanState *child, AttrNumber *attnum, Oid *coltype)
{
	Oid			keytype = exprType(key);

	for (;;)
	{
		Var		   *var = (Var *) strip_relabel(key);
		TargetEntry *tle;

		if (var == NULL || !IsA(var, Var) || var->varno != OUTER_VAR ||
			var->varattno <= 0 ||
			var->varattno > list_length(child->plan->targetlist))
			return NULL;
		tle = list_nth(child->plan->targetlist, var->varattno - 1);
		if (IsOlapScanState(child))
		{
			Var		   *column = OlapScanColumnVar((Node *) tle->expr,
												   ((Scan *) child->plan)->scanrelid);

			if (column == NULL || column->vartype != keytype)
				return NULL;
			*attnum = column->varattno;
			*coltype = column->vartype;
			return child;
		}
		if (!IsA(child, HashJoinState) && !IsA(child, NestLoopState) &&
			!IsA(child, MergeJoinState))
			return NULL;
		key = (Node *) tle->expr;
		child = outerPlanState(child);
	}
}

/*
 * Gives the OlapScan whose column is one of hash join hj's outer keys a
 * filter, if the join allows.
 */
static void
consider_hash_join(HashJoinState *hj)
{
	HashJoin   *plan = (HashJoin *) hj->js.ps.plan;
	HashState  *hash = (HashState *) innerPlanState(hj);
	EState	   *estate = hj->js.ps.state;
	ListCell   *outer_lc;
	ListCell   *inner_lc;
	ListCell   *op_lc;

	if (hj->js.jointype != JOIN_INNER && hj->js.jointype != JOIN_SEMI &&
		hj->js.jointype != JOIN_RIGHT)
		return;
	if (hash == NULL || !IsA(hash, HashState))
		return;

	forthree(outer_lc, plan->hashkeys, inner_lc, ((Hash *) hash->ps.plan)->hashkeys,
			 op_lc, plan->hashoperators)
	{
		Oid			coltype = InvalidOid;
		AttrNumber	attnum = 0;
		PlanState  *scan = outer_key_column(lfirst(outer_lc), outerPlanState(hj),
											&attnum, &coltype);
		Oid			inner_type = exprType(lfirst(inner_lc));
		OlapJoinFilter *filter;
		MemoryContext old;
		int16		typlen;
		bool		typbyval;
		char		typalign;

		if (scan == NULL || !int64_equality(lfirst_oid(op_lc), coltype, inner_type) ||
			contain_subplans(lfirst(inner_lc)))
			continue;

		old = MemoryContextSwitchTo(estate->es_query_cxt);
		filter = palloc0(sizeof(OlapJoinFilter));
		filter->join = hj;
		filter->hash = hash;
		filter->direct = scan == outerPlanState(hj);

		/*
		 * The Hash node's own ExprState of the key fetches from the slot type
		 * of the Hash node's child; the stored tuples are minimal tuples, so
		 * the filter compiles the expression for any slot (no parent).
		 */
		filter->inner_key = ExecInitExpr(lfirst(inner_lc), NULL);
		filter->inner_type = inner_type;
		filter->attnum = attnum;
		filter->coltype = coltype;
		get_typlenbyvalalign(coltype, &typlen, &typbyval, &typalign);
		filter->chunk_type.typlen = typlen;
		filter->chunk_type.typbyval = typbyval;
		filter->chunk_type.typalign = typalign;
		filter->inner_slot = ExecInitExtraTupleSlot(estate,
													ExecGetResultType(&hash->ps),
													&TTSOpsMinimalTuple);
		filter->cxt = AllocSetContextCreate(estate->es_query_cxt,
											"olap_ext runtime filter keys",
											ALLOCSET_DEFAULT_SIZES);
		filter->group_cxt = AllocSetContextCreate(estate->es_query_cxt,
												  "olap_ext runtime filter group test",
												  ALLOCSET_SMALL_SIZES);
		MemoryContextSwitchTo(old);
		if (OlapScanAttachJoinFilter(scan, filter))
			return;
		MemoryContextDelete(filter->cxt);
		MemoryContextDelete(filter->group_cxt);
		pfree(filter);
	}
}

static bool
attach_walker(PlanState *ps, void *context)
{
	if (ps == NULL)
		return false;
	if (IsA(ps, HashJoinState))
		consider_hash_join((HashJoinState *) ps);
	return planstate_tree_walker(ps, attach_walker, context);
}

static void
olap_join_filter_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);

	if (olap_enable_runtime_filter && queryDesc->planstate != NULL)
		attach_walker(queryDesc->planstate, NULL);
}

void
OlapJoinFilterInit(void)
{
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = olap_join_filter_ExecutorStart;
}

AttrNumber
OlapJoinFilterColumn(const OlapJoinFilter *filter)
{
	return filter->attnum;
}

static int
compare_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Adds key v to the hash set; false when it was there already. */
static bool
set_add(OlapJoinFilter *filter, int64 v)
{
	uint64		s;

	for (s = IntHashMix((uint64) v) & filter->mask; filter->used[s];
		 s = (s + 1) & filter->mask)
	{
		if (filter->slots[s] == v)
			return false;
	}
	filter->slots[s] = v;
	filter->used[s] = true;
	return true;
}

/*
 * Reads the keys of a complete, usable hash table into the filter: the
 * bitmap or the hash set for the row test, and the sorted keys for the
 * chunk group test when there are at most JOIN_FILTER_SORTED_KEYS.
 */
static void
build_keys(OlapJoinFilter *filter, HashJoinTable table)
{
	ExprContext *econtext = filter->hash->ps.ps_ExprContext;
	MemoryContext old = MemoryContextSwitchTo(filter->cxt);
	uint32		capacity = Max((uint32) table->totalTuples, 64);
	uint32		n = 0;
	int64	   *values = palloc(sizeof(int64) * capacity);
	uint32		distinct = 0;

	for (int b = 0; b < table->nbuckets; b++)
	{
		HashJoinTuple tuple;

		for (tuple = table->buckets.unshared[b]; tuple != NULL;
			 tuple = tuple->next.unshared)
		{
			Datum		value;
			bool		isnull;
			int64		v;

			CHECK_FOR_INTERRUPTS();
			ExecStoreMinimalTuple(HJTUPLE_MINTUPLE(tuple), filter->inner_slot,
								  false);
			ResetExprContext(econtext);
			econtext->ecxt_outertuple = filter->inner_slot;
			value = ExecEvalExprSwitchContext(filter->inner_key, econtext,
											  &isnull);
			if (isnull)
				continue;
			v = IntDatumValue(value, filter->inner_type);
			if (n == capacity)
			{
				capacity *= 2;
				values = repalloc(values, sizeof(int64) * capacity);
			}
			values[n++] = v;
			if (n == 1 || v < filter->min)
				filter->min = v;
			if (n == 1 || v > filter->max)
				filter->max = v;
		}
	}
	ExecClearTuple(filter->inner_slot);

	if (n > 0 && (uint64) (filter->max - filter->min) <
		(uint64) n * JOIN_FILTER_BITMAP_BITS_PER_KEY)
	{
		uint64		bits = (uint64) (filter->max - filter->min) + 1;

		filter->bitmap = palloc0(sizeof(uint64) * ((bits + 63) / 64));
		for (uint32 i = 0; i < n; i++)
		{
			uint64		k = (uint64) (values[i] - filter->min);
			uint64		bit = UINT64CONST(1) << (k % 64);

			distinct += (filter->bitmap[k / 64] & bit) == 0;
			filter->bitmap[k / 64] |= bit;
		}
	}
	else if (n > 0)
	{
		uint64		size = 16;

		while (size < (uint64) n * 2)
			size *= 2;
		filter->mask = size - 1;
		filter->slots = palloc(sizeof(int64) * size);
		filter->used = palloc0(sizeof(bool) * size);
		for (uint32 i = 0; i < n; i++)
			distinct += set_add(filter, values[i]);
	}
	filter->nkeys = distinct;

	if (n > 0 && n <= JOIN_FILTER_SORTED_KEYS)
	{
		qsort(values, n, sizeof(int64), compare_int64);
		filter->nsorted = 0;
		for (uint32 i = 0; i < n; i++)
			if (i == 0 || values[i] != values[filter->nsorted - 1])
				values[filter->nsorted++] = values[i];
		filter->sorted = values;
	}
	else
		pfree(values);
	MemoryContextSwitchTo(old);
	filter->stats.keys = distinct;
}

bool
OlapJoinFilterReady(OlapJoinFilter *filter)
{
	HashJoinTable table;

	if (filter->status == JF_READY)
		return true;
	if (filter->status != JF_WAITING)
		return false;
	table = filter->join->hj_HashTable;
	if (table == NULL)
		return false;
	if (table->parallel_state != NULL || table->nbatch != 1 ||
		table->skewEnabled || table->totalTuples > JOIN_FILTER_MAX_ROWS)
	{
		filter->status = JF_UNUSABLE;
		return false;
	}
	build_keys(filter, table);
	filter->table = table;
	filter->rows_tested = 0;
	filter->rows_removed = 0;
	filter->status = JF_READY;
	return true;
}

/* True when some key may lie in [min, max] (exactly, with sorted keys). */
static bool
key_in_range(const OlapJoinFilter *filter, int64 min, int64 max)
{
	uint32		lo = 0;
	uint32		hi = filter->nsorted;

	if (filter->nkeys == 0 || max < filter->min || min > filter->max)
		return false;
	if (filter->sorted == NULL)
		return true;
	/* the first key >= min */
	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;

		if (filter->sorted[mid] < min)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < filter->nsorted && filter->sorted[lo] <= max;
}

static inline bool
is_key(const OlapJoinFilter *filter, int64 v)
{
	if (filter->nkeys == 0 || v < filter->min || v > filter->max)
		return false;
	if (filter->bitmap != NULL)
	{
		uint64		k = (uint64) (v - filter->min);

		return (filter->bitmap[k / 64] >> (k % 64)) & 1;
	}
	for (uint64 s = IntHashMix((uint64) v) & filter->mask; filter->used[s];
		 s = (s + 1) & filter->mask)
	{
		if (filter->slots[s] == v)
			return true;
	}
	return false;
}

bool
OlapJoinFilterGroupMayMatch(OlapJoinFilter *filter, const StripeMeta *stripe,
							const ChunkGroupMeta *group)
{
	const ChunkMeta *chunk;
	MemoryContext old;
	bool		result = true;

	if (filter->status != JF_READY && filter->status != JF_GROUPS_ONLY)
		return true;
	/* a column added later or dropped then: nothing known */
	if (filter->attnum > (AttrNumber) stripe->column_count)
		return true;
	chunk = &group->chunks[filter->attnum - 1];
	if (!chunk->present)
		return true;
	/* NULL never equals a key */
	if (chunk->null_count == group->row_count)
		return false;
	/* statistics of an older type (ALTER TABLE without a rewrite) */
	if (chunk->minmax_type != filter->coltype)
		return true;

	/* by-reference int8 and timestamps (32-bit builds) are allocated */
	old = MemoryContextSwitchTo(filter->group_cxt);
	if (chunk->value_set != NULL)
	{
		Datum	   *set;
		int			nset = ValueSetDeserialize(chunk->value_set,
											   &filter->chunk_type, &set);

		result = false;
		for (int i = 0; i < nset && !result; i++)
			result = is_key(filter, IntDatumValue(set[i], filter->coltype));
	}
	else if (chunk->min_value != NULL && chunk->max_value != NULL)
	{
		int64		min = IntDatumValue(MinMaxDeserialize(chunk->min_value,
													  &filter->chunk_type),
									filter->coltype);
		int64		max = IntDatumValue(MinMaxDeserialize(chunk->max_value,
													  &filter->chunk_type),
									filter->coltype);

		result = key_in_range(filter, min, max);
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(filter->group_cxt);
	return result;
}

/* One loop per column width: keeps the rows whose value is a key. */
#define JOIN_FILTER_LOOP(GET) \
	for (uint32 i = 0; i < n; i++) \
	{ \
		uint32		row = selection[i]; \
\
		selection[kept] = row; \
		kept += !nulls[row] && is_key(filter, GET(values[row])); \
	}

uint32
OlapJoinFilterApply(OlapJoinFilter *filter, const OlapBatch *batch,
					uint32 *selection, uint32 n)
{
	const OlapVector *col = &batch->columns[filter->attnum - 1];
	const Datum *values = col->values;
	const bool *nulls = col->nulls;
	uint32		kept = 0;

	if (filter->status != JF_READY)
		return n;
	Assert(values != NULL);
	switch (filter->coltype)
	{
		case INT2OID:
			JOIN_FILTER_LOOP(DatumGetInt16);
			break;
		case INT4OID:
		case DATEOID:
			JOIN_FILTER_LOOP(DatumGetInt32);
			break;
		default:
			JOIN_FILTER_LOOP(DatumGetInt64);
			break;
	}

	filter->rows_tested += n;
	filter->rows_removed += n - kept;
	filter->stats.rows_removed += n - kept;
	if (filter->rows_tested >= JOIN_FILTER_PROBE_ROWS &&
		filter->rows_removed * JOIN_FILTER_MIN_REMOVED_SHARE <
		filter->rows_tested)
		filter->status = JF_GROUPS_ONLY;
	return kept;
}

void
OlapJoinFilterRescan(OlapJoinFilter *filter, bool params_changed)
{
	/*
	 * When the scan is the join's outer child and its own parameters did not
	 * change, ExecReScanHashJoin rescans it at once, after the join either
	 * kept its table or destroyed it (hj_HashTable NULL): a table still there
	 * is the one the keys came from, unchanged.  Otherwise the rescan may
	 * come later (deferred to the next row of the scan, or of a join in
	 * between), possibly after the join built a new table at the old one's
	 * address: the keys are built again.
	 */
	if (filter->direct && !params_changed && filter->table != NULL &&
		filter->join->hj_HashTable == filter->table &&
		(filter->status == JF_READY || filter->status == JF_GROUPS_ONLY))
	{
		filter->status = JF_READY;
		filter->rows_tested = 0;
		filter->rows_removed = 0;
		return;
	}
	MemoryContextReset(filter->cxt);
	filter->table = NULL;
	filter->sorted = NULL;
	filter->nsorted = 0;
	filter->nkeys = 0;
	filter->bitmap = NULL;
	filter->slots = NULL;
	filter->used = NULL;
	filter->status = JF_WAITING;
}

const OlapJoinFilterStats *
OlapJoinFilterGetStats(const OlapJoinFilter *filter)
{
	return &filter->stats;
}
