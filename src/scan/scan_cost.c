/*-------------------------------------------------------------------------
 *
 * scan_cost.c
 *	  Cost estimates of OlapScan paths: the bytes of the columns read, the
 *	  share of chunk groups min/max skipping leaves, and per-row work only
 *	  for the rows that pass the vectorized quals.
 *
 * An OlapScan reads the chunks of the columns it needs, from the chunk
 * groups min/max skipping does not rule out, and runs its vectorized quals
 * on whole batches; the executor's per-row work (a slot, the row quals, the
 * projection) is only spent on the rows that pass the vectorized quals.  The
 * estimate has the same shape:
 *
 *	 pages read   = table pages x the needed columns' share of the row width
 *					x the fraction of chunk groups read
 *	 rows scanned = table rows x the fraction of chunk groups read
 *	 CPU		  = rows scanned x (decoding + vectorized quals)
 *					+ rows passing the vectorized quals x (hand-out + row quals)
 *
 * where the columns the vectorized quals do not read count (in pages and
 * decoding) only for the groups in which some row passes them, 1 - (1 -
 * p)^n of the groups read for a share p of rows passing and n rows per
 * group (the rows that pass assumed spread at random, which errs on the
 * expensive side when they are clustered).
 *
 * Column widths are the planner's (pg_stats average widths).  The fraction
 * of chunk groups read comes from the quals chunk_skip.c can use and from
 * pg_stats, column by column: s is the selectivity of the column's quals
 * and c the correlation of its values with the physical row order.  With
 * the rows in the column's order (c = +-1), the rows a qual keeps lie in
 * about s x groups + 1 consecutive groups.  With the rows in random order
 * (c = 0), a group is skipped only when none of its n rows passes, which for
 * one-sided ranges and null tests (where min/max and null counts decide
 * exactly) happens with probability (1 - s)^n; an equality or a two-sided
 * range is assumed to skip nothing then.  Between the two, c^2
 * interpolates, as PostgreSQL's index costs do.  The smallest fraction over
 * the columns is used (their quals are ANDed).  Where the quals' values are
 * known at plan time, the share is counted on the chunks' own min/max
 * instead (skip_estimate.c).
 *
 * Decoding is charged only when columns are read (count(*) reads none: the
 * rows of a group are counted from its deletion mask), and for text-like
 * columns of mostly distinct values also by the byte (varlena_width).  The unit is
 * PostgreSQL's: a plain OlapScan summing one integer column of 10 million
 * rows is estimated at about the ratio of cost to milliseconds of a
 * sequential scan of the same data in a heap table (~500 per ms on the
 * benchmark machine).  Nodes that take whole batches (OlapAgg) leave out
 * the per-row hand-out part (OlapScanCostRowOut).
 *
 * Parallel paths divide the CPU part by PostgreSQL's parallel divisor; the
 * disk part is not divided, as for sequential scans.  The number of workers
 * comes from the table's size as for a sequential scan (scan_planner.c).
 * Gather charges PostgreSQL's parallel_setup_cost and parallel_tuple_cost;
 * the partial path adds olap.parallel_worker_setup_factor x
 * parallel_setup_cost per worker to its startup cost, because a parallel
 * plan costs milliseconds more than its work divided among its processes
 * (with 2 workers on the 2-core benchmark machine 8-15 ms: starting the
 * workers, their catalog and stripe metadata reads, sharing the cores,
 * while the default parallel_setup_cost stands for 2 ms at heap's scale),
 * which a heap scan of a big table easily earns back but an OlapScan or
 * OlapAgg doing less than about 15 ms of work does not.  Settings that
 * make parallel plans free (parallel_setup_cost = 0) make the workers free
 * for OlapScan too.  A scan that reads little (narrow columns, most groups
 * skipped, most rows removed by vectorized quals) therefore stays serial.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/stratnum.h"
#include "access/sysattr.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/restrictinfo.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"

#include "guc.h"
#include "scan/chunk_skip.h"
#include "scan/skip_estimate.h"
#include "scan/scan_cost.h"
#include "scan/vector_quals.h"
#include "storage/table_options.h"

/*
 * Per row scanned, decoding costs cpu_tuple_cost x (BASE + WIDTH x the
 * share of the row width read), and pages cost PAGE x seq_page_cost: even
 * reading every column, an OlapScan stays a little cheaper than a
 * sequential scan of the same table, which reads the same chunks and goes
 * through the same decoding one row at a time.
 */
