--
-- OlapAgg with expressions: grouping by time buckets and other expressions
-- of columns, aggregates of expressions, FILTER clauses and
-- count(DISTINCT x), serial and parallel, compared with a heap twin.
--
SET olap.stripe_row_limit = 5000;	-- several stripes for parallel workers
SET olap.chunk_group_row_limit = 1000;
SET TimeZone = 'UTC';

CREATE TABLE ax_h (ts timestamp, tz timestamptz, d date, i2 int2, i4 int4,
	i8 int8, t text, n numeric, b bool, allnull int4);
-- timestamps cross daylight saving time changes of America/New_York and
-- Europe/Berlin (March and November 2021); the first half of the rows in
-- time order, the second half shuffled
INSERT INTO ax_h
SELECT CASE WHEN x % 31 = 0 THEN NULL
			ELSE timestamp '2021-03-01' + (CASE WHEN x <= 15000 THEN x ELSE (x * 7919) % 30000 END) * interval '17 min' END,
	CASE WHEN x % 37 = 0 THEN NULL
		 ELSE timestamptz '2021-03-01 00:00+00' + (CASE WHEN x <= 15000 THEN x ELSE (x * 7919) % 30000 END) * interval '13 min' END,
	CASE WHEN x % 23 = 0 THEN NULL ELSE date '2021-01-01' + x % 400 END,
	nullif(x % 100, 3)::int2,
	CASE WHEN x % 7 = 0 THEN NULL ELSE x END,
	CASE WHEN x % 11 = 0 THEN NULL ELSE x::int8 * 1000003 END,
	CASE WHEN x % 13 = 0 THEN NULL ELSE 'val' || (x % 41) END,
	CASE WHEN x % 19 = 0 THEN NULL ELSE x / 8.0 END,
	CASE WHEN x % 17 = 0 THEN NULL ELSE x % 3 = 0 END,
	NULL
FROM generate_series(1, 30000) x;
CREATE TABLE ax_o (LIKE ax_h) USING olap;
INSERT INTO ax_o SELECT * FROM ax_h;
DELETE FROM ax_h WHERE i4 % 1000 = 1;
DELETE FROM ax_o WHERE i4 % 1000 = 1;
ANALYZE ax_h;
ANALYZE ax_o;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- olap_test_helpers.agg_check (am_basic) on this test's twins.
CREATE FUNCTION ax_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'ax_h', 'ax_o')
$$;

