/*-------------------------------------------------------------------------
 *
 * agg_input.h
 *	  Values OlapAgg computes per batch row: grouping keys, aggregate
 *	  arguments and FILTER clauses that are expressions of the batch's
 *	  columns rather than plain columns.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_INPUT_H
#define OLAP_AGG_INPUT_H

#include "nodes/execnodes.h"
#include "pgtime.h"

#include "scan/batch.h"

/* Columns an expression input may read. */
#define AGG_INPUT_MAX_COLUMNS 16

/*
 * One input of the node: a column of the batch (attnum > 0), read as it
 * is, or an expression of columns evaluated for the selected rows of each
 * batch into values/nulls.
 */
typedef struct AggInput
{
	AttrNumber	attnum;			/* > 0: a plain column */
	MemoryContext context;		/* where the vectors are allocated */

	/* expressions */
	ExprState  *exprstate;
	ExprContext *econtext;
	TupleTableSlot *slot;		/* the columns of one row */
	int			ncolumns;
	AttrNumber *columns;		/* attnums the expression reads */
	Datum	   *values;			/* results by batch row */
	bool	   *nulls;
	uint32		size;			/* entries of values and nulls */

	/*
	 * Monotone expressions of one integer-like column (time buckets): the
	 * inputs lo..hi are known to give result.
	 */
	bool		monotone;
	bool		tz_dependent;	/* monotone only in fixed-offset zones */
	int16		input_len;		/* bytes of the input integer */
	bool		cache_valid;
	int64		cache_lo;
	int64		cache_hi;
	Datum		cache_result;
	pg_tz	   *cache_zone;		/* session_timezone the cache holds for */

	/*
	 * Integer arithmetic of a column and a constant, or of two columns
	 * (int4 or int8 +, -, *), computed in a loop with the operator's
	 * overflow error.
	 */
	char		arith_op;		/* '+', '-', '*' or 0: none */
	bool		arith_int8;		/* int8 operator, else int4 */
	bool		arith_const_left;	/* constant op column */
	bool		arith_int2_column;	/* the column is int2 (int24pl etc.) */
	AttrNumber	arith_left;		/* the column (the left one of two) */
	AttrNumber	arith_right;	/* > 0: column op column, this the right
								 * operand (arith_int2_right: int2) */
	bool		arith_int2_right;
	int64		arith_const;
	uint64		evaluations;	/* rows the expression was evaluated for */

	/*
	 * length/char_length (in characters) or octet_length of a text column,
	 * counted in a loop where the database encoding allows (init_text_length).
	 */
	char		text_length;	/* 'c' characters, 'o' octets, or 0: none */

	/*
	 * Results of an expression of one by-reference column cached by input
	 * value (agg_memo.c), while that pays; NULL: none.
	 */
	struct AggMemo *memo;

	/*
	 * Results by code of an expression of one column that has a dictionary
	 * view in the batch (batch.h): evaluated once per code and batch.
	 */
	Datum	   *code_values;
	bool	   *code_nulls;
	bool	   *code_done;
	uint32		code_size;		/* entries of the three */
} AggInput;

/*
 * Planner: true when expr can be computed per batch row: it reads only
 * columns of relation relid and has no volatile functions, subplans,
 * aggregates, window functions or set-returning functions.
 */
extern bool AggInputSupported(Expr *expr, Index relid);

/*
 * Planner: how AggInputCompute computes expr, for the costs (agg_planner.c).
 */
typedef enum AggInputKind
{
	AGG_INPUT_COLUMN,			/* a plain column, read from the batch */
	AGG_INPUT_LOOP,				/* integer arithmetic run as a loop, or a
								 * monotone function of one integer-like
								 * column evaluated once per range */
	AGG_INPUT_ONE_COLUMN,		/* another expression of one column: once per
								 * dictionary code when its chunk has them,
								 * else once per row */
	AGG_INPUT_PER_ROW			/* evaluated once per row */
} AggInputKind;

extern AggInputKind AggInputClassify(Expr *expr);
extern AttrNumber AggInputShiftedColumn(Expr *expr);

/* Executor start: prepares input for expr (a Var of the relation or not). */
extern void AggInputInit(AggInput *input, Expr *expr, EState *estate);

/*
 * Sets *values and *nulls to vectors by batch row holding the input's value
 * for (at least) the n rows of sel.  Computed values live in the current
 * memory context until it is reset; call it once per batch.
 */
extern void AggInputCompute(AggInput *input, const OlapBatch *batch,
							const uint32 *sel, uint32 n,
							const Datum **values, const bool **nulls);

#endif							/* OLAP_AGG_INPUT_H */
