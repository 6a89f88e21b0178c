-- Rollups: every rollup must equal its query run from scratch, and every
-- real-time view must equal it before any refresh, after random inserts,
-- late inserts, updates (also of the time column), deletes, TRUNCATE and
-- NULL times, on heap and olap sources; refusals of unsupported queries.
SET client_min_messages = warning;
\set SHOW_CONTEXT never
CREATE EXTENSION IF NOT EXISTS olap_ext;

-- rows of rollup <name> (its table, or its real-time view) that differ from
-- its query run now, counted in both directions (EXCEPT ALL)
CREATE FUNCTION rollup_diff(rollup_name text, realtime boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r olap.rollup;
	rel text;
	missing bigint;
	extra bigint;
BEGIN
	SELECT * INTO r FROM olap.rollup WHERE name = rollup_name;
	rel := CASE WHEN realtime THEN r.realtime_view::text ELSE r.rollup_table::text END;
	EXECUTE format('SELECT count(*) FROM (%s EXCEPT ALL SELECT * FROM %s) x', r.query, rel) INTO missing;
	EXECUTE format('SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL %s) x', rel, r.query) INTO extra;
	RETURN format('%s: %s missing, %s extra', rollup_name, missing, extra);
END $$;

CREATE FUNCTION check_all(realtime boolean DEFAULT false)
RETURNS SETOF text LANGUAGE sql AS $$
	SELECT rollup_diff(name, realtime) FROM olap.rollup ORDER BY name
$$;

SELECT setseed(0.42);
CREATE TABLE sales_heap (id bigint, at timestamptz, day date, cat int, cust int, amount numeric(10,2));
CREATE TABLE sales_olap (LIKE sales_heap) USING olap;
SELECT olap.alter_table_set('sales_olap', stripe_row_limit => 1000, chunk_group_row_limit => 100);

-- one batch of random rows into both tables: times from start over days
CREATE FUNCTION add_rows(first_id bigint, n int, start timestamptz, days int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE new_rows ON COMMIT DROP AS
	SELECT first_id + g AS id, t AS at, (t AT TIME ZONE 'UTC')::date AS day,
		   (random() * 5)::int AS cat, (random() * 40)::int AS cust,
		   round((random() * 1000)::numeric, 2) AS amount
	FROM generate_series(0, n - 1) g,
		 LATERAL (SELECT start + random() * (days * interval '1 day') AS t) s;
	INSERT INTO sales_heap SELECT * FROM new_rows;
	INSERT INTO sales_olap SELECT * FROM new_rows;
	DROP TABLE new_rows;
END $$;
SELECT add_rows(0, 3000, '2025-01-01', 60);

-- heap source, daily buckets, many aggregate kinds
SELECT olap.create_rollup('daily_heap', $$
	SELECT date_trunc('day', at) AS bucket, cat, count(*) AS n, sum(amount) AS total,
		   avg(amount) AS mean, min(amount) AS lo, max(amount) AS hi,
		   count(DISTINCT cust) AS customers,
		   percentile_disc(0.5) WITHIN GROUP (ORDER BY amount) AS median,
		   string_agg(id::text, ',' ORDER BY id) AS ids
	FROM sales_heap GROUP BY 1, 2$$, batch_buckets => 7);
-- olap source, 6-hour bins, olap rollup table, HAVING
SELECT olap.create_rollup('bins_olap', $$
	SELECT date_bin('6 hours', at, '2025-01-01 00:00+00') AS bin, count(*) AS n,
		   sum(amount) AS total, count(DISTINCT cat) AS cats
	FROM sales_olap WHERE amount > 10 GROUP BY 1 HAVING count(*) > 1$$,
	access_method => 'olap', batch_buckets => 30);
-- olap source, date column, created empty (everything pending)
SELECT olap.create_rollup('by_day_olap', $$
	SELECT day, cat % 2 AS parity, count(*) AS n, sum(amount) AS total,
		   count(DISTINCT cust) AS customers
	FROM sales_olap GROUP BY day, cat % 2$$, with_data => false);
-- days in an explicit zone: no known step, so no batching and the refresh
-- filters on the bucket itself
SELECT olap.create_rollup('paris_heap', $$
	SELECT date_trunc('day', at, 'Europe/Paris') AS paris_day, count(*) AS n,
		   max(amount) AS top FROM sales_heap GROUP BY 1$$, batch_buckets => 3);
-- monthly, no batching needed
SELECT olap.create_rollup('monthly_heap', $$
	SELECT date_trunc('month', at) AS month, sum(amount) AS total,
		   percentile_cont(0.9) WITHIN GROUP (ORDER BY amount) AS p90
	FROM sales_heap GROUP BY 1$$, realtime => true);

SELECT * FROM check_all();
SELECT * FROM check_all(realtime => true);
SELECT name, rollup_table, realtime_view, source, bucket_column, bucket_step,
	   pending_ranges, rows > 0 AS has_rows FROM olap.rollups ORDER BY name;

-- appended rows, late rows, updates, deletes
SELECT add_rows(100000, 500, '2025-03-01', 5);
SELECT add_rows(200000, 50, '2024-12-01', 90);
UPDATE sales_heap SET amount = amount + 1 WHERE id % 17 = 0;
UPDATE sales_olap SET amount = amount + 1 WHERE id % 17 = 0;
UPDATE sales_heap SET at = at - interval '20 days', day = day - 20 WHERE id % 23 = 0;
UPDATE sales_olap SET at = at - interval '20 days', day = day - 20 WHERE id % 23 = 0;
DELETE FROM sales_heap WHERE id % 19 = 0;
DELETE FROM sales_olap WHERE id % 19 = 0;
INSERT INTO sales_heap VALUES (-1, NULL, NULL, 1, 1, 5), (-2, NULL, NULL, 2, 2, 6);
INSERT INTO sales_olap VALUES (-1, NULL, NULL, 1, 1, 5), (-2, NULL, NULL, 2, 2, 6);

-- the real-time views are right before any refresh; the tables are stale
SELECT * FROM check_all(realtime => true);
SELECT rollup_diff('daily_heap') <> 'daily_heap: 0 missing, 0 extra' AS daily_heap_stale;
SELECT name, pending_ranges > 0 AS pending, watermark IS NOT NULL AS has_watermark
FROM olap.rollups ORDER BY name;

CALL olap.refresh_rollup('daily_heap');
CALL olap.refresh_rollup('bins_olap');
CALL olap.refresh_rollup('by_day_olap');
CALL olap.refresh_rollup('monthly_heap');
CALL olap.refresh_rollup('paris_heap');
SELECT * FROM check_all();
SELECT * FROM check_all(realtime => true);
SELECT name, pending_ranges, watermark FROM olap.rollups ORDER BY name;

-- a refresh with nothing pending changes nothing
CALL olap.refresh_rollup('daily_heap');
SELECT name, last_refresh_rows FROM olap.rollups WHERE name = 'daily_heap';

-- changes inside a rolled-back transaction leave no invalidation
BEGIN;
SELECT add_rows(300000, 10, '2025-02-01', 1);
ROLLBACK;
SELECT name, pending_ranges FROM olap.rollups ORDER BY name;

-- rows moved to and from NULL times, TRUNCATE, reload
UPDATE sales_heap SET at = NULL WHERE id % 29 = 0;
UPDATE sales_olap SET at = NULL, day = NULL WHERE id % 29 = 0;
SELECT * FROM check_all(realtime => true);
CALL olap.refresh_rollup('daily_heap');
CALL olap.refresh_rollup('by_day_olap');
SELECT rollup_diff('daily_heap'), rollup_diff('by_day_olap');
TRUNCATE sales_heap;
TRUNCATE sales_olap;
SELECT * FROM check_all(realtime => true);
CALL olap.refresh_rollup('daily_heap');
CALL olap.refresh_rollup('bins_olap');
CALL olap.refresh_rollup('by_day_olap');
CALL olap.refresh_rollup('monthly_heap');
CALL olap.refresh_rollup('paris_heap');
SELECT name, rows FROM olap.rollups ORDER BY name;
SELECT add_rows(400000, 2000, '2025-05-01', 30);
SELECT * FROM check_all(realtime => true);
CALL olap.refresh_rollup('daily_heap', full => true);
CALL olap.refresh_rollup('bins_olap');
CALL olap.refresh_rollup('by_day_olap', full => true);
CALL olap.refresh_rollup('monthly_heap');
CALL olap.refresh_rollup('paris_heap', full => true);
SELECT * FROM check_all();
SELECT * FROM check_all(realtime => true);

-- a rollup created in another search_path and timezone refreshes the same
CREATE SCHEMA other;
SET search_path = other, public;
SET TimeZone = 'Asia/Kolkata';
CREATE TABLE other.events (at timestamp, kind text);
INSERT INTO other.events SELECT '2025-01-01'::timestamp + g * interval '37 minutes', 'k' || g % 3
FROM generate_series(1, 500) g;
SELECT olap.create_rollup('events_week', $$SELECT date_trunc('week', at) AS week, kind, count(*) AS n
	FROM events GROUP BY 1, 2$$);
RESET search_path;
RESET TimeZone;
INSERT INTO other.events VALUES ('2025-01-02 10:00', 'late'), ('2026-01-01', 'k1');
SELECT rollup_diff('events_week', realtime => true);
CALL olap.refresh_rollup('events_week');
SELECT rollup_diff('events_week');

-- schedule management
SELECT olap.alter_rollup('monthly_heap', refresh_interval => '1 hour', max_retries => 5);
SELECT job_name, command, schedule_interval, max_retries, enabled FROM olap.jobs;
SELECT olap.alter_rollup('monthly_heap', enabled => false);
SELECT name, refresh_interval, refresh_enabled FROM olap.rollups WHERE name = 'monthly_heap';
SELECT olap.alter_rollup('daily_heap', max_retries => 1);
SELECT olap.alter_rollup('nope', batch_buckets => 5);
SELECT olap.alter_rollup('daily_heap', batch_buckets => 0);
CALL olap.refresh_rollup('nope');
SELECT olap.create_rollup('daily_heap', 'SELECT day, count(*) FROM sales_heap GROUP BY 1');
SELECT olap.create_rollup('x', 'SELECT day, count(*) FROM sales_heap GROUP BY 1', access_method => 'btree');

-- refusals
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_heap');
SELECT olap.create_rollup('r', 'SELECT cat, count(*) FROM sales_heap GROUP BY cat');
SELECT olap.create_rollup('r', 'SELECT day FROM sales_heap GROUP BY day');
SELECT olap.create_rollup('r', 'SELECT h.day, count(*) FROM sales_heap h JOIN sales_olap o USING (id) GROUP BY 1');
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_heap WHERE cat IN (SELECT 1) GROUP BY 1');
SELECT olap.create_rollup('r', 'SELECT day, count(*), rank() OVER (ORDER BY day) FROM sales_heap GROUP BY 1');
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_heap WHERE random() < 0.5 GROUP BY 1');
SELECT olap.create_rollup('r', 'SELECT day, cat, count(*) FROM sales_heap GROUP BY ROLLUP (day, cat)');
SELECT olap.create_rollup('r', 'SELECT DISTINCT day, count(*) FROM sales_heap GROUP BY 1');
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_heap GROUP BY 1 LIMIT 5');
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_heap GROUP BY 1; SELECT 1');
SELECT olap.create_rollup('r', 'DELETE FROM sales_heap');
SELECT olap.create_rollup('r', 'SELECT day, count(*) AS n, sum(cat) AS n FROM sales_heap GROUP BY 1');
SELECT olap.create_rollup('r', 'WITH s AS (SELECT * FROM sales_heap) SELECT day, count(*) FROM s GROUP BY 1');
CREATE VIEW sales_view AS SELECT * FROM sales_heap;
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_view GROUP BY 1');
SELECT olap.create_rollup('r', 'SELECT date_trunc(''day'', at), count(*) FROM sales_heap GROUP BY 1 UNION SELECT now(), 1');
SELECT olap.create_rollup('r', 'SELECT date_trunc(''day'', now()) AS d, count(*) FROM sales_heap GROUP BY 1');
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_heap GROUP BY 1 FOR UPDATE');
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM no_such_table GROUP BY 1');
CREATE TABLE parted (day date, v int) PARTITION BY RANGE (day);
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM parted GROUP BY 1');
CREATE TABLE child () INHERITS (sales_heap);
SELECT olap.create_rollup('r', 'SELECT day, count(*) FROM sales_heap GROUP BY 1');
DROP TABLE child, parted;

-- drop
SELECT olap.drop_rollup('events_week');
SELECT olap.drop_rollup('monthly_heap', drop_table => false);
SELECT count(*) > 0 AS table_kept FROM monthly_heap;
SELECT name FROM olap.rollups ORDER BY name;
SELECT count(*) AS jobs FROM olap.jobs;
SELECT tgname FROM pg_trigger WHERE tgrelid = 'sales_heap'::regclass ORDER BY tgname;
SELECT olap.drop_rollup('events_week');
