"""bench/benchlib/tables.py - the heap and olap twins of the benchmark tables.

Owns creating the tables (bench/sql/schema.sql), loading the CSV files into
them with COPY (timed per table and twin), their maintenance after a load
(VACUUM (ANALYZE) for heap, ANALYZE otherwise, timed apart), the record of
which data each twin holds (table bench_load_state, so a later run reuses
loaded tables), and their on-disk sizes.

A twin is one copy of the three tables with one access method: hits_heap,
orders_heap, events_heap and hits_olap, ... (or hits_<am> on another server).

Load honesty: before a file is loaded, it is read once so that both twins
find it in the OS page cache, and a CHECKPOINT runs before each COPY so that
no COPY pays for the dirty pages of the one before.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from .pgconn import execute, scalar
from .scale import TABLES

SCHEMA_TEMPLATE = Path(__file__).resolve().parent.parent / "sql" / "schema.sql"
STATE_TABLE = "bench_load_state"


@dataclass(frozen=True)
class Twin:
    key: str  # suffix of the table names, and the column label in reports
    am: str   # table access method

    def table(self, base):
        return f"{base}_{self.key}"

    def tables(self):
        return {t: self.table(t) for t in TABLES}


def render_schema(names, using):
    """schema.sql with table names NAMES ({base: name}) and clause USING."""
    sql = SCHEMA_TEMPLATE.read_text()
    for base, name in names.items():
        sql = sql.replace("{" + base + "}", name)
    return sql.replace("{using}", using)


def _ensure_state_table(conn):
    execute(conn, "SET client_min_messages = warning")
    execute(conn, f"""CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
                          twin text PRIMARY KEY, am text NOT NULL,
                          fingerprint text NOT NULL, loaded_at timestamptz NOT NULL,
                          info jsonb NOT NULL)""")


def _recorded_load(conn, twin):
    with conn.cursor() as cur:
        cur.execute(f"SELECT am, fingerprint, loaded_at, info FROM {STATE_TABLE} WHERE twin = %s",
                    (twin.key,))
        row = cur.fetchone()
    if row is None:
        return None
    return {"am": row[0], "fingerprint": row[1], "loaded_at": row[2], "info": row[3]}


def _tables_exist(conn, twin):
    for name in twin.tables().values():
        if scalar(conn, "SELECT to_regclass(%s) IS NULL", (name,)):
            return False
    return True


def _create_tables(conn, twin):
    execute(conn, "DROP TABLE IF EXISTS " + ", ".join(twin.tables().values()))
    execute(conn, f"DELETE FROM {STATE_TABLE} WHERE twin = %s", (twin.key,))
    execute(conn, render_schema(twin.tables(), f" USING {twin.am}"))


def _prewarm(path):
    """Read PATH once so that no COPY pays for reading it from disk."""
    with open(path, "rb") as f:
        while f.read(8 << 20):
            pass


def _checkpoint(conn):
    try:
        execute(conn, "CHECKPOINT")
    except psycopg2.Error:  # not allowed to (not superuser on another server)
        pass


def _copy(conn, table, path, copy_mode):
    """COPY PATH into TABLE; returns seconds (the statement, commit included)."""
    start = time.perf_counter()
    with conn.cursor() as cur:
        if copy_mode == "server":
            cur.execute(f"COPY {table} FROM %s (FORMAT csv)", (str(path),))
        else:
            with open(path, "rb") as f:
                cur.copy_expert(f"COPY {table} FROM STDIN (FORMAT csv)", f, size=1 << 20)
    return time.perf_counter() - start


def _maintain(conn, twin):
    start = time.perf_counter()
    names = ", ".join(twin.tables().values())
    if twin.am == "heap":
        execute(conn, f"VACUUM (ANALYZE) {names}")
    else:
        execute(conn, f"ANALYZE {names}")
    return time.perf_counter() - start


def _load(conn, twins, dataset, fingerprints, copy_mode, log):
    """Create and load TWINS table by table; returns {twin.key: info}."""
    infos = {t.key: {"copy_seconds": {}, "copy_mode": copy_mode} for t in twins}
    for twin in twins:
        _create_tables(conn, twin)
    for base in TABLES:
        _prewarm(dataset.files[base])
        for twin in twins:
            _checkpoint(conn)
            seconds = _copy(conn, twin.table(base), dataset.files[base], copy_mode)
            infos[twin.key]["copy_seconds"][base] = seconds
            log(f"COPY {twin.table(base)}: {seconds:.2f} s")
    for twin in twins:
        seconds = _maintain(conn, twin)
        infos[twin.key]["maintenance_seconds"] = seconds
        log(f"{'VACUUM (ANALYZE)' if twin.am == 'heap' else 'ANALYZE'} of the {twin.key} "
            f"tables: {seconds:.2f} s")
        execute(conn, f"INSERT INTO {STATE_TABLE} VALUES (%s, %s, %s, now(), %s)",
                (twin.key, twin.am, fingerprints[twin.key], json.dumps(infos[twin.key])))
    return infos


def ensure_loaded(conn, twins, dataset, versions, copy_mode, reload, log):
    """Load info of each twin ({key: info}), loading the twins that do not
    hold this data set, written by this version of their access method
    (VERSIONS[key], e.g. a digest of olap_ext.so), yet; all of them with
    RELOAD. info["reused"] tells whether the load times are those of an
    earlier run."""
    _ensure_state_table(conn)
    result, to_load = {}, []
    fingerprints = {t.key: dataset.fingerprint + "/" + versions.get(t.key, "") for t in twins}
    for twin in twins:
        recorded = _recorded_load(conn, twin)
        if (not reload and recorded and recorded["fingerprint"] == fingerprints[twin.key]
                and recorded["am"] == twin.am and _tables_exist(conn, twin)):
            info = dict(recorded["info"], reused=True,
                        loaded_at=recorded["loaded_at"].strftime("%Y-%m-%d %H:%M:%S %Z"))
            result[twin.key] = info
            log(f"reusing the {twin.key} tables loaded at {info['loaded_at']}")
        else:
            to_load.append(twin)
    if to_load:
        for key, info in _load(conn, to_load, dataset, fingerprints, copy_mode, log).items():
            result[key] = dict(info, reused=False, loaded_at="this run")
    return result


def table_sizes(conn, twin):
    """{base: bytes}: pg_total_relation_size of each table of TWIN."""
    return {base: scalar(conn, "SELECT pg_total_relation_size(%s::regclass)", (name,))
            for base, name in twin.tables().items()}


def olap_stats(conn, twin):
    """{base: olap.table_stats row as a dict} for an olap twin, else {}."""
    if twin.am != "olap" or not scalar(conn, "SELECT to_regclass('olap.table_stats') IS NOT NULL"):
        return {}
    stats = {}
    with conn.cursor() as cur:
        for base, name in twin.tables().items():
            cur.execute("""SELECT row_count, stripe_count, chunk_group_count, raw_bytes,
                                  compressed_bytes, compression_ratio
                           FROM olap.table_stats WHERE relation = %s::regclass""", (name,))
            row = cur.fetchone()
            if row:
                keys = ("row_count", "stripe_count", "chunk_group_count", "raw_bytes",
                        "compressed_bytes", "compression_ratio")
                stats[base] = dict(zip(keys, row))
    return stats
