-- bench/sql/dml.sql - the table of the dml suite (bench/benchlib/dml.py).
--
-- Two sections, templates filled in by the runner:
--   source: the generated rows, into an unlogged heap table {source} that
--           both twins are loaded from ({rows} = the number of rows). Every
--           value comes from hashint8extended(row number, seed), so a given
--           number of rows is the same data on every machine.
--   table:  the measured table {table}, created with USING {am}: a bigint
--           primary key and a few typical columns of an order-like row.
--           Autovacuum is off for it, so that every VACUUM measured is the
--           suite's own and no step finds the table compacted in between.

-- section: source
CREATE UNLOGGED TABLE {source} AS
SELECT g::bigint AS id,
       (abs(hashint8extended(g, 1)) % 100000 + 1)::int AS customer_id,
       timestamptz '2025-01-01 00:00:00+00' + g * interval '3 seconds' AS created_at,
       (ARRAY['new', 'paid', 'shipped', 'delivered', 'returned'])
           [abs(hashint8extended(g, 2)) % 5 + 1] AS status,
       (abs(hashint8extended(g, 3)) % 10 + 1)::int AS quantity,
       ((abs(hashint8extended(g, 4)) % 10000000) / 100.0)::numeric(12, 2) AS amount,
       CASE WHEN abs(hashint8extended(g, 5)) % 4 = 0 THEN NULL
            ELSE 'note ' || abs(hashint8extended(g, 6)) % 1000 END AS note
FROM generate_series(1::bigint, {rows}::bigint) AS g;

-- section: table
CREATE TABLE {table} (
    id          bigint PRIMARY KEY,
    customer_id int NOT NULL,
    created_at  timestamptz NOT NULL,
    status      text NOT NULL,
    quantity    int NOT NULL,
    amount      numeric(12, 2) NOT NULL,
    note        text
) USING {am} WITH (autovacuum_enabled = off);