CREATE TABLE ax_cases (id serial, q text);
INSERT INTO ax_cases (q) VALUES
	-- time buckets and other expression keys
	('SELECT date_trunc(''day'', ts), count(*), sum(i4) FROM %1$s GROUP BY 1'),
	('SELECT date_trunc(''hour'', ts) AS h, count(*), max(t) FROM %1$s GROUP BY h'),
	('SELECT date_trunc(''week'', ts), date_trunc(''month'', ts), count(*) FROM %1$s GROUP BY 1, 2'),
	('SELECT date_trunc(''day'', tz), count(*), min(i8) FROM %1$s GROUP BY 1'),
	('SELECT date_trunc(''hour'', tz), count(*) FROM %1$s GROUP BY 1'),
	('SELECT date_trunc(''month'', tz)::date, count(*), sum(n) FROM %1$s GROUP BY 1'),
	('SELECT date_trunc(''day'', ts)::date, t, count(*) FROM %1$s GROUP BY 1, 2'),
	('SELECT date_bin(''15 minutes'', ts, timestamp ''2021-01-01 00:07''), count(*) FROM %1$s GROUP BY 1'),
	('SELECT date_bin(''2 hours'', tz, timestamptz ''2021-01-01 00:00+00''), avg(i4) FROM %1$s GROUP BY 1'),
	('SELECT ts::date, count(*) FROM %1$s GROUP BY 1'),
	('SELECT tz::date, count(*) FROM %1$s GROUP BY 1'),
	('SELECT d::timestamp, count(*) FROM %1$s GROUP BY 1'),
	('SELECT extract(dow FROM ts)::int4 AS dow, count(*) FROM %1$s GROUP BY 1'),
	('SELECT i4 %% 7, count(*), sum(i8) FROM %1$s GROUP BY 1'),
	('SELECT i4 %% 3 = 0, b, count(*) FROM %1$s GROUP BY 1, 2'),
	('SELECT lower(upper(t)), count(*) FROM %1$s GROUP BY 1'),
	('SELECT substr(t, 1, 4) || i2, count(*) FROM %1$s GROUP BY 1'),
	('SELECT i2 + i4, count(*) FROM %1$s GROUP BY 1'),
	('SELECT coalesce(allnull, 0) + 1, count(*) FROM %1$s GROUP BY 1'),
	('SELECT (i4 %% 5)::text, count(*) FROM %1$s GROUP BY 1 HAVING count(*) > 5000'),
	('SELECT date_trunc(''day'', ts) + interval ''1 hour'', count(*) FROM %1$s GROUP BY date_trunc(''day'', ts)'),
	('SELECT date_trunc(''day'', ts), count(*) FROM %1$s WHERE i4 > 20000 GROUP BY 1'),
	('SELECT date_trunc(''day'', ts), count(*) FROM %1$s WHERE i4 < 0 GROUP BY 1'),
	-- aggregates of expressions
	('SELECT sum(i4 * 2), avg(i8 + 1), max(length(t)), min(ts + interval ''1 day'') FROM %1$s'),
	('SELECT i2 %% 4, sum(i4 * 2), avg(n * 2), count(t || ''x''), bool_or(i4 > 29000) FROM %1$s GROUP BY 1'),
	('SELECT sum(i4 * 100000) FROM %1$s'),			-- int4 overflow: same error
	('SELECT i2, sum(i4 * 100000) FROM %1$s GROUP BY 1'),
	('SELECT sum(1 / (i4 - 15000)) FROM %1$s'),	-- division by zero on one row
	('SELECT i2 %% 4, sum(length(t)), sum(octet_length(t)), max(char_length(t)), avg(character_length(t)) FROM %1$s GROUP BY 1'),
	-- FILTER: vectorized, per row, with NULLs
	('SELECT count(*) FILTER (WHERE t = ''val3''), sum(i4) FILTER (WHERE b), count(*) FROM %1$s'),
	('SELECT count(*) FILTER (WHERE i4 > 10000 AND t <> ''val1''), avg(n) FILTER (WHERE i2 IS NULL) FROM %1$s'),
	('SELECT count(*) FILTER (WHERE t ~ ''val1.''), max(ts) FILTER (WHERE i4 %% 2 = 0) FROM %1$s'),
	('SELECT count(*) FILTER (WHERE b IS NOT TRUE), min(t) FILTER (WHERE allnull > 0) FROM %1$s'),
	('SELECT t, count(*) FILTER (WHERE b), sum(i8) FILTER (WHERE i4 < 15000), count(*) FROM %1$s GROUP BY t'),
	('SELECT date_trunc(''day'', ts), count(*) FILTER (WHERE t = ''val3'') FROM %1$s GROUP BY 1'),
	-- count(DISTINCT x)
	('SELECT count(DISTINCT i4), count(DISTINCT t), count(DISTINCT d), count(DISTINCT ts) FROM %1$s'),
	('SELECT count(DISTINCT i2), count(DISTINCT b), count(DISTINCT allnull), count(DISTINCT tz) FROM %1$s'),
	('SELECT count(DISTINCT i4 %% 10), count(DISTINCT lower(t)), count(DISTINCT i8) FROM %1$s'),
	('SELECT count(DISTINCT t) FILTER (WHERE b), count(DISTINCT i2) FILTER (WHERE t = ''val3'') FROM %1$s'),
	('SELECT t, count(DISTINCT i2), count(*), count(DISTINCT d) FROM %1$s GROUP BY t'),
	('SELECT i2, count(DISTINCT t), sum(i4) FROM %1$s GROUP BY 1'),
	('SELECT date_trunc(''day'', ts), count(DISTINCT i2) FROM %1$s GROUP BY 1'),
	('SELECT count(DISTINCT i4) FROM %1$s WHERE i4 < 0'),
	-- not supported: PostgreSQL's Agg
	('SELECT count(DISTINCT n) FROM %1$s'),			-- numeric values
	('SELECT sum(DISTINCT i4) FROM %1$s'),
	('SELECT count(DISTINCT i4 ORDER BY i4) FROM %1$s'),
	('SELECT n, count(*) FROM %1$s GROUP BY 1'),		-- numeric key
	('SELECT (random() * 0)::int, count(*) FROM %1$s GROUP BY 1'),	-- volatile key
	('SELECT sum(i4) FILTER (WHERE i4 > (SELECT 5)) FROM %1$s'),	-- InitPlan in FILTER
	('SELECT count(*) FILTER (WHERE random() >= 0) FROM %1$s');
-- GROUP BY without aggregates
INSERT INTO ax_cases (q) VALUES
	('SELECT t FROM %1$s GROUP BY t'),
	('SELECT date_trunc(''day'', tz), b FROM %1$s GROUP BY 1, 2'),
	('SELECT i2 FROM %1$s WHERE i4 > 100 GROUP BY i2 HAVING i2 > 50');
