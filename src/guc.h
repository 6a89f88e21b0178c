/*-------------------------------------------------------------------------
 *
 * guc.h
 *	  Every olap.* setting of olap_ext, with its limits.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_GUC_H
#define OLAP_GUC_H

#define OLAP_DEFAULT_STRIPE_ROWS 150000
#define OLAP_MIN_STRIPE_ROWS 100
#define OLAP_MAX_STRIPE_ROWS 10000000

#define OLAP_DEFAULT_CHUNK_GROUP_ROWS 10000
#define OLAP_MIN_CHUNK_GROUP_ROWS 10
#define OLAP_MAX_CHUNK_GROUP_ROWS 1000000

extern int	olap_compression;
extern int	olap_compression_level;
extern int	olap_stripe_row_limit;
extern int	olap_chunk_group_row_limit;
extern bool olap_enable_custom_scan;
extern bool olap_enable_vectorization;
extern bool olap_enable_vectorized_agg;

extern bool olap_preloaded;

extern void OlapGucInit(void);

#endif							/* OLAP_GUC_H */
