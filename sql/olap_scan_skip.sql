-- olap_scan_skip: chunk-group skipping by min/max and by value sets (the
-- few distinct values a chunk holds) for "=", IN lists and "= ANY (array)",
-- with constants, parameters, InitPlan results and correlated subqueries.
-- Every query is compared with the same query on a heap twin; the skip
-- counters show which chunk groups were read.
--
-- A UTF-8 database of its own, so that a nondeterministic ICU collation
-- can be tested.
CREATE DATABASE olap_sk TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c olap_sk
CREATE EXTENSION olap_ext;
SET olap.stripe_row_limit = 1000;
SET olap.chunk_group_row_limit = 100;
CREATE COLLATION sk_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

-- Chunk group n (rows 100n .. 100n+99) holds, in most columns, the two
-- values "low" and "high" when n % 3 <> 0 and only the middle value when
-- n % 3 = 0: its min/max range always contains the middle value, and only
-- the value set shows that most groups do not hold it.
CREATE TABLE sk_heap (
	id int,
	i2 int2, i4 int4, i8 int8,
	num numeric,
	f8 float8,
	d date,
	tz timestamptz,
	tc text COLLATE "C",
	ci text COLLATE sk_ci,
	long text,					-- too long for min/max, short enough for a set
	uniq int,					-- all distinct: no value set
	st text COLLATE "C"			-- runs of equal values: RLE chunks
);
INSERT INTO sk_heap
SELECT g,
	   CASE WHEN g % 7 = 0 THEN NULL WHEN mid THEN 20 WHEN hi THEN 30 ELSE 10 END,
	   CASE WHEN g % 11 = 0 THEN NULL WHEN mid THEN 20 WHEN hi THEN 30 ELSE 10 END,
	   CASE WHEN g % 13 = 0 THEN NULL WHEN mid THEN 20 WHEN hi THEN 30 ELSE 10 END,
	   -- same values written with different scales
	   CASE WHEN g % 17 = 0 THEN NULL WHEN mid THEN 2.00 + (g % 2) * 0.0
			WHEN hi THEN 3.0 ELSE 1 END,
	   -- -0 and 0 are equal; NaN equals NaN and sorts above every number
	   CASE WHEN g % 19 = 0 THEN NULL WHEN mid THEN (CASE WHEN g % 2 = 0 THEN '-0' ELSE '0' END)::float8
			WHEN hi THEN 'NaN' ELSE -1.5 END,
	   CASE WHEN g % 23 = 0 THEN NULL WHEN mid THEN date '2025-06-15'
			WHEN hi THEN date '2025-12-31' ELSE date '2025-01-01' END,
	   CASE WHEN g % 29 = 0 THEN NULL WHEN mid THEN timestamptz '2025-06-15 12:00+00'
			WHEN hi THEN timestamptz '2025-12-31 12:00+00' ELSE timestamptz '2025-01-01 12:00+00' END,
	   CASE WHEN g % 31 = 0 THEN NULL WHEN mid THEN 'banana' WHEN hi THEN 'cherry' ELSE 'apple' END,
	   CASE WHEN g % 37 = 0 THEN NULL WHEN mid THEN (CASE WHEN g % 2 = 0 THEN 'Banana' ELSE 'banana' END)
			WHEN hi THEN 'cherry' ELSE 'apple' END,
	   CASE WHEN g % 41 = 0 THEN NULL WHEN mid THEN repeat('m', 300)
			WHEN hi THEN repeat('z', 300) ELSE repeat('a', 300) END,
	   g,
	   CASE WHEN mid THEN 'refunded' WHEN g % 100 < 50 THEN 'paid' ELSE 'shipped' END
FROM generate_series(0, 2999) g,
	 LATERAL (SELECT (g / 100) % 3 = 0 AS mid, g % 2 = 1 AS hi) s;
CREATE TABLE sk_olap (LIKE sk_heap INCLUDING ALL) USING olap;
INSERT INTO sk_olap SELECT * FROM sk_heap ORDER BY id;
ANALYZE sk_heap, sk_olap;

-- value sets are kept for the low-cardinality columns only; a chunk with
-- values too long for min/max still gets a set
SELECT a.attname,
	   count(*) FILTER (WHERE c.value_set IS NOT NULL) AS with_set,
	   count(*) FILTER (WHERE c.min_value IS NOT NULL) AS with_minmax,
	   count(*) AS chunks
FROM olap.chunk c
JOIN pg_attribute a ON a.attrelid = 'sk_olap'::regclass AND a.attnum = c.attr_num
WHERE c.storage_id = olap.storage_id('sk_olap')
GROUP BY a.attname, a.attnum ORDER BY a.attnum;

-- run-length encoded chunks (where the encoder's dictionary analysis gives
-- up early) have value sets too
SELECT c.encoding, count(*) AS chunks, count(c.value_set) AS with_set
FROM olap.chunk c
WHERE c.storage_id = olap.storage_id('sk_olap') AND c.attr_num = 13
GROUP BY c.encoding ORDER BY c.encoding;

