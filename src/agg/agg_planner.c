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
 * no grouping sets; GROUP BY keys that are columns of a type whose equality
 * is byte equality (group_key_supported); every aggregate a plain aggregate of the list
 * in supported_transfn over one column of the relation (or count(*)),
 * without DISTINCT, ORDER BY or FILTER; every restriction clause of the
 * relation a vectorized qual (batches carry no other filtering).  Anything
 * else keeps PostgreSQL's Agg, which computes the same answers.
 *
 * The plan's custom_scan_tlist lists the grouping keys (Vars), then the
 * distinct Aggref nodes, and custom_private the number of keys; the target
 * list and the HAVING qual refer to them through setrefs.c like they would
 * to a scan tuple.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "parser/parsetree.h"
#include "optimizer/planner.h"
#include "optimizer/prep.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgroids.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"
#include "catalog/pg_statistic.h"
#include "utils/typcache.h"

#include "agg/agg_input.h"
#include "agg/agg_percentile.h"
#include "agg/olap_agg.h"
#include "guc.h"
#include "numeric_scaled.h"
#include "scan/olap_scan.h"
#include "scan/scan_cost.h"
#include "scan/vector_quals.h"

/* share of an OlapScan's run cost (without the hand-out) under OlapAgg */
#define OLAP_AGG_COST_SCAN_SHARE	0.9
/* x cpu_tuple_cost per row and input computed one row at a time */
#define OLAP_AGG_COST_ROW_EVAL		1.0
/*
 * x cpu_operator_cost per row: a transition run in a batch loop over
 * integer-like values (count, int2/int4 sums and averages, min/max of
 * integers, dates and timestamps), and an input computed in a loop (column
 * op constant, time buckets) or once per dictionary code
 */
#define OLAP_AGG_COST_LOOP			0.3
/* x cpu_operator_cost per row: a transition function called per value */
#define OLAP_AGG_COST_PER_VALUE		2.0
/* ... whose state is by reference or internal (copied, detoasted) */
#define OLAP_AGG_COST_PER_VALUE_REF	10.0
/* x cpu_operator_cost per row and key: few groups (hash table in cache) */
#define OLAP_AGG_COST_KEY_FEW		0.3
/* ... and many groups (a cache miss per row) */
#define OLAP_AGG_COST_KEY_MANY		2.0
/* the group counts between which the key cost grows (log scale) */
#define OLAP_AGG_FEW_GROUPS			1000.0
#define OLAP_AGG_MANY_GROUPS		100000.0
/* x cpu_operator_cost per byte of text an expression input reads */
#define OLAP_AGG_COST_TEXT_BYTE		0.2
/* ... and per call and per byte when it runs a regular expression */
#define OLAP_AGG_COST_REGEXP_CALL	100.0
#define OLAP_AGG_COST_REGEXP_BYTE	1.0
/* an expression of one column with at most this many values: per code */
#define OLAP_AGG_DICT_VALUES		1000.0
/*
 * x parallel_tuple_cost per partial group, on top of Gather's own
 * parallel_tuple_cost: forming, queueing and combining it in Finalize
 * Aggregate
 */
#define OLAP_AGG_COST_PARTIAL_GROUP	2.5

/* Share of a key's probe cost a partitioned plan pays for every row. */
#define OLAP_AGG_PARTITION_HASH_SHARE 0.5


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

/*
 * True when OlapAgg hashes values of type typid under collation collid
 * with the type's default equality eqop: integers, date, timestamps and
 * bool compared as integers, text under a deterministic collation by its
 * bytes.
 */
static bool
hashable_type_supported(Oid typid, Oid collid, Oid eqop)
{
	TypeCacheEntry *typentry;

	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case BOOLOID:
			break;
		case TEXTOID:
			if (!OidIsValid(collid) || !get_collation_isdeterministic(collid))
				return false;
			break;
		default:
			return false;
	}
	typentry = lookup_type_cache(typid, TYPECACHE_EQ_OPR);
	return eqop == typentry->eq_opr;
}

/*
 * True when OlapAgg can compute aggref over relation relid's batches: a
 * supported aggregate (or count(DISTINCT x) of a hashable type), with an
 * argument and FILTER clause computable per batch row.
 */
static bool
aggref_supported(Aggref *aggref, Index relid)
{
	HeapTuple	tuple;
	Form_pg_aggregate agg;
	bool		ok;

	/* percentile_disc/cont: agg_percentile.c */
	if (aggref->aggkind == AGGKIND_ORDERED_SET)
		return aggref->agglevelsup == 0 &&
			AggPercentileSupported(aggref) &&
			AggInputSupported(linitial_node(TargetEntry, aggref->args)->expr,
							  relid) &&
			(aggref->aggfilter == NULL ||
			 AggInputSupported(aggref->aggfilter, relid));

	if (aggref->aggorder != NIL || aggref->aggkind != AGGKIND_NORMAL ||
		aggref->agglevelsup != 0 || aggref->aggvariadic)
		return false;
	if (aggref->aggfilter != NULL &&
		!AggInputSupported(aggref->aggfilter, relid))
		return false;
	if (aggref->aggstar)
	{
		if (aggref->args != NIL || aggref->aggdistinct != NIL)
			return false;
	}
	else
	{
		TargetEntry *tle;

		if (list_length(aggref->args) != 1)
			return false;
		tle = linitial_node(TargetEntry, aggref->args);
		if (!AggInputSupported(tle->expr, relid))
			return false;
		if (aggref->aggdistinct != NIL)
		{
			SortGroupClause *sgc;

			/* count(DISTINCT x): a set of hashable values per group */
			if (aggref->aggfnoid != F_COUNT_ANY ||
				list_length(aggref->aggdistinct) != 1)
				return false;
			sgc = linitial_node(SortGroupClause, aggref->aggdistinct);
			if (sgc->tleSortGroupRef != tle->ressortgroupref ||
				!hashable_type_supported(exprType((Node *) tle->expr),
										 exprCollation((Node *) tle->expr),
										 sgc->eqop))
				return false;
		}
	}

	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggref->aggfnoid));
	if (!HeapTupleIsValid(tuple))
		return false;
	agg = (Form_pg_aggregate) GETSTRUCT(tuple);
	ok = supported_transfn(agg->aggtransfn) && !agg->aggfinalextra;
	ReleaseSysCache(tuple);
	return ok;
}

