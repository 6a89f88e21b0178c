/*-------------------------------------------------------------------------
 *
 * write_state.c
 *	  Buffered writes of the current transaction, keyed by relation file,
 *	  and the transaction callbacks that flush or discard them.
 *
 * Rows inserted into an olap table are buffered in a StripeWriter owned by
 * the subtransaction that inserted them.  A stripe is written and its
 * metadata registered in olap.stripe & co. when it is full, before the
 * table is read in the same transaction (FlushRelation, called by scans
 * and by the executor-start hook), and at pre-commit.  On abort the buffer
 * is dropped; pages already written for it stay unreferenced.
 *
 * Metadata rows are inserted with the largest command id of the rows they
 * describe, not the current one: a flush triggered by a later command thus
 * stays visible to that command, while rows of the current command remain
 * invisible to its own snapshot, as for heap.
 *
 * Subtransactions.  Metadata inserted inside a subtransaction vanishes when
 * it rolls back.  That is right for rows the subtransaction inserted, but a
 * flush can also happen inside a subtransaction on behalf of rows an outer
 * level inserted (e.g. INSERT; SAVEPOINT s; SELECT ...).  Such a flush is
 * remembered as a Registration (owner = the level that inserted the rows,
 * registered_in = the level that wrote the metadata).  If registered_in
 * aborts, the registration is marked unregistered and its metadata is
 * inserted again at the next flush of the relation or at pre-commit (the
 * data pages are still there); once registered_in commits up to the owner,
 * it is forgotten.  Inserting into a table whose buffer belongs to an outer
 * level first flushes that buffer the same way, so every buffer holds the
 * rows of exactly one subtransaction.
 *
 * All memory lives in a child of TopTransactionContext and goes away with
 * the transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/xact.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "storage/delete_state.h"
#include "storage/stripe_catalog.h"
#include "storage/stripe_writer.h"
#include "storage/write_state.h"

typedef struct PendingWrite
{
	RelFileNode node;			/* hash key */
	Oid			relid;
	SubTransactionId owner;
	StripeWriter *writer;
} PendingWrite;

typedef struct Registration
{
	RelFileNode node;
	Oid			relid;
	uint64		storage_id;
	StripeMeta *stripe;
	ItemPointerData *reservations;	/* records to delete with it */
	int			nreservations;
	CommandId	cid;
	SubTransactionId owner;
	SubTransactionId registered_in; /* InvalidSubTransactionId: needs redo */
} Registration;

static MemoryContext write_state_ctx = NULL;
static HTAB *pending_writes = NULL;
static List *registrations = NIL;

static void olap_xact_callback(XactEvent event, void *arg);
static void olap_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								  SubTransactionId parentSubid, void *arg);

void
WriteStateInit(void)
{
	RegisterXactCallback(olap_xact_callback, NULL);
	RegisterSubXactCallback(olap_subxact_callback, NULL);
}

