/*-------------------------------------------------------------------------
 *
 * scan_topn.c
 *	  Top-N OlapScans: ORDER BY ... LIMIT n over one olap table, sorted on
 *	  the key columns alone, with the other columns decoded only for the n
 *	  rows returned (late materialization).
 *
 * A query such as SELECT * FROM t WHERE ... ORDER BY a, b LIMIT 10 would
 * otherwise decode every column of every chunk group with a passing row,
 * only for a bounded sort to keep ten of them.  The planner (scan_planner.c)
 * offers a top-N path instead when the query reads one olap table, has a
 * constant LIMIT (and OFFSET) and no grouping, aggregates, window functions,
 * DISTINCT, set-returning functions or row locks, orders by plain columns,
 * and has no volatile quals.  It returns the first LIMIT + OFFSET rows in
 * the ORDER BY order, which is all the Limit node above asks for.
 *
 * Execution has two passes.  The first reads the batches with only the
 * sort-key and qual columns decoded, and feeds the key values and row
 * number of every row passing all quals into a bounded tuplesort
 * (PostgreSQL's top-N heap sort, the same sort operators, collations and
 * NULLS FIRST/LAST as the ORDER BY), the row number as last key so that
 * the result does not depend on arrival order.  The second fetches the
 * winning rows by row number, with every column the plan needs, through a
 * fetch reader (which decodes a chunk group's columns once for the rows of
 * that group) under the same snapshot, so they are exactly the rows the
 * first pass saw.  Quals run again on the fetched rows (ExecScan), which is
 * why volatile quals are excluded.
 *
 * Most rows of a big table cannot make the top: a small heap of the best
 * LIMIT first-key values seen so far (in ORDER BY order, its root the
 * worst of them) lets the first pass drop a row whose first key sorts
 * strictly after that root without handing it to the tuplesort: LIMIT rows
 * with a strictly better first key are known to exist.  Ties on the first
 * key always go to the sort, which decides them by the other keys.  The
 * same bound skips whole chunk groups whose first-key min (ascending) or
 * max (descending) already sorts after the root, so a top-N over a column
 * the table is ordered by reads only the chunk groups that can win.  A
 * bound that drops fewer than a quarter of its first TOPN_BOUND_PROBATION
 * rows is given up, as it then only costs.
 *
 * This file holds the sort state; scan_exec.c drives the passes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tupdesc.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "nodes/value.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/tuplesort.h"

#include "scan/scan_topn.h"
#include "storage/minmax.h"

struct OlapTopN
{
	int			nkeys;			/* sort keys, without the row number */
	AttrNumber *attnums;		/* key columns of the table */
	Oid		   *sortops;
	bool	   *descending;		/* for EXPLAIN */
	int64		bound;			/* rows to return */
	TupleDesc	sort_desc;		/* the keys, then the row number */
	TupleTableSlot *sort_slot;	/* rows going into the sort */
	TupleTableSlot *sorted_slot;	/* rows coming out */
	Tuplesortstate *sort;
	uint64	   *rows;			/* row numbers in output order */
	int			nrows;
	int			next;

	/* the best first-key values seen, a heap whose root sorts last */
	SortSupportData first;		/* the first key's comparison */
	bool		first_byval;
	int16		first_len;
	Datum	   *best;
	bool	   *best_nulls;
	int64		nbest;
	MemoryContext context;		/* of the copies in best */
	uint64		offered;		/* rows offered to the bound */
	uint64		dropped;		/* of which it dropped */
	bool		bound_off;		/* it dropped too few: no longer used */

	/* the first key's column, to read chunk group min/max */
	Oid			first_type;
	Oid			first_collation;	/* of the sort */
	ChunkColumnType first_coltype;
	MemoryContext minmax_context;	/* deserialized min/max, per group */
};

/*
 * Builds the custom_private entry of a top-N scan: the bound and, per sort
 * key, the column, sort operator, collation and NULLS FIRST flag.
 */
List *
OlapTopNMakePrivate(int64 bound, List *attnums, List *sortops,
					List *collations, List *nulls_first)
{
	return list_make5(makeInteger((int) bound), attnums, sortops, collations,
					  nulls_first);
}

