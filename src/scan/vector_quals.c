/*-------------------------------------------------------------------------
 *
 * vector_quals.c
 *	  Compiles the quals of an OlapScan that can run on batches into small
 *	  programs over column vectors, and runs them.
 *
 * A qual is vectorized when it is a tree of AND / OR / NOT over leaves of
 * these forms, where "column" is a column of the scanned table (possibly
 * under a binary-compatible cast, e.g. varchar as text) and "value" an
 * expression without Vars of the query, volatile functions or subplans
 * (constants, parameters, InitPlan results, stable expressions such as
 * now() - interval '7 days'), evaluated once per scan or rescan:
 *
 *	- column op value, value op column: an operator of the default btree
 *	  operator family of the column's type (cross-type ones included) or the
 *	  negator of its equality (<>), for int2/int4/int8, float4/float8,
 *	  numeric, date, timestamp, timestamptz, bool and text/varchar;
 *	- column op ANY/ALL (array value), i.e. IN and NOT IN lists;
 *	- column [NOT] LIKE value on text/varchar;
 *	- column IS [NOT] NULL, boolean column IS [NOT] TRUE/FALSE/UNKNOWN, and
 *	  a boolean column by itself.
 *
 * Text operators qualify only under a deterministic collation; with a
 * nondeterministic one the qual stays a row qual, so PostgreSQL's own
 * evaluation gives its results (and errors).
 *
 * Leaves compare raw values where the operator's semantics are those of
 * the C representation: integers of any width (cross-type), date,
 * timestamp, timestamptz and bool against the same type, float4/float8 with
 * PostgreSQL's NaN ordering, numeric against numeric as scaled integers
 * (numeric_scaled.c; NaN, infinities and values too wide go through
 * numeric_cmp; a column with a scaled view, batch.h, is compared on its
 * integers without looking at the numerics at all), text equality as byte
 * equality (which is what texteq is under a deterministic collation) and
 * LIKE patterns made of a literal with leading and/or trailing % as byte
 * prefix/suffix/substring tests (as like.c matches in UTF-8 and
 * single-byte encodings).  Every other leaf calls the operator's function.
 * When a column's chunk is dictionary or run-length encoded, costly leaves
 * evaluate once per dictionary code (OlapVector.codes) and look the result
 * up by code for the other rows; the same leaves over other shared values
 * (equal values sharing storage) use a small cache keyed by pointer.
 *
 * Results follow SQL's three-valued logic inside the tree (so NOT and OR
 * treat NULL as PostgreSQL does); a row passes when the top-level result is
 * true.  None of the supported operators can raise an error on stored
 * values, so evaluating these quals before the row quals (which then see
 * fewer rows) never makes a query fail that would otherwise succeed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/executor.h"
#include "mb/pg_wchar.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "int_datum.h"
#include "numeric_scaled.h"
#include "scan/olap_scan.h"
#include "scan/vector_quals.h"

/* Three-valued results, one byte per row. */
#define VQ_FALSE 0
#define VQ_TRUE 1
#define VQ_NULL 2
#define VQ_UNKNOWN 3			/* by-code results not computed yet */

/* Pseudo strategy number for <> (the negator of a btree equality). */
#define VQ_NOT_EQUAL_STRATEGY 6

/* Entries of the per-leaf cache of results by value pointer. */
#define VQ_CACHE_SIZE 1024

typedef enum VqKind
{
	VQ_AND,
	VQ_OR,
	VQ_NOT,
	VQ_COMPARE,					/* column op value, or op ANY/ALL (array) */
	VQ_NULL_TEST,
	VQ_BOOL_TEST,
	VQ_BOOL_COLUMN
} VqKind;

typedef enum VqMethod
{
	VQ_METHOD_INT,				/* raw integers (also date, timestamps, bool) */
	VQ_METHOD_FLOAT,			/* float4/float8 as double, NaN largest */
	VQ_METHOD_NUMERIC,			/* numeric as scaled integers when they fit */
	VQ_METHOD_TEXT_EQ,			/* text = / <> as byte equality */
	VQ_METHOD_LIKE,				/* LIKE / NOT LIKE */
	VQ_METHOD_FMGR				/* the operator's function */
} VqMethod;

typedef enum VqLikeShape
{
	VQ_LIKE_GENERAL,			/* anything else: like.c through fmgr */
	VQ_LIKE_EXACT,
	VQ_LIKE_PREFIX,
	VQ_LIKE_SUFFIX,
	VQ_LIKE_CONTAINS,
	VQ_LIKE_ANY					/* only % */
} VqLikeShape;

typedef struct VqCacheEntry
{
	Datum		key;
	uint32		generation;
	uint8		result;
} VqCacheEntry;