/* Context of collect_walker. */
typedef struct CollectContext
{
	Index		relid;
	List	   *keys;
	List	   *aggrefs;
	bool		ok;
} CollectContext;

static bool
collect_walker(Node *node, CollectContext *cxt)
{
	if (node == NULL || !cxt->ok)
		return false;
	/* a grouping key (column or expression) is computed by the node */
	if (list_member(cxt->keys, node))
		return false;
	if (IsA(node, Aggref))
	{
		if (!aggref_supported((Aggref *) node, cxt->relid))
			cxt->ok = false;
		else if (!list_member(cxt->aggrefs, node))
			cxt->aggrefs = lappend(cxt->aggrefs, node);
		return false;
	}
	if (IsA(node, Var) || IsA(node, PlaceHolderVar) ||
		IsA(node, WindowFunc) || IsA(node, GroupingFunc))
	{
		cxt->ok = false;
		return false;
	}
	return expression_tree_walker(node, collect_walker, cxt);
}

/*
 * Collects into *aggrefs (without duplicates) the aggregates of exprs and
 * returns false if exprs use anything OlapAgg does not compute: an
 * unsupported aggregate, or a column outside of an aggregate that is not
 * one of the grouping keys.
 */
static bool
collect_aggrefs(List *exprs, Index relid, List *keys, List **aggrefs)
{
	CollectContext cxt = {relid, keys, *aggrefs, true};

	collect_walker((Node *) exprs, &cxt);
	*aggrefs = cxt.aggrefs;
	return cxt.ok;
}

/*
 * True when OlapAgg can group by key: a column of the relation, or an
 * expression of its columns computable per batch row (date_trunc('day',
 * ts), ts::date, ...), of a type whose equality is the equality of its
 * bytes (integers, date, timestamps, bool; text under a deterministic
 * collation), grouped with that equality.
 */
static bool
group_key_supported(Node *key, Oid eqop, Index relid)
{
	return AggInputSupported((Expr *) key, relid) &&
		hashable_type_supported(exprType(key), exprCollation(key), eqop);
}

/*
 * The grouping keys of the query (Vars) in *keys; false when some key is
 * not supported.
 */
static bool
collect_group_keys(Query *parse, Index relid, List **keys)
{
	ListCell   *lc;

	*keys = NIL;
	foreach(lc, parse->groupClause)
	{
		SortGroupClause *sgc = lfirst_node(SortGroupClause, lc);
		Node	   *key = get_sortgroupclause_expr(sgc, parse->targetList);

		if (!group_key_supported(key, sgc->eqop, relid))
			return false;
		*keys = lappend(*keys, key);
	}
	return true;
}

/*
 * The width of the buckets of time bucket expression node over one
 * timestamp, timestamptz or date column *var, in microseconds (for a date
 * column: in days), or 0 when node is not such an expression: a chain of
 * date_trunc with a constant unit, date_bin with a constant stride, and
 * casts to date.  Month-based units count their shortest length, so the
 * estimate made from it is an upper bound.
 */
static double
bucket_width(Node *node, Var **var)
{
	FuncExpr   *func;
	double		inner;
	double		width = 0;

	if (IsA(node, Var))
	{
		*var = (Var *) node;
		return 1;
	}
	if (!IsA(node, FuncExpr))
		return 0;
	func = (FuncExpr *) node;
	switch (func->funcid)
	{
		case F_DATE_TIMESTAMP:
		case F_DATE_TIMESTAMPTZ:
			inner = bucket_width(linitial(func->args), var);
			return inner > 0 ? Max(inner, USECS_PER_DAY) : 0;
		case F_DATE_TRUNC_TEXT_TIMESTAMP:
		case F_DATE_TRUNC_TEXT_TIMESTAMPTZ:
			{
				Const	   *unit = linitial(func->args);
				char	   *name;

				if (!IsA(unit, Const) || unit->constisnull)
					return 0;
				name = TextDatumGetCString(unit->constvalue);
				if (pg_strcasecmp(name, "second") == 0)
					width = USECS_PER_SEC;
				else if (pg_strcasecmp(name, "minute") == 0)
					width = USECS_PER_MINUTE;
				else if (pg_strcasecmp(name, "hour") == 0)
					width = USECS_PER_HOUR;
				else if (pg_strcasecmp(name, "day") == 0)
					width = USECS_PER_DAY;
				else if (pg_strcasecmp(name, "week") == 0)
					width = 7.0 * USECS_PER_DAY;
				else if (pg_strcasecmp(name, "month") == 0)
					width = 28.0 * USECS_PER_DAY;
				else if (pg_strcasecmp(name, "quarter") == 0)
					width = 89.0 * USECS_PER_DAY;
				else if (pg_strcasecmp(name, "year") == 0)
					width = 365.0 * USECS_PER_DAY;
				else
					return 0;
				inner = bucket_width(lsecond(func->args), var);
				return inner > 0 ? Max(inner, width) : 0;
			}
		case F_DATE_BIN_INTERVAL_TIMESTAMP_TIMESTAMP:
		case F_DATE_BIN_INTERVAL_TIMESTAMPTZ_TIMESTAMPTZ:
			{
				Const	   *stride = linitial(func->args);
				Interval   *iv;

				if (!IsA(stride, Const) || stride->constisnull)
					return 0;
				iv = DatumGetIntervalP(stride->constvalue);
				width = iv->time + (double) iv->day * USECS_PER_DAY;
				if (iv->month != 0 || width <= 0)
					return 0;
				inner = bucket_width(lsecond(func->args), var);
				return inner > 0 ? Max(inner, width) : 0;
			}
		default:
			return 0;
	}
}

