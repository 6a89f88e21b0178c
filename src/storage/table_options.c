/*-------------------------------------------------------------------------
 *
 * table_options.c
 *	  Per-table storage options: olap.alter_table_set/reset and the lookup
 *	  of the options in force for a table.
 *
 * Options live in olap.options, one row per table, NULL meaning "use the
 * olap.* setting".  The table is an extension configuration table, so
 * pg_dump carries the options along.  A writer reads the options once,
 * when it starts buffering rows for a table in a transaction; a change
 * therefore applies to stripes written by later transactions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "guc.h"
#include "storage/am_handler.h"
#include "storage/table_options.h"

#define Natts_options 5
#define Anum_options_relation 1
#define Anum_options_compression 2
#define Anum_options_compression_level 3
#define Anum_options_stripe_row_limit 4
#define Anum_options_chunk_group_row_limit 5

PG_FUNCTION_INFO_V1(olap_alter_table_set);
PG_FUNCTION_INFO_V1(olap_alter_table_reset);

static Oid
options_relid(void)
{
	Oid			nsp = get_namespace_oid("olap", true);

	return OidIsValid(nsp) ? get_relname_relid("options", nsp) : InvalidOid;
}

void
TableOptionsGet(Oid relid, OlapTableOptions *options)
{
	Oid			catalog = options_relid();
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	options->compression = olap_compression;
	options->compression_level = olap_compression_level;
	options->stripe_row_limit = olap_stripe_row_limit;
	options->chunk_group_row_limit = olap_chunk_group_row_limit;

	if (!OidIsValid(catalog))
		return;

	rel = table_open(catalog, AccessShareLock);
	ScanKeyInit(&key, Anum_options_relation, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, get_relname_relid("options_pkey", RelationGetNamespace(rel)),
							  true, NULL, 1, &key);
	if ((tup = systable_getnext(scan)) != NULL)
	{
		Datum		values[Natts_options];
		bool		nulls[Natts_options];

		heap_deform_tuple(tup, RelationGetDescr(rel), values, nulls);
		if (!nulls[Anum_options_compression - 1])
		{
			char	   *name = TextDatumGetCString(values[Anum_options_compression - 1]);

			/* validated when set; an unknown name keeps the default */
			(void) OlapCompressionFromName(name, &options->compression);
		}
		if (!nulls[Anum_options_compression_level - 1])
			options->compression_level = DatumGetInt32(values[Anum_options_compression_level - 1]);
		if (!nulls[Anum_options_stripe_row_limit - 1])
			options->stripe_row_limit = DatumGetInt32(values[Anum_options_stripe_row_limit - 1]);
		if (!nulls[Anum_options_chunk_group_row_limit - 1])
			options->chunk_group_row_limit = DatumGetInt32(values[Anum_options_chunk_group_row_limit - 1]);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* Deletes the options row of a dropped table, if the catalog still exists. */
void
TableOptionsDelete(Oid relid)
{
	Oid			catalog = options_relid();
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(catalog))
		return;
	rel = table_open(catalog, RowExclusiveLock);
	ScanKeyInit(&key, Anum_options_relation, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, get_relname_relid("options_pkey", RelationGetNamespace(rel)),
							  true, NULL, 1, &key);
	while ((tup = systable_getnext(scan)) != NULL)
		simple_heap_delete(rel, &tup->t_self);
	systable_endscan(scan);
	table_close(rel, RowExclusiveLock);
}

/* Errors unless relid is an olap table the current user owns. */
static void
check_olap_table(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class form;
	bool		is_olap;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	form = (Form_pg_class) GETSTRUCT(tup);
	is_olap = form->relkind == RELKIND_RELATION && IsOlapAccessMethod(form->relam);
	ReleaseSysCache(tup);

	if (!is_olap)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("table \"%s\" is not an olap table", get_rel_name(relid)),
				 errhint("Storage options apply to tables created with USING olap.")));
	if (!pg_class_ownercheck(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, get_rel_name(relid));
}