-- integer arithmetic with a constant runs as a loop: same results and errors
INSERT INTO ax_cases (q) VALUES
	('SELECT sum(i8 * 3), sum(3 - i4), min(i8 + 5), max(-7 * i4), avg(i4 - 1) FROM %1$s'),
	('SELECT i2, sum(i4 + 2147483000) FROM %1$s GROUP BY 1'),	-- int4 overflow
	('SELECT sum(i8 * 10000000000000) FROM %1$s'),				-- int8 overflow
	-- sums of a column and a constant from the column's sum (int24pl & co.)
	('SELECT sum(i2 + 1), sum(i2 - 7), sum(5 - i2), avg(i2 + 100), sum(i4 + 3), sum(i4 - 2), avg(1 - i4), sum(i4 + 1::int2) FROM %1$s'),
	('SELECT sum(i4 + 2147483000), sum(i2 + 1) FROM %1$s'),	-- int4 overflow
	('SELECT sum(-2147483000 - i4) FROM %1$s'),					-- int4 overflow
	('SELECT sum(i4 + 1) FILTER (WHERE b), avg(i2 - 3) FILTER (WHERE t = ''val3''), sum(i4 + 1), sum(i2 + 2) FROM %1$s'),
	('SELECT sum(allnull + 1), avg(allnull - 1), sum(i4 + 1), avg(i2 + 1) FROM %1$s WHERE i4 < 100'),
	-- two columns
	('SELECT i2 %% 4, sum(i4 * i4), avg(i4 - i2), min(i2 - i4), max(i8 + i8), sum(allnull - i4) FROM %1$s GROUP BY 1'),
	('SELECT sum(i8 * i8) FROM %1$s'),							-- int8 overflow
	-- sum and avg of one column share one transition state
	('SELECT i2, sum(n), avg(n), sum(i8), avg(i8), sum(n) FILTER (WHERE b) FROM %1$s GROUP BY 1');

SELECT id, q, ax_check(q) FROM ax_cases ORDER BY id;

-- time zones with daylight saving time: every timestamptz bucket is
-- evaluated by PostgreSQL per row
SET TimeZone = 'America/New_York';
SELECT id, ax_check(q) FROM ax_cases WHERE q ~ 'tz' ORDER BY id;
SET TimeZone = 'Europe/Berlin';
SELECT id, ax_check(q) FROM ax_cases WHERE q ~ 'tz' ORDER BY id;
SET TimeZone = 'UTC';

