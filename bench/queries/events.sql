-- bench/queries/events.sql - benchmark queries over the events table, and
-- queries that join events with orders.
--
-- Owns the queries on {events} (the web/app events of demo/schema.sql, over
-- the year 2025). Same format and rules as bench/queries/hits.sql.

-- id: e01
-- tags: agg-full, headline
-- title: count all events
SELECT count(*) FROM {events};

-- id: e02
-- tags: agg-full, headline
-- title: sum of an integer column (duration_ms)
SELECT sum(duration_ms) FROM {events};

-- id: e03
-- tags: group-low-text
-- title: events per type with share
SELECT event_type, count(*) AS events,
       round(100.0 * count(*) / sum(count(*)) OVER (), 4) AS pct
FROM {events} GROUP BY event_type ORDER BY events DESC, event_type;

-- id: e04
-- tags: group-low-text, agg-full
-- title: average and max duration per device
SELECT device, count(*), round(avg(duration_ms), 4), max(duration_ms)
FROM {events} GROUP BY device ORDER BY device;

-- id: e05
-- tags: group-high-int, topn
-- title: most active users
SELECT user_id, count(*) AS events FROM {events}
GROUP BY user_id ORDER BY events DESC, user_id LIMIT 10;

-- id: e06
-- tags: bi, count-distinct
-- title: funnel: distinct users at each step
SELECT count(DISTINCT user_id) FILTER (WHERE event_type = 'page_view') AS viewed,
       count(DISTINCT user_id) FILTER (WHERE event_type = 'add_to_cart') AS carted,
       count(DISTINCT user_id) FILTER (WHERE event_type = 'purchase') AS purchased
FROM {events};

-- id: e07
-- tags: bi, group-time, date-range
-- title: hourly events over one week
SELECT date_trunc('hour', ts) AS hour, count(*), count(DISTINCT user_id)
FROM {events} WHERE ts >= '2025-03-03' AND ts < '2025-03-10'
GROUP BY 1 ORDER BY 1;

-- id: e08
-- tags: like, group-high-text, topn
-- title: most viewed product pages
SELECT page, count(*) AS c FROM {events} WHERE page LIKE '/product/%'
GROUP BY page ORDER BY c DESC, page LIMIT 10;

-- id: e09
-- tags: bi, having, group-high-int
-- title: per-user stats of the heaviest users
SELECT user_id, count(*) AS events, count(DISTINCT page) AS pages,
       sum(duration_ms) AS total_ms, min(ts), max(ts)
FROM {events} GROUP BY user_id HAVING count(*) > 500
ORDER BY events DESC, user_id LIMIT 20;

-- id: e10
-- tags: bi, group-time, group-low-text
-- title: daily events per device over a year
SELECT date_trunc('day', ts)::date AS day, device, count(*), sum(duration_ms)
FROM {events} GROUP BY 1, 2 ORDER BY 1, 2;

-- id: e11
-- tags: filter-selective
-- title: events of one user
SELECT count(*), sum(duration_ms), min(ts), max(ts) FROM {events} WHERE user_id = 4242;

-- id: e12
-- tags: filter-selective, group-low-text
-- title: very long events (> 60 s) per type
SELECT event_type, count(*) FROM {events} WHERE duration_ms > 60000
GROUP BY event_type ORDER BY event_type;

-- id: e13
-- tags: count-distinct, agg-full
-- title: distinct pages and users
SELECT count(DISTINCT page), count(DISTINCT user_id) FROM {events};

-- id: e14
-- tags: bi, group-time
-- title: monthly search share
SELECT date_trunc('month', ts)::date AS month, count(*),
       round(100.0 * count(*) FILTER (WHERE event_type = 'search') / count(*), 4) AS search_pct
FROM {events} GROUP BY 1 ORDER BY 1;

-- id: x01
-- tags: bi, join, group-high-int, topn
-- title: top customers by revenue with their number of events
WITH top AS (
    SELECT user_id, sum(amount) AS revenue FROM {orders}
    GROUP BY user_id ORDER BY revenue DESC, user_id LIMIT 20
)
SELECT t.user_id, t.revenue, count(*) AS events
FROM top t JOIN {events} e ON e.user_id = t.user_id
GROUP BY t.user_id, t.revenue ORDER BY t.revenue DESC, t.user_id;

-- id: x02
-- tags: bi, join, group-low-text
-- title: revenue per device (device of each user from events)
SELECT d.device, count(*) AS orders, sum(o.amount) AS revenue
FROM {orders} o
JOIN (SELECT user_id, min(device) AS device FROM {events} GROUP BY user_id) d
  ON d.user_id = o.user_id
GROUP BY d.device ORDER BY d.device;
