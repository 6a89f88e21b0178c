/*-------------------------------------------------------------------------
 *
 * agg_memo.h
 *	  A bounded cache of the results of an expression of one by-reference
 *	  column, keyed by the bytes of the input value (agg_input.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AGG_MEMO_H
#define OLAP_AGG_MEMO_H

/* Opaque; see agg_memo.c. */
typedef struct AggMemo AggMemo;

/*
 * A cache under parent holding up to about limit bytes of inputs and
 * results; results are of a type of length typlen, by value or not.
 */
extern AggMemo *AggMemoCreate(MemoryContext parent, Size limit,
							  int16 typlen, bool typbyval);

/*
 * To call before each batch: empties the cache when it is full (results
 * handed out before stay valid until this call).
 */
extern void AggMemoStartBatch(AggMemo *memo);

/*
 * The result cached for the input value key (a plain varlena), into
 * *result / *isnull; false when there is none.  *hash receives the key's
 * hash for AggMemoAdd.
 */
extern bool AggMemoFind(AggMemo *memo, const struct varlena *key,
						uint32 *hash, Datum *result, bool *isnull);

/* Caches result / isnull for key (hash from AggMemoFind); returns the copy. */
extern Datum AggMemoAdd(AggMemo *memo, const struct varlena *key,
						uint32 hash, Datum result, bool isnull);

/*
 * False once enough lookups were made and too few of them found a result
 * for the cache to pay.
 */
extern bool AggMemoPays(AggMemo *memo);

#endif							/* OLAP_AGG_MEMO_H */
