/*-------------------------------------------------------------------------
 *
 * agg_planner.c
 *	  Planning OlapAgg: aggregation paths over an OlapScan.
 *
 * create_upper_paths_hook offers, next to PostgreSQL's own Agg paths, a
 * CustomPath that aggregates the batches of an OlapScan of the query's only
 * relation:
 *
 *	 serial		OlapAgg computes the final values, applying HAVING itself;
 *	 parallel	OlapAgg computes transition states (serialized where
 *				PostgreSQL's partial aggregation serializes them) over a
 *				partial OlapScan, under PostgreSQL's own Gather and Finalize
 *				Aggregate, built here because PostgreSQL 15 calls no hook
 *				for UPPERREL_PARTIAL_GROUP_AGG.
 *
 * The path is offered only when everything it must compute is supported:
 * no GROUP BY or grouping sets yet, every aggregate a plain aggregate of the
 * list in supported_transfn over one column of the relation (or count(*)),
 * without DISTINCT, ORDER BY or FILTER, and every restriction clause of the
 * relation a vectorized qual (batches carry no other filtering).  Anything
 * else keeps PostgreSQL's Agg, which computes the same answers.
 *
 * The plan's custom_scan_tlist lists the distinct Aggref nodes; the target
 * list and the HAVING qual refer to them through setrefs.c like they would
 * to a scan tuple.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planner.h"
#include "optimizer/restrictinfo.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"

#include "agg/olap_agg.h"
#include "guc.h"
#include "scan/olap_scan.h"
#include "scan/vector_quals.h"

static create_upper_paths_hook_type prev_create_upper_paths_hook = NULL;

static Plan *olap_agg_plan_path(PlannerInfo *root, RelOptInfo *rel,
								CustomPath *best_path, List *tlist,
								List *clauses, List *custom_plans);

static const CustomPathMethods olap_agg_path_methods = {
	.CustomName = OLAP_AGG_NAME,
	.PlanCustomPath = olap_agg_plan_path,
};

static const CustomScanMethods olap_agg_scan_methods = {
	.CustomName = OLAP_AGG_NAME,
	.CreateCustomScanState = OlapAggCreateState,
};

/*
 * True for the transition functions of the built-in count, sum, avg, min,
 * max, bool_and and bool_or over the types OlapAgg supports.  agg_exec.c
 * calls them like nodeAgg.c does, so any of them gives PostgreSQL's exact
 * states; none needs more of the aggregate call than AggCheckCallContext.
 */
static bool
supported_transfn(Oid transfn)
{
	switch (transfn)
	{
		case F_INT8INC:			/* count(*) */
		case F_INT8INC_ANY:		/* count(x) */
		case F_INT2_SUM:
		case F_INT4_SUM:
		case F_INT8_AVG_ACCUM:	/* sum(int8), avg(int8) */
		case F_FLOAT4PL:
		case F_FLOAT8PL:
		case F_NUMERIC_AVG_ACCUM:	/* sum(numeric), avg(numeric) */
		case F_INTERVAL_PL:
		case F_INT2_AVG_ACCUM:
		case F_INT4_AVG_ACCUM:
		case F_FLOAT4_ACCUM:
		case F_FLOAT8_ACCUM:
		case F_INTERVAL_ACCUM:
		case F_INT2LARGER:
		case F_INT2SMALLER:
		case F_INT4LARGER:
		case F_INT4SMALLER:
		case F_INT8LARGER:
		case F_INT8SMALLER:
		case F_FLOAT4LARGER:
		case F_FLOAT4SMALLER:
		case F_FLOAT8LARGER:
		case F_FLOAT8SMALLER:
		case F_NUMERIC_LARGER:
		case F_NUMERIC_SMALLER:
		case F_DATE_LARGER:
		case F_DATE_SMALLER:
		case F_TIMESTAMP_LARGER:
		case F_TIMESTAMP_SMALLER:
		case F_TIMESTAMPTZ_LARGER:
		case F_TIMESTAMPTZ_SMALLER:
		case F_INTERVAL_LARGER:
		case F_INTERVAL_SMALLER:
		case F_TEXT_LARGER:
		case F_TEXT_SMALLER:
		case F_BOOLAND_STATEFUNC:
		case F_BOOLOR_STATEFUNC:
			return true;
		default:
			return false;
	}
}

