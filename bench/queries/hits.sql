-- bench/queries/hits.sql - benchmark queries over the web analytics table.
--
-- Owns the queries on {hits} (bench/sql/schema.sql). Format, read by
-- bench/benchlib/queries.py: each query starts with a "-- id:" line,
-- followed by "-- key: value" header lines, then the SQL, ended by ";".
--   id      unique id (h.. for hits)
--   tags    what it exercises (bench/README.md lists the tags)
--   title   one line for the reports
--   duckdb  optional: "skip <reason>", or the SQL to run in DuckDB instead
-- {hits}, {orders}, {events} are replaced with the table of each twin.
-- Rules that keep the heap/olap equality check exact: every ORDER BY is a
-- total order (ties broken on a unique key) and floating-point results are
-- rounded in SQL (avg of integers is numeric in PostgreSQL, exact anyway).

-- id: h01
-- tags: agg-full
-- title: count all hits
SELECT count(*) FROM {hits};

-- id: h02
-- tags: filter-selective
-- title: count hits with an ad engine (5%)
SELECT count(*) FROM {hits} WHERE adv_engine_id <> 0;

-- id: h03
-- tags: agg-full
-- title: sum, count and average of small integer columns
SELECT sum(adv_engine_id), count(*), round(avg(resolution_width), 4) FROM {hits};

-- id: h04
-- tags: agg-full
-- title: min and max of a date and a timestamp column
SELECT min(event_date), max(event_date), min(event_time), max(event_time) FROM {hits};

-- id: h05
-- tags: count-distinct, agg-full
-- title: distinct users (high cardinality bigint)
SELECT count(DISTINCT user_id) FROM {hits};

-- id: h06
-- tags: count-distinct, agg-full
-- title: distinct search phrases (text)
SELECT count(DISTINCT search_phrase) FROM {hits};

-- id: h07
-- tags: group-low-int, filter-selective
-- title: hits per ad engine
SELECT adv_engine_id, count(*) AS c FROM {hits}
WHERE adv_engine_id <> 0
GROUP BY adv_engine_id ORDER BY c DESC, adv_engine_id;

-- id: h08
-- tags: group-high-int, count-distinct, topn
-- title: top regions by distinct users
SELECT region_id, count(DISTINCT user_id) AS u FROM {hits}
GROUP BY region_id ORDER BY u DESC, region_id LIMIT 10;

-- id: h09
-- tags: group-high-int, topn
-- title: top regions by hits, with several aggregates
SELECT region_id, sum(adv_engine_id), count(*) AS c,
       round(avg(resolution_width), 4), count(DISTINCT user_id)
FROM {hits} GROUP BY region_id ORDER BY c DESC, region_id LIMIT 10;

-- id: h10
-- tags: group-low-text, count-distinct, filter-nonselective
-- title: phone models by distinct users
SELECT mobile_phone_model, count(DISTINCT user_id) AS u FROM {hits}
WHERE mobile_phone_model <> ''
GROUP BY mobile_phone_model ORDER BY u DESC, mobile_phone_model LIMIT 10;

-- id: h11
-- tags: group-high-text, topn, filter-selective
-- title: top search phrases
SELECT search_phrase, count(*) AS c FROM {hits}
WHERE search_phrase <> ''
GROUP BY search_phrase ORDER BY c DESC, search_phrase LIMIT 10;

-- id: h12
-- tags: group-high-text, count-distinct, topn
-- title: top search phrases by distinct users
SELECT search_phrase, count(DISTINCT user_id) AS u FROM {hits}
WHERE search_phrase <> ''
GROUP BY search_phrase ORDER BY u DESC, search_phrase LIMIT 10;

-- id: h13
-- tags: group-high-text, topn
-- title: top (search engine, phrase) pairs
SELECT search_engine_id, search_phrase, count(*) AS c FROM {hits}
WHERE search_phrase <> ''
GROUP BY search_engine_id, search_phrase
ORDER BY c DESC, search_engine_id, search_phrase LIMIT 10;

-- id: h14
-- tags: group-high-int, topn
-- title: most active users
SELECT user_id, count(*) AS c FROM {hits}
GROUP BY user_id ORDER BY c DESC, user_id LIMIT 10;

-- id: h15
-- tags: group-high-text, topn
-- title: top (user, search phrase) pairs
SELECT user_id, search_phrase, count(*) AS c FROM {hits}
GROUP BY user_id, search_phrase ORDER BY c DESC, user_id, search_phrase LIMIT 10;

-- id: h16
-- tags: filter-selective
-- title: hits of one user (point filter on bigint)
SELECT count(*), min(event_time), max(event_time) FROM {hits}
WHERE user_id = 1679080386142417147;

-- id: h17
-- tags: like, agg-full
-- title: count URLs containing a word
SELECT count(*) FROM {hits} WHERE url LIKE '%kayak%';

-- id: h18
-- tags: like, group-high-text, topn
-- title: search phrases of hits on matching URLs
SELECT search_phrase, min(url) AS u, count(*) AS c FROM {hits}
WHERE url LIKE '%/travel/%' AND search_phrase <> ''
GROUP BY search_phrase ORDER BY c DESC, search_phrase LIMIT 10;

-- id: h19
-- tags: like, count-distinct, group-high-text
-- title: title and URL patterns with distinct users
SELECT search_phrase, min(url), min(title), count(*) AS c, count(DISTINCT user_id)
FROM {hits}
WHERE title LIKE '%Tokyo%' AND url NOT LIKE '%.de/%' AND search_phrase <> ''
GROUP BY search_phrase ORDER BY c DESC, search_phrase LIMIT 10;

