-- olap_vector_quals: quals evaluated on batches (vectorized) give exactly the
-- rows heap gives, for every supported type and operator, with NULLs, at
-- chunk-group boundaries, on dictionary-encoded and plain chunks; quals that
-- cannot be vectorized (nondeterministic collations, other expressions) run
-- per row with the same results.
--
-- A UTF-8 database of its own, so that ICU collations are available and the
-- LIKE fast paths (UTF-8 only) are exercised.
CREATE DATABASE olap_vq TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c olap_vq
CREATE EXTENSION olap_ext;
SET olap.stripe_row_limit = 1000;
SET olap.chunk_group_row_limit = 100;
CREATE COLLATION vq_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE vq_heap (
	id int,
	i2 int2, i4 int4, i8 int8,
	f4 float4, f8 float8,
	num numeric,
	d date, ts timestamp, tz timestamptz,
	b bool,
	low text,					-- few distinct values: dictionary chunks
	high text,					-- many distinct values: plain chunks
	vc varchar(20),
	icu text COLLATE "und-x-icu",
	ci text COLLATE vq_ci
);
INSERT INTO vq_heap
SELECT g,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 200 - 100)::int2 END,
	   CASE WHEN g % 13 = 0 THEN NULL WHEN g % 500 = 1 THEN 2147483647
			WHEN g % 500 = 2 THEN -2147483648 ELSE g * 37 % 1000 - 500 END,
	   CASE WHEN g % 17 = 0 THEN NULL WHEN g % 400 = 3 THEN 9223372036854775807
			ELSE (g::int8 * 7919) % 100000 - 50000 END,
	   CASE WHEN g % 19 = 0 THEN NULL WHEN g % 97 = 0 THEN 'NaN'::float4
			WHEN g % 89 = 0 THEN '-Infinity'::float4 WHEN g % 83 = 0 THEN '-0'::float4
			ELSE (g % 300) / 4.0 END,
	   CASE WHEN g % 23 = 0 THEN NULL WHEN g % 101 = 0 THEN 'NaN'::float8
			WHEN g % 103 = 0 THEN 'Infinity'::float8 ELSE g / 7.0 END,
	   CASE WHEN g % 29 = 0 THEN NULL WHEN g % 307 = 0 THEN 'NaN'::numeric
			ELSE (g % 1000) / 100.0 END,
	   CASE WHEN g % 31 = 0 THEN NULL ELSE '2025-01-01'::date + g % 60 END,
	   CASE WHEN g % 37 = 0 THEN NULL
			ELSE '2025-01-01 00:00'::timestamp + g * interval '17 minutes' END,
	   CASE WHEN g % 41 = 0 THEN NULL
			ELSE '2025-01-01 00:00+00'::timestamptz + g * interval '13 minutes' END,
	   CASE WHEN g % 7 = 0 THEN NULL ELSE g % 3 = 0 END,
	   CASE WHEN g % 43 = 0 THEN NULL
			ELSE (ARRAY['apple', 'banana', 'cherry', 'date', '', 'Apple pie',
						'naïve café', 'banana split'])[g % 8 + 1] END,
	   CASE WHEN g % 47 = 0 THEN NULL ELSE 'item-' || g || '-' || md5(g::text) END,
	   CASE WHEN g % 53 = 0 THEN NULL ELSE 'v' || (g % 50) END,
	   CASE WHEN g % 59 = 0 THEN NULL
			ELSE (ARRAY['a', 'B', 'b', 'ä', 'Z', 'z'])[g % 6 + 1] END,
	   CASE WHEN g % 61 = 0 THEN NULL
			ELSE (ARRAY['abc', 'ABC', 'Abc', 'xyz', 'XYZ'])[g % 5 + 1] END
FROM generate_series(1, 3000) g;
CREATE TABLE vq_olap (LIKE vq_heap INCLUDING ALL) USING olap;
INSERT INTO vq_olap SELECT * FROM vq_heap ORDER BY id;
-- some deleted rows, so selection vectors start with holes
DELETE FROM vq_heap WHERE id % 250 = 7;
DELETE FROM vq_olap WHERE id % 250 = 7;

