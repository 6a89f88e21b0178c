-- olap_scan: the OlapScan custom scan returns exactly what heap returns,
-- reads only the needed columns and skips chunk groups by min/max.
SET olap.stripe_row_limit = 5000;
SET olap.chunk_group_row_limit = 500;

CREATE TABLE scan_heap (id int, ts timestamptz, day date, n int8, x float8,
	amount numeric, label text, flag bool, maybe int);
INSERT INTO scan_heap
SELECT g, '2025-01-01 00:00+00'::timestamptz + g * interval '1 minute',
	   '2025-01-01'::date + g / 1440, (g * 7919) % 100000 - 50000,
	   CASE WHEN g % 97 = 0 THEN 'NaN'::float8 ELSE g / 3.0 END,
	   (g % 1000) / 10.0, 'label ' || (g % 23), g % 5 = 0,
	   CASE WHEN g % 500 < 250 THEN NULL ELSE g END
FROM generate_series(1, 20000) g;
CREATE TABLE scan_olap (LIKE scan_heap) USING olap;
INSERT INTO scan_olap SELECT * FROM scan_heap ORDER BY id;

-- the plan uses OlapScan and names the columns it reads
EXPLAIN (COSTS OFF) SELECT sum(n) FROM scan_olap WHERE ts >= '2025-01-10';
EXPLAIN (COSTS OFF) SELECT count(*) FROM scan_olap;
EXPLAIN (COSTS OFF) SELECT * FROM scan_olap WHERE label = 'label 3';

-- every qual below gives the heap result
CREATE FUNCTION scan_compare(qual text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	a text;
	b text;
BEGIN
	EXECUTE format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY id), '''')) FROM scan_olap t WHERE %s', qual) INTO a;
	EXECUTE format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY id), '''')) FROM scan_heap t WHERE %s', qual) INTO b;
	RETURN a = b;
END $$;

SELECT qual, scan_compare(qual) AS same FROM (VALUES
	('id < 500'), ('id <= 500'), ('id = 500'), ('id >= 19500'), ('id > 19500'),
	('id BETWEEN 4990 AND 5010'), ('id = 0'), ('id > 20000'), ('500 > id'),
	('id::int8 > 19999'), ('n < -49000'), ('n = 12345'),
	('ts < ''2025-01-02'''), ('ts >= ''2025-01-14 12:00+00'''),
	('day = ''2025-01-05'''), ('day > ''2025-01-13''::timestamp'),
	('x > 6000'), ('x = ''NaN'''), ('x < 1'),
	('amount < 1.5'), ('amount = 99.9'),
	('label = ''label 7'''), ('label < ''label 1'''), ('label > ''label 5'''),
	('label = ''no such'''), ('flag'), ('NOT flag'),
	('maybe IS NULL'), ('maybe IS NOT NULL'), ('maybe > 19000'), ('maybe < 300'),
	('maybe = NULL::int'), ('id < 100 OR id > 19900'), ('id % 1000 = 1'),
	('label LIKE ''label 1%'''), ('true'), ('false'),
	('ts > now() - interval ''100 years'''), ('id < (SELECT 42)')
) q(qual);

-- skipping on a sorted column reads only the chunk groups that can match
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM scan_olap WHERE ts < '2025-01-02 00:00+00';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM scan_olap WHERE id = 12345;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM scan_olap WHERE maybe IS NOT NULL AND maybe < 1000;

