--
-- OlapAgg: aggregates computed on OlapScan batches, serial and parallel,
-- compared with a heap twin holding the same rows.
--
SET olap.stripe_row_limit = 5000;	-- several stripes for parallel workers
SET olap.chunk_group_row_limit = 1000;

CREATE TABLE agg_h (i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,
	n numeric, d date, ts timestamp, tz timestamptz, t text, b bool,
	iv interval, allnull int4, big int8, huge float4, g int4);
-- every column has NULLs; float values are exact binary fractions, so their
-- sums do not depend on the order rows are added in
INSERT INTO agg_h
SELECT nullif(x % 100, 3)::int2,
	CASE WHEN x % 7 = 0 THEN NULL ELSE x END,
	CASE WHEN x % 11 = 0 THEN NULL ELSE x::int8 * 1000000007 END,
	CASE WHEN x % 13 = 0 THEN NULL ELSE (x % 100) * 0.25 END,
	CASE WHEN x % 17 = 0 THEN NULL ELSE x * 0.125 - 900 END,
	CASE WHEN x % 19 = 0 THEN NULL ELSE x / 7.0 END,
	CASE WHEN x % 23 = 0 THEN NULL ELSE date '2020-01-01' + x % 900 END,
	CASE WHEN x % 29 = 0 THEN NULL ELSE timestamp '2020-01-01' + x * interval '7 min' END,
	CASE WHEN x % 31 = 0 THEN NULL ELSE timestamptz '2020-01-01 00:00+00' + x * interval '1 h' END,
	CASE WHEN x % 37 = 0 THEN NULL ELSE 'val' || (x % 53) END,
	CASE WHEN x % 41 = 0 THEN NULL ELSE x % 3 = 0 END,
	CASE WHEN x % 43 = 0 THEN NULL ELSE x * interval '1.5 s' END,
	NULL,
	9000000000000000000 - x,
	3e38,
	x % 5
FROM generate_series(1, 30000) x;
CREATE TABLE agg_o (LIKE agg_h) USING olap;
INSERT INTO agg_o SELECT * FROM agg_h;
-- deleted rows must not be aggregated
DELETE FROM agg_h WHERE i4 % 1000 = 1;
DELETE FROM agg_o WHERE i4 % 1000 = 1;
ANALYZE agg_h;
ANALYZE agg_o;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- Runs SELECT aggs FROM each table WHERE cond and says which node
-- aggregated the olap table and whether both gave the same row (or error).
CREATE FUNCTION agg_check(aggs text, cond text DEFAULT 'true',
						  tail text DEFAULT '') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	q text := 'SELECT row(%s)::text FROM %s WHERE %s %s';
	plan text := '';
	line text;
	o text;
	h text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || format(q, aggs, 'agg_o', cond, tail)
	LOOP
		plan := plan || line || E'\n';
	END LOOP;
	BEGIN
		EXECUTE format(q, aggs, 'agg_o', cond, tail) INTO o;
	EXCEPTION WHEN OTHERS THEN
		o := 'ERROR: ' || SQLERRM;
	END;
	BEGIN
		EXECUTE format(q, aggs, 'agg_h', cond, tail) INTO h;
	EXCEPTION WHEN OTHERS THEN
		h := 'ERROR: ' || SQLERRM;
	END;
	RETURN CASE WHEN plan LIKE '%OlapAgg%' THEN 'OlapAgg' ELSE 'PostgreSQL Agg' END ||
		CASE WHEN plan LIKE '%Gather%' THEN ' (parallel)' ELSE '' END ||
		CASE WHEN o IS NOT DISTINCT FROM h THEN ': same'
			 ELSE ': DIFFERENT olap ' || coalesce(o, 'none') || ' heap ' || coalesce(h, 'none') END ||
		CASE WHEN o LIKE 'ERROR%' THEN ' (' || o || ')' ELSE '' END;
END
$$;

-- the checks, run once serial and once parallel
CREATE TABLE agg_cases (id serial, aggs text, cond text DEFAULT 'true',
						tail text DEFAULT '');
