--
-- OlapAgg's numeric accumulator (sum and avg of numeric as scaled
-- integers), the fallback to PostgreSQL's state for NaN, infinities, huge
-- values and large scales, parallel plans whose partial states PostgreSQL
-- combines, and many groups under a tiny work_mem; every result is
-- compared as text (so display scales count) with a heap twin.
--
SET olap.stripe_row_limit = 10000;
SET olap.chunk_group_row_limit = 2000;
CREATE TABLE nm_h (
	k int4,					-- 5000 groups
	s int4,					-- 7 groups
	a numeric(12, 2),		-- money-like, with NULLs and negatives
	m numeric,				-- mixed display scales, no typmod
	w numeric,				-- NaN, infinities, huge and tiny values
	b int8);
INSERT INTO nm_h
SELECT (x * 7919) % 5000,
	x % 7,
	CASE WHEN x % 11 = 0 THEN NULL ELSE ((x * 37) % 100000 - 30000) / 100.0 END,
	CASE x % 5 WHEN 0 THEN (x % 1000)::numeric
		WHEN 1 THEN x / 8.0
		WHEN 2 THEN -(x % 77) / 1000.0
		WHEN 3 THEN round(x / 7.0, 9)
		ELSE NULL END,
	CASE WHEN x = 20000 THEN 'NaN'::numeric
		WHEN x = 30000 THEN 'Infinity'::numeric
		WHEN x = 30001 THEN '-Infinity'::numeric
		WHEN x % 1000 = 7 THEN 1e30 + x
		WHEN x % 1000 = 8 THEN x * 1e-20
		WHEN x % 1000 = 9 THEN 1.0 / x
		ELSE x END,
	CASE WHEN x % 3 = 0 THEN 9000000000000000000 ELSE x END
FROM generate_series(1, 60000) x;
-- the same rows again, negated, so some sums come back to zero
INSERT INTO nm_h SELECT k, s, -a, -m, NULL, b FROM nm_h WHERE k < 10;
CREATE TABLE nm_o (LIKE nm_h) USING olap;
INSERT INTO nm_o SELECT * FROM nm_h;
ANALYZE nm_h;
ANALYZE nm_o;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- olap_test_helpers.agg_check (am_basic) on this test's twins.
CREATE FUNCTION nm_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'nm_h', 'nm_o')
$$;

CREATE TABLE nm_cases (id serial, q text);
INSERT INTO nm_cases (q) VALUES
	('SELECT sum(a), avg(a), min(a), max(a), count(a) FROM %1$s'),
	('SELECT sum(m), avg(m), min(m), max(m) FROM %1$s'),
	('SELECT sum(w), avg(w) FROM %1$s'),
	('SELECT sum(w), avg(w) FROM %1$s WHERE w <> ''NaN'''),
	('SELECT sum(w), avg(w) FROM %1$s WHERE w < 1e29'),
	('SELECT sum(b::numeric), avg(b::numeric), sum(b), avg(b) FROM %1$s'),
	('SELECT sum(a) FROM %1$s WHERE a > 1e9'),
	('SELECT k, sum(a), avg(a), sum(m), avg(m) FROM %1$s GROUP BY k'),
	('SELECT s, sum(a), avg(a), sum(m), avg(m), sum(w), avg(w) FROM %1$s GROUP BY s'),
	('SELECT k, sum(w), avg(w) FROM %1$s WHERE k < 50 GROUP BY k'),
	('SELECT k, sum(a) FILTER (WHERE s = 3), avg(m) FILTER (WHERE s > 2) FROM %1$s GROUP BY k'),
	('SELECT k, sum(a) FROM %1$s GROUP BY k HAVING sum(a) > 100'),
	('SELECT k, sum(a + m), avg(a * 2) FROM %1$s GROUP BY k'),
	('SELECT s, sum(a), count(DISTINCT k) FROM %1$s GROUP BY s'),
	('SELECT count(DISTINCT k), sum(a) FROM %1$s'),
	-- avg(int2/int4): PostgreSQL's int8[] (count, sum) state, NULLs skipped
	('SELECT avg(k), avg(s::int2), avg(nullif(k, 7)), avg(-k) FROM %1$s'),
	('SELECT s, avg(k), avg((k %% 300)::int2), avg(nullif(k, 7)) FROM %1$s GROUP BY s'),
	('SELECT k, avg(s), avg(nullif(s, 3)::int2), avg(k) FILTER (WHERE s > 4) FROM %1$s GROUP BY k');