typedef struct VqNode
{
	VqKind		kind;
	List	   *args;			/* children of AND / OR / NOT */
	AttrNumber	attnum;			/* leaves: the column */

	/* VQ_COMPARE */
	VqMethod	method;
	int			strategy;		/* INT/FLOAT/TEXT_EQ, column on the left */
	bool		var_left;		/* column is the operator's left input */
	Oid			coltype;		/* operator input type of the column side */
	Oid			argtype;		/* of the value side (array element type) */
	Oid			opfuncid;
	Oid			collation;
	bool		is_array;		/* ScalarArrayOpExpr */
	bool		use_or;			/* ANY (true) or ALL (false) */
	Expr	   *arg;
	ExprState  *argstate;
	FmgrInfo	fn;

	/* the value(s), computed at the first batch of a (re)scan */
	bool		arg_isnull;		/* the whole value (or array) is NULL */
	int			nitems;
	Datum	   *items;
	bool	   *itemnulls;
	int64	   *ints;
	double	   *floats;
	int		   *scales;			/* NUMERIC: display scale of ints[i], or -1
								 * when the item is compared by numeric_cmp */
	bool		parsed_ok;		/* NUMERIC: the column value being compared */
	int64		parsed_int;
	int			parsed_scale;
	const char **bytes;			/* TEXT_EQ and LIKE: detoasted items */
	int		   *lengths;
	VqLikeShape like_shape;
	bool		like_negated;

	/* VQ_NULL_TEST / VQ_BOOL_TEST */
	NullTestType nulltesttype;
	BoolTestType booltesttype;

	/* results by value pointer for shared (dictionary) values */
	VqCacheEntry *cache;
	/* results by dictionary code (OlapVector.codes) of the current batch */
	uint8	   *code_results;
	uint32		code_results_size;

	/* scratch results of children (AND / OR) */
	uint8	   *scratch;
	uint32		scratch_size;
} VqNode;

struct VectorQuals
{
	List	   *quals;			/* of VqNode, implicitly ANDed */
	PlanState  *ps;
	bool		evaluated;		/* values computed for this (re)scan */
	uint32		generation;		/* batches filtered, for the caches */
	MemoryContext ctx;			/* the program */
	MemoryContext values_ctx;	/* comparison values of this (re)scan */
	MemoryContext batch_ctx;	/* per batch: detoasted values */
	uint8	   *result;
	uint32		result_size;
};

/* A value computed once per scan: no Vars, volatile functions or subplans. */
static bool
usable_value(Node *node)
{
	return !contain_var_clause(node) && !contain_volatile_functions(node) &&
		!contain_subplans(node);
}

/* The column types whose btree operators qualify. */
static bool
supported_type(Oid type)
{
	switch (type)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case BOOLOID:
		case TEXTOID:
			return true;
		default:
			return false;
	}
}

static bool
is_int_type(Oid type)
{
	return type == INT2OID || type == INT4OID || type == INT8OID;
}

/*
 * Builds a comparison leaf for "column op value" (var_left) or "value op
 * column", or returns NULL when it does not qualify.
 */
static VqNode *
compile_compare(Var *var, Oid opno, Oid opfuncid, Oid inputcollid,
				bool var_left, Expr *arg, bool is_array, bool use_or)
{
	Oid			ltype;
	Oid			rtype;
	Oid			coltype;
	Oid			argtype;
	VqNode	   *node;

	if (!OidIsValid(opfuncid))
		opfuncid = get_opcode(opno);
	op_input_types(opno, &ltype, &rtype);
	coltype = var_left ? ltype : rtype;
	argtype = var_left ? rtype : ltype;
	if (!supported_type(coltype))
		return NULL;
	if (OidIsValid(inputcollid) && !get_collation_isdeterministic(inputcollid))
		return NULL;

	node = palloc0(sizeof(VqNode));
	node->kind = VQ_COMPARE;
	node->attnum = var->varattno;
	node->var_left = var_left;
	node->coltype = coltype;
	node->argtype = argtype;
	node->opfuncid = opfuncid;
	node->collation = inputcollid;
	node->is_array = is_array;
	node->use_or = use_or;
	node->arg = arg;

	if (opfuncid == F_TEXTLIKE || opfuncid == F_TEXTNLIKE)
	{
		if (!var_left || coltype != TEXTOID || argtype != TEXTOID)
			return NULL;
		node->method = VQ_METHOD_LIKE;
		node->like_negated = opfuncid == F_TEXTNLIKE;
		return node;
	}
	else
	{
		Oid			eop = var_left ? opno : get_commutator(opno);
		TypeCacheEntry *tce = lookup_type_cache(coltype, TYPECACHE_BTREE_OPFAMILY);
		Oid			family = tce->btree_opf;
		Oid			negator;
		Oid			lefttype;
		Oid			righttype;
		int			strategy;

		if (!OidIsValid(eop) || !OidIsValid(family))
			return NULL;
		if (op_in_opfamily(eop, family))
		{
			get_op_opfamily_properties(eop, family, false, &strategy,
									   &lefttype, &righttype);
			if (strategy < BTLessStrategyNumber || strategy > BTGreaterStrategyNumber)
				return NULL;
		}
		else if (OidIsValid(negator = get_negator(eop)) &&
				 op_in_opfamily(negator, family))
		{
			get_op_opfamily_properties(negator, family, false, &strategy,
									   &lefttype, &righttype);
			if (strategy != BTEqualStrategyNumber)
				return NULL;
			strategy = VQ_NOT_EQUAL_STRATEGY;
		}
		else
			return NULL;
		node->strategy = strategy;

		if (is_int_type(coltype) && is_int_type(argtype))
			node->method = VQ_METHOD_INT;
		else if (coltype == argtype &&
				 (coltype == DATEOID || coltype == TIMESTAMPOID ||
				  coltype == TIMESTAMPTZOID || coltype == BOOLOID))
			node->method = VQ_METHOD_INT;
		else if ((coltype == FLOAT4OID || coltype == FLOAT8OID) &&
				 (argtype == FLOAT4OID || argtype == FLOAT8OID))
			node->method = VQ_METHOD_FLOAT;
		else if (coltype == NUMERICOID && argtype == NUMERICOID)
			node->method = VQ_METHOD_NUMERIC;
		else if (coltype == TEXTOID && argtype == TEXTOID &&
				 (strategy == BTEqualStrategyNumber ||
				  strategy == VQ_NOT_EQUAL_STRATEGY))
			node->method = VQ_METHOD_TEXT_EQ;
		else
			node->method = VQ_METHOD_FMGR;
	}
	return node;
}