INSERT INTO agg_cases (aggs) VALUES
	('count(*)'),
	('count(i2), count(i4), count(i8), count(t), count(allnull)'),
	('sum(i2), sum(i4), sum(i8), sum(n)'),
	('avg(i2), avg(i4), avg(i8), avg(n)'),
	('sum(f4), sum(f8), avg(f4), avg(f8)'),
	('min(i2), max(i2), min(i4), max(i4), min(i8), max(i8)'),
	('min(f4), max(f4), min(f8), max(f8), min(n), max(n)'),
	('min(d), max(d), min(ts), max(ts), min(tz), max(tz)'),
	('min(t), max(t), bool_and(b), bool_or(b)'),
	('sum(iv), avg(iv), min(iv), max(iv)'),
	('count(allnull), sum(allnull), avg(allnull), min(allnull), max(allnull)'),
	('sum(big), avg(big), min(big), max(big)'),
	('count(*) * 2 + sum(i4), max(i4) - min(i4), sum(i8) / count(i8)'),
	('sum(huge)'),			-- float4 overflow: same error as heap
	('avg(huge)'),
	('round(stddev(f8)::numeric, 6), round(variance(f4)::numeric, 6), round(var_pop(f8)::numeric, 6)');	-- float8_accum, like avg; rounded: the sums of squares depend on the order
INSERT INTO agg_cases (aggs, cond) VALUES
	('count(*), sum(i4), min(t), avg(n), max(ts)', 'i4 < 0'),	-- empty input
	('count(*), sum(i4), min(t), avg(n), max(ts)', 'i2 IS NULL'),
	('count(*), sum(i8), max(f8), min(d)', 'i4 BETWEEN 1000 AND 20000 AND t <> ''val7'''),
	('count(*), sum(i4)', 'g IN (1, 3)');
INSERT INTO agg_cases (aggs, tail) VALUES
	('count(*), sum(i4)', 'HAVING count(*) > 10'),
	('count(*), sum(i4)', 'HAVING sum(i8) < 0');
-- FILTER, count(DISTINCT x), expression arguments (more in olap_agg_expr),
-- then what is not supported (PostgreSQL's Agg computes it)
INSERT INTO agg_cases (aggs, cond) VALUES
	('count(*) FILTER (WHERE i4 > 5), sum(i4)', 'true'),
	('count(DISTINCT g), sum(i4)', 'true'),		-- DISTINCT: serial only
	('count(*), bit_or(i4), sum(i4)', 'true'),	-- mixed supported and not
	('sum(i4 + 1)', 'true'),
	('count(*), sum(i8)', 't ~ ''val1.''');		-- a qual batches do not apply

SELECT id, aggs, cond, tail, agg_check(aggs, cond, tail) FROM agg_cases ORDER BY id;

-- GROUP BY: the same aggregates per group, compared with EXCEPT ALL both
-- ways; says which node aggregated and how many groups there are
CREATE FUNCTION agg_group_check(keys text, aggs text, cond text DEFAULT 'true')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	q text := 'SELECT %s, %s FROM %s WHERE %s GROUP BY %s';
	plan text := '';
	line text;
	missing bigint;
	extra bigint;
	groups bigint;
	err text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || format(q, keys, aggs, 'agg_o', cond, keys)
	LOOP
		plan := plan || line || E'\n';
	END LOOP;
	BEGIN
		EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL (%s)) x',
					   format(q, keys, aggs, 'agg_h', cond, keys),
					   format(q, keys, aggs, 'agg_o', cond, keys)) INTO missing;
		EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL (%s)) x',
					   format(q, keys, aggs, 'agg_o', cond, keys),
					   format(q, keys, aggs, 'agg_h', cond, keys)) INTO extra;
		EXECUTE format('SELECT count(*) FROM (%s) x',
					   format(q, keys, aggs, 'agg_o', cond, keys)) INTO groups;
	EXCEPTION WHEN OTHERS THEN
		err := SQLERRM;
		BEGIN
			EXECUTE format(q, keys, aggs, 'agg_h', cond, keys);
			err := 'olap only: ' || err;
		EXCEPTION WHEN OTHERS THEN
			IF SQLERRM = err THEN
				err := 'same error: ' || err;
			ELSE
				err := 'DIFFERENT errors: ' || err || ' / ' || SQLERRM;
			END IF;
		END;
	END;
	RETURN CASE WHEN plan LIKE '%OlapAgg%' THEN 'OlapAgg' ELSE 'PostgreSQL Agg' END ||
		CASE WHEN plan LIKE '%Gather%' THEN ' (parallel)' ELSE '' END ||
		CASE WHEN plan LIKE '%Hash Partitions%' THEN ' partitioned' ELSE '' END ||
		CASE WHEN err <> '' THEN ': ' || err
			 WHEN missing = 0 AND extra = 0 THEN ': same, ' || groups || ' groups'
			 ELSE ': DIFFERENT, ' || missing || ' missing, ' || extra || ' extra' END;