-- id: h20
-- tags: like, topn, wide
-- title: whole rows (all columns) of the first matching hits
SELECT * FROM {hits} WHERE url LIKE '%drone%'
ORDER BY event_time, watch_id LIMIT 10;

-- id: h21
-- tags: topn, filter-selective
-- title: latest search phrases
SELECT search_phrase, event_time FROM {hits} WHERE search_phrase <> ''
ORDER BY event_time DESC, watch_id LIMIT 10;

-- id: h22
-- tags: having, group-high-int
-- title: counters with the longest URLs
SELECT counter_id, round(avg(length(url)), 4) AS l, count(*) AS c FROM {hits}
WHERE url <> ''
GROUP BY counter_id HAVING count(*) > 100
ORDER BY l DESC, counter_id LIMIT 25;

-- id: h23
-- tags: having, group-high-text
-- title: referer domains (regexp) with the longest referers
SELECT regexp_replace(referer, '^https?://(?:www\.)?([^/]+)/.*$', '\1') AS k,
       round(avg(length(referer)), 4) AS l, count(*) AS c, min(referer)
FROM {hits} WHERE referer <> ''
GROUP BY k HAVING count(*) > 100
ORDER BY l DESC, k LIMIT 25;

-- id: h24
-- tags: agg-full
-- title: many sums of one column (expression-heavy)
SELECT sum(resolution_width), sum(resolution_width + 1), sum(resolution_width + 2),
       sum(resolution_width + 3), sum(resolution_width + 4), sum(resolution_width + 5),
       sum(resolution_width + 6), sum(resolution_width + 7), sum(resolution_width + 8),
       sum(resolution_width + 9), sum(resolution_width + 10), sum(resolution_width + 11)
FROM {hits};

-- id: h25
-- tags: group-high-int, topn, filter-selective
-- title: top (search engine, client IP) among searches
SELECT search_engine_id, client_ip, count(*) AS c, sum(is_refresh),
       round(avg(resolution_width), 4)
FROM {hits} WHERE search_phrase <> ''
GROUP BY search_engine_id, client_ip
ORDER BY c DESC, search_engine_id, client_ip LIMIT 10;

-- id: h26
-- tags: group-high-text, topn
-- title: most viewed URLs
SELECT url, count(*) AS c FROM {hits}
GROUP BY url ORDER BY c DESC, url LIMIT 10;

-- id: h27
-- tags: date-range, group-high-text, topn, filter-selective
-- title: dashboard: top pages of one site over a week
SELECT url, count(*) AS pv FROM {hits}
WHERE counter_id = 1 AND event_date >= '2025-07-07' AND event_date <= '2025-07-13'
  AND dont_count_hits = 0 AND is_refresh = 0 AND url <> ''
GROUP BY url ORDER BY pv DESC, url LIMIT 10;

-- id: h28
-- tags: date-range, group-high-text, topn, filter-selective
-- title: dashboard: top titles of one site over a week
SELECT title, count(*) AS pv FROM {hits}
WHERE counter_id = 1 AND event_date >= '2025-07-07' AND event_date <= '2025-07-13'
  AND dont_count_hits = 0 AND is_refresh = 0 AND title <> ''
GROUP BY title ORDER BY pv DESC, title LIMIT 10;

-- id: h29
-- tags: date-range, group-high-int, topn, filter-selective
-- title: dashboard: internal traffic by URL hash and day
SELECT url_hash, event_date, count(*) AS pv FROM {hits}
WHERE counter_id = 2 AND event_date >= '2025-07-01' AND event_date <= '2025-07-31'
  AND is_refresh = 0 AND trafic_source_id = -1
GROUP BY url_hash, event_date ORDER BY pv DESC, url_hash, event_date LIMIT 10;

-- id: h30
-- tags: date-range, group-time, filter-selective
-- title: dashboard: hits per minute of one site over two days
SELECT date_trunc('minute', event_time) AS m, count(*) AS pv FROM {hits}
WHERE counter_id = 1 AND event_date >= '2025-07-14' AND event_date <= '2025-07-15'
  AND is_refresh = 0 AND dont_count_hits = 0
GROUP BY m ORDER BY m LIMIT 20;

-- id: h31
-- tags: group-time, count-distinct
-- title: daily hits and daily active users
SELECT event_date, count(*), count(DISTINCT user_id) FROM {hits}
GROUP BY event_date ORDER BY event_date;

-- id: h32
-- tags: group-low-int
-- title: hits per OS and browser
SELECT os, user_agent, count(*) AS c FROM {hits}
GROUP BY os, user_agent ORDER BY os, user_agent;

-- id: h33
-- tags: group-low-text, agg-full
-- title: page load timings per browser country
SELECT browser_country, count(*), round(avg(response_end_timing - response_start_timing), 4),
       round(avg(fetch_timing), 4), max(dns_timing)
FROM {hits} GROUP BY browser_country ORDER BY browser_country;

-- id: h34
-- tags: group-low-int, agg-full
-- title: median and 90th percentile of fetch time, mobile vs desktop
SELECT is_mobile,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY fetch_timing) AS p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY fetch_timing) AS p90
FROM {hits} GROUP BY is_mobile ORDER BY is_mobile;

-- id: h35
-- tags: date-range, filter-selective
-- title: hits in a six-hour window (time range on a sorted column)
SELECT count(*), count(DISTINCT user_id) FROM {hits}
WHERE event_time >= '2025-07-10 00:00:00' AND event_time < '2025-07-10 06:00:00';

-- id: h36
-- tags: filter-nonselective, agg-full
-- title: bounces: sums over about half of the rows
SELECT count(*), sum(fetch_timing), sum(send_timing) FROM {hits} WHERE is_not_bounce = 0;
