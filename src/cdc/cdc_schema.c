/*-------------------------------------------------------------------------
 *
 * cdc_schema.c
 *	  Schema drift of a sync: the source's ALTER TABLEs carried over to the
 *	  target, and the map from a decoded tuple's columns to the target's.
 *
 * A sync remembers the names of the source's columns by attribute number
 * as of the last applied batch (olap.sync.source_columns, CdcColumns;
 * NULL for a dropped column).  Attribute numbers are never reused and
 * survive renames and type changes, so comparing a decoded descriptor
 * with that list tells what happened to each column:
 *
 *   dropped in the source (attisdropped)  -> DROP COLUMN on the target
 *   another name                          -> RENAME COLUMN on the target
 *   a new attribute number                -> ADD COLUMN (same type; the
 *                                            value of existing rows, if
 *                                            the source has one, too)
 *   another type                          -> see below
 *
 * Type changes are judged against the target column's type: when the
 * source's new type holds every value of the target's losslessly (a
 * widening, see widens()), the target column is changed to it; when the
 * target's type holds every value of the source's (the user widened the
 * target, or the source was narrowed to values the target takes), nothing
 * is done and values are converted; otherwise the sync stops in state
 * 'error' before the first source transaction of the new type, with nothing
 * lost: once the user changed the target column, olap.resume_sync goes on.
 *
 * The DDL is done in a local transaction of its own before the rows of a
 * batch are applied (an olap table rewritten by ALTER TABLE must not be
 * updated in the same transaction), for every descriptor of the batch in
 * order; the same transaction records the list and the end of the last
 * source transaction whose descriptor was followed (source_columns_upto),
 * so that after a crash the batch, decoded again, does not take its older
 * descriptors for changes to follow (a rename back, a column re-added); the rows of the batch are then
 * mapped by attribute number through the (final) list of names, so rows
 * decoded with an older descriptor still land in the right (renamed)
 * target column, and values of a column whose type changed since are
 * converted through the types' text I/O.  A row inserted with a descriptor
 * older than an ADD COLUMN ... DEFAULT gets the default in the source (the
 * column's missing value, remembered as text in olap.sync.source_missing
 * since the target's may be gone after a rewrite); such rows get it in
 * the target too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tupdesc.h"
#include "access/tupdesc_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "cdc/cdc.h"

/* Position of the live column named name in desc, or -1. */
static int
column_by_name(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return i;
	}
	return -1;
}

/*
 * Whether every value of type (from, frommod) converts to (to, tomod)
 * losslessly and back to the same text: the widenings a sync applies on
 * its own.
 */
static bool
widens(Oid from, int32 frommod, Oid to, int32 tomod)
{
	if (from == to)
	{
		if (tomod == frommod || tomod < 0)
			return from == VARCHAROID || from == NUMERICOID ||
				from == VARBITOID || tomod == frommod;
		if (frommod < 0)
			return false;
		if (from == VARCHAROID || from == VARBITOID)
			return tomod >= frommod;
		if (from == NUMERICOID)
		{
			int			fp = ((frommod - VARHDRSZ) >> 16) & 0xffff;
			int			fs = (frommod - VARHDRSZ) & 0x7ff;
			int			tp = ((tomod - VARHDRSZ) >> 16) & 0xffff;
			int			ts = (tomod - VARHDRSZ) & 0x7ff;

			return ts == fs && tp >= fp;
		}
		return false;
	}
	switch (from)
	{
		case INT2OID:
			return to == INT4OID || to == INT8OID || to == NUMERICOID;
		case INT4OID:
			return to == INT8OID || to == NUMERICOID;
		case INT8OID:
			return to == NUMERICOID;
		case FLOAT4OID:
			return to == FLOAT8OID;
		case VARCHAROID:
			return to == TEXTOID;
		case TEXTOID:
			return to == VARCHAROID && tomod < 0;
		default:
			return false;
	}
}

static char *
type_name(Form_pg_attribute att)
{
	return format_type_with_typemod(att->atttypid, att->atttypmod);
}

static void
alter_target(const char *target, const char *fmt,...) pg_attribute_printf(2, 3);

