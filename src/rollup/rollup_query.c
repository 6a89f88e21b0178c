/*-------------------------------------------------------------------------
 *
 * rollup_query.c
 *	  Analysis of a rollup's defining query, and the range-restricted
 *	  variants of it that a refresh and the real-time view run.
 *
 * olap.rollup_analyze(query) parses and analyzes the query with the core
 * parser (raw_parser, parse_analyze_fixedparams) and refuses what a rollup
 * cannot maintain by recomputing buckets: anything but one plain aggregate
 * SELECT over one plain table (writes straight into partitions or
 * inheritance children would bypass the triggers on the parent), volatile
 * functions, grouping sets, window
 * functions, DISTINCT, LIMIT, sub-queries, and a GROUP BY without a time
 * bucket.  A time bucket is a GROUP BY key in the select list that is
 *
 *	- date_trunc(constant unit, column [, constant zone]),
 *	- date_bin(constant stride, column, constant origin), or
 *	- a column of type date,
 *
 * where column is a date, timestamp or timestamptz column of the source.
 * Each of these is monotonic in the column and never later than it, which
 * is what the refresh relies on: rows of buckets [lo, hi] all have
 * column >= lo, and, when the step from one bucket to the next is known,
 * column < hi + step.
 *
 * It returns the query deparsed with every name schema-qualified (so it
 * means the same under any search_path, e.g. in the maintenance worker),
 * the bucket expression over the source's columns, the bucket's type and
 * step.  olap.rollup_bounded_query(query, column, lower, upper) adds
 * "column >= lower [AND column < upper]" (or "column IS NULL" when lower is
 * NULL) to the WHERE clause of a query
 * (lower and upper are SQL expressions of ours) by editing the raw parse
 * tree, and deparses the result.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/formatting.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"

#include "rollup/rollup.h"

PG_FUNCTION_INFO_V1(olap_rollup_analyze);
PG_FUNCTION_INFO_V1(olap_rollup_bounded_query);

/* A refusal of the query, naming the part and why. */
#define refuse(code, ...) \
	ereport(ERROR, \
			(errcode(code), \
			 errmsg("query is not supported for a rollup"), \
			 errdetail(__VA_ARGS__)))

/*
 * Parses a single SELECT statement; refuses anything else.
 */
static RawStmt *
parse_one_select(const char *query)
{
	List	   *raw = raw_parser(query, RAW_PARSE_DEFAULT);
	RawStmt    *stmt;

	if (list_length(raw) != 1)
		refuse(ERRCODE_INVALID_PARAMETER_VALUE,
			   "The query must be exactly one SELECT statement.");
	stmt = linitial_node(RawStmt, raw);
	if (!IsA(stmt->stmt, SelectStmt))
		refuse(ERRCODE_INVALID_PARAMETER_VALUE,
			   "The query must be a SELECT statement.");
	return stmt;
}

/*
 * Returns the source column under implicit casts and relabelings, or NULL.
 */
static Var *
strip_to_var(Node *node)
{
	for (;;)
	{
		if (node == NULL)
			return NULL;
		if (IsA(node, Var))
			return (Var *) node;
		if (IsA(node, RelabelType))
			node = (Node *) ((RelabelType *) node)->arg;
		else if (IsA(node, FuncExpr) &&
				 ((FuncExpr *) node)->funcformat == COERCE_IMPLICIT_CAST &&
				 list_length(((FuncExpr *) node)->args) == 1)
			node = linitial(((FuncExpr *) node)->args);
		else
			return NULL;
	}
}

static bool
is_time_type(Oid type)
{
	return type == DATEOID || type == TIMESTAMPOID || type == TIMESTAMPTZOID;
}

/*
 * The interval from one date_trunc bucket to the next, or NULL for units
 * date_trunc does not support (it raises its own error at run time).
 */
