/*-------------------------------------------------------------------------
 *
 * minmax.c
 *	  Computing and serialising the statistics kept per chunk for skipping:
 *	  its minimum and maximum, and the set of its distinct values when it
 *	  has only a few (value sets let "col = v" and "col IN (...)" skip
 *	  chunks whose range contains v but whose values do not).
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

/*
 * Points *data and *len at the bytes that represent value in serialised
 * form (see the file header).  byval_buf holds them for by-value types.
 */
static void
serialised_bytes(Datum value, const ChunkColumnType *type,
				 char *byval_buf, const char **data, Size *len)
{
	if (type->typbyval)
	{
		store_att_byval(byval_buf, value, type->typlen);
		*data = byval_buf;
		*len = type->typlen;
	}
	else if (type->typlen > 0)
	{
		*data = DatumGetPointer(value);
		*len = type->typlen;
	}
	else if (type->typlen == -1)
	{
		*data = VARDATA_ANY(DatumGetPointer(value));
		*len = VARSIZE_ANY_EXHDR(DatumGetPointer(value));
	}
	else
	{
		*data = DatumGetCString(value);
		*len = strlen(*data);
	}
}

/* Serialises one value, or returns NULL if it is too long to keep. */
static bytea *
serialise(Datum value, const ChunkColumnType *type)
{
	const char *data;
	Size		len;
	char		byval_buf[sizeof(Datum)];
	bytea	   *result;

	serialised_bytes(value, type, byval_buf, &data, &len);
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
static Datum
deserialise_bytes(const char *data, Size len, const ChunkColumnType *type)
{

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

/*
 * Rebuilds a Datum from its serialised form, allocating by-reference
 * values in CurrentMemoryContext.
 */
Datum
MinMaxDeserialize(const bytea *serialised, const ChunkColumnType *type)
{
	return deserialise_bytes(VARDATA_ANY(serialised),
							 VARSIZE_ANY_EXHDR(serialised), type);
}

/*
 * Finds the distinct values (by serialised bytes) of a chunk whose encoder
 * did not enumerate them (its dictionary analysis stops early when another
 * encoding wins, e.g. RLE on clustered values); gives up (returns -1) past
 * max values.  A value equal to the previous row's is passed over at once,
 * so clustered chunks cost one comparison per row.
 */
static int
distinct_values(const ChunkColumnType *type, const Datum *values,
				const bool *nulls, uint32 nrows, Datum *found, int max)
{
	int			nfound = 0;
	const char *found_data[OLAP_VALUE_SET_MAX_VALUES];
	Size		found_len[OLAP_VALUE_SET_MAX_VALUES];
	char		found_byval[OLAP_VALUE_SET_MAX_VALUES][sizeof(Datum)];
	const char *prev_data = NULL;
	Size		prev_len = 0;

	Assert(max <= OLAP_VALUE_SET_MAX_VALUES);
	for (uint32 i = 0; i < nrows; i++)
	{
		const char *data;
		Size		len;
		char		byval_buf[sizeof(Datum)];
		int			k;

		if (nulls != NULL && nulls[i])
			continue;
		serialised_bytes(values[i], type, byval_buf, &data, &len);
		if (prev_data != NULL && len == prev_len &&
			memcmp(data, prev_data, len) == 0)
			continue;
		for (k = 0; k < nfound; k++)
		{
			if (found_len[k] == len && memcmp(found_data[k], data, len) == 0)
				break;
		}
		if (k == nfound)
		{
			if (nfound == max)
				return -1;
			found[nfound] = values[i];
			found_len[nfound] = len;
			if (type->typbyval)
			{
				memcpy(found_byval[nfound], data, len);
				data = found_byval[nfound];
			}
			found_data[nfound++] = data;
		}
		prev_data = found_data[k];
		prev_len = found_len[k];
	}
	return nfound;
}

/*
 * Returns the serialised value set of a chunk (allocated in result_ctx):
 * each distinct non-null value as a 2-byte length (native byte order, no
 * alignment) followed by the value's serialised bytes.  distinct/ndistinct
 * are the distinct values when the encoder enumerated them (ndistinct 0
 * otherwise); values/nulls/nrows are all of the chunk's values.  Returns
 * NULL when the type has no ordering, the chunk has no non-null value or
 * more than OLAP_VALUE_SET_MAX_VALUES distinct values, or the set would
 * take more than OLAP_VALUE_SET_MAX_BYTES.  Distinct means distinct bytes:
 * values equal under the type's ordering (1.0 and 1.00, or strings under a
 * nondeterministic collation) may each appear, which only makes the set
 * larger, never wrong.
 */
bytea *
ValueSetCompute(MinMaxSupport *support, const ChunkColumnType *type,
				const Datum *distinct, uint32 ndistinct,
				const Datum *values, const bool *nulls, uint32 nrows,
				MemoryContext result_ctx)
{
	Datum		found[OLAP_VALUE_SET_MAX_VALUES];
	const Datum *set;
	int			nset;
	char		buf[OLAP_VALUE_SET_MAX_BYTES];
	Size		used = 0;
	bytea	   *result;

	if (support->kind == MINMAX_NONE)
		return NULL;
	if (ndistinct > 0)
	{
		if (ndistinct > OLAP_VALUE_SET_MAX_VALUES)
			return NULL;
		set = distinct;
		nset = (int) ndistinct;
	}
	else
	{
		nset = distinct_values(type, values, nulls, nrows, found,
							   OLAP_VALUE_SET_MAX_VALUES);
		set = found;
	}
	if (nset <= 0)
		return NULL;

	for (int k = 0; k < nset; k++)
	{
		const char *data;
		Size		len;
		char		byval_buf[sizeof(Datum)];
		uint16		len16;

		serialised_bytes(set[k], type, byval_buf, &data, &len);
		if (used + sizeof(uint16) + len > OLAP_VALUE_SET_MAX_BYTES)
			return NULL;
		len16 = (uint16) len;
		memcpy(buf + used, &len16, sizeof(uint16));
		memcpy(buf + used + sizeof(uint16), data, len);
		used += sizeof(uint16) + len;
	}
	result = MemoryContextAlloc(result_ctx, VARHDRSZ + used);
	SET_VARSIZE(result, VARHDRSZ + used);
	memcpy(VARDATA(result), buf, used);
	return result;
}

/*
 * Rebuilds the values of a serialised value set into *values (allocated in
 * CurrentMemoryContext, as are by-reference values) and returns how many
 * there are.  A set that does not parse is reported as corrupted data.
 */
int
ValueSetDeserialize(const bytea *set, const ChunkColumnType *type,
					Datum **values)
{
	const char *data = VARDATA_ANY(set);
	Size		len = VARSIZE_ANY_EXHDR(set);
	Size		pos = 0;
	int			n = 0;

	*values = palloc(sizeof(Datum) * OLAP_VALUE_SET_MAX_VALUES);
	while (pos < len)
	{
		uint16		vlen;

		if (n == OLAP_VALUE_SET_MAX_VALUES || len - pos < sizeof(uint16))
			break;
		memcpy(&vlen, data + pos, sizeof(uint16));
		pos += sizeof(uint16);
		if (vlen > len - pos ||
			(type->typlen > 0 && vlen != (uint16) type->typlen))
			break;
		(*values)[n++] = deserialise_bytes(data + pos, vlen, type);
		pos += vlen;
	}
	if (pos != len || n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("olap chunk metadata holds a damaged value set"),
				 errdetail("The value set of %zu bytes does not parse as values of the column's type.",
						   len)));
	return n;
}
