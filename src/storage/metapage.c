/*-------------------------------------------------------------------------
 *
 * metapage.c
 *	  Reading, creating and updating block 0 of an olap table.
 *
 * Block 0 holds an OlapMetapageData right after the standard page header.
 * It is created lazily, by the first write into an empty relation (so a
 * fresh or truncated table has zero blocks and no storage id), under the
 * relation extension lock and the buffer's exclusive lock, which makes the
 * creation race-free.  A block 0 that is still all zeros (the write that
 * extended the file crashed before its WAL record was flushed) counts as
 * "no metapage yet" and is initialised by the next write.  Every later
 * change (reserving row numbers and stripe numbers) happens under an
 * exclusive content lock on the buffer and is WAL-logged through
 * GenericXLog, so counters never go backwards after a crash or on a standby.
 * Reserved numbers that end up unused (an aborted load) are simply skipped.
 *
 * The format version is checked on every read: a table written by a newer
 * on-disk format is refused instead of being misread.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/generic_xlog.h"
#include "commands/sequence.h"
#include "catalog/namespace.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "storage/metapage.h"

static void check_metapage(Relation rel, const OlapMetapageData *meta);
static uint64 next_storage_id(void);

/*
 * Copies the metapage of rel into *meta.  Returns false if the relation has
 * no blocks (nothing was ever written).
 */
bool
MetapageRead(Relation rel, OlapMetapageData *meta)
{
	Buffer		buffer;
	Page		page;
	bool		is_new;

	if (RelationGetNumberOfBlocks(rel) == 0)
		return false;

	buffer = ReadBuffer(rel, OLAP_METAPAGE_BLOCK);
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buffer);
	is_new = PageIsNew(page);
	if (!is_new)
		memcpy(meta, PageGetContents(page), sizeof(OlapMetapageData));
	UnlockReleaseBuffer(buffer);

	/*
	 * A zeroed block 0: the first write extended the file but crashed
	 * before its WAL record reached disk.  Nothing was ever committed.
	 */
	if (is_new)
		return false;

	check_metapage(rel, meta);
	return true;
}

uint64
MetapageStorageId(Relation rel)
{
	OlapMetapageData meta;

	if (!MetapageRead(rel, &meta))
		return 0;
	return meta.storage_id;
}

/*
 * The storage id for code that must work on damaged tables (DROP,
 * TRUNCATE, the monitoring views): a metapage that is not ours gives 0 and
 * a WARNING instead of an error; one of an unknown format version still
 * gives the id it carries.
 */
uint64
MetapageStorageIdLenient(Relation rel)
{
	Buffer		buffer;
	OlapMetapageData meta;

	if (RelationGetNumberOfBlocks(rel) == 0)
		return 0;
	buffer = ReadBuffer(rel, OLAP_METAPAGE_BLOCK);
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	if (PageIsNew(BufferGetPage(buffer)))
	{
		UnlockReleaseBuffer(buffer);
		return 0;
	}
	memcpy(&meta, PageGetContents(BufferGetPage(buffer)), sizeof(meta));
	UnlockReleaseBuffer(buffer);

	if (meta.magic != OLAP_METAPAGE_MAGIC)
	{
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("olap table \"%s\" has a bad metapage",
						RelationGetRelationName(rel)),
				 errdetail("Magic number 0x%08X, expected 0x%08X; its stripe metadata cannot be identified.",
						   meta.magic, OLAP_METAPAGE_MAGIC)));
		return 0;
	}
	return meta.storage_id;
}

/*
 * Refuses a metapage that is not ours or was written by a format this build
 * does not know.
 */