/* True when OlapAgg can compute aggref over relation relid's batches. */
static bool
aggref_supported(Aggref *aggref, Index relid)
{
	HeapTuple	tuple;
	Form_pg_aggregate agg;
	bool		ok;

	if (aggref->aggorder != NIL || aggref->aggdistinct != NIL ||
		aggref->aggfilter != NULL || aggref->aggkind != AGGKIND_NORMAL ||
		aggref->agglevelsup != 0 || aggref->aggvariadic)
		return false;
	if (aggref->aggstar)
	{
		if (aggref->args != NIL)
			return false;
	}
	else
	{
		TargetEntry *tle;
		Var		   *var;

		if (list_length(aggref->args) != 1)
			return false;
		tle = linitial_node(TargetEntry, aggref->args);
		if (!IsA(tle->expr, Var))
			return false;
		var = (Var *) tle->expr;
		if (var->varno != relid || var->varattno <= 0 || var->varlevelsup != 0)
			return false;
	}

	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggref->aggfnoid));
	if (!HeapTupleIsValid(tuple))
		return false;
	agg = (Form_pg_aggregate) GETSTRUCT(tuple);
	ok = supported_transfn(agg->aggtransfn) && !agg->aggfinalextra;
	ReleaseSysCache(tuple);
	return ok;
}

/*
 * Collects into *aggrefs (without duplicates) the aggregates of exprs and
 * returns false if exprs use anything OlapAgg does not compute: an
 * unsupported aggregate, or a column outside of an aggregate.
 */
static bool
collect_aggrefs(List *exprs, Index relid, List **aggrefs)
{
	List	   *nodes = pull_var_clause((Node *) exprs,
										PVC_INCLUDE_AGGREGATES |
										PVC_INCLUDE_WINDOWFUNCS |
										PVC_INCLUDE_PLACEHOLDERS);
	ListCell   *lc;

	foreach(lc, nodes)
	{
		Node	   *node = lfirst(lc);

		if (!IsA(node, Aggref) || !aggref_supported((Aggref *) node, relid))
			return false;
		if (!list_member(*aggrefs, node))
			*aggrefs = lappend(*aggrefs, node);
	}
	return true;
}

/*
 * The OlapScan path of rel in paths (possibly under a projection), or NULL.
 */
static Path *
find_olap_scan_path(List *paths)
{
	ListCell   *lc;

	foreach(lc, paths)
	{
		Path	   *path = lfirst(lc);

		if (IsA(path, ProjectionPath))
			path = ((ProjectionPath *) path)->subpath;
		if (IsA(path, CustomPath) && path->param_info == NULL &&
			strcmp(((CustomPath *) path)->methods->CustomName,
				   OLAP_SCAN_NAME) == 0)
			return path;
	}
	return NULL;
}

/* True when every restriction clause of rel runs on batches. */
static bool
quals_all_vectorized(RelOptInfo *rel)
{
	ListCell   *lc;

	foreach(lc, rel->baserestrictinfo)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		/* pseudoconstant quals become a Result node above the scan */
		if (rinfo->pseudoconstant || !olap_enable_vectorization ||
			!VectorQualSupported(rinfo->clause, rel->relid))
			return false;
	}
	return true;
}

/*
 * Builds the OlapAgg path over scan computing target (and filtering by
 * having in serial plans).  Its cost is the scan's without a tenth of its
 * run cost (the rows are never handed out one at a time) plus a tenth of an
 * operator per aggregate and row: a fraction of what PostgreSQL's Agg over
 * the same scan costs, so the path wins whenever it applies.
 */
static CustomPath *
make_agg_path(RelOptInfo *output_rel, Path *scan, PathTarget *target,
			  List *aggrefs, List *having, bool partial)
{
	CustomPath *path = makeNode(CustomPath);
	int			naggs = list_length(aggrefs);

	path->path.pathtype = T_CustomScan;
	path->path.parent = output_rel;
	path->path.pathtarget = target;
	path->path.param_info = NULL;
	path->path.parallel_aware = false;
	path->path.parallel_safe = partial;
	path->path.parallel_workers = partial ? scan->parallel_workers : 0;
	path->path.rows = 1;
	path->path.pathkeys = NIL;
	path->path.startup_cost = scan->startup_cost +
		(scan->total_cost - scan->startup_cost) * 0.9 +
		scan->rows * naggs * cpu_operator_cost * 0.1;
	path->path.total_cost = path->path.startup_cost + cpu_tuple_cost +
		target->cost.per_tuple;
	path->flags = 0;
	path->custom_paths = list_make1(scan);
	path->custom_private = list_make2(aggrefs, having);
	path->methods = &olap_agg_path_methods;
	return path;
}

/*
 * The relation of the partial aggregation PostgreSQL planned for grouped_rel,
 * or NULL when it did not consider one.
 */
static RelOptInfo *
find_partial_grouping_rel(PlannerInfo *root, RelOptInfo *grouped_rel)
{
	ListCell   *lc;

	foreach(lc, root->upper_rels[UPPERREL_PARTIAL_GROUP_AGG])
	{
		RelOptInfo *rel = lfirst(lc);

		if (bms_equal(rel->relids, grouped_rel->relids) &&
			rel->reltarget != NULL)
			return rel;
	}
	return NULL;
}

