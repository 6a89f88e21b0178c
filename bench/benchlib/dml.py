"""bench/benchlib/dml.py - the DML and VACUUM benchmark (bench/run.sh --suite dml).

Owns the measurements of the dml suite: one table of SCALE x 1,000,000 rows
(bigint primary key and a few typical columns, bench/sql/dml.sql) created as
heap (dml_heap) and as olap (dml_olap) from the same generated source table
(dml_source), then, on both, one after the other, in this order:
  1. load: INSERT ... SELECT from dml_source into the empty table with its
     primary key (CHECKPOINT before), then VACUUM (ANALYZE), timed apart;
  2. lookups: the same random ids through a prepared statement
     (SELECT * ... WHERE id = $1), heap and olap taking turns id by id after
     a warm-up; every lookup must return the same row on both;
  3. DELETE of 1% of the rows (random ids), UPDATE of a non-key column of
     another 1% (random ids), each one statement joining a key table;
  4. DELETE of about 50% of the rows, then a plain VACUUM: its time and the
     sizes before the DELETE, after it and after the VACUUM;
  5. single-row INSERT transactions, one autocommit connection per table,
     the tables taking turns row by row, then a plain VACUUM: olap stripe
     counts before and after it;
  6. lookups again, on the changed and compacted tables (ids of deleted rows
     included: both must return no row).
Autovacuum is off for both tables (bench/sql/dml.sql).
After steps 1, 3, 4 and 5 the two tables must hold the same rows: count and
an order-independent hash of every row's text (the sum of 60-bit prefixes of
md5(row::text)); a difference is a failed check, reported loudly with
sample rows of EXCEPT ALL both ways. With --check (bench/check.sh) a last
self-test changes one olap row and requires the check to see a difference.
Every timed statement is timed by the client around execute (including its
commit, autocommit), and a CHECKPOINT runs before it, so that no step pays
for the dirty pages of the one before.
"""

import hashlib
import io
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from .pgconn import apply_session_settings, connect, execute, scalar

SCHEMA_TEMPLATE = Path(__file__).resolve().parent.parent / "sql" / "dml.sql"
BASE_ROWS = 1_000_000  # rows per scale factor: default (10) = 10M rows
SOURCE = "dml_source"
KEYS = "dml_keys"
SEED = 20260303
WARMUP_FRACTION = 0.1  # extra lookups run first, not measured
CHECK_WORKERS = 2  # parallel workers of the (untimed) equality checks
COLUMNS = ("id", "customer_id", "created_at", "status", "quantity", "amount", "note")


@dataclass
class Step:
    """One measured quantity of the suite, per twin (heap, olap)."""
    section: str
    what: str
    unit: str  # "s", "ms", "bytes", "count"
    values: dict = field(default_factory=dict)  # twin key -> number
    note: str = ""  # e.g. the plans of the statement
    # "lower" when a lower value is better (times, sizes): ratio heap / olap;
    # anything else: no ratio
    better: str = "lower"

    def ratio(self, base, other):
        b, o = self.values.get(base), self.values.get(other)
        if self.better != "lower" or b is None or not o:
            return None
        return b / o


@dataclass
class Check:
    """An equality check of the two tables after a step."""
    after: str
    rows: dict  # twin key -> row count
    ok: bool
    detail: str = ""
    expect_equal: bool = True  # False for the self-test


@dataclass
class DmlRun:
    rows: int
    lookups: int
    inserts: int
    steps: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    lookup_ms: dict = field(default_factory=dict)  # when -> twin key -> [ms per lookup]
    lookup_mismatches: int = 0
    lookups_done: int = 0  # lookups compared, warm-ups included
    stripes: dict = field(default_factory=dict)  # label -> {twin key: olap.table_stats}
    phases: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def step(self, section, what, unit, better="lower"):
        s = Step(section, what, unit, better=better)
        self.steps.append(s)
        return s

    @property
    def failed(self):
        return [c for c in self.checks if not c.ok] + (
            ["lookups"] if self.lookup_mismatches else []) + self.errors


# --- helpers ------------------------------------------------------------------

def table_name(twin):
    return f"dml_{twin.key}"


def rows_of(scale):
    return max(1000, round(BASE_ROWS * scale.factor))


def _digest():
    return hashlib.sha256(SCHEMA_TEMPLATE.read_bytes()).hexdigest()[:16]