static const char *
date_trunc_step(const char *unit)
{
	static const char *const units[][2] = {
		{"microseconds", "1 microsecond"}, {"milliseconds", "1 millisecond"},
		{"second", "1 second"}, {"minute", "1 minute"}, {"hour", "1 hour"},
		{"day", "1 day"}, {"week", "7 days"}, {"month", "1 month"},
		{"quarter", "3 months"}, {"year", "1 year"}, {"decade", "10 years"},
		{"century", "100 years"}, {"millennium", "1000 years"}
	};
	char	   *lower = asc_tolower(unit, strlen(unit));

	for (int i = 0; i < lengthof(units); i++)
	{
		if (strcmp(lower, units[i][0]) == 0 ||
			(strlen(lower) > 1 && lower[strlen(lower) - 1] == 's' &&
			 strncmp(lower, units[i][0], strlen(lower) - 1) == 0 &&
			 strlen(units[i][0]) == strlen(lower) - 1))
			return units[i][1];
	}
	return NULL;
}

/*
 * If expr is a time bucket (see the file header), sets *var to its column
 * and *step to the step between buckets (NULL if unknown) and returns true.
 */
static bool
match_time_bucket(Node *expr, Var **var, const char **step)
{
	Var		   *v;

	*step = NULL;
	if (IsA(expr, FuncExpr))
	{
		FuncExpr   *f = (FuncExpr *) expr;
		Node	   *arg0 = linitial(f->args);

		switch (f->funcid)
		{
			case F_DATE_TRUNC_TEXT_TIMESTAMPTZ:
			case F_DATE_TRUNC_TEXT_TIMESTAMP:
			case F_DATE_TRUNC_TEXT_TIMESTAMPTZ_TEXT:
				if (!IsA(arg0, Const) || ((Const *) arg0)->constisnull)
					return false;
				if (f->funcid == F_DATE_TRUNC_TEXT_TIMESTAMPTZ_TEXT &&
					!IsA(lthird(f->args), Const))
					return false;
				v = strip_to_var(lsecond(f->args));
				if (v == NULL || !is_time_type(v->vartype))
					return false;
				/* with an explicit zone, bucket + step in our zone may differ */
				if (f->funcid != F_DATE_TRUNC_TEXT_TIMESTAMPTZ_TEXT)
					*step = date_trunc_step(TextDatumGetCString(((Const *) arg0)->constvalue));
				*var = v;
				return true;
			case F_DATE_BIN_INTERVAL_TIMESTAMP_TIMESTAMP:
			case F_DATE_BIN_INTERVAL_TIMESTAMPTZ_TIMESTAMPTZ:
				if (!IsA(arg0, Const) || ((Const *) arg0)->constisnull ||
					!IsA(lthird(f->args), Const))
					return false;
				v = strip_to_var(lsecond(f->args));
				if (v == NULL || !is_time_type(v->vartype))
					return false;
				*step = DatumGetCString(DirectFunctionCall1(interval_out,
															((Const *) arg0)->constvalue));
				*var = v;
				return true;
			default:
				return false;
		}
	}
	if (IsA(expr, Var) && ((Var *) expr)->vartype == DATEOID)
	{
		*var = (Var *) expr;
		*step = "1 day";
		return true;
	}
	return false;
}

/*
 * Deparses a query with every object name schema-qualified, so that the
 * text means the same whatever search_path runs it.
 */
