/*-------------------------------------------------------------------------
 *
 * metapage.h
 *	  Block 0 of every olap table: format identification, storage id and
 *	  the row-number and stripe-number counters.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_METAPAGE_H
#define OLAP_METAPAGE_H

#include "utils/rel.h"

#define OLAP_METAPAGE_MAGIC 0x4F4C4150	/* "OLAP" */
#define OLAP_FORMAT_VERSION 1
#define OLAP_METAPAGE_BLOCK 0

/* First row number handed out in a new table; 0 is never used. */
#define OLAP_FIRST_ROW_NUMBER 1

typedef struct OlapMetapageData
{
	uint32		magic;
	uint32		format_version;
	uint64		storage_id;		/* key of the table's rows in olap.stripe etc */
	uint64		next_row_number;	/* first row number not yet reserved */
	uint64		next_stripe_num;	/* first stripe number not yet reserved */
} OlapMetapageData;

/* Reads the metapage; returns false if the relation has no blocks yet. */
extern bool MetapageRead(Relation rel, OlapMetapageData *meta);

/* The table's storage id, or 0 when nothing was ever written to it. */
extern uint64 MetapageStorageId(Relation rel);
extern uint64 MetapageStorageIdLenient(Relation rel);

/*
 * Reserves row_count consecutive row numbers and, if want_stripe, one stripe
 * number, creating the metapage (and so the storage id) first when the
 * relation is still empty.  Returns the first reserved row number.
 */
extern uint64 MetapageReserve(Relation rel, uint64 row_count,
							  bool want_stripe, uint64 *stripe_num,
							  uint64 *storage_id);

#endif							/* OLAP_METAPAGE_H */
