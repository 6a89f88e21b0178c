"""bench/benchlib/report.py - what a benchmark run prints and writes.

Owns the presentation of a run: the console tables, and the files in the
results directory: <label>.md (the full report), <label>.csv (one row per
mode and query), <label>-load.csv (load times and sizes per table and
engine), and the chart (heap ms / olap ms per query, log scale, gnuplot);
for the committed results (a full run of the default scale) copies named
latest.* and the chart as latest.png, else the chart as <label>.png.

Ratios are always BASE ms / OTHER ms (heap / olap): above 1 means olap is
faster, below 1 slower. Their geometric mean is over the queries that ran
on both twins.
"""

import csv
import math
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .queries import TAGS
from .scale import TABLES

HEADLINE_QUERIES = ("e01", "e02", "o01", "o02")


@dataclass
class Report:
    label: str
    scale: object  # scale.Scale
    base: object  # tables.Twin (heap)
    other: object  # tables.Twin (olap or --am)
    target: str  # which server
    runs: int
    modes: list  # measure.Mode
    dataset: object  # datagen.DataSet
    loads: dict  # twin key -> load info (tables.ensure_loaded)
    sizes: dict  # twin key -> {table: bytes}
    olap_stats: dict  # table -> olap.table_stats row
    results: list  # measure.QueryResult
    environment: dict  # name -> value
    settings: dict  # server setting -> value
    options: str  # how the runner was called
    phases: dict = field(default_factory=dict)  # phase -> seconds of this run
    duck: object = None  # duck.DuckRun
    duck_note: str = ""  # why DuckDB did not run, if asked and it did not
    chart: str = ""  # file name of the chart next to the report, if any


# --- formatting ---------------------------------------------------------------

def fmt_ms(ms):
    if ms is None:
        return "-"
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def fmt_ratio(r):
    if r is None:
        return "-"
    return f"{r:.2f}" if r < 10 else f"{r:.1f}"


def fmt_bytes(n):
    if n is None:
        return "-"
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0
    return f"{n:.1f} GB"


def fmt_s(s):
    return "-" if s is None else f"{s:.2f} s"


def geomean(values):
    values = [v for v in values if v]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


# --- facts derived from the results -------------------------------------------

def mode_results(report, mode):
    return [r for r in report.results if r.mode == mode.name]


def mode_summary(report, mode):
    rs = mode_results(report, mode)
    b, o = report.base.key, report.other.key
    warm = [r.ratio(b, o) for r in rs]
    summary = {
        "queries": len(rs),
        "geomean_warm": geomean(warm),
        "geomean_cold": geomean([r.ratio(b, o, "cold_ms") for r in rs]),
        "faster": sum(1 for x in warm if x and x > 1),
        "failed": sum(1 for r in rs if r.failed),
    }
    if report.duck:
        summary["geomean_duckdb"] = geomean([duck_ratio(r, b) for r in rs])
    return summary


def duck_ratio(result, base_key):
    d = result.duckdb or {}
    warm = result.timings[base_key].warm_ms
    if not d.get("warm_ms") or not warm:
        return None
    return warm / d["warm_ms"]


def status(result):
    if result.mismatch:
        return "MISMATCH"
    if any(t.error for t in result.timings.values()):
        return "ERROR"
    return "ok"


def failures(report):
    return [r for r in report.results if r.failed]


def headline(report):
    """Facts quoted on their own: events size and load, full-table count and
    sums with parallel workers off."""
    b, o = report.base.key, report.other.key
    lines = []
    sb, so = report.sizes[b]["events"], report.sizes[o]["events"]
    lines.append(("events: on-disk size (pg_total_relation_size)",
                  fmt_bytes(sb), fmt_bytes(so), fmt_ratio(sb / so if so else None)))
    cb = report.loads[b]["copy_seconds"]["events"]
    co = report.loads[o]["copy_seconds"]["events"]
    lines.append(("events: COPY of the same CSV file", fmt_s(cb), fmt_s(co),
                  fmt_ratio(cb / co if co else None)))
    serial = [r for r in report.results if r.mode == "serial"]
    for r in serial:
        if r.query.id in HEADLINE_QUERIES:
            lines.append((f"{r.query.id}: `{r.query.render({t: t for t in TABLES})}` (serial)",
                          fmt_ms(r.timings[b].warm_ms) + " ms",
                          fmt_ms(r.timings[o].warm_ms) + " ms", fmt_ratio(r.ratio(b, o))))
    return lines