/*
 * Estimated groups of one time bucket key from the range of its column in
 * the column's histogram, or -1 when unknown.  estimate_num_groups counts
 * date_trunc('day', ts) as many groups as ts has values.
 */
static double
estimate_bucket_groups(PlannerInfo *root, Node *key)
{
	Var		   *var = NULL;
	double		width = bucket_width(key, &var);
	VariableStatData vardata;
	AttStatsSlot sslot;
	double		groups = -1;

	if (width <= 0 || var == NULL)
		return -1;
	if (var->vartype != TIMESTAMPOID && var->vartype != TIMESTAMPTZOID &&
		var->vartype != DATEOID)
		return -1;
	if (var->vartype == DATEOID)
		width = Max(width / USECS_PER_DAY, 1);
	examine_variable(root, (Node *) var, 0, &vardata);
	if (HeapTupleIsValid(vardata.statsTuple) &&
		get_attstatsslot(&sslot, vardata.statsTuple, STATISTIC_KIND_HISTOGRAM,
						 InvalidOid, ATTSTATSSLOT_VALUES))
	{
		if (sslot.nvalues >= 2)
		{
			double		lo;
			double		hi;

			if (var->vartype == DATEOID)
			{
				lo = DatumGetDateADT(sslot.values[0]);
				hi = DatumGetDateADT(sslot.values[sslot.nvalues - 1]);
			}
			else
			{
				lo = DatumGetTimestamp(sslot.values[0]);
				hi = DatumGetTimestamp(sslot.values[sslot.nvalues - 1]);
			}
			/* the bounds are finite in practice; +2: partial buckets, NULL */
			if (hi >= lo && hi - lo < 1e18)
				groups = floor((hi - lo) / width) + 2;
		}
		free_attstatsslot(&sslot);
	}
	ReleaseVariableStats(vardata);
	return groups;
}

/*
 * Estimated groups of keys over rows input rows: PostgreSQL's estimate,
 * lowered for time bucket keys to what their columns' ranges allow.
 */
static double
estimate_groups(PlannerInfo *root, List *keys, double rows)
{
	double		groups = estimate_num_groups(root, keys, rows, NULL, NULL);
	double		product = 1;
	ListCell   *lc;

	foreach(lc, keys)
	{
		Node	   *key = lfirst(lc);
		double		g = estimate_bucket_groups(root, key);

		if (g < 0)
			g = estimate_num_groups(root, list_make1(key), rows, NULL, NULL);
		product *= g;
	}
	return clamp_row_est(Min(groups, Min(product, rows)));
}

/*
 * Estimated bytes of the count(DISTINCT x) sets of aggrefs: one entry per
 * distinct (group keys, x) combination.
 */
static double
distinct_set_bytes(PlannerInfo *root, RelOptInfo *rel, List *keys,
				   List *aggrefs)
{
	double		bytes = 0;
	ListCell   *lc;

	foreach(lc, aggrefs)
	{
		Aggref	   *aggref = lfirst(lc);
		Node	   *arg;
		double		pairs;
		double		width = 8;

		if (aggref->aggdistinct == NIL)
			continue;
		arg = (Node *) linitial_node(TargetEntry, aggref->args)->expr;
		pairs = estimate_groups(root, lappend(list_copy(keys), arg),
								rel->rows);
		if (exprType(arg) == TEXTOID)
			width = IsA(arg, Var) ?
				rel->attr_widths[((Var *) arg)->varattno - rel->min_attr] + 16 : 48;
		bytes += pairs * (32 + width);
	}
	return bytes;
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

/*
 * The serial OlapScan path of rel.  When PostgreSQL pruned it in favour of
 * a Gather over the partial one (cheap parallel plans), a serial copy of
 * the partial path is made: same scan, not parallel-aware, all the rows.
 */
static Path *
find_serial_olap_scan_path(RelOptInfo *rel)
{
	Path	   *scan = find_olap_scan_path(rel->pathlist);
	CustomPath *copy;
	double		ratio;

	if (scan != NULL)
		return scan;
	scan = find_olap_scan_path(rel->partial_pathlist);
	if (scan == NULL)
		return NULL;
	copy = palloc(sizeof(CustomPath));
	memcpy(copy, scan, sizeof(CustomPath));
	ratio = clamp_row_est(rel->rows) / clamp_row_est(scan->rows);
	copy->path.parallel_aware = false;
	copy->path.parallel_workers = 0;
	copy->path.rows = clamp_row_est(rel->rows);
	copy->path.total_cost = scan->startup_cost +
		(scan->total_cost - scan->startup_cost) * Max(ratio, 1.0);
	return &copy->path;
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

/* Context of text_bytes_walker. */
typedef struct TextBytesContext
{
	PlannerInfo *root;
	double		bytes;			/* average bytes of the by-reference columns */
	bool		regexp;			/* a regular expression function is called */
} TextBytesContext;

static bool
text_bytes_walker(Node *node, TextBytesContext *cxt)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		Var		   *var = (Var *) node;
		RangeTblEntry *rte = planner_rt_fetch(var->varno, cxt->root);

		if (!get_typbyval(var->vartype) && var->varattno > 0 &&
			rte->rtekind == RTE_RELATION)
		{
			int32		width = get_attavgwidth(rte->relid, var->varattno);

			if (width <= 0)
				width = get_typavgwidth(var->vartype, var->vartypmod);
			cxt->bytes += width;
		}
		return false;
	}
	if (IsA(node, FuncExpr))
	{
		switch (((FuncExpr *) node)->funcid)
		{
			case F_REGEXP_REPLACE_TEXT_TEXT_TEXT:
			case F_REGEXP_REPLACE_TEXT_TEXT_TEXT_TEXT:
			case F_REGEXP_MATCH_TEXT_TEXT:
			case F_REGEXP_MATCH_TEXT_TEXT_TEXT:
			case F_SUBSTRING_TEXT_TEXT:	/* substring(t from pattern) */
				cxt->regexp = true;
				break;
			default:
				break;
		}
	}
	return expression_tree_walker(node, text_bytes_walker, cxt);
}

