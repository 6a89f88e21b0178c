/*-------------------------------------------------------------------------
 *
 * agg_input.c
 *	  Grouping keys, aggregate arguments and FILTER clauses of OlapAgg that
 *	  are expressions of batch columns, computed per batch.
 *
 * A plain column is read from the batch as it is.  Any other expression
 * (date_trunc('day', ts), ts::date, a + b, lower(t), ...) is compiled with
 * ExecInitExpr over a private virtual slot holding the columns it reads,
 * and evaluated by PostgreSQL's expression machinery for each selected row
 * of a batch, so its results and errors are PostgreSQL's, including those
 * of stable functions that depend on settings such as TimeZone.
 *
 * Three shortcuts skip evaluations without changing results:
 *
 *	- an expression of one column whose chunk in the batch has a dictionary
 *	  view (a DICT or RLE chunk, batch.h) is evaluated once per code: the
 *	  first selected row with a code computes the result of all rows with
 *	  that code (equal codes are equal values);
 *	- an expression of one by-reference column stored with a dictionary or
 *	  run-length encoding (equal values share one copy) is otherwise
 *	  evaluated once per run of rows sharing the same value pointer;
 *	- a monotone expression of one integer-like column (a chain of
 *	  date_trunc, date_bin and date/timestamp casts with constant other
 *	  arguments) remembers the range of inputs lo..hi known to give the
 *	  same result: a non-decreasing function that maps lo and hi to r maps
 *	  everything between to r.  Time-zone dependent functions (on
 *	  timestamptz) are monotone only when the session's time zone has a
 *	  fixed UTC offset, which is checked per batch; otherwise (daylight
 *	  saving time) every row is evaluated.
 *
 * Any other expression of one by-reference column (regexp_replace(url,
 * ...), say) has its results cached by input value (agg_memo.c) while the
 * cache finds enough of them: equal inputs give equal results, since the
 * planner admits no volatile functions.
 *
 * Some expressions are not evaluated by the expression machinery at all but
 * by a loop of their own giving the same results: integer arithmetic of a
 * column and a constant (with the operators' overflow errors), and the
 * length of a text column (length and char_length count UTF-8 characters
 * as the lead bytes of the text, which the server has validated; other
 * multibyte encodings are left to textlen).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tupdesc.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/fmgroids.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"

#include "agg/agg_input.h"
#include "agg/agg_memo.h"

/* True when node has a Param anywhere. */
static bool
contains_param(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param))
		return true;
	return expression_tree_walker(node, contains_param, context);
}

/* Context of find_columns. */
typedef struct ColumnWalk
{
	Index		relid;			/* 0: any */
	bool		ok;
	Bitmapset  *attnums;
} ColumnWalk;

static bool
find_columns_walker(Node *node, ColumnWalk *walk)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
	{
		Var		   *var = (Var *) node;

		if ((walk->relid != 0 && var->varno != walk->relid) ||
			var->varattno <= 0 || var->varlevelsup != 0)
			walk->ok = false;
		else
			walk->attnums = bms_add_member(walk->attnums, var->varattno);
		return false;
	}
	if (IsA(node, PlaceHolderVar) || IsA(node, Aggref) ||
		IsA(node, WindowFunc) || IsA(node, GroupingFunc) ||
		IsA(node, SubLink) || IsA(node, SubPlan) ||
		IsA(node, AlternativeSubPlan))
	{
		walk->ok = false;
		return false;
	}
	return expression_tree_walker(node, find_columns_walker, walk);
}

bool
AggInputSupported(Expr *expr, Index relid)
{
	ColumnWalk	walk = {relid, true, NULL};

	if (IsA(expr, Var))
	{
		Var		   *var = (Var *) expr;

		return var->varno == relid && var->varattno > 0 &&
			var->varlevelsup == 0;
	}
	if (contain_volatile_functions((Node *) expr) ||
		expression_returns_set((Node *) expr))
		return false;
	find_columns_walker((Node *) expr, &walk);
	return walk.ok && bms_num_members(walk.attnums) <= AGG_INPUT_MAX_COLUMNS;
}

/*
 * True when node is a non-decreasing function of the one column it reads,
 * by the functions it is made of; sets *tz_dependent when one of them is
 * monotone only in a fixed-offset time zone.
 */
