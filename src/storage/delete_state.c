/*-------------------------------------------------------------------------
 *
 * delete_state.c
 *	  Rows this transaction deleted (or replaced by UPDATE) in olap tables.
 *
 * DELETE and UPDATE do not write olap.row_mask once per row: the deleted
 * rows of each chunk group are collected here and written as one new mask
 * version per group when the statement ends (ExecutorEnd), before a later
 * query reads the table, and at pre-commit.  A group already written by the
 * current command waits for the next flush (see RowMaskApply).  The current statement never
 * needs to see its own deletions (its snapshot does not), so nothing is
 * lost by waiting.
 *
 * Entries stay for the whole transaction, one per (chunk group,
 * subtransaction that deleted), because they also answer "did this
 * transaction delete that row?" (a second delete of the same row in one
 * statement is a no-op, as in heap) and because a subtransaction abort can
 * undo a mask version that also carried deletions of outer levels.  So each
 * entry remembers the subtransaction whose mask write last included it
 * (flushed_in); when that subtransaction aborts, the entry is written again
 * at the next flush.  A subtransaction's own entries go away with its
 * abort, and are handed to the parent when it commits.  Writing a mask ORs
 * all of this transaction's entries for the group into the latest version,
 * so writing an entry twice is harmless.
 *
 * Memory: a bitmap of the group's rows per entry (1.25 kB per 10,000 rows)
 * and 12 bytes per updated row, in a child of TopTransactionContext.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "storage/delete_state.h"
#include "storage/row_mask.h"

typedef struct GroupKey
{
	RelFileNode node;
	uint64		stripe_num;
	uint32		group_num;
} GroupKey;

/* Deletions of one subtransaction in one chunk group. */
typedef struct OwnerDeletes
{
	SubTransactionId owner;
	SubTransactionId flushed_in;	/* InvalidSubTransactionId: not written */
	CommandId	max_cid;
	uint8	   *bits;
	uint32		nforward;
	uint32		forward_cap;
	RowForward *forward;
} OwnerDeletes;

typedef struct GroupDeletes
{
	GroupKey	key;			/* hash key */
	uint64		storage_id;
	uint32		group_rows;
	List	   *owners;			/* of OwnerDeletes */

	/*
	 * REPEATABLE READ / SERIALIZABLE: deletions of other transactions that
	 * committed after this transaction's snapshot, which our mask versions
	 * carry (they are ORed into the latest state) but our snapshot must not
	 * see.  Fixed at the first write: from then on this transaction holds
	 * the table's row-change lock, so nobody else changes the group.
	 */
	bool		hidden_known;
	uint8	   *hidden;			/* NULL: none */
} GroupDeletes;

static MemoryContext delete_ctx = NULL;
static HTAB *group_deletes = NULL;