/*
 * Per-row cost of an expression input's work over the bytes of the text
 * (and other by-reference) columns it reads, which PostgreSQL's estimate
 * leaves out (length() or regexp_replace() cost an operator whatever the
 * string): OLAP_AGG_COST_TEXT_BYTE x cpu_operator_cost per average byte,
 * and with a regular expression function OLAP_AGG_COST_REGEXP_CALL x
 * cpu_operator_cost per call plus OLAP_AGG_COST_REGEXP_BYTE x that per
 * byte.  Measured on the benchmark: h22's avg(length(url)) over 1 million
 * URLs of ~60 bytes takes 80 ms more than the same grouping counting rows
 * (40 ns a row), regexp_replace() over 650,000 referers about 1.5 s (over
 * 2 microseconds a row).
 */
static Cost
text_bytes_cost(PlannerInfo *root, Node *input)
{
	TextBytesContext cxt = {root, 0, false};

	text_bytes_walker(input, &cxt);
	if (cxt.regexp)
		return cpu_operator_cost * (OLAP_AGG_COST_REGEXP_CALL +
									OLAP_AGG_COST_REGEXP_BYTE * cxt.bytes);
	return cpu_operator_cost * OLAP_AGG_COST_TEXT_BYTE * cxt.bytes;
}

/*
 * Per-row cost of one input computed one row at a time through
 * PostgreSQL's expression machinery (agg_input.c in OlapAgg when no
 * shortcut applies, the projection under PostgreSQL's Agg always):
 * OLAP_AGG_COST_ROW_EVAL x cpu_tuple_cost, plus text_bytes_cost, on top of
 * the expression's own cost.  PostgreSQL charges an expression only its
 * operators (one for regexp_replace as for int4pl), which is small beside
 * the per-row costs of a heap scan but not beside those of an olap scan:
 * measured, a row's trip through ExecEvalExpr costs 10-25 ns even for
 * abs() of an integer or length() of a text, about a cpu_tuple_cost at
 * PostgreSQL's ~500 cost units per ms.  Without it, a grouping by an
 * expression that takes seconds (a regular expression over a text column)
 * looks like a few milliseconds of work and never earns its parallel
 * workers.
 */
static Cost
row_eval_cost(PlannerInfo *root, Node *input)
{
	if (input == NULL || IsA(input, Var))
		return 0;
	return cpu_tuple_cost * OLAP_AGG_COST_ROW_EVAL +
		text_bytes_cost(root, input);
}

static Cost transition_cost(Aggref *aggref);

/* How OlapAgg's batch loops run aggref (OlapAggTransfnLoop). */
static OlapAggLoop
aggref_loop(Aggref *aggref)
{
	HeapTuple	tuple;
	Oid			transfn;

	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggref->aggfnoid));
	if (!HeapTupleIsValid(tuple))
		return OLAP_AGG_PER_VALUE;
	transfn = ((Form_pg_aggregate) GETSTRUCT(tuple))->aggtransfn;
	ReleaseSysCache(tuple);
	return OlapAggTransfnLoop(aggref, transfn);
}

/*
 * Per-row cost of aggregating with aggref that PostgreSQL's Agg pays but
 * does not charge: evaluating its argument and FILTER row at a time
 * (row_eval_cost of each), and the part of a transition function called
 * per value beyond the operator it counts (transition_cost).
 */
static Cost
pg_aggref_extra(PlannerInfo *root, Aggref *aggref)
{
	Cost		cost = row_eval_cost(root, (Node *) aggref->aggfilter);

	if (aggref->aggstar)
		return cost;
	return cost +
		row_eval_cost(root, (Node *) linitial_node(TargetEntry, aggref->args)->expr) +
		Max(transition_cost(aggref) - cpu_operator_cost, 0);
}

/*
 * Per-row cost of the aggregation that PostgreSQL's Agg pays but does not
 * charge: evaluating the keys row at a time and pg_aggref_extra of each
 * aggregate.
 */
static Cost
pg_inputs_cost(PlannerInfo *root, List *keys, List *aggrefs)
{
	Cost		cost = 0;
	ListCell   *lc;

	foreach(lc, keys)
		cost += row_eval_cost(root, lfirst(lc));
	foreach(lc, aggrefs)
		cost += pg_aggref_extra(root, lfirst_node(Aggref, lc));
	return cost;
}

/*
 * Per-row cost of OlapAgg computing input (a key, an aggregate's argument
 * or FILTER) of a relation of rows rows, the way agg_input.c computes it:
 * nothing for a column, which is read from the batch; a loop's worth for
 * integer arithmetic with a constant, a time bucket of a timestamp or date
 * column, or an expression of one column with few values (evaluated once
 * per dictionary code); otherwise its evaluation one row at a time
 * (row_eval_cost) plus its cost as PostgreSQL estimates it.
 */