/*
 * Starts a top-N sort from its custom_private entry, for the table's tuple
 * descriptor, in CurrentMemoryContext.
 */
OlapTopN *
OlapTopNBegin(List *topn_private, TupleDesc reldesc)
{
	OlapTopN   *topn = palloc0(sizeof(OlapTopN));
	List	   *attnums = lsecond(topn_private);
	List	   *sortops = lthird(topn_private);
	List	   *collations = lfourth(topn_private);
	List	   *nulls_first = list_nth(topn_private, 4);
	int			n = list_length(attnums);
	AttrNumber *sort_attnums = palloc(sizeof(AttrNumber) * (n + 1));
	Oid		   *ops = palloc(sizeof(Oid) * (n + 1));
	Oid		   *colls = palloc(sizeof(Oid) * (n + 1));
	bool	   *nfirst = palloc(sizeof(bool) * (n + 1));
	int			i;

	topn->nkeys = n;
	topn->bound = intVal(linitial(topn_private));
	topn->attnums = palloc(sizeof(AttrNumber) * Max(n, 1));
	topn->sortops = palloc(sizeof(Oid) * Max(n, 1));
	topn->descending = palloc(sizeof(bool) * Max(n, 1));
	topn->sort_desc = CreateTemplateTupleDesc(n + 1);
	for (i = 0; i < n; i++)
	{
		Form_pg_attribute attr;
		Oid			opfamily;
		Oid			opcintype;
		int16		strategy;

		topn->attnums[i] = (AttrNumber) list_nth_int(attnums, i);
		topn->sortops[i] = list_nth_oid(sortops, i);
		topn->descending[i] =
			get_ordering_op_properties(topn->sortops[i], &opfamily, &opcintype,
									   &strategy) &&
			strategy == BTGreaterStrategyNumber;
		attr = TupleDescAttr(reldesc, topn->attnums[i] - 1);
		TupleDescInitEntry(topn->sort_desc, i + 1, NULL, attr->atttypid,
						   attr->atttypmod, 0);
		sort_attnums[i] = i + 1;
		ops[i] = topn->sortops[i];
		colls[i] = list_nth_oid(collations, i);
		nfirst[i] = list_nth_int(nulls_first, i) != 0;
	}
	TupleDescInitEntry(topn->sort_desc, n + 1, NULL, INT8OID, -1, 0);
	sort_attnums[n] = n + 1;
	ops[n] = Int8LessOperator;
	colls[n] = InvalidOid;
	nfirst[n] = false;

	topn->sort_slot = MakeSingleTupleTableSlot(topn->sort_desc,
											   &TTSOpsVirtual);
	topn->sorted_slot = MakeSingleTupleTableSlot(topn->sort_desc,
												 &TTSOpsMinimalTuple);
	topn->sort = tuplesort_begin_heap(topn->sort_desc, n + 1, sort_attnums,
									  ops, colls, nfirst, work_mem, NULL,
									  TUPLESORT_ALLOWBOUNDED);
	tuplesort_set_bound(topn->sort, topn->bound);

	if (n > 0)
	{
		Form_pg_attribute attr = TupleDescAttr(reldesc, topn->attnums[0] - 1);

		topn->context = CurrentMemoryContext;
		topn->first.ssup_cxt = CurrentMemoryContext;
		topn->first.ssup_collation = colls[0];
		topn->first.ssup_nulls_first = nfirst[0];
		PrepareSortSupportFromOrderingOp(ops[0], &topn->first);
		topn->first_byval = attr->attbyval;
		topn->first_len = attr->attlen;
		topn->first_type = attr->atttypid;
		topn->first_collation = colls[0];
		topn->first_coltype.typlen = attr->attlen;
		topn->first_coltype.typbyval = attr->attbyval;
		topn->first_coltype.typalign = attr->attalign;
		topn->minmax_context = AllocSetContextCreate(CurrentMemoryContext,
													 "olap_ext top-N bounds",
													 ALLOCSET_SMALL_SIZES);
		topn->best = palloc(sizeof(Datum) * Max(topn->bound, 1));
		topn->best_nulls = palloc(sizeof(bool) * Max(topn->bound, 1));
	}
	return topn;
}