static bool
is_monotone(Node *node, bool *tz_dependent)
{
	FuncExpr   *func;
	int			argpos;
	int			i;
	ListCell   *lc;

	if (IsA(node, Var))
		return true;
	if (!IsA(node, FuncExpr))
		return false;
	func = (FuncExpr *) node;
	switch (func->funcid)
	{
		case F_DATE_TRUNC_TEXT_TIMESTAMP:	/* date_trunc(unit, timestamp) */
		case F_DATE_BIN_INTERVAL_TIMESTAMP_TIMESTAMP:
		case F_DATE_BIN_INTERVAL_TIMESTAMPTZ_TIMESTAMPTZ:	/* no zone used */
			argpos = 1;
			break;
		case F_DATE_TRUNC_TEXT_TIMESTAMPTZ:
			*tz_dependent = true;
			argpos = 1;
			break;
		case F_DATE_TIMESTAMP:	/* timestamp::date */
		case F_TIMESTAMP_DATE:	/* date::timestamp */
			argpos = 0;
			break;
		case F_DATE_TIMESTAMPTZ:	/* timestamptz::date */
			*tz_dependent = true;
			argpos = 0;
			break;
		default:
			return false;
	}
	i = 0;
	foreach(lc, func->args)
	{
		if (i != argpos && !IsA(lfirst(lc), Const))
			return false;
		i++;
	}
	return list_length(func->args) > argpos &&
		is_monotone(list_nth(func->args, argpos), tz_dependent);
}

/*
 * Recognizes column op constant (or constant op column) for the int4 and
 * int8 +, -, * operators, and the int4 ones of an int2 and an int4 operand
 * (int24pl and the like, which compute in int4 as well), which
 * AggInputCompute runs as a loop.
 */
static void
init_arith(AggInput *input, Expr *expr)
{
	OpExpr	   *op;
	Node	   *left;
	Node	   *right;
	Const	   *c;
	Oid			ltype = INT4OID;
	Oid			rtype = INT4OID;

	if (!IsA(expr, OpExpr))
		return;
	op = (OpExpr *) expr;
	if (list_length(op->args) != 2)
		return;
	switch (op->opfuncid)
	{
		case F_INT8PL:
		case F_INT8MI:
		case F_INT8MUL:
			ltype = rtype = INT8OID;
			break;
		case F_INT24PL:
		case F_INT24MI:
		case F_INT24MUL:
			ltype = INT2OID;
			break;
		case F_INT42PL:
		case F_INT42MI:
		case F_INT42MUL:
			rtype = INT2OID;
			break;
		case F_INT4PL:
		case F_INT4MI:
		case F_INT4MUL:
			break;
		default:
			return;
	}
	switch (op->opfuncid)
	{
		case F_INT4PL:
		case F_INT8PL:
		case F_INT24PL:
		case F_INT42PL:
			input->arith_op = '+';
			break;
		case F_INT4MI:
		case F_INT8MI:
		case F_INT24MI:
		case F_INT42MI:
			input->arith_op = '-';
			break;
		default:
			input->arith_op = '*';
			break;
	}
	input->arith_int8 = ltype == INT8OID;
	left = linitial(op->args);
	right = lsecond(op->args);
	if (IsA(left, Var) && IsA(right, Var) &&
		exprType(left) == ltype && exprType(right) == rtype)
	{
		/* column op column: the left one is read as the column */
		input->arith_int2_column = ltype == INT2OID;
		input->arith_right = ((Var *) right)->varattno;
		input->arith_int2_right = rtype == INT2OID;
		input->arith_left = ((Var *) left)->varattno;
		return;
	}
	input->arith_const_left = IsA(left, Const);
	c = (Const *) (input->arith_const_left ? left : right);
	if (!IsA(c, Const) || c->constisnull ||
		!IsA(input->arith_const_left ? right : left, Var) ||
		exprType(left) != ltype || exprType(right) != rtype)
	{
		input->arith_op = 0;
		return;
	}
	input->arith_int2_column = (input->arith_const_left ? rtype : ltype) == INT2OID;
	input->arith_left = ((Var *) (input->arith_const_left ? right : left))->varattno;
	switch (c->consttype)
	{
		case INT2OID:
			input->arith_const = DatumGetInt16(c->constvalue);
			break;
		case INT4OID:
			input->arith_const = DatumGetInt32(c->constvalue);
			break;
		default:
			input->arith_const = DatumGetInt64(c->constvalue);
			break;
	}
}

static inline Datum evaluate_one(AggInput *input, Datum value, bool *isnull);

