/*-------------------------------------------------------------------------
 *
 * rollup_storage.c
 *	  Helpers in C for rollups: reading an olap source's storage for
 *	  invalidation, and the rollup table -> source dependency.
 *
 * Rollups over olap tables are not invalidated by row triggers: a refresh
 * compares the source's chunk groups and row masks (olap.chunk_group,
 * olap.row_mask) with those it saw last time (olap.rollup_seen_group, see
 * src/rollup/README) in SQL.  This file supplies the two reads SQL cannot
 * do by itself:
 *
 *	- olap.rollup_minmax_text(value, type): a chunk's serialised min or max
 *	  (olap.chunk.min_value / max_value) as text of the column's type;
 *	- olap.rollup_group_values(source, attnum, first_rows, type): the
 *	  stored values of one column in the chunk groups starting at the given
 *	  row numbers, deleted rows included, read under the active snapshot,
 *	  so the refresh can log exactly the buckets those groups touch.
 *
 * and one catalog write SQL cannot do either: olap.rollup_depend, the
 * pg_depend entry from a rollup table to its source.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "rollup/rollup.h"
#include "storage/am_handler.h"
#include "storage/minmax.h"
#include "storage/stripe_reader.h"

PG_FUNCTION_INFO_V1(olap_rollup_minmax_text);
PG_FUNCTION_INFO_V1(olap_rollup_group_values);
PG_FUNCTION_INFO_V1(olap_rollup_depend);

/* Which chunk groups olap.rollup_group_values reads. */
typedef struct GroupSelection
{
	int64	   *first_rows;		/* sorted */
	int			nfirst_rows;
	AttrNumber	attnum;
	bool		null_seen;		/* a selected group has NULLs that are not
								 * dead rows */
} GroupSelection;

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * ChunkGroupFilter of olap.rollup_group_values: keeps the groups whose first
 * row number was asked for, and notes whether they hold real NULLs in the
 * column (more NULLs than rows compaction stored as dead).  A group written
 * before the column was added has no chunk for it; its rows read as the
 * column's missing value, never NULL unless that is NULL, so it counts as
 * holding NULLs then (conservative).
 */
static bool
group_selected(void *arg, const StripeMeta *stripe, const ChunkGroupMeta *group)
{
	GroupSelection *sel = (GroupSelection *) arg;
	int64		key = (int64) group->first_row_number;

	if (bsearch(&key, sel->first_rows, sel->nfirst_rows, sizeof(int64),
				int64_cmp) == NULL)
		return false;
	if (sel->attnum > stripe->column_count ||
		!group->chunks[sel->attnum - 1].present ||
		group->chunks[sel->attnum - 1].null_count > group->dead_rows)
		sel->null_seen = true;
	return true;
}

/*
 * olap.rollup_minmax_text(value bytea, typ regtype): a serialised chunk
 * minimum or maximum of a column of type typ, as text (NULL for NULL).
 */
Datum
olap_rollup_minmax_text(PG_FUNCTION_ARGS)
{
	bytea	   *value = PG_GETARG_BYTEA_PP(0);
	Oid			typid = PG_GETARG_OID(1);
	ChunkColumnType type;
	Oid			output;
	bool		varlena;

	get_typlenbyvalalign(typid, &type.typlen, &type.typbyval, &type.typalign);
	getTypeOutputInfo(typid, &output, &varlena);
	PG_RETURN_TEXT_P(cstring_to_text(OidOutputFunctionCall(output,
														   MinMaxDeserialize(value, &type))));
}

/*
 * olap.rollup_group_values(source regclass, attnum int2, first_rows int8[],
 * typ anyelement) RETURNS SETOF anyelement: the non-NULL values of column
 * attnum stored in the chunk groups of source that start at first_rows and
 * are visible to the active snapshot, deleted rows included, and one NULL
 * when any of those groups holds real NULLs in the column.  typ only fixes
 * the result type; it must be the column's type.
 */
Datum
olap_rollup_group_values(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid = PG_GETARG_OID(0);
	AttrNumber	attnum = PG_GETARG_INT16(1);
	ArrayType  *first_rows = PG_GETARG_ARRAYTYPE_P(2);
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 3);
	Relation	rel;
	GroupSelection sel;
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems;
	int			i;
	bool	   *needed;
	StripeReader *reader;
	StripeReaderGroup group;
	const Datum **col_values;
	const bool **col_nulls;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	rel = table_open(relid, AccessShareLock);
	if (!IsOlapRelation(rel) || attnum < 1 ||
		attnum > RelationGetNumberOfAttributes(rel) ||
		TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid != typid)
		elog(ERROR, "rollup_group_values: column %d of \"%s\" is not an olap column of type %u",
			 attnum, RelationGetRelationName(rel), typid);

	deconstruct_array(first_rows, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &elem_nulls, &nelems);
	sel.first_rows = palloc(sizeof(int64) * Max(nelems, 1));
	sel.nfirst_rows = 0;
	for (i = 0; i < nelems; i++)
		if (!elem_nulls[i])
			sel.first_rows[sel.nfirst_rows++] = DatumGetInt64(elems[i]);
	qsort(sel.first_rows, sel.nfirst_rows, sizeof(int64), int64_cmp);
	sel.attnum = attnum;
	sel.null_seen = false;

	needed = palloc0(sizeof(bool) * RelationGetNumberOfAttributes(rel));
	needed[attnum - 1] = true;
	col_values = palloc0(sizeof(Datum *) * RelationGetNumberOfAttributes(rel));
	col_nulls = palloc0(sizeof(bool *) * RelationGetNumberOfAttributes(rel));

	reader = StripeReaderBegin(rel, GetActiveSnapshot(), NULL);
	StripeReaderSetColumns(reader, needed);
	StripeReaderSetFilter(reader, group_selected, &sel);
	while (sel.nfirst_rows > 0 && StripeReaderNextGroup(reader, &group))
	{
		const Datum *values;
		const bool *nulls;
		uint32		row;

		CHECK_FOR_INTERRUPTS();
		StripeReaderLoadColumns(reader, needed, col_values, col_nulls);
		values = col_values[attnum - 1];
		nulls = col_nulls[attnum - 1];
		for (row = 0; row < group.row_count; row++)
		{
			Datum		value = values[row];
			bool		is_null = false;

			if (nulls[row])
				continue;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 &value, &is_null);
		}
	}
	if (sel.null_seen)
	{
		Datum		null_value = (Datum) 0;
		bool		is_null = true;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 &null_value, &is_null);
	}
	StripeReaderEnd(reader);
	table_close(rel, AccessShareLock);
	return (Datum) 0;
}

/*
 * olap.rollup_depend(rollup_table regclass, source regclass): records that
 * the rollup table depends on its source table, so DROP TABLE of the source
 * is refused unless CASCADE, which drops the rollup table too.  The caller
 * (olap.rollup_add_dependency) checks that it is not recorded yet.  False
 * when either table does not exist.
 */
Datum
olap_rollup_depend(PG_FUNCTION_ARGS)
{
	ObjectAddress depender;
	ObjectAddress referenced;

	ObjectAddressSet(depender, RelationRelationId, PG_GETARG_OID(0));
	ObjectAddressSet(referenced, RelationRelationId, PG_GETARG_OID(1));
	if (get_rel_relkind(depender.objectId) == '\0' ||
		get_rel_relkind(referenced.objectId) == '\0')
		PG_RETURN_BOOL(false);
	recordDependencyOn(&depender, &referenced, DEPENDENCY_NORMAL);
	PG_RETURN_BOOL(true);
}
