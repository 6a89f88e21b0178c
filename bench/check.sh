#!/usr/bin/env bash
#
# bench/check.sh - the benchmark's equality check, for the test command.
#
# Owns the small-scale run of the benchmark that the tests include: every
# benchmark query, once, on heap and olap tables holding the same data, with
# parallel workers off and then on (parallel plans forced, so that the small
# tables get parallel scans too); it fails (non-zero exit) if any query
# returns different rows on the two tables, or fails. No timing is asserted.
# Its last line is "bench: N passed, M failed" (one per query and mode).
#
# It runs bench/run.sh on a private cluster of its own (port 55434, in
# bench/work/check, owned by the OS user 'olapbench'), reloads the tables on
# every run (the check is also a check of COPY into olap), and writes its
# reports to bench/work/check/results, never to bench/results; the whole
# output is also in bench/work/check/check.log. The small CSV files are
# generated once into bench/data/small and reused.
#
# Usage (as root on Debian 12, or as a user with the packages installed):
#   bench/check.sh              build and install the extension first
#   bench/check.sh --no-build   use the installed extension (e.g. right after
#                               scripts/run-tests.sh built and installed it)
# Any other bench/run.sh option is passed on (e.g. --keep).

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
export OLAP_BENCH_PORT=${OLAP_BENCH_PORT:-55434}
export OLAP_BENCH_WORK=${OLAP_BENCH_WORK:-$BENCH_DIR/work/check}
CHECK_LOG=$OLAP_BENCH_WORK/check.log

usage() {
    sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

main() {
    local status=0 summary
    case "${1-}" in
        -h | --help)
            usage
            return 0
            ;;
    esac
    mkdir -p "$OLAP_BENCH_WORK"
    "$BENCH_DIR/run.sh" --scale small --runs 1 --parallel both --force-parallel \
        --reload --check --no-chart --results-dir "$OLAP_BENCH_WORK/results" "$@" \
        2>&1 | tee "$CHECK_LOG" || status=$?
    # The runner's summary, repeated as the very last line (run.sh logs the
    # server's shutdown after it); a run that died earlier counts as failed.
    summary=$(grep -E '^bench: [0-9]+ passed, [0-9]+ failed$' "$CHECK_LOG" | tail -n 1 || true)
    if [ -z "$summary" ]; then
        summary="bench: 0 passed, 1 failed"
        [ "$status" != 0 ] || status=1
    fi
    printf '%s\n' "$summary"
    return "$status"
}

main "$@"