def _sections():
    """{name: SQL} of bench/sql/dml.sql ('-- section: NAME' lines)."""
    out, name = {}, None
    for line in SCHEMA_TEMPLATE.read_text().splitlines():
        m = re.match(r"--\s*section:\s*(\w+)", line)
        if m:
            name = m.group(1)
            out[name] = ""
        elif name:
            out[name] += line + "\n"
    return out


def _timed(conn, sql, params=None):
    """Seconds of one statement (autocommit: including its commit)."""
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(sql, params)
    return time.perf_counter() - start


def _plan(conn, sql):
    """The plan's node names, outermost first, e.g. 'Delete <- Hash Join <- Seq Scan'."""
    with conn.cursor() as cur:
        cur.execute("EXPLAIN " + sql)
        lines = [r[0] for r in cur.fetchall()]
    nodes = []
    for line in lines:
        if "(cost=" not in line:
            continue
        node = line.split("(cost=")[0].strip().removeprefix("->").strip()
        nodes.append(re.split(r" on | using ", node)[0].strip())
    return " > ".join(nodes)


def _sizes(conn, table):
    return (scalar(conn, "SELECT pg_relation_size(%s::regclass)", (table,)),
            scalar(conn, "SELECT pg_total_relation_size(%s::regclass)", (table,)))


def olap_table_stats(conn, table):
    with conn.cursor() as cur:
        cur.execute("""SELECT row_count, deleted_rows, stripe_count, chunk_group_count,
                              compressed_bytes, on_disk_bytes, free_bytes
                       FROM olap.table_stats WHERE relation = %s::regclass""", (table,))
        row = cur.fetchone()
    keys = ("row_count", "deleted_rows", "stripe_count", "chunk_group_count",
            "compressed_bytes", "on_disk_bytes", "free_bytes")
    return dict(zip(keys, row)) if row else {}


# --- the steps ----------------------------------------------------------------

def ensure_source(conn, rows, log):
    """dml_source with ROWS generated rows (reused if it holds them already)."""
    fp = f"rows={rows} generator={_digest()}"
    have = scalar(conn, "SELECT obj_description(to_regclass(%s), 'pg_class')", (SOURCE,))
    if have == fp:
        log(f"dml: reusing {SOURCE} ({rows:,} rows)")
        return 0.0
    log(f"dml: generating {SOURCE} ({rows:,} rows)")
    start = time.perf_counter()
    execute(conn, f"DROP TABLE IF EXISTS {SOURCE}")
    execute(conn, _sections()["source"].replace("{source}", SOURCE).replace("{rows}", str(rows)))
    execute(conn, f"VACUUM (ANALYZE) {SOURCE}")
    execute(conn, f"COMMENT ON TABLE {SOURCE} IS %s", (fp,))
    return time.perf_counter() - start


def create_twin(conn, twin):
    table = table_name(twin)
    execute(conn, f"DROP TABLE IF EXISTS {table}")
    execute(conn, _sections()["table"].replace("{table}", table).replace("{am}", twin.am))


def content_check(run, conns, twins, after, log):
    """Both tables hold the same rows (count and an order-independent hash)."""
    digests, rows = {}, {}
    for t in twins:
        with conns[t.key].cursor() as cur:
            cur.execute("SET max_parallel_workers_per_gather = %s", (CHECK_WORKERS,))
            cur.execute(f"""SELECT count(*), coalesce(sum(
                                       ('x' || left(md5(t::text), 15))::bit(60)::bigint), 0)
                            FROM {table_name(t)} t""")
            rows[t.key], digests[t.key] = cur.fetchone()
            cur.execute("SET max_parallel_workers_per_gather = 0")
    base, other = twins
    ok = rows[base.key] == rows[other.key] and digests[base.key] == digests[other.key]
    detail = ""
    if not ok:
        detail = _difference(conns[base.key], table_name(base), table_name(other))
        log(f"dml: MISMATCH after {after}: {rows} rows; {detail}")
    else:
        log(f"dml: contents equal after {after} ({rows[base.key]:,} rows)")
    run.checks.append(Check(after, rows, ok, detail))