/*
 * Recognizes length(t), char_length(t) and octet_length(t) of a text
 * column, when the database encoding lets compute_text_length count
 * characters: UTF-8, or any single-byte encoding (characters are bytes).
 */
static void
init_text_length(AggInput *input, Expr *expr)
{
	FuncExpr   *func;
	Node	   *arg;

	if (!IsA(expr, FuncExpr))
		return;
	func = (FuncExpr *) expr;
	if (list_length(func->args) != 1)
		return;
	arg = linitial(func->args);
	if (!IsA(arg, Var) || ((Var *) arg)->vartype != TEXTOID)
		return;
	switch (func->funcid)
	{
		case F_LENGTH_TEXT:
		case F_CHAR_LENGTH_TEXT:
		case F_CHARACTER_LENGTH_TEXT:
			if (GetDatabaseEncoding() == PG_UTF8 ||
				pg_database_encoding_max_length() == 1)
				input->text_length = 'c';
			break;
		case F_OCTET_LENGTH_TEXT:
			input->text_length = 'o';
			break;
		default:
			break;
	}
}

/*
 * Characters of the UTF-8 string s of len bytes: the bytes that are not
 * continuation bytes (10xxxxxx).  For valid UTF-8, which is all the server
 * stores, that is what pg_mbstrlen_with_len counts.
 */
static inline int32
utf8_characters(const unsigned char *s, Size len)
{
	Size		continuation = 0;
	Size		i = 0;

	while (i + 8 <= len)
	{
		/* per byte lane: how many continuation bytes, up to 255 words */
		uint64		lanes = 0;
		Size		end = Min(len - len % 8, i + 8 * 255);

		for (; i < end; i += 8)
		{
			uint64		w;

			memcpy(&w, s + i, 8);
			/* a byte 10xxxxxx has bit 7 set and bit 6 clear */
			lanes += ((w & ~(w << 1)) >> 7) & UINT64CONST(0x0101010101010101);
		}
		/* byte lanes to 16-bit lanes (each up to 510), then their sum */
		lanes = (lanes & UINT64CONST(0x00FF00FF00FF00FF)) +
			((lanes >> 8) & UINT64CONST(0x00FF00FF00FF00FF));
		continuation += (lanes * UINT64CONST(0x0001000100010001)) >> 48;
	}
	for (; i < len; i++)
		continuation += (s[i] & 0xC0) == 0x80;
	return (int32) (len - continuation);
}

/* Runs the text length of input on the n rows sel of vector. */
static void
compute_text_length(AggInput *input, const OlapVector *vector,
					const uint32 *sel, uint32 n)
{
	bool		bytes = input->text_length == 'o' ||
		GetDatabaseEncoding() != PG_UTF8;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		struct varlena *v;

		input->nulls[row] = vector->nulls[row];
		if (vector->nulls[row])
			continue;
		v = (struct varlena *) DatumGetPointer(vector->values[row]);
		if (unlikely(VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v)))
		{
			/* compressed or external: as the function itself does it */
			bool		isnull;

			input->values[row] = evaluate_one(input, vector->values[row],
											  &isnull);
			input->nulls[row] = isnull;
			continue;
		}
		input->values[row] = Int32GetDatum(bytes ? (int32) VARSIZE_ANY_EXHDR(v) :
										   utf8_characters((unsigned char *) VARDATA_ANY(v),
														   VARSIZE_ANY_EXHDR(v)));
	}
}

/*
 * Evaluates input's expression of one column on row of vector, or takes
 * the result from input's cache of results by value (agg_memo.c) when it
 * has one and holds it; a new result for a value that can be a key is
 * added to the cache.
 */
static Datum
evaluate_cached(AggInput *input, const OlapVector *vector, uint32 row,
				bool *isnull)
{
	AttrNumber	attnum = input->columns[0];
	struct varlena *key = NULL;
	uint32		hash = 0;
	Datum		result;

	if (input->memo != NULL && !vector->nulls[row])
	{
		key = (struct varlena *) DatumGetPointer(vector->values[row]);
		/* compressed or external: not a key of the cache */
		if (VARATT_IS_EXTENDED(key) && !VARATT_IS_SHORT(key))
			key = NULL;
	}
	if (key != NULL &&
		AggMemoFind(input->memo, key, &hash, &result, isnull))
		return result;
	input->slot->tts_values[attnum - 1] = vector->values[row];
	input->slot->tts_isnull[attnum - 1] = vector->nulls[row];
	input->evaluations++;
	result = ExecEvalExpr(input->exprstate, input->econtext, isnull);
	if (key != NULL)
		result = AggMemoAdd(input->memo, key, hash, result, *isnull);
	return result;
}