/* Compiles a qual (sub)tree, or returns NULL when some part does not qualify. */
static VqNode *
compile(Node *expr, Index scanrelid)
{
	VqNode	   *node;
	Var		   *var;

	if (expr == NULL)
		return NULL;
	switch (nodeTag(expr))
	{
		case T_BoolExpr:
			{
				BoolExpr   *b = (BoolExpr *) expr;
				ListCell   *lc;

				node = palloc0(sizeof(VqNode));
				node->kind = b->boolop == AND_EXPR ? VQ_AND :
					b->boolop == OR_EXPR ? VQ_OR : VQ_NOT;
				foreach(lc, b->args)
				{
					VqNode	   *child = compile(lfirst(lc), scanrelid);

					if (child == NULL)
						return NULL;
					node->args = lappend(node->args, child);
				}
				return node;
			}
		case T_OpExpr:
			{
				OpExpr	   *op = (OpExpr *) expr;
				Node	   *left;
				Node	   *right;

				if (list_length(op->args) != 2 || op->opretset)
					return NULL;
				left = linitial(op->args);
				right = lsecond(op->args);
				if ((var = OlapScanColumnVar(left, scanrelid)) != NULL && usable_value(right))
					return compile_compare(var, op->opno, op->opfuncid,
										   op->inputcollid, true,
										   (Expr *) right, false, false);
				if ((var = OlapScanColumnVar(right, scanrelid)) != NULL && usable_value(left))
					return compile_compare(var, op->opno, op->opfuncid,
										   op->inputcollid, false,
										   (Expr *) left, false, false);
				return NULL;
			}
		case T_ScalarArrayOpExpr:
			{
				ScalarArrayOpExpr *saop = (ScalarArrayOpExpr *) expr;
				Node	   *right = lsecond(saop->args);

				var = OlapScanColumnVar(linitial(saop->args), scanrelid);
				if (var == NULL || !usable_value(right))
					return NULL;
				return compile_compare(var, saop->opno, saop->opfuncid,
									   saop->inputcollid, true, (Expr *) right,
									   true, saop->useOr);
			}
		case T_NullTest:
			{
				NullTest   *nt = (NullTest *) expr;

				if (nt->argisrow ||
					(var = OlapScanColumnVar((Node *) nt->arg, scanrelid)) == NULL)
					return NULL;
				node = palloc0(sizeof(VqNode));
				node->kind = VQ_NULL_TEST;
				node->attnum = var->varattno;
				node->nulltesttype = nt->nulltesttype;
				return node;
			}
		case T_BooleanTest:
			{
				BooleanTest *bt = (BooleanTest *) expr;

				if ((var = OlapScanColumnVar((Node *) bt->arg, scanrelid)) == NULL ||
					var->vartype != BOOLOID)
					return NULL;
				node = palloc0(sizeof(VqNode));
				node->kind = VQ_BOOL_TEST;
				node->attnum = var->varattno;
				node->booltesttype = bt->booltesttype;
				return node;
			}
		case T_Var:
			if ((var = OlapScanColumnVar(expr, scanrelid)) == NULL ||
				var->vartype != BOOLOID)
				return NULL;
			node = palloc0(sizeof(VqNode));
			node->kind = VQ_BOOL_COLUMN;
			node->attnum = var->varattno;
			return node;
		default:
			return NULL;
	}
}

bool
VectorQualSupported(Expr *qual, Index scanrelid)
{
	return compile((Node *) qual, scanrelid) != NULL;
}

/* Prepares the expressions and functions of a compiled tree. */
static void
init_node(VqNode *node, PlanState *ps)
{
	ListCell   *lc;

	foreach(lc, node->args)
		init_node(lfirst(lc), ps);
	if (node->kind != VQ_COMPARE)
		return;
	node->argstate = ExecInitExpr(node->arg, ps);
	fmgr_info(node->opfuncid, &node->fn);
	if (node->method == VQ_METHOD_FMGR || node->method == VQ_METHOD_LIKE ||
		node->method == VQ_METHOD_NUMERIC ||
		node->method == VQ_METHOD_TEXT_EQ)
		node->cache = palloc0(sizeof(VqCacheEntry) * VQ_CACHE_SIZE);
}