-- For a qual: whether olap and heap return the same rows (EXCEPT ALL both
-- ways), how many rows heap returns, and how many chunk groups the olap
-- scan read and skipped.
CREATE FUNCTION sk_check(qual text, OUT same boolean, OUT heap_rows bigint,
						 OUT groups_read int, OUT groups_skipped int)
LANGUAGE plpgsql AS $$
DECLARE
	diff bigint;
	plan json;
	node jsonb;
BEGIN
	EXECUTE format('SELECT count(*) FROM ((SELECT * FROM sk_olap WHERE %1$s EXCEPT ALL SELECT * FROM sk_heap WHERE %1$s) UNION ALL (SELECT * FROM sk_heap WHERE %1$s EXCEPT ALL SELECT * FROM sk_olap WHERE %1$s)) d', qual)
		INTO diff;
	EXECUTE format('SELECT count(*) FROM sk_heap WHERE %s', qual) INTO heap_rows;
	EXECUTE format('EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF, SUMMARY OFF) SELECT * FROM sk_olap WHERE %s', qual)
		INTO plan;
	node := jsonb_path_query_first(plan::jsonb,
		'strict $.**?(@."Custom Plan Provider" == "OlapScan")');
	same := diff = 0;
	groups_read := node->'Chunk Groups Read';
	groups_skipped := node->'Chunk Groups Skipped';
END $$;

CREATE TABLE sk_quals (n serial, qual text);
INSERT INTO sk_quals (qual) VALUES
	-- the middle value: only the groups that hold it are read
	('i2 = 20'), ('i4 = 20'), ('i8 = 20'), ('i4 = 20::int8'), ('i8 = 20::int2'),
	('20 = i4'), ('i4 = 15'), ('i4 = 10'), ('i4 = 30'), ('i4 = 31'),
	-- IN lists and arrays: NULL elements, empty and NULL arrays
	('i4 IN (15, 20)'), ('i4 IN (15, 25)'), ('i4 IN (10, 20)'), ('i4 IN (NULL, 20)'),
	('i4 IN (NULL, 15)'), ('i4 = ANY (''{}''::int[])'), ('i4 = ANY (NULL::int[])'),
	('i4 = ANY (ARRAY[20, NULL]::int8[])'), ('i8 IN (20, 4000000000)'),
	('i2 IN (20::int8, 25::int8)'), ('i4 <> ALL (''{10, 30}''::int[])'),
	('i4 = ANY (ARRAY[15, 20 + 0])'),
	-- numeric: equal values of different scales
	('num = 2'), ('num = 2.000'), ('num IN (1.00, 2.5)'), ('num = 2.5'), ('num = 3'),
	-- float8: -0 equals 0, NaN equals NaN
	('f8 = 0'), ('f8 = ''-0'''), ('f8 = ''NaN'''), ('f8 IN (0.5, ''NaN'')'),
	('f8 = 0.5'), ('f8 = -1.5::float4'),
	-- date and timestamptz, cross-type
	('d = ''2025-06-15'''), ('d = ''2025-06-16'''), ('d = ''2025-06-15 00:00''::timestamp'),
	('d IN (''2025-06-15'', ''2025-07-01'')'),
	('tz = ''2025-06-15 12:00+00'''), ('tz = ''2025-06-15 14:00+02'''),
	('tz = ''2025-06-15''::date'),
	-- text under "C", a nondeterministic collation, values without min/max
	('tc = ''banana'''), ('tc = ''b'''), ('tc IN (''banana'', ''kiwi'')'),
	('tc IN (''b'', ''kiwi'')'), ('tc = ''Banana'''),
	('ci = ''BANANA'''), ('ci IN (''BaNaNa'', ''x'')'), ('ci = ''b'''),
	('long = repeat(''m'', 300)'), ('long = repeat(''n'', 300)'),
	('long IN (repeat(''m'', 300), repeat(''a'', 300))'),
	-- run-length encoded chunks: 'pending' sorts between 'paid' and 'shipped'
	('st = ''refunded'''), ('st = ''pending'''), ('st IN (''paid'', ''lost'')'),
	-- no value set: min/max only
	('uniq = 1500'), ('uniq IN (5, 1500, 2950)'),
	-- combined keys
	('i4 = 20 AND tc = ''banana'''), ('i4 = 20 AND tc = ''apple'''),
	('i4 IN (10, 20) AND d = ''2025-06-15''');
SELECT n, qual, (sk_check(qual)).* FROM sk_quals ORDER BY n;

