--
-- OlapAgg grouping by dictionary codes, by per-batch local ids and per row
-- (agg_group.c): GROUP BY on dictionary- and run-length-coded columns with
-- NULLs and on expressions of them, chunk groups of one column coded in
-- some and plain in others, several keys, spilling under a tiny work_mem, serial and parallel;
-- every result compared with a heap twin holding the same rows.
--
SET olap.stripe_row_limit = 10000;
SET olap.chunk_group_row_limit = 1000;
CREATE TABLE gr_h (
	lt text,		-- few values and NULLs: dictionary chunks
	mt text,		-- few values in even chunk groups, all distinct in odd ones
	li int4,		-- few spread-out values and NULLs
	ri int8,		-- runs of 250 equal values
	hi int8,		-- many values
	ts timestamp,
	d date,
	v int4);
INSERT INTO gr_h
SELECT CASE WHEN x % 11 = 0 THEN NULL ELSE 'type-' || (x * 7) % 13 END,
	CASE WHEN (x / 1000) % 2 = 0 THEN 'few-' || x % 5
		 WHEN x % 97 = 0 THEN NULL ELSE 'many-' || x END,
	CASE WHEN x % 17 = 0 THEN NULL ELSE ((x * 13) % 6) * 1000003 END,
	x / 250,
	(x * 7919) % 30011,
	timestamp '2024-01-01' + x * interval '1 minute',
	date '2024-01-01' + (x * 37) % 100,
	x % 1000
FROM generate_series(1, 40000) x;
CREATE TABLE gr_o (LIKE gr_h) USING olap;
INSERT INTO gr_o SELECT * FROM gr_h;
-- deleted rows are not in any group
DELETE FROM gr_h WHERE v = 7;
DELETE FROM gr_o WHERE v = 7;
ANALYZE gr_h;
ANALYZE gr_o;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- the data has the shapes the cases rely on
SELECT column_name, encoding, count(*)
FROM olap.chunks WHERE relation = 'gr_o'::regclass AND column_name IN ('lt', 'mt', 'li', 'ri')
GROUP BY 1, 2 ORDER BY 1, 2;

-- olap_test_helpers.agg_check (am_basic) on this test's twins.
CREATE FUNCTION gr_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'gr_h', 'gr_o', 'Batches Grouped')
$$;

CREATE TABLE gr_cases (id serial, q text);
INSERT INTO gr_cases (q) VALUES
	-- one coded key
	('SELECT lt, count(*), sum(v), min(d) FROM %1$s GROUP BY lt'),
	('SELECT li, count(*), max(ts) FROM %1$s GROUP BY li'),
	('SELECT ri, count(*), sum(v) FROM %1$s GROUP BY ri'),
	('SELECT lt FROM %1$s GROUP BY lt'),
	-- coded in some chunk groups, plain in others
	('SELECT mt, count(*), sum(v) FROM %1$s GROUP BY mt'),
	('SELECT mt, lt, count(*) FROM %1$s GROUP BY mt, lt'),
	-- several coded keys
	('SELECT lt, li, count(*), avg(v) FROM %1$s GROUP BY lt, li'),
	('SELECT li, lt, ri, count(*) FROM %1$s GROUP BY li, lt, ri'),
	-- coded and integer keys
	('SELECT lt, hi %% 100, count(*) FROM %1$s GROUP BY 1, 2'),
	('SELECT date_trunc(''hour'', ts), lt, count(*), sum(v) FROM %1$s GROUP BY 1, 2'),
	('SELECT d, li, count(*) FROM %1$s GROUP BY d, li'),
	-- integer keys only, few and many per batch
	('SELECT d, count(*) FROM %1$s GROUP BY d'),
	('SELECT hi, count(*), sum(v) FROM %1$s GROUP BY hi'),
	-- too many combinations for one map: per-batch ids, or per row
	('SELECT lt, hi, count(*), min(v) FROM %1$s GROUP BY lt, hi'),
	('SELECT hi, d, count(*) FROM %1$s GROUP BY hi, d'),
	-- expressions of one coded column: grouped by its codes, evaluated once
	-- per code (codes with equal results, NULL included, share a group)
	('SELECT upper(lt), count(*) FROM %1$s GROUP BY 1'),
	('SELECT nullif(lt, ''type-3''), li %% 3, count(*), sum(length(lt)) FROM %1$s GROUP BY 1, 2'),
	('SELECT coalesce(lt, ''none''), substr(mt, 1, 4), count(*) FROM %1$s GROUP BY 1, 2'),
	('SELECT lower(mt), count(*), sum(v) FROM %1$s GROUP BY 1'),
	-- a text expression of two columns (per row)
	('SELECT lt || li, count(*) FROM %1$s GROUP BY 1'),
	-- quals, FILTER, HAVING
	('SELECT lt, count(*) FROM %1$s WHERE v < 100 GROUP BY lt'),
	('SELECT lt, li, count(*) FILTER (WHERE v > 500), sum(v) FROM %1$s GROUP BY lt, li HAVING count(*) > 100'),
	('SELECT mt, count(*) FROM %1$s WHERE lt IS NULL GROUP BY mt'),
	-- text quals evaluated once per code on coded chunks
	('SELECT lt, count(*) FROM %1$s WHERE mt LIKE ''few-1%%'' OR mt LIKE ''%%01'' GROUP BY lt'),
	('SELECT li, count(*) FROM %1$s WHERE lt <> ''type-3'' AND mt IN (''few-2'', ''many-4001'') GROUP BY li'),
	('SELECT count(*), count(*) FILTER (WHERE lt >= ''type-5'') FROM %1$s WHERE mt <> ''few-0''');

SELECT id, q, gr_check(q) FROM gr_cases ORDER BY id;

-- spilling: groups past the memory limit go to spill files whichever way
-- their rows were grouped
-- (how many batches of the spill files are grouped per row depends on
-- memory accounting: the counts are left out)
SET work_mem = '64kB';
SELECT id, regexp_replace(gr_check(q), ' \[.*\]', '') FROM gr_cases
WHERE id IN (3, 5, 6, 8, 9, 13, 14, 15, 19) ORDER BY id;
RESET work_mem;

-- parallel
-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, regexp_replace(gr_check(q), ' \[.*\]', '') FROM gr_cases ORDER BY id;
SET work_mem = '64kB';
SELECT id, regexp_replace(gr_check(q), ' \[.*\]', '') FROM gr_cases
WHERE id IN (5, 8, 13, 14, 19) ORDER BY id;
RESET work_mem;
RESET olap.enable_partitioned_agg;
-- partitioned (agg_partition.c): aggregating made dearer than reading, so
-- that every process reading all rows and aggregating its hash partitions
-- of the groups wins
SET olap.parallel_worker_setup_factor = 0;
SET parallel_tuple_cost = 0.01;
SET cpu_operator_cost = 0.05;
SELECT id, regexp_replace(gr_check(q), ' \[.*\]', '') FROM gr_cases ORDER BY id;
RESET olap.parallel_worker_setup_factor;
RESET parallel_tuple_cost;
RESET cpu_operator_cost;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

DROP TABLE gr_cases;
DROP FUNCTION gr_check(text);
DROP TABLE gr_h, gr_o;
