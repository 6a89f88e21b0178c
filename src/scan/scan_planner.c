/*-------------------------------------------------------------------------
 *
 * scan_planner.c
 *	  Planning OlapScan: a path for every scan of an olap table.
 *
 * set_rel_pathlist_hook adds a CustomPath (and a partial one for parallel
 * plans) next to PostgreSQL's own sequential scan paths of every base
 * relation or partition stored with the olap access method.  The path
 * reads only the columns the query uses (the relation's target list and its
 * restriction clauses) and is costed by scan_cost.c (columns read, chunk
 * groups skipped, rows passing the vectorized quals); the planner picks it
 * when it is cheaper, and olap.enable_custom_scan = off removes it.
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

#include "access/stratnum.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "nodes/makefuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "guc.h"
#include "scan/olap_scan.h"
#include "scan/scan_cost.h"
#include "scan/scan_topn.h"
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

static CustomPath *
make_path(PlannerInfo *root, RelOptInfo *rel, List *columns,
		  const OlapScanCostInfo *cost_info, int parallel_workers)
{
	CustomPath *path = makeNode(CustomPath);
	List	   *vector_quals;
	List	   *row_quals;

	path->path.pathtype = T_CustomScan;
	path->path.parent = rel;
	path->path.pathtarget = rel->reltarget;
	path->path.param_info = NULL;
	path->path.parallel_aware = parallel_workers > 0;
	path->path.parallel_safe = rel->consider_parallel;
	path->path.parallel_workers = parallel_workers;
	path->path.pathkeys = NIL;
	path->flags = CUSTOMPATH_SUPPORT_PROJECTION;
	path->methods = &olap_scan_path_methods;
	path->custom_private = list_make2(columns, NIL);

	split_quals(rel->baserestrictinfo, rel->relid, &vector_quals, &row_quals);
	OlapScanCostPath(root, rel, cost_info, vector_quals, row_quals,
					 parallel_workers, &path->path);
	return path;
}

/*
 * The custom_private entry of a top-N scan of rel (scan_topn.c) and its
 * bound, or NIL when the query is not ORDER BY plain columns of rel alone
 * with a constant LIMIT (and OFFSET), without grouping, aggregates, window
 * functions, DISTINCT, set-returning functions, row locks or volatile
 * functions in its quals and target list.
 */
static List *
topn_private(PlannerInfo *root, RelOptInfo *rel, int64 *bound)
{
	Query	   *parse = root->parse;
	Const	   *count;
	int64		offset = 0;
	List	   *attnums = NIL;
	List	   *sortops = NIL;
	List	   *collations = NIL;
	List	   *nulls_first = NIL;
	ListCell   *lc;

	if (parse->commandType != CMD_SELECT || parse->rowMarks != NIL ||
		parse->setOperations != NULL || parse->groupClause != NIL ||
		parse->groupingSets != NIL || parse->distinctClause != NIL ||
		parse->hasAggs || parse->hasWindowFuncs || parse->hasTargetSRFs ||
		root->hasHavingQual || parse->limitOption != LIMIT_OPTION_COUNT ||
		root->query_pathkeys == NIL || rel->reloptkind != RELOPT_BASEREL ||
		!bms_equal(root->all_baserels, rel->relids))
		return NIL;

	/* LIMIT and OFFSET must be constants: the bound is fixed in the plan */
	if (parse->limitCount == NULL || !IsA(parse->limitCount, Const))
		return NIL;
	count = (Const *) parse->limitCount;
	if (count->constisnull || DatumGetInt64(count->constvalue) <= 0)
		return NIL;
	if (parse->limitOffset != NULL)
	{
		Const	   *off = (Const *) parse->limitOffset;

		if (!IsA(off, Const))
			return NIL;
		if (!off->constisnull)
			offset = Max(DatumGetInt64(off->constvalue), 0);
	}
	if (DatumGetInt64(count->constvalue) > OLAP_TOPN_MAX_ROWS ||
		offset > OLAP_TOPN_MAX_ROWS - DatumGetInt64(count->constvalue))
		return NIL;

	/* quals run twice, target list entries only for the rows returned */
	if (contain_volatile_functions((Node *) parse->targetList))
		return NIL;
	foreach(lc, rel->baserestrictinfo)
		if (contain_volatile_functions((Node *) lfirst_node(RestrictInfo, lc)->clause))
			return NIL;

	foreach(lc, root->query_pathkeys)
	{
		PathKey    *pathkey = lfirst(lc);
		EquivalenceClass *ec = pathkey->pk_eclass;
		Var		   *var = NULL;
		Oid			type = InvalidOid;
		Oid			sortop;
		ListCell   *lm;

		if (ec->ec_has_volatile)
			return NIL;
		foreach(lm, ec->ec_members)
		{
			EquivalenceMember *em = lfirst(lm);

			if (em->em_is_child || em->em_is_const)
				continue;
			var = OlapScanColumnVar((Node *) em->em_expr, rel->relid);
			if (var != NULL)
			{
				type = em->em_datatype;
				break;
			}
		}
		if (var == NULL)
			return NIL;
		sortop = get_opfamily_member(pathkey->pk_opfamily, type, type,
									 pathkey->pk_strategy);
		if (!OidIsValid(sortop))
			return NIL;
		attnums = lappend_int(attnums, var->varattno);
		sortops = lappend_oid(sortops, sortop);
		collations = lappend_oid(collations, ec->ec_collation);
		nulls_first = lappend_int(nulls_first, pathkey->pk_nulls_first);
	}

	*bound = DatumGetInt64(count->constvalue) + offset;
	return OlapTopNMakePrivate(*bound, attnums, sortops, collations, nulls_first);
}