/*
 * Rows after which a bound that dropped fewer than a quarter of them is
 * given up (keys arriving in ever better order, such as ORDER BY ts DESC
 * over a table written in time order, replace its root at every row).
 */
#define TOPN_BOUND_PROBATION 16384

/* A copy of a first-key value, in the top-N's context. */
static Datum
best_copy(OlapTopN *topn, Datum value, bool isnull)
{
	MemoryContext old;
	Datum		copy;

	if (isnull || topn->first_byval)
		return isnull ? (Datum) 0 : value;
	old = MemoryContextSwitchTo(topn->context);
	copy = datumCopy(value, false, topn->first_len);
	MemoryContextSwitchTo(old);
	return copy;
}

/* The order of best entries a and b: above 0 when a sorts after b. */
static inline int
best_cmp(OlapTopN *topn, int64 a, int64 b)
{
	return ApplySortComparator(topn->best[a], topn->best_nulls[a],
							   topn->best[b], topn->best_nulls[b],
							   &topn->first);
}

static inline void
best_swap(OlapTopN *topn, int64 a, int64 b)
{
	Datum		v = topn->best[a];
	bool		isnull = topn->best_nulls[a];

	topn->best[a] = topn->best[b];
	topn->best_nulls[a] = topn->best_nulls[b];
	topn->best[b] = v;
	topn->best_nulls[b] = isnull;
}

/*
 * Offers a first-key value to the heap of the best ones; false when it
 * sorts strictly after all of a full heap (the row cannot make the top).
 */