#define OLAP_COST_DECODE_BASE		0.05
#define OLAP_COST_DECODE_WIDTH		0.7
#define OLAP_COST_PAGE				0.9
/*
 * x cpu_operator_cost per row and average byte of the variable-length
 * columns read (see varlena_width)
 */
#define OLAP_COST_DECODE_VARLENA_BYTE	0.12
/* share of a qual's per-row cost when it runs on whole batches */
#define OLAP_COST_VECTOR_QUAL		0.2
/* x cpu_tuple_cost per row handed out (the slot is filled, not deformed) */
#define OLAP_COST_ROW_OUT			0.2

/* kinds of skipping quals on one column (bits) */
#define SKIP_BELOW		0x01	/* col < v, col <= v: skips groups above v */
#define SKIP_ABOVE		0x02	/* col > v, col >= v */
#define SKIP_EXACT		0x04	/* IS [NOT] NULL: null counts decide */
#define SKIP_TWO_SIDED	0x08	/* col = v */

/* Average width of a column: the planner's, pg_stats', or its type's. */
static int32
column_width(RelOptInfo *rel, Relation relation, int attnum)
{
	Form_pg_attribute attr = TupleDescAttr(RelationGetDescr(relation), attnum - 1);
	int32		width = 0;

	if (attr->attisdropped)
		return 0;
	if (attnum >= rel->min_attr && attnum <= rel->max_attr)
		width = rel->attr_widths[attnum - rel->min_attr];
	if (width <= 0)
		width = get_attavgwidth(RelationGetRelid(relation), attnum);
	if (width <= 0)
		width = get_typavgwidth(attr->atttypid, attr->atttypmod);
	return Max(width, 1);
}

/*
 * The planner's statistics of column attnum of rel (opened as relation);
 * the caller releases them with ReleaseVariableStats.
 */
static void
examine_column(PlannerInfo *root, RelOptInfo *rel, Relation relation,
			   AttrNumber attnum, VariableStatData *vardata)
{
	Form_pg_attribute attr = TupleDescAttr(RelationGetDescr(relation), attnum - 1);
	Var		   *var = makeVar(rel->relid, attnum, attr->atttypid, attr->atttypmod,
							  attr->attcollation, 0);

	examine_variable(root, (Node *) var, 0, vardata);
}

/*
 * Whether column attnum of rel likely has a distinct value for most rows
 * of a chunk group of group_rows rows (pg_stats), so that its chunks are
 * stored plain, not as a dictionary.
 */
static bool
mostly_distinct(PlannerInfo *root, RelOptInfo *rel, Relation relation,
				AttrNumber attnum, double group_rows)
{
	VariableStatData vardata;
	bool		isdefault;
	double		ndistinct;

	examine_column(root, rel, relation, attnum, &vardata);
	ndistinct = get_variable_numdistinct(&vardata, &isdefault);
	ReleaseVariableStats(vardata);
	return !isdefault && ndistinct >= group_rows / 2;
}

/*
 * Average bytes per row of the variable-length columns among columns (all
 * of the relation's when columns is NIL) whose values mostly differ within
 * a chunk group (mostly_distinct), numerics aside (their chunks mostly
 * hold scaled integers).  Decoding them costs by the byte
 * (decompressing, copying the values out, and the text quals that read
 * them, where a dictionary chunk would run them once per entry), which the
 * share of the row width misses on a wide table: measured on the benchmark
 * machine, url LIKE '%word%' over a million URLs of ~60 bytes takes about
 * 0.3 ns a byte beyond that share, or OLAP_COST_DECODE_VARLENA_BYTE x
 * cpu_operator_cost at ~500 cost units per ms.
 */
