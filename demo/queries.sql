-- demo/queries.sql - analytics queries of the olap_ext demo.
--
-- Owns the query part of the demo: a few typical analytics queries, each run
-- on the columnar (olap) table with its result shown, then run unchanged on
-- the heap copy with only its time shown; then a check that both copies hold
-- the same data, and their sizes. Expects the tables of demo/schema.sql,
-- loaded by demo/load.sql.

\set ON_ERROR_STOP on
\set QUIET on
SET TimeZone = 'UTC';
\timing on

\echo
\echo '=== Q1: daily sales by category, March 2025 (first two days shown) ==='
\echo '--- olap (orders) ---'
SELECT date_trunc('day', ordered_at)::date AS day, category,
       sum(amount) AS revenue, count(*) AS orders
FROM orders
WHERE ordered_at >= '2025-03-01' AND ordered_at < '2025-04-01'
GROUP BY 1, 2
ORDER BY 1, 2
LIMIT 24;
\echo '--- heap (orders_heap), same query, result not shown ---'
\o /dev/null
SELECT date_trunc('day', ordered_at)::date AS day, category,
       sum(amount) AS revenue, count(*) AS orders
FROM orders_heap
WHERE ordered_at >= '2025-03-01' AND ordered_at < '2025-04-01'
GROUP BY 1, 2
ORDER BY 1, 2
LIMIT 24;
\o

\echo
\echo '=== Q2: events by type ==='
\echo '--- olap (events) ---'
SELECT event_type, count(*) AS events,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct
FROM events
GROUP BY event_type
ORDER BY events DESC;
\echo '--- heap (events_heap), same query, result not shown ---'
\o /dev/null
SELECT event_type, count(*) AS events,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct
FROM events_heap
GROUP BY event_type
ORDER BY events DESC;
\o

\echo
\echo '=== Q3: top 10 users by number of events ==='
\echo '--- olap (events) ---'
SELECT user_id, count(*) AS events
FROM events
GROUP BY user_id
ORDER BY events DESC, user_id
LIMIT 10;
\echo '--- heap (events_heap), same query, result not shown ---'
\o /dev/null
SELECT user_id, count(*) AS events
FROM events_heap
GROUP BY user_id
ORDER BY events DESC, user_id
LIMIT 10;
\o

\echo
\echo '=== Q4: average event duration by device ==='
\echo '--- olap (events) ---'
SELECT device, count(*) AS events, round(avg(duration_ms)) AS avg_duration_ms
FROM events
GROUP BY device
ORDER BY device;
\echo '--- heap (events_heap), same query, result not shown ---'
\o /dev/null
SELECT device, count(*) AS events, round(avg(duration_ms)) AS avg_duration_ms
FROM events_heap
GROUP BY device
ORDER BY device;
\o

\echo
\echo '=== Q5: monthly revenue of completed orders ==='
\echo '--- olap (orders) ---'
SELECT date_trunc('month', ordered_at)::date AS month,
       count(*) AS orders, sum(amount) AS revenue
FROM orders
WHERE status = 'completed'
GROUP BY 1
ORDER BY 1;
\echo '--- heap (orders_heap), same query, result not shown ---'
\o /dev/null
SELECT date_trunc('month', ordered_at)::date AS month,
       count(*) AS orders, sum(amount) AS revenue
FROM orders_heap
WHERE status = 'completed'
GROUP BY 1
ORDER BY 1;
\o

\timing off
\echo
\echo '=== Check: the olap and heap copies hold the same data ==='
-- Order-independent fingerprints of each copy: counts, sums, extremes and a
-- sum of hashes of the text columns.
SELECT 'events' AS data,
       (SELECT (count(*), sum(user_id), sum(duration_ms), min(ts), max(ts),
                sum(hashtext(event_type || '|' || page || '|' || device)))
        FROM events)
       IS NOT DISTINCT FROM
       (SELECT (count(*), sum(user_id), sum(duration_ms), min(ts), max(ts),
                sum(hashtext(event_type || '|' || page || '|' || device)))
        FROM events_heap) AS same_in_olap_and_heap
UNION ALL
SELECT 'orders',
       (SELECT (count(*), sum(order_id), sum(user_id), sum(amount),
                min(ordered_at), max(ordered_at),
                sum(hashtext(category || '|' || status)))
        FROM orders)
       IS NOT DISTINCT FROM
       (SELECT (count(*), sum(order_id), sum(user_id), sum(amount),
                min(ordered_at), max(ordered_at),
                sum(hashtext(category || '|' || status)))
        FROM orders_heap);

\echo
\echo '=== Sizes: heap vs olap ==='
SELECT c.relname AS table_name, am.amname AS access_method,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size
FROM pg_class c
JOIN pg_am am ON am.oid = c.relam
WHERE c.oid IN ('events'::regclass, 'events_heap'::regclass,
                'orders'::regclass, 'orders_heap'::regclass)
ORDER BY c.relname;

\echo
\echo '=== olap.table_stats ==='
SELECT relation, row_count, stripe_count, chunk_group_count,
       pg_size_pretty(raw_bytes) AS raw_size,
       pg_size_pretty(compressed_bytes) AS compressed_size,
       compression_ratio
FROM olap.table_stats
WHERE relation IN ('events'::regclass, 'orders'::regclass)
ORDER BY relation::text;
