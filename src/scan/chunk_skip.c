/*-------------------------------------------------------------------------
 *
 * chunk_skip.c
 *	  Decides from chunk min/max and null counts which chunk groups an
 *	  OlapScan can skip.
 *
 * A qual "column op expr" (or "expr op column") qualifies when op belongs to
 * the default btree operator family of the column's type (cross-type
 * operators included, e.g. int4 column vs int8 constant), its collation is
 * the column's (the one min/max were computed under), and expr has no Vars
 * of the scan and no volatile functions: constants, parameters of prepared
 * statements, InitPlan results and stable expressions such as now() -
 * interval '7 days'.  Such expressions are evaluated once per scan (or
 * rescan), at the first chunk group, when InitPlans have run.  "column IS
 * [NOT] NULL" qualifies too, and so does "column IN (...)" or "column =
 * ANY (array)" with an equality operator of that family and an array
 * expression of the same kind (evaluated once too; its NULL elements can
 * never match and are dropped).
 *
 * A chunk group is skipped when some key proves that no row of it can pass:
 * for "col < v" when min >= v, "col = v" when v is outside [min, max], and
 * so on; all-NULL chunks fail every strict comparison.  Equality and IN
 * keys also consult the chunk's value set (minmax.c) when it has one: a
 * chunk whose range contains v but whose few distinct values do not is
 * skipped too; an IN key skips when none of its values may be in the
 * chunk, and a NULL or empty array skips everything.  Min/max recorded
 * under another type or collation than the column has now (ALTER TABLE
 * ... TYPE without a rewrite) are not used.  Keys only ever skip
 * groups whose rows the qual would reject, and the qual is still evaluated
 * on every row read, so skipping never changes a result.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "scan/chunk_skip.h"
#include "scan/olap_scan.h"
#include "storage/chunk_format.h"
#include "storage/minmax.h"

#define SKIP_IS_NULL 100		/* pseudo strategies for NullTest keys */
#define SKIP_IS_NOT_NULL 101
#define SKIP_IN_ARRAY 102		/* pseudo strategy for "col = ANY (array)" */

typedef struct SkipKey
{
	AttrNumber	attnum;
	Oid			coltypid;		/* the column's type and collation now */
	Oid			colcollation;
	int			strategy;		/* BT*StrategyNumber, SKIP_IS_[NOT_]NULL or
								 * SKIP_IN_ARRAY */
	Expr	   *arg;			/* compared value (the array for IN keys),
								 * NULL for null tests */
	ExprState  *argstate;
	Oid			cmpproc;		/* btree order proc (column type, arg type) */
	FmgrInfo	cmp;			/* its call info, set up for execution only */
	Oid			collation;
	ChunkColumnType coltype;
	bool		argnull;
	Datum		argvalue;
	/* IN keys: the array's element type and its non-null elements */
	Oid			elemtype;
	Datum	   *elems;
	int			nelems;
} SkipKey;

struct ChunkSkipState
{
	List	   *keys;			/* of SkipKey */
	PlanState  *ps;
	bool		evaluated;		/* key values computed for this (re)scan */
	MemoryContext values_ctx;	/* key values of this (re)scan */
	MemoryContext ctx;			/* per chunk group: deserialised min/max */
};

static List *collect_keys(List *quals, Index scanrelid, Relation rel,
						  PlanState *ps, bool *all_constant);

static bool
usable_arg(Node *node)
{
	return !contain_var_clause(node) && !contain_volatile_functions(node);
}

/*
 * Builds a key from "var op arg" (commuted already), or returns NULL.  For
 * "var op ANY (arg)" (in_array) op must be the family's equality.
 */
static SkipKey *
make_op_key(Var *var, Oid opno, Oid inputcollid, Expr *arg, bool in_array,
			Relation rel)
{
	Form_pg_attribute attr = TupleDescAttr(RelationGetDescr(rel), var->varattno - 1);
	TypeCacheEntry *tce = lookup_type_cache(attr->atttypid, TYPECACHE_BTREE_OPFAMILY);
	int			strategy;
	Oid			lefttype;
	Oid			righttype;
	Oid			cmpproc;
	SkipKey    *key;

	if (!OidIsValid(tce->btree_opf) || !op_in_opfamily(opno, tce->btree_opf))
		return NULL;
	get_op_opfamily_properties(opno, tce->btree_opf, false, &strategy,
							   &lefttype, &righttype);
	if (strategy < BTLessStrategyNumber || strategy > BTGreaterStrategyNumber)
		return NULL;
	if (in_array && strategy != BTEqualStrategyNumber)
		return NULL;
	if (OidIsValid(attr->attcollation) && inputcollid != attr->attcollation)
		return NULL;
	cmpproc = get_opfamily_proc(tce->btree_opf, lefttype, righttype, BTORDER_PROC);
	if (!OidIsValid(cmpproc))
		return NULL;

	key = palloc0(sizeof(SkipKey));
	key->attnum = var->varattno;
	key->coltypid = attr->atttypid;
	key->colcollation = attr->attcollation;
	key->strategy = in_array ? SKIP_IN_ARRAY : strategy;
	key->elemtype = righttype;
	key->arg = arg;
	key->collation = inputcollid;
	key->cmpproc = cmpproc;
	key->coltype.typlen = attr->attlen;
	key->coltype.typbyval = attr->attbyval;
	key->coltype.typalign = attr->attalign;
	return key;
}