VectorQuals *
VectorQualsInit(List *quals, Index scanrelid, PlanState *ps)
{
	VectorQuals *vq;
	MemoryContext old;
	ListCell   *lc;

	if (quals == NIL)
		return NULL;
	vq = palloc0(sizeof(VectorQuals));
	vq->ps = ps;
	vq->ctx = AllocSetContextCreate(CurrentMemoryContext,
									"olap_ext vectorized quals",
									ALLOCSET_SMALL_SIZES);
	vq->values_ctx = AllocSetContextCreate(vq->ctx,
										   "olap_ext vectorized qual values",
										   ALLOCSET_SMALL_SIZES);
	vq->batch_ctx = AllocSetContextCreate(vq->ctx,
										  "olap_ext vectorized qual batch",
										  ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(vq->ctx);
	foreach(lc, quals)
	{
		VqNode	   *node = compile(lfirst(lc), scanrelid);

		if (node == NULL)
			elog(ERROR, "qual chosen for vectorization did not compile");
		vq->quals = lappend(vq->quals, node);
	}
	MemoryContextSwitchTo(old);

	/* expression states belong to the plan node's context */
	foreach(lc, vq->quals)
		init_node(lfirst(lc), ps);
	return vq;
}

static void
node_columns(VqNode *node, bool *columns)
{
	ListCell   *lc;

	foreach(lc, node->args)
		node_columns(lfirst(lc), columns);
	if (node->attnum > 0)
		columns[node->attnum - 1] = true;
}

void
VectorQualsColumns(VectorQuals *vq, bool *columns)
{
	ListCell   *lc;

	if (vq == NULL)
		return;
	foreach(lc, vq->quals)
		node_columns(lfirst(lc), columns);
}

/*
 * Marks in columns[attnum - 1] the columns that some leaf reads the
 * values of, i.e. all but those read only by numeric comparisons (which
 * use a scaled view when there is one, batch.h) and null tests.
 */
static void
node_datum_columns(VqNode *node, bool *columns)
{
	ListCell   *lc;

	foreach(lc, node->args)
		node_datum_columns(lfirst(lc), columns);
	if (node->attnum > 0 && node->kind != VQ_NULL_TEST &&
		!(node->kind == VQ_COMPARE && node->method == VQ_METHOD_NUMERIC))
		columns[node->attnum - 1] = true;
}

void
VectorQualsDatumColumns(VectorQuals *vq, bool *columns)
{
	ListCell   *lc;

	if (vq == NULL)
		return;
	foreach(lc, vq->quals)
		node_datum_columns(lfirst(lc), columns);
}

void
VectorQualsReset(VectorQuals *vq)
{
	if (vq != NULL)
		vq->evaluated = false;
}

static inline double
float_value(Datum d, Oid type)
{
	return type == FLOAT4OID ? (double) DatumGetFloat4(d) : DatumGetFloat8(d);
}

/* float8_cmp_internal's order: NaN equals NaN and is above everything. */
static inline int
float_cmp(double a, double b)
{
	if (isnan(a))
		return isnan(b) ? 0 : 1;
	if (isnan(b))
		return -1;
	return (a > b) - (a < b);
}

static inline bool
strategy_holds(int strategy, int cmp)
{
	switch (strategy)
	{
		case BTLessStrategyNumber:
			return cmp < 0;
		case BTLessEqualStrategyNumber:
			return cmp <= 0;
		case BTEqualStrategyNumber:
			return cmp == 0;
		case BTGreaterEqualStrategyNumber:
			return cmp >= 0;
		case BTGreaterStrategyNumber:
			return cmp > 0;
		default:
			return cmp != 0;
	}
}

/* Works out the fast form of a LIKE pattern (see VqLikeShape). */
static void
analyse_like(VqNode *node, const char *p, int len)
{
	int			lead = 0;
	int			trail = 0;
	int			i;

	node->like_shape = VQ_LIKE_GENERAL;
	if (GetDatabaseEncoding() != PG_UTF8 && pg_database_encoding_max_length() != 1)
		return;
	for (i = 0; i < len; i++)
		if (p[i] == '_' || p[i] == '\\')
			return;
	while (lead < len && p[lead] == '%')
		lead++;
	if (lead == len)
	{
		node->like_shape = VQ_LIKE_ANY;
		return;
	}
	while (trail < len - lead && p[len - 1 - trail] == '%')
		trail++;
	for (i = lead; i < len - trail; i++)
		if (p[i] == '%')
			return;
	node->bytes[0] = p + lead;
	node->lengths[0] = len - lead - trail;
	if (lead > 0 && trail > 0)
		node->like_shape = VQ_LIKE_CONTAINS;
	else if (lead > 0)
		node->like_shape = VQ_LIKE_SUFFIX;
	else if (trail > 0)
		node->like_shape = VQ_LIKE_PREFIX;
	else
		node->like_shape = VQ_LIKE_EXACT;
}

/* Computes the comparison value(s) of a leaf for this (re)scan. */
static void
evaluate_values(VqNode *node, ExprContext *econtext)
{
	Datum		value;
	int			i;

	value = ExecEvalExpr(node->argstate, econtext, &node->arg_isnull);
	node->nitems = 0;
	if (node->arg_isnull)
		return;
	if (node->is_array)
	{
		ArrayType  *array = DatumGetArrayTypeP(value);
		int16		typlen;
		bool		typbyval;
		char		typalign;

		get_typlenbyvalalign(ARR_ELEMTYPE(array), &typlen, &typbyval, &typalign);
		deconstruct_array(array, ARR_ELEMTYPE(array), typlen, typbyval,
						  typalign, &node->items, &node->itemnulls,
						  &node->nitems);
	}
	else
	{
		node->nitems = 1;
		node->items = palloc(sizeof(Datum));
		node->itemnulls = palloc(sizeof(bool));
		node->items[0] = value;
		node->itemnulls[0] = false;
	}

	node->ints = palloc0(sizeof(int64) * Max(node->nitems, 1));
	node->floats = palloc0(sizeof(double) * Max(node->nitems, 1));
	node->scales = palloc0(sizeof(int) * Max(node->nitems, 1));
	node->bytes = palloc0(sizeof(char *) * Max(node->nitems, 1));
	node->lengths = palloc0(sizeof(int) * Max(node->nitems, 1));
	for (i = 0; i < node->nitems; i++)
	{
		if (node->itemnulls[i])
			continue;
		switch (node->method)
		{
			case VQ_METHOD_INT:
				node->ints[i] = IntDatumValue(node->items[i], node->argtype);
				break;
			case VQ_METHOD_FLOAT:
				node->floats[i] = float_value(node->items[i], node->argtype);
				break;
			case VQ_METHOD_NUMERIC:
				if (!NumericScaledParse(node->items[i], &node->ints[i],
										&node->scales[i]))
					node->scales[i] = -1;
				break;
			case VQ_METHOD_TEXT_EQ:
			case VQ_METHOD_LIKE:
				{
					struct varlena *t = PG_DETOAST_DATUM_PACKED(node->items[i]);

					node->items[i] = PointerGetDatum(t);
					node->bytes[i] = VARDATA_ANY(t);
					node->lengths[i] = VARSIZE_ANY_EXHDR(t);
				}
				break;
			case VQ_METHOD_FMGR:
				break;
		}
	}
	node->like_shape = VQ_LIKE_GENERAL;
	if (node->method == VQ_METHOD_LIKE && !node->is_array)
		analyse_like(node, node->bytes[0], node->lengths[0]);
}

static void
evaluate_all(VectorQuals *vq, VqNode *node)
{
	ListCell   *lc;

	foreach(lc, node->args)
		evaluate_all(vq, lfirst(lc));
	if (node->kind == VQ_COMPARE)
		evaluate_values(node, vq->ps->ps_ExprContext);
}

/* Byte view of a text datum of a stored value (detoasted if need be). */
static inline void
text_bytes(Datum d, const char **p, int *len)
{
	struct varlena *t = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_EXTENDED(t) && !VARATT_IS_SHORT(t))
		t = pg_detoast_datum_packed(t);
	*p = VARDATA_ANY(t);
	*len = VARSIZE_ANY_EXHDR(t);
}

