/*-------------------------------------------------------------------------
 *
 * olap_scan.h
 *	  OlapScan: the custom scan node for olap tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_SCAN_H
#define OLAP_SCAN_H

#include "nodes/extensible.h"

#define OLAP_SCAN_NAME "OlapScan"

/* Indexes into CustomScan.custom_private. */
typedef enum OlapScanPrivate
{
	OLAP_SCAN_PRIVATE_COLUMNS = 0,	/* IntList of attnums read */
	OLAP_SCAN_PRIVATE_COUNT
} OlapScanPrivate;

extern void OlapScanInit(void);
extern Node *OlapScanCreateState(CustomScan *cscan);

#endif							/* OLAP_SCAN_H */