static double
varlena_width(PlannerInfo *root, RelOptInfo *rel, Relation relation,
			  List *columns)
{
	TupleDesc	desc = RelationGetDescr(relation);
	OlapTableOptions options;
	double		bytes = 0;
	int			i;

	TableOptionsGet(RelationGetRelid(relation), &options);
	for (i = 1; i <= desc->natts; i++)
	{
		if (TupleDescAttr(desc, i - 1)->attlen != -1 ||
			TupleDescAttr(desc, i - 1)->attisdropped ||
			getBaseType(TupleDescAttr(desc, i - 1)->atttypid) == NUMERICOID ||
			(columns != NIL && !list_member_int(columns, i)) ||
			!mostly_distinct(root, rel, relation, i,
							 Min(options.chunk_group_row_limit, rel->tuples)))
			continue;
		bytes += column_width(rel, relation, i);
	}
	return bytes;
}

/* Share of the row width the columns take (at least 0.001). */
static double
column_fraction(RelOptInfo *rel, Relation relation, List *columns)
{
	int			natts = RelationGetDescr(relation)->natts;
	double		total = 0;
	double		needed = 0;
	int			i;

	for (i = 1; i <= natts; i++)
	{
		int32		width = column_width(rel, relation, i);

		total += width;
		if (list_member_int(columns, i))
			needed += width;
	}
	if (total <= 0)
		return 1.0;
	return Min(Max(needed / total, 0.001), 1.0);
}

/*
 * Share of the row width the columns of the restriction clauses that run
 * on batches take (at most that of columns, the columns read): those are
 * decoded for every chunk group read, the others only for the groups where
 * some row passes them.
 */
static double
qual_fraction(RelOptInfo *rel, Relation relation, List *columns)
{
	Bitmapset  *attrs = NULL;
	List	   *qual_columns = NIL;
	ListCell   *lc;

	if (!olap_enable_vectorization)
		return 0.0;
	foreach(lc, rel->baserestrictinfo)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		if (!rinfo->pseudoconstant &&
			VectorQualSupported(rinfo->clause, rel->relid))
			pull_varattnos((Node *) rinfo->clause, rel->relid, &attrs);
	}
	foreach(lc, columns)
	{
		int			attnum = lfirst_int(lc);

		if (bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber, attrs))
			qual_columns = lappend_int(qual_columns, attnum);
	}
	if (qual_columns == NIL)
		return 0.0;
	return column_fraction(rel, relation, qual_columns);
}

/*
 * Correlation of a column with the row order (pg_stats, between -1 and 1),
 * 0 when unknown.
 */
static double
column_correlation(PlannerInfo *root, RelOptInfo *rel, Relation relation,
				   AttrNumber attnum)
{
	VariableStatData vardata;
	double		correlation = 0.0;

	examine_column(root, rel, relation, attnum, &vardata);
	if (HeapTupleIsValid(vardata.statsTuple))
	{
		AttStatsSlot sslot;

		if (get_attstatsslot(&sslot, vardata.statsTuple,
							 STATISTIC_KIND_CORRELATION, InvalidOid,
							 ATTSTATSSLOT_NUMBERS))
		{
			if (sslot.nnumbers > 0)
				correlation = sslot.numbers[0];
			free_attstatsslot(&sslot);
		}
	}
	ReleaseVariableStats(vardata);
	return Max(Min(correlation, 1.0), -1.0);
}

/*
 * Fraction of a table's chunk groups a scan with these restriction clauses
 * reads (see the file header), between 1 / groups and 1.
 */