static bool
like_fast(const VqNode *node, Datum d)
{
	const char *s;
	int			len;
	const char *lit = node->bytes[0];
	int			litlen = node->lengths[0];
	bool		match = false;

	text_bytes(d, &s, &len);
	switch (node->like_shape)
	{
		case VQ_LIKE_ANY:
			match = true;
			break;
		case VQ_LIKE_EXACT:
			match = len == litlen && memcmp(s, lit, litlen) == 0;
			break;
		case VQ_LIKE_PREFIX:
			match = len >= litlen && memcmp(s, lit, litlen) == 0;
			break;
		case VQ_LIKE_SUFFIX:
			match = len >= litlen && memcmp(s + len - litlen, lit, litlen) == 0;
			break;
		case VQ_LIKE_CONTAINS:
			if (litlen == 0)
				match = true;
			else
			{
				const char *end = s + len - litlen;
				const char *c;

				for (c = s; c <= end; c++)
				{
					c = memchr(c, lit[0], end - c + 1);
					if (c == NULL)
						break;
					if (memcmp(c, lit, litlen) == 0)
					{
						match = true;
						break;
					}
				}
			}
			break;
		case VQ_LIKE_GENERAL:
			Assert(false);
			break;
	}
	return match != node->like_negated;
}

/*
 * Compares the numeric column value d with item i: as scaled integers when
 * both parse (compare_value parsed d into node->parsed_*), else as
 * numeric_cmp does.  d is (Datum) 0 for a value of a scaled view
 * (parsed_ok, no numeric built): it is built here when numeric_cmp needs it.
 */
static inline int
numeric_item_cmp(VqNode *node, Datum d, int i)
{
	if (node->parsed_ok && node->scales[i] >= 0)
		return NumericScaledCompare(node->parsed_int, node->parsed_scale,
									node->ints[i], node->scales[i]);
	if (d == (Datum) 0)
		d = NumericScaledMake(node->parsed_int, node->parsed_scale);
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, d, node->items[i]));
}

