--
-- percentile_disc and percentile_cont WITHIN GROUP in OlapAgg
-- (agg_percentile.c): every input type it takes, no key / one / two keys,
-- NULL inputs, empty and all-NULL groups, edge fractions and their errors,
-- shared states, groups that outgrow memory into tuplesorts, and the forms
-- left to PostgreSQL's Agg; compared with a heap twin.
--
SET olap.stripe_row_limit = 5000;
SET olap.chunk_group_row_limit = 1000;
CREATE TABLE pc_h (g int4, h text, i2 int2, i4 int4, i8 int8, d date,
	ts timestamp, tz timestamptz, f8 float8, iv interval, allnull int4);
INSERT INTO pc_h
SELECT x % 7, CASE WHEN x % 5 = 0 THEN NULL ELSE 'h' || x % 3 END,
	CASE WHEN x % 11 = 0 THEN NULL ELSE (x * 37) % 2000 - 1000 END,
	CASE WHEN x % 13 = 0 THEN NULL ELSE (x * 7919) % 100000 END,
	CASE WHEN x % 17 = 0 THEN NULL ELSE (x::int8 * 1000003) % 9999991 - 5000000 END,
	date '2020-01-01' + (x * 31) % 999,
	timestamp '2020-01-01' + ((x * 53) % 100000) * interval '1 min',
	timestamptz '2020-01-01 00:00+00' + ((x * 59) % 100000) * interval '1 s',
	x / 7.0, x * interval '1 s', NULL
FROM generate_series(1, 30000) x;
CREATE TABLE pc_o (LIKE pc_h) USING olap;
INSERT INTO pc_o SELECT * FROM pc_h;
ANALYZE pc_h;
ANALYZE pc_o;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- olap_test_helpers.agg_check (am_basic) on this test's twins.
CREATE FUNCTION pc_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'pc_h', 'pc_o', 'Percentile Tuplesorts')
$$;

CREATE TABLE pc_cases (id serial, q text);
INSERT INTO pc_cases (q) VALUES
	-- every input type, no grouping key
	('SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY i2), percentile_disc(0.5) WITHIN GROUP (ORDER BY i4), percentile_disc(0.5) WITHIN GROUP (ORDER BY i8) FROM %1$s'),
	('SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY d), percentile_disc(0.75) WITHIN GROUP (ORDER BY ts), percentile_disc(0.99) WITHIN GROUP (ORDER BY tz) FROM %1$s'),
	('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY i2), percentile_cont(0.1) WITHIN GROUP (ORDER BY i4), percentile_cont(0.333) WITHIN GROUP (ORDER BY i8) FROM %1$s'),
	-- one and two keys, NULL key values, several fractions of one input
	('SELECT g, percentile_disc(0) WITHIN GROUP (ORDER BY i4), percentile_disc(1) WITHIN GROUP (ORDER BY i4), percentile_disc(0.5) WITHIN GROUP (ORDER BY i4) FROM %1$s GROUP BY g'),
	('SELECT g, percentile_cont(0) WITHIN GROUP (ORDER BY i8), percentile_cont(1) WITHIN GROUP (ORDER BY i8), percentile_cont(0.37) WITHIN GROUP (ORDER BY i8) FROM %1$s GROUP BY g'),
	('SELECT g, h, percentile_disc(0.9) WITHIN GROUP (ORDER BY i2), percentile_cont(0.9) WITHIN GROUP (ORDER BY i2), count(*) FROM %1$s GROUP BY g, h'),
	('SELECT h, percentile_disc(0.5) WITHIN GROUP (ORDER BY ts), min(ts), percentile_disc(0.5) WITHIN GROUP (ORDER BY d) FROM %1$s GROUP BY h'),
	-- empty groups (FILTER), all-NULL groups and inputs, a WHERE leaving nothing
	('SELECT g, percentile_disc(0.5) WITHIN GROUP (ORDER BY i4) FILTER (WHERE i4 > 99990) FROM %1$s GROUP BY g'),
	('SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY allnull), percentile_disc(0.5) WITHIN GROUP (ORDER BY allnull) FROM %1$s GROUP BY g'),
	('SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY i4) FROM %1$s WHERE i4 < 0'),
	('SELECT g, percentile_disc(0.5) WITHIN GROUP (ORDER BY i4) FROM %1$s WHERE i4 < 0 GROUP BY g'),
	-- fractions: NULL, out of range (same error), not a constant
	('SELECT g, percentile_disc(NULL) WITHIN GROUP (ORDER BY i4), percentile_cont(NULL) WITHIN GROUP (ORDER BY i4) FROM %1$s GROUP BY g'),
	('SELECT percentile_disc(1.5) WITHIN GROUP (ORDER BY i4) FROM %1$s'),
	('SELECT g, percentile_cont(-0.5) WITHIN GROUP (ORDER BY i4) FROM %1$s GROUP BY g'),
	-- left to PostgreSQL: descending order, float and interval inputs,
	-- array of fractions, a fraction from a column
	('SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY i4 DESC) FROM %1$s'),
	('SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY f8), percentile_disc(0.5) WITHIN GROUP (ORDER BY f8) FROM %1$s GROUP BY g'),
	('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY iv) FROM %1$s'),
	('SELECT percentile_disc(ARRAY[0.1, 0.5]) WITHIN GROUP (ORDER BY i4) FROM %1$s'),
	('SELECT g, percentile_disc(0.5) WITHIN GROUP (ORDER BY i4), sum(i4) FROM %1$s GROUP BY g HAVING percentile_cont(0.5) WITHIN GROUP (ORDER BY i4) > 40000'),
	-- mixed with other aggregates and an expression input
	('SELECT g, count(*), avg(i4), percentile_cont(0.5) WITHIN GROUP (ORDER BY i4 %% 1000), max(d) FROM %1$s GROUP BY g');
-- a fraction that is not a constant: PostgreSQL's Agg
INSERT INTO pc_cases (q) VALUES
	('SELECT g, percentile_disc(g / 10.0) WITHIN GROUP (ORDER BY i4) FROM %1$s GROUP BY g');

SET max_parallel_workers_per_gather = 0;
SELECT id, q, pc_check(q) FROM pc_cases ORDER BY id;

-- groups that outgrow the hash memory limit move into tuplesorts (shown as
-- Percentile Tuplesorts) and still give the same values
SET work_mem = '64kB';
SELECT id, pc_check(q) FROM pc_cases WHERE id IN (1, 3, 4, 5, 6, 20) ORDER BY id;
RESET work_mem;

-- parallel settings: PostgreSQL has no partial percentiles, so these plans
-- stay serial, with the same results
-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, pc_check(q) FROM pc_cases WHERE id IN (1, 4, 6, 20) ORDER BY id;
RESET olap.enable_partitioned_agg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;

EXPLAIN (COSTS OFF)
SELECT g, percentile_disc(0.5) WITHIN GROUP (ORDER BY i4),
	percentile_cont(0.9) WITHIN GROUP (ORDER BY i4)
FROM pc_o GROUP BY g;

-- a rescan of a node with tuplesorts, each time with other rows
SET work_mem = '64kB';
SELECT x, (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY i8) FROM pc_o WHERE i4 > x * 1000) AS olap,
	(SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY i8) FROM pc_h WHERE i4 > x * 1000) AS heap
FROM generate_series(1, 3) x;
RESET work_mem;
RESET max_parallel_workers_per_gather;

DROP TABLE pc_cases, pc_o, pc_h;
DROP FUNCTION pc_check(text);