static void
check_metapage(Relation rel, const OlapMetapageData *meta)
{
	if (meta->magic != OLAP_METAPAGE_MAGIC)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg_internal("olap table \"%s\" has a bad metapage: magic number 0x%08X, expected 0x%08X",
								 RelationGetRelationName(rel),
								 meta->magic, OLAP_METAPAGE_MAGIC)));
	if (meta->format_version != OLAP_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("olap table \"%s\" has on-disk format version %u, but this olap_ext reads version %u",
						RelationGetRelationName(rel),
						meta->format_version, OLAP_FORMAT_VERSION),
				 errhint("Install the olap_ext version that wrote the table, or one that supports its format.")));
}

/* Draws a new storage id from olap.storage_id_seq. */
static uint64
next_storage_id(void)
{
	Oid			nsp = get_namespace_oid("olap", false);
	Oid			seq = get_relname_relid("storage_id_seq", nsp);

	if (!OidIsValid(seq))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("sequence olap.storage_id_seq does not exist"),
				 errhint("Reinstall the olap_ext extension.")));
	return (uint64) DatumGetInt64(DirectFunctionCall1(nextval_oid,
													  ObjectIdGetDatum(seq)));
}

/*
 * Creates block 0 if the relation is empty.  Caller must not hold a lock on
 * any buffer of rel.
 */
static void
ensure_metapage(Relation rel)
{
	Buffer		buffer;
	Page		page;
	GenericXLogState *state;
	OlapMetapageData meta;
	uint64		storage_id;

	if (RelationGetNumberOfBlocks(rel) > 0 && MetapageStorageId(rel) != 0)
		return;

	/* Draw the id outside the extension lock; unused ids are harmless. */
	storage_id = next_storage_id();

	LockRelationForExtension(rel, ExclusiveLock);
	if (RelationGetNumberOfBlocks(rel) == 0)
		buffer = ReadBuffer(rel, P_NEW);
	else
		buffer = ReadBuffer(rel, OLAP_METAPAGE_BLOCK);
	Assert(BufferGetBlockNumber(buffer) == OLAP_METAPAGE_BLOCK);
	LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
	UnlockRelationForExtension(rel, ExclusiveLock);

	/* someone else initialised it meanwhile */
	if (!PageIsNew(BufferGetPage(buffer)))
	{
		UnlockReleaseBuffer(buffer);
		return;
	}

	meta.magic = OLAP_METAPAGE_MAGIC;
	meta.format_version = OLAP_FORMAT_VERSION;
	meta.storage_id = storage_id;
	meta.next_row_number = OLAP_FIRST_ROW_NUMBER;
	meta.next_stripe_num = 1;

	state = GenericXLogStart(rel);
	page = GenericXLogRegisterBuffer(state, buffer, GENERIC_XLOG_FULL_IMAGE);
	PageInit(page, BLCKSZ, 0);
	memcpy(PageGetContents(page), &meta, sizeof(meta));
	((PageHeader) page)->pd_lower =
		(char *) PageGetContents(page) + sizeof(meta) - (char *) page;
	GenericXLogFinish(state);

	UnlockReleaseBuffer(buffer);
}

uint64
MetapageReserve(Relation rel, uint64 row_count, bool want_stripe,
				uint64 *stripe_num, uint64 *storage_id)
{
	Buffer		buffer;
	Page		page;
	GenericXLogState *state;
	OlapMetapageData *meta;
	uint64		first_row;

	ensure_metapage(rel);

	buffer = ReadBuffer(rel, OLAP_METAPAGE_BLOCK);
	LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);

	check_metapage(rel, (OlapMetapageData *) PageGetContents(BufferGetPage(buffer)));

	state = GenericXLogStart(rel);
	page = GenericXLogRegisterBuffer(state, buffer, 0);
	meta = (OlapMetapageData *) PageGetContents(page);

	first_row = meta->next_row_number;
	meta->next_row_number += row_count;
	if (want_stripe)
		*stripe_num = meta->next_stripe_num++;
	if (storage_id)
		*storage_id = meta->storage_id;

	GenericXLogFinish(state);
	UnlockReleaseBuffer(buffer);

	return first_row;
}
