#!/usr/bin/env bash
#
# bench/run.sh - the one command that runs the analytics benchmark (heap vs
# olap, optionally DuckDB) or, with --suite dml, the DML and VACUUM
# benchmark; see bench/README.md.
#
# Owns the machine side of the benchmark: installs the Debian packages it
# needs and builds and installs the extension (scripts/lib.sh), creates and
# starts the benchmark's private PostgreSQL 15 cluster in bench/work/cluster
# (port 55433, run by the unprivileged OS user 'olapbench'), installs the
# DuckDB npm package into bench/work/node when asked, then hands over to
# the Python runner (bench/runner.py), which generates or reuses the data,
# loads it, runs and checks the queries and writes bench/results/.
#
# Usage:
#   bench/run.sh [options]
#
# Options of this script:
#   --keep         leave the private server running afterwards (default: stop it)
#   --no-build     do not build and install the extension (use the installed one)
#   -h, --help     show this text and the runner's options
# Options passed on to bench/runner.py (bench/runner.py --help lists them all):
#   --suite analytics|dml     the query suite (default) or the DML and VACUUM
#                             suite (lookups, DELETE, UPDATE, VACUUM, INSERTs)
#   --scale small|default|N   data size (N: scale factor, default = 10)
#   --parallel off|on|both    parallel query workers (default both)
#   --runs N                  runs of each query (default 3: 1 cold + median of 2)
#   --dsn DSN --am NAME       compare heap with access method NAME on another server
#   --duckdb                  also run the queries in DuckDB (@duckdb/node-api)
#   --reload                  load the tables again (the CSV files are reused)
#   --only ID,ID,...          run only these queries
#
# Environment (optional; bench/check.sh uses them):
#   OLAP_BENCH_PORT     port of the private cluster (default 55433)
#   OLAP_BENCH_WORK     work directory (default bench/work)
#   OLAP_BENCH_USER     OS user that runs the server (default olapbench)
#   OLAP_BENCH_BUILT    with --no-build: how the installed library was built,
#                       for the report (e.g. "from commit 31a997f")
#   OLAP_PG_BINDIR      another PostgreSQL 15 bin directory (scripts/lib.sh)
#
# Not as root, it runs everything as the current user, which then needs the
# packages installed already and write access to PostgreSQL's directories.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=../scripts/lib.sh
source "$BENCH_DIR/../scripts/lib.sh"

BENCH_USER=${OLAP_BENCH_USER:-olapbench}
BENCH_PORT=${OLAP_BENCH_PORT:-55433}
BENCH_WORK=${OLAP_BENCH_WORK:-$BENCH_DIR/work}
BENCH_CLUSTER=$BENCH_WORK/cluster
BENCH_PGDATA=$BENCH_CLUSTER/data
BENCH_LOG=$BENCH_CLUSTER/server.log
BENCH_LIB_SUM=$BENCH_CLUSTER/server-library.sha256
BENCH_DATA=$BENCH_DIR/data
BENCH_NODE=$BENCH_WORK/node
# The Debian python3 (has psycopg2); a python3 found first on PATH may not.
BENCH_PYTHON=${OLAP_BENCH_PYTHON:-/usr/bin/python3}
DUCKDB_NPM_PACKAGE=@duckdb/node-api@1.5.6-r.1

KEEP=0
BUILD=1
BUILT=""
DUCKDB=0
RUNNER_ARGS=()

usage() {
    sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --keep) KEEP=1 ;;
            --no-build) BUILD=0 ;;
            -h | --help)
                usage
                "$BENCH_PYTHON" "$BENCH_DIR/runner.py" --help
                exit 0
                ;;
            --duckdb)
                DUCKDB=1
                RUNNER_ARGS+=("$1")
                ;;
            *) RUNNER_ARGS+=("$1") ;;
        esac
        shift
    done
}

# make_dir DIR...: directories owned by the OS user (the server writes the
# CSV files and the cluster there).
make_dir() {
    if is_root; then
        install -d -m 0755 -o "$OLAP_OS_USER" -g "$OLAP_OS_GROUP" "$@"
    else
        mkdir -p "$@"
    fi
}