/*
 * Runs ALTER TABLE target <fmt> (target: a qualified, quoted name).  The
 * caller must not hold the target open: ALTER TABLE refuses a table in use.
 */
static void
alter_target(const char *target, const char *fmt,...)
{
	StringInfoData sql;
	va_list		args;

	initStringInfo(&sql);
	appendStringInfo(&sql, "ALTER TABLE %s ", target);
	for (;;)
	{
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&sql, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&sql, needed);
	}
	ereport(LOG,
			(errmsg("olap sync changes its target: %s", sql.data)));
	SPI_connect();
	if (SPI_execute(sql.data, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not change the sync target: %s", sql.data);
	SPI_finish();
	CommandCounterIncrement();
}

/* Sets the name of attribute number attnum in columns (NULL: dropped). */
static void
set_column_name(CdcColumns *columns, int attnum, const char *name)
{
	if (attnum > columns->ncolumns)
	{
		char	  **names = MemoryContextAllocZero(TopMemoryContext,
												   sizeof(char *) * attnum);
		char	  **missing = MemoryContextAllocZero(TopMemoryContext,
													 sizeof(char *) * attnum);

		if (columns->ncolumns > 0)
		{
			memcpy(names, columns->names, sizeof(char *) * columns->ncolumns);
			memcpy(missing, columns->missing, sizeof(char *) * columns->ncolumns);
		}
		columns->names = names;
		columns->missing = missing;
		columns->ncolumns = attnum;
	}
	columns->names[attnum - 1] = name ? MemoryContextStrdup(TopMemoryContext, name) : NULL;
	if (name == NULL)
		columns->missing[attnum - 1] = NULL;
}

/*
 * The value (as text) that rows written before column att was added to
 * source descriptor desc have for it (attmissingval), or NULL.
 */
static char *
missing_text(TupleDesc desc, Form_pg_attribute att)
{
	int			i = att->attnum - 1;
	Oid			out;
	bool		varlena;

	if (!desc->constr || !desc->constr->missing ||
		!desc->constr->missing[i].am_present)
		return NULL;
	getTypeOutputInfo(att->atttypid, &out, &varlena);
	return OidOutputFunctionCall(out, desc->constr->missing[i].am_value);
}

/* Records the missing value of att (see missing_text) in columns. */
static void
set_column_missing(CdcColumns *columns, TupleDesc desc, Form_pg_attribute att)
{
	char	   *value = missing_text(desc, att);

	columns->missing[att->attnum - 1] = value ?
		MemoryContextStrdup(TopMemoryContext, value) : NULL;
}

/* A copy of the target's current descriptor. */
static TupleDesc
target_descriptor(Oid relid)
{
	Relation	rel = table_open(relid, RowExclusiveLock);
	TupleDesc	desc = CreateTupleDescCopy(RelationGetDescr(rel));

	table_close(rel, NoLock);
	return desc;
}

/*
 * Adds column att of source descriptor desc to the target, with the value
 * existing source rows have for it (attmissingval) if any.
 */
static void
add_column(const char *target, TupleDesc desc, Form_pg_attribute att)
{
	const char *col = quote_identifier(NameStr(att->attname));
	char	   *value = missing_text(desc, att);

	if (value != NULL)
	{
		alter_target(target, "ADD COLUMN %s %s DEFAULT %s::%s",
					 col, type_name(att), quote_literal_cstr(value), type_name(att));
		alter_target(target, "ALTER COLUMN %s DROP DEFAULT", col);
	}
	else
		alter_target(target, "ADD COLUMN %s %s", col, type_name(att));
}

/*
 * Compares source descriptor desc with the remembered columns and the
 * target.  With apply unset, only returns whether the target can take
 * desc's rows without a type change it cannot do on its own (nothing is
 * changed).  With apply set, makes the target follow (see the file
 * header), raising the error of a type change it cannot follow.
 */
static bool
follow_descriptor(TupleDesc desc, Oid target_relid, CdcColumns *columns,
				  bool apply)
{
	Relation	rel = table_open(target_relid, RowExclusiveLock);
	char	   *target = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
													RelationGetRelationName(rel));
	char	   *relname = pstrdup(RelationGetRelationName(rel));

	table_close(rel, NoLock);

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute satt = TupleDescAttr(desc, i);
		int			attnum = i + 1;
		const char *known = attnum <= columns->ncolumns ?
		columns->names[attnum - 1] : NULL;
		TupleDesc	tdesc = target_descriptor(target_relid);
		Form_pg_attribute tatt;
		int			t;

		if (satt->attisdropped)
		{
			/* dropped in the source: drop it from the target too */
			if (known == NULL)
				continue;
			if (apply)
			{
				if (column_by_name(tdesc, known) >= 0)
					alter_target(target, "DROP COLUMN %s", quote_identifier(known));
				set_column_name(columns, attnum, NULL);
			}
			continue;
		}

		/* renamed in the source */
		if (known != NULL && strcmp(known, NameStr(satt->attname)) != 0)
		{
			if (!apply)
				continue;
			if (column_by_name(tdesc, known) >= 0 &&
				column_by_name(tdesc, NameStr(satt->attname)) < 0)
				alter_target(target, "RENAME COLUMN %s TO %s",
							 quote_identifier(known),
							 quote_identifier(NameStr(satt->attname)));
			set_column_name(columns, attnum, NameStr(satt->attname));
			tdesc = target_descriptor(target_relid);
		}

		t = column_by_name(tdesc, NameStr(satt->attname));
		if (t < 0)
		{
			/* new in the source (or missing from the target) */
			if (apply)
			{
				add_column(target, desc, satt);
				set_column_name(columns, attnum, NameStr(satt->attname));
				set_column_missing(columns, desc, satt);
			}
			continue;
		}
		if (apply && known == NULL)
		{
			set_column_name(columns, attnum, NameStr(satt->attname));
			set_column_missing(columns, desc, satt);
		}

		tatt = TupleDescAttr(tdesc, t);
		if ((tatt->atttypid == satt->atttypid && tatt->atttypmod == satt->atttypmod) ||
			widens(satt->atttypid, satt->atttypmod, tatt->atttypid, tatt->atttypmod))
			continue;
		if (widens(tatt->atttypid, tatt->atttypmod, satt->atttypid, satt->atttypmod))
		{
			if (apply)
				alter_target(target, "ALTER COLUMN %s TYPE %s",
							 quote_identifier(NameStr(satt->attname)), type_name(satt));
			continue;
		}
		if (!apply)
			return false;
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of the sync source has type %s, but the target \"%s\" has type %s",
						NameStr(satt->attname), type_name(satt),
						relname, type_name(tatt)),
				 errdetail("The sync stopped before applying the first change made with the new type; no change is lost."),
				 errhint("Change the target column to the new type, then call olap.resume_sync().")));
	}
	return true;
}

