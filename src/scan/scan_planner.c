/*-------------------------------------------------------------------------
 *
 * scan_planner.c
 *	  Planning OlapScan: a path for every scan of an olap table.
 *
 * set_rel_pathlist_hook adds a CustomPath (and a partial one for parallel
 * plans) next to PostgreSQL's own sequential scan paths of every base
 * relation or partition stored with the olap access method.  The path
 * reads only the columns the query uses (the relation's target list and its
 * restriction clauses), so it is costed by the share of the table's stored
 * bytes those columns take; the planner picks it when it is cheaper, and
 * olap.enable_custom_scan = off removes it.
 *
 * The plan keeps the relation's own tuple descriptor as scan tuple (so
 * quals, projections and system columns work unchanged) and records the
 * columns to read in custom_private.  Quals that vector_quals.c can run on
 * whole batches go to custom_exprs ("Vectorized Filter" in EXPLAIN), the
 * others stay in the plan's qual and run per row afterwards.  With
 * olap.enable_vectorization = off every qual stays a row qual.  A qual is
 * only vectorized when every qual of a lower security level (row-level
 * security, security barrier views) is vectorized too, because vectorized
 * quals run first.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "nodes/makefuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/restrictinfo.h"
#include "utils/guc.h"
#include "utils/rel.h"

#include "guc.h"
#include "scan/olap_scan.h"
#include "scan/vector_quals.h"
#include "storage/am_handler.h"

static set_rel_pathlist_hook_type prev_set_rel_pathlist_hook = NULL;

static Plan *olap_scan_plan_path(PlannerInfo *root, RelOptInfo *rel,
								 CustomPath *best_path, List *tlist,
								 List *clauses, List *custom_plans);

static const CustomPathMethods olap_scan_path_methods = {
	.CustomName = OLAP_SCAN_NAME,
	.PlanCustomPath = olap_scan_plan_path,
};

static const CustomScanMethods olap_scan_scan_methods = {
	.CustomName = OLAP_SCAN_NAME,
	.CreateCustomScanState = OlapScanCreateState,
};

/*
 * The attnums the scan must read: every column Var of the relation in its
 * target list and restriction clauses; all columns for a whole-row Var.
 */
static List *
needed_columns(RelOptInfo *rel, int natts)
{
	Bitmapset  *attrs = NULL;
	List	   *result = NIL;
	ListCell   *lc;
	int			i;

	pull_varattnos((Node *) rel->reltarget->exprs, rel->relid, &attrs);
	foreach(lc, rel->baserestrictinfo)
		pull_varattnos((Node *) ((RestrictInfo *) lfirst(lc))->clause,
					   rel->relid, &attrs);

	if (bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs))
	{
		for (i = 1; i <= natts; i++)
			result = lappend_int(result, i);
		return result;
	}
	for (i = 1; i <= natts; i++)
		if (bms_is_member(i - FirstLowInvalidHeapAttributeNumber, attrs))
			result = lappend_int(result, i);
	return result;
}