static char *
deparse_qualified(Query *query)
{
	int			save_nestlevel = NewGUCNestLevel();
	char	   *result;

	(void) set_config_option("search_path", "pg_catalog",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	result = pg_get_querydef(query, false);
	AtEOXact_GUC(false, save_nestlevel);
	return result;
}

/*
 * olap.rollup_analyze(query text) -> (source regclass, time_column name,
 * bucket_column name, bucket_expr text, bucket_type regtype, bucket_step
 * interval, canonical_query text, result_types regtype[]): result_types
 * are the output columns' types, which the rollup table's columns have.
 */
Datum
olap_rollup_analyze(PG_FUNCTION_ARGS)
{
	char	   *query_text = text_to_cstring(PG_GETARG_TEXT_PP(0));
	RawStmt    *raw = parse_one_select(query_text);
	Query	   *query;
	RangeTblEntry *rte;
	TupleDesc	tupdesc;
	Datum		values[8];
	bool		nulls[8] = {0};
	Datum	   *result_types;
	int			nresults = 0;
	TargetEntry *bucket_tle = NULL;
	Var		   *bucket_var = NULL;
	const char *bucket_step = NULL;
	List	   *names = NIL;
	ListCell   *lc;
	int			save_nestlevel;

	query = parse_analyze_fixedparams(raw, query_text, NULL, 0, NULL);

	if (query->commandType != CMD_SELECT || query->utilityStmt != NULL)
		refuse(ERRCODE_INVALID_PARAMETER_VALUE, "The query must be a SELECT statement.");
	if (query->setOperations != NULL)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "UNION, INTERSECT and EXCEPT cannot be maintained by bucket.");
	if (query->cteList != NIL)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "WITH queries are not supported in a rollup.");
	if (query->hasSubLinks)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "Sub-queries are not supported in a rollup: a bucket must depend only on the source table's rows of that bucket.");
	if (query->hasWindowFuncs)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "Window functions are not supported in a rollup: they depend on rows outside a bucket.");
	if (query->hasTargetSRFs)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "Set-returning functions in the select list are not supported in a rollup.");
	if (query->distinctClause != NIL)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "SELECT DISTINCT is not supported in a rollup.");
	if (query->limitCount != NULL || query->limitOffset != NULL)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "LIMIT and OFFSET are not supported in a rollup: they depend on rows outside a bucket.");
	if (query->rowMarks != NIL)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "FOR UPDATE and FOR SHARE are not supported in a rollup.");
	if (query->groupingSets != NIL)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "GROUPING SETS, ROLLUP and CUBE are not supported in a rollup.");
	if (!query->hasAggs)
		refuse(ERRCODE_INVALID_PARAMETER_VALUE, "The query must compute at least one aggregate.");
	if (query->groupClause == NIL)
		refuse(ERRCODE_INVALID_PARAMETER_VALUE,
			   "The query must have a GROUP BY clause with a time bucket.");
	if (list_length(query->rtable) != 1 || list_length(query->jointree->fromlist) != 1 ||
		!IsA(linitial(query->jointree->fromlist), RangeTblRef))
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "The FROM clause must name exactly one table: joins are not supported in a rollup.");
	rte = linitial_node(RangeTblEntry, query->rtable);
	if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_RELATION)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "The FROM clause must name a table (heap or olap); views, partitioned tables, functions and sub-queries are not supported.");
	if (rte->inh && has_subclass(rte->relid))
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "The source table has inheritance children, whose changes the rollup would not see; use FROM ONLY or a table without children.");
	if (rte->tablesample != NULL)
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED, "TABLESAMPLE is not supported in a rollup.");
	if (contain_volatile_functions((Node *) query))
		refuse(ERRCODE_FEATURE_NOT_SUPPORTED,
			   "Volatile functions are not supported in a rollup: recomputing a bucket must give the same result.");

	/* output names: become the rollup table's columns */
	foreach(lc, query->targetList)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		ListCell   *lc2;

		if (tle->resjunk)
			continue;
		foreach(lc2, names)
		{
			if (strcmp((char *) lfirst(lc2), tle->resname) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("query is not supported for a rollup"),
						 errdetail("Two output columns are named \"%s\".", tle->resname),
						 errhint("Give each output column its own name with AS.")));
		}
		names = lappend(names, tle->resname);
	}

	/* the time bucket: a GROUP BY key in the select list */
	foreach(lc, query->groupClause)
	{
		SortGroupClause *sgc = lfirst_node(SortGroupClause, lc);
		TargetEntry *tle = get_sortgroupclause_tle(sgc, query->targetList);
		Var		   *var;
		const char *step;

		if (tle->resjunk)
			continue;
		if (match_time_bucket((Node *) tle->expr, &var, &step))
		{
			bucket_tle = tle;
			bucket_var = var;
			bucket_step = step;
			break;
		}
	}
	if (bucket_tle == NULL)
		refuse(ERRCODE_INVALID_PARAMETER_VALUE,
			   "No GROUP BY key in the select list is a time bucket: date_trunc(unit, column), date_bin(stride, column, origin) or a date column, with column a date or timestamp column of the source table.");

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "olap.rollup_analyze: result type is not a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	values[0] = ObjectIdGetDatum(rte->relid);
	values[1] = CStringGetDatum(get_attname(rte->relid, bucket_var->varattno, false));
	values[1] = DirectFunctionCall1(namein, values[1]);
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(bucket_tle->resname));
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	values[3] = CStringGetTextDatum(deparse_expression((Node *) bucket_tle->expr,
													   deparse_context_for(get_rel_name(rte->relid), rte->relid),
													   false, false));
	AtEOXact_GUC(false, save_nestlevel);
	values[4] = ObjectIdGetDatum(exprType((Node *) bucket_tle->expr));
	if (bucket_step)
		values[5] = DirectFunctionCall3(interval_in, CStringGetDatum(bucket_step),
										ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	else
		nulls[5] = true;
	values[6] = CStringGetTextDatum(deparse_qualified(query));
	result_types = palloc(sizeof(Datum) * list_length(query->targetList));
	foreach(lc, query->targetList)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (!tle->resjunk)
			result_types[nresults++] = ObjectIdGetDatum(exprType((Node *) tle->expr));
	}
	values[7] = PointerGetDatum(construct_array(result_types, nresults, REGTYPEOID,
												sizeof(Oid), true, TYPALIGN_INT));

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Parses "SELECT <sql>" and returns the raw expression.
 */