END
$$;

CREATE TABLE agg_keys (keys text);
INSERT INTO agg_keys VALUES ('g'), ('i2'), ('t'), ('b'), ('d'), ('allnull'),
	('i8'), ('ts'), ('tz'), ('g, t'), ('b, g'), ('g, allnull');
-- every key set with every single-row case of agg_cases that OlapAgg runs
-- (no HAVING or WHERE; grouped results per key set, distinct verdicts)
CREATE VIEW agg_group_results AS
SELECT k.keys, string_agg(DISTINCT regexp_replace(agg_group_check(k.keys, c.aggs),
											   ', \d+ groups', ''), '; ') AS verdicts
FROM agg_keys k, agg_cases c
WHERE c.cond = 'true' AND c.tail = '' AND c.id <= 16 AND c.id <> 13
GROUP BY k.keys;
SELECT * FROM agg_group_results ORDER BY keys;
SELECT k.keys, agg_group_check(k.keys, 'count(*), sum(i4), min(t)', 'i4 > 5000 AND g <> 2')
FROM agg_keys k ORDER BY keys;
SELECT agg_group_check('g', 'count(*), sum(i4)', 'i4 < 0');	-- empty input: no groups
-- HAVING per group
SELECT (SELECT count(*) FROM ((SELECT t, count(*) FROM agg_o GROUP BY t HAVING sum(i4) > 8500000)
		EXCEPT ALL (SELECT t, count(*) FROM agg_h GROUP BY t HAVING sum(i4) > 8500000)) x) AS missing,
	(SELECT count(*) FROM ((SELECT t, count(*) FROM agg_h GROUP BY t HAVING sum(i4) > 8500000)
		EXCEPT ALL (SELECT t, count(*) FROM agg_o GROUP BY t HAVING sum(i4) > 8500000)) x) AS extra,
	(SELECT count(*) FROM agg_o GROUP BY t HAVING sum(i4) > 8500000) IS NOT NULL AS some_groups;
SELECT agg_group_check('g', 'sum(i4) * 2 + count(*), max(t)');
-- not supported: PostgreSQL's Agg
SELECT agg_group_check('n', 'count(*)');			-- numeric key
SELECT agg_group_check('g % 2', 'count(*)');		-- expression key: OlapAgg
SELECT agg_group_check('g', 'count(*) FILTER (WHERE b)');	-- OlapAgg
SET work_mem = '64kB';
SELECT agg_group_check('i4', 'count(*), avg(n)');	-- more groups than work_mem: spilled
RESET work_mem;

-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, agg_check(aggs, cond, tail) FROM agg_cases ORDER BY id;
SELECT * FROM agg_group_results ORDER BY keys;
SELECT agg_group_check('g, t', 'count(*), sum(i8), min(t)', 'i4 > 5000');