/* Result of one item's comparison with a non-NULL value d. */
static inline uint8
compare_item(VqNode *node, Datum d, int i)
{
	int			cmp;

	if (node->itemnulls[i])
		return VQ_NULL;
	switch (node->method)
	{
		case VQ_METHOD_INT:
			{
				int64		v = IntDatumValue(d, node->coltype);
				int64		c = node->ints[i];

				cmp = (v > c) - (v < c);
				break;
			}
		case VQ_METHOD_FLOAT:
			cmp = float_cmp(float_value(d, node->coltype), node->floats[i]);
			break;
		case VQ_METHOD_NUMERIC:
			cmp = numeric_item_cmp(node, d, i);
			break;
		case VQ_METHOD_TEXT_EQ:
			{
				const char *p;
				int			len;

				text_bytes(d, &p, &len);
				cmp = (len == node->lengths[i] &&
					   memcmp(p, node->bytes[i], len) == 0) ? 0 : 1;
				break;
			}
		default:
			{
				Datum		r;

				if (node->method == VQ_METHOD_LIKE && !node->is_array &&
					node->like_shape != VQ_LIKE_GENERAL)
					return like_fast(node, d) ? VQ_TRUE : VQ_FALSE;
				if (node->var_left)
					r = FunctionCall2Coll(&node->fn, node->collation, d, node->items[i]);
				else
					r = FunctionCall2Coll(&node->fn, node->collation, node->items[i], d);
				return DatumGetBool(r) ? VQ_TRUE : VQ_FALSE;
			}
	}
	return strategy_holds(node->strategy, cmp) ? VQ_TRUE : VQ_FALSE;
}

/*
 * Result of a comparison leaf for a non-NULL column value d (numeric
 * columns: parsed into node->parsed_* already).
 */
static inline uint8
compare_items(VqNode *node, Datum d)
{
	bool		any_null = false;
	int			i;

	if (!node->is_array)
		return compare_item(node, d, 0);
	for (i = 0; i < node->nitems; i++)
	{
		uint8		r = compare_item(node, d, i);

		if (r == VQ_NULL)
			any_null = true;
		else if (node->use_or && r == VQ_TRUE)
			return VQ_TRUE;
		else if (!node->use_or && r == VQ_FALSE)
			return VQ_FALSE;
	}
	if (any_null)
		return VQ_NULL;
	return node->use_or ? VQ_FALSE : VQ_TRUE;
}

/* Result of a comparison leaf for a non-NULL column value d. */
static inline uint8
compare_value(VqNode *node, Datum d)
{
	if (node->method == VQ_METHOD_NUMERIC)
		node->parsed_ok = NumericScaledParse(d, &node->parsed_int,
											 &node->parsed_scale);
	return compare_items(node, d);
}

/* One tight loop: TEST on v, the value of row sel[i], for every i. */
#define VQ_INT_LOOP(GET, TEST) \
	for (i = 0; i < n; i++) \
	{ \
		uint32		row = sel[i]; \
		int64		v = GET(values[row]); \
\
		out[i] = nulls[row] ? VQ_NULL : (TEST) ? VQ_TRUE : VQ_FALSE; \
	}

#define VQ_INT_STRATEGY_LOOPS(GET) \
	switch (node->strategy) \
	{ \
		case BTLessStrategyNumber: \
			VQ_INT_LOOP(GET, v < c); \
			break; \
		case BTLessEqualStrategyNumber: \
			VQ_INT_LOOP(GET, v <= c); \
			break; \
		case BTEqualStrategyNumber: \
			VQ_INT_LOOP(GET, v == c); \
			break; \
		case BTGreaterEqualStrategyNumber: \
			VQ_INT_LOOP(GET, v >= c); \
			break; \
		case BTGreaterStrategyNumber: \
			VQ_INT_LOOP(GET, v > c); \
			break; \
		default: \
			VQ_INT_LOOP(GET, v != c); \
			break; \
	}

/*
 * The common case of an integer-like column against one non-NULL value,
 * as one loop per type and operator without calls per row.
 */
static void
eval_int_scalar(VqNode *node, const OlapVector *col, const uint32 *sel,
				uint32 n, uint8 *out)
{
	const Datum *values = col->values;
	const bool *nulls = col->nulls;
	int64		c = node->ints[0];
	uint32		i;

	switch (node->coltype)
	{
		case INT2OID:
			VQ_INT_STRATEGY_LOOPS(DatumGetInt16);
			break;
		case INT4OID:
		case DATEOID:
			VQ_INT_STRATEGY_LOOPS(DatumGetInt32);
			break;
		case BOOLOID:
			VQ_INT_STRATEGY_LOOPS(DatumGetBool);
			break;
		default:
			VQ_INT_STRATEGY_LOOPS(DatumGetInt64);
			break;
	}
}

/*
 * A numeric column against one numeric value that parses: scaled integers
 * compared inline, numeric_cmp for the column values that do not parse.
 */
