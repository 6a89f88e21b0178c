/*-------------------------------------------------------------------------
 *
 * data_pages.h
 *	  Writing a byte string to new contiguous pages of an olap table and
 *	  reading byte ranges back.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_DATA_PAGES_H
#define OLAP_DATA_PAGES_H

#include "storage/bufmgr.h"
#include "utils/rel.h"

/* Payload bytes per data page: everything after the page header. */
#define OLAP_PAGE_PAYLOAD (BLCKSZ - SizeOfPageHeaderData)

extern BlockNumber DataPagesWrite(Relation rel, const char *data, uint64 len);
extern void DataPagesWriteAt(Relation rel, BlockNumber first_block,
							 const char *data, uint64 len);
extern void DataPagesRead(Relation rel, BlockNumber first_block,
						  uint64 offset, char *dst, uint64 len,
						  BufferAccessStrategy strategy);
extern BlockNumber DataPagesNeeded(uint64 len);

#endif							/* OLAP_DATA_PAGES_H */