static void
check_int_option(const char *name, int value, int min, int max)
{
	if (value < min || value > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %d is out of range", name, value),
				 errdetail("Valid values are between %d and %d.", min, max)));
}

/*
 * olap.alter_table_set(table, compression, compression_level,
 * stripe_row_limit, chunk_group_row_limit): validates the non-NULL
 * arguments and stores them; NULL arguments leave the option unchanged.
 */
Datum
olap_alter_table_set(PG_FUNCTION_ARGS)
{
	Oid			relid;
	Datum		args[Natts_options];
	char		argnulls[Natts_options];
	Oid			argtypes[Natts_options] = {REGCLASSOID, TEXTOID, INT4OID, INT4OID, INT4OID};
	int			i;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table_name must not be NULL")));
	relid = PG_GETARG_OID(0);
	check_olap_table(relid);

	if (!PG_ARGISNULL(1))
	{
		char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
		OlapCompression method;

		if (!OlapCompressionFromName(name, &method))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown compression method \"%s\"", name),
					 errhint("Valid methods are \"none\", \"zstd\" and \"lz4\".")));
	}
	if (!PG_ARGISNULL(2))
		check_int_option("compression_level", PG_GETARG_INT32(2),
						 OLAP_COMPRESSION_LEVEL_MIN, OLAP_COMPRESSION_LEVEL_MAX);
	if (!PG_ARGISNULL(3))
		check_int_option("stripe_row_limit", PG_GETARG_INT32(3),
						 OLAP_MIN_STRIPE_ROWS, OLAP_MAX_STRIPE_ROWS);
	if (!PG_ARGISNULL(4))
		check_int_option("chunk_group_row_limit", PG_GETARG_INT32(4),
						 OLAP_MIN_CHUNK_GROUP_ROWS, OLAP_MAX_CHUNK_GROUP_ROWS);

	for (i = 0; i < Natts_options; i++)
	{
		args[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		argnulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
	}

	SPI_connect();
	if (SPI_execute_with_args("INSERT INTO olap.options AS o "
							  "(relation, compression, compression_level, stripe_row_limit, chunk_group_row_limit) "
							  "VALUES ($1, $2, $3, $4, $5) "
							  "ON CONFLICT (relation) DO UPDATE SET "
							  "compression = coalesce(EXCLUDED.compression, o.compression), "
							  "compression_level = coalesce(EXCLUDED.compression_level, o.compression_level), "
							  "stripe_row_limit = coalesce(EXCLUDED.stripe_row_limit, o.stripe_row_limit), "
							  "chunk_group_row_limit = coalesce(EXCLUDED.chunk_group_row_limit, o.chunk_group_row_limit)",
							  Natts_options, argtypes, args, argnulls,
							  false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not store options of table %u", relid);
	SPI_finish();

	PG_RETURN_VOID();
}

/*
 * olap.alter_table_reset(table, compression, compression_level,
 * stripe_row_limit, chunk_group_row_limit): resets the options whose
 * argument is true to the olap.* settings.
 */
Datum
olap_alter_table_reset(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Datum		args[Natts_options];
	Oid			argtypes[Natts_options] = {REGCLASSOID, BOOLOID, BOOLOID, BOOLOID, BOOLOID};
	int			i;

	check_olap_table(relid);
	for (i = 0; i < Natts_options; i++)
		args[i] = PG_GETARG_DATUM(i);

	SPI_connect();
	if (SPI_execute_with_args("UPDATE olap.options SET "
							  "compression = CASE WHEN $2 THEN NULL ELSE compression END, "
							  "compression_level = CASE WHEN $3 THEN NULL ELSE compression_level END, "
							  "stripe_row_limit = CASE WHEN $4 THEN NULL ELSE stripe_row_limit END, "
							  "chunk_group_row_limit = CASE WHEN $5 THEN NULL ELSE chunk_group_row_limit END "
							  "WHERE relation = $1",
							  Natts_options, argtypes, args, NULL,
							  false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not reset options of table %u", relid);
	SPI_finish();

	PG_RETURN_VOID();
}