static double
group_fraction(PlannerInfo *root, RelOptInfo *rel, Relation relation,
			   double *ngroups)
{
	int			natts = RelationGetDescr(relation)->natts;
	List	  **clauses;
	int		   *kinds;
	OlapTableOptions options;
	double		group_rows;
	double		groups;
	double		result = 1.0;
	bool		skipping = false;
	double		share;
	bool		exact;
	ListCell   *lc;
	int			i;

	TableOptionsGet(RelationGetRelid(relation), &options);
	group_rows = Max(options.chunk_group_row_limit, 1);
	groups = Max(ceil(rel->tuples / group_rows), 1.0);
	group_rows = Min(group_rows, rel->tuples);
	*ngroups = groups;
	if (rel->baserestrictinfo == NIL || rel->tuples <= 0 || natts == 0)
		return 1.0;

	clauses = palloc0(sizeof(List *) * (natts + 1));
	kinds = palloc0(sizeof(int) * (natts + 1));
	foreach(lc, rel->baserestrictinfo)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);
		AttrNumber	attnum;
		int			strategy;

		if (rinfo->pseudoconstant ||
			!ChunkSkipQualColumn(rinfo->clause, rel->relid, relation,
								 &attnum, &strategy))
			continue;
		clauses[attnum] = lappend(clauses[attnum], rinfo);
		if (strategy == 0)
			kinds[attnum] |= SKIP_EXACT;
		else if (strategy < BTEqualStrategyNumber)
			kinds[attnum] |= SKIP_BELOW;
		else if (strategy > BTEqualStrategyNumber)
			kinds[attnum] |= SKIP_ABOVE;
		else
			kinds[attnum] |= SKIP_TWO_SIDED;
	}

	for (i = 1; i <= natts; i++)
	{
		Selectivity s;
		double		c2;
		double		ordered;
		double		random;

		if (clauses[i] == NIL)
			continue;
		s = clauselist_selectivity(root, clauses[i], 0, JOIN_INNER, NULL);
		c2 = column_correlation(root, rel, relation, i);
		c2 *= c2;
		ordered = Min(s + 1.0 / groups, 1.0);
		if (kinds[i] == SKIP_BELOW || kinds[i] == SKIP_ABOVE ||
			kinds[i] == SKIP_EXACT)
			random = 1.0 - pow(1.0 - s, group_rows);
		else
			random = 1.0;
		result = Min(result, c2 * ordered + (1.0 - c2) * random);
		skipping = true;
	}

	/*
	 * Counted on the chunks' own min/max where the quals' values are known
	 * at plan time (skip_estimate.c): the share then replaces the model's,
	 * or bounds it when some value is not known.
	 */
	if (skipping &&
		OlapSkipEstimateShare(root, rel, relation, rel->baserestrictinfo,
							  &share, &exact))
		result = exact ? share : Min(result, share);
	return Min(Max(result, 1.0 / groups), 1.0);
}

/* Decoding cost per row scanned: none when no column is read. */
static double
decode_cost(const OlapScanCostInfo *info)
{
	if (info->ncolumns == 0)
		return 0.0;
	return cpu_tuple_cost * (OLAP_COST_DECODE_BASE +
							 OLAP_COST_DECODE_WIDTH * info->column_fraction) +
		cpu_operator_cost * OLAP_COST_DECODE_VARLENA_BYTE * info->varlena_width;
}

/*
 * Share of the chunk groups read in which some row passes the vectorized
 * quals, when a share pass of their rows does, spread at random (more
 * groups than with clustered rows: the estimate errs on the expensive
 * side).  The columns the quals do not read are only decoded in those.
 */
static double
groups_passing(const OlapScanCostInfo *info, double tuples, double pass)
{
	double		group_rows = Max(tuples / Max(info->groups, 1.0), 1.0);

	if (pass >= 1.0)
		return 1.0;
	return 1.0 - pow(1.0 - Max(pass, 0.0), group_rows);
}

/* How many processes' worth of rows each one reads (costsize.c's rule). */
static double
parallel_divisor(int workers)
{
	double		divisor = workers;

	if (parallel_leader_participation)
	{
		double		leader = 1.0 - 0.3 * workers;

		if (leader > 0)
			divisor += leader;
	}
	return divisor;
}

/*
 * Prepares the estimates every path of the relation shares: the columns'
 * share of the row width, the fraction of chunk groups read and the pages
 * read.  relation is the opened relation of rel.
 */
void
OlapScanCostPrepare(PlannerInfo *root, RelOptInfo *rel, Relation relation,
					List *columns, OlapScanCostInfo *info)
{
	info->ncolumns = list_length(columns);
	info->column_fraction = column_fraction(rel, relation, columns);
	info->varlena_width = columns == NIL ? 0 :
		varlena_width(root, rel, relation, columns);
	info->qual_fraction = Min(qual_fraction(rel, relation, columns),
							  info->column_fraction);
	info->group_fraction = group_fraction(root, rel, relation, &info->groups);
	info->pages_read = rel->pages * info->column_fraction * info->group_fraction;
}

/*
 * Sets the rows and costs of path, an OlapScan of rel with these quals
 * (clauses, split as the plan will split them) and parallel_workers (0 for
 * a serial path).
 */
