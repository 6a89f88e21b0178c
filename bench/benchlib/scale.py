"""bench/benchlib/scale.py - data sizes of the benchmark.

Owns the meaning of --scale: a scale factor SF gives
    hits   = 100,000 x SF rows (about 100 columns, ~600 bytes of CSV per row)
    orders = 500,000 x SF rows
    events = 1,000,000 x SF rows
with two names: "small" (SF 0.3, the CI check) and "default" (SF 10).
"""

from dataclasses import dataclass

BASE_ROWS = {"hits": 100_000, "orders": 500_000, "events": 1_000_000}
NAMED_FACTORS = {"small": 0.3, "default": 10.0}
TABLES = ("hits", "orders", "events")


@dataclass(frozen=True)
class Scale:
    label: str  # "small", "default" or "sf<N>": names files and databases
    factor: float
    rows: dict  # table name -> number of rows

    def describe(self):
        counts = ", ".join(f"{t} {self.rows[t]:,}" for t in TABLES)
        return f"{self.label} (scale factor {self.factor:g}: {counts} rows)"


def parse_scale(text):
    """Scale of a --scale argument: a name or a positive number."""
    if text in NAMED_FACTORS:
        label, factor = text, NAMED_FACTORS[text]
    else:
        try:
            factor = float(text)
        except ValueError:
            raise ValueError(f"--scale must be small, default or a number, not {text!r}")
        if not factor > 0:
            raise ValueError("--scale must be positive")
        label = "sf" + f"{factor:g}".replace(".", "_")
    rows = {t: max(1, round(BASE_ROWS[t] * factor)) for t in TABLES}
    return Scale(label, factor, rows)
