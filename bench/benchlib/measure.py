"""bench/benchlib/measure.py - timed runs of the queries on the twins.

Owns how a query is measured: in each mode (parallel workers off or on)
every twin gets its own fresh connection with the same session settings;
each query runs RUNS times on every twin, the twins taking turns (heap,
olap, then olap, heap, ...) so that neither always runs right after the
other; a run's time is the client's wall clock around execute + fetchall
(planning, execution and the transfer of the - small - result). The first
run is reported as "cold", the median of the others as "warm". Every run's
rows, on every twin, are checked against the first heap run's rows
(bench/benchlib/compare.py). The number of parallel workers the planner
chose is recorded too (EXPLAIN, after the timed runs).
"""

import re
import statistics
import time
from dataclasses import dataclass, field

import psycopg2

from .compare import difference
from .pgconn import apply_session_settings, connect


@dataclass
class Timing:
    times_ms: list = field(default_factory=list)
    planned_workers: int = 0
    error: str = ""

    @property
    def cold_ms(self):
        return self.times_ms[0] if self.times_ms else None

    @property
    def warm_ms(self):
        if not self.times_ms:
            return None
        rest = self.times_ms[1:] or self.times_ms
        return statistics.median(rest)


@dataclass
class QueryResult:
    mode: str
    query: object  # queries.Query
    timings: dict  # twin key -> Timing
    baseline_rows: list = None  # first heap run's rows (for DuckDB's check)
    mismatch: str = ""  # why heap and the other twin differ ("" = same)
    duckdb: dict = None  # filled in by duck.py: times_ms, error, check

    def ratio(self, base, other, which="warm_ms"):
        """BASE ms / OTHER ms (> 1: OTHER is faster), or None."""
        b = getattr(self.timings[base], which)
        o = getattr(self.timings[other], which)
        if not b or not o:
            return None
        return b / o

    @property
    def failed(self):
        return bool(self.mismatch) or any(t.error for t in self.timings.values())


@dataclass(frozen=True)
class Mode:
    name: str  # "serial" or "parallel"
    workers: int  # max_parallel_workers_per_gather


def open_sessions(dsn, dbname, twins, mode, options):
    sessions = {}
    for twin in twins:
        conn = connect(dsn, dbname)
        apply_session_settings(conn, mode.workers, options.force_parallel,
                               options.settings, options.timeout)
        sessions[twin.key] = conn
    return sessions


def _timed_fetch(conn, sql):
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    return (time.perf_counter() - start) * 1000.0, rows


def _planned_workers(conn, sql):
    with conn.cursor() as cur:
        cur.execute("EXPLAIN " + sql)
        plan = "\n".join(r[0] for r in cur.fetchall())
    return max((int(n) for n in re.findall(r"Workers Planned: (\d+)", plan)), default=0)


def _run_once(conn, sql, timing):
    """One timed run; returns its rows, or None after an error (recorded)."""
    try:
        ms, rows = _timed_fetch(conn, sql)
    except psycopg2.Error as e:
        timing.error = (e.pgerror or str(e)).strip().splitlines()[0]
        return None
    timing.times_ms.append(ms)
    return rows


def run_query(query, twins, sessions, runs, mode_name):
    """Measure QUERY on every twin (the first twin is the baseline)."""
    base = twins[0].key
    sqls = {t.key: query.render(t.tables()) for t in twins}
    timings = {t.key: Timing() for t in twins}
    result = QueryResult(mode_name, query, timings)
    for run in range(runs):
        # run 1: baseline first, so its rows are there to check the others
        for t in (twins if run % 2 == 0 else list(reversed(twins))):
            if timings[t.key].error:
                continue
            rows = _run_once(sessions[t.key], sqls[t.key], timings[t.key])
            if rows is None:
                continue
            if result.baseline_rows is None and t.key == base:
                result.baseline_rows = rows
            if result.baseline_rows is not None and not result.mismatch:
                result.mismatch = difference(
                    result.baseline_rows, rows, query.ordered,
                    names=(f"{base} (run 1)", f"{t.key} (run {run + 1})")) or ""
    # after the timed runs, so that run 1 is the session's first planning
    for t in twins:
        if not timings[t.key].error:
            timings[t.key].planned_workers = _planned_workers(sessions[t.key], sqls[t.key])
    return result