/*
 * Adds to grouped_rel the parallel plan Finalize Aggregate -> Gather ->
 * OlapAgg (partial) -> partial OlapScan, when PostgreSQL itself planned a
 * partial aggregation (so every aggregate can be combined).  PostgreSQL 15
 * calls no hook for the partial grouping stage, so the whole shape is built
 * here, with PostgreSQL's own Gather and Finalize Aggregate nodes.
 */
static void
add_parallel_agg_path(PlannerInfo *root, RelOptInfo *input_rel,
					  RelOptInfo *grouped_rel, GroupPathExtraData *extra)
{
	RelOptInfo *partial_rel;
	Path	   *scan;
	List	   *aggrefs = NIL;
	CustomPath *partial;
	Path	   *gather;
	double		rows;

	if (!grouped_rel->consider_parallel || !extra->partial_costs_set ||
		(extra->flags & GROUPING_CAN_PARTIAL_AGG) == 0)
		return;
	partial_rel = find_partial_grouping_rel(root, grouped_rel);
	scan = find_olap_scan_path(input_rel->partial_pathlist);
	if (partial_rel == NULL || scan == NULL || scan->parallel_workers <= 0)
		return;
	if (!collect_aggrefs(partial_rel->reltarget->exprs, input_rel->relid,
						 &aggrefs) || aggrefs == NIL)
		return;

	partial = make_agg_path(partial_rel, scan, partial_rel->reltarget,
							aggrefs, NIL, true);
	rows = partial->path.rows * partial->path.parallel_workers;
	gather = (Path *) create_gather_path(root, partial_rel, &partial->path,
										 partial_rel->reltarget, NULL, &rows);
	add_path(grouped_rel,
			 (Path *) create_agg_path(root, grouped_rel, gather,
									  grouped_rel->reltarget, AGG_PLAIN,
									  AGGSPLIT_FINAL_DESERIAL, NIL,
									  (List *) extra->havingQual,
									  &extra->agg_final_costs, 1));
}

static void
olap_create_upper_paths(PlannerInfo *root, UpperRelationKind stage,
						RelOptInfo *input_rel, RelOptInfo *output_rel,
						void *extra)
{
	Query	   *parse = root->parse;
	GroupPathExtraData *gextra = (GroupPathExtraData *) extra;
	Path	   *scan;
	List	   *aggrefs = NIL;
	List	   *having;

	if (prev_create_upper_paths_hook)
		prev_create_upper_paths_hook(root, stage, input_rel, output_rel, extra);

	if (stage != UPPERREL_GROUP_AGG ||
		!olap_enable_vectorized_agg || !olap_enable_custom_scan ||
		!parse->hasAggs || parse->groupClause != NIL ||
		parse->groupingSets != NIL ||
		input_rel->reloptkind != RELOPT_BASEREL ||
		gextra->patype != PARTITIONWISE_AGGREGATE_NONE ||
		!quals_all_vectorized(input_rel))
		return;

	add_parallel_agg_path(root, input_rel, output_rel, gextra);

	scan = find_olap_scan_path(input_rel->pathlist);
	having = (List *) gextra->havingQual;
	if (scan == NULL ||
		!collect_aggrefs(output_rel->reltarget->exprs, input_rel->relid,
						 &aggrefs) ||
		!collect_aggrefs(having, input_rel->relid, &aggrefs) ||
		aggrefs == NIL)
		return;
	add_path(output_rel,
			 (Path *) make_agg_path(output_rel, scan, output_rel->reltarget,
									aggrefs, having, false));
}

static Plan *
olap_agg_plan_path(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
				   List *tlist, List *clauses, List *custom_plans)
{
	CustomScan *cscan = makeNode(CustomScan);
	List	   *aggrefs = linitial(best_path->custom_private);
	List	   *having = lsecond(best_path->custom_private);
	List	   *scan_tlist = NIL;
	ListCell   *lc;
	Plan	   *child = linitial(custom_plans);

	if (!IsA(child, CustomScan) ||
		((CustomScan *) child)->methods->CreateCustomScanState != OlapScanCreateState)
		elog(ERROR, "OlapAgg input is not an OlapScan");

	foreach(lc, aggrefs)
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry(copyObject(lfirst(lc)),
											 list_length(scan_tlist) + 1,
											 NULL, false));

	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = having;
	cscan->scan.scanrelid = 0;
	cscan->flags = best_path->flags;
	cscan->custom_plans = custom_plans;
	cscan->custom_exprs = NIL;
	cscan->custom_private = NIL;
	cscan->custom_scan_tlist = scan_tlist;
	cscan->methods = &olap_agg_scan_methods;
	return &cscan->scan.plan;
}

/* Registers the planner hook and the plan's methods. */
void
OlapAggInit(void)
{
	RegisterCustomScanMethods(&olap_agg_scan_methods);
	prev_create_upper_paths_hook = create_upper_paths_hook;
	create_upper_paths_hook = olap_create_upper_paths;
}