static Cost
input_cost(PlannerInfo *root, Node *input, double rows)
{
	QualCost	cost;

	if (input == NULL)
		return 0;
	switch (AggInputClassify((Expr *) input))
	{
		case AGG_INPUT_COLUMN:
			return 0;
		case AGG_INPUT_LOOP:
			return cpu_operator_cost * OLAP_AGG_COST_LOOP;
		case AGG_INPUT_ONE_COLUMN:
			{
				List	   *vars = pull_var_clause(input, 0);

				if (vars != NIL &&
					estimate_num_groups(root, list_make1(linitial(vars)),
										rows, NULL, NULL) <= OLAP_AGG_DICT_VALUES)
					return cpu_operator_cost * OLAP_AGG_COST_LOOP;
			}
			break;
		case AGG_INPUT_PER_ROW:
			break;
	}
	cost_qual_eval_node(&cost, input, root);
	return row_eval_cost(root, input) + cost.per_tuple;
}

/*
 * How far groups groups are from fitting the CPU caches: 0 up to
 * OLAP_AGG_FEW_GROUPS, 1 from OLAP_AGG_MANY_GROUPS, on a log scale between.
 */
static double
many_groups_share(double groups)
{
	if (groups <= OLAP_AGG_FEW_GROUPS)
		return 0;
	if (groups >= OLAP_AGG_MANY_GROUPS)
		return 1;
	return log(groups / OLAP_AGG_FEW_GROUPS) /
		log(OLAP_AGG_MANY_GROUPS / OLAP_AGG_FEW_GROUPS);
}

/*
 * Per-row cost of one grouping key's hash table probe with groups groups:
 * cheap while the table stays in the CPU caches, a cache miss per row once
 * it is large, in between on a log scale.
 */
static Cost
key_cost(double groups)
{
	return cpu_operator_cost * (OLAP_AGG_COST_KEY_FEW +
								many_groups_share(groups) *
								(OLAP_AGG_COST_KEY_MANY - OLAP_AGG_COST_KEY_FEW));
}

/*
 * Per-row cost of one aggregate's transition in OlapAgg's batch loops
 * (OlapAggTransfnLoop): a loop over integer-like values (count, sums and
 * averages of int2/int4, min and max of integers, dates and timestamps,
 * and percentiles) OLAP_AGG_COST_LOOP x cpu_operator_cost, a loop over
 * numeric values or over texts (min/max under C) a whole operator, a call
 * of the transition function per value (int8 and float sums, text min and
 * max under other collations, ...) OLAP_AGG_COST_PER_VALUE operators
 * for a state by value and OLAP_AGG_COST_PER_VALUE_REF for one by
 * reference or internal (measured: min(text) through text_smaller over 10
 * million rows in 100,000 groups takes 1.2 s more than count(*), ~120 ns a
 * row; ~40 ns in the loop under C), and count(DISTINCT)
 * a set insertion, an operator.  count(*) costs nothing (it counts the
 * selection).
 */
static Cost
transition_cost(Aggref *aggref)
{
	if (aggref->aggstar)
		return 0;
	if (aggref->aggdistinct != NIL)
		return cpu_operator_cost;
	switch (aggref_loop(aggref))
	{
		case OLAP_AGG_LOOP_INT:
			return cpu_operator_cost * OLAP_AGG_COST_LOOP;
		case OLAP_AGG_LOOP_NUMERIC:
			return cpu_operator_cost;
		case OLAP_AGG_PER_VALUE:
			break;
	}
	if (aggref->aggtranstype != INTERNALOID &&
		get_typbyval(aggref->aggtranstype))
		return cpu_operator_cost * OLAP_AGG_COST_PER_VALUE;
	return cpu_operator_cost * OLAP_AGG_COST_PER_VALUE_REF;
}

/*
 * Whether aggref runs a numeric loop (sum, avg, min, max) over a column of
 * type numeric(p,s) with p <= 18, whose chunks are SCALED: its loops then
 * add and compare the scaled integers (agg_numeric.c), as integer loops do.
 */
static bool
scaled_numeric_loop(Aggref *aggref, Expr *arg)
{
	int32		typmod;

	if (!IsA(arg, Var) || ((Var *) arg)->vartype != NUMERICOID ||
		aggref->aggdistinct != NIL)
		return false;
	typmod = ((Var *) arg)->vartypmod;
	if (typmod < (int32) VARHDRSZ ||
		((typmod - VARHDRSZ) >> 16) > NUMERIC_SCALED_MAX_SCALE)
		return false;
	return aggref_loop(aggref) == OLAP_AGG_LOOP_NUMERIC;
}

/* Per-row cost of computing the grouping keys keys (input_cost). */
static Cost
keys_input_cost(PlannerInfo *root, List *keys, double rows)
{
	Cost		cost = 0;
	ListCell   *lc;

	foreach(lc, keys)
		cost += input_cost(root, lfirst(lc), rows);
	return cost;
}

/*
 * Per-row cost of aggregating one selected row of a relation of rows rows
 * into groups groups: probing the hash table with the grouping keys
 * (key_cost) computed by input_cost, and each aggregate's transition with
 * its argument and FILTER computed by input_cost (a numeric loop over a
 * SCALED column at the cost of an integer loop; without grouping keys, a
 * sum or avg of "column + c" that follows one of the same column costs
 * nothing per row: AggAdvanceShiftedSum shifts the sum it computed), the
 * aggregates' part never more than PostgreSQL's estimate of the same
 * (pg_costs, which
 * evaluates shared arguments and transition states once, plus what
 * charge_row_eval adds to its paths), so OlapAgg stays the cheaper path
 * where it applies.
 */
