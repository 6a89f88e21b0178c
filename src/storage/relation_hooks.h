/*-------------------------------------------------------------------------
 *
 * relation_hooks.h
 *	  Hooks that keep olap metadata in step with the life of tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef OLAP_RELATION_HOOKS_H
#define OLAP_RELATION_HOOKS_H

extern void RelationHooksInit(void);

#endif							/* OLAP_RELATION_HOOKS_H */
