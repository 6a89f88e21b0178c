"""bench/benchlib/queries.py - the benchmark's query suite.

Owns reading bench/queries/*.sql (format in bench/queries/hits.sql), the
tags a query may carry, rendering a query for one twin (placeholders {hits},
{orders}, {events} -> table names), and telling whether a query's result
order is defined (a top-level ORDER BY) or must be compared as a multiset.
"""

import re
from dataclasses import dataclass
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
FILE_ORDER = ("hits.sql", "orders.sql", "events.sql")

TAGS = {
    "agg-full": "aggregates over whole columns",
    "filter-selective": "a WHERE clause that keeps few rows (< ~15%)",
    "filter-nonselective": "a WHERE clause that keeps many rows",
    "group-low-int": "GROUP BY on a low-cardinality integer key",
    "group-high-int": "GROUP BY on a high-cardinality integer key",
    "group-low-text": "GROUP BY on a low-cardinality text key",
    "group-high-text": "GROUP BY on a high-cardinality text key",
    "group-time": "GROUP BY on a time bucket (date_trunc, date)",
    "count-distinct": "COUNT(DISTINCT ...)",
    "topn": "ORDER BY ... LIMIT n",
    "like": "LIKE on strings",
    "date-range": "a range of dates or timestamps",
    "key-range": "a narrow range of a key column",
    "having": "HAVING",
    "bi": "a BI shape: daily sales by category, funnel, per-user stats",
    "join": "a join of two benchmark tables",
    "wide": "reads every column (SELECT *)",
    "headline": "reported apart: full-table count/sum with parallel workers off",
}

_ID_LINE = re.compile(r"^--\s*id:\s*(\S+)\s*$")
_HEADER_LINE = re.compile(r"^--\s*(\w+):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Query:
    id: str
    tags: tuple
    title: str
    sql: str
    duckdb: str  # SQL for DuckDB ("" = same as sql)
    duckdb_skip: str  # reason DuckDB does not run it ("" = it does)
    source: str

    def render(self, names, sql=None):
        """SQL (default: self.sql) with {base} placeholders -> NAMES[base]."""
        text = self.sql if sql is None else sql
        for base, name in names.items():
            text = text.replace("{" + base + "}", name)
        return text

    @property
    def ordered(self):
        return has_top_level_order_by(self.sql)


def has_top_level_order_by(sql):
    """True if SQL ends with an ORDER BY of the outermost query (not one in a
    subquery, CTE or window)."""
    text = re.sub(r"'(?:[^']|'')*'", "''", sql)
    text = re.sub(r"--[^\n]*", " ", text)
    depth, outer = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            outer.append(ch)
    return re.search(r"\border\s+by\b", "".join(outer), re.IGNORECASE) is not None


def _make_query(header, sql_lines, source):
    qid = header["id"]
    tags = tuple(t.strip() for t in header.get("tags", "").split(",") if t.strip())
    unknown = [t for t in tags if t not in TAGS]
    if not tags or unknown:
        raise ValueError(f"{source}: query {qid}: missing or unknown tags {unknown or ''}")
    sql = "\n".join(sql_lines).strip().rstrip(";").strip()
    duckdb = header.get("duckdb", "")
    skip = ""
    if duckdb.startswith("skip"):
        skip = duckdb[len("skip"):].strip() or "not supported"
    return Query(qid, tags, header.get("title", qid), sql,
                 "" if skip else duckdb.rstrip(";"), skip, source)


def parse_file(path):
    """The queries of one file, in file order."""
    queries, header, sql_lines = [], None, []
    for line in Path(path).read_text().splitlines():
        match = _ID_LINE.match(line)
        if match:
            header, sql_lines = {"id": match.group(1)}, []
            continue
        if header is None:
            continue  # file header, or text after a query's ";"
        match = _HEADER_LINE.match(line)
        if not sql_lines and match:
            header[match.group(1)] = match.group(2)
            continue
        if not sql_lines and not line.strip():
            continue
        sql_lines.append(line)
        if line.rstrip().endswith(";"):
            queries.append(_make_query(header, sql_lines, Path(path).name))
            header = None
    if header is not None:
        raise ValueError(f"{path}: query {header['id']} has no terminating ';'")
    return queries


def load_queries(directory=QUERY_DIR):
    files = sorted(Path(directory).glob("*.sql"),
                   key=lambda p: (FILE_ORDER.index(p.name) if p.name in FILE_ORDER
                                  else len(FILE_ORDER), p.name))
    queries = [q for f in files for q in parse_file(f)]
    seen = set()
    for q in queries:
        if q.id in seen:
            raise ValueError(f"duplicate query id {q.id}")
        seen.add(q.id)
    return queries


def select_queries(queries, only):
    """The queries whose ids are in ONLY (comma-separated), or all."""
    if not only:
        return queries
    wanted = [x.strip() for x in only.split(",") if x.strip()]
    known = {q.id for q in queries}
    missing = [x for x in wanted if x not in known]
    if missing:
        raise ValueError(f"unknown query ids: {', '.join(missing)}")
    return [q for q in queries if q.id in wanted]