static Cost
agg_row_cost(PlannerInfo *root, List *keys, List *aggrefs,
			 const AggClauseCosts *pg_costs, double rows, double groups)
{
	Cost		keys_cost = 0;
	Cost		cost = 0;
	Cost		pg_inputs = 0;
	AttrNumber	shifted = InvalidAttrNumber;
	ListCell   *lc;

	keys_cost = list_length(keys) * key_cost(groups) +
		keys_input_cost(root, keys, rows);
	foreach(lc, aggrefs)
	{
		Aggref	   *aggref = lfirst_node(Aggref, lc);
		Expr	   *arg;

		cost += input_cost(root, (Node *) aggref->aggfilter, rows);
		pg_inputs += pg_aggref_extra(root, aggref);
		if (aggref->aggstar)
			continue;
		arg = linitial_node(TargetEntry, aggref->args)->expr;
		if (keys == NIL && aggref->aggfilter == NULL &&
			aggref->aggdistinct == NIL &&
			(aggref->aggfnoid == F_SUM_INT4 || aggref->aggfnoid == F_AVG_INT4))
		{
			AttrNumber	column = AggInputShiftedColumn(arg);

			/*
			 * AggAdvanceShiftedSum: the column's pass serves the next ones
			 * of the same column
			 */
			if (column != InvalidAttrNumber)
			{
				if (column == shifted)
					continue;
				shifted = column;
			}
		}
		if (scaled_numeric_loop(aggref, arg))
			cost += cpu_operator_cost * OLAP_AGG_COST_LOOP;
		else
			cost += transition_cost(aggref) + input_cost(root, (Node *) arg, rows);
	}
	return keys_cost + Min(cost, pg_costs->transCost.per_tuple + pg_inputs);
}

/*
 * Adds cost to PostgreSQL's own paths of rel: the evaluation of the
 * expression inputs row at a time and the transition functions called per
 * value beyond an operator (pg_inputs_cost), and the cache misses of
 * probing a large hash table beyond the cpu_operator_cost per key its Agg
 * charges (key_cost), which it pays just the same: the comparison with
 * OlapAgg's paths stays fair.  The same amount added to each keeps the
 * path list in order.
 */
static void
charge_row_eval(RelOptInfo *rel, Cost cost)
{
	ListCell   *lc;

	foreach(lc, rel->pathlist)
	{
		Path	   *path = lfirst(lc);

		path->startup_cost += cost;
		path->total_cost += cost;
	}
}

/*
 * Builds the OlapAgg path over scan computing target (and filtering by
 * having in serial plans) into groups groups.  Its cost is the scan's
 * without the handing out of rows one at a time (OlapAgg reads whole
 * batches and skips the executor's per-row scan machinery, hence
 * OLAP_AGG_COST_SCAN_SHARE of the rest), plus agg_row_cost per row the
 * scan passes on and the output of the groups.  PostgreSQL's Agg over the
 * same scan pays the hand-out, the whole scan and at least as much per row
 * (charge_row_eval), so the path wins whenever it applies, also against
 * sorted plans within add_path's fuzz factor.
 */
static CustomPath *
make_agg_path(PlannerInfo *root, RelOptInfo *output_rel, Path *scan,
			  PathTarget *target, List *keys, List *aggrefs, List *having,
			  const AggClauseCosts *pg_costs, double groups, bool partial,
			  int nparts)
{
	CustomPath *path = makeNode(CustomPath);
	double		groups_here = nparts > 1 ? clamp_row_est(groups / nparts) : groups;
	Cost		row_cost = agg_row_cost(root, keys, aggrefs, pg_costs,
										scan->parent->rows, groups_here);

	/*
	 * A process of a partitioned plan (agg_partition.c) computes and hashes
	 * the keys of every row, then probes and aggregates only the rows of its
	 * partitions, into a table of its share of the groups.  Hashing a row
	 * and picking it out is about half of what its probe costs
	 * (OLAP_AGG_PARTITION_HASH_SHARE; measured, count(*) per user over 10
	 * million rows, 100,000 groups: 89 ms serially, 84 ms in each of 2
	 * processes), so the partitions pay with aggregates that cost more than
	 * the probe: count(DISTINCT) sets per group, numeric or text states.
	 */
	if (nparts > 1)
	{
		Cost		key_inputs = keys_input_cost(root, keys, scan->parent->rows);
		Cost		probes = list_length(keys) * key_cost(groups_here);
		Cost		aggs = row_cost - key_inputs - probes;

		row_cost = key_inputs +
			list_length(keys) * key_cost(groups) * OLAP_AGG_PARTITION_HASH_SHARE +
			(probes * (1.0 - OLAP_AGG_PARTITION_HASH_SHARE) + aggs) / nparts;
	}

	/*
	 * Aggregating into many groups does not get faster with workers: each
	 * process probes a hash table of (nearly) all the groups, a cache miss
	 * per row, and the processes share the caches and the memory bus.
	 * Measured on the benchmark machine, count(*) per user (100,000 groups
	 * of 10 million rows): 131 ms serially, 129-157 ms in each of 3
	 * processes for a third of the rows; min(text) per user 540 ms
	 * serially, 670-840 ms in each process.  So the partial path's per-row
	 * work is divided among the processes only in the share the groups
	 * fit the caches (many_groups_share).
	 */
	if (partial && scan->rows > 0)
		row_cost *= 1.0 + many_groups_share(groups) *
			(Max(scan->parent->rows / scan->rows, 1.0) - 1.0);

	path->path.pathtype = T_CustomScan;
	path->path.parent = output_rel;
	path->path.pathtarget = target;
	path->path.param_info = NULL;
	path->path.parallel_aware = false;
	path->path.parallel_safe = partial;
	path->path.parallel_workers = partial ? scan->parallel_workers : 0;
	path->path.rows = groups_here;
	path->path.pathkeys = NIL;
	path->path.startup_cost = scan->startup_cost +
		(scan->total_cost - scan->startup_cost - OlapScanCostRowOut(scan)) *
		OLAP_AGG_COST_SCAN_SHARE +
		scan->rows * row_cost;
	path->path.total_cost = path->path.startup_cost +
		groups_here * (cpu_tuple_cost + target->cost.per_tuple);
	path->flags = 0;
	path->custom_paths = list_make1(scan);
	path->custom_private = list_make4(keys, aggrefs, having,
									  makeInteger(Max(nparts, 1)));
	path->methods = &olap_agg_path_methods;
	return path;
}