/*
 * A top-N path: the first pass reads the sort keys and the quals' columns,
 * the rows returned are fetched whole (scan_topn.c).  With parallel_workers
 * > 0 a partial path: every process sorts the rows of the stripes it claims
 * and returns its own first bound rows, in order, for a Gather Merge.
 */
static CustomPath *
make_topn_path(PlannerInfo *root, RelOptInfo *rel, Relation relation,
			   List *columns, const OlapScanCostInfo *cost_info,
			   List *topn, int64 bound, int parallel_workers)
{
	Bitmapset  *attrs = NULL;
	List	   *first_columns = NIL;
	OlapScanCostInfo first_info;
	PathKey    *first_key;
	OlapTopNShape shape;
	CustomPath *path;
	ListCell   *lc;

	foreach(lc, rel->baserestrictinfo)
		pull_varattnos((Node *) lfirst_node(RestrictInfo, lc)->clause,
					   rel->relid, &attrs);
	foreach(lc, columns)
	{
		int			attnum = lfirst_int(lc);

		if (list_member_int(lsecond(topn), attnum) ||
			bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber, attrs))
			first_columns = lappend_int(first_columns, attnum);
	}
	OlapScanCostPrepare(root, rel, relation, first_columns, &first_info);
	first_key = linitial_node(PathKey, root->query_pathkeys);
	OlapScanCostTopNShape(root, rel, relation, &first_info,
						  linitial_int(lsecond(topn)),
						  first_key->pk_strategy == BTGreaterStrategyNumber,
						  (double) bound, parallel_workers, &shape);
	first_info.group_fraction *= shape.read;
	first_info.pages_read *= shape.read;
	path = make_path(root, rel, columns, &first_info, parallel_workers);
	OlapScanCostTopN(rel, cost_info, &shape, &path->path);
	path->path.pathkeys = root->query_pathkeys;
	/* a serial top-N path would return its rows once per process */
	if (parallel_workers == 0)
		path->path.parallel_safe = false;
	path->custom_private = list_make2(columns, topn);
	return path;
}

/*
 * Adds to path, when it is PostgreSQL's own (parallel) sequential scan of
 * rel, extra per row it reads: a parallel one reads its process's share.
 */
static void
charge_seqscan(RelOptInfo *rel, Path *path, Cost extra)
{
	Cost		cost;

	if (path->pathtype != T_SeqScan || extra <= 0)
		return;
	cost = extra * rel->tuples * path->rows / clamp_row_est(rel->rows);
	path->total_cost += cost;
}

