#!/usr/bin/python3
"""t/client_protocol.py: what a client library sees of olap tables.

Run by t/007_client_protocol.pl with a libpq connection string as its only
argument.  Uses psycopg 3 over TCP, which sends parameters with the
extended query protocol (Parse/Bind/Execute) and prepares statements on the
server after prepare_threshold executions.  Every answer from the olap table
is compared with the same query on a heap twin.  Prints one "ok"/"not ok"
line per check (TAP style, without a plan) and exits non-zero on failure.
"""
import sys
import datetime

import psycopg

failures = 0
checks = 0


def check(ok, name):
    global failures, checks
    checks += 1
    print(("ok" if ok else "not ok") + " - " + name)
    if not ok:
        failures += 1


def main(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.prepare_threshold = 2
        conn.execute("CREATE EXTENSION IF NOT EXISTS olap_ext")
        for am in ("olap", "heap"):
            conn.execute(f"DROP TABLE IF EXISTS orders_{am}")
            conn.execute(
                f"CREATE TABLE orders_{am} (id int PRIMARY KEY, ordered_at timestamptz, "
                f"category text, amount numeric(12,2), note text) USING {am}")
            conn.execute(
                f"INSERT INTO orders_{am} SELECT g, '2025-01-01 00:00+00'::timestamptz + g * interval '5 minutes', "
                f"(ARRAY['books','games','tools','food'])[g % 4 + 1], (g % 500) / 4.0, "
                f"CASE WHEN g % 10 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 30000) g")

        # parameters bound by the server, the same statement run past the
        # switch to a prepared (and later generic) plan
        query = ("SELECT category, count(*), sum(amount) FROM orders_{} "
                 "WHERE ordered_at >= %s AND ordered_at < %s AND category = ANY(%s) "
                 "GROUP BY category ORDER BY category")
        start = datetime.datetime(2025, 1, 3, tzinfo=datetime.timezone.utc)
        same = True
        for i in range(12):
            lo = start + datetime.timedelta(days=i * 7)
            hi = lo + datetime.timedelta(days=3)
            cats = ["books", "tools"] if i % 2 else ["games", "food", "books"]
            a = conn.execute(query.format("olap"), (lo, hi, cats)).fetchall()
            b = conn.execute(query.format("heap"), (lo, hi, cats)).fetchall()
            same = same and a == b and len(a) > 0
        check(same, "parameterized aggregate over 12 executions equals heap")

        # an explicitly prepared statement reused with many parameters
        rows_same = True
        for k in (1, 77, 500, 12345, 29999, 30001):
            a = conn.execute("SELECT * FROM orders_olap WHERE id = %s", (k,), prepare=True).fetchall()
            b = conn.execute("SELECT * FROM orders_heap WHERE id = %s", (k,), prepare=True).fetchall()
            rows_same = rows_same and a == b
        check(rows_same, "prepared point lookups equal heap")

        plan = conn.execute("EXPLAIN SELECT sum(amount) FROM orders_olap WHERE ordered_at >= now() - interval '1 year'").fetchall()
        check(any("OlapScan" in r[0] for r in plan), "the plan uses OlapScan")

        # a server-side cursor fetched in batches, inside a transaction
        with conn.transaction():
            with conn.cursor(name="big_cursor") as cur:
                cur.itersize = 1000
                cur.execute("SELECT id, amount FROM orders_olap WHERE amount > %s ORDER BY id", (50,))
                total = 0
                count = 0
                for row in cur:
                    total += row[1]
                    count += 1
        expect = conn.execute("SELECT count(*), sum(amount) FROM orders_heap WHERE amount > 50").fetchone()
        check((count, total) == (expect[0], expect[1]), "server-side cursor returns all rows")

        # writes through bound parameters
        conn.execute("UPDATE orders_olap SET note = %s WHERE id = %s", ("changed", 42))
        conn.execute("UPDATE orders_heap SET note = %s WHERE id = %s", ("changed", 42))
        conn.execute("DELETE FROM orders_olap WHERE id BETWEEN %s AND %s", (100, 150))
        conn.execute("DELETE FROM orders_heap WHERE id BETWEEN %s AND %s", (100, 150))
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO orders_olap (id, category, amount) VALUES (%s, %s, %s)",
                            [(40000 + i, "extra", i) for i in range(50)])
            cur.executemany("INSERT INTO orders_heap (id, category, amount) VALUES (%s, %s, %s)",
                            [(40000 + i, "extra", i) for i in range(50)])
        diff = conn.execute(
            "SELECT (SELECT count(*) FROM (SELECT * FROM orders_olap EXCEPT ALL SELECT * FROM orders_heap) d) + "
            "(SELECT count(*) FROM (SELECT * FROM orders_heap EXCEPT ALL SELECT * FROM orders_olap) d)").fetchone()[0]
        check(diff == 0, "tables equal after parameterized writes")

        # what a BI tool asks first: tables, columns and their types
        cols = conn.execute(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), am.amname "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "LEFT JOIN pg_am am ON am.oid = c.relam "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'p') AND c.relname = %s "
            "ORDER BY a.attnum", ("orders_olap",)).fetchall()
        check([c[1] for c in cols] == ["id", "ordered_at", "category", "amount", "note"]
              and cols[0][3] == "olap", "catalog query lists the olap table's columns")
        info = conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position", ("orders_olap",)).fetchall()
        check(len(info) == 5 and info[3][2] == "numeric", "information_schema describes the olap table")
        stats = conn.execute("SELECT row_count FROM olap.table_stats WHERE relation = %s::regclass",
                             ("orders_olap",)).fetchone()
        live = conn.execute("SELECT count(*) FROM orders_olap").fetchone()
        check(stats[0] == live[0], "olap.table_stats agrees with count(*)")

    print(f"# {checks - failures} of {checks} checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