/*
 * Cost of handing the partial groups of a parallel aggregation from its
 * processes to its Finalize Aggregate, beyond the parallel_tuple_cost
 * Gather charges per row and the combining Finalize Aggregate charges:
 * groups groups from each of processes processes.  Measured, a partial
 * group costs about 0.5 microseconds from the hash table of a worker to the
 * hash table of Finalize Aggregate (e05 of the benchmark: 100,000 users'
 * counts from each of 3 processes took 200 ms more than the serial plan
 * spent on them), several times what PostgreSQL charges for it, hence
 * OLAP_AGG_COST_PARTIAL_GROUP x parallel_tuple_cost more per group.  Each
 * transition state of type internal (numeric sums and averages, say) is
 * moreover serialized into a bytea, copied through the tuple queue and
 * deserialized, about as much work as passing another tuple
 * (parallel_tuple_cost), while PostgreSQL charges its serial and deserial
 * functions an operator each (o08 of the benchmark, 100,000 groups of a
 * numeric sum and avg, ran slower with 2 workers than serially).
 */
static Cost
partial_state_cost(List *aggrefs, double groups, int processes)
{
	int			states = 0;
	ListCell   *lc;

	foreach(lc, aggrefs)
	{
		if (lfirst_node(Aggref, lc)->aggtranstype == INTERNALOID)
			states++;
	}
	return groups * processes * parallel_tuple_cost *
		(OLAP_AGG_COST_PARTIAL_GROUP + states);
}

/*
 * Adds cost to PostgreSQL's own parallel aggregation paths of rel (a
 * Finalize Aggregate over the partial states), which pass the same states
 * (partial_state_cost), and keeps the path list in order of total cost.
 */
static void
charge_partial_states(RelOptInfo *rel, Cost cost)
{
	ListCell   *lc;

	if (cost <= 0)
		return;
	foreach(lc, rel->pathlist)
	{
		Path	   *path = lfirst(lc);

		if (IsA(path, AggPath) &&
			((AggPath *) path)->aggsplit == AGGSPLIT_FINAL_DESERIAL)
		{
			path->startup_cost += cost;
			path->total_cost += cost;
		}
	}
	list_sort(rel->pathlist, OlapPathTotalCostCmp);
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
					  RelOptInfo *grouped_rel, GroupPathExtraData *extra,
					  List *keys, double groups)
{
	RelOptInfo *partial_rel;
	Path	   *scan;
	List	   *aggrefs = NIL;
	CustomPath *partial;
	Path	   *gather;
	AggPath    *final;
	Cost		states_cost;
	double		rows;
	int			processes;

	if (!grouped_rel->consider_parallel || !extra->partial_costs_set ||
		(extra->flags & GROUPING_CAN_PARTIAL_AGG) == 0 ||
		(keys != NIL && (extra->flags & GROUPING_CAN_USE_HASH) == 0))
		return;
	partial_rel = find_partial_grouping_rel(root, grouped_rel);
	scan = find_olap_scan_path(input_rel->partial_pathlist);
	if (partial_rel == NULL || scan == NULL || scan->parallel_workers <= 0)
		return;
	if (!collect_aggrefs(partial_rel->reltarget->exprs, input_rel->relid,
						 keys, &aggrefs) || (aggrefs == NIL && keys == NIL))
		return;

	partial = make_agg_path(root, partial_rel, scan, partial_rel->reltarget,
							keys, aggrefs, NIL, &extra->agg_partial_costs,
							groups, true, 0);
	/*
	 * Every process returns the groups of the rows it read; the Gather's
	 * rows are counted as PostgreSQL counts them for its own partial
	 * aggregation (workers only), partial_state_cost charges the leader's.
	 */
	processes = partial->path.parallel_workers +
		(parallel_leader_participation ? 1 : 0);
	if (keys != NIL)
		partial->path.rows = estimate_groups(root, keys, scan->rows);
	rows = partial->path.rows * partial->path.parallel_workers;
	gather = (Path *) create_gather_path(root, partial_rel, &partial->path,
										 partial_rel->reltarget, NULL, &rows);
	final = create_agg_path(root, grouped_rel, gather,
							grouped_rel->reltarget,
							keys != NIL ? AGG_HASHED : AGG_PLAIN,
							AGGSPLIT_FINAL_DESERIAL,
							root->parse->groupClause,
							(List *) extra->havingQual,
							&extra->agg_final_costs, groups);
	states_cost = partial_state_cost(aggrefs, partial->path.rows, processes);
	charge_partial_states(grouped_rel, states_cost);
	final->path.startup_cost += states_cost;
	final->path.total_cost += states_cost;
	add_path(grouped_rel, (Path *) final);
}

/*
 * Adds to grouped_rel the partial path OlapAgg (partitioned) -> OlapScan, in
 * which every process reads all rows and aggregates the groups of its hash
 * partitions to their final values (agg_partition.c), and a Gather over it.
 * PostgreSQL's ordering stage puts a Sort and a Gather Merge over the
 * partial path for ORDER BY, so a LIMIT bounds each process's sort.  Only
 * with grouping keys (without them there is one group); as many workers as
 * a parallel OlapScan of the table would have.
 */
