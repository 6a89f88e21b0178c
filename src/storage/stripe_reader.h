/*-------------------------------------------------------------------------
 *
 * stripe_reader.h
 *	  Reading the rows of an olap table visible to a snapshot, stripe by
 *	  stripe and chunk group by chunk group.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_STRIPE_READER_H
#define OLAP_STRIPE_READER_H

#include "port/atomics.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
#include "utils/snapshot.h"

#include "storage/chunk_format.h"
#include "storage/row_mask.h"
#include "storage/stripe_catalog.h"

typedef struct StripeReader StripeReader;

/*
 * Decides from a chunk group's metadata (chunk min/max, null counts)
 * whether the group can hold rows the caller wants; false skips it unread.
 */
typedef bool (*ChunkGroupFilter) (void *arg, const StripeMeta *stripe,
								  const ChunkGroupMeta *group);

/* What a reader did, for EXPLAIN ANALYZE. */
typedef struct StripeReaderStats
{
	uint64		chunk_groups_read;
	uint64		chunk_groups_skipped;
	uint64		bytes_read;			/* stored (compressed) chunk bytes */
	uint64		bytes_decoded;		/* plain-form bytes of decoded chunks */
} StripeReaderStats;

/* A chunk group handed out by StripeReaderNextGroup. */
typedef struct StripeReaderGroup
{
	uint32		row_count;
	uint64		first_row_number;
	const RowMask *mask;		/* deleted rows, NULL when none */
} StripeReaderGroup;

/*
 * shared_next_group, when not NULL, is a counter in shared memory through
 * which the processes of a parallel scan claim runs of chunk groups;
 * set it to zero before the scan starts.
 */
extern StripeReader *StripeReaderBegin(Relation rel, Snapshot snapshot,
									   pg_atomic_uint64 *shared_next_group);
extern bool StripeReaderNext(StripeReader *reader, TupleDesc desc,
							 Datum *values, bool *nulls, uint64 *row_number);
extern bool StripeReaderNextGroup(StripeReader *reader,
								  StripeReaderGroup *group);
extern void StripeReaderLoadColumns(StripeReader *reader, const bool *columns,
									const Datum **values, const bool **nulls);
extern int	StripeReaderColumnEncoding(StripeReader *reader, AttrNumber attnum);
extern void StripeReaderKeepCodes(StripeReader *reader);
extern const ChunkCodes *StripeReaderColumnCodes(StripeReader *reader,
												 AttrNumber attnum);
extern void StripeReaderSetScaledOnly(StripeReader *reader, const bool *columns);
extern const ChunkScaled *StripeReaderColumnScaled(StripeReader *reader,
												   AttrNumber attnum);
extern void StripeReaderRescan(StripeReader *reader);
extern void StripeReaderEnd(StripeReader *reader);
extern uint64 StripeReaderTotalRows(StripeReader *reader);
extern bool StripeReaderSeekOrdinal(StripeReader *reader, uint64 ordinal);
extern bool StripeReaderRowDeleted(StripeReader *reader);
extern void StripeReaderSetColumns(StripeReader *reader, const bool *needed);
extern void StripeReaderSetFilter(StripeReader *reader, ChunkGroupFilter filter,
								  void *arg);
extern const StripeReaderStats *StripeReaderGetStats(StripeReader *reader);
extern void StripeReaderIncludeDeleted(StripeReader *reader);
extern bool StripeReaderLastDeleted(StripeReader *reader);

extern StripeReader *StripeReaderBeginFetch(Relation rel);
extern void StripeReaderSetRelation(StripeReader *reader, Relation rel);
extern bool StripeReaderHoldsRow(StripeReader *reader, uint64 row_number);
extern bool StripeReaderFetch(StripeReader *reader, uint64 row_number,
							  Snapshot snapshot, bool check_deleted,
							  TupleDesc desc, Datum *values, bool *nulls);
extern bool StripeReaderFetchRow(Relation rel, Snapshot snapshot,
								 uint64 row_number, bool check_deleted,
								 TupleDesc desc, Datum *values, bool *nulls);

#endif							/* OLAP_STRIPE_READER_H */