/*
 * The workers a parallel OlapScan of rel asks for: PostgreSQL's count for
 * the table's size (compute_parallel_worker, at most
 * max_parallel_workers_per_gather), and no more processes than
 * olap.parallel_cpus, counting the leader when it takes part.  Decoding
 * chunks keeps a process busy, so processes beyond the CPUs only take
 * turns on them while each pays its own start-up: on 2 CPUs, a plan of 1
 * worker and the leader finishes 5-15% sooner than one of 2 workers and
 * the leader.
 */
int
OlapScanWorkers(RelOptInfo *rel)
{
	int			workers = compute_parallel_worker(rel, rel->pages, -1,
												  max_parallel_workers_per_gather);

	if (olap_parallel_cpus > 0)
	{
		int			limit = olap_parallel_cpus -
			(parallel_leader_participation ? 1 : 0);

		workers = Min(workers, limit);
	}
	return workers;
}

static void
olap_set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti,
					  RangeTblEntry *rte)
{
	Relation	relation;
	Cost		seqscan_extra;
	List	   *columns;
	OlapScanCostInfo cost_info;
	CustomPath *serial;
	CustomPath *topn_path = NULL;
	List	   *topn;
	int64		bound = 0;
	int			workers = 0;
	ListCell   *lc;

	if (prev_set_rel_pathlist_hook)
		prev_set_rel_pathlist_hook(root, rel, rti, rte);

	if (!olap_enable_custom_scan || rte->rtekind != RTE_RELATION ||
		rte->relkind != RELKIND_RELATION || rte->tablesample != NULL ||
		rel->reloptkind == RELOPT_JOINREL || rte->inh)
		return;

	relation = table_open(rte->relid, NoLock);
	if (!IsOlapRelation(relation))
	{
		table_close(relation, NoLock);
		return;
	}
	/*
	 * PostgreSQL's own partial paths of the table (Parallel Seq Scan) start
	 * the same workers as a parallel OlapScan: they pay the same for them.
	 * Its sequential scans decode every column (OlapScanCostSeqScanExtra),
	 * each process its share of the rows.
	 */
	seqscan_extra = OlapScanCostSeqScanExtra(root, rel, relation);
	foreach(lc, rel->partial_pathlist)
	{
		Path	   *path = lfirst(lc);
		Cost		workers_cost = OlapScanCostWorkers(path->parallel_workers);

		path->startup_cost += workers_cost;
		path->total_cost += workers_cost;
		charge_seqscan(rel, path, seqscan_extra);
	}
	foreach(lc, rel->pathlist)
		charge_seqscan(rel, lfirst(lc), seqscan_extra);
	list_sort(rel->pathlist, OlapPathTotalCostCmp);
	list_sort(rel->partial_pathlist, OlapPathTotalCostCmp);

	columns = needed_columns(rel, RelationGetDescr(relation)->natts);
	OlapScanCostPrepare(root, rel, relation, columns, &cost_info);
	if (rel->consider_parallel && rel->lateral_relids == NULL)
		workers = OlapScanWorkers(rel);
	topn = topn_private(root, rel, &bound);
	if (topn != NIL)
	{
		topn_path = make_topn_path(root, rel, relation, columns, &cost_info,
								   topn, bound, 0);
		if (workers > 0)
			add_partial_path(rel, (Path *) make_topn_path(root, rel, relation,
														  columns, &cost_info,
														  topn, bound, workers));
	}
	table_close(relation, NoLock);
	serial = make_path(root, rel, columns, &cost_info, 0);

	if (workers > 0)
	{
		add_partial_path(rel, (Path *) make_path(root, rel, columns,
												 &cost_info, workers));

		/*
		 * A table big enough for a parallel scan is not read in full by
		 * every process of a parallel plan: the planner does not charge for
		 * the repetition (the inner side of a parallel join, say, would be
		 * read and aggregated once per worker), so the serial path is kept
		 * out of parallel plans and the partial one serves them.
		 */
		serial->path.parallel_safe = false;
	}
	add_path(rel, (Path *) serial);
	if (topn_path != NULL)
		add_path(rel, (Path *) topn_path);
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
