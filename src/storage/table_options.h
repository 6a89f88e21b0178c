/*-------------------------------------------------------------------------
 *
 * table_options.h
 *	  Per-table storage options (olap.options) and their defaults.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_TABLE_OPTIONS_H
#define OLAP_TABLE_OPTIONS_H

#include "storage/compression.h"

typedef struct OlapTableOptions
{
	OlapCompression compression;
	int			compression_level;
	int			stripe_row_limit;
	int			chunk_group_row_limit;
} OlapTableOptions;

/* Options in force for relid: its olap.options row over the olap.* GUCs. */
extern void TableOptionsGet(Oid relid, OlapTableOptions *options);
extern void TableOptionsDelete(Oid relid);

#endif							/* OLAP_TABLE_OPTIONS_H */
