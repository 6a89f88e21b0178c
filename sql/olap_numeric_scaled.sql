-- olap_numeric_scaled: numeric chunks stored as scaled 64-bit integers
-- (the SCALED encoding): which chunks get it, and that everything read
-- from them (rows, aggregates, vectorized quals, chunk skipping, DML) gives
-- the heap twin's answers, compared as text so display scales count.
SET olap.stripe_row_limit = 4000;
SET olap.chunk_group_row_limit = 1000;
CREATE TABLE ns_h (
	id int4,
	k int4,					-- 5 groups
	a numeric(12, 2),		-- NULLs, negatives
	u numeric,				-- one display scale per chunk group, varying
	w numeric,				-- NaN, infinities and int64-edge values in some groups
	d numeric(18, 0)		-- values near the int64 edge once scaled
);
INSERT INTO ns_h
SELECT g, g % 5,
	CASE WHEN g % 13 = 0 THEN NULL ELSE ((g * 7919) % 200001 - 100000) / 100.0 END,
	CASE (g - 1) / 1000
		WHEN 0 THEN round(g / 7.0, 1)		-- scale 1
		WHEN 1 THEN round(g / 7.0, 4)		-- scale 4
		WHEN 2 THEN round(g / 3.0, 1) * 1.0	-- scale 2: x.y0
		WHEN 3 THEN (g % 10)::numeric		-- scale 0
		WHEN 4 THEN g / 8.0					-- scale 16 (1.5000000000000000)
		WHEN 5 THEN CASE WHEN g % 2 = 0 THEN round(g / 7.0, 1) ELSE round(g / 7.0, 3) END	-- mixed
		WHEN 6 THEN round(g / 7000.0, 18)	-- scale 18, below 9.2: scaled
		ELSE round(g / 7.0, 19) END,		-- scale 19: not scaled
	CASE (g - 1) / 1000
		WHEN 0 THEN CASE WHEN g = 500 THEN 'NaN'::numeric ELSE g END
		WHEN 1 THEN CASE WHEN g = 1500 THEN 'Infinity'::numeric WHEN g = 1501 THEN '-Infinity' ELSE g END
		WHEN 2 THEN CASE WHEN g = 2500 THEN 9223372036854775807 ELSE g END	-- int64 max: scaled
		WHEN 3 THEN CASE WHEN g = 3500 THEN 9223372036854775808 ELSE g END	-- beyond: not scaled
		WHEN 4 THEN CASE WHEN g = 4500 THEN -9223372036854775808 ELSE -g END	-- int64 min: scaled
		WHEN 5 THEN CASE WHEN g = 5500 THEN 922337203685470000 ELSE -g END	-- near the edge: scaled
		ELSE g * 1000000000::int8 END,
	CASE WHEN g % 2 = 0 THEN 999999999999999999 - g ELSE -999999999999999999 + g END
FROM generate_series(1, 8000) g;
CREATE TABLE ns_o (LIKE ns_h) USING olap;
INSERT INTO ns_o SELECT * FROM ns_h ORDER BY id;
ANALYZE ns_h;
ANALYZE ns_o;
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- which chunks are scaled: every chunk of a and d; u where its chunk group
-- has one scale up to 18 and its values fit an int64 when scaled; w where
-- there is no NaN, infinity or value beyond int64
SELECT column_name, group_num + (stripe_num - 1) * 4 AS chunk_group, encoding
FROM olap.chunks WHERE relation = 'ns_o'::regclass AND column_name IN ('u', 'w')
ORDER BY 1, 2;
SELECT column_name, count(*) AS chunks, bool_and(encoding = 'scaled') AS all_scaled
FROM olap.chunks WHERE relation = 'ns_o'::regclass AND column_name IN ('a', 'd')
GROUP BY 1 ORDER BY 1;

-- the rows themselves, as text
SELECT olap_test_helpers.diff_count('ns_o', 'ns_h');
SELECT count(*) FROM ns_o o JOIN ns_h h USING (id)
WHERE (o.a, o.u, o.w, o.d)::text IS DISTINCT FROM (h.a, h.u, h.w, h.d)::text;

CREATE FUNCTION ns_check(q text) RETURNS text LANGUAGE sql AS $$
	SELECT olap_test_helpers.agg_check(q, 'ns_h', 'ns_o')
