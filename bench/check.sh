#!/usr/bin/env bash
#
# bench/check.sh - the benchmark's equality check, for the test command.
#
# Owns the small-scale run of the benchmark that the tests include: every
# benchmark query, once, on heap and olap tables holding the same data, with
# parallel workers off and then on (parallel plans forced, so that the small
# tables get parallel scans too); it fails (non-zero exit) if any query
# returns different rows on the two tables, or fails. No timing is asserted.
# Then it runs the dml suite (bench/run.sh --suite dml) on a tiny table
# (50,000 rows, 300 lookups, 500 single-row INSERTs) with its equality
# checks after every step and a self-test that the check sees a changed row.
# Its last line is "bench: N passed, M failed" (one per query and mode, plus
# the dml suite's checks).
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
    local status=0 summary arg
    local rest=()
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
    # The dml suite, with the extension the first run built and installed.
    for arg in "$@"; do
        [ "$arg" = --no-build ] || rest+=("$arg")
    done
    "$BENCH_DIR/run.sh" --suite dml --scale 0.05 --dml-lookups 300 --dml-inserts 500 \
        --check --results-dir "$OLAP_BENCH_WORK/results" --no-build ${rest[@]+"${rest[@]}"} \
        2>&1 | tee -a "$CHECK_LOG" || status=$?
    # The runners' summaries, added up and repeated as the very last line
    # (run.sh logs the server's shutdown after them); a run that died
    # earlier counts as failed.
    summary=$(count_checks '^bench: [0-9]+ passed, [0-9]+ failed$' \
        '^bench dml: [0-9]+ passed, [0-9]+ failed$')
    if [ "$summary" = x ]; then
        summary="bench: 0 passed, 1 failed"
    fi
    case "$summary" in
        *" 0 failed") ;;
        *) [ "$status" != 0 ] || status=1 ;;
    esac
    printf '%s\n' "$summary"
    return "$status"
}

# count_checks PATTERN...: "bench: N passed, M failed", the sums of the last
# line of the log matching each PATTERN; "x" if one of them is missing.
count_checks() {
    local pattern line passed=0 failed=0 words
    for pattern in "$@"; do
        line=$(grep -E "$pattern" "$CHECK_LOG" | tail -n 1 || true)
        if [ -z "$line" ]; then
            printf 'x\n'
            return 0
        fi
        read -r -a words <<<"${line#bench*: }"
        passed=$((passed + words[0]))
        failed=$((failed + words[2]))
    done
    printf 'bench: %d passed, %d failed\n' "$passed" "$failed"
}

main "$@"
