/*-------------------------------------------------------------------------
 *
 * data_pages.c
 *	  The byte-stream layer of olap tables: a chunk group's bytes go to
 *	  freshly extended, contiguous pages, and are read back by offset.
 *
 * Each data page is a standard page (so checksums, the buffer manager and
 * full-page images work as for any relation) whose payload is the region
 * between the page header and pd_lower; pd_upper stays at BLCKSZ, so the
 * unused tail of the last page is the "hole" that full-page images skip.
 *
 * Writers extend the relation while holding the relation extension lock
 * for the whole run of pages, so each chunk group occupies consecutive
 * blocks even with concurrent writers, and is addressed by its first block
 * plus a byte offset.  Every page is WAL-logged as a full-page image
 * (log_newpage_buffer) inside a critical section when the relation needs
 * WAL.  Pages are never modified while metadata visible to any snapshot
 * points at them; they only become reachable when the metadata pointing at
 * them commits, so pages of an aborted load are unreferenced garbage, never
 * wrong data.  VACUUM compaction may write again into pages it freed earlier
 * (DataPagesWriteAt), once no snapshot can see the metadata that used them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xloginsert.h"
#include "miscadmin.h"
#include "storage/bufpage.h"
#include "storage/lmgr.h"

#include "storage/data_pages.h"

BlockNumber
DataPagesNeeded(uint64 len)
{
	return (BlockNumber) ((len + OLAP_PAGE_PAYLOAD - 1) / OLAP_PAGE_PAYLOAD);
}

/*
 * Appends len bytes (len > 0) to rel in new pages and returns the first
 * block.  The metapage must already exist.
 */
/*
 * Fills the locked buffer's page with n bytes of payload and WAL-logs it
 * as a full-page image.
 */
static void
fill_page(Buffer buffer, const char *data, uint64 n, bool needs_wal)
{
	Page		page = BufferGetPage(buffer);

	START_CRIT_SECTION();
	PageInit(page, BLCKSZ, 0);
	memcpy((char *) page + SizeOfPageHeaderData, data, n);
	((PageHeader) page)->pd_lower = SizeOfPageHeaderData + n;
	MarkBufferDirty(buffer);
	if (needs_wal)
		log_newpage_buffer(buffer, true);
	END_CRIT_SECTION();
}

BlockNumber
DataPagesWrite(Relation rel, const char *data, uint64 len)
{
	BlockNumber first_block = InvalidBlockNumber;
	uint64		written = 0;
	bool		needs_wal = RelationNeedsWAL(rel);

	Assert(len > 0);

	LockRelationForExtension(rel, ExclusiveLock);
	while (written < len)
	{
		Buffer		buffer;
		uint64		n = Min(len - written, (uint64) OLAP_PAGE_PAYLOAD);

		CHECK_FOR_INTERRUPTS();

		buffer = ReadBufferExtended(rel, MAIN_FORKNUM, P_NEW, RBM_NORMAL, NULL);
		LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
		if (first_block == InvalidBlockNumber)
			first_block = BufferGetBlockNumber(buffer);
		Assert(BufferGetBlockNumber(buffer) ==
			   first_block + written / OLAP_PAGE_PAYLOAD);

		fill_page(buffer, data + written, n, needs_wal);
		UnlockReleaseBuffer(buffer);
		written += n;
	}
	UnlockRelationForExtension(rel, ExclusiveLock);

	return first_block;
}

/*
 * Writes len bytes to the existing blocks first_block, first_block + 1, ...
 * of rel, which nothing visible to any snapshot refers to (free pages that
 * VACUUM compaction hands out), replacing their contents.
 */
void
DataPagesWriteAt(Relation rel, BlockNumber first_block, const char *data,
				 uint64 len)
{
	uint64		written = 0;
	bool		needs_wal = RelationNeedsWAL(rel);
	BlockNumber block = first_block;

	Assert(len > 0 && first_block > 0);
	if (block + DataPagesNeeded(len) > RelationGetNumberOfBlocks(rel))
		elog(ERROR, "free pages %u..%u of olap table \"%s\" lie beyond its end",
			 first_block, first_block + DataPagesNeeded(len) - 1,
			 RelationGetRelationName(rel));

	while (written < len)
	{
		Buffer		buffer;
		uint64		n = Min(len - written, (uint64) OLAP_PAGE_PAYLOAD);

		CHECK_FOR_INTERRUPTS();
		buffer = ReadBufferExtended(rel, MAIN_FORKNUM, block, RBM_ZERO_AND_LOCK,
									NULL);
		fill_page(buffer, data + written, n, needs_wal);
		UnlockReleaseBuffer(buffer);
		written += n;
		block++;
	}
}

/*
 * Copies len bytes that start offset bytes into the stream beginning at
 * first_block into dst.  A page whose payload does not cover the requested
 * bytes, or a block beyond the end of the relation, is reported as
 * corruption.
 */
void
DataPagesRead(Relation rel, BlockNumber first_block, uint64 offset,
			  char *dst, uint64 len, BufferAccessStrategy strategy)
{
	BlockNumber nblocks = RelationGetNumberOfBlocks(rel);
	BlockNumber block = first_block + offset / OLAP_PAGE_PAYLOAD;
	uint64		page_off = offset % OLAP_PAGE_PAYLOAD;
	uint64		done = 0;

	if (first_block == 0 ||
		block + DataPagesNeeded(page_off + len) > nblocks)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg_internal("olap table \"%s\": byte range at block %u offset " UINT64_FORMAT " length " UINT64_FORMAT " is outside the relation (%u blocks)",
								 RelationGetRelationName(rel), first_block,
								 offset, len, nblocks)));

	while (done < len)
	{
		Buffer		buffer;
		Page		page;
		uint64		n = Min(len - done, (uint64) OLAP_PAGE_PAYLOAD - page_off);

		buffer = ReadBufferExtended(rel, MAIN_FORKNUM, block, RBM_NORMAL,
									strategy);
		LockBuffer(buffer, BUFFER_LOCK_SHARE);
		page = BufferGetPage(buffer);
		if (((PageHeader) page)->pd_lower < SizeOfPageHeaderData + page_off + n)
		{
			uint16		lower = ((PageHeader) page)->pd_lower;

			UnlockReleaseBuffer(buffer);
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg_internal("olap table \"%s\": data page %u holds %u bytes, fewer than the " UINT64_FORMAT " expected",
									 RelationGetRelationName(rel), block,
									 lower, SizeOfPageHeaderData + page_off + n)));
		}
		memcpy(dst + done, (char *) page + SizeOfPageHeaderData + page_off, n);
		UnlockReleaseBuffer(buffer);

		done += n;
		block++;
		page_off = 0;
	}
}
