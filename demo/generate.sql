-- demo/generate.sql - deterministic generator of the olap_ext demo data.
--
-- Owns the demo data: writes two CSV files with server-side COPY ... TO, so
-- the files belong to the server's OS user and need a superuser (or a member
-- of pg_write_server_files) to run. Every run writes byte-identical files:
-- all "random" values come from hashint8extended(row number, seed), never
-- from random(), and rows are written in generate_series order (no sort, no
-- parallel query).
--
-- psql variables (psql -v name=value), all optional:
--   events_rows  number of events   (default 3000000), spread over 2025
--   orders_rows  number of orders   (default 1000000), spread over 2025
--   events_csv   server-side path of the events CSV (default /tmp/olap_demo_events.csv)
--   orders_csv   server-side path of the orders CSV (default /tmp/olap_demo_orders.csv)
--
-- Columns are in the order of the tables of demo/schema.sql.

\set ON_ERROR_STOP on
\set QUIET on
\if :{?events_rows}
\else
\set events_rows 3000000
\endif
\if :{?orders_rows}
\else
\set orders_rows 1000000
\endif
\if :{?events_csv}
\else
\set events_csv /tmp/olap_demo_events.csv
\endif
\if :{?orders_csv}
\else
\set orders_csv /tmp/olap_demo_orders.csv
\endif

SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;

-- pg_temp.u(i, seed): a uniform value in [0, 1) from the row number and a seed
-- (different seeds give independent values). The top 53 bits of a 64-bit hash.
CREATE FUNCTION pg_temp.u(i bigint, seed bigint) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((hashint8extended(i, seed) >> 11) & 9007199254740991)::float8
           / 9007199254740992.0;

-- pg_temp.ts_2025(i, n): the i-th of n instants spread evenly over 2025 (UTC),
-- so time increases with the row number.
CREATE FUNCTION pg_temp.ts_2025(i bigint, n bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_timestamp(1735689600 + (i - 1) * (31536000.0::float8 / n));

-- pg_temp.user_of(i, seed): a user id in 1..100000; low ids are much more
-- active than high ones (density proportional to 1/sqrt(id)).
CREATE FUNCTION pg_temp.user_of(i bigint, seed bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 1 + floor(100000 * pg_temp.u(i, seed) ^ 2)::bigint;

-- pg_temp.category(x): one of 12 product categories, skewed, for x in [0, 1).
CREATE FUNCTION pg_temp.category(x float8) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN x < 0.20 THEN 'electronics'
        WHEN x < 0.35 THEN 'clothing'
        WHEN x < 0.47 THEN 'home'
        WHEN x < 0.57 THEN 'books'
        WHEN x < 0.66 THEN 'beauty'
        WHEN x < 0.74 THEN 'sports'
        WHEN x < 0.81 THEN 'toys'
        WHEN x < 0.87 THEN 'grocery'
        WHEN x < 0.92 THEN 'garden'
        WHEN x < 0.96 THEN 'automotive'
        WHEN x < 0.98 THEN 'office'
        ELSE 'music'
    END;

\timing on

\echo 'generating' :events_rows 'events into' :events_csv
COPY (
    SELECT ts, user_id, event_type,
           CASE
               WHEN event_type = 'search' THEN '/search'
               WHEN event_type IN ('add_to_cart', 'purchase') THEN '/cart'
               WHEN event_type IN ('login', 'logout', 'signup') THEN '/account'
               WHEN u_page < 0.10 THEN '/'
               WHEN u_page < 0.25 THEN '/category/' || pg_temp.category(u_cat)
               -- product pages: 1..4999, Zipf-like (product k has weight 1/k)
               ELSE '/product/' || floor(4999 ^ u_prod)::int
           END AS page,
           -- exponential-ish durations, mean ~4 s, longer on mobile and tablet
           50 + floor(-ln(1 - u_dur) * 4000 *
                      CASE device WHEN 'desktop' THEN 1.0
                                  WHEN 'mobile' THEN 1.3
                                  ELSE 1.15 END)::int AS duration_ms,
           device
    FROM (
        SELECT i,
               pg_temp.ts_2025(i, :events_rows) AS ts,
               user_id,
               CASE
                   WHEN u_type < 0.45  THEN 'page_view'
                   WHEN u_type < 0.65  THEN 'click'
                   WHEN u_type < 0.75  THEN 'scroll'
                   WHEN u_type < 0.82  THEN 'search'
                   WHEN u_type < 0.87  THEN 'add_to_cart'
                   WHEN u_type < 0.91  THEN 'login'
                   WHEN u_type < 0.94  THEN 'logout'
                   WHEN u_type < 0.965 THEN 'share'
                   WHEN u_type < 0.985 THEN 'signup'
                   ELSE 'purchase'
               END AS event_type,
               -- each user mostly uses one device
               CASE
                   WHEN pg_temp.u(user_id, 7) < 0.55 THEN 'desktop'
                   WHEN pg_temp.u(user_id, 7) < 0.93 THEN 'mobile'
                   ELSE 'tablet'
               END AS device,
               u_page, u_cat, u_prod, u_dur
        FROM (
            SELECT i,
                   pg_temp.user_of(i, 1) AS user_id,
                   pg_temp.u(i, 2) AS u_type,
                   pg_temp.u(i, 3) AS u_page,
                   pg_temp.u(i, 4) AS u_cat,
                   pg_temp.u(i, 5) AS u_prod,
                   pg_temp.u(i, 6) AS u_dur
            FROM generate_series(1, :events_rows::bigint) AS i
        ) AS raw
    ) AS e
) TO :'events_csv' (FORMAT csv);

\echo 'generating' :orders_rows 'orders into' :orders_csv
COPY (
    SELECT i AS order_id,
           pg_temp.ts_2025(i, :orders_rows) AS ordered_at,
           pg_temp.user_of(i, 11) AS user_id,
           pg_temp.category(pg_temp.u(i, 12)) AS category,
           -- 1.00 .. 500.00, most orders small
           round((1 + 499 * pg_temp.u(i, 13) ^ 2.5)::numeric, 2) AS amount,
           CASE
               WHEN pg_temp.u(i, 14) < 0.85 THEN 'completed'
               WHEN pg_temp.u(i, 14) < 0.91 THEN 'shipped'
               WHEN pg_temp.u(i, 14) < 0.95 THEN 'pending'
               WHEN pg_temp.u(i, 14) < 0.98 THEN 'cancelled'
               ELSE 'refunded'
           END AS status
    FROM generate_series(1, :orders_rows::bigint) AS i
) TO :'orders_csv' (FORMAT csv);

\timing off