-- parallel plans (count(DISTINCT) stays serial: PostgreSQL does not combine
-- partial DISTINCT states)
-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, ax_check(q) FROM ax_cases ORDER BY id;
EXPLAIN (COSTS OFF)
SELECT date_trunc('month', tz)::date, count(*) FILTER (WHERE t = 'val3'), sum(i4 + 1)
FROM ax_o GROUP BY 1;
-- EXPLAIN's Rows Aggregated and Batches are summed over all processes
CREATE FUNCTION ax_counters(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	plan jsonb;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
	RETURN (jsonb_path_query_first(plan, 'strict $.**."Rows Aggregated"') =
			to_jsonb((SELECT count(*) FROM ax_h))) || ' ' ||
		(jsonb_path_query_first(plan, 'strict $.**."Batches"') =
		 jsonb_path_query_first(plan, 'strict $.**."Plans".**."Batches"')) || ' ' ||
		(plan::text LIKE '%Gather%');
END
$$;
SELECT ax_counters('SELECT t, count(*) FROM ax_o GROUP BY t');
DROP FUNCTION ax_counters(text);
RESET olap.enable_partitioned_agg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- plan shapes
EXPLAIN (COSTS OFF)
SELECT date_trunc('day', tz)::date, count(*) FILTER (WHERE t = 'val3'),
	count(*) FILTER (WHERE t ~ 'x'), sum(i4 + 1), count(DISTINCT t)
FROM ax_o GROUP BY 1;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(DISTINCT t), count(*) FILTER (WHERE b) FROM ax_o;

-- a FILTER parameter that changes at each rescan
SELECT x, (SELECT count(*) FILTER (WHERE i4 < x * 1000) FROM ax_o) AS olap,
	(SELECT count(*) FILTER (WHERE i4 < x * 1000) FROM ax_h) AS heap
FROM generate_series(1, 3) x;
SELECT x, (SELECT count(DISTINCT i2) FILTER (WHERE i4 < x * 1000) FROM ax_o) AS olap,
	(SELECT count(DISTINCT i2) FILTER (WHERE i4 < x * 1000) FROM ax_h) AS heap
FROM generate_series(1, 3) x;

DROP TABLE ax_cases, ax_o, ax_h;
DROP FUNCTION ax_check(text);
RESET TimeZone;

-- Results cached by input value (agg_memo.c): a column repeating each
-- value about 13 times in no order, NULL inputs and NULL results, results
-- by value and by reference; Expression Evaluations (this process's)
-- shows fewer evaluations than rows.  Then a cache that fills up and is
-- emptied between batches (64kB work_mem).
SET olap.chunk_group_row_limit = 1000;
CREATE TABLE mx_h (g int, u text);
INSERT INTO mx_h
SELECT x % 3, CASE WHEN x % 29 = 0 THEN NULL
	ELSE 'https://site' || (x * 7919) % 3000 || '.example/' ||
		repeat('p', (x * 7919) % 3000 % 40) END
FROM generate_series(1, 40000) x;
CREATE TABLE mx_o (LIKE mx_h) USING olap;
INSERT INTO mx_o SELECT * FROM mx_h;
RESET olap.chunk_group_row_limit;
CREATE TABLE mx_cases (id serial, q text);
INSERT INTO mx_cases (q) VALUES
	('SELECT regexp_replace(u, ''^https://([^/]+)/.*$'', ''\1'') AS k, count(*), max(g) FROM %1$s GROUP BY 1'),
	('SELECT g, count(nullif(substring(u from 9 for 5), ''site1'')), max(strpos(u, ''pp'')) FROM %1$s GROUP BY g'),
	('SELECT upper(u), count(*) FROM %1$s GROUP BY 1'),
	('SELECT count(*) FILTER (WHERE u ~ ''site1[0-9]\.''), sum(strpos(u, ''7'')) FROM %1$s'),
	-- min/max(text) compared as bytes under C: prefixes, empty strings
	('SELECT g, min(u), max(u), min(substr(u, 1, 14)), max(substr(u, 1, 14)), min(substr(u, 30)) FROM %1$s GROUP BY g');
SET max_parallel_workers_per_gather = 0;
SELECT id, olap_test_helpers.agg_check(q, 'mx_h', 'mx_o', 'Expression Evaluations')
FROM mx_cases ORDER BY id;
SET work_mem = '64kB';
SELECT id, olap_test_helpers.agg_check(q, 'mx_h', 'mx_o', 'Expression Evaluations')
FROM mx_cases ORDER BY id;
RESET work_mem;
-- an expression with a parameter that changes at each rescan is not
-- cached (the cache would keep the first parameter's results)
SELECT x, (SELECT count(*) FILTER (WHERE u ~ ('site' || x || '[0-9]\.')) FROM mx_o) AS olap,
	(SELECT count(*) FILTER (WHERE u ~ ('site' || x || '[0-9]\.')) FROM mx_h) AS heap
FROM generate_series(1, 3) x;
RESET max_parallel_workers_per_gather;
DROP TABLE mx_cases, mx_o, mx_h;

-- Text lengths counted in a loop (agg_input.c) in a UTF-8 database:
-- characters of one to four bytes, NULLs, strings longer than a block of
-- 255 words, and long values the heap twin keeps compressed.
CREATE DATABASE olap_ax TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c olap_ax
CREATE EXTENSION olap_ext;
SET olap.chunk_group_row_limit = 500;
CREATE TABLE tl_h (g int, t text);
INSERT INTO tl_h
SELECT x % 5, CASE WHEN x % 17 = 0 THEN NULL
	ELSE repeat(substr('a' || U&'\00e9\20ac\+01f600' || 'b', 1 + x % 5, 1 + x % 3), x % 900)
		|| repeat('x', x % 9) END
FROM generate_series(1, 3000) x;
CREATE TABLE tl_o (LIKE tl_h) USING olap;
INSERT INTO tl_o SELECT * FROM tl_h;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
SELECT g, sum(length(t)), sum(char_length(t)), sum(octet_length(t)) FROM tl_o GROUP BY g;
-- rows where heap and olap differ: none
(SELECT g, sum(length(t)), sum(char_length(t)), sum(octet_length(t)),
		max(character_length(t)), count(length(t)) FROM tl_h GROUP BY g
 EXCEPT
 SELECT g, sum(length(t)), sum(char_length(t)), sum(octet_length(t)),
		max(character_length(t)), count(length(t)) FROM tl_o GROUP BY g)
UNION ALL
(SELECT g, sum(length(t)), sum(char_length(t)), sum(octet_length(t)),
		max(character_length(t)), count(length(t)) FROM tl_o GROUP BY g
 EXCEPT
 SELECT g, sum(length(t)), sum(char_length(t)), sum(octet_length(t)),
		max(character_length(t)), count(length(t)) FROM tl_h GROUP BY g);
-- and the multibyte characters are there to count
SELECT sum(length(t)) < sum(octet_length(t)) AS multibyte FROM tl_o;
\c contrib_regression
DROP DATABASE olap_ax;