/*
 * Whether a and b have the same columns (names, types, dropped ones) in
 * the same places; constraints and defaults do not matter here.
 */
bool
CdcSameColumns(TupleDesc a, TupleDesc b)
{
	if (a->natts != b->natts)
		return false;
	for (int i = 0; i < a->natts; i++)
	{
		Form_pg_attribute aa = TupleDescAttr(a, i);
		Form_pg_attribute ba = TupleDescAttr(b, i);

		if (aa->attisdropped != ba->attisdropped ||
			aa->atttypid != ba->atttypid ||
			aa->atttypmod != ba->atttypmod ||
			strcmp(NameStr(aa->attname), NameStr(ba->attname)) != 0)
			return false;
	}
	return true;
}

/*
 * Whether the batch has a descriptor that CdcSchemaFollow has not followed
 * yet in this process (the caller can skip its transaction otherwise).
 */
bool
CdcSchemaChanged(CdcBatch *batch, CdcColumns *columns)
{
	ListCell   *lc;
	TupleDesc	seen = NULL;

	foreach(lc, batch->changes)
	{
		CdcChange  *c = lfirst(lc);

		if (c->desc == NULL || c->desc == seen ||
			c->txn_end_lsn <= columns->followed_upto)
			continue;
		seen = c->desc;
		if (columns->followed == NULL ||
			!CdcSameColumns(columns->followed, c->desc))
			return true;
	}
	return false;
}

