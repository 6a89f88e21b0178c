--
-- count(DISTINCT) sets under memory pressure: statistics gathered while
-- the table held few keys and values make the planner expect small sets,
-- so OlapAgg runs and its sets outgrow a tiny work_mem at run time; the
-- pass is then split into spill files by group (Distinct Repartitions),
-- recursively when a file is still too big.  Results compared as text
-- with a heap twin; also texts interned from dictionary and plain chunks,
-- long (compressed) texts and 64-bit values.
--
SET olap.stripe_row_limit = 10000;
SET olap.chunk_group_row_limit = 2000;
CREATE TABLE ds_h (k int4, t text, i8 int8, d date, n numeric(10, 2));
CREATE TABLE ds_o (LIKE ds_h) USING olap;
INSERT INTO ds_h
SELECT x % 10, 'page-' || x % 5, x % 3, date '2024-01-01' + x % 4, x % 7
FROM generate_series(1, 2000) x;
INSERT INTO ds_o SELECT * FROM ds_h;
ANALYZE ds_h;
ANALYZE ds_o;
-- many more keys and values than the statistics know of
INSERT INTO ds_h
SELECT (x::int8 * 7919) % 20000,
	CASE WHEN x % 101 = 0 THEN NULL
		WHEN x % 997 = 0 THEN repeat('long text ', 400) || (x % 13)
		ELSE 'page-' || (x * 31) % 3000 END,
	CASE WHEN x % 53 = 0 THEN NULL ELSE (x::int8 * 104729) % 50000 - 25000 END,
	date '2024-01-01' + x % 900,
	(x % 1000) / 4.0
FROM generate_series(1, 120000) x;
INSERT INTO ds_o SELECT * FROM ds_h OFFSET 2000;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- olap_test_helpers.agg_check (am_basic) on this test's twins.
CREATE FUNCTION ds_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'ds_h', 'ds_o')
$$;

CREATE TABLE ds_cases (id serial, q text);
INSERT INTO ds_cases (q) VALUES
	('SELECT k, count(DISTINCT t), count(*), sum(n) FROM %1$s GROUP BY k'),
	('SELECT k, count(DISTINCT i8), avg(n), max(d) FROM %1$s GROUP BY k'),
	('SELECT k, count(DISTINCT d), count(DISTINCT t) FILTER (WHERE i8 > 0) FROM %1$s GROUP BY k'),
	('SELECT d, count(DISTINCT k) FROM %1$s GROUP BY d'),
	('SELECT k, count(DISTINCT t) FROM %1$s GROUP BY k HAVING count(DISTINCT t) > 3'),
	('SELECT count(DISTINCT t), count(DISTINCT i8), count(DISTINCT k) FROM %1$s');

SET max_parallel_workers_per_gather = 0;
SELECT id, ds_check(q) FROM ds_cases ORDER BY id;
SET work_mem = '64kB';
SELECT id, ds_check(q) FROM ds_cases ORDER BY id;
RESET work_mem;
RESET max_parallel_workers_per_gather;

-- Without GROUP BY, integers go into a bitmap over the range seen
-- (agg_distinct.c); a value stretching the range beyond 2^26 moves them
-- into the hash table, mid-batch.  Every integer-like width, negative
-- values, NULLs, the int8 extremes, a FILTER, an empty input, and a
-- table whose ranges are narrow first and wide at the end.
CREATE TABLE bm_h (i2 int2, i4 int4, i8 int8, d date, b bool, w int8);
INSERT INTO bm_h
SELECT CASE WHEN x % 17 = 0 THEN NULL ELSE (x * 37) % 30000 - 15000 END,
	(x * 7919) % 100000 - 500,
	CASE WHEN x % 13 = 0 THEN NULL ELSE (x::int8 * 104729) % 1000000 END,
	date '2000-01-01' + (x * 31) % 20000,
	x % 3 = 0,
	CASE WHEN x < 39990 THEN x % 5000
		 WHEN x % 3 = 0 THEN x::int8 * 1000000
		 WHEN x % 3 = 1 THEN -9223372036854775808
		 ELSE 9223372036854775807 END
FROM generate_series(1, 40000) x;
CREATE TABLE bm_o (LIKE bm_h) USING olap;
INSERT INTO bm_o SELECT * FROM bm_h;
SELECT q, olap_test_helpers.agg_check(q, 'bm_h', 'bm_o') FROM (VALUES
	('SELECT count(DISTINCT i2), count(DISTINCT i4), count(DISTINCT i8), count(DISTINCT d), count(DISTINCT b) FROM %1$s'),
	('SELECT count(DISTINCT w), count(DISTINCT i4) FILTER (WHERE i2 > 0) FROM %1$s'),
	('SELECT count(DISTINCT i8) FROM %1$s WHERE i4 < -1000'),
	('SELECT count(DISTINCT w) FROM %1$s WHERE w > 4000')) v(q);
DROP TABLE bm_h, bm_o;

DROP TABLE ds_cases, ds_h, ds_o;
DROP FUNCTION ds_check(text);