# --- console ------------------------------------------------------------------

def _text_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    out = ["  ".join(str(x).ljust(w) if i < 2 else str(x).rjust(w)
                     for i, (x, w) in enumerate(zip(line, widths)))
           for line in [header] + rows]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def _query_rows(report, mode, markdown=False):
    b, o = report.base.key, report.other.key
    rows = []
    for r in mode_results(report, mode):
        tb, to = r.timings[b], r.timings[o]
        row = [r.query.id, (r.query.title if markdown else ",".join(r.query.tags)),
               fmt_ms(tb.warm_ms), fmt_ms(to.warm_ms), fmt_ratio(r.ratio(b, o)),
               fmt_ms(tb.cold_ms), fmt_ms(to.cold_ms)]
        if mode.workers:
            row.append(f"{tb.planned_workers}/{to.planned_workers}")
        if report.duck:
            d = r.duckdb or {}
            row += [fmt_ms(d.get("warm_ms")), fmt_ratio(duck_ratio(r, b)), d.get("check", "-")]
        row.append(status(r))
        rows.append(row)
    return rows


def _query_header(report, mode, markdown=False):
    b, o = report.base.key, report.other.key
    header = ["query", "title" if markdown else "tags", f"{b} ms", f"{o} ms", f"{b}/{o}",
              f"{b} cold", f"{o} cold"]
    if mode.workers:
        header.append("workers")
    if report.duck:
        header += ["duckdb ms", f"{b}/duckdb", "duckdb rows"]
    header.append("check")
    return header


def console_mode(report, mode):
    s = mode_summary(report, mode)
    title = (f"== {mode.name}: max_parallel_workers_per_gather = {mode.workers}, "
             f"{report.runs} runs (cold = run 1, ms = median of the others) ==")
    lines = [title, _text_table(_query_header(report, mode), _query_rows(report, mode))]
    lines.append(f"geometric mean of {report.base.key}/{report.other.key}: "
                 f"{fmt_ratio(s['geomean_warm'])} warm, {fmt_ratio(s['geomean_cold'])} cold "
                 f"({s['faster']} of {s['queries']} queries faster on {report.other.key})")
    if report.duck:
        lines.append(f"geometric mean of {report.base.key}/duckdb: "
                     f"{fmt_ratio(s['geomean_duckdb'])}")
    return "\n".join(lines)


def _load_rows(report):
    rows = []
    for table in TABLES:
        for twin in (report.base, report.other):
            load = report.loads[twin.key]
            rows.append([table, f"{twin.key} ({twin.am})", f"{report.dataset.rows[table]:,}",
                         fmt_bytes(report.dataset.csv_bytes(table)),
                         fmt_s(load["copy_seconds"][table]),
                         fmt_bytes(report.sizes[twin.key][table]),
                         fmt_ratio(report.sizes[report.base.key][table]
                                   / report.sizes[twin.key][table])])
        if report.duck:
            rows.append([table, "duckdb", f"{report.dataset.rows[table]:,}",
                         fmt_bytes(report.dataset.csv_bytes(table)),
                         fmt_s(report.duck.load_seconds[table]), "-", "-"])
    return rows


LOAD_HEADER = ["table", "engine", "rows", "CSV size", "COPY time", "on-disk size",
               "heap size / size"]


def _maintenance_note(report):
    parts = []
    for twin in (report.base, report.other):
        load = report.loads[twin.key]
        what = "VACUUM (ANALYZE)" if twin.am == "heap" else "ANALYZE"
        when = "" if not load["reused"] else f", loaded at {load['loaded_at']}"
        parts.append(f"{twin.key}: {what} {fmt_s(load['maintenance_seconds'])}{when}")
    return "after COPY, not included above: " + "; ".join(parts)


