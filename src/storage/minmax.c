/*-------------------------------------------------------------------------
 *
 * minmax.c
 *	  Computing and serialising the minimum and maximum of a chunk.
 *
 * The ordering is the type's default btree operator class under the
 * column's collation, the same ordering a query's comparison operators use
 * for that column, so a reader can skip a chunk whose [min, max] range
 * cannot satisfy a qual.  Integer-like types with by-value Datums compare
 * inline; everything else calls the btree comparison function.  Types
 * without a default btree opclass get no min/max.
 *
 * Serialised form (the bytea stored in olap.chunk.min_value/max_value):
 * by-value types: the typlen low-order bytes of the Datum as store_att_byval
 * writes them; fixed-length by-reference types: the typlen bytes; varlena:
 * the data bytes without any header; cstring: the bytes without the
 * terminating NUL.  A value longer than OLAP_MINMAX_MAX_BYTES is not kept
 * (the column's min and max are then both NULL for that chunk).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/typcache.h"

#include "storage/minmax.h"

void
MinMaxSupportInit(MinMaxSupport *support, Oid typid, Oid collation)
{
	TypeCacheEntry *typentry;

	support->collation = collation;
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case DATEOID:
		case TIMEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			support->kind = MINMAX_INT;
			return;
		default:
			break;
	}

	typentry = lookup_type_cache(typid, TYPECACHE_CMP_PROC_FINFO);
	if (!OidIsValid(typentry->cmp_proc_finfo.fn_oid))
	{
		support->kind = MINMAX_NONE;
		return;
	}
	support->kind = MINMAX_FMGR;
	fmgr_info_copy(&support->cmp, &typentry->cmp_proc_finfo, CurrentMemoryContext);
}

/* Reads a by-value Datum of width typlen as a signed 64-bit integer. */
static inline int64
datum_as_int64(Datum value, int16 typlen)
{
	switch (typlen)
	{
		case 1:
			return (int64) DatumGetChar(value);
		case 2:
			return (int64) DatumGetInt16(value);
		case 4:
			return (int64) DatumGetInt32(value);
		default:
			return DatumGetInt64(value);
	}
}

static inline int
compare_values(MinMaxSupport *support, const ChunkColumnType *type,
			   Datum a, Datum b)
{
	if (support->kind == MINMAX_INT)
	{
		int64		x = datum_as_int64(a, type->typlen);
		int64		y = datum_as_int64(b, type->typlen);

		return (x > y) - (x < y);
	}
	return DatumGetInt32(FunctionCall2Coll(&support->cmp, support->collation,
										   a, b));
}

/* Serialises one value, or returns NULL if it is too long to keep. */
static bytea *
serialise(Datum value, const ChunkColumnType *type)
{
	const char *data;
	Size		len;
	char		byval_buf[sizeof(Datum)];
	bytea	   *result;

	if (type->typbyval)
	{
		store_att_byval(byval_buf, value, type->typlen);
		data = byval_buf;
		len = type->typlen;
	}
	else if (type->typlen > 0)
	{
		data = DatumGetPointer(value);
		len = type->typlen;
	}
	else if (type->typlen == -1)
	{
		data = VARDATA_ANY(DatumGetPointer(value));
		len = VARSIZE_ANY_EXHDR(DatumGetPointer(value));
	}
	else
	{
		data = DatumGetCString(value);
		len = strlen(data);
	}

	if (len > OLAP_MINMAX_MAX_BYTES)
		return NULL;
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), data, len);
	return result;
}

/*
 * Sets *min_value and *max_value (allocated in result_ctx) to the
 * serialised minimum and maximum of the non-null values (nulls may be NULL
 * when no value is NULL), or to NULL when
 * there are none, the type has no ordering, or a value is too long.
 */
void
MinMaxCompute(MinMaxSupport *support, const ChunkColumnType *type,
			  const Datum *values, const bool *nulls, uint32 nrows,
			  MemoryContext result_ctx, bytea **min_value, bytea **max_value)
{
	uint32		min_row = 0;
	uint32		max_row = 0;
	bool		found = false;
	uint32		i;
	MemoryContext old;

	*min_value = NULL;
	*max_value = NULL;
	if (support->kind == MINMAX_NONE)
		return;

	for (i = 0; i < nrows; i++)
	{
		if (nulls != NULL && nulls[i])
			continue;
		if (!found)
		{
			found = true;
			min_row = max_row = i;
			continue;
		}
		if (compare_values(support, type, values[i], values[min_row]) < 0)
			min_row = i;
		else if (compare_values(support, type, values[i], values[max_row]) > 0)
			max_row = i;
	}
	if (!found)
		return;

	old = MemoryContextSwitchTo(result_ctx);
	*min_value = serialise(values[min_row], type);
	*max_value = serialise(values[max_row], type);
	if (*min_value == NULL || *max_value == NULL)
		*min_value = *max_value = NULL;
	MemoryContextSwitchTo(old);
}

/*
 * Rebuilds a Datum from its serialised form, allocating by-reference
 * values in CurrentMemoryContext.
 */
Datum
MinMaxDeserialize(const bytea *serialised, const ChunkColumnType *type)
{
	const char *data = VARDATA_ANY(serialised);
	Size		len = VARSIZE_ANY_EXHDR(serialised);

	if (type->typbyval)
	{
		union
		{
			int8		i1;
			int16		i2;
			int32		i4;
			int64		i8;
		}			v;

		memset(&v, 0, sizeof(v));
		memcpy(&v, data, Min(len, sizeof(v)));
		switch (type->typlen)
		{
			case 1:
				return CharGetDatum(v.i1);
			case 2:
				return Int16GetDatum(v.i2);
			case 4:
				return Int32GetDatum(v.i4);
			default:
				return Int64GetDatum(v.i8);
		}
	}
	if (type->typlen > 0)
	{
		char	   *copy = palloc(type->typlen);

		memcpy(copy, data, Min(len, (Size) type->typlen));
		return PointerGetDatum(copy);
	}
	if (type->typlen == -1)
	{
		struct varlena *v = palloc(VARHDRSZ + len);

		SET_VARSIZE(v, VARHDRSZ + len);
		memcpy(VARDATA(v), data, len);
		return PointerGetDatum(v);
	}
	{
		char	   *s = palloc(len + 1);

		memcpy(s, data, len);
		s[len] = '\0';
		return CStringGetDatum(s);
	}
}
