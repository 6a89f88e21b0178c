/*-------------------------------------------------------------------------
 *
 * row_number.h
 *	  The mapping between an olap row number and its ItemPointer.
 *
 * Every row of an olap table has a row number, unique within the table's
 * storage and never reused.  Its TID spreads the number over blocks of
 * OLAP_ROWS_PER_TID_BLOCK offsets so that offsets stay within what heap-
 * oriented code (TID bitmaps) accepts.  The "block" of such a TID has
 * nothing to do with a physical page.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_ROW_NUMBER_H
#define OLAP_ROW_NUMBER_H

#include "access/htup_details.h"
#include "storage/itemptr.h"

#define OLAP_ROWS_PER_TID_BLOCK ((uint64) MaxHeapTuplesPerPage)
#define OLAP_MAX_ROW_NUMBER \
	((uint64) (MaxBlockNumber) * OLAP_ROWS_PER_TID_BLOCK - 1)

static inline ItemPointerData
RowNumberToTid(uint64 row_number)
{
	ItemPointerData tid;

	ItemPointerSet(&tid, (BlockNumber) (row_number / OLAP_ROWS_PER_TID_BLOCK),
				   (OffsetNumber) (row_number % OLAP_ROWS_PER_TID_BLOCK + 1));
	return tid;
}

static inline uint64
TidToRowNumber(ItemPointer tid)
{
	return (uint64) ItemPointerGetBlockNumber(tid) * OLAP_ROWS_PER_TID_BLOCK +
		(ItemPointerGetOffsetNumber(tid) - 1);
}

#endif							/* OLAP_ROW_NUMBER_H */
