#!/usr/bin/env bash
#
# scripts/run-tests.sh - the one command that runs olap_ext's tests (README
# "Running the tests"; .ci/run runs exactly this).
#
# Owns the test run: installs the Debian packages it needs, creates the
# unprivileged OS user 'olaptest' (PostgreSQL refuses to run as root),
# builds and installs the extension (scripts/lib.sh build_and_install: as
# root the build happens in a copy of the repository in ~olaptest/build), and
# runs, as that user,
#     make installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
# which runs, each against throwaway clusters of its own: the pg_regress
# suite (sql/, expected/), the isolation tests (specs/) and the TAP tests
# (t/*.pl, through prove), then the benchmark's equality check at small
# scale (bench/check.sh). On failure it prints regression.diffs,
# output_iso/regression.diffs and the tail of the logs of the throwaway
# clusters, and exits non-zero.
#
# Usage:
#   scripts/run-tests.sh           all suites
#   scripts/run-tests.sh --quick   skip the TAP tests (make installcheck TAP_TESTS=)
#   scripts/run-tests.sh --help    show this text
#
# Not as root, it runs everything as the current user, in place, which then
# needs the packages installed already and write access to PostgreSQL's
# directories.
#
# Each step is a function called from main, in order: a new suite is a new
# function, called from main after the ones it depends on.

set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

TEST_USER=olaptest
QUICK=0

usage() {
    sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# Prints FILE (at most its first 2000 lines) under a heading, if not empty.
show_file() {
    local file=$1 lines
    [ -s "$file" ] || return 0
    lines=$(wc -l <"$file")
    printf '\n===== %s =====\n' "$file"
    head -n 2000 "$file"
    if [ "$lines" -gt 2000 ]; then
        printf '... (%s lines in all; see the file)\n' "$lines"
    fi
}

# What the failed suite left behind. make stops at the first failing suite:
# pg_regress (regression.diffs, log/), then pg_isolation_regress
# (output_iso/regression.diffs, output_iso/log/), then the TAP tests
# (tmp_check/log/, created by the TAP tests only).
report_failure() {
    local dir=$OLAP_BUILD_DIR f logs
    if [ -d "$dir/tmp_check/log" ]; then
        logs=$dir/tmp_check/log
    elif [ -d "$dir/output_iso" ]; then
        show_file "$dir/output_iso/regression.diffs"
        logs=$dir/output_iso/log
    else
        show_file "$dir/regression.diffs"
        logs=$dir/log
    fi
    for f in "$logs"/*; do
        [ -f "$f" ] || continue
        printf '\n===== last lines of %s =====\n' "$f"
        tail -n 60 "$f"
    done
    printf '\nTest output is in %s (results/, regression.diffs, log/, output_iso/, tmp_check/log/).\n' "$dir"
}

# Step: the extension's own suites (pg_regress, isolation, TAP).
run_extension_suites() {
    local make_args=(installcheck PG_CONFIG="$PG_CONFIG")
    if [ "$QUICK" = 1 ]; then
        make_args+=(TAP_TESTS=)
        log "running the regression and isolation tests (--quick: no TAP tests)"
    else
        log "running the regression, isolation and TAP tests"
    fi
    # Leftovers of an earlier run would be reported as this run's failures.
    as_user rm -rf "$OLAP_BUILD_DIR/regression.diffs" "$OLAP_BUILD_DIR/regression.out" \
        "$OLAP_BUILD_DIR/results" "$OLAP_BUILD_DIR/output_iso" "$OLAP_BUILD_DIR/log" \
        "$OLAP_BUILD_DIR/tmp_check" "$OLAP_BUILD_DIR/tmp_check_iso" \
        "$OLAP_BUILD_DIR/tmp_check_regress"
    if ! as_user env PATH="$PG_BINDIR:$PATH" \
        make -C "$OLAP_BUILD_DIR" --no-print-directory "${make_args[@]}"; then
        report_failure
        die "the extension's tests failed"
    fi
}

# Step: the benchmark at its small scale, checking only that heap and olap
# return the same rows for every query (bench/check.sh; no timings).
run_bench_check() {
    log "benchmark equality check (bench/check.sh, small scale)"
    "$OLAP_REPO_ROOT/bench/check.sh" --no-build
}

main() {
    case "${1-}" in
        "") ;;
        --quick) QUICK=1 ;;
        -h | --help)
            usage
            return 0
            ;;
        *)
            usage >&2
            die "unknown argument: $1"
            ;;
    esac

    ensure_packages
    ensure_os_user "$TEST_USER"
    build_and_install
    run_extension_suites
    run_bench_check
}

main "$@"
