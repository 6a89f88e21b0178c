--
-- Partitioned parallel aggregation (src/agg/agg_partition.c): with many
-- groups, every process of a parallel plan reads all rows and aggregates
-- the groups of the hash partitions it claims to final values; Gather (or
-- Gather Merge over a per-process Sort) collects them.  Each case is
-- compared with a heap twin (olap_test_helpers.agg_check): integer, text
-- and two keys, NULL keys and values, count(DISTINCT), numeric states,
-- FILTER, HAVING, ORDER BY ... LIMIT, a WHERE clause, spilling in every
-- process, a rescan of the Gather, no worker launched, and the partitioned
-- subquery as a partial path below a parallel join.
--
SET olap.stripe_row_limit = 10000;
SET olap.chunk_group_row_limit = 2000;
CREATE TABLE pa_h (u int8, k int4, t text, n numeric(12, 2), d date);
INSERT INTO pa_h
SELECT CASE WHEN x % 211 = 0 THEN NULL ELSE (x::int8 * 7919) % 6000 END,
	CASE WHEN x % 13 = 0 THEN NULL ELSE x % 9 END,
	CASE WHEN x % 17 = 0 THEN NULL ELSE 'page-' || (x * 31) % 2500 END,
	CASE WHEN x % 19 = 0 THEN NULL ELSE ((x * 37) % 100000) / 100.0 END,
	date '2024-01-01' + x % 400
FROM generate_series(1, 60000) x;
CREATE TABLE pa_o (LIKE pa_h) USING olap;
INSERT INTO pa_o SELECT * FROM pa_h;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;
ANALYZE pa_h;
ANALYZE pa_o;
CREATE TABLE pa_users (u int8, region int4);
INSERT INTO pa_users SELECT x, x % 5 FROM generate_series(0, 5999, 2) x;
ANALYZE pa_users;

CREATE FUNCTION pa_check(q text, show text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'pa_h', 'pa_o', show)
$$;

-- parallel plans cost nothing to start, and aggregating dearer than
-- reading: the partitions (groups passed on once) beat the serial plan and
-- partial states (passed on by every process, then combined)
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0.01;
SET cpu_operator_cost = 0.05;
SET min_parallel_table_scan_size = 0;
SET olap.parallel_worker_setup_factor = 0;

EXPLAIN (COSTS OFF)
SELECT u, count(*) AS c FROM pa_o GROUP BY u ORDER BY c DESC, u LIMIT 5;
EXPLAIN (COSTS OFF)
SELECT t, count(DISTINCT u) FROM pa_o WHERE k <> 3 GROUP BY t;

CREATE TABLE pa_cases (id serial, q text);
INSERT INTO pa_cases (q) VALUES
	('SELECT u, count(*), sum(k), min(d), max(t), count(t) FROM %1$s GROUP BY u'),
	('SELECT u, count(DISTINCT t), count(DISTINCT k) FROM %1$s GROUP BY u HAVING count(*) > 9'),
	('SELECT t, sum(n), avg(n), count(n), min(n) FROM %1$s GROUP BY t'),
	('SELECT u, k, count(*), max(n) FROM %1$s GROUP BY u, k'),
	('SELECT t, count(DISTINCT u) FROM %1$s WHERE k <> 3 GROUP BY t'),
	('SELECT u, count(*) FILTER (WHERE k > 4), sum(n) FILTER (WHERE t < ''page-5'') FROM %1$s GROUP BY u'),
	('SELECT u, count(*) AS c FROM %1$s GROUP BY u ORDER BY c DESC, u LIMIT 5'),
	('SELECT u, avg(k) FROM %1$s GROUP BY u HAVING avg(k) > 5 ORDER BY u LIMIT 20'),
	('SELECT r.region, count(*), sum(s.c) FROM (SELECT u, count(DISTINCT t) AS c FROM %1$s GROUP BY u) s JOIN pa_users r ON r.u = s.u GROUP BY r.region');

SELECT id, pa_check(q) FROM pa_cases ORDER BY id;

-- every process spills its groups to files
SET work_mem = '64kB';
SET hash_mem_multiplier = 1;
SELECT id, pa_check(q) FROM pa_cases WHERE id IN (1, 2, 3) ORDER BY id;
RESET work_mem;
RESET hash_mem_multiplier;

-- no worker launched: the leader aggregates every partition, one pass each
CREATE FUNCTION pa_analyze(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q
	LOOP
		IF line ~ '(Workers|Hash Partitions|Partitions Aggregated|Rows Aggregated)' THEN
			RETURN NEXT btrim(line);
		END IF;
	END LOOP;
END $$;
SET max_parallel_workers = 0;
SELECT pa_check('SELECT u, count(DISTINCT t), sum(n) FROM %1$s GROUP BY u');
SELECT pa_analyze('SELECT u, count(DISTINCT t), sum(n) FROM pa_o GROUP BY u');
RESET max_parallel_workers;

-- the Gather on the inner side of a nested loop (its outer side is not
-- parallel safe) is rescanned per outer row: the partitions are claimed
-- anew each time
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
EXPLAIN (COSTS OFF)
SELECT v.x, count(*), sum(a.c) FROM (SELECT x FROM generate_series(0, 2) x WHERE random() >= 0) v JOIN (SELECT u, count(DISTINCT t) AS c FROM pa_o GROUP BY u) a ON mod(a.u, 3) = v.x GROUP BY v.x;
SELECT pa_check('SELECT v.x, count(*), sum(a.c) FROM (SELECT x FROM generate_series(0, 2) x WHERE random() >= 0) v JOIN (SELECT u, count(DISTINCT t) AS c FROM %1$s GROUP BY u) a ON mod(a.u, 3) = v.x GROUP BY v.x');
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;

-- switched off: partial states or a serial plan
SET olap.enable_partitioned_agg = off;
SELECT id, pa_check(q) FROM pa_cases WHERE id IN (1, 2) ORDER BY id;
RESET olap.enable_partitioned_agg;

RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET cpu_operator_cost;
RESET min_parallel_table_scan_size;
RESET olap.parallel_worker_setup_factor;
DROP TABLE pa_h, pa_o, pa_users, pa_cases;
DROP FUNCTION pa_check(text, text);
DROP FUNCTION pa_analyze(text);
