--
-- OlapAgg grouping by one integer-like key with many distinct values
-- (agg_group.c: assign_int_key, find_int_group): int2, int4, int8, date and
-- timestamptz keys, NULL keys, negative values, a key coded in some chunk
-- groups and plain in others, expressions of a column, spilling under a
-- tiny work_mem, serial and parallel; every result compared with a heap
-- twin holding the same rows.
--
SET olap.stripe_row_limit = 10000;
SET olap.chunk_group_row_limit = 1000;
CREATE TABLE ik_h (
	s int2,			-- many values, negative ones, NULLs
	i int4,			-- nearly all distinct, negative ones, zeros, NULLs
	b int8,			-- all distinct, large and negative
	mixed int8,		-- runs of 500 in even chunk groups, distinct in odd
	d date,			-- many days, NULLs
	tz timestamptz,	-- many instants
	v int4);
INSERT INTO ik_h
SELECT CASE WHEN x % 101 = 0 THEN NULL ELSE ((x * 7919) % 30011 - 15000)::int2 END,
	CASE WHEN x % 89 = 0 THEN NULL WHEN x % 83 = 0 THEN 0
		 ELSE (x * 2654435761) % 1000003 - 500000 END,
	((x::int8 * 2654435761) % 4294967311) * 2000003 - 4000000000000000,
	CASE WHEN (x / 1000) % 2 = 0 THEN x / 500 ELSE -x * 3 END,
	CASE WHEN x % 97 = 0 THEN NULL ELSE date '2000-01-01' + (x * 37) % 20000 END,
	timestamptz '2024-01-01 00:00:00+00' + ((x * 7) % 45000) * interval '1 second',
	x % 1000
FROM generate_series(1, 60000) x;
CREATE TABLE ik_o (LIKE ik_h) USING olap;
INSERT INTO ik_o SELECT * FROM ik_h;
-- deleted rows are not in any group
DELETE FROM ik_h WHERE v = 7;
DELETE FROM ik_o WHERE v = 7;
-- statistics of every row, so that the plans do not depend on a sample
SET default_statistics_target = 250;
ANALYZE ik_h;
ANALYZE ik_o;
RESET default_statistics_target;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- the data has the shapes the cases rely on (the batches of the mixed key
-- are grouped by codes in some chunk groups and per row in others)
SELECT column_name, encoding, count(*)
FROM olap.chunks WHERE relation = 'ik_o'::regclass
GROUP BY 1, 2 ORDER BY 1, 2;

-- olap_test_helpers.agg_check (am_basic) on this test's twins.
CREATE FUNCTION ik_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'ik_h', 'ik_o', 'Batches Grouped')
$$;

CREATE TABLE ik_cases (id serial, q text);
INSERT INTO ik_cases (q) VALUES
	('SELECT s, count(*), sum(v), min(i) FROM %1$s GROUP BY s'),
	('SELECT i, count(*), sum(v), max(b) FROM %1$s GROUP BY i'),
	('SELECT b, count(*), min(d), max(tz) FROM %1$s GROUP BY b'),
	('SELECT mixed, count(*), sum(v) FROM %1$s GROUP BY mixed'),
	('SELECT d, count(*), avg(v) FROM %1$s GROUP BY d'),
	('SELECT tz, count(*), sum(i) FROM %1$s GROUP BY tz'),
	-- expressions of one column
	('SELECT i / 3, count(*) FROM %1$s GROUP BY 1'),
	('SELECT -b, count(*), sum(v) FROM %1$s GROUP BY 1'),
	-- only the key, HAVING, quals, NULL keys only
	('SELECT i FROM %1$s GROUP BY i'),
	('SELECT i, count(*) FROM %1$s GROUP BY i HAVING count(*) > 1'),
	('SELECT i, sum(v) FROM %1$s WHERE v < 500 GROUP BY i'),
	('SELECT i, count(*) FROM %1$s WHERE i IS NULL GROUP BY i'),
	('SELECT s, count(*) FROM %1$s WHERE s < 0 GROUP BY s'),
	-- an outer query over the groups
	('SELECT count(*), sum(c), min(b), max(b) FROM (SELECT b, count(*) AS c FROM %1$s GROUP BY b) x'),
	-- fewer groups, still most rows of a batch in a new one
	('SELECT b %% 5003, count(*), sum(v), min(tz) FROM %1$s GROUP BY 1'),
	('SELECT i %% 7919, count(*), max(d) FROM %1$s GROUP BY 1'),
	('SELECT d + s, count(*), sum(v) FROM %1$s GROUP BY 1'),
	('SELECT b %% 997, count(*), sum(v) FROM %1$s GROUP BY 1'),
	('SELECT s %% 600, count(*), min(i) FROM %1$s GROUP BY 1');

SELECT id, q, ik_check(q) FROM ik_cases ORDER BY id;

-- spilling: rows of groups not in memory go to the spill file of their
-- hash; the groups come back from the files the same
SET work_mem = '64kB';
SELECT id, regexp_replace(ik_check(q), ' \[.*\]', '') FROM ik_cases ORDER BY id;
RESET work_mem;

-- parallel settings, and spilling under them (PostgreSQL's own hash
-- aggregation, which would win these plans, is off; the planner keeps
-- OlapAgg serial for most of them: many groups per row)
SET enable_hashagg = off;
-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, regexp_replace(ik_check(q), ' \[.*\]', '') FROM ik_cases ORDER BY id;
SET work_mem = '64kB';
SELECT id, regexp_replace(ik_check(q), ' \[.*\]', '') FROM ik_cases
WHERE id IN (1, 2, 3, 4, 6, 8, 15, 16, 17, 18, 19) ORDER BY id;
RESET work_mem;
RESET olap.enable_partitioned_agg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET enable_hashagg;

DROP TABLE ik_cases;
DROP FUNCTION ik_check(text);
DROP TABLE ik_h, ik_o;