def console_report(report):
    out = [console_mode(report, m) for m in report.modes]
    out.append("== load (COPY of the same CSV files) and on-disk sizes (pg_total_relation_size) ==")
    out.append(_text_table(LOAD_HEADER, _load_rows(report)))
    out.append(_maintenance_note(report))
    if report.duck:
        out.append(f"duckdb database file: {fmt_bytes(report.duck.size_bytes)} "
                   f"(all three tables, {report.duck.version})")
    elif report.duck_note:
        out.append(f"DuckDB: {report.duck_note}")
    out.append("== headline: heap vs " + report.other.key + " ==")
    out.append(_text_table(["what", report.base.key, report.other.key,
                            f"{report.base.key}/{report.other.key}"],
                           [list(x) for x in headline(report)]))
    return "\n\n".join(out)


# --- Markdown -----------------------------------------------------------------

def _md_table(header, rows):
    def esc(x):
        return str(x).replace("|", "\\|")
    lines = ["| " + " | ".join(esc(h) for h in header) + " |",
             "|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(esc(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def _md_summary(report):
    b, o = report.base.key, report.other.key
    header = ["mode", "queries", f"geomean {b}/{o} (warm)", f"geomean {b}/{o} (cold)",
              f"faster on {o}", "failed checks"]
    if report.duck:
        header.append(f"geomean {b}/duckdb")
    rows = []
    for m in report.modes:
        s = mode_summary(report, m)
        row = [f"{m.name} (workers {m.workers})", s["queries"], fmt_ratio(s["geomean_warm"]),
               fmt_ratio(s["geomean_cold"]), s["faster"], s["failed"]]
        if report.duck:
            row.append(fmt_ratio(s["geomean_duckdb"]))
        rows.append(row)
    return _md_table(header, rows)


def _md_failures(report):
    bad = failures(report)
    if not bad:
        return (f"Every query returned the same rows on {report.base.key} and "
                f"{report.other.key}, in every run and mode.")
    lines = [f"**{len(bad)} FAILED CHECKS** ({report.base.key} and {report.other.key} differ "
             "or a query failed):", ""]
    for r in bad:
        why = r.mismatch or "; ".join(f"{k}: {t.error}" for k, t in r.timings.items() if t.error)
        lines += [f"- {r.mode} {r.query.id}: " + why.replace("\n", "\n  "), ""]
    return "\n".join(lines)


def _md_environment(report):
    rows = [[k, v] for k, v in report.environment.items()]
    rows += [[f"setting {k}", v] for k, v in report.settings.items()]
    return _md_table(["what", "value"], rows)


def phases_text(report):
    return ", ".join(f"{k} {v:.0f} s" for k, v in report.phases.items())


def markdown_report(report):
    b, o = report.base.key, report.other.key
    parts = [
        f"# olap_ext benchmark: {report.label}",
        f"{report.scale.describe()}; {report.target}; {report.runs} runs per query "
        f"(cold = run 1, ms = median of runs 2..{report.runs}); "
        f"ratio = {b} ms / {o} ms (above 1: {o} faster). Generated by `{report.options}`.",
        "Wall clock of this run: " + phases_text(report) + ".",
        "## Summary", _md_summary(report), _md_failures(report),
    ]
    if report.chart:
        parts.append(f"![{b} ms / {o} ms per query, log scale]({report.chart})")
    parts += [
        f"## Headline: {b} vs {o}",
        _md_table(["what", b, o, f"{b}/{o}"], [list(x) for x in headline(report)]),
    ]
    for m in report.modes:
        s = mode_summary(report, m)
        parts += [f"## Queries, {m.name} (max_parallel_workers_per_gather = {m.workers})",
                  _md_table(_query_header(report, m, True), _query_rows(report, m, True)),
                  f"Geometric mean of {b}/{o}: **{fmt_ratio(s['geomean_warm'])}** warm, "
                  f"{fmt_ratio(s['geomean_cold'])} cold."
                  + (" `workers` = parallel workers planned (EXPLAIN) on "
                     f"{b}/{o}." if m.workers else "")]
    parts += ["## Load and sizes",
              "COPY of the same CSV file into each table (file in the OS cache, "
              "CHECKPOINT before each COPY; " + _maintenance_note(report) + ").",
              _md_table(LOAD_HEADER, _load_rows(report))]
    if report.olap_stats:
        parts.append(_md_table(
            ["olap table", "rows", "stripes", "chunk groups", "raw", "compressed", "ratio"],
            [[t, f"{s['row_count']:,}", s["stripe_count"], s["chunk_group_count"],
              fmt_bytes(s["raw_bytes"]), fmt_bytes(s["compressed_bytes"]),
              s["compression_ratio"]] for t, s in report.olap_stats.items()]))
    if report.duck:
        parts.append(f"DuckDB {report.duck.version}: database file "
                     f"{fmt_bytes(report.duck.size_bytes)}; serial = 1 thread, parallel = "
                     "one thread per CPU. Skipped queries: "
                     + (", ".join(f"{k} ({v})" for k, v in report.duck.skipped.items())
                        or "none") + ".")
    elif report.duck_note:
        parts.append("DuckDB: " + report.duck_note)
    parts += ["## Tags", _md_table(["tag", "meaning"], [[k, v] for k, v in TAGS.items()]),
              "## Environment", _md_environment(report)]
    return "\n\n".join(parts) + "\n"


# --- CSV ----------------------------------------------------------------------

def write_queries_csv(path, report):
    b, o = report.base.key, report.other.key
    header = ["scale", "mode", "workers", "query", "tags", "title",
              f"{b}_warm_ms", f"{o}_warm_ms", f"{b}_over_{o}",
              f"{b}_cold_ms", f"{o}_cold_ms", f"{b}_over_{o}_cold",
              f"{b}_planned_workers", f"{o}_planned_workers",
              f"{b}_runs_ms", f"{o}_runs_ms", "check"]
    if report.duck:
        header += ["duckdb_warm_ms", "duckdb_cold_ms", f"{b}_over_duckdb", "duckdb_check"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in report.results:
            tb, to = r.timings[b], r.timings[o]
            mode = next(m for m in report.modes if m.name == r.mode)
            row = [report.label, r.mode, mode.workers, r.query.id, " ".join(r.query.tags),
                   r.query.title, _num(tb.warm_ms), _num(to.warm_ms), _num(r.ratio(b, o), 4),
                   _num(tb.cold_ms), _num(to.cold_ms), _num(r.ratio(b, o, "cold_ms"), 4),
                   tb.planned_workers, to.planned_workers,
                   " ".join(_num(x) for x in tb.times_ms), " ".join(_num(x) for x in to.times_ms),
                   status(r)]
            if report.duck:
                d = r.duckdb or {}
                row += [_num(d.get("warm_ms")), _num(d.get("cold_ms")),
                        _num(duck_ratio(r, b), 4), d.get("check", "")]
            w.writerow(row)


def _num(x, digits=2):
    return "" if x is None else f"{x:.{digits}f}"


def write_load_csv(path, report):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["scale", "table", "engine", "access_method", "rows", "csv_bytes",
                    "copy_seconds", "copy_mode", "total_relation_bytes", "heap_bytes_over_bytes",
                    "reused_load_of"])
        for table in TABLES:
            for twin in (report.base, report.other):
                load = report.loads[twin.key]
                size = report.sizes[twin.key][table]
                w.writerow([report.label, table, twin.key, twin.am, report.dataset.rows[table],
                            report.dataset.csv_bytes(table),
                            _num(load["copy_seconds"][table], 3), load["copy_mode"], size,
                            _num(report.sizes[report.base.key][table] / size, 3),
                            load["loaded_at"] if load["reused"] else ""])
            if report.duck:
                w.writerow([report.label, table, "duckdb", "", report.dataset.rows[table],
                            report.dataset.csv_bytes(table),
                            _num(report.duck.load_seconds[table], 3), "duckdb COPY", "", "", ""])


# --- chart --------------------------------------------------------------------

GNUPLOT_SCRIPT = """\
set terminal pngcairo size {width},600 font 'sans,10'
set output '{png}'
set title "{title}"
set datafile separator '\\t'
set style fill solid 0.85 border -1
set logscale y 10
set yrange [{ymin}:{ymax}]
set xrange [-0.7:{xmax}]
set grid ytics
set ylabel '{b} ms / {o} ms  (log scale; above 1: {o} faster)'
set xtics rotate by -90 scale 0 font ',9'
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 1.5 lc rgb 'black' front
plot {plots}
"""


def _chart_data(path, report):
    """Write the chart's data file: query id, then one ratio per mode."""
    b, o = report.base.key, report.other.key
    ids = list(dict.fromkeys(r.query.id for r in report.results))
    by_key = {(r.mode, r.query.id): r.ratio(b, o) for r in report.results}
    values = []
    with open(path, "w") as f:
        for qid in ids:
            cells = []
            for m in report.modes:
                ratio = by_key.get((m.name, qid))
                values.append(ratio)
                cells.append(f"{ratio:.4f}" if ratio else "NaN")
            f.write(qid + "\t" + "\t".join(cells) + "\n")
    return ids, [v for v in values if v]


def write_chart(path, report):
    """Per-query ratios as bars from 1 up (olap faster) or down (slower), log
    scale, one colour per mode (gnuplot). False if there is nothing to draw
    or no gnuplot."""
    if not shutil.which("gnuplot"):
        return False
    data_path = Path(path).with_suffix(".dat")
    ids, known = _chart_data(data_path, report)
    if not known:
        data_path.unlink()
        return False
    n = len(report.modes)
    width = 0.8 / n
    plots = []
    for i, m in enumerate(report.modes):
        x = f"($0 - 0.4 + {width * (i + 0.5):.4f})"
        col = f"${i + 2}"
        using = (f"{x}:(1):({x} - {width / 2:.4f}):({x} + {width / 2:.4f})"
                 f":({col} < 1 ? {col} : 1):({col} < 1 ? 1 : {col})")
        plots.append(f"'{data_path}' using {using}" + (":xtic(1)" if i == 0 else "")
                     + f" with boxxyerror title '{m.name} (workers {m.workers})'")
    b, o = report.base.key, report.other.key
    script = GNUPLOT_SCRIPT.format(
        width=max(900, 80 + 14 * len(ids) * n), png=path, b=b, o=o,
        ymin=10 ** math.floor(math.log10(min(known + [0.5]))),
        ymax=10 ** math.ceil(math.log10(max(known + [2.0]))),
        xmax=len(ids) - 0.3, plots=", ".join(plots),
        title=f"{report.label}: {b} ms / {o} ms per query ({report.scale.describe()})")
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    data_path.unlink()
    return True


def write_files(report, results_dir, chart, latest):
    """Write <label>.md/.csv/-load.csv (and .png with CHART), and copy them
    to latest.* with LATEST. Returns the paths written."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    written = []
    png = results_dir / ("latest.png" if latest else f"{report.label}.png")
    if chart and write_chart(png, report):
        written.append(png)
        report.chart = png.name
    md = results_dir / f"{report.label}.md"
    md.write_text(markdown_report(report))
    written.append(md)
    write_queries_csv(results_dir / f"{report.label}.csv", report)
    write_load_csv(results_dir / f"{report.label}-load.csv", report)
    written += [results_dir / f"{report.label}.csv", results_dir / f"{report.label}-load.csv"]
    if latest:
        for suffix in (".md", ".csv", "-load.csv"):
            target = results_dir / f"latest{suffix}"
            shutil.copyfile(results_dir / f"{report.label}{suffix}", target)
            written.append(target)
    return written