/*
 * Evaluates input's expression of one by-reference column on the n rows
 * sel of vector, each distinct input value once while the cache holds it.
 */
static void
compute_memo(AggInput *input, const OlapVector *vector, const uint32 *sel,
			 uint32 n)
{
	uint32		i;

	AggMemoStartBatch(input->memo);
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		bool		isnull;

		input->values[row] = evaluate_cached(input, vector, row, &isnull);
		input->nulls[row] = isnull;
	}
}

/*
 * Runs the int4/int8 arithmetic of input on the n rows sel of batch: column
 * op constant, constant op column or column op column.
 */
static void
compute_arith(AggInput *input, const OlapBatch *batch, const uint32 *sel,
			  uint32 n)
{
	const OlapVector *lvec = &batch->columns[input->arith_left - 1];
	const OlapVector *rvec = input->arith_right > 0 ?
		&batch->columns[input->arith_right - 1] : NULL;
	int64		k = input->arith_const;
	bool		left = input->arith_const_left;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		bool		overflow;

		input->nulls[row] = lvec->nulls[row] ||
			(rvec != NULL && rvec->nulls[row]);
		if (input->nulls[row])
			continue;
		if (input->arith_int8)
		{
			int64		v = DatumGetInt64(lvec->values[row]);
			int64		w = rvec != NULL ? DatumGetInt64(rvec->values[row]) : k;
			int64		a = left ? w : v;
			int64		b = left ? v : w;
			int64		r;

			if (input->arith_op == '+')
				overflow = pg_add_s64_overflow(a, b, &r);
			else if (input->arith_op == '-')
				overflow = pg_sub_s64_overflow(a, b, &r);
			else
				overflow = pg_mul_s64_overflow(a, b, &r);
			if (unlikely(overflow))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("bigint out of range")));
			input->values[row] = Int64GetDatum(r);
		}
		else
		{
			int32		v = input->arith_int2_column ?
				DatumGetInt16(lvec->values[row]) :
				DatumGetInt32(lvec->values[row]);
			int32		w = rvec == NULL ? (int32) k :
				input->arith_int2_right ? DatumGetInt16(rvec->values[row]) :
				DatumGetInt32(rvec->values[row]);
			int32		a = left ? w : v;
			int32		b = left ? v : w;
			int32		r;

			if (input->arith_op == '+')
				overflow = pg_add_s32_overflow(a, b, &r);
			else if (input->arith_op == '-')
				overflow = pg_sub_s32_overflow(a, b, &r);
			else
				overflow = pg_mul_s32_overflow(a, b, &r);
			if (unlikely(overflow))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("integer out of range")));
			input->values[row] = Int32GetDatum(r);
		}
	}
}

/*
 * Says which of AggInputCompute's ways computes expr, an expression
 * AggInputSupported accepted, by the same tests AggInputInit makes.
 */
AggInputKind
AggInputClassify(Expr *expr)
{
	ColumnWalk	walk = {0, true, NULL};
	AggInput	probe;
	bool		tz_dependent = false;

	if (IsA(expr, Var))
		return AGG_INPUT_COLUMN;
	memset(&probe, 0, sizeof(AggInput));
	init_arith(&probe, expr);
	init_text_length(&probe, expr);
	if (probe.arith_op != 0 || probe.text_length != 0)
		return AGG_INPUT_LOOP;
	find_columns_walker((Node *) expr, &walk);
	if (!walk.ok || bms_num_members(walk.attnums) != 1)
		return AGG_INPUT_PER_ROW;
	if (is_monotone((Node *) expr, &tz_dependent))
	{
		List	   *vars = pull_var_clause((Node *) expr, 0);
		Var		   *var = linitial_node(Var, vars);
		int16		len = get_typlen(var->vartype);

		if (get_typbyval(var->vartype) &&
			get_typbyval(exprType((Node *) expr)) &&
			(len == 2 || len == 4 || len == 8))
			return AGG_INPUT_LOOP;
	}
	return AGG_INPUT_ONE_COLUMN;
}

/*
 * The column of expr when it is "column + c", "column - c" or "c - column"
 * computed in int4, whose sums AggAdvanceShiftedSum derives from one pass
 * over the column per batch; else InvalidAttrNumber.
 */