-- the dictionary and plain encodings are both present
SELECT a.attname, c.encoding IN (1) AS dictionary, count(*) > 0 AS present
FROM olap.chunk c
JOIN pg_attribute a ON a.attrelid = 'vq_olap'::regclass AND a.attnum = c.attr_num
WHERE c.storage_id = olap.storage_id('vq_olap') AND a.attname IN ('low', 'high')
GROUP BY 1, 2 ORDER BY 1, 2;

-- For a qual: whether olap and heap return the same rows (EXCEPT ALL both
-- ways), how many rows heap returns, and how the olap plan evaluates it
-- ("vector", "row" or both).
CREATE FUNCTION vq_check(qual text, OUT same boolean, OUT heap_rows bigint,
						 OUT how text)
LANGUAGE plpgsql AS $$
DECLARE
	diff bigint;
	plan json;
	node json;
BEGIN
	EXECUTE format('SELECT count(*) FROM ((SELECT * FROM vq_olap WHERE %1$s EXCEPT ALL SELECT * FROM vq_heap WHERE %1$s) UNION ALL (SELECT * FROM vq_heap WHERE %1$s EXCEPT ALL SELECT * FROM vq_olap WHERE %1$s)) d', qual)
		INTO diff;
	EXECUTE format('SELECT count(*) FROM vq_heap WHERE %s', qual) INTO heap_rows;
	EXECUTE format('EXPLAIN (FORMAT JSON, COSTS OFF) SELECT * FROM vq_olap WHERE %s', qual)
		INTO plan;
	node := plan->0->'Plan';
	same := diff = 0;
	how := concat_ws('+',
					 CASE WHEN node->>'Vectorized Filter' IS NOT NULL THEN 'vector' END,
					 CASE WHEN node->>'Filter' IS NOT NULL THEN 'row' END);
END $$;