def self_test(run, conns, twins, log):
    """The equality check can fail: after changing one olap row it must differ."""
    other = twins[1]
    execute(conns[other.key], f"UPDATE {table_name(other)} SET note = coalesce(note, '') || '!' "
                              f"WHERE id = (SELECT min(id) FROM {table_name(other)})")
    probe = DmlRun(rows=run.rows, lookups=0, inserts=0)
    log("dml: self-test of the equality check: the next check must report a MISMATCH")
    content_check(probe, conns, twins, "changing one olap row on purpose", log)
    detected = not probe.checks[0].ok
    run.checks.append(Check("changing one olap row on purpose (self-test: must differ)",
                            probe.checks[0].rows, detected,
                            "" if detected else "the equality check missed a changed row",
                            expect_equal=False))


def _difference(conn, a, b):
    parts = []
    for x, y in ((a, b), (b, a)):
        with conn.cursor() as cur:
            cur.execute(f"""SELECT count(*) OVER (), d::text FROM
                            (SELECT * FROM {x} EXCEPT ALL SELECT * FROM {y}) d LIMIT 3""")
            got = cur.fetchall()
        n = got[0][0] if got else 0
        parts.append(f"{n} rows of {x} not in {y}" + (": " + "; ".join(r[1] for r in got)
                                                       if got else ""))
    return ", ".join(parts)


def load(run, conns, twins, log):
    load_s = run.step("load", "INSERT ... SELECT of all rows (with primary key)", "s")
    maint = run.step("load", "VACUUM (ANALYZE) after the load", "s")
    table_size = run.step("load", "table size (pg_relation_size)", "bytes")
    total_size = run.step("load", "total size with primary key (pg_total_relation_size)",
                          "bytes")
    # read the source once so that both loads find it in memory
    scalar(conns[twins[0].key], f"SELECT count(*) FROM (SELECT * FROM {SOURCE}) s")
    for t in twins:
        conn, table = conns[t.key], table_name(t)
        create_twin(conn, t)
        execute(conn, "CHECKPOINT")
        load_s.values[t.key] = _timed(conn, f"INSERT INTO {table} SELECT * FROM {SOURCE}")
        maint.values[t.key] = _timed(conn, f"VACUUM (ANALYZE) {table}")
        table_size.values[t.key], total_size.values[t.key] = _sizes(conn, table)
        log(f"dml: loaded {table} in {load_s.values[t.key]:.1f} s")


def lookups(run, conns, twins, rng, log, when="after the load", max_id=None):
    """Point lookups by primary key, heap and olap taking turns id by id.

    After the load every id must find exactly one row; later (WHEN), ids of
    deleted rows find none, on both tables."""
    n = run.lookups
    warm = max(1, int(n * WARMUP_FRACTION))
    first = when == "after the load"
    ids = [rng.randint(1, max_id or run.rows) for _ in range(n + warm)]
    samples = {t.key: [] for t in twins}
    plan = {}
    for t in twins:
        conn = conns[t.key]
        execute(conn, "DEALLOCATE ALL")
        execute(conn, f"PREPARE lookup(bigint) AS SELECT * FROM {table_name(t)} WHERE id = $1")
        plan[t.key] = _plan(conn, "EXECUTE lookup(1)")
    curs = {t.key: conns[t.key].cursor() for t in twins}
    for i, key in enumerate(ids):
        got = {}
        order = twins if i % 2 == 0 else list(reversed(twins))
        for t in order:
            cur = curs[t.key]
            start = time.perf_counter()
            cur.execute("EXECUTE lookup(%s)", (key,))
            got[t.key] = cur.fetchall()
            ms = (time.perf_counter() - start) * 1000.0
            if i >= warm:
                samples[t.key].append(ms)
        if got[twins[0].key] != got[twins[1].key] or (first and len(got[twins[0].key]) != 1):
            run.lookup_mismatches += 1
            if run.lookup_mismatches <= 3:
                log(f"dml: MISMATCH in lookup of id {key}: {got}")
        run.lookups_done += 1
    for c in curs.values():
        c.close()
    section = "lookup" if first else "lookup again"
    for label, q in (("median", 0.5), ("p99", 0.99), ("max", 1.0)):
        s = run.step(section, f"primary-key lookup {when}, {label} of {n:,}", "ms")
        for t in twins:
            s.values[t.key] = percentile(samples[t.key], q)
        if label == "median":
            s.note = "; ".join(f"{k}: {v}" for k, v in plan.items())
    run.lookup_ms[when] = samples
    log(f"dml: lookups {when} done, median " + ", ".join(
        f"{t.key} {percentile(samples[t.key], 0.5):.3f} ms" for t in twins))