AttrNumber
AggInputShiftedColumn(Expr *expr)
{
	AggInput	probe;

	memset(&probe, 0, sizeof(AggInput));
	init_arith(&probe, expr);
	if ((probe.arith_op != '+' && probe.arith_op != '-') ||
		probe.arith_int8 || probe.arith_right > 0)
		return InvalidAttrNumber;
	return probe.arith_left;
}

void
AggInputInit(AggInput *input, Expr *expr, EState *estate)
{
	ColumnWalk	walk = {0, true, NULL};
	TupleDesc	desc;
	int			natts;
	int			attnum;
	int			i;
	List	   *vars;
	ListCell   *lc;

	memset(input, 0, sizeof(AggInput));
	input->context = CurrentMemoryContext;
	if (IsA(expr, Var))
	{
		input->attnum = ((Var *) expr)->varattno;
		return;
	}

	find_columns_walker((Node *) expr, &walk);
	if (!walk.ok)
		elog(ERROR, "OlapAgg expression reads something other than columns");
	natts = Max(bms_num_members(walk.attnums) > 0 ?
				bms_prev_member(walk.attnums, -1) : 0, 1);
	input->ncolumns = bms_num_members(walk.attnums);
	input->columns = palloc(sizeof(AttrNumber) * Max(input->ncolumns, 1));
	i = 0;
	attnum = -1;
	while ((attnum = bms_next_member(walk.attnums, attnum)) >= 0)
		input->columns[i++] = attnum;

	/* a descriptor with the columns' types where the expression reads them */
	desc = CreateTemplateTupleDesc(natts);
	for (i = 1; i <= natts; i++)
		TupleDescInitEntry(desc, i, NULL, INT4OID, -1, 0);
	vars = pull_var_clause((Node *) expr, 0);
	foreach(lc, vars)
	{
		Var		   *var = lfirst_node(Var, lc);

		TupleDescInitEntry(desc, var->varattno, NULL, var->vartype,
						   var->vartypmod, 0);
	}
	input->slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	ExecClearTuple(input->slot);
	for (i = 0; i < natts; i++)
		input->slot->tts_isnull[i] = true;
	ExecStoreVirtualTuple(input->slot);

	input->econtext = CreateExprContext(estate);
	input->econtext->ecxt_scantuple = input->slot;
	input->exprstate = ExecInitExpr(expr, NULL);
	init_arith(input, expr);
	init_text_length(input, expr);
	/* (a parameter may change at a rescan, which a cache would not see) */
	if (input->ncolumns == 1 && input->arith_op == 0 &&
		input->text_length == 0 &&
		get_typlen(linitial_node(Var, vars)->vartype) == -1 &&
		!contains_param((Node *) expr, NULL))
	{
		int16		typlen;
		bool		typbyval;

		get_typlenbyval(exprType((Node *) expr), &typlen, &typbyval);
		input->memo = AggMemoCreate(input->context, (Size) work_mem * 1024,
									typlen, typbyval);
	}

	if (input->ncolumns == 1 && is_monotone((Node *) expr, &input->tz_dependent))
	{
		Var		   *var = linitial_node(Var, vars);
		int16		len = get_typlen(var->vartype);

		input->monotone = get_typbyval(var->vartype) &&
			get_typbyval(exprType((Node *) expr)) &&
			(len == 2 || len == 4 || len == 8);
		input->input_len = len;
	}
}

/* The integer in a by-value datum of len bytes. */
static inline int64
input_int(Datum value, int16 len)
{
	if (len == 2)
		return DatumGetInt16(value);
	if (len == 4)
		return DatumGetInt32(value);
	return DatumGetInt64(value);
}

/* Evaluates input's expression of one column on value (not NULL). */
static inline Datum
evaluate_one(AggInput *input, Datum value, bool *isnull)
{
	AttrNumber	attnum = input->columns[0];

	input->slot->tts_values[attnum - 1] = value;
	input->slot->tts_isnull[attnum - 1] = false;
	input->evaluations++;
	return ExecEvalExpr(input->exprstate, input->econtext, isnull);
}

/* Widens the cached range of inputs giving cache_result to take in v. */
static inline void
extend_range(AggInput *input, int64 v)
{
	input->cache_lo = Min(input->cache_lo, v);
	input->cache_hi = Max(input->cache_hi, v);
}