CREATE TABLE vq_quals (n serial, qual text);
INSERT INTO vq_quals (qual) VALUES
	-- integers, cross-type, both sides, extremes
	('i2 = 5'), ('i2 <> 5'), ('i2 < -50'), ('i2 <= -50'), ('i2 > 90'), ('i2 >= 90'),
	('i2 = 5::int8'), ('i2 < 70000'), ('i2 BETWEEN -3 AND 3'), ('i2 IN (1, 2, 3, NULL)'),
	('i4 = 2147483647'), ('i4 = -2147483648'), ('i4 > 400'), ('i4 < -400::int2'),
	('i4 <> 0'), ('i4 >= 4000000000'), ('i4 < -4000000000'), ('-400 > i4'),
	('i4 IN (1, 38, -500, 2147483647)'), ('i4 NOT IN (1, 38, -500)'),
	('i4 NOT IN (1, NULL)'), ('i4 = ANY (''{}''::int[])'), ('i4 <> ALL (''{}''::int[])'),
	('i4 = ANY (NULL::int[])'), ('i4 = NULL::int'),
	('i8 = 9223372036854775807'), ('i8 > 40000'), ('i8 <= -49000::int4'),
	('i8 BETWEEN -100 AND 100'), ('i8 IN (12345, -5681, 9223372036854775807)'),
	('i8 > 2'), ('i8 < 2::int2'),
	-- floats: NaN, infinities, -0, cross-type
	('f4 = ''NaN'''), ('f4 > 70'), ('f4 >= ''NaN'''), ('f4 < 0'), ('f4 = 0'),
	('f4 <> 0'), ('f4 = ''-Infinity'''), ('f4 < 10::float8'), ('f4 = 0.25::float8'),
	('f4 IN (0.5, 1.25, ''NaN'')'),
	('f8 = ''NaN'''), ('f8 > 400'), ('f8 <= 1'), ('f8 = ''Infinity'''),
	('f8 < ''NaN''::float4'), ('f8 BETWEEN 10 AND 11'), ('f8 <> ''NaN''::float8'),
	-- numeric (through its comparison function)
	('num = 1.5'), ('num > 9.5'), ('num < 0.1'), ('num = ''NaN'''), ('num >= ''NaN'''),
	('num IN (1.5, 2.25, 3)'), ('num <> 5'), ('num BETWEEN 2 AND 2.5'), ('num > 3::int'),
	-- date and timestamps, cross-type included
	('d = ''2025-01-05'''), ('d > ''2025-02-20'''), ('d <= ''2025-01-02'''),
	('d IN (''2025-01-10'', ''2025-01-11'')'), ('d < ''2025-01-03 12:00''::timestamp'),
	('d >= ''2025-02-25 00:00+00''::timestamptz'),
	('ts >= ''2025-01-20'''), ('ts < ''2025-01-02 06:00'''), ('ts = ''2025-01-01 00:17'''),
	('ts BETWEEN ''2025-01-10'' AND ''2025-01-11'''), ('ts > ''2025-01-15''::date'),
	('tz < ''2025-01-03 00:00+00'''), ('tz >= ''2025-01-20 00:00+05'''),
	('tz = ''2025-01-01 00:13+00'''), ('tz > ''2025-01-25''::timestamp'),
	('tz <> ''2025-01-01 00:26+00'''),
	-- bool
	('b'), ('NOT b'), ('b = true'), ('b <> true'), ('b IS TRUE'), ('b IS NOT TRUE'),
	('b IS FALSE'), ('b IS NOT FALSE'), ('b IS UNKNOWN'), ('b IS NOT UNKNOWN'),
	-- text: dictionary chunks, plain chunks, varchar
	('low = ''banana'''), ('low <> ''banana'''), ('low = '''''), ('low < ''c'''),
	('low >= ''banana'''), ('low IN (''apple'', ''date'', ''missing'')'),
	('low NOT IN (''apple'', ''date'')'), ('low NOT IN (''apple'', NULL)'),
	('low = ''naïve café'''), ('low = ''missing'''),
	('low LIKE ''banana%'''), ('low LIKE ''%e'''), ('low LIKE ''%an%'''),
	('low LIKE ''apple'''), ('low LIKE ''%'''), ('low LIKE ''%%'''), ('low LIKE ''b_nana'''),
	('low NOT LIKE ''%an%'''), ('low LIKE ''%é'''), ('low LIKE ''na%ca%'''),
	('low LIKE ANY (ARRAY[''a%'', ''%y''])'), ('low LIKE ''Apple\_%'''),
	('high = ''item-10-'' || md5(''10'')'), ('high LIKE ''item-1%'''),
	('high LIKE ''%ff%'''), ('high NOT LIKE ''%a'''), ('high > ''item-5'''),
	('high IN (''item-1-c4ca4238a0b923820dcc509a6f75849b'', ''item-2'')'),
	('vc = ''v7'''), ('vc LIKE ''v1%'''), ('vc IN (''v1'', ''v2'')'), ('vc > ''v40'''),
	('vc <> ''v0'''),
	-- ICU (deterministic) collation: vectorized through the comparison function
	('icu < ''b'''), ('icu = ''b'''), ('icu >= ''ä'''), ('icu IN (''a'', ''Z'')'),
	-- nondeterministic collation: per row
	('ci = ''abc'''), ('ci <> ''xyz'''), ('ci IN (''ABC'', ''xyz'')'),
	-- null tests on every kind of column
	('i4 IS NULL'), ('f8 IS NOT NULL'), ('num IS NULL'), ('low IS NULL'),
	('high IS NOT NULL'), ('tz IS NULL'), ('b IS NULL'),
	-- AND / OR / NOT trees, with NULLs inside
	('i4 > 0 AND low = ''apple'''), ('i4 > 400 OR low = ''apple'''),
	('NOT (i4 > 0)'), ('NOT (i4 > 0 AND low = ''apple'')'),
	('NOT (i4 > 0 OR low LIKE ''%a%'')'), ('(i2 < 0 OR f8 > 100) AND NOT b'),
	('NOT (b OR i8 > 0)'), ('d > ''2025-02-01'' AND (num < 1 OR low IS NULL)'),
	('NOT (low NOT IN (''apple'', NULL))'),
	-- mixed with quals that are not vectorized
	('i4 > 0 AND i4 % 7 = 1'), ('low = ''apple'' AND length(high) > 44'),
	('i4 > 0 OR i4 % 7 = 1'), ('lower(low) = ''apple pie'''),
	('i8 = i4'), ('id < (SELECT 100)'), ('ts > now() - interval ''100 years''');