def percentile(values, q):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(q * (len(v) - 1)))))]


def _keys(conn, rng, rows, count):
    """Table dml_keys: COUNT distinct random ids for each of 'delete' and 'update'."""
    picked = rng.sample(range(1, rows + 1), 2 * count)
    execute(conn, f"DROP TABLE IF EXISTS {KEYS}")
    execute(conn, f"CREATE TABLE {KEYS} (step text NOT NULL, id bigint NOT NULL)")
    with conn.cursor() as cur:
        buf = io.StringIO("".join(f"{'delete' if i < count else 'update'}\t{k}\n"
                                  for i, k in enumerate(picked)))
        cur.copy_expert(f"COPY {KEYS} FROM STDIN", buf)
    execute(conn, f"ANALYZE {KEYS}")


def timed_statement(run, conns, twins, section, what, sql_template):
    """Time SQL_TEMPLATE ({t} = the table) on each twin, CHECKPOINT before."""
    s = run.step(section, what, "s")
    plans = {}
    for t in twins:
        conn, sql = conns[t.key], sql_template.replace("{t}", table_name(t))
        if not sql.startswith("VACUUM"):
            plans[t.key] = _plan(conn, sql)
        execute(conn, "CHECKPOINT")
        s.values[t.key] = _timed(conn, sql)
    s.note = "; ".join(f"{k}: {v}" for k, v in plans.items())
    return s


