"""bench/benchlib/pgconn.py - PostgreSQL connections of the benchmark.

Owns how the runner connects (psycopg2, autocommit), the private cluster's
benchmark databases (one per scale, with the olap_ext extension), the
session settings of a measuring connection, and the server facts written
into the reports.
"""

import psycopg2
import psycopg2.extensions

APPLICATION_NAME = "olap_bench"

# Server settings worth recording next to the timings.
REPORTED_SETTINGS = (
    "server_version", "shared_buffers", "work_mem", "effective_cache_size",
    "max_parallel_workers_per_gather", "max_parallel_workers", "max_worker_processes",
    "jit", "wal_level", "synchronous_commit", "max_wal_size",
    "olap.compression", "olap.compression_level", "olap.stripe_row_limit",
    "olap.chunk_group_row_limit", "olap.enable_custom_scan",
    "olap.parallel_cpus", "olap.parallel_worker_setup_factor",
)


def connect(dsn, dbname=None):
    """An autocommit connection to DSN (optionally to another database)."""
    extra = {"dbname": dbname} if dbname else {}
    conn = psycopg2.connect(dsn, application_name=APPLICATION_NAME, **extra)
    conn.autocommit = True
    return conn


def scalar(conn, sql, params=None):
    with conn.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return row[0] if row else None


def execute(conn, sql, params=None):
    with conn.cursor() as cur:
        cur.execute(sql, params)


def ensure_database(dsn, dbname, extension_digest):
    """Create DBNAME on the private cluster if needed, with olap_ext.

    The database is dropped and created again when the extension's SQL
    script changed since it was created (EXTENSION_DIGEST, kept as the
    database's comment): during development the script changes without a
    new extension version, and the objects of the old one would not match
    the library."""
    admin = connect(dsn, "postgres")
    quoted = psycopg2.extensions.quote_ident(dbname, admin)
    try:
        recorded = scalar(admin, """SELECT coalesce(shobj_description(oid, 'pg_database'), '')
                                    FROM pg_database WHERE datname = %s""", (dbname,))
        if recorded is not None and recorded != extension_digest:
            execute(admin, f"DROP DATABASE {quoted} WITH (FORCE)")
            recorded = None
        if recorded is None:
            execute(admin, f"CREATE DATABASE {quoted}")
            execute(admin, f"COMMENT ON DATABASE {quoted} IS %s", (extension_digest,))
    finally:
        admin.close()
    conn = connect(dsn, dbname)
    try:
        execute(conn, "SET client_min_messages = warning")
        execute(conn, "CREATE EXTENSION IF NOT EXISTS olap_ext")
    finally:
        conn.close()


def access_method_exists(conn, amname):
    return bool(scalar(conn, "SELECT count(*) FROM pg_am WHERE amname = %s AND amtype = 't'",
                       (amname,)))


def apply_session_settings(conn, workers, force_parallel, extra_settings, timeout_s):
    """Settings of a measuring session; the same for every twin."""
    execute(conn, "SET TimeZone = 'UTC'")
    execute(conn, "SET statement_timeout = %s", (f"{int(timeout_s)}s",))
    execute(conn, "SET max_parallel_workers_per_gather = %s", (workers,))
    if force_parallel:
        for name in ("parallel_setup_cost", "parallel_tuple_cost",
                     "min_parallel_table_scan_size"):
            execute(conn, f"SET {name} = 0")
        # OlapScan's own bound on processes too: PostgreSQL's worker count
        execute(conn, "SELECT set_config('olap.parallel_cpus', '0', false)")
    for name, value in extra_settings:
        execute(conn, "SELECT set_config(%s, %s, false)", (name, value))


def server_facts(conn):
    """{setting: value} of REPORTED_SETTINGS that the server knows."""
    facts = {}
    for name in REPORTED_SETTINGS:
        value = scalar(conn, "SELECT current_setting(%s, true)", (name,))
        if value is not None:
            facts[name] = value
    facts["olap_ext"] = scalar(
        conn, "SELECT extversion FROM pg_extension WHERE extname = 'olap_ext'") or "-"
    return facts
