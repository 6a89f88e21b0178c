"""bench/benchlib/compare.py - are two query results the same?

Owns the equality rules of the benchmark:
  * heap vs olap (same server, same SQL): full result sets, row by row, in
    order when the query has a top-level ORDER BY (the queries make it a
    total order), else as multisets (both sides sorted here). Values must
    be equal exactly (integers, text, dates, timestamps; numeric values
    with the same scale too: 1.10 is not 1.1), except
    float8 values, which may differ by a relative 1e-9 (the order of a
    floating-point sum depends on the scan; the queries round in SQL where
    they can, so in practice no float8 values are compared).
  * DuckDB vs heap (different engines): numbers of any type are compared
    as floats with a relative tolerance of 1e-6, timestamps in UTC, text
    exactly. Only reported, never fatal: types and rounding differ between
    engines.
"""

import math
from datetime import date, datetime, timezone
from decimal import Decimal

PG_FLOAT_TOLERANCE = 1e-9
DUCKDB_TOLERANCE = 1e-6


def _sort_key(row):
    key = []
    for v in row:
        if v is None:
            key.append((0, ""))
        elif isinstance(v, float):
            key.append((1, float(f"{v:.9g}")))
        elif isinstance(v, (int, Decimal)):
            key.append((1, v))
        else:
            key.append((2, str(v)))
    return key


def _equal(a, b, tolerance):
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        # numeric: the same value with the same scale (1.10 is not 1.1)
        return a == b and a.as_tuple().exponent == b.as_tuple().exponent
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=1e-12)
    return a == b


def _rows_equal(r1, r2, tolerance):
    return len(r1) == len(r2) and all(_equal(a, b, tolerance) for a, b in zip(r1, r2))


def _first_difference(expected, actual, tolerance):
    for i, (e, a) in enumerate(zip(expected, actual)):
        if not _rows_equal(e, a, tolerance):
            return i
    return None


def _short(row, limit=300):
    text = repr(tuple(row))
    return text if len(text) <= limit else text[:limit] + "...)"


def difference(expected, actual, ordered, tolerance=PG_FLOAT_TOLERANCE,
               names=("heap", "olap")):
    """None if the results are the same, else a message saying how not."""
    if len(expected) != len(actual):
        return f"{names[0]} returned {len(expected)} rows, {names[1]} {len(actual)}"
    sorted_e = sorted(expected, key=_sort_key)
    sorted_a = sorted(actual, key=_sort_key)
    e_rows, a_rows = (expected, actual) if ordered else (sorted_e, sorted_a)
    i = _first_difference(e_rows, a_rows, tolerance)
    if i is None:
        return None
    how = "in result order" if ordered else "after sorting both results"
    message = (f"first difference at row {i + 1} ({how}):\n"
               f"    {names[0]}: {_short(e_rows[i])}\n    {names[1]}: {_short(a_rows[i])}")
    if ordered and _first_difference(sorted_e, sorted_a, tolerance) is None:
        message += "\n    (the same rows in another order: is the ORDER BY a total order?)"
    return message


def _pg_value_for_duckdb(v):
    if isinstance(v, (bool, int, float, Decimal)):
        return float(v)
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.astimezone(timezone.utc).replace(tzinfo=None)
    return v


def _duckdb_value(v, kind):
    if v is None:
        return None
    if kind in ("num", "bool"):
        return float(v)
    if kind == "date":
        return date.fromisoformat(v)
    if kind == "timestamp":
        ts = datetime.fromisoformat(v)
        return ts.astimezone(timezone.utc).replace(tzinfo=None) if ts.tzinfo else ts
    return v


def duckdb_difference(pg_rows, duck_rows, duck_kinds, ordered):
    """None if DuckDB's rows (JSON values, column kinds from bench.mjs) match
    PostgreSQL's heap rows, else a message."""
    pg = [tuple(_pg_value_for_duckdb(v) for v in row) for row in pg_rows]
    duck = [tuple(_duckdb_value(v, k) for v, k in zip(row, duck_kinds)) for row in duck_rows]
    return difference(pg, duck, ordered, DUCKDB_TOLERANCE, names=("heap", "duckdb"))