/*
 * Expression of one column with a dictionary view: evaluated for the first
 * selected row of each code, whose result every other row of that code
 * takes.
 */
static void
compute_by_code(AggInput *input, const OlapVector *vector, const uint32 *sel,
				uint32 n)
{
	uint32		ncodes = vector->ndict + 1;
	uint32		i;

	if (input->code_size < ncodes)
	{
		MemoryContext old = MemoryContextSwitchTo(input->context);

		if (input->code_values != NULL)
		{
			pfree(input->code_values);
			pfree(input->code_nulls);
			pfree(input->code_done);
		}
		input->code_values = palloc_extended(sizeof(Datum) * ncodes,
											 MCXT_ALLOC_HUGE);
		input->code_nulls = palloc_extended(sizeof(bool) * ncodes,
											MCXT_ALLOC_HUGE);
		input->code_done = palloc_extended(sizeof(bool) * ncodes,
										   MCXT_ALLOC_HUGE);
		input->code_size = ncodes;
		MemoryContextSwitchTo(old);
	}
	memset(input->code_done, 0, sizeof(bool) * ncodes);
	if (input->memo != NULL)
		AggMemoStartBatch(input->memo);

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		uint32		code = vector->codes[row];

		if (unlikely(!input->code_done[code]))
		{
			bool		isnull;

			/* the cache of results by value spans batches (compute_memo) */
			input->code_values[code] = evaluate_cached(input, vector, row,
													   &isnull);
			input->code_nulls[code] = isnull;
			input->code_done[code] = true;
		}
		input->values[row] = input->code_values[code];
		input->nulls[row] = input->code_nulls[code];
	}
}

/*
 * Computes a monotone expression of one integer-like column for the n rows
 * sel: a value inside the cached range gets the cached result; on a miss
 * the expression is evaluated, and then evaluated again on the values of
 * rows further on (doubling the distance, then bisecting) to widen the
 * range as far as the batch's values allow.  Only values of selected rows
 * are evaluated, which PostgreSQL evaluates too, so no evaluation can fail
 * that would not fail on heap; in sorted data a bucket costs a few dozen
 * evaluations instead of one per row.
 */
static void
compute_monotone(AggInput *input, const OlapVector *vector,
				 const uint32 *sel, uint32 n)
{
	int16		len = input->input_len;
	uint32		i;

	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		int64		v;
		Datum		result;
		bool		isnull;
		uint32		good;
		uint32		step;

		if (vector->nulls[row])
		{
			/* NULL in: evaluate (strict functions give NULL) */
			input->slot->tts_isnull[input->columns[0] - 1] = true;
			input->values[row] = ExecEvalExpr(input->exprstate,
											  input->econtext,
											  &input->nulls[row]);
			continue;
		}
		v = input_int(vector->values[row], len);
		if (input->cache_valid && v >= input->cache_lo && v <= input->cache_hi)
		{
			input->values[row] = input->cache_result;
			input->nulls[row] = false;
			continue;
		}
		result = evaluate_one(input, vector->values[row], &isnull);
		input->values[row] = result;
		input->nulls[row] = isnull;
		if (isnull)
			continue;
		if (input->cache_valid && result == input->cache_result)
			extend_range(input, v);
		else
		{
			input->cache_valid = true;
			input->cache_lo = input->cache_hi = v;
			input->cache_result = result;
		}

		/* widen the range with values of rows further on */
		good = i;
		step = 1;
		for (;;)
		{
			uint32		j = i + step;
			int64		w;

			if (j >= n)
				j = n - 1;
			if (j <= good)
				break;
			if (vector->nulls[sel[j]])
				break;
			w = input_int(vector->values[sel[j]], len);
			if (w < input->cache_lo || w > input->cache_hi)
			{
				Datum		r = evaluate_one(input, vector->values[sel[j]],
											 &isnull);

				if (isnull || r != result)
				{
					/* bisect between good and j */
					uint32		bad = j;

					while (bad - good > 1)
					{
						uint32		mid = good + (bad - good) / 2;

						if (vector->nulls[sel[mid]])
							break;
						w = input_int(vector->values[sel[mid]], len);
						if (w >= input->cache_lo && w <= input->cache_hi)
						{
							good = mid;
							continue;
						}
						r = evaluate_one(input, vector->values[sel[mid]],
										 &isnull);
						if (!isnull && r == result)
						{
							extend_range(input, w);
							good = mid;
						}
						else
							bad = mid;
					}
					break;
				}
				extend_range(input, w);
			}
			good = j;
			step *= 2;
		}
	}
}

