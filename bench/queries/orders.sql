-- bench/queries/orders.sql - benchmark queries over the orders table.
--
-- Owns the queries on {orders} (the shop orders of demo/schema.sql, over
-- the year 2025). Same format and rules as bench/queries/hits.sql.

-- id: o01
-- tags: agg-full, headline
-- title: count all orders
SELECT count(*) FROM {orders};

-- id: o02
-- tags: agg-full, headline
-- title: sum of a numeric column (amount)
SELECT sum(amount) FROM {orders};

-- id: o03
-- tags: agg-full
-- title: average, min and max amount, distinct users
SELECT round(avg(amount), 6), min(amount), max(amount), count(DISTINCT user_id) FROM {orders};

-- id: o04
-- tags: group-low-text
-- title: orders and revenue per status
SELECT status, count(*), sum(amount) FROM {orders} GROUP BY status ORDER BY status;

-- id: o05
-- tags: date-range, group-low-text
-- title: revenue per category in June
SELECT category, count(*), sum(amount) FROM {orders}
WHERE ordered_at >= '2025-06-01' AND ordered_at < '2025-07-01'
GROUP BY category ORDER BY category;

-- id: o06
-- tags: bi, group-time, group-low-text
-- title: daily sales by category over a year
SELECT date_trunc('day', ordered_at)::date AS day, category,
       sum(amount) AS revenue, count(*) AS orders
FROM {orders} GROUP BY 1, 2 ORDER BY 1, 2;

-- id: o07
-- tags: bi, group-time, filter-nonselective
-- title: monthly revenue of completed orders
SELECT date_trunc('month', ordered_at)::date AS month, count(*), sum(amount)
FROM {orders} WHERE status = 'completed' GROUP BY 1 ORDER BY 1;

-- id: o08
-- tags: bi, group-high-int, topn
-- title: per-user stats: top customers by revenue
SELECT user_id, count(*) AS orders, sum(amount) AS revenue, round(avg(amount), 4),
       min(ordered_at), max(ordered_at)
FROM {orders} GROUP BY user_id ORDER BY revenue DESC, user_id LIMIT 20;

-- id: o09
-- tags: having, group-high-int
-- title: number of customers who spent more than 5000
SELECT count(*), sum(revenue) FROM (
    SELECT user_id, sum(amount) AS revenue FROM {orders}
    GROUP BY user_id HAVING sum(amount) > 5000
) AS big;

-- id: o10
-- tags: filter-selective
-- title: the most expensive orders (amount > 499)
SELECT count(*), sum(amount) FROM {orders} WHERE amount > 499;

-- id: o11
-- tags: filter-selective, key-range
-- title: a range of order ids (rows of a narrow key range)
SELECT * FROM {orders} WHERE order_id BETWEEN 100000 AND 100100 ORDER BY order_id;

-- id: o12
-- tags: topn
-- title: ten biggest orders
SELECT order_id, user_id, category, amount FROM {orders}
ORDER BY amount DESC, order_id LIMIT 10;

-- id: o13
-- tags: bi, group-low-text
-- title: refund and cancellation rates per category
SELECT category, count(*),
       round(100.0 * count(*) FILTER (WHERE status = 'refunded') / count(*), 4) AS refunded_pct,
       round(100.0 * count(*) FILTER (WHERE status = 'cancelled') / count(*), 4) AS cancelled_pct
FROM {orders} GROUP BY category ORDER BY category;

-- id: o14
-- tags: group-time, group-low-text
-- title: weekly orders per status
SELECT date_trunc('week', ordered_at) AS week, status, count(*) FROM {orders}
GROUP BY 1, 2 ORDER BY 1, 2;