$$;
CREATE TABLE ns_cases (id serial, q text);
INSERT INTO ns_cases (q) VALUES
	('SELECT sum(a), avg(a), min(a), max(a), count(a), count(*) FROM %1$s'),
	('SELECT sum(u), avg(u), min(u), max(u), count(u) FROM %1$s'),
	('SELECT sum(w), avg(w), min(w), max(w) FROM %1$s'),
	('SELECT sum(w), avg(w), min(w), max(w) FROM %1$s WHERE id BETWEEN 2001 AND 3000'),
	('SELECT sum(w), avg(w), min(w), max(w) FROM %1$s WHERE id BETWEEN 4001 AND 5000'),
	('SELECT sum(w), avg(w), min(w), max(w) FROM %1$s WHERE id BETWEEN 5001 AND 6000'),
	('SELECT sum(d), avg(d), min(d), max(d) FROM %1$s'),
	('SELECT k, sum(a), avg(a), min(a), max(a), count(a) FROM %1$s GROUP BY k'),
	('SELECT k, sum(u), avg(u), min(u), max(u), sum(w), min(w), max(w), sum(d) FROM %1$s GROUP BY k'),
	('SELECT (id - 1) / 1000 AS g, sum(u), avg(u), min(u), max(u) FROM %1$s GROUP BY 1'),
	('SELECT a, count(*) FROM %1$s WHERE k = 1 GROUP BY a'),
	('SELECT k, sum(a) FILTER (WHERE a > 0), max(u) FILTER (WHERE u < 100) FROM %1$s GROUP BY k'),
	('SELECT sum(a + 1), max(a * 2), sum(a) FROM %1$s'),
	-- vectorized quals on scaled chunks
	('SELECT count(*), sum(a) FROM %1$s WHERE a > 500.5'),
	('SELECT count(*), sum(a) FROM %1$s WHERE a = 12.34 OR a = -0.5 OR a = 1'),
	('SELECT count(*), sum(a) FROM %1$s WHERE a BETWEEN -10 AND 10.005'),
	('SELECT count(*), sum(a) FROM %1$s WHERE a <= -999.99 OR a >= 999.99'),
	('SELECT count(*), sum(a) FROM %1$s WHERE a IN (1.5, 2.25, 100, 101.01, ''NaN'')'),
	('SELECT count(*), sum(a) FROM %1$s WHERE a NOT IN (1.5, 2.25, 100, 101.01)'),
	('SELECT count(*), sum(a) FROM %1$s WHERE a < ''Infinity'' AND a > ''-Infinity'''),
	('SELECT count(*), sum(a) FROM %1$s WHERE a <> ''NaN'''),
	('SELECT count(*), sum(a) FROM %1$s WHERE a > 0.0000000000000000001'),
	('SELECT count(*), sum(a) FROM %1$s WHERE a < 1e30 AND a > -1e30'),
	('SELECT count(*), sum(u) FROM %1$s WHERE u > 100.12345'),
	('SELECT count(*), sum(w) FROM %1$s WHERE w >= 9223372036854775807 OR w < -4000'),
	('SELECT count(*), sum(d) FROM %1$s WHERE d > 999999999999990000'),
	('SELECT count(*) FROM %1$s WHERE a IS NULL');
SET max_parallel_workers_per_gather = 0;
SELECT id, ns_check(q) FROM ns_cases ORDER BY id;
-- parallel: partial states combined by PostgreSQL
-- partial aggregation (partitioned plans: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT id, ns_check(q) FROM ns_cases ORDER BY id;
-- many groups under a tiny work_mem: rows of a column read only through
-- its scaled view go to spill files as numerics
SET work_mem = '64kB';
SET max_parallel_workers_per_gather = 0;
SELECT olap_test_helpers.agg_check('SELECT id, sum(a), max(u), min(d) FROM %1$s GROUP BY id',
								   'ns_h', 'ns_o', 'Spill Files');
RESET work_mem;
RESET max_parallel_workers_per_gather;
RESET olap.enable_partitioned_agg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- min/max keep the display scale of the last equal value, as PostgreSQL
CREATE TABLE ns_tie_h (v numeric);
INSERT INTO ns_tie_h SELECT 5.0 FROM generate_series(1, 10);
INSERT INTO ns_tie_h SELECT 5.00 FROM generate_series(1, 10);
INSERT INTO ns_tie_h SELECT 4.000 FROM generate_series(1, 10);
CREATE TABLE ns_tie_o (LIKE ns_tie_h) USING olap;
SET olap.chunk_group_row_limit = 10;
INSERT INTO ns_tie_o SELECT 5.0 FROM generate_series(1, 10);
INSERT INTO ns_tie_o SELECT 5.00 FROM generate_series(1, 10);
INSERT INTO ns_tie_o SELECT 4.000 FROM generate_series(1, 10);
RESET olap.chunk_group_row_limit;
SELECT DISTINCT encoding FROM olap.chunks WHERE relation = 'ns_tie_o'::regclass;
SELECT (SELECT max(v)::text || ' ' || min(v)::text || ' ' || sum(v)::text FROM ns_tie_o) =
	   (SELECT max(v)::text || ' ' || min(v)::text || ' ' || sum(v)::text FROM ns_tie_h) AS same,
	   (SELECT max(v)::text FROM ns_tie_o) AS olap_max;

-- chunk skipping by the min/max of scaled chunks
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM ns_o WHERE u > 1100;
SELECT (SELECT count(*) FROM ns_o WHERE u > 1100) = (SELECT count(*) FROM ns_h WHERE u > 1100) AS same;

-- UPDATE and DELETE, then VACUUM (which rewrites the stripes)
UPDATE ns_h SET a = a * 2, u = u + 0.5 WHERE k = 2;
UPDATE ns_o SET a = a * 2, u = u + 0.5 WHERE k = 2;
DELETE FROM ns_h WHERE a < -900 OR w = 'NaN';
DELETE FROM ns_o WHERE a < -900 OR w = 'NaN';
SELECT olap_test_helpers.diff_count('ns_o', 'ns_h');
SELECT id, ns_check(q) FROM ns_cases WHERE id IN (1, 2, 7, 13, 17) ORDER BY id;
VACUUM ns_o;
SELECT olap_test_helpers.diff_count('ns_o', 'ns_h');
SELECT id, ns_check(q) FROM ns_cases WHERE id IN (1, 2, 7, 13, 17) ORDER BY id;

-- a domain over numeric is stored scaled too
CREATE DOMAIN ns_money AS numeric(10, 2) CHECK (VALUE > -1000);
CREATE TABLE ns_dom (v ns_money) USING olap;
INSERT INTO ns_dom SELECT g / 4.0 FROM generate_series(1, 100) g;
SELECT DISTINCT encoding FROM olap.chunks WHERE relation = 'ns_dom'::regclass;
SELECT sum(v), max(v), count(*) FILTER (WHERE v > 12.5) FROM ns_dom;

DROP TABLE ns_h, ns_o, ns_cases, ns_tie_h, ns_tie_o, ns_dom;
DROP DOMAIN ns_money;
DROP FUNCTION ns_check(text);
