/*-------------------------------------------------------------------------
 *
 * read_memory.h
 *	  Process-wide allocator settings for backends that read olap tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_READ_MEMORY_H
#define OLAP_READ_MEMORY_H

extern void ReadMemorySetup(void);

#endif							/* OLAP_READ_MEMORY_H */