/* Turns one qual into a key, or returns NULL when it cannot skip. */
static SkipKey *
key_from_qual(Expr *qual, Index scanrelid, Relation rel)
{
	if (IsA(qual, OpExpr) && list_length(((OpExpr *) qual)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) qual;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);
		Var		   *var;

		if ((var = OlapScanColumnVar(left, scanrelid)) != NULL && usable_arg(right))
			return make_op_key(var, op->opno, op->inputcollid, (Expr *) right,
							   false, rel);
		if ((var = OlapScanColumnVar(right, scanrelid)) != NULL && usable_arg(left))
		{
			Oid			commuted = get_commutator(op->opno);

			if (OidIsValid(commuted))
				return make_op_key(var, commuted, op->inputcollid, (Expr *) left,
								   false, rel);
		}
		return NULL;
	}
	if (IsA(qual, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *saop = (ScalarArrayOpExpr *) qual;
		Node	   *array = lsecond(saop->args);
		Var		   *var = OlapScanColumnVar(linitial(saop->args), scanrelid);
		SkipKey    *key;

		if (!saop->useOr || var == NULL || !usable_arg(array))
			return NULL;
		key = make_op_key(var, saop->opno, saop->inputcollid, (Expr *) array,
						  true, rel);
		/* the array must hold the operator's right-hand type */
		if (key != NULL && get_element_type(exprType(array)) != key->elemtype)
		{
			pfree(key);
			return NULL;
		}
		return key;
	}
	if (IsA(qual, NullTest) && !((NullTest *) qual)->argisrow)
	{
		NullTest   *nt = (NullTest *) qual;
		Var		   *var = OlapScanColumnVar((Node *) nt->arg, scanrelid);
		SkipKey    *key;

		if (var == NULL)
			return NULL;
		key = palloc0(sizeof(SkipKey));
		key->attnum = var->varattno;
		key->strategy = nt->nulltesttype == IS_NULL ? SKIP_IS_NULL : SKIP_IS_NOT_NULL;
		return key;
	}
	return NULL;
}

/* A state of keys, or NULL when there are none. */
static ChunkSkipState *
make_state(List *keys, PlanState *ps)
{
	ChunkSkipState *state;

	if (keys == NIL)
		return NULL;
	state = palloc0(sizeof(ChunkSkipState));
	state->keys = keys;
	state->ps = ps;
	state->values_ctx = AllocSetContextCreate(CurrentMemoryContext,
											  "olap_ext chunk skipping values",
											  ALLOCSET_SMALL_SIZES);
	state->ctx = AllocSetContextCreate(CurrentMemoryContext,
									   "olap_ext chunk skipping",
									   ALLOCSET_SMALL_SIZES);
	return state;
}

/*
 * Collects the keys of a scan's quals (implicitly ANDed) and prepares their
 * expressions in ps.  Returns NULL when no qual can skip anything.
 */
ChunkSkipState *
ChunkSkipInit(List *quals, Index scanrelid, Relation rel, PlanState *ps)
{
	Assert(ps != NULL);
	return make_state(collect_keys(quals, scanrelid, rel, ps, NULL), ps);
}

/*
 * For the planner's estimates: whether qual can skip chunk groups, and if so
 * on which column and how (a BT*StrategyNumber, or 0 for a null test).  The
 * same rules as the executor's keys; nothing is prepared for execution.
 */
bool
ChunkSkipQualColumn(Expr *qual, Index scanrelid, Relation rel,
					AttrNumber *attnum, int *strategy)
{
	SkipKey    *key = key_from_qual(qual, scanrelid, rel);

	if (key == NULL)
		return false;
	*attnum = key->attnum;
	if (key->arg == NULL)
		*strategy = 0;
	else if (key->strategy == SKIP_IN_ARRAY)
		*strategy = BTEqualStrategyNumber;
	else
		*strategy = key->strategy;
	pfree(key);
	return true;
}