static void
ensure_state(void)
{
	HASHCTL		info;

	if (delete_ctx != NULL)
		return;
	delete_ctx = AllocSetContextCreate(TopTransactionContext,
									   "olap_ext delete state",
									   ALLOCSET_DEFAULT_SIZES);
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(GroupKey);
	info.entrysize = sizeof(GroupDeletes);
	info.hcxt = delete_ctx;
	group_deletes = hash_create("olap_ext deleted rows", 64, &info,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* Forgets everything; the memory goes with TopTransactionContext. */
void
DeleteStateAtXactEnd(void)
{
	delete_ctx = NULL;
	group_deletes = NULL;
}

/* Fills a hash key; padding is zeroed, as HASH_BLOBS compares all bytes. */
static void
make_key(GroupKey *key, RelFileNode node, const RowLocation *loc)
{
	memset(key, 0, sizeof(GroupKey));
	key->node = node;
	key->stripe_num = loc->stripe_num;
	key->group_num = loc->group_num;
}

static OwnerDeletes *
owner_entry(GroupDeletes *group, SubTransactionId owner)
{
	ListCell   *lc;
	OwnerDeletes *entry;
	MemoryContext old;

	foreach(lc, group->owners)
	{
		entry = lfirst(lc);
		if (entry->owner == owner)
			return entry;
	}
	old = MemoryContextSwitchTo(delete_ctx);
	entry = palloc0(sizeof(OwnerDeletes));
	entry->owner = owner;
	entry->bits = palloc0((group->group_rows + 7) / 8);
	group->owners = lappend(group->owners, entry);
	MemoryContextSwitchTo(old);
	return entry;
}

/*
 * Records that this transaction deleted the row at loc (forward_row != 0:
 * it was replaced by that row).
 */
void
DeleteStateAdd(Relation rel, const RowLocation *loc, uint64 forward_row,
			   CommandId cid)
{
	GroupKey	key;
	GroupDeletes *group;
	OwnerDeletes *entry;
	bool		found;

	ensure_state();
	make_key(&key, rel->rd_node, loc);
	group = hash_search(group_deletes, &key, HASH_ENTER, &found);
	if (!found)
	{
		group->storage_id = loc->storage_id;
		group->group_rows = loc->group_rows;
		group->owners = NIL;
		group->hidden_known = false;
		group->hidden = NULL;
	}
	entry = owner_entry(group, GetCurrentSubTransactionId());
	entry->bits[loc->offset / 8] |= (1 << (loc->offset % 8));
	entry->max_cid = Max(entry->max_cid, cid);
	entry->flushed_in = InvalidSubTransactionId;
	if (forward_row != 0)
	{
		if (entry->nforward == entry->forward_cap)
		{
			entry->forward_cap = Max(16, entry->forward_cap * 2);
			entry->forward = entry->forward == NULL ?
				MemoryContextAlloc(delete_ctx, sizeof(RowForward) * entry->forward_cap) :
				repalloc(entry->forward, sizeof(RowForward) * entry->forward_cap);
		}
		entry->forward[entry->nforward].offset = loc->offset;
		entry->forward[entry->nforward].new_row = forward_row;
		entry->nforward++;
	}
}

/* True when this transaction deleted the row; *cmax is the command. */
bool
DeleteStateDeletedByMe(RelFileNode node, const RowLocation *loc, CommandId *cmax)
{
	GroupKey	key;
	GroupDeletes *group;
	ListCell   *lc;

	if (delete_ctx == NULL)
		return false;
	make_key(&key, node, loc);
	group = hash_search(group_deletes, &key, HASH_FIND, NULL);
	if (group == NULL)
		return false;
	foreach(lc, group->owners)
	{
		OwnerDeletes *entry = lfirst(lc);

		if (entry->bits[loc->offset / 8] & (1 << (loc->offset % 8)))
		{
			*cmax = entry->max_cid;
			return true;
		}
	}
	return false;
}

/*
 * Computes group->hidden before this transaction first writes the group's
 * mask: what the latest state deletes that the transaction snapshot does not.
 */
static void
remember_hidden(GroupDeletes *group)
{
	RowMask		latest;
	RowMask		mine;
	uint32		nbytes = (group->group_rows + 7) / 8;
	uint32		i;
	bool		any = false;

	group->hidden_known = true;
	if (!IsolationUsesXactSnapshot())
		return;

	RowMaskLoadGroup(group->storage_id, group->key.stripe_num,
					 group->key.group_num, group->group_rows, SnapshotSelf,
					 &latest);
	if (latest.bits == NULL)
		return;
	RowMaskLoadGroup(group->storage_id, group->key.stripe_num,
					 group->key.group_num, group->group_rows,
					 GetTransactionSnapshot(), &mine);

	group->hidden = MemoryContextAllocZero(delete_ctx, nbytes);
	for (i = 0; i < nbytes; i++)
	{
		group->hidden[i] = latest.bits[i] & ~(mine.bits ? mine.bits[i] : 0);
		any |= group->hidden[i] != 0;
	}
	if (!any)
	{
		pfree(group->hidden);
		group->hidden = NULL;
	}
}

/*
 * Corrects a mask version this transaction wrote, as read through one of
 * its MVCC snapshots: other transactions' deletions that its snapshot does
 * not see are taken out again.
 */
void
DeleteStateHideLaterDeletions(RelFileNode node, uint64 stripe_num,
							  uint32 group_num, RowMask *mask)
{
	GroupKey	key;
	GroupDeletes *group;
	RowLocation loc;
	uint32		i;

	if (delete_ctx == NULL || !mask->exists || mask->bits == NULL ||
		!TransactionIdIsCurrentTransactionId(mask->xmin))
		return;
	loc.stripe_num = stripe_num;
	loc.group_num = group_num;
	make_key(&key, node, &loc);
	group = hash_search(group_deletes, &key, HASH_FIND, NULL);
	if (group == NULL || group->hidden == NULL)
		return;
	for (i = 0; i < (group->group_rows + 7) / 8; i++)
		mask->bits[i] &= ~group->hidden[i];
}

/*
 * Writes a group's deletions to olap.row_mask if any are not written yet.
 * Returns false when they must wait for a later command (see RowMaskApply).
 */
static bool
flush_group(GroupDeletes *group)
{
	SubTransactionId current = GetCurrentSubTransactionId();
	uint32		nbytes = (group->group_rows + 7) / 8;
	uint8	   *bits;
	RowForward *forward;
	uint32		nforward = 0;
	CommandId	cid = FirstCommandId;
	bool		needed = false;
	bool		written;
	ListCell   *lc;

	foreach(lc, group->owners)
	{
		OwnerDeletes *entry = lfirst(lc);

		needed |= (entry->flushed_in == InvalidSubTransactionId);
		nforward += entry->nforward;
	}
	if (!needed)
		return true;

	if (!group->hidden_known)
		remember_hidden(group);

	bits = palloc0(nbytes);
	forward = palloc(sizeof(RowForward) * Max(nforward, 1));
	nforward = 0;
	foreach(lc, group->owners)
	{
		OwnerDeletes *entry = lfirst(lc);
		uint32		i;

		for (i = 0; i < nbytes; i++)
			bits[i] |= entry->bits[i];
		if (entry->nforward > 0)
			memcpy(forward + nforward, entry->forward,
				   sizeof(RowForward) * entry->nforward);
		nforward += entry->nforward;
		cid = Max(cid, entry->max_cid);
	}

	written = RowMaskApply(group->storage_id, group->key.stripe_num,
						   group->key.group_num, group->group_rows, bits,
						   nforward, forward, cid);
	if (written)
	{
		foreach(lc, group->owners)
			((OwnerDeletes *) lfirst(lc))->flushed_in = current;
	}
	pfree(bits);
	pfree(forward);
	return written;
}

/*
 * Writes the unwritten deletions of one relation file (node != NULL) or of
 * all.  Not in parallel mode, where nothing can have been deleted.  Returns
 * false when some group has to wait for the next command.
 */
bool
DeleteStateFlush(const RelFileNode *node)
{
	HASH_SEQ_STATUS status;
	GroupDeletes *group;
	bool		all = true;

	if (delete_ctx == NULL || IsInParallelMode())
		return true;
	hash_seq_init(&status, group_deletes);
	while ((group = hash_seq_search(&status)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (node == NULL || RelFileNodeEquals(group->key.node, *node))
			all &= flush_group(group);
	}
	return all;
}

bool
DeleteStateAnyPending(void)
{
	return delete_ctx != NULL && hash_get_num_entries(group_deletes) > 0;
}

/* Forgets the deletions of a relation file that is truncated or dropped. */
void
DeleteStateDiscard(RelFileNode node)
{
	HASH_SEQ_STATUS status;
	GroupDeletes *group;

	if (delete_ctx == NULL)
		return;
	hash_seq_init(&status, group_deletes);
	while ((group = hash_seq_search(&status)) != NULL)
		if (RelFileNodeEquals(group->key.node, node))
			hash_search(group_deletes, &group->key, HASH_REMOVE, NULL);
}

/* Hands entries to the parent on commit, drops or re-arms them on abort. */
void
DeleteStateAtSubXact(SubXactEvent event, SubTransactionId mySubid,
					 SubTransactionId parentSubid)
{
	HASH_SEQ_STATUS status;
	GroupDeletes *group;

	if (delete_ctx == NULL ||
		(event != SUBXACT_EVENT_ABORT_SUB && event != SUBXACT_EVENT_COMMIT_SUB))
		return;

	hash_seq_init(&status, group_deletes);
	while ((group = hash_seq_search(&status)) != NULL)
	{
		ListCell   *lc;
		OwnerDeletes *parent_entry = NULL;

		foreach(lc, group->owners)
		{
			OwnerDeletes *entry = lfirst(lc);

			if (entry->owner == parentSubid)
				parent_entry = entry;
		}

		foreach(lc, group->owners)
		{
			OwnerDeletes *entry = lfirst(lc);

			if (event == SUBXACT_EVENT_ABORT_SUB)
			{
				if (entry->owner == mySubid)
				{
					group->owners = foreach_delete_current(group->owners, lc);
					continue;
				}
				if (entry->flushed_in == mySubid)
					entry->flushed_in = InvalidSubTransactionId;
			}
			else
			{
				if (entry->flushed_in == mySubid)
					entry->flushed_in = parentSubid;
				if (entry->owner == mySubid)
				{
					if (parent_entry == NULL)
						entry->owner = parentSubid;
					else
					{
						/* merge into the parent's entry for this group */
						uint32		i;
						MemoryContext old = MemoryContextSwitchTo(delete_ctx);

						for (i = 0; i < (group->group_rows + 7) / 8; i++)
							parent_entry->bits[i] |= entry->bits[i];
						if (entry->nforward > 0)
						{
							parent_entry->forward = parent_entry->forward == NULL ?
								palloc(sizeof(RowForward) * (entry->nforward)) :
								repalloc(parent_entry->forward,
										 sizeof(RowForward) * (parent_entry->nforward + entry->nforward));
							memcpy(parent_entry->forward + parent_entry->nforward,
								   entry->forward, sizeof(RowForward) * entry->nforward);
							parent_entry->nforward += entry->nforward;
							parent_entry->forward_cap = parent_entry->nforward;
						}
						parent_entry->max_cid = Max(parent_entry->max_cid, entry->max_cid);
						if (entry->flushed_in == InvalidSubTransactionId)
							parent_entry->flushed_in = InvalidSubTransactionId;
						MemoryContextSwitchTo(old);
						group->owners = foreach_delete_current(group->owners, lc);
					}
				}
			}
		}
	}
}
