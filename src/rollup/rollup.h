/*-------------------------------------------------------------------------
 *
 * rollup.h
 *	  The rollup part: materialized, incrementally refreshed time-bucketed
 *	  aggregates and the job scheduler that refreshes them (see README).
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_ROLLUP_H
#define OLAP_ROLLUP_H

/* Registers the scheduler as a duty of the maintenance workers. */
extern void RollupInit(void);

#endif							/* OLAP_ROLLUP_H */