void
AggInputCompute(AggInput *input, const OlapBatch *batch,
				const uint32 *sel, uint32 n,
				const Datum **values, const bool **nulls)
{
	TupleTableSlot *slot = input->slot;
	const OlapVector *vectors[AGG_INPUT_MAX_COLUMNS];
	bool		use_cache = false;
	bool		shared = false;
	const void *last_ptr = NULL;
	Datum		last_value = (Datum) 0;
	bool		last_null = false;
	uint32		i;
	int			c;

	if (input->attnum > 0)
	{
		const OlapVector *vector;

		/* values is NULL for a column read only through its scaled view */
		if (input->attnum > batch->natts ||
			batch->columns[input->attnum - 1].nulls == NULL)
			elog(ERROR, "OlapAgg column %d was not read", input->attnum);
		vector = &batch->columns[input->attnum - 1];
		*values = vector->values;
		*nulls = vector->nulls;
		return;
	}

	if (input->size < batch->nrows)
	{
		MemoryContext old = MemoryContextSwitchTo(input->context);

		if (input->values != NULL)
		{
			pfree(input->values);
			pfree(input->nulls);
		}
		input->values = palloc_extended(sizeof(Datum) * batch->nrows,
										MCXT_ALLOC_HUGE);
		input->nulls = palloc_extended(sizeof(bool) * batch->nrows,
									   MCXT_ALLOC_HUGE);
		input->size = batch->nrows;
		MemoryContextSwitchTo(old);
	}
	*values = input->values;
	*nulls = input->nulls;
	if (input->ncolumns > lengthof(vectors))
		elog(ERROR, "OlapAgg expression reads too many columns");
	for (c = 0; c < input->ncolumns; c++)
	{
		AttrNumber	attnum = input->columns[c];

		if (attnum > batch->natts || batch->columns[attnum - 1].values == NULL)
			elog(ERROR, "OlapAgg column %d was not read", attnum);
		vectors[c] = &batch->columns[attnum - 1];
	}

	if (input->monotone)
	{
		long		gmtoff;

		if (input->cache_zone != session_timezone)
		{
			input->cache_valid = false;
			input->cache_zone = session_timezone;
		}
		use_cache = !input->tz_dependent ||
			pg_get_timezone_offset(session_timezone, &gmtoff);
	}
	else if (input->ncolumns == 1 && vectors[0]->shared_values &&
			 !TupleDescAttr(slot->tts_tupleDescriptor,
							input->columns[0] - 1)->attbyval)
		shared = true;

	ResetExprContext(input->econtext);
	if (input->arith_op != 0)
	{
		compute_arith(input, batch, sel, n);
		return;
	}
	if (input->text_length != 0)
	{
		compute_text_length(input, vectors[0], sel, n);
		return;
	}
	if (use_cache)
	{
		compute_monotone(input, vectors[0], sel, n);
		return;
	}
	if (input->memo != NULL && !AggMemoPays(input->memo))
		input->memo = NULL;		/* its memory goes with input->context */
	if (input->ncolumns == 1 && vectors[0]->codes != NULL)
	{
		compute_by_code(input, vectors[0], sel, n);
		return;
	}
	if (input->memo != NULL && !input->monotone)
	{
		compute_memo(input, vectors[0], sel, n);
		return;
	}
	for (i = 0; i < n; i++)
	{
		uint32		row = sel[i];
		Datum		result;
		bool		isnull;

		if (shared && !vectors[0]->nulls[row] && last_ptr != NULL &&
			DatumGetPointer(vectors[0]->values[row]) == last_ptr)
		{
			input->values[row] = last_value;
			input->nulls[row] = last_null;
			continue;
		}

		for (c = 0; c < input->ncolumns; c++)
		{
			AttrNumber	attnum = input->columns[c];

			slot->tts_values[attnum - 1] = vectors[c]->values[row];
			slot->tts_isnull[attnum - 1] = vectors[c]->nulls[row];
		}
		result = ExecEvalExpr(input->exprstate, input->econtext, &isnull);
		input->values[row] = result;
		input->nulls[row] = isnull;
		input->evaluations++;

		if (shared && !vectors[0]->nulls[row])
		{
			last_ptr = DatumGetPointer(vectors[0]->values[row]);
			last_value = result;
			last_null = isnull;
		}
	}
}
