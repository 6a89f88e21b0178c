"""bench/benchlib/datagen.py - the benchmark's CSV files, generated once.

Owns bench/data/<scale>/: hits.csv (bench/sql/generate_hits.sql), orders.csv
and events.csv (demo/generate.sql, the quick start's generator, so the data
is the demo's), and manifest.json. Both generators are deterministic
(hash-based, fixed seeds), so a file depends only on its row count and on the
generator's text: the manifest records a fingerprint of both, and files whose
fingerprint matches are reused instead of generated again.

The files are written by the private cluster's server with COPY ... TO (so
by its OS user), through psql (the generators use psql variables).
"""

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BENCH_DIR.parent
HITS_GENERATOR = BENCH_DIR / "sql" / "generate_hits.sql"
DEMO_GENERATOR = REPO_DIR / "demo" / "generate.sql"


@dataclass
class DataSet:
    directory: Path
    files: dict  # table -> Path
    fingerprint: str
    rows: dict
    generated: bool = False
    generate_seconds: dict = field(default_factory=dict)  # step -> seconds

    def csv_bytes(self, table):
        return self.files[table].stat().st_size


def fingerprint(scale):
    digest = hashlib.sha256()
    for path in (HITS_GENERATOR, DEMO_GENERATOR):
        digest.update(path.read_bytes())
    digest.update(json.dumps(scale.rows, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _same_owner(path, like):
    """As root, give PATH the owner of LIKE (bench/data belongs to the
    server's OS user, not to root)."""
    if os.geteuid() == 0:
        st = like.stat()
        os.chown(path, st.st_uid, st.st_gid)


def _make_server_dir(path):
    """PATH, owned like its parent (the server's OS user writes into it)."""
    path.mkdir(parents=True, exist_ok=True)
    _same_owner(path, path.parent)


def _run_psql(pg_bindir, conninfo, script, variables):
    cmd = [str(Path(pg_bindir) / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    for name, value in variables.items():
        cmd += ["-v", f"{name}={value}"]
    cmd += ["-f", str(script)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"generating data with {script} failed:\n{done.stdout}")


def _manifest_matches(directory, files, fp):
    manifest = directory / "manifest.json"
    if not manifest.exists():
        return False
    try:
        recorded = json.loads(manifest.read_text())
    except ValueError:
        return False
    if recorded.get("fingerprint") != fp:
        return False
    return all(path.exists() and path.stat().st_size == recorded["bytes"].get(table)
               for table, path in files.items())


def _generate(dataset, pg_bindir, conninfo, log):
    tmp = {t: p.with_suffix(".csv.tmp") for t, p in dataset.files.items()}
    for path in list(dataset.files.values()) + list(tmp.values()):
        if path.exists():
            path.unlink()
    (dataset.directory / "manifest.json").unlink(missing_ok=True)

    log(f"generating {dataset.rows['hits']:,} hits (bench/sql/generate_hits.sql)")
    start = time.perf_counter()
    _run_psql(pg_bindir, conninfo, HITS_GENERATOR,
              {"hits_rows": dataset.rows["hits"], "hits_csv": tmp["hits"]})
    dataset.generate_seconds["hits"] = time.perf_counter() - start

    log(f"generating {dataset.rows['orders']:,} orders and {dataset.rows['events']:,} events"
        " (demo/generate.sql)")
    start = time.perf_counter()
    _run_psql(pg_bindir, conninfo, DEMO_GENERATOR,
              {"orders_rows": dataset.rows["orders"], "orders_csv": tmp["orders"],
               "events_rows": dataset.rows["events"], "events_csv": tmp["events"]})
    dataset.generate_seconds["orders+events"] = time.perf_counter() - start

    for table, path in tmp.items():
        path.rename(dataset.files[table])
    manifest = {
        "fingerprint": dataset.fingerprint,
        "rows": dataset.rows,
        "bytes": {t: dataset.csv_bytes(t) for t in dataset.files},
        "generate_seconds": dataset.generate_seconds,
        "generated_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    manifest_path = dataset.directory / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    _same_owner(manifest_path, dataset.directory)
    dataset.generated = True


def ensure_data(scale, data_dir, pg_bindir, conninfo, log):
    """The DataSet of SCALE: reused from data_dir/<label>/ or generated."""
    directory = Path(data_dir) / scale.label
    _make_server_dir(directory)
    files = {t: directory / f"{t}.csv" for t in scale.rows}
    dataset = DataSet(directory, files, fingerprint(scale), dict(scale.rows))
    if _manifest_matches(directory, files, dataset.fingerprint):
        log(f"reusing the CSV files in {directory}")
        return dataset
    _generate(dataset, pg_bindir, conninfo, log)
    return dataset
