-- bench/rollup/rollup_bench.sql: rollup refresh timings (run by
-- bench/rollup/run.sh, which sets :rows and prints the "Time:" lines next
-- to the labels echoed here).
--
-- Tables orders_heap and orders_olap hold the same :rows orders over 2025
-- (deterministic values).  The daily-sales query is materialized four
-- ways: REFRESH MATERIALIZED VIEW on heap, a full olap.refresh_rollup of a
-- rollup over the heap table (which has a btree index on ordered_at, as a
-- heap table with a time column usually has) and over the olap table.  Then
-- 1% more rows are appended: 9 in 10 after the last order (new days), 1 in 10
-- late: within the last 3 days of the existing data, except 1 in 1000 of all
-- appended rows, which land on a random day of the year; the incremental
-- refresh is timed.  Last, a query answered from
-- the rollup against the same answer from raw rows.  Every materialization
-- is checked against the query from scratch (EXCEPT ALL both ways).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP MATERIALIZED VIEW IF EXISTS mv_heap;
SELECT olap.drop_rollup(name) FROM olap.rollup WHERE name IN ('bench_daily_heap', 'bench_daily_olap');
DROP TABLE IF EXISTS orders_heap, orders_olap, new_orders;

CREATE TABLE orders_heap (order_id bigint, ordered_at timestamptz, user_id bigint,
	category text, amount numeric(12,2), status text);
CREATE TABLE orders_olap (LIKE orders_heap) USING olap;
\echo '== load' :rows 'rows into orders_heap'
\timing on
INSERT INTO orders_heap
SELECT i, '2025-01-01 00:00+00'::timestamptz + (i * (365 * 86400.0 / :rows)) * interval '1 second',
	   (hashint8extended(i, 1) & 1048575),
	   (ARRAY['books','games','garden','home','kids','music','sports','tech'])[1 + (hashint8extended(i, 2) & 7)],
	   1 + (hashint8extended(i, 3) & 49999) / 100.0,
	   (ARRAY['paid','paid','paid','shipped','refunded'])[1 + (abs(hashint8extended(i, 4)) % 5)]
FROM generate_series(1, :rows) i;
\echo '== load into orders_olap'
INSERT INTO orders_olap SELECT * FROM orders_heap;
\timing off
CREATE INDEX ON orders_heap (ordered_at);
VACUUM ANALYZE orders_heap;
ANALYZE orders_olap;

\set q 'SELECT date_trunc(''day'', ordered_at) AS day, category, count(*) AS orders, sum(amount) AS revenue, count(DISTINCT user_id) AS customers FROM'
CREATE MATERIALIZED VIEW mv_heap AS :q orders_heap GROUP BY 1, 2 WITH NO DATA;
SELECT olap.create_rollup('bench_daily_heap', :'q' || ' orders_heap GROUP BY 1, 2', with_data => false, realtime => false, batch_buckets => 100);
SELECT olap.create_rollup('bench_daily_olap', :'q' || ' orders_olap GROUP BY 1, 2', with_data => false, realtime => false, batch_buckets => 100);

\timing on
\echo '== REFRESH MATERIALIZED VIEW (heap)'
REFRESH MATERIALIZED VIEW mv_heap;
\echo '== full refresh_rollup, heap source'
CALL olap.refresh_rollup('bench_daily_heap', full => true);
\echo '== full refresh_rollup, olap source'
CALL olap.refresh_rollup('bench_daily_olap', full => true);
\timing off

-- 1% more rows: 9 in 10 after the last order, 1 in 10 late (see above)
CREATE TEMP TABLE new_orders AS
SELECT :rows + i AS order_id,
	   CASE WHEN i % 1000 = 0
			THEN '2025-01-01 00:00+00'::timestamptz + (hashint8extended(i, 5) & 31535999) * interval '1 second'
			WHEN i % 10 = 0
			THEN '2025-12-29 00:00+00'::timestamptz + (hashint8extended(i, 5) & 262143) * interval '1 second'
			ELSE '2026-01-01 00:00+00'::timestamptz + i * interval '1 second' END AS ordered_at,
	   (hashint8extended(i, 6) & 1048575) AS user_id, 'books'::text AS category,
	   9.99::numeric(12,2) AS amount, 'paid'::text AS status
FROM generate_series(1, :rows / 100) i;
CREATE TEMP TABLE twin_heap (LIKE orders_heap);
CREATE TEMP TABLE twin_olap (LIKE orders_heap) USING olap;
\timing on
\echo '== append 1% to a heap table without trigger (for comparison)'
INSERT INTO twin_heap SELECT * FROM new_orders;
\echo '== append 1% to an olap table without trigger (for comparison)'
INSERT INTO twin_olap SELECT * FROM new_orders;
\echo '== append 1% (1 in 10 late) to orders_heap (with the rollup trigger)'
INSERT INTO orders_heap SELECT * FROM new_orders;
\echo '== append 1% to orders_olap (olap source: no trigger, the refresh reads storage metadata)'
INSERT INTO orders_olap SELECT * FROM new_orders;
\echo '== REFRESH MATERIALIZED VIEW (heap) after the append'
REFRESH MATERIALIZED VIEW mv_heap;
\echo '== incremental refresh_rollup, heap source'
CALL olap.refresh_rollup('bench_daily_heap');
\echo '== incremental refresh_rollup, olap source'
CALL olap.refresh_rollup('bench_daily_olap');
\timing off
SELECT name, buckets, rows, last_refresh_rows FROM olap.rollups WHERE name LIKE 'bench_%' ORDER BY name;

\echo '== check: rows differing from the query from scratch (must be 0)'
SELECT (SELECT count(*) FROM (:q orders_heap GROUP BY 1, 2 EXCEPT ALL SELECT * FROM bench_daily_heap) a)
	 + (SELECT count(*) FROM (SELECT * FROM bench_daily_heap EXCEPT ALL :q orders_heap GROUP BY 1, 2) b) AS heap_diff,
	   (SELECT count(*) FROM (:q orders_olap GROUP BY 1, 2 EXCEPT ALL SELECT * FROM bench_daily_olap) a)
	 + (SELECT count(*) FROM (SELECT * FROM bench_daily_olap EXCEPT ALL :q orders_olap GROUP BY 1, 2) b) AS olap_diff,
	   (SELECT count(*) FROM (SELECT * FROM mv_heap EXCEPT ALL SELECT * FROM bench_daily_heap) c) AS mv_diff;

\timing on
\echo '== query: monthly revenue per category from the rollup'
SELECT count(*) FROM (SELECT date_trunc('month', day), category, sum(revenue) FROM bench_daily_olap GROUP BY 1, 2) x;
\echo '== query: the same from raw rows (olap table)'
SELECT count(*) FROM (SELECT date_trunc('month', ordered_at), category, sum(amount) FROM orders_olap GROUP BY 1, 2) x;
\echo '== query: the same from raw rows (heap table)'
SELECT count(*) FROM (SELECT date_trunc('month', ordered_at), category, sum(amount) FROM orders_heap GROUP BY 1, 2) x;
\timing off