-- plan shapes
EXPLAIN (COSTS OFF) SELECT count(*), sum(i8), avg(n), min(t) FROM agg_o WHERE i4 > 10;
EXPLAIN (COSTS OFF) SELECT t, g, count(*), sum(i8) FROM agg_o GROUP BY t, g;
EXPLAIN (COSTS OFF, VERBOSE) SELECT count(*) + 1, max(ts) FROM agg_o HAVING count(*) > 1;
RESET olap.enable_partitioned_agg;
-- partitioned (agg_partition.c): aggregating made dearer than reading, so
-- that every process reading all rows and aggregating its hash partitions
-- of the groups wins
SET olap.parallel_worker_setup_factor = 0;
SET parallel_tuple_cost = 0.01;
SET cpu_operator_cost = 0.05;
SELECT * FROM agg_group_results ORDER BY keys;
RESET olap.parallel_worker_setup_factor;
RESET parallel_tuple_cost;
RESET cpu_operator_cost;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
EXPLAIN (COSTS OFF) SELECT count(*), sum(i8), avg(n), min(t) FROM agg_o WHERE i4 > 10;
EXPLAIN (COSTS OFF) SELECT g, count(*) FROM agg_o GROUP BY g;
EXPLAIN (COSTS OFF) SELECT g + 1, count(*) FROM agg_o GROUP BY g + 1;
EXPLAIN (COSTS OFF) SELECT count(*) FILTER (WHERE i4 > 5) FROM agg_o;
SET olap.enable_vectorized_agg = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM agg_o;
SELECT agg_check('count(*), sum(i4)');
RESET olap.enable_vectorized_agg;

-- rescans with a new parameter each time
SELECT x, (SELECT count(*) FROM agg_o WHERE i4 < x * 1000) AS olap,
	(SELECT count(*) FROM agg_h WHERE i4 < x * 1000) AS heap
FROM generate_series(1, 4) x;
EXPLAIN (COSTS OFF)
SELECT x, (SELECT count(*) FROM agg_o WHERE i4 < x * 1000) FROM generate_series(1, 4) x;

-- EXPLAIN ANALYZE counters
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*), sum(i4) FROM agg_o WHERE g = 1;

-- a table whose rows are all deleted
CREATE TABLE agg_empty (a int4, n numeric) USING olap;
INSERT INTO agg_empty SELECT x, x FROM generate_series(1, 5000) x;
ANALYZE agg_empty;
DELETE FROM agg_empty;
CREATE TABLE agg_empty_h (a int4, n numeric);
SELECT (SELECT row(count(*), count(a), sum(a), avg(n), max(n)) FROM agg_empty)
	IS NOT DISTINCT FROM
	(SELECT row(count(*), count(a), sum(a), avg(n), max(n)) FROM agg_empty_h) AS same;
EXPLAIN (COSTS OFF) SELECT count(*), count(a), sum(a), avg(n), max(n) FROM agg_empty;

-- plans aggregated by OlapAgg are not JIT-compiled (olap.jit_olap_agg_plans
-- off), whatever their cost; PostgreSQL's own Agg keeps its JIT decision
CREATE FUNCTION agg_has_jit(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF, SUMMARY OFF) ' || q INTO plan;
	RETURN plan->0->'JIT' IS NOT NULL;
END $$;
SET jit = on;
SET jit_above_cost = 0;
SELECT agg_has_jit('SELECT g, count(*), sum(i4) FROM agg_o GROUP BY g') AS olap_agg_jit,
	   agg_has_jit('SELECT g, count(*), sum(i4) FROM agg_h GROUP BY g') = pg_jit_available()
	   AS heap_agg_as_postgresql;
SET olap.jit_olap_agg_plans = on;
SELECT agg_has_jit('SELECT g, count(*), sum(i4) FROM agg_o GROUP BY g') = pg_jit_available()
	   AS olap_agg_jit_when_asked;
RESET olap.jit_olap_agg_plans;
RESET jit_above_cost;
RESET jit;
DROP FUNCTION agg_has_jit(text);

DROP VIEW agg_group_results;
DROP TABLE agg_empty, agg_empty_h, agg_cases, agg_keys, agg_o, agg_h;
DROP FUNCTION agg_check(text, text, text);
DROP FUNCTION agg_group_check(text, text, text);
