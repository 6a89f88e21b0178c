-- demo/load.sql - loads the demo CSV files into the demo tables.
--
-- Owns the load step of the demo: each CSV file written by demo/generate.sql
-- is loaded with server-side COPY into the heap table and then into the
-- columnar (olap) table, with \timing on so that the load times show side by
-- side; then the tables are analyzed (the heap tables are also vacuumed, so
-- that later heap queries do not pay for setting hint bits).
-- Expects empty tables (demo/schema.sql) and a superuser (or a member of
-- pg_read_server_files).
--
-- psql variables: events_csv, orders_csv (server-side paths; same defaults as
-- demo/generate.sql).

\set ON_ERROR_STOP on
\set QUIET on
\if :{?events_csv}
\else
\set events_csv /tmp/olap_demo_events.csv
\endif
\if :{?orders_csv}
\else
\set orders_csv /tmp/olap_demo_orders.csv
\endif

SET max_parallel_workers_per_gather = 0;
\timing on

\echo
\echo '--- events: COPY into heap table events_heap ---'
COPY events_heap FROM :'events_csv' (FORMAT csv);
\echo '--- events: COPY into olap table events ---'
COPY events FROM :'events_csv' (FORMAT csv);

\echo
\echo '--- orders: COPY into heap table orders_heap ---'
COPY orders_heap FROM :'orders_csv' (FORMAT csv);
\echo '--- orders: COPY into olap table orders ---'
COPY orders FROM :'orders_csv' (FORMAT csv);

\echo
\echo '--- VACUUM (ANALYZE) the heap tables ---'
VACUUM (ANALYZE) events_heap, orders_heap;
\echo '--- ANALYZE the olap tables ---'
ANALYZE events, orders;

\timing off