-- parameters of a prepared statement, past the switch to a generic plan:
-- the value (or array) is known only at execution, and each execution
-- skips by its own
PREPARE sk_eq(int) AS SELECT count(*), sum(id) FROM sk_olap WHERE i4 = $1;
PREPARE sk_eq_heap(int) AS SELECT count(*), sum(id) FROM sk_heap WHERE i4 = $1;
PREPARE sk_any(int[]) AS SELECT count(*), sum(id) FROM sk_olap WHERE i4 = ANY ($1);
PREPARE sk_any_heap(int[]) AS SELECT count(*), sum(id) FROM sk_heap WHERE i4 = ANY ($1);
CREATE FUNCTION sk_exec_check(stmt text, arg text, OUT same boolean,
							  OUT groups_skipped int)
LANGUAGE plpgsql AS $$
DECLARE
	a record;
	b record;
	plan json;
BEGIN
	EXECUTE format('EXECUTE %s(%s)', stmt, arg) INTO a;
	EXECUTE format('EXECUTE %s_heap(%s)', stmt, arg) INTO b;
	EXECUTE format('EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF, SUMMARY OFF) EXECUTE %s(%s)', stmt, arg)
		INTO plan;
	same := a IS NOT DISTINCT FROM b;
	groups_skipped := jsonb_path_query_first(plan::jsonb,
		'strict $.**?(@."Custom Plan Provider" == "OlapScan")')->'Chunk Groups Skipped';
END $$;
-- custom plans first, then generic ones (the key is $1, evaluated at
-- executor start)
SELECT arg, (sk_exec_check(stmt, arg)).*
FROM (VALUES ('sk_eq', '20'), ('sk_eq', '15'), ('sk_any', '''{15,20}''')) v(stmt, arg);
SET plan_cache_mode = force_generic_plan;
SELECT stmt, arg, (sk_exec_check(stmt, arg)).*
FROM (VALUES ('sk_eq', '20'), ('sk_eq', '15'), ('sk_eq', '10'), ('sk_eq', 'NULL'),
			 ('sk_any', '''{15,20}'''), ('sk_any', '''{15,25}'''), ('sk_any', '''{}'''),
			 ('sk_any', '''{NULL,20}'''), ('sk_any', 'NULL')) v(stmt, arg);
EXPLAIN (COSTS OFF) EXECUTE sk_eq(20);
EXPLAIN (COSTS OFF) EXECUTE sk_any('{20}');
RESET plan_cache_mode;

-- an InitPlan result inside the IN list, and a correlated subquery whose
-- key changes on every rescan
SELECT (SELECT count(*) FROM sk_olap WHERE i4 IN (15, (SELECT max(i4) - 10 FROM sk_heap))) =
	   (SELECT count(*) FROM sk_heap WHERE i4 IN (15, (SELECT max(i4) - 10 FROM sk_heap))) AS same;
SELECT array_agg(o ORDER BY v) = array_agg(h ORDER BY v) AS same, count(*) AS outer_rows
FROM (SELECT v,
			 (SELECT count(*) FROM sk_olap WHERE i4 = ANY (ARRAY[v, v + 100])) AS o,
			 (SELECT count(*) FROM sk_heap WHERE i4 = ANY (ARRAY[v, v + 100])) AS h
	  FROM generate_series(5, 35, 5) v) s;

-- the same skipping in parallel workers
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT n, qual, (sk_check(qual)).* FROM sk_quals
WHERE qual IN ('i4 = 20', 'i4 IN (15, 25)', 'tc IN (''banana'', ''kiwi'')', 'f8 = 0')
ORDER BY n;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- after UPDATE and DELETE the remaining rows still give the heap's answers
UPDATE sk_heap SET i4 = 25 WHERE id % 100 = 50;
UPDATE sk_olap SET i4 = 25 WHERE id % 100 = 50;
DELETE FROM sk_heap WHERE i4 = 20 AND id % 3 = 0;
DELETE FROM sk_olap WHERE i4 = 20 AND id % 3 = 0;
SELECT qual, (sk_check(qual)).same
FROM (VALUES ('i4 = 20'), ('i4 = 25'), ('i4 IN (15, 25)'), ('i4 = 30')) v(qual);

-- a damaged value set is reported as corrupted data, not used
CREATE TEMP TABLE sk_saved AS
SELECT * FROM olap.chunk WHERE storage_id = olap.storage_id('sk_olap') AND attr_num = 3;
UPDATE olap.chunk SET value_set = '\x0500ff'
WHERE storage_id = olap.storage_id('sk_olap') AND attr_num = 3 AND value_set IS NOT NULL;
SELECT count(*) FROM sk_olap WHERE i4 = 20;
UPDATE olap.chunk c SET value_set = s.value_set FROM sk_saved s
WHERE c.storage_id = s.storage_id AND c.stripe_num = s.stripe_num
  AND c.group_num = s.group_num AND c.attr_num = s.attr_num;
SELECT (sk_check('i4 = 20')).*;

\c contrib_regression
DROP DATABASE olap_sk;