static bool
best_offer(OlapTopN *topn, Datum value, bool isnull)
{
	int64		i;

	if (topn->nbest == topn->bound)
	{
		int			c = ApplySortComparator(value, isnull, topn->best[0],
											topn->best_nulls[0], &topn->first);

		if (c > 0)
			return false;
		if (c == 0)
			return true;
		/* the new value replaces the root, which sinks to its place */
		if (!topn->first_byval && !topn->best_nulls[0])
			pfree(DatumGetPointer(topn->best[0]));
		topn->best[0] = best_copy(topn, value, isnull);
		topn->best_nulls[0] = isnull;
		for (i = 0;;)
		{
			int64		l = 2 * i + 1;
			int64		r = l + 1;
			int64		m = i;

			if (l < topn->nbest && best_cmp(topn, l, m) > 0)
				m = l;
			if (r < topn->nbest && best_cmp(topn, r, m) > 0)
				m = r;
			if (m == i)
				break;
			best_swap(topn, i, m);
			i = m;
		}
		return true;
	}
	i = topn->nbest++;
	topn->best[i] = best_copy(topn, value, isnull);
	topn->best_nulls[i] = isnull;
	while (i > 0 && best_cmp(topn, i, (i - 1) / 2) > 0)
	{
		best_swap(topn, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return true;
}

/* Offers row "row" of batch (which has the key columns decoded). */
void
OlapTopNAdd(OlapTopN *topn, const OlapBatch *batch, uint32 row)
{
	TupleTableSlot *slot = topn->sort_slot;
	int			i;

	if (topn->nkeys > 0 && topn->bound > 0 && !topn->bound_off)
	{
		const OlapVector *v = &batch->columns[topn->attnums[0] - 1];

		topn->offered++;
		if (!best_offer(topn, v->values[row], v->nulls[row]))
		{
			topn->dropped++;
			return;
		}
		/* rows arriving in ever better order: the bound only costs */
		if (topn->offered == TOPN_BOUND_PROBATION &&
			topn->dropped * 4 < topn->offered)
			topn->bound_off = true;
	}
	ExecClearTuple(slot);
	for (i = 0; i < topn->nkeys; i++)
	{
		const OlapVector *v = &batch->columns[topn->attnums[i] - 1];

		slot->tts_values[i] = v->values[row];
		slot->tts_isnull[i] = v->nulls[row];
	}
	slot->tts_values[topn->nkeys] =
		Int64GetDatum((int64) (batch->first_row_number + row));
	slot->tts_isnull[topn->nkeys] = false;
	ExecStoreVirtualTuple(slot);
	tuplesort_puttupleslot(topn->sort, slot);
}

bool
OlapTopNGroupMayMatch(OlapTopN *topn, const StripeMeta *stripe,
					  const ChunkGroupMeta *group)
{
	AttrNumber	attnum;
	const ChunkMeta *chunk;
	const bytea *end;
	bool		all_null;
	Datum		best;
	bool		result;
	MemoryContext old;

	if (topn->nkeys == 0 || topn->nbest < topn->bound || topn->bound == 0 ||
		topn->bound_off)
		return true;
	attnum = topn->attnums[0];
	/* a column added later holds its default, which min/max do not know */
	if (attnum > (AttrNumber) stripe->column_count)
		return true;
	chunk = &group->chunks[attnum - 1];
	if (!chunk->present || chunk->minmax_type != topn->first_type ||
		chunk->minmax_collation != topn->first_collation)
		return true;
	all_null = chunk->null_count == group->row_count;
	/* NULLs first: a NULL row would sort before anything min/max tell */
	if (chunk->null_count > 0 && topn->first.ssup_nulls_first)
		return true;
	end = topn->descending[0] ? chunk->max_value : chunk->min_value;
	if (end == NULL && !all_null)
		return true;

	old = MemoryContextSwitchTo(topn->minmax_context);
	best = all_null ? (Datum) 0 : MinMaxDeserialize(end, &topn->first_coltype);
	result = ApplySortComparator(best, all_null, topn->best[0],
								 topn->best_nulls[0], &topn->first) <= 0;
	MemoryContextSwitchTo(old);
	MemoryContextReset(topn->minmax_context);
	return result;
}

/* Ends the first pass: sorts and keeps the winners' row numbers. */
void
OlapTopNFinish(OlapTopN *topn)
{
	TupleTableSlot *slot = topn->sorted_slot;

	tuplesort_performsort(topn->sort);
	topn->rows = palloc(sizeof(uint64) * Max(topn->bound, 1));
	topn->nrows = 0;
	topn->next = 0;
	while (topn->nrows < topn->bound &&
		   tuplesort_gettupleslot(topn->sort, true, false, slot, NULL))
	{
		bool		isnull;

		topn->rows[topn->nrows++] =
			(uint64) DatumGetInt64(slot_getattr(slot, topn->nkeys + 1, &isnull));
	}
	ExecClearTuple(slot);
	tuplesort_end(topn->sort);
	topn->sort = NULL;
}

/* The next row number to return, in order; false after the last. */
bool
OlapTopNNextRow(OlapTopN *topn, uint64 *row_number)
{
	if (topn->next >= topn->nrows)
		return false;
	*row_number = topn->rows[topn->next++];
	return true;
}

/* The key columns (attnums), for the columns the first pass decodes. */
void
OlapTopNKeyColumns(OlapTopN *topn, bool *columns)
{
	int			i;

	for (i = 0; i < topn->nkeys; i++)
		columns[topn->attnums[i] - 1] = true;
}

/* Releases the sort (rescans and the end of the scan). */
void
OlapTopNEnd(OlapTopN *topn)
{
	if (topn == NULL)
		return;
	if (topn->sort != NULL)
		tuplesort_end(topn->sort);
	topn->sort = NULL;
	ExecDropSingleTupleTableSlot(topn->sort_slot);
	ExecDropSingleTupleTableSlot(topn->sorted_slot);
	topn->sort_slot = NULL;
	topn->sorted_slot = NULL;
}

/* "n rows by a, b DESC" for EXPLAIN. */
char *
OlapTopNDescribe(OlapTopN *topn, TupleDesc reldesc)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, INT64_FORMAT " rows by ", topn->bound);
	for (i = 0; i < topn->nkeys; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(reldesc, topn->attnums[i] - 1);

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, quote_identifier(NameStr(attr->attname)));
		if (topn->descending[i])
			appendStringInfoString(&buf, " DESC");
	}
	return buf.data;
}