def delete_update(run, conns, twins, rng, log):
    count = max(1, run.rows // 100)
    _keys(conns[twins[0].key], rng, run.rows, count)
    timed_statement(run, conns, twins, "delete/update 1%",
                    f"DELETE of 1% ({count:,} random ids)",
                    f"DELETE FROM {{t}} t USING {KEYS} k WHERE k.step = 'delete' AND t.id = k.id")
    timed_statement(run, conns, twins, "delete/update 1%",
                    f"UPDATE of 1% ({count:,} random ids, amount and status)",
                    f"UPDATE {{t}} t SET amount = t.amount + 1, status = 'changed' "
                    f"FROM {KEYS} k WHERE k.step = 'update' AND t.id = k.id")
    log("dml: 1% DELETE and UPDATE done")
    content_check(run, conns, twins, "DELETE and UPDATE of 1%", log)


def sizes_step(run, conns, twins, section, label):
    s1 = run.step(section, f"table size {label}", "bytes")
    s2 = run.step(section, f"total size {label}", "bytes")
    for t in twins:
        s1.values[t.key], s2.values[t.key] = _sizes(conns[t.key], table_name(t))
    return s1


def delete_half_vacuum(run, conns, twins, olap_key, log):
    section = "delete 50% + VACUUM"
    before = sizes_step(run, conns, twins, section, "before the DELETE")
    run.stripes["before the 50% DELETE"] = olap_table_stats(conns[olap_key], f"dml_{olap_key}")
    timed_statement(run, conns, twins, section, "DELETE of about 50% of the rows",
                    "DELETE FROM {t} WHERE hashint8extended(id, 50) & 1 = 0")
    sizes_step(run, conns, twins, section, "after the DELETE")
    run.stripes["before VACUUM (50% deleted)"] = olap_table_stats(
        conns[olap_key], f"dml_{olap_key}")
    timed_statement(run, conns, twins, section, "VACUUM", "VACUUM {t}")
    after = sizes_step(run, conns, twins, section, "after the VACUUM")
    run.stripes["after VACUUM (50% deleted)"] = olap_table_stats(
        conns[olap_key], f"dml_{olap_key}")
    rel = run.step(section, "table size after VACUUM / before the DELETE", "ratio",
                   better="none")
    for t in twins:
        rel.values[t.key] = after.values[t.key] / before.values[t.key]
    log("dml: 50% DELETE and VACUUM done")
    content_check(run, conns, twins, "DELETE of 50% and VACUUM", log)


def single_inserts(run, conns, twins, olap_key, rng, log):
    section = f"{run.inserts:,} single-row INSERTs + VACUUM"
    first = run.rows + 1
    rows = [(first + i, rng.randint(1, 100_000),
             f"2026-01-01 00:00:{i % 60:02d}+00",
             rng.choice(("new", "paid", "shipped", "delivered", "returned")),
             rng.randint(1, 10), f"{rng.randint(0, 99_999) / 100:.2f}",
             None if rng.random() < 0.25 else f"note {rng.randint(0, 999)}")
            for i in range(run.inserts)]
    s = run.step(section, "all INSERTs, one autocommit transaction each", "s")
    per = run.step(section, "mean per INSERT transaction", "ms")
    for t in twins:
        execute(conns[t.key], f"PREPARE ins AS INSERT INTO {table_name(t)} VALUES "
                              "($1::bigint, $2::int, $3::timestamptz, $4::text, $5::int, "
                              "$6::numeric, $7::text)")
        s.values[t.key] = 0.0
    execute(conns[twins[0].key], "CHECKPOINT")
    # the twins take turns row by row (which one goes first alternates), so
    # that other work on the machine slows both alike
    curs = {t.key: conns[t.key].cursor() for t in twins}
    for i, r in enumerate(rows):
        for t in (twins if i % 2 == 0 else list(reversed(twins))):
            start = time.perf_counter()
            curs[t.key].execute("EXECUTE ins(%s, %s, %s, %s, %s, %s, %s)", r)
            s.values[t.key] += time.perf_counter() - start
    for t in twins:
        curs[t.key].close()
        per.values[t.key] = s.values[t.key] * 1000.0 / max(1, run.inserts)
        execute(conns[t.key], "DEALLOCATE ins")
    run.stripes["after the INSERTs"] = olap_table_stats(conns[olap_key], f"dml_{olap_key}")
    sizes_step(run, conns, twins, section, "after the INSERTs")
    timed_statement(run, conns, twins, section, "VACUUM", "VACUUM {t}")
    sizes_step(run, conns, twins, section, "after the VACUUM")
    run.stripes["after the INSERTs and VACUUM"] = olap_table_stats(
        conns[olap_key], f"dml_{olap_key}")
    counts = []
    for when, label in (("after the INSERTs", "olap stripes after the INSERTs"),
                        ("after the INSERTs and VACUUM", "olap stripes after the VACUUM")):
        st = run.step(section, label, "count", better="none")
        st.values[olap_key] = run.stripes[when].get("stripe_count")
        counts.append(str(st.values[olap_key]))
    log(f"dml: single-row INSERTs done, olap stripes {' -> '.join(counts)}")
    content_check(run, conns, twins, "single-row INSERTs and VACUUM", log)


def run_dml(dsn, dbname, twins, scale, options, log):
    """The whole suite; returns a DmlRun (failed checks are in .failed)."""
    run = DmlRun(rows=rows_of(scale), lookups=options.dml_lookups, inserts=options.dml_inserts)
    rng = random.Random(SEED)
    olap_key = twins[1].key
    conns = {}
    try:
        for t in twins:
            conns[t.key] = connect(dsn, dbname)
            apply_session_settings(conns[t.key], 0, False, options.settings, options.timeout)
            execute(conns[t.key], "SET client_min_messages = warning")
        phases = [
            ("generate", lambda: ensure_source(conns[twins[0].key], run.rows, log)),
            ("load", lambda: (load(run, conns, twins, log),
                              content_check(run, conns, twins, "the load", log))),
            ("lookups", lambda: lookups(run, conns, twins, rng, log)),
            ("delete/update 1%", lambda: delete_update(run, conns, twins, rng, log)),
            ("delete 50% + vacuum",
             lambda: delete_half_vacuum(run, conns, twins, olap_key, log)),
            ("inserts + vacuum",
             lambda: single_inserts(run, conns, twins, olap_key, rng, log)),
            ("lookups again",
             lambda: lookups(run, conns, twins, rng, log, "after all changes",
                             run.rows + run.inserts)),
        ]
        if options.check:
            phases.append(("self-test", lambda: self_test(run, conns, twins, log)))
        for name, fn in phases:
            start = time.perf_counter()
            fn()
            run.phases[name] = time.perf_counter() - start
    except psycopg2.Error as e:
        msg = (e.pgerror or str(e)).strip().splitlines()[0]
        log(f"dml: ERROR: {msg}")
        run.errors.append(f"error: {msg}")
    finally:
        for c in conns.values():
            c.close()
    return run