static void
eval_numeric_scalar(VqNode *node, const OlapVector *col, const uint32 *sel,
					uint32 n, uint8 *out)
{
	int64		c = node->ints[0];
	int			cscale = node->scales[0];
	int			at_scale = -1;	/* the scale c_at holds c at, if any */
	int64		c_at = 0;

	for (uint32 i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		int64		x;
		int			xscale;
		int			cmp;

		if (col->nulls[row])
		{
			out[i] = VQ_NULL;
			continue;
		}
		if (!NumericScaledParse(col->values[row], &x, &xscale))
			cmp = DatumGetInt32(DirectFunctionCall2(numeric_cmp, col->values[row],
													node->items[0]));
		else if (xscale == cscale)
			cmp = (x > c) - (x < c);
		else
		{
			/* a column's values mostly share one scale: rescale c once */
			int64		rescaled;

			if (xscale != at_scale && xscale > cscale &&
				!pg_mul_s64_overflow(c, numeric_scaled_pow10[xscale - cscale],
									 &rescaled))
			{
				c_at = rescaled;
				at_scale = xscale;
			}
			if (xscale == at_scale)
				cmp = (x > c_at) - (x < c_at);
			else
				cmp = NumericScaledCompare(x, xscale, c, cscale);
		}
		out[i] = strategy_holds(node->strategy, cmp) ? VQ_TRUE : VQ_FALSE;
	}
}

/* The value of a scaled view itself, for VQ_INT_STRATEGY_LOOPS. */
#define VQ_SCALED_GET(x) (x)

/*
 * A numeric column with a scaled view (batch.h): its integers compared
 * with the value rescaled to the column's scale when that is exact, else
 * with 128-bit integers, and with numeric_cmp (on a numeric built for the
 * row) against items that are not scaled integers (NaN, infinities, very
 * large or very precise values).
 */
static void
eval_numeric_view(VqNode *node, const OlapVector *col, const uint32 *sel,
				  uint32 n, uint8 *out)
{
	const int64 *values = col->scaled;
	const bool *nulls = col->nulls;
	int			dscale = col->dscale;
	uint32		i;

	if (!node->is_array && node->scales[0] >= 0)
	{
		int			cscale = node->scales[0];
		int64		c;

		if (cscale <= dscale &&
			!pg_mul_s64_overflow(node->ints[0],
								 numeric_scaled_pow10[dscale - cscale], &c))
		{
			VQ_INT_STRATEGY_LOOPS(VQ_SCALED_GET);
		}
		else
		{
			for (i = 0; i < n; i++)
			{
				uint32		row = sel[i];

				out[i] = nulls[row] ? VQ_NULL :
					strategy_holds(node->strategy,
								   NumericScaledCompare(values[row], dscale,
														node->ints[0], cscale)) ?
					VQ_TRUE : VQ_FALSE;
			}
		}
		return;
	}

	node->parsed_ok = true;
	node->parsed_scale = dscale;
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];

		if (nulls[row])
		{
			out[i] = VQ_NULL;
			continue;
		}
		node->parsed_int = values[row];
		out[i] = compare_items(node, (Datum) 0);
	}
}

static void
eval_compare(VectorQuals *vq, VqNode *node, const OlapVector *col,
			 const uint32 *sel, uint32 n, uint8 *out)
{
	uint32		i;
	bool		use_cache;

	/* ExecEvalScalarArrayOp: an empty array decides before NULL inputs */
	if (node->is_array && !node->arg_isnull && node->nitems == 0)
	{
		memset(out, node->use_or ? VQ_FALSE : VQ_TRUE, n);
		return;
	}
	if (node->arg_isnull)
	{
		memset(out, VQ_NULL, n);
		return;
	}

	if (node->method == VQ_METHOD_INT && !node->is_array)
	{
		eval_int_scalar(node, col, sel, n, out);
		return;
	}
	if (node->method == VQ_METHOD_NUMERIC && col->scaled != NULL)
	{
		eval_numeric_view(node, col, sel, n, out);
		return;
	}
	if (node->method == VQ_METHOD_NUMERIC && !node->is_array &&
		node->scales[0] >= 0)
	{
		eval_numeric_scalar(node, col, sel, n, out);
		return;
	}
	if (col->values == NULL)
		elog(ERROR, "vectorized qual on column %d needs its values",
			 node->attnum);

	if (node->cache != NULL && col->codes != NULL)
	{
		/* a dictionary view: one result per code, computed on first use */
		uint32		ncodes = col->ndict + 1;
		uint8	   *results;

		if (node->code_results_size < ncodes)
		{
			if (node->code_results)
				pfree(node->code_results);
			node->code_results = MemoryContextAlloc(vq->ctx, ncodes);
			node->code_results_size = ncodes;
		}
		results = node->code_results;
		memset(results, VQ_UNKNOWN, ncodes);
		for (i = 0; i < n; i++)
		{
			uint32		row = sel[i];
			uint32		code = col->codes[row];
			uint8		r = results[code];

			if (r == VQ_UNKNOWN)
			{
				r = col->nulls[row] ? VQ_NULL :
					compare_value(node, col->values[row]);
				results[code] = r;
			}
			out[i] = r;
		}
		return;
	}

	use_cache = node->cache != NULL && col->shared_values;
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		Datum		d;

		if (col->nulls[row])
		{
			out[i] = VQ_NULL;
			continue;
		}
		d = col->values[row];
		if (use_cache)
		{
			uint32		h = (uint32) (((uint64) d >> 3) * UINT64CONST(0x9E3779B97F4A7C15) >> 54) &
				(VQ_CACHE_SIZE - 1);
			VqCacheEntry *e = &node->cache[h];

			if (e->generation == vq->generation && e->key == d)
				out[i] = e->result;
			else
			{
				out[i] = compare_value(node, d);
				e->key = d;
				e->generation = vq->generation;
				e->result = out[i];
			}
		}
		else
			out[i] = compare_value(node, d);
	}
}

