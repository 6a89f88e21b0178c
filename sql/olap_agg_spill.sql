--
-- OlapAgg under a small work_mem: groups that outgrow the hash memory
-- limit at run time are spilled to files and aggregated pass by pass;
-- results compared with a heap twin, serial and parallel.
--
SET olap.stripe_row_limit = 10000;
SET olap.chunk_group_row_limit = 2000;
CREATE TABLE sp_h (k int8, t text, d date, v int4, n numeric, f bool);
INSERT INTO sp_h
SELECT CASE WHEN x % 997 = 0 THEN NULL ELSE (x * 7919) % 40000 END,
	CASE WHEN x % 991 = 0 THEN NULL ELSE 'key-' || ((x * 31) % 25000) END,
	date '2020-01-01' + x % 3000,
	CASE WHEN x % 13 = 0 THEN NULL ELSE x END,
	x / 3.0,
	x % 4 = 0
FROM generate_series(1, 120000) x;
CREATE TABLE sp_o (LIKE sp_h) USING olap;
INSERT INTO sp_o SELECT * FROM sp_h;
ANALYZE sp_h;
ANALYZE sp_o;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- olap_test_helpers.agg_check (am_basic) on this test's twins.
CREATE FUNCTION sp_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'sp_h', 'sp_o')
$$;

CREATE TABLE sp_cases (id serial, q text);
INSERT INTO sp_cases (q) VALUES
	('SELECT k, count(*), sum(v), avg(n), min(t), max(d) FROM %1$s GROUP BY k'),
	('SELECT t, count(*), sum(k), bool_or(f) FROM %1$s GROUP BY t'),
	('SELECT k, t, count(*) FROM %1$s GROUP BY k, t'),
	('SELECT k, count(*) FILTER (WHERE f), sum(v) FILTER (WHERE t LIKE ''key-1%%'') FROM %1$s GROUP BY k'),
	('SELECT k %% 30000, count(DISTINCT d), count(*) FROM %1$s GROUP BY 1'),
	('SELECT d, count(DISTINCT k) FROM %1$s GROUP BY d'),
	('SELECT k, count(*) FROM %1$s GROUP BY k HAVING count(*) > 3'),
	('SELECT k, sum(v) FROM %1$s WHERE v > 60000 GROUP BY k');

SET work_mem = '64kB';
SELECT id, q, sp_check(q) FROM sp_cases ORDER BY id;
-- a rescan after a spilled pass
SELECT x, (SELECT count(*) FROM (SELECT k, count(*) FROM sp_o WHERE v > x GROUP BY k) s) AS olap,
	(SELECT count(*) FROM (SELECT k, count(*) FROM sp_h WHERE v > x GROUP BY k) s) AS heap
FROM generate_series(1, 2) x;
-- a LIMIT that stops reading before the spill files are aggregated
SELECT count(*) FROM (SELECT k, count(*) FROM sp_o GROUP BY k LIMIT 10) s;

-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, sp_check(q) FROM sp_cases ORDER BY id;
RESET olap.enable_partitioned_agg;
-- partitioned (agg_partition.c): aggregating made dearer than reading, so
-- that every process reading all rows and aggregating its hash partitions
-- of the groups wins
SET olap.parallel_worker_setup_factor = 0;
SET parallel_tuple_cost = 0.01;
SET cpu_operator_cost = 0.05;
SELECT id, sp_check(q) FROM sp_cases ORDER BY id;
RESET olap.parallel_worker_setup_factor;
RESET parallel_tuple_cost;
RESET cpu_operator_cost;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- room for tens of thousands of groups before spilling: rows are looked up
-- batch-wise with prefetching (agg_group.c lookup_rows), and some spill
SET work_mem = '4MB';
SELECT id, sp_check(q) FROM sp_cases WHERE id IN (2, 3) ORDER BY id;

-- with room enough nothing spills
SET work_mem = '64MB';
SELECT id, sp_check(q) FROM sp_cases WHERE id <= 3 ORDER BY id;
RESET work_mem;

DROP TABLE sp_cases, sp_o, sp_h;
DROP FUNCTION sp_check(text);