static void
ensure_state(void)
{
	HASHCTL		info;

	if (write_state_ctx != NULL)
		return;

	write_state_ctx = AllocSetContextCreate(TopTransactionContext,
											"olap_ext write state",
											ALLOCSET_DEFAULT_SIZES);
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(RelFileNode);
	info.entrysize = sizeof(PendingWrite);
	info.hcxt = write_state_ctx;
	pending_writes = hash_create("olap_ext pending writes", 16, &info,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	registrations = NIL;
}

static void
reset_state(void)
{
	/* the memory itself goes away with TopTransactionContext */
	write_state_ctx = NULL;
	pending_writes = NULL;
	registrations = NIL;
	DeleteStateAtXactEnd();
}

bool
WriteStateAnyPending(void)
{
	return DeleteStateAnyPending() ||
		(write_state_ctx != NULL &&
		 (hash_get_num_entries(pending_writes) > 0 || registrations != NIL));
}

/*
 * Inserts a stripe's metadata now.  If the rows belong to an outer
 * subtransaction, remembers the registration (see the file header).
 */
static void
register_stripe(PendingWrite *entry, uint64 storage_id, StripeMeta *stripe,
				CommandId cid)
{
	SubTransactionId current = GetCurrentSubTransactionId();
	const ItemPointerData *tids;
	int			ntids = StripeWriterReservations(entry->writer, &tids);

	StripeCatalogInsert(storage_id, stripe, cid);
	ReservationDelete(tids, ntids);

	if (entry->owner != current)
	{
		MemoryContext old = MemoryContextSwitchTo(write_state_ctx);
		Registration *reg = palloc0(sizeof(Registration));

		reg->node = entry->node;
		reg->relid = entry->relid;
		reg->storage_id = storage_id;
		reg->stripe = StripeMetaCopy(stripe);
		reg->nreservations = ntids;
		if (ntids > 0)
		{
			reg->reservations = palloc(sizeof(ItemPointerData) * ntids);
			memcpy(reg->reservations, tids, sizeof(ItemPointerData) * ntids);
		}
		reg->cid = cid;
		reg->owner = entry->owner;
		reg->registered_in = current;
		registrations = lappend(registrations, reg);
		MemoryContextSwitchTo(old);
	}
}

/* Writes the buffered rows of entry as a stripe and registers it. */
static void
flush_entry(PendingWrite *entry, Relation rel)
{
	uint64		storage_id;
	StripeMeta *stripe;

	stripe = StripeWriterFinishStripe(entry->writer, rel, &storage_id);
	if (stripe != NULL)
		register_stripe(entry, storage_id, stripe,
						StripeWriterMaxCid(entry->writer));
}

/* Inserts again the metadata of registrations lost to a rolled-back level. */
static void
redo_registrations(const RelFileNode *node)
{
	SubTransactionId current = GetCurrentSubTransactionId();
	ListCell   *lc;

	foreach(lc, registrations)
	{
		Registration *reg = lfirst(lc);

		if (reg->registered_in != InvalidSubTransactionId)
			continue;
		if (node != NULL && !RelFileNodeEquals(reg->node, *node))
			continue;
		StripeCatalogInsert(reg->storage_id, reg->stripe, reg->cid);
		ReservationDelete(reg->reservations, reg->nreservations);
		reg->registered_in = current;
		if (reg->owner == current)
			registrations = foreach_delete_current(registrations, lc);
	}
}

void
WriteStateInsert(Relation rel, TupleTableSlot *slot, CommandId cid)
{
	SubTransactionId current = GetCurrentSubTransactionId();
	PendingWrite *entry;
	bool		found;

	if (IsInParallelMode())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("cannot insert into olap table \"%s\" during a parallel operation",
						RelationGetRelationName(rel))));

	ensure_state();
	entry = hash_search(pending_writes, &rel->rd_node, HASH_ENTER, &found);
	if (!found)
	{
		entry->relid = RelationGetRelid(rel);
		entry->owner = current;
		entry->writer = StripeWriterCreate(rel, write_state_ctx);
	}
	else if (entry->relid != RelationGetRelid(rel) ||
			 StripeWriterColumnCount(entry->writer) != RelationGetDescr(rel)->natts)
	{
		/*
		 * Columns were added since the buffer started, or a table rewrite
		 * (ALTER TABLE ... TYPE, CLUSTER) filled a transient relation,
		 * flushed it and swapped its file into rel: the entry of that file
		 * still names the transient relation, which is dropped.  Either way
		 * a new buffer for rel starts.
		 */
		flush_entry(entry, rel);
		StripeWriterDestroy(entry->writer);
		entry->writer = StripeWriterCreate(rel, write_state_ctx);
		entry->relid = RelationGetRelid(rel);
		entry->owner = current;
	}
	else if (entry->owner != current)
	{
		/* rows of an outer level: write them out before buffering ours */
		flush_entry(entry, rel);
		entry->owner = current;
	}

	if (StripeWriterInsert(entry->writer, rel, slot, cid))
		flush_entry(entry, rel);
}

/*
 * Makes every row this transaction inserted into rel visible to scans of
 * later commands.  Does nothing in parallel mode, where nothing can be
 * buffered (inserts are refused) but the leader may still hold a buffer that
 * the executor-start hook already flushed.
 */
void
WriteStateFlushRelation(Relation rel)
{
	PendingWrite *entry;

	if (write_state_ctx == NULL || IsInParallelMode())
		return;

	entry = hash_search(pending_writes, &rel->rd_node, HASH_FIND, NULL);
	if (entry != NULL && StripeWriterHasRows(entry->writer))
		flush_entry(entry, rel);
	redo_registrations(&rel->rd_node);
}