/* Makes node->scratch hold at least n bytes. */
static uint8 *
scratch(VectorQuals *vq, VqNode *node, uint32 n)
{
	if (node->scratch_size < n)
	{
		if (node->scratch)
			pfree(node->scratch);
		node->scratch = MemoryContextAlloc(vq->ctx, Max(n, 1));
		node->scratch_size = n;
	}
	return node->scratch;
}

/* Evaluates node for the rows sel[0..n) into out[0..n). */
static void
eval_node(VectorQuals *vq, VqNode *node, const OlapBatch *batch,
		  const uint32 *sel, uint32 n, uint8 *out)
{
	const OlapVector *col = node->attnum > 0 ? &batch->columns[node->attnum - 1] : NULL;
	ListCell   *lc;
	uint32		i;

	switch (node->kind)
	{
		case VQ_AND:
		case VQ_OR:
			{
				bool		is_and = node->kind == VQ_AND;
				uint8	   *tmp = scratch(vq, node, n);

				memset(out, is_and ? VQ_TRUE : VQ_FALSE, n);
				foreach(lc, node->args)
				{
					eval_node(vq, lfirst(lc), batch, sel, n, tmp);
					for (i = 0; i < n; i++)
					{
						if (tmp[i] == (is_and ? VQ_FALSE : VQ_TRUE))
							out[i] = tmp[i];
						else if (tmp[i] == VQ_NULL && out[i] != (is_and ? VQ_FALSE : VQ_TRUE))
							out[i] = VQ_NULL;
					}
				}
				break;
			}
		case VQ_NOT:
			eval_node(vq, linitial(node->args), batch, sel, n, out);
			for (i = 0; i < n; i++)
				if (out[i] != VQ_NULL)
					out[i] = out[i] == VQ_TRUE ? VQ_FALSE : VQ_TRUE;
			break;
		case VQ_COMPARE:
			eval_compare(vq, node, col, sel, n, out);
			break;
		case VQ_NULL_TEST:
			{
				bool		want_null = node->nulltesttype == IS_NULL;

				for (i = 0; i < n; i++)
					out[i] = col->nulls[sel[i]] == want_null ? VQ_TRUE : VQ_FALSE;
				break;
			}
		case VQ_BOOL_TEST:
			for (i = 0; i < n; i++)
			{
				uint32		row = sel[i];
				bool		isnull = col->nulls[row];
				bool		v = !isnull && DatumGetBool(col->values[row]);
				bool		r;

				switch (node->booltesttype)
				{
					case IS_TRUE:
						r = !isnull && v;
						break;
					case IS_NOT_TRUE:
						r = isnull || !v;
						break;
					case IS_FALSE:
						r = !isnull && !v;
						break;
					case IS_NOT_FALSE:
						r = isnull || v;
						break;
					case IS_UNKNOWN:
						r = isnull;
						break;
					default:
						r = !isnull;
						break;
				}
				out[i] = r ? VQ_TRUE : VQ_FALSE;
			}
			break;
		case VQ_BOOL_COLUMN:
			for (i = 0; i < n; i++)
			{
				uint32		row = sel[i];

				out[i] = col->nulls[row] ? VQ_NULL :
					DatumGetBool(col->values[row]) ? VQ_TRUE : VQ_FALSE;
			}
			break;
	}
}

uint32
VectorQualsFilter(VectorQuals *vq, const OlapBatch *batch, uint32 *selection,
				  uint32 nselected)
{
	MemoryContext old;
	ListCell   *lc;

	if (vq == NULL)
		return nselected;
	if (!vq->evaluated)
	{
		MemoryContextReset(vq->values_ctx);
		old = MemoryContextSwitchTo(vq->values_ctx);
		foreach(lc, vq->quals)
			evaluate_all(vq, lfirst(lc));
		MemoryContextSwitchTo(old);
		vq->evaluated = true;
	}
	if (vq->result_size < batch->nrows)
	{
		if (vq->result)
			pfree(vq->result);
		vq->result = MemoryContextAlloc(vq->ctx, Max(batch->nrows, 1));
		vq->result_size = batch->nrows;
	}

	/* a new generation invalidates every leaf's cache of value pointers */
	vq->generation++;
	if (vq->generation == 0)
		vq->generation = 1;

	old = MemoryContextSwitchTo(vq->batch_ctx);
	foreach(lc, vq->quals)
	{
		uint32		kept = 0;
		uint32		i;

		if (nselected == 0)
			break;
		eval_node(vq, lfirst(lc), batch, selection, nselected, vq->result);
		for (i = 0; i < nselected; i++)
		{
			selection[kept] = selection[i];
			kept += vq->result[i] == VQ_TRUE;
		}
		nselected = kept;
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(vq->batch_ctx);
	return nselected;
}
