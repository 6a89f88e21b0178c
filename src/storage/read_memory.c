/*-------------------------------------------------------------------------
 *
 * read_memory.c
 *	  Process-wide allocator settings for backends that read olap tables.
 *
 * A scan decodes every chunk group into buffers of a few hundred kilobytes
 * to a few megabytes, allocated from a per-batch memory context and freed
 * when the next batch starts.  Such buffers are larger than an AllocSet
 * block, so each is a malloc of its own, and with glibc's default
 * thresholds (trim above 128 kB of free heap, mmap from 128 kB until a
 * freed mapping raises the limit) every batch gives its pages back to the
 * kernel and faults them in again: a quarter of the CPU time of a simple
 * filtered scan went to page faults and brk.
 *
 * The first time a process reads an olap table, ReadMemorySetup therefore
 * fixes the thresholds at the largest values glibc's own dynamic
 * adjustment would reach (mmap from 32 MB, trim above 64 MB of free heap
 * top), so the batch buffers are reused from the heap.  A process keeps at
 * most that much freed memory, as it may already do with the defaults
 * after one large allocation.  Other C libraries are left alone.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "storage/read_memory.h"

/* glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems, and twice that */
#define READ_MEMORY_MMAP_THRESHOLD (32 * 1024 * 1024)
#define READ_MEMORY_TRIM_THRESHOLD (64 * 1024 * 1024)

static bool read_memory_done = false;

/* Applies the settings once per process (see the file header). */
void
ReadMemorySetup(void)
{
	if (read_memory_done)
		return;
	read_memory_done = true;
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, READ_MEMORY_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, READ_MEMORY_TRIM_THRESHOLD);
#endif
}