static Node *
parse_raw_expr(const char *sql)
{
	RawStmt    *raw = parse_one_select(psprintf("SELECT %s", sql));
	SelectStmt *select = (SelectStmt *) raw->stmt;

	return ((ResTarget *) linitial(select->targetList))->val;
}

/*
 * Returns a raw reference to a column by its name.
 */
static Node *
column_ref(const char *name)
{
	ColumnRef  *ref = makeNode(ColumnRef);

	ref->fields = list_make1(makeString(pstrdup(name)));
	ref->location = -1;
	return (Node *) ref;
}

/*
 * olap.rollup_bounded_query(query text, time_column name, lower text,
 * upper text) -> text: the query with "time_column >= (lower)" and, when
 * upper is not NULL, "time_column < (upper)" added to its WHERE clause;
 * with lower NULL, "time_column IS NULL" instead (the rows of the NULL
 * bucket).  $1 and $2 in lower and upper are parameters of type text.
 */
Datum
olap_rollup_bounded_query(PG_FUNCTION_ARGS)
{
	char	   *query_text;
	char	   *column;
	RawStmt    *raw;
	SelectStmt *select;
	List	   *conds = NIL;
	Query	   *query;
	Oid			param_types[2] = {TEXTOID, TEXTOID};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	query_text = text_to_cstring(PG_GETARG_TEXT_PP(0));
	column = NameStr(*PG_GETARG_NAME(1));
	raw = parse_one_select(query_text);
	select = (SelectStmt *) raw->stmt;

	if (select->whereClause)
		conds = lappend(conds, select->whereClause);
	if (PG_ARGISNULL(2))
	{
		NullTest   *test = makeNode(NullTest);

		test->arg = (Expr *) column_ref(column);
		test->nulltesttype = IS_NULL;
		test->location = -1;
		conds = lappend(conds, test);
	}
	else
		conds = lappend(conds,
						makeSimpleA_Expr(AEXPR_OP, ">=",
										 column_ref(column),
										 parse_raw_expr(text_to_cstring(PG_GETARG_TEXT_PP(2))), -1));
	if (!PG_ARGISNULL(2) && !PG_ARGISNULL(3))
		conds = lappend(conds,
						makeSimpleA_Expr(AEXPR_OP, "<",
										 column_ref(column),
										 parse_raw_expr(text_to_cstring(PG_GETARG_TEXT_PP(3))), -1));
	select->whereClause = (Node *) makeBoolExpr(AND_EXPR, conds, -1);

	query = parse_analyze_fixedparams(raw, query_text, param_types, 2, NULL);
	PG_RETURN_TEXT_P(cstring_to_text(deparse_qualified(query)));
}