void
OlapScanCostPath(PlannerInfo *root, RelOptInfo *rel,
				 const OlapScanCostInfo *info, List *vector_quals,
				 List *row_quals, int parallel_workers, Path *path)
{
	QualCost	vector_cost;
	QualCost	row_cost;
	double		scanned = rel->tuples * info->group_fraction;
	double		passed;
	double		other_share;
	Cost		disk_cost;
	Cost		cpu_cost;

	cost_qual_eval(&vector_cost, vector_quals, root);
	cost_qual_eval(&row_cost, row_quals, root);
	passed = rel->tuples *
		clauselist_selectivity(root, vector_quals, 0, JOIN_INNER, NULL);
	passed = Min(passed, scanned);

	/*
	 * The columns of the vectorized quals are read and decoded in every
	 * chunk group read, the others only where some row passes.
	 */
	other_share = 1.0;
	if (vector_quals != NIL && info->column_fraction > 0)
		other_share = (info->qual_fraction +
					   groups_passing(info, rel->tuples,
									  passed / Max(scanned, 1.0)) *
					   (info->column_fraction - info->qual_fraction)) /
			info->column_fraction;
	disk_cost = seq_page_cost * OLAP_COST_PAGE * info->pages_read * other_share;
	cpu_cost = scanned * (decode_cost(info) * other_share +
						  vector_cost.per_tuple * OLAP_COST_VECTOR_QUAL) +
		passed * (cpu_tuple_cost * OLAP_COST_ROW_OUT + row_cost.per_tuple);

	path->rows = rel->rows;
	path->startup_cost = vector_cost.startup + row_cost.startup;
	if (parallel_workers > 0)
	{
		double		divisor = parallel_divisor(parallel_workers);

		cpu_cost /= divisor;
		path->rows = clamp_row_est(rel->rows / divisor);
		path->startup_cost += OlapScanCostWorkers(parallel_workers);
	}
	path->total_cost = path->startup_cost + disk_cost + cpu_cost +
		path->pathtarget->cost.per_tuple * path->rows;
}

/*
 * What PostgreSQL's own sequential scan of an olap table (rel, opened as
 * relation) pays beyond its estimate, per row: it decodes every column,
 * so the variable-length ones cost by the byte as in OlapScanCostPath.
 * Charged to its paths, it keeps OlapScan the cheaper of the two whatever
 * columns the query reads.
 */
Cost
OlapScanCostSeqScanExtra(PlannerInfo *root, RelOptInfo *rel,
						 Relation relation)
{
	return cpu_operator_cost * OLAP_COST_DECODE_VARLENA_BYTE *
		varlena_width(root, rel, relation, NIL);
}

/*
 * list_sort comparator of paths by total cost, the order add_path keeps
 * pathlist in: for lists whose costs this module's callers raised.
 */
int
OlapPathTotalCostCmp(const ListCell *a, const ListCell *b)
{
	Path	   *pa = lfirst(a);
	Path	   *pb = lfirst(b);

	if (pa->total_cost < pb->total_cost)
		return -1;
	return pa->total_cost > pb->total_cost ? 1 : 0;
}

/*
 * The cost of starting workers for a parallel scan of an olap table (see
 * the file header), charged to every partial path of the table.
 */
Cost
OlapScanCostWorkers(int parallel_workers)
{
	return parallel_setup_cost * olap_parallel_worker_setup_factor *
		parallel_workers;
}

/*
 * The part of an OlapScan path's run cost (OlapScanCostPath) spent handing
 * out its rows one at a time: what a node taking whole batches does not
 * spend.
 */
Cost
OlapScanCostRowOut(Path *path)
{
	return path->rows * (cpu_tuple_cost * OLAP_COST_ROW_OUT +
						 path->pathtarget->cost.per_tuple);
}