int
ChunkSkipKeyCount(ChunkSkipState *state)
{
	return state ? list_length(state->keys) : 0;
}

/* Forgets the key values, so a rescan evaluates them again (new params). */
void
ChunkSkipReset(ChunkSkipState *state)
{
	if (state)
		state->evaluated = false;
}

/*
 * Extracts the non-null elements of an IN key's array value (in
 * CurrentMemoryContext).  NULL elements never make "=" true, so dropping
 * them cannot make a matching chunk look empty.
 */
static void
load_array_elements(SkipKey *key)
{
	ArrayType  *array;
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	Datum	   *elems;
	bool	   *elemnulls;
	int			nelems;

	key->elems = NULL;
	key->nelems = 0;
	if (key->argnull)
		return;
	array = DatumGetArrayTypeP(key->argvalue);
	get_typlenbyvalalign(ARR_ELEMTYPE(array), &elmlen, &elmbyval, &elmalign);
	deconstruct_array(array, ARR_ELEMTYPE(array), elmlen, elmbyval, elmalign,
					  &elems, &elemnulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		if (!elemnulls[i])
			elems[key->nelems++] = elems[i];
	}
	key->elems = elems;
	pfree(elemnulls);
}

/*
 * For the planner's count of the groups a scan reads (skip_estimate.c): the
 * keys of quals whose compared value is a constant, ready to test groups
 * without a plan.  Keys comparing with anything else (parameters, stable
 * functions not folded) are left out, and *all_constant tells whether any
 * was.  NULL when no key is left.
 */
ChunkSkipState *
ChunkSkipInitConstant(List *quals, Index scanrelid, Relation rel,
					  bool *all_constant)
{
	ChunkSkipState *state;

	*all_constant = true;
	state = make_state(collect_keys(quals, scanrelid, rel, NULL, all_constant),
					   NULL);
	if (state != NULL)
		state->evaluated = true;
	return state;
}

/*
 * The keys of quals.  With ps, their compared values are prepared for
 * evaluation in ps at each (re)scan; without (for the planner), only keys
 * comparing with a Const are kept, with their values taken at once, and
 * *all_constant is cleared when one is left out.
 */
static List *
collect_keys(List *quals, Index scanrelid, Relation rel, PlanState *ps,
			 bool *all_constant)
{
	List	   *keys = NIL;
	ListCell   *lc;

	foreach(lc, quals)
	{
		SkipKey    *key = key_from_qual((Expr *) lfirst(lc), scanrelid, rel);

		if (key == NULL)
			continue;
		if (key->arg != NULL)
		{
			if (ps != NULL)
				key->argstate = ExecInitExpr(key->arg, ps);
			else if (IsA(key->arg, Const))
			{
				key->argvalue = ((Const *) key->arg)->constvalue;
				key->argnull = ((Const *) key->arg)->constisnull;
				if (key->strategy == SKIP_IN_ARRAY)
					load_array_elements(key);
			}
			else
			{
				*all_constant = false;
				pfree(key);
				continue;
			}
			fmgr_info(key->cmpproc, &key->cmp);
		}
		keys = lappend(keys, key);
	}
	return keys;
}

/* Evaluates the key values of this (re)scan. */
static void
evaluate_keys(ChunkSkipState *state)
{
	ExprContext *econtext = state->ps->ps_ExprContext;
	MemoryContext old;
	ListCell   *lc;

	/* the values of the previous (re)scan are no longer needed */
	MemoryContextReset(state->values_ctx);
	old = MemoryContextSwitchTo(state->values_ctx);

	foreach(lc, state->keys)
	{
		SkipKey    *key = lfirst(lc);

		if (key->argstate != NULL)
			key->argvalue = ExecEvalExpr(key->argstate, econtext, &key->argnull);
		if (key->strategy == SKIP_IN_ARRAY)
			load_array_elements(key);
	}
	MemoryContextSwitchTo(old);
	state->evaluated = true;
}

/* Compares a column value with a key value: <0, 0 or >0. */
static inline int
compare(SkipKey *key, Datum column_value, Datum key_value)
{
	return DatumGetInt32(FunctionCall2Coll(&key->cmp, key->collation,
										   column_value, key_value));
}

/*
 * Whether the chunk may hold a value equal to v, judged by its min/max and
 * value set (each used only when kept under the column's current type and
 * collation).
 */