static void
add_partitioned_agg_path(PlannerInfo *root, RelOptInfo *input_rel,
						 RelOptInfo *grouped_rel, Path *scan, List *keys,
						 List *aggrefs, List *having,
						 const AggClauseCosts *agg_costs, double groups)
{
	CustomPath *partitioned;
	Path	   *gather;
	int			workers;
	int			nparts;

	if (!olap_enable_partitioned_agg || keys == NIL ||
		!grouped_rel->consider_parallel || scan->pathkeys != NIL ||
		input_rel->lateral_relids != NULL)
		return;
	workers = OlapScanWorkers(input_rel);
	if (workers <= 0)
		return;
	nparts = workers + (parallel_leader_participation ? 1 : 0);
	if (nparts < 2)
		return;

	/*
	 * The serial scan of a table big enough for a parallel one is kept out
	 * of parallel plans (scan_planner.c: the planner would not charge for
	 * every process reading it); here reading it in every process is the
	 * plan, and the partitions make the work of each process its own.
	 */
	if (!scan->parallel_safe)
	{
		CustomPath *copy = palloc(sizeof(CustomPath));

		memcpy(copy, scan, sizeof(CustomPath));
		copy->path.parallel_safe = true;
		scan = &copy->path;
	}

	partitioned = make_agg_path(root, grouped_rel, scan, grouped_rel->reltarget,
								keys, aggrefs, having, agg_costs, groups,
								false, nparts);
	partitioned->path.parallel_aware = true;
	partitioned->path.parallel_safe = true;
	partitioned->path.parallel_workers = workers;
	/* the workers' start, as a parallel OlapScan path is charged it */
	partitioned->path.startup_cost += OlapScanCostWorkers(workers);
	partitioned->path.total_cost += OlapScanCostWorkers(workers);
	gather = (Path *) create_gather_path(root, grouped_rel, &partitioned->path,
										 grouped_rel->reltarget, NULL, &groups);
	add_path(grouped_rel, gather);
	add_partial_path(grouped_rel, &partitioned->path);
}

static void
olap_create_upper_paths(PlannerInfo *root, UpperRelationKind stage,
						RelOptInfo *input_rel, RelOptInfo *output_rel,
						void *extra)
{
	Query	   *parse = root->parse;
	GroupPathExtraData *gextra = (GroupPathExtraData *) extra;
	Path	   *scan;
	List	   *keys;
	List	   *aggrefs = NIL;
	List	   *having;
	AggClauseCosts agg_costs;
	double		groups = 1;

	if (prev_create_upper_paths_hook)
		prev_create_upper_paths_hook(root, stage, input_rel, output_rel, extra);

	if (stage != UPPERREL_GROUP_AGG ||
		!olap_enable_vectorized_agg || !olap_enable_custom_scan ||
		(!parse->hasAggs && parse->groupClause == NIL) ||
		parse->groupingSets != NIL ||
		input_rel->reloptkind != RELOPT_BASEREL ||
		gextra->patype != PARTITIONWISE_AGGREGATE_NONE ||
		!quals_all_vectorized(input_rel) ||
		!collect_group_keys(parse, input_rel->relid, &keys))
		return;

	having = (List *) gextra->havingQual;
	if (!collect_aggrefs(output_rel->reltarget->exprs, input_rel->relid,
						 keys, &aggrefs) ||
		!collect_aggrefs(having, input_rel->relid, keys, &aggrefs) ||
		(aggrefs == NIL && keys == NIL))
		return;

	/*
	 * Groups that outgrow the hash memory limit at run time are spilled to
	 * files (agg_spill.c), and with grouping keys so are count(DISTINCT)
	 * sets (the pass is split by group); without keys the one group's sets
	 * cannot be split: they must fit by the estimates, otherwise
	 * PostgreSQL's Agg (which sorts) is left alone.
	 */
	if (keys != NIL)
		groups = estimate_groups(root, keys, input_rel->rows);
	if (keys == NIL &&
		distinct_set_bytes(root, input_rel, keys, aggrefs) >
		(double) get_hash_memory_limit())
		return;

	scan = find_serial_olap_scan_path(input_rel);
	if (scan == NULL)
		return;
	charge_row_eval(output_rel,
					input_rel->rows * (pg_inputs_cost(root, keys, aggrefs) +
									   list_length(keys) *
									   Max(key_cost(groups) - cpu_operator_cost, 0)));
	add_parallel_agg_path(root, input_rel, output_rel, gextra, keys, groups);
	MemSet(&agg_costs, 0, sizeof(AggClauseCosts));
	if (parse->hasAggs)
		get_agg_clause_costs(root, AGGSPLIT_SIMPLE, &agg_costs);
	add_partitioned_agg_path(root, input_rel, output_rel, scan, keys, aggrefs,
							 having, &agg_costs, groups);
	add_path(output_rel,
			 (Path *) make_agg_path(root, output_rel, scan, output_rel->reltarget,
									keys, aggrefs, having, &agg_costs,
									groups, false, 0));
}

static Plan *
olap_agg_plan_path(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
				   List *tlist, List *clauses, List *custom_plans)
{
	CustomScan *cscan = makeNode(CustomScan);
	List	   *keys = linitial(best_path->custom_private);
	List	   *aggrefs = lsecond(best_path->custom_private);
	List	   *having = lthird(best_path->custom_private);
	int			nparts = intVal(lfourth(best_path->custom_private));
	List	   *scan_tlist = NIL;
	ListCell   *lc;
	Plan	   *child = linitial(custom_plans);

	if (!IsA(child, CustomScan) ||
		((CustomScan *) child)->methods->CreateCustomScanState != OlapScanCreateState)
		elog(ERROR, "OlapAgg input is not an OlapScan");

	foreach(lc, keys)
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry(copyObject(lfirst(lc)),
											 list_length(scan_tlist) + 1,
											 NULL, false));
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
	cscan->custom_private = list_make2_int(list_length(keys), nparts);
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
	OlapAggJitInit();
}