# reclaim_dir DIR: as root, give DIR and everything in it back to the OS
# user if something else took it over (a chown -R of the whole repository
# would otherwise leave the server unable to read its own files).
reclaim_dir() {
    local dir=$1
    if is_root && [ -e "$dir" ] &&
        [ -n "$(find "$dir" ! -user "$OLAP_OS_USER" -print -quit)" ]; then
        log "giving $dir back to '$OLAP_OS_USER'"
        chown -R "$OLAP_OS_USER:$OLAP_OS_GROUP" "$dir"
    fi
}

prepare_dirs() {
    install -d -m 0755 "$BENCH_WORK" "$BENCH_DIR/results"
    reclaim_dir "$BENCH_CLUSTER"
    reclaim_dir "$BENCH_DATA"
    make_dir "$BENCH_CLUSTER" "$BENCH_DATA"
    as_user test -w "$BENCH_DATA" ||
        die "user '$OLAP_OS_USER' cannot write to $BENCH_DATA: every directory above it must be searchable (chmod o+x) by that user"
}

# start_private_cluster: create the cluster if needed and make sure its
# server runs the installed olap_ext.so (restart it if the library changed).
start_private_cluster() {
    local lib_sum old_sum
    if [ ! -f "$BENCH_PGDATA/PG_VERSION" ]; then
        init_cluster "$BENCH_PGDATA" "$BENCH_PORT"
    fi
    BENCH_PORT=$(cluster_port "$BENCH_PGDATA")
    lib_sum=$(sha256sum "$("$PG_CONFIG" --pkglibdir)/olap_ext.so" | cut -d' ' -f1)
    if is_running "$BENCH_PGDATA"; then
        old_sum=$(cat "$BENCH_LIB_SUM" 2>/dev/null || true)
        if [ "$old_sum" = "$lib_sum" ]; then
            log "the benchmark server is already running (port $BENCH_PORT)"
            return 0
        fi
        log "olap_ext.so changed since the server started: restarting it"
        stop_cluster "$BENCH_PGDATA"
    fi
    start_cluster "$BENCH_PGDATA" "$BENCH_LOG"
    printf '%s\n' "$lib_sum" >"$BENCH_LIB_SUM"
}

# install_duckdb: the npm package into bench/work/node; a failure is not
# fatal (the runner then reports DuckDB as unavailable).
install_duckdb() {
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        warn "node/npm not found (apt-get install nodejs npm): DuckDB will be skipped"
        return 0
    fi
    if [ -f "$BENCH_NODE/node_modules/@duckdb/node-api/package.json" ]; then
        return 0
    fi
    log "installing $DUCKDB_NPM_PACKAGE into $BENCH_NODE"
    install -d -m 0755 "$BENCH_NODE"
    if ! npm install --prefix "$BENCH_NODE" --no-audit --no-fund --loglevel=error \
        "$DUCKDB_NPM_PACKAGE"; then
        warn "npm install $DUCKDB_NPM_PACKAGE failed: DuckDB will be skipped"
    fi
}

stop_unless_kept() {
    if [ "$KEEP" = 1 ]; then
        log "the benchmark server keeps running: port $BENCH_PORT, socket $(cluster_socket_dir "$BENCH_PORT")"
        log "stop it with: runuser -u $OLAP_OS_USER -- $PG_BINDIR/pg_ctl -D $BENCH_PGDATA stop"
    elif is_running "$BENCH_PGDATA"; then
        stop_cluster "$BENCH_PGDATA"
    fi
}

main() {
    local t_total status=0
    parse_args "$@"
    t_total=$(now_seconds)
    ensure_packages
    ensure_os_user "$BENCH_USER"
    prepare_dirs
    if [ "$BUILD" = 1 ]; then
        build_and_install
        BUILT="from the working tree of $OLAP_REPO_ROOT by bench/run.sh"
    else
        BUILT=${OLAP_BENCH_BUILT:-"not built by this run (--no-build)"}
    fi
    start_private_cluster
    if [ "$DUCKDB" = 1 ]; then
        install_duckdb
    fi
    "$BENCH_PYTHON" "$BENCH_DIR/runner.py" \
        --pg-bindir "$PG_BINDIR" \
        --private-dsn "host=$(cluster_socket_dir "$BENCH_PORT") port=$BENCH_PORT user=$OLAP_DB_SUPERUSER" \
        --data-dir "$BENCH_DATA" \
        --work-dir "$BENCH_WORK" \
        --built "$BUILT" \
        "${RUNNER_ARGS[@]}" || status=$?
    stop_unless_kept
    log "bench/run.sh finished in $(elapsed "$t_total")"
    return "$status"
}

main "$@"