/*
 * Before a query reads rel: its buffered rows and the rows earlier
 * statements deleted become visible to later commands.
 */
void
WriteStateFlushForRead(Relation rel)
{
	if (IsInParallelMode())
		return;
	DeleteStateFlush(&rel->rd_node);
	WriteStateFlushRelation(rel);
}

/* WriteStateFlushForRead for a relation known by OID. */
void
WriteStateFlushRelid(Oid relid)
{
	HASH_SEQ_STATUS status;
	PendingWrite *entry;
	bool		any = DeleteStateAnyPending();

	if (IsInParallelMode() || !WriteStateAnyPending())
		return;

	if (write_state_ctx != NULL)
	{
		hash_seq_init(&status, pending_writes);
		while ((entry = hash_seq_search(&status)) != NULL)
			if (entry->relid == relid)
				any = true;
	}
	if (!any && registrations == NIL)
		return;

	{
		Relation	rel = relation_open(relid, AccessShareLock);

		WriteStateFlushForRead(rel);
		relation_close(rel, AccessShareLock);
	}
}

/*
 * Forgets everything buffered for a relation file that is being truncated
 * or dropped.
 */
void
WriteStateDiscard(RelFileNode node)
{
	PendingWrite *entry;
	ListCell   *lc;

	DeleteStateDiscard(node);
	if (write_state_ctx == NULL)
		return;

	entry = hash_search(pending_writes, &node, HASH_FIND, NULL);
	if (entry != NULL)
	{
		StripeWriterDestroy(entry->writer);
		hash_search(pending_writes, &node, HASH_REMOVE, NULL);
	}
	foreach(lc, registrations)
	{
		Registration *reg = lfirst(lc);

		if (RelFileNodeEquals(reg->node, node))
			registrations = foreach_delete_current(registrations, lc);
	}
}

/* Flushes every buffer and redoes lost registrations, before commit. */
static void
flush_all(void)
{
	HASH_SEQ_STATUS status;
	PendingWrite *entry;

	if (DeleteStateAnyPending())
	{
		/* a group written by the last command can only be rewritten later */
		CommandCounterIncrement();
		DeleteStateFlush(NULL);
	}
	if (write_state_ctx == NULL)
		return;

	hash_seq_init(&status, pending_writes);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		Relation	rel;

		if (!StripeWriterHasRows(entry->writer))
			continue;
		rel = relation_open(entry->relid, NoLock);
		flush_entry(entry, rel);
		relation_close(rel, NoLock);
	}
	redo_registrations(NULL);
}

static void
olap_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			flush_all();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			reset_state();
			break;
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			break;
	}
}

static void
olap_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					  SubTransactionId parentSubid, void *arg)
{
	HASH_SEQ_STATUS status;
	PendingWrite *entry;
	ListCell   *lc;

	DeleteStateAtSubXact(event, mySubid, parentSubid);
	if (write_state_ctx == NULL)
		return;

	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		hash_seq_init(&status, pending_writes);
		while ((entry = hash_seq_search(&status)) != NULL)
		{
			if (entry->owner != mySubid)
				continue;
			StripeWriterDestroy(entry->writer);
			hash_search(pending_writes, &entry->node, HASH_REMOVE, NULL);
		}
		foreach(lc, registrations)
		{
			Registration *reg = lfirst(lc);

			if (reg->owner == mySubid)
				registrations = foreach_delete_current(registrations, lc);
			else if (reg->registered_in == mySubid)
				reg->registered_in = InvalidSubTransactionId;
		}
	}
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		hash_seq_init(&status, pending_writes);
		while ((entry = hash_seq_search(&status)) != NULL)
			if (entry->owner == mySubid)
				entry->owner = parentSubid;
		foreach(lc, registrations)
		{
			Registration *reg = lfirst(lc);

			if (reg->owner == mySubid)
				reg->owner = parentSubid;
			if (reg->registered_in == mySubid)
				reg->registered_in = parentSubid;
			if (reg->owner == reg->registered_in)
				registrations = foreach_delete_current(registrations, lc);
		}
	}
}