-- serial
SET max_parallel_workers_per_gather = 0;
SELECT id, nm_check(q) FROM nm_cases ORDER BY id;

-- parallel: PostgreSQL's Finalize Aggregate combines the partial states
-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, nm_check(q) FROM nm_cases ORDER BY id;

-- many groups under a tiny work_mem: spilled, serial and parallel
SET work_mem = '64kB';
SET max_parallel_workers_per_gather = 0;
SELECT id, nm_check(q) FROM nm_cases WHERE q LIKE '%GROUP BY k%' ORDER BY id;
SET max_parallel_workers_per_gather = 2;
SELECT id, nm_check(q) FROM nm_cases WHERE q LIKE '%GROUP BY k%' ORDER BY id;
RESET work_mem;
RESET max_parallel_workers_per_gather;
RESET olap.enable_partitioned_agg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- the accumulator is listed with the batch loops
EXPLAIN (COSTS OFF) SELECT sum(a), avg(a) FROM nm_o;
EXPLAIN (COSTS OFF) SELECT avg(k), avg(s::int2) FROM nm_o;

-- an empty input and a group of NULLs only
SELECT sum(a), avg(a) FROM nm_o WHERE k < 0;
SELECT k, sum(a), avg(a) FROM nm_o WHERE a IS NULL AND k < 3 GROUP BY k ORDER BY k;
SELECT k, sum(a), avg(a) FROM nm_h WHERE a IS NULL AND k < 3 GROUP BY k ORDER BY k;

-- a sum that outgrows 128 bits once rescaled falls back mid-group
CREATE TABLE nm_big_h (v numeric);
INSERT INTO nm_big_h SELECT 9e18 FROM generate_series(1, 3000);
INSERT INTO nm_big_h VALUES (1e-16), (-5), (2.5);
CREATE TABLE nm_big_o (v numeric) USING olap;
INSERT INTO nm_big_o SELECT * FROM nm_big_h;
SELECT (SELECT sum(v)::text || ' ' || avg(v)::text FROM nm_big_o) =
	(SELECT sum(v)::text || ' ' || avg(v)::text FROM nm_big_h) AS same,
	(SELECT sum(v) FROM nm_big_o);

-- min/max keep the last of equal values, as numeric_smaller/larger do
-- (the display scale shows which); NaN sorts above everything
CREATE TABLE nm_tie_h (g int, v numeric);
INSERT INTO nm_tie_h VALUES (1, 2.0), (1, 1), (1, 1.00), (1, 3), (1, 3.000),
	(1, 1.0), (1, 3.0), (2, 'NaN'), (2, 5), (2, -1e30), (2, -1e-30),
	(3, 'Infinity'), (3, '-Infinity'), (3, 7.5);
CREATE TABLE nm_tie_o (LIKE nm_tie_h) USING olap;
INSERT INTO nm_tie_o SELECT * FROM nm_tie_h;
SET max_parallel_workers_per_gather = 0;
SELECT g, min(v), max(v) FROM nm_tie_o GROUP BY g ORDER BY g;
SELECT g, min(v), max(v) FROM nm_tie_h GROUP BY g ORDER BY g;
SELECT min(v), max(v) FROM nm_tie_o WHERE g = 1;
SELECT min(v), max(v) FROM nm_tie_h WHERE g = 1;
RESET max_parallel_workers_per_gather;

-- errors are numeric.c's: a failing argument expression
SELECT sum(a / (k - k)) FROM nm_o;

DROP TABLE nm_big_h, nm_big_o, nm_tie_h, nm_tie_o, nm_cases, nm_h, nm_o;
DROP FUNCTION nm_check(text);