/* Share of the row width the needed columns take (planner estimates). */
static double
column_fraction(RelOptInfo *rel, List *columns, int natts)
{
	double		total = 0;
	double		needed = 0;
	int			i;

	for (i = 1; i <= natts; i++)
	{
		int32		width = rel->attr_widths[i - rel->min_attr];

		if (width <= 0)
			width = 8;
		total += width;
		if (list_member_int(columns, i))
			needed += width;
	}
	if (total <= 0)
		return 1.0;
	return Max(needed / total, 0.01);
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
 * Splits the scan's clauses (RestrictInfos in execution order) into the
 * quals that run on batches and those that run per row.
 */
static void
split_quals(List *clauses, Index relid, List **vector_quals, List **row_quals)
{
	Index		min_row_level = PG_UINT32_MAX;
	ListCell   *lc;

	*vector_quals = NIL;
	*row_quals = NIL;
	foreach(lc, clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		if (rinfo->pseudoconstant)
			continue;
		if (olap_enable_vectorization &&
			rinfo->security_level <= min_row_level &&
			VectorQualSupported(rinfo->clause, relid))
			*vector_quals = lappend(*vector_quals, rinfo->clause);
		else
		{
			*row_quals = lappend(*row_quals, rinfo->clause);
			min_row_level = Min(min_row_level, rinfo->security_level);
		}
	}
}

/*
 * Per-row cost of the relation's quals: a vectorized qual costs a fraction
 * of its expression cost (no executor dispatch per row, raw comparisons).
 */
static QualCost
scan_qual_cost(PlannerInfo *root, RelOptInfo *rel)
{
	List	   *vector_quals;
	List	   *row_quals;
	QualCost	vector_cost;
	QualCost	row_cost;
	QualCost	result;

	split_quals(rel->baserestrictinfo, rel->relid, &vector_quals, &row_quals);
	cost_qual_eval(&vector_cost, vector_quals, root);
	cost_qual_eval(&row_cost, row_quals, root);
	result.startup = vector_cost.startup + row_cost.startup;
	result.per_tuple = vector_cost.per_tuple * 0.2 + row_cost.per_tuple;
	return result;
}

static CustomPath *
make_path(PlannerInfo *root, RelOptInfo *rel, List *columns, double fraction,
		  int parallel_workers)
{
	CustomPath *path = makeNode(CustomPath);
	Cost		cpu_per_tuple;
	QualCost	qual_cost;
	double		rows = rel->tuples;
	Cost		disk_cost;

	path->path.pathtype = T_CustomScan;
	path->path.parent = rel;
	path->path.pathtarget = rel->reltarget;
	path->path.param_info = NULL;
	path->path.parallel_aware = parallel_workers > 0;
	path->path.parallel_safe = rel->consider_parallel;
	path->path.parallel_workers = parallel_workers;
	path->path.rows = rel->rows;
	path->path.pathkeys = NIL;
	path->flags = 0;
	path->methods = &olap_scan_path_methods;
	path->custom_private = list_make1(columns);

	/*
	 * Pages of the columns read, and per-row work without unread columns;
	 * even reading every column, it is a little cheaper than a sequential
	 * scan, which has to go through the same decoding one row at a time.
	 */
	disk_cost = seq_page_cost * rel->pages * fraction * 0.9;
	qual_cost = scan_qual_cost(root, rel);
	cpu_per_tuple = cpu_tuple_cost * (0.2 + 0.7 * fraction) + qual_cost.per_tuple;
	if (parallel_workers > 0)
	{
		double		divisor = parallel_divisor(parallel_workers);

		rows = rows / divisor;
		path->path.rows = clamp_row_est(rel->rows / divisor);
	}
	path->path.startup_cost = qual_cost.startup;
	path->path.total_cost = qual_cost.startup + disk_cost + cpu_per_tuple * rows +
		path->path.pathtarget->cost.per_tuple * path->path.rows;
	return path;
}

static void
olap_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti,
					  RangeTblEntry *rte)
{
	Relation	relation;
	bool		is_olap;
	int			natts;
	List	   *columns;
	double		fraction;
	CustomPath *serial;

	if (prev_set_rel_pathlist_hook)
		prev_set_rel_pathlist_hook(root, rel, rti, rte);

	if (!olap_enable_custom_scan || rte->rtekind != RTE_RELATION ||
		rte->relkind != RELKIND_RELATION || rte->tablesample != NULL ||
		rel->reloptkind == RELOPT_JOINREL || rte->inh)
		return;

	relation = table_open(rte->relid, NoLock);
	is_olap = IsOlapRelation(relation);
	natts = RelationGetDescr(relation)->natts;
	table_close(relation, NoLock);
	if (!is_olap)
		return;

	columns = needed_columns(rel, natts);
	fraction = column_fraction(rel, columns, natts);
	serial = make_path(root, rel, columns, fraction, 0);

	if (rel->consider_parallel && rel->lateral_relids == NULL)
	{
		int			workers = compute_parallel_worker(rel, rel->pages, -1,
													  max_parallel_workers_per_gather);

		if (workers > 0)
		{
			add_partial_path(rel, (Path *) make_path(root, rel, columns,
													 fraction, workers));

			/*
			 * A table big enough for a parallel scan is not read in full by
			 * every process of a parallel plan: the planner does not charge
			 * for the repetition (the inner side of a parallel join, say,
			 * would be read and aggregated once per worker), so the serial
			 * path is kept out of parallel plans and the partial one serves
			 * them.
			 */
			serial->path.parallel_safe = false;
		}
	}
	add_path(rel, (Path *) serial);
}

static Plan *
olap_scan_plan_path(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
					List *tlist, List *clauses, List *custom_plans)
{
	CustomScan *cscan = makeNode(CustomScan);
	List	   *vector_quals;
	List	   *row_quals;

	split_quals(clauses, rel->relid, &vector_quals, &row_quals);
	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = row_quals;
	cscan->custom_exprs = vector_quals;
	cscan->scan.scanrelid = rel->relid;
	cscan->flags = best_path->flags;
	cscan->custom_private = best_path->custom_private;
	cscan->custom_scan_tlist = NIL;
	cscan->methods = &olap_scan_scan_methods;
	Assert(list_length(cscan->custom_private) == OLAP_SCAN_PRIVATE_COUNT);
	return &cscan->scan.plan;
}

void
OlapScanInit(void)
{
	RegisterCustomScanMethods(&olap_scan_scan_methods);
	prev_set_rel_pathlist_hook = set_rel_pathlist_hook;
	set_rel_pathlist_hook = olap_set_rel_pathlist;
}
