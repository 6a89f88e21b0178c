/*-------------------------------------------------------------------------
 *
 * scheduler.h
 *	  Entry point of the job workers that the rollup scheduler starts.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_ROLLUP_SCHEDULER_H
#define OLAP_ROLLUP_SCHEDULER_H

#include "fmgr.h"

extern PGDLLEXPORT void OlapJobWorkerMain(Datum main_arg);

#endif							/* OLAP_ROLLUP_SCHEDULER_H */