static bool
chunk_may_hold(SkipKey *key, bool has_range, Datum min, Datum max, Datum v,
			   int nset, const Datum *set)
{
	if (has_range &&
		(compare(key, min, v) > 0 || compare(key, max, v) < 0))
		return false;
	if (nset > 0)
	{
		for (int i = 0; i < nset; i++)
		{
			if (compare(key, set[i], v) == 0)
				return true;
		}
		return false;
	}
	return true;
}

/* True when no row of a chunk with these statistics can pass key. */
static bool
key_excludes(SkipKey *key, const ChunkGroupMeta *group, const ChunkMeta *chunk)
{
	bool		all_null = chunk->null_count == group->row_count;
	Datum		min;
	Datum		max;
	int			cmin;
	int			cmax;

	if (key->strategy == SKIP_IS_NULL)
		return chunk->null_count == 0;
	if (key->strategy == SKIP_IS_NOT_NULL)
		return all_null;

	/* a strict comparison with NULL, or on NULLs only, is never true */
	if (key->argnull || all_null)
		return true;
	if (key->strategy == SKIP_IN_ARRAY && key->nelems == 0)
		return true;
	/* statistics of an older type or collation (ALTER TABLE, no rewrite) */
	if (chunk->minmax_type != key->coltypid ||
		chunk->minmax_collation != key->colcollation)
		return false;

	if (key->strategy == BTEqualStrategyNumber ||
		key->strategy == SKIP_IN_ARRAY)
	{
		Datum	   *set = NULL;
		int			nset = 0;
		Datum	   *vals = key->strategy == SKIP_IN_ARRAY ? key->elems : &key->argvalue;
		int			nvals = key->strategy == SKIP_IN_ARRAY ? key->nelems : 1;
		bool		has_range = chunk->min_value != NULL && chunk->max_value != NULL;

		min = max = (Datum) 0;
		if (has_range)
		{
			min = MinMaxDeserialize(chunk->min_value, &key->coltype);
			max = MinMaxDeserialize(chunk->max_value, &key->coltype);
		}
		if (chunk->value_set != NULL)
			nset = ValueSetDeserialize(chunk->value_set, &key->coltype, &set);
		for (int i = 0; i < nvals; i++)
		{
			if (chunk_may_hold(key, has_range, min, max, vals[i], nset, set))
				return false;
		}
		return true;
	}

	if (chunk->min_value == NULL || chunk->max_value == NULL)
		return false;
	min = MinMaxDeserialize(chunk->min_value, &key->coltype);
	max = MinMaxDeserialize(chunk->max_value, &key->coltype);
	cmin = compare(key, min, key->argvalue);
	cmax = compare(key, max, key->argvalue);

	switch (key->strategy)
	{
		case BTLessStrategyNumber:
			return cmin >= 0;
		case BTLessEqualStrategyNumber:
			return cmin > 0;
		case BTGreaterEqualStrategyNumber:
			return cmax < 0;
		case BTGreaterStrategyNumber:
			return cmax <= 0;
	}
	return false;
}

/*
 * ChunkGroupFilter of OlapScan: false when some key proves the group holds
 * no row the quals accept.
 */
bool
ChunkSkipGroupMayMatch(void *arg, const StripeMeta *stripe,
					   const ChunkGroupMeta *group)
{
	ChunkSkipState *state = (ChunkSkipState *) arg;
	MemoryContext old;
	ListCell   *lc;
	bool		result = true;

	if (!state->evaluated)
		evaluate_keys(state);

	old = MemoryContextSwitchTo(state->ctx);
	foreach(lc, state->keys)
	{
		SkipKey    *key = lfirst(lc);
		const ChunkMeta *chunk;

		/* columns added later or dropped then: nothing known */
		if (key->attnum > (AttrNumber) stripe->column_count)
			continue;
		chunk = &group->chunks[key->attnum - 1];
		if (!chunk->present)
			continue;
		if (key_excludes(key, group, chunk))
		{
			result = false;
			break;
		}
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(state->ctx);
	return result;
}

/* Names the columns with keys, for EXPLAIN. */
List *
ChunkSkipDescribe(ChunkSkipState *state, Relation rel)
{
	List	   *names = NIL;
	ListCell   *lc;

	if (state == NULL)
		return NIL;
	foreach(lc, state->keys)
	{
		SkipKey    *key = lfirst(lc);
		char	   *name = NameStr(TupleDescAttr(RelationGetDescr(rel), key->attnum - 1)->attname);

		if (!list_member(names, makeString(name)))
			names = lappend(names, makeString(name));
	}
	return names;
}
