"""bench/benchlib/duck.py - runs the same data and queries in DuckDB.

Owns the optional DuckDB comparison (--duckdb): finds the npm package
@duckdb/node-api installed by bench/run.sh in bench/work/node, writes the
job for bench/duckdb/bench.mjs (the same CSV files, the same schema without
the USING clause, each query's SQL or its "-- duckdb:" variant, the same
number of runs), runs it with node, and attaches DuckDB's timings and the
check of its rows against heap's to the PostgreSQL results. "serial" runs
DuckDB with 1 thread, "parallel" with one thread per CPU.
"""

import json
import os
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .compare import duckdb_difference
from .scale import TABLES
from .tables import render_schema

BENCH_DIR = Path(__file__).resolve().parent.parent
SCRIPT = BENCH_DIR / "duckdb" / "bench.mjs"
MODULE = Path("node_modules") / "@duckdb" / "node-api" / "lib" / "index.js"


@dataclass
class DuckRun:
    version: str
    load_seconds: dict
    size_bytes: int
    modes: dict  # mode -> query id -> {times_ms, kinds, rows} | {error}
    skipped: dict  # query id -> reason


def unavailable_reason(node_dir):
    """Why DuckDB cannot run here, or "" if it can."""
    if not shutil.which("node"):
        return "node is not installed (apt-get install nodejs npm)"
    if not (Path(node_dir) / MODULE).exists():
        return (f"@duckdb/node-api is not installed in {node_dir} "
                "(bench/run.sh --duckdb installs it with npm)")
    return ""


def _job(node_dir, database, dataset, queries, modes, runs):
    names = {t: t for t in TABLES}
    return {
        "module": str(Path(node_dir) / MODULE),
        "database": str(database),
        "ddl": render_schema(names, ""),
        "tables": [{"name": t, "csv": str(dataset.files[t])} for t in TABLES],
        "modes": [{"name": m.name, "threads": 1 if m.workers == 0 else os.cpu_count()}
                  for m in modes],
        "runs": runs,
        "queries": [{"id": q.id, "sql": q.render(names, q.duckdb or None)}
                    for q in queries if not q.duckdb_skip],
    }


def run_duckdb(node_dir, work_dir, label, dataset, queries, modes, runs, log):
    """Load and query DuckDB; returns a DuckRun (raises on failure)."""
    directory = Path(work_dir) / "duckdb"
    directory.mkdir(parents=True, exist_ok=True)
    job_path, result_path = directory / "job.json", directory / "result.json"
    job = _job(node_dir, directory / f"{label}.duckdb", dataset, queries, modes, runs)
    job_path.write_text(json.dumps(job))
    result_path.unlink(missing_ok=True)
    log(f"DuckDB: loading the CSV files and running {len(job['queries'])} queries")
    subprocess.run(["node", str(SCRIPT), str(job_path), str(result_path)], check=True,
                   stdout=subprocess.DEVNULL)
    out = json.loads(result_path.read_text())
    (directory / f"{label}.duckdb").unlink(missing_ok=True)  # as large as the data
    skipped = {q.id: q.duckdb_skip for q in queries if q.duckdb_skip}
    return DuckRun(out["version"], out["load_seconds"], out["size_bytes"], out["modes"], skipped)


def attach(results, duck):
    """Add result.duckdb = {cold_ms, warm_ms, error, check} to each result."""
    for r in results:
        qid = r.query.id
        if qid in duck.skipped:
            r.duckdb = {"error": "skipped: " + duck.skipped[qid], "check": "skipped"}
            continue
        d = duck.modes.get(r.mode, {}).get(qid)
        if d is None or "error" in d:
            r.duckdb = {"error": d["error"] if d else "not run", "check": "error"}
            continue
        times = d["times_ms"]
        r.duckdb = {"cold_ms": times[0], "warm_ms": statistics.median(times[1:] or times),
                    "times_ms": times, "error": ""}
        if r.baseline_rows is None:
            r.duckdb["check"] = "no heap rows"
        else:
            why = duckdb_difference(r.baseline_rows, d["rows"], d["kinds"], r.query.ordered)
            r.duckdb["check"] = "same" if not why else "differs"
            r.duckdb["difference"] = why or ""
