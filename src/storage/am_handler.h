/*-------------------------------------------------------------------------
 *
 * am_handler.h
 *	  The olap table access method.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_AM_HANDLER_H
#define OLAP_AM_HANDLER_H

#include "access/tableam.h"
#include "utils/rel.h"

extern const TableAmRoutine *OlapTableAmRoutine(void);
extern bool IsOlapRelation(Relation rel);
extern bool IsOlapAccessMethod(Oid amoid);

#endif							/* OLAP_AM_HANDLER_H */
