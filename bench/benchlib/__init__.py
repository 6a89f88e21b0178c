"""bench/benchlib - the Python side of the olap_ext analytics benchmark.

Owns nothing itself; bench/runner.py drives the modules:
  scale     data sizes (--scale)
  pgconn    connections, databases, server facts
  datagen   the cached CSV files in bench/data/
  tables    creating and loading the heap and olap twins, sizes
  queries   reading bench/queries/*.sql
  compare   result equality (heap vs olap, and DuckDB vs heap)
  measure   timed runs of the queries
  duck      the DuckDB side (bench/duckdb/bench.mjs)
  report    console tables, CSV, Markdown and the PNG chart
"""
