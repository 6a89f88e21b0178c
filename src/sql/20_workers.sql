/*
 * src/sql/20_workers.sql: the background worker functions (src/worker/).
 * One part of the install script olap_ext--0.1.sql, which the Makefile
 * builds by joining the files of src/sql in name order.
 */

-- ===========================================================================
-- Background workers, rollups and the job scheduler (src/worker/, src/rollup/)
-- ===========================================================================

CREATE FUNCTION olap.worker_wake()
RETURNS boolean
AS 'MODULE_PATHNAME', 'olap_worker_wake'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION olap.worker_wake()
	IS 'at commit, wake this database''s olap_ext maintenance worker (or have it started); false when workers are disabled';

CREATE FUNCTION olap.worker_pid()
RETURNS integer
AS 'MODULE_PATHNAME', 'olap_worker_pid'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION olap.worker_pid()
	IS 'process id of this database''s olap_ext maintenance worker, NULL when none runs';