/*
 * The shape of a top-N scan of rel by first_key (scan_topn.c), per process:
 * the share of the chunk groups left by the quals' skipping that its first
 * pass reads, and the number of chunk groups the rows it returns lie in.
 * The bound skips the groups whose first-key min (ascending) or max
 * (descending) sorts after the worst of the rows kept.
 *
 * With the rows in the order of the sort (the first key's correlation c = 1
 * ascending, -1 descending), the first bound rows passing the quals fill the
 * bound within the first bound / (rows passing per group) + 1 groups, and
 * every later group is skipped.  In the opposite order every group is read.
 * In random order, a group read after k others holds a row that beats the
 * worst kept with probability about min(1, bound / (k x s)), s the share of
 * rows passing the quals (the group's min/max covers rows that do not pass
 * as well), so about (bound / s) x (1 + ln(groups x s / bound)) of them are
 * read when that is fewer than all.  c^2 interpolates between random and
 * ordered, as in group_fraction.  The rows returned lie in as many groups as
 * rows in random order, in the few the bound filled in the sort's order.  A
 * process of a parallel scan fills a bound of its own from its share of the
 * groups, which OlapScanCostPath then charges it.
 */
void
OlapScanCostTopNShape(PlannerInfo *root, RelOptInfo *rel, Relation relation,
					  const OlapScanCostInfo *info, AttrNumber first_key,
					  bool descending, double bound, int parallel_workers,
					  OlapTopNShape *shape)
{
	double		c = column_correlation(root, rel, relation, first_key);
	double		c2 = c * c;
	double		groups_read = Max(info->groups * info->group_fraction, 1.0);
	double		share = groups_read;
	double		pass = Max(rel->rows / Max(rel->tuples * info->group_fraction, 1.0),
						   1e-10);
	double		group_rows = Max(rel->tuples / Max(info->groups, 1.0), 1.0);
	double		full;
	double		filled;
	double		random;

	if (parallel_workers > 0)
		share = Max(groups_read / parallel_divisor(parallel_workers), 1.0);
	full = bound / Min(pass, 1.0);
	random = share <= full ? 1.0 : full * (1.0 + log(share / full)) / share;
	filled = Min(ceil(bound / (pass * group_rows)) + 1.0, share);

	shape->order = descending ? -c : c;
	shape->bound = bound;
	shape->read = c2 * (shape->order > 0 ? filled / share : 1.0) +
		(1.0 - c2) * random;
	shape->fetch_groups = c2 * Min(filled, bound) +
		(1.0 - c2) * Min(bound, share);
}

/*
 * Turns path, costed by OlapScanCostPath as the first pass of a top-N scan
 * (key and qual columns only) over the groups shape says it reads, into the
 * whole top-N scan: the bounded sort of the rows passing the quals, before
 * the first row, then the fetch of the rows returned, which decodes the
 * needed columns (fetch_info) of the groups they lie in.  A row of a group
 * read is compared with the worst first key kept and goes into the sort
 * only when it beats it: every row when the rows come in the opposite of
 * the sort's order, about bound x (1 + ln(rows / bound)) of them in random
 * order, hardly more than bound in the sort's order (c^2 interpolates).
 * For a partial path every process sorts its share of the rows and returns
 * up to bound rows of its own.
 */
void
OlapScanCostTopN(RelOptInfo *rel, const OlapScanCostInfo *fetch_info,
				 const OlapTopNShape *shape, Path *path)
{
	double		bound = Max(shape->bound, 1.0);
	double		c2 = shape->order * shape->order;
	double		input = Max(path->rows * shape->read, 1.0);
	double		sorted = input;
	double		fetched = Min(bound, Max(path->rows, 1.0));
	double		group_rows = Max(rel->tuples, 1.0) / fetch_info->groups;
	Cost		sort_cost;
	Cost		fetch_cost;

	if (input > bound)
	{
		double		random = bound * (1.0 + log(input / bound));

		sorted = c2 * (shape->order > 0 ? bound : input) + (1.0 - c2) * random;
	}
	sort_cost = cpu_operator_cost * input +
		2.0 * cpu_operator_cost * sorted * log(2.0 * bound) / log(2.0);
	fetch_cost = Max(Min(shape->fetch_groups, fetched), 1.0) *
		(seq_page_cost * OLAP_COST_PAGE * rel->pages *
		 fetch_info->column_fraction / fetch_info->groups +
		 group_rows * decode_cost(fetch_info)) +
		fetched * (cpu_tuple_cost + path->pathtarget->cost.per_tuple);
	path->rows = clamp_row_est(fetched);
	path->startup_cost = path->total_cost + sort_cost;
	path->total_cost = path->startup_cost + fetch_cost;
}