SELECT n, qual, (vq_check(qual)).* FROM vq_quals ORDER BY n;

-- the same without vectorization: all per row, same answers
SET olap.enable_vectorization = off;
SELECT n, qual, (vq_check(qual)).* FROM vq_quals WHERE n % 10 = 0 ORDER BY n;
RESET olap.enable_vectorization;

-- LIKE under a nondeterministic collation fails exactly as on heap
SELECT count(*) FROM vq_heap WHERE ci LIKE 'a%';
SELECT count(*) FROM vq_olap WHERE ci LIKE 'a%';

-- parameters (generic plans reuse the program with new values) and
-- rescans with new outer values
CREATE FUNCTION vq_params(lim int, word text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	a bigint;
	b bigint;
BEGIN
	SELECT count(*) INTO a FROM vq_olap WHERE i4 > lim AND low = word;
	SELECT count(*) INTO b FROM vq_heap WHERE i4 > lim AND low = word;
	RETURN a = b AND a > 0;
END $$;
SET plan_cache_mode = force_generic_plan;
SELECT lim, word, vq_params(lim, word)
FROM (VALUES (0, 'apple'), (-400, 'banana'), (300, 'date'), (-500, '')) v(lim, word);
RESET plan_cache_mode;
SELECT s, (SELECT count(*) FROM vq_olap WHERE i2 = s AND low LIKE '%a%') =
		  (SELECT count(*) FROM vq_heap WHERE i2 = s AND low LIKE '%a%') AS same
FROM generate_series(-2, 2) s;

-- EXPLAIN: vectorized and row quals, rows removed by each, batches
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM vq_olap WHERE low = 'apple' AND i4 % 7 = 1;
EXPLAIN (COSTS OFF)
SELECT id FROM vq_olap WHERE NOT (b OR i8 > 0) AND high LIKE '%ab%';

-- parallel plans: the same quals in every worker
-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT count(*), sum(i8) FROM vq_olap WHERE low IN ('apple', 'date') AND f8 > 10;
SELECT (SELECT row(count(*), sum(i8)) FROM vq_olap WHERE low IN ('apple', 'date') AND f8 > 10) =
	   (SELECT row(count(*), sum(i8)) FROM vq_heap WHERE low IN ('apple', 'date') AND f8 > 10) AS same;
-- EXPLAIN ANALYZE counters of a parallel scan cover the workers too: their
-- sums equal those of a serial scan
\getenv abs_srcdir PG_ABS_SRCDIR
\set scan_counters_file :abs_srcdir '/sql/include/scan_counters.sql'
\i :scan_counters_file
SELECT scan_counters(q, 0, keys) AS serial,
	   scan_counters(q, 0, keys) = scan_counters(q, 2, keys) AS same
FROM (VALUES ('SELECT count(*) FROM vq_olap WHERE low = ''apple'' AND ts > ''2025-01-10''')) v(q),
	 (VALUES (ARRAY['Batches', 'Chunk Groups Read', 'Chunk Groups Skipped',
					'Bytes Read', 'Bytes Decoded'])) k(keys);

-- a table big enough for a parallel scan is never read in full by every
-- process of a parallel plan (here: the grouped inner side of a join)
EXPLAIN (COSTS OFF)
SELECT g.low, count(*) FROM vq_olap o
JOIN (SELECT i2, min(low) AS low FROM vq_olap GROUP BY i2) g ON g.i2 = o.i2
GROUP BY g.low;
RESET olap.enable_partitioned_agg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- UPDATE and DELETE through vectorized quals
UPDATE vq_heap SET i2 = -i2 WHERE low = 'cherry' AND i4 > 100;
UPDATE vq_olap SET i2 = -i2 WHERE low = 'cherry' AND i4 > 100;
DELETE FROM vq_heap WHERE f8 > 420 OR b IS NULL;
DELETE FROM vq_olap WHERE f8 > 420 OR b IS NULL;
SELECT n, qual, (vq_check(qual)).* FROM vq_quals WHERE n % 7 = 0 ORDER BY n;

-- numeric compared as scaled integers: every scale, signs, values too wide
-- for 64 bits or with too many decimals (compared by numeric_cmp instead),
-- NaN and infinities, on both sides of the comparison
CREATE TABLE vn_heap (id int, n numeric, n2 numeric(12, 2));
INSERT INTO vn_heap
SELECT g,
	   CASE WHEN g % 13 = 0 THEN NULL
			WHEN g % 101 = 0 THEN 'NaN'
			WHEN g % 103 = 0 THEN 'Infinity'
			WHEN g % 107 = 0 THEN '-Infinity'
			WHEN g % 109 = 0 THEN 1e30 + g
			WHEN g % 113 = 0 THEN -1e-25 * g
			WHEN g % 127 = 0 THEN 922337203685477.5807 + g
			ELSE round((g % 400 - 200) / 7.0, g % 6) END,
	   CASE WHEN g % 17 = 0 THEN NULL ELSE (g % 1000 - 500) * 1.25 END
FROM generate_series(1, 3000) g;
CREATE TABLE vn_olap (LIKE vn_heap) USING olap;
INSERT INTO vn_olap SELECT * FROM vn_heap ORDER BY id;
CREATE FUNCTION vn_check(qual text, OUT same boolean, OUT heap_rows bigint,
						 OUT how text)
LANGUAGE plpgsql AS $$
DECLARE
	diff bigint;
	plan json;
BEGIN
	EXECUTE format('SELECT count(*) FROM ((SELECT * FROM vn_olap WHERE %1$s EXCEPT ALL SELECT * FROM vn_heap WHERE %1$s) UNION ALL (SELECT * FROM vn_heap WHERE %1$s EXCEPT ALL SELECT * FROM vn_olap WHERE %1$s)) d', qual)
		INTO diff;
	EXECUTE format('SELECT count(*) FROM vn_heap WHERE %s', qual) INTO heap_rows;
	EXECUTE format('EXPLAIN (FORMAT JSON, COSTS OFF) SELECT * FROM vn_olap WHERE %s', qual)
		INTO plan;
	same := diff = 0;
	how := concat_ws('+',
					 CASE WHEN plan->0->'Plan'->>'Vectorized Filter' IS NOT NULL THEN 'vector' END,
					 CASE WHEN plan->0->'Plan'->>'Filter' IS NOT NULL THEN 'row' END);
END $$;
SELECT qual, (vn_check(qual)).*
FROM (VALUES ('n = 2'), ('n = 2.0000'), ('n = -2.14'), ('n > 10.5'), ('n >= 10.50'),
			 ('n < -28'), ('n <= -28.571'), ('n <> 0'), ('n = 0'),
			 ('n > 1e29'), ('n > 1e31'), ('n < -1e-26'), ('n < 0 AND n > -1e-20'),
			 ('n = ''NaN'''), ('n >= ''NaN'''), ('n < ''NaN'''), ('n = ''Infinity'''),
			 ('n > ''-Infinity'''), ('n < 922337203685478'), ('n > 922337203685477.5807'),
			 ('n IN (2, -2.14, 1e30 + 109, ''NaN'', NULL)'), ('n NOT IN (0, 1, 2)'),
			 ('n BETWEEN -1.5 AND 1.5'), ('n = 0.0000000000000000001'),
			 ('3 < n'), ('-1 >= n'), ('n2 = 12.5'), ('n2 > 600.25'), ('n2 < -499'),
			 ('n2 IN (1.25, 2.50, -625)'), ('n2 = 12.500000000000000000001')) q(qual);

\c contrib_regression
DROP DATABASE olap_vq;