/*
 * Makes the target follow the source descriptors of the batch's changes
 * (see the file header) and returns how many changes can be applied now:
 * all of them, or the source transactions before the first one whose
 * column types the target cannot take (the caller commits those, then
 * comes back here and gets the error).
 */
int
CdcSchemaFollow(CdcBatch *batch, Oid target_relid, CdcColumns *columns)
{
	TupleDesc	seen = NULL;
	int			n = list_length(batch->changes);
	MemoryContext old;

	for (int i = 0; i < n; i++)
	{
		CdcChange  *c = list_nth(batch->changes, i);
		int			k = i;

		if (c->desc == NULL || c->desc == seen ||
			c->txn_end_lsn <= columns->followed_upto)
			continue;
		seen = c->desc;
		if (!follow_descriptor(c->desc, target_relid, columns, false))
		{
			/* back up to the start of the change's source transaction */
			while (k > 0 &&
				   ((CdcChange *) list_nth(batch->changes, k - 1))->txn_end_lsn ==
				   c->txn_end_lsn)
				k--;
			if (k > 0)
				return k;
		}
		(void) follow_descriptor(c->desc, target_relid, columns, true);
		columns->followed_upto = c->txn_end_lsn;
		if (columns->followed)
			FreeTupleDesc(columns->followed);
		old = MemoryContextSwitchTo(TopMemoryContext);
		columns->followed = CreateTupleDescCopy(c->desc);
		MemoryContextSwitchTo(old);
	}
	return n;
}

/*
 * Maps the target's columns to those of source descriptor desc, by
 * attribute number through columns, and sets up the conversion of the
 * values whose type differs from the target column's.  Allocates in the
 * current memory context.
 */
void
CdcColumnMapBuild(CdcColumnMap *map, TupleDesc desc, TupleDesc target,
				  CdcColumns *columns)
{
	int			natts = Max(target->natts, 1);

	map->desc = desc;
	map->source = palloc(sizeof(int) * natts);
	map->convert = palloc0(sizeof(bool) * natts);
	map->added = palloc0(sizeof(bool) * natts);
	map->missing = palloc0(sizeof(char *) * natts);
	map->out = palloc0(sizeof(FmgrInfo) * natts);
	map->in = palloc0(sizeof(FmgrInfo) * natts);
	map->ioparam = palloc0(sizeof(Oid) * natts);
	for (int t = 0; t < target->natts; t++)
		map->source[t] = -1;
	for (int s = desc->natts; s < columns->ncolumns; s++)
	{
		int			t;

		Oid			func;

		if (columns->names[s] == NULL || columns->missing[s] == NULL ||
			(t = column_by_name(target, columns->names[s])) < 0)
			continue;
		map->added[t] = true;
		map->missing[t] = columns->missing[s];
		getTypeInputInfo(TupleDescAttr(target, t)->atttypid, &func,
						 &map->ioparam[t]);
		fmgr_info(func, &map->in[t]);
	}
	for (int s = 0; s < desc->natts; s++)
	{
		Form_pg_attribute satt = TupleDescAttr(desc, s);
		const char *name = s < columns->ncolumns ? columns->names[s] : NULL;
		int			t;
		Form_pg_attribute tatt;
		Oid			func;
		bool		varlena;

		if (satt->attisdropped || name == NULL)
			continue;
		t = column_by_name(target, name);
		if (t < 0)
			continue;
		map->source[t] = s;
		tatt = TupleDescAttr(target, t);
		if (tatt->atttypid == satt->atttypid && tatt->atttypmod == satt->atttypmod)
			continue;
		map->convert[t] = true;
		getTypeOutputInfo(satt->atttypid, &func, &varlena);
		fmgr_info(func, &map->out[t]);
		getTypeInputInfo(tatt->atttypid, &func, &map->ioparam[t]);
		fmgr_info(func, &map->in[t]);
	}
}

/* Value of source column s for target column t of map (t is mapped). */
Datum
CdcColumnMapValue(CdcColumnMap *map, TupleDesc target, int t, Datum value)
{
	char	   *text;

	if (!map->convert[t])
		return value;
	text = OutputFunctionCall(&map->out[t], value);
	return InputFunctionCall(&map->in[t], text, map->ioparam[t],
							 TupleDescAttr(target, t)->atttypmod);
}