-- parameters of a prepared statement, also past the switch to a generic
-- plan (PL/pgSQL caches the plan of its queries)
CREATE FUNCTION by_id(tab regclass, p int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	IF tab = 'scan_olap'::regclass THEN
		SELECT count(*) || '/' || coalesce(sum(n), 0) INTO r FROM scan_olap WHERE id <= p;
	ELSE
		SELECT count(*) || '/' || coalesce(sum(n), 0) INTO r FROM scan_heap WHERE id <= p;
	END IF;
	RETURN r;
END $$;
SELECT count(*) AS calls, bool_and(by_id('scan_olap', p) = by_id('scan_heap', p)) AS all_same
FROM generate_series(0, 20500, 683) p;
PREPARE by_id_stmt(int) AS SELECT count(*) FROM scan_olap WHERE id <= $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE by_id_stmt(300);
EXECUTE by_id_stmt(300) \gset olap_
SELECT :olap_count = (SELECT count(*) FROM scan_heap WHERE id <= 300) AS generic_plan_same;
RESET plan_cache_mode;

-- rescans: a correlated subquery and a nested loop
SELECT count(*) FROM scan_olap o
WHERE o.id < 200 AND o.n > (SELECT min(n) FROM scan_olap i WHERE i.id BETWEEN o.id AND o.id + 10);
SELECT count(*) FROM scan_heap o
WHERE o.id < 200 AND o.n > (SELECT min(n) FROM scan_heap i WHERE i.id BETWEEN o.id AND o.id + 10);
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT count(*), sum(a.n + b.n) FROM scan_olap a JOIN scan_olap b ON a.id = b.id + 1
WHERE a.id < 300 AND b.id < 300;
SELECT count(*), sum(a.n + b.n) FROM scan_heap a JOIN scan_heap b ON a.id = b.id + 1
WHERE a.id < 300 AND b.id < 300;
RESET enable_hashjoin;
RESET enable_mergejoin;

-- a scrollable cursor can go backward (a Material node is put on top)
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT id FROM scan_olap WHERE id BETWEEN 10 AND 14;
FETCH 3 FROM c;
FETCH BACKWARD 2 FROM c;
FETCH LAST FROM c;
COMMIT;

-- FOR UPDATE and UPDATE through OlapScan
BEGIN;
SELECT id, label FROM scan_olap WHERE id = 7 FOR UPDATE;
UPDATE scan_olap SET label = 'changed' WHERE id BETWEEN 7 AND 9;
UPDATE scan_heap SET label = 'changed' WHERE id BETWEEN 7 AND 9;
DELETE FROM scan_olap WHERE id = 10;
DELETE FROM scan_heap WHERE id = 10;
COMMIT;
SELECT scan_compare('id < 20') AS same_after_changes;

-- parallel OlapScan with every process claiming chunk groups
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(*), sum(n), sum(amount) FROM scan_olap WHERE id > 100;
SELECT (SELECT row(count(*), sum(n), sum(amount)) FROM scan_olap WHERE id > 100)
	 = (SELECT row(count(*), sum(n), sum(amount)) FROM scan_heap WHERE id > 100) AS parallel_same;
SELECT scan_compare('ts > ''2025-01-07''') AS parallel_rows_same;

-- a table of few stripes is still shared among the processes: they claim
-- runs of chunk groups (here a stripe of 40 groups and one of 1, some with
-- deleted rows, some skipped), and together read each group once
SET olap.stripe_row_limit = 150000;
CREATE TABLE one_stripe_olap (LIKE scan_heap) USING olap;
INSERT INTO one_stripe_olap SELECT * FROM scan_heap ORDER BY id;
INSERT INTO one_stripe_olap SELECT * FROM scan_heap WHERE id <= 300;
DELETE FROM one_stripe_olap WHERE id % 1000 = 3;
CREATE TABLE one_stripe_heap AS SELECT * FROM one_stripe_olap;
SELECT count(*) AS stripes, sum(chunk_group_count) AS chunk_groups
FROM olap.stripes WHERE relation = 'one_stripe_olap'::regclass;
\getenv abs_srcdir PG_ABS_SRCDIR
\set scan_counters_file :abs_srcdir '/sql/include/scan_counters.sql'
\i :scan_counters_file
SELECT scan_counters(q, 2, keys) AS parallel, scan_counters(q, 0, keys) AS serial
FROM (VALUES ('SELECT count(*), sum(n) FROM one_stripe_olap'),
			 ('SELECT count(*), sum(n) FROM one_stripe_olap WHERE id > 15000')) v(q),
	 (VALUES (ARRAY['Parallel Aware', 'Chunk Groups Read', 'Chunk Groups Skipped'])) k(keys);
SELECT (SELECT row(count(*), sum(n), sum(amount), min(label), max(ts))
		FROM one_stripe_olap WHERE id > 100)
	 = (SELECT row(count(*), sum(n), sum(amount), min(label), max(ts))
		FROM one_stripe_heap WHERE id > 100) AS one_stripe_same;
SELECT (SELECT md5(string_agg(t::text, ',' ORDER BY id, n)) FROM one_stripe_olap t)
	 = (SELECT md5(string_agg(t::text, ',' ORDER BY id, n)) FROM one_stripe_heap t)
	AS one_stripe_rows_same;
-- PostgreSQL's own parallel sequential scan claims the same way
SET olap.enable_custom_scan = off;
EXPLAIN (COSTS OFF) SELECT count(*), sum(n) FROM one_stripe_olap;
SELECT (SELECT row(count(*), sum(n), sum(amount)) FROM one_stripe_olap)
	 = (SELECT row(count(*), sum(n), sum(amount)) FROM one_stripe_heap)
	AS parallel_seqscan_same;
RESET olap.enable_custom_scan;
RESET olap.stripe_row_limit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- the escape hatch
SET olap.enable_custom_scan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM scan_olap WHERE id < 10;
SELECT count(*) FROM scan_olap WHERE id < 10;
RESET olap.enable_custom_scan;

-- columns added later read their default, dropped ones are not read
ALTER TABLE scan_olap ADD COLUMN extra int DEFAULT 5;
ALTER TABLE scan_olap DROP COLUMN flag;
EXPLAIN (COSTS OFF) SELECT sum(extra) FROM scan_olap WHERE extra = 5;
SELECT sum(extra), count(*) FROM scan_olap WHERE extra = 5;
