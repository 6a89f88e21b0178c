#!/bin/bash
# bench/rollup/run.sh: times rollup refreshes (see rollup_bench.sql) on a
# running server with olap_ext preloaded and installed in the database.
#
#   bench/rollup/run.sh [ROWS] -- [psql connection options]
#   e.g. bench/rollup/run.sh 10000000 -- -h /tmp/sock -p 5432 -d bench
#
# ROWS defaults to 10,000,000 (the issue's orders table).  Prints the
# labelled timings; the tables are left in place for inspection.
set -euo pipefail
rows=${1:-10000000}
shift || true
[ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
psql -X -v rows="$rows" "$@" -f "$here/rollup_bench.sql" 2>&1 |
	grep -E '^==|^Time:|heap_diff|^ *[0-9]+ *\| *[0-9]+ *\| *[0-9]+|bench_daily'
