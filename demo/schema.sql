-- demo/schema.sql - tables of the olap_ext demo (scripts/quickstart.sh).
--
-- Owns the demo schema: each table exists twice with the same columns,
-- once as a columnar table (USING olap) and once as an ordinary heap table
-- (*_heap), so that load times, query times and sizes can be compared.
-- Drops and recreates the tables: running it again starts from empty tables.

\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
-- Always in schema public, whatever the role's search_path says.
SET search_path = public;

DROP TABLE IF EXISTS events, events_heap, orders, orders_heap;

-- Web/app events: one row per event, timestamps increase with the row number.
CREATE TABLE events (
    ts          timestamptz NOT NULL,
    user_id     bigint      NOT NULL,
    event_type  text        NOT NULL,
    page        text        NOT NULL,
    duration_ms int         NOT NULL,
    device      text        NOT NULL
) USING olap;

CREATE TABLE events_heap (LIKE events) USING heap;

-- Shop orders.
CREATE TABLE orders (
    order_id    bigint        NOT NULL,
    ordered_at  timestamptz   NOT NULL,
    user_id     bigint        NOT NULL,
    category    text          NOT NULL,
    amount      numeric(12,2) NOT NULL,
    status      text          NOT NULL
) USING olap;

CREATE TABLE orders_heap (LIKE orders) USING heap;

-- Storage options of an olap table can be changed at any time; they apply to
-- the data written afterwards. Shown here with explicit values (the result
-- of the call is not interesting, hence \o).
\o /dev/null
SELECT olap.alter_table_set('orders',
                            compression => 'zstd',
                            compression_level => 3,
                            stripe_row_limit => 150000,
                            chunk_group_row_limit => 10000);
\o
