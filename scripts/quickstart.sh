#!/usr/bin/env bash
#
# scripts/quickstart.sh - the one command to try olap_ext (README "Quick start").
#
# Owns the quick start: installs the Debian packages it needs, builds and
# installs the extension, creates a private PostgreSQL 15 cluster in
# .quickstart/data of this repository (port 55432, run by the unprivileged
# OS user 'olap'), starts it, creates the database olap_demo with the
# extension, generates and loads the deterministic demo data (demo/*.sql:
# the same tables as columnar 'olap' tables and as heap tables), runs the
# demo queries with results and timings, and leaves the server running.
#
# A second run reuses the cluster and the loaded data: it rebuilds and
# reinstalls the extension (restarting the server if the library changed)
# and reruns the queries.
#
# Usage:
#   scripts/quickstart.sh           run the quick start (as root on Debian 12)
#   scripts/quickstart.sh --reload  same, but drop and reload the demo data
#   scripts/quickstart.sh --stop    stop the quick start server
#   scripts/quickstart.sh --help    show this text
#
# Environment (optional):
#   QUICKSTART_PORT    port of a new cluster (default 55432)
#   QUICKSTART_EVENTS  number of demo events (default 3000000)
#   QUICKSTART_ORDERS  number of demo orders (default 1000000)
#
# Not as root, it runs everything as the current user, which then needs the
# packages installed already and write access to PostgreSQL's directories.

set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

QS_USER=olap
QS_DB=olap_demo
QS_DIR=$OLAP_REPO_ROOT/.quickstart
QS_DATA=$QS_DIR/data
QS_LOG=$QS_DIR/server.log
QS_CSV_DIR=$QS_DIR/csv
QS_LIB_SUM=$QS_DIR/server-library.sha256
QS_PORT=${QUICKSTART_PORT:-55432}
QS_EVENTS=${QUICKSTART_EVENTS:-3000000}
QS_ORDERS=${QUICKSTART_ORDERS:-1000000}

usage() {
    sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

is_count() {
    [[ $1 =~ ^[1-9][0-9]*$ ]]
}

stop_quickstart() {
    if [ ! -f "$QS_DATA/PG_VERSION" ]; then
        log "there is no quick start cluster in $QS_DATA"
        return 0
    fi
    # The server runs as the owner of its data directory.
    ensure_os_user "$(stat -c %U "$QS_DATA")"
    if is_running "$QS_DATA"; then
        stop_cluster "$QS_DATA"
    else
        log "the quick start server is not running"
    fi
}

# psql against the demo database.
demo_psql() {
    run_psql "$QS_PORT" "$QS_DB" "$@"
}

# Prints "EVENTS ORDERS" of the loaded demo data, or nothing if none is
# (completely) loaded.
loaded_counts() {
    local exists
    exists=$(demo_psql -Atc "SELECT to_regclass('public.quickstart_state') IS NOT NULL")
    if [ "$exists" = t ]; then
        demo_psql -Atc "SELECT events_rows || ' ' || orders_rows FROM quickstart_state"
    fi
}

load_demo_data() {
    local events_csv=$QS_CSV_DIR/events.csv orders_csv=$QS_CSV_DIR/orders.csv t
    demo_psql -qc "SET client_min_messages = warning" \
        -c "DROP TABLE IF EXISTS quickstart_state"
    log "creating the demo tables (demo/schema.sql)"
    demo_psql -f "$OLAP_REPO_ROOT/demo/schema.sql"

    log "generating the demo data: $QS_EVENTS events, $QS_ORDERS orders (demo/generate.sql)"
    t=$(now_seconds)
    demo_psql -v events_rows="$QS_EVENTS" -v orders_rows="$QS_ORDERS" \
        -v events_csv="$events_csv" -v orders_csv="$orders_csv" \
        -f "$OLAP_REPO_ROOT/demo/generate.sql"
    TIME_GENERATE=$(elapsed "$t")
    log "CSV files:"
    du -h "$events_csv" "$orders_csv"

    log "loading the demo data (demo/load.sql)"
    t=$(now_seconds)
    demo_psql -v events_csv="$events_csv" -v orders_csv="$orders_csv" \
        -f "$OLAP_REPO_ROOT/demo/load.sql"
    TIME_LOAD=$(elapsed "$t")

    # Marks the load as complete: an interrupted load is redone next time.
    demo_psql -qc "CREATE TABLE quickstart_state AS
                       SELECT $QS_EVENTS::bigint AS events_rows,
                              $QS_ORDERS::bigint AS orders_rows,
                              now() AS loaded_at" \
        -c "COMMENT ON TABLE quickstart_state IS
                'demo data loaded by scripts/quickstart.sh (drop it to reload)'"
    # The data can be regenerated identically at any time.
    rm -f "$events_csv" "$orders_csv"
}

print_instructions() {
    local psql_cmd stop_cmd
    psql_cmd="$PG_BINDIR/psql -h $(cluster_socket_dir "$QS_PORT") -p $QS_PORT -U $OLAP_DB_SUPERUSER $QS_DB"
    stop_cmd="$PG_BINDIR/pg_ctl -D $QS_DATA stop"
    if is_root; then
        stop_cmd="runuser -u $OLAP_OS_USER -- $stop_cmd"
    fi
    cat <<EOF

The quick start server is still running (data: $QS_DATA, log: $QS_LOG).

Connect with psql:
    $psql_cmd
or from any client on this machine (no password):
    postgresql://$OLAP_DB_SUPERUSER@127.0.0.1:$QS_PORT/$QS_DB

Stop the server:
    scripts/quickstart.sh --stop
or:
    $stop_cmd

Run scripts/quickstart.sh again to rerun the queries on the loaded data
(--reload to load it again); to start over from nothing, stop the server
and delete $QS_DIR.
EOF
}

main() {
    local reload=0 t_total t lib_sum old_sum counts
    case "${1-}" in
        "") ;;
        --reload) reload=1 ;;
        --stop)
            stop_quickstart
            return 0
            ;;
        -h | --help)
            usage
            return 0
            ;;
        *)
            usage >&2
            die "unknown argument: $1"
            ;;
    esac
    is_count "$QS_EVENTS" || die "QUICKSTART_EVENTS must be a positive integer"
    is_count "$QS_ORDERS" || die "QUICKSTART_ORDERS must be a positive integer"
    is_count "$QS_PORT" || die "QUICKSTART_PORT must be a port number"

    t_total=$(now_seconds)
    TIME_GENERATE="-"
    TIME_LOAD="-"

    ensure_packages
    ensure_os_user "$QS_USER"

    if is_root; then
        install -d -m 0755 -o "$OLAP_OS_USER" -g "$OLAP_OS_GROUP" "$QS_DIR" "$QS_CSV_DIR"
    else
        mkdir -p "$QS_DIR" "$QS_CSV_DIR"
    fi
    as_user test -w "$QS_DIR" ||
        die "user '$OLAP_OS_USER' cannot use $QS_DIR: every directory above it must be searchable (chmod o+x) by that user"
    as_user test -r "$OLAP_REPO_ROOT/demo/queries.sql" ||
        die "user '$OLAP_OS_USER' cannot read $OLAP_REPO_ROOT/demo/*.sql (chmod o+r)"
    if [ -e "$QS_DATA" ] && [ "$(stat -c %U "$QS_DATA")" != "$OLAP_OS_USER" ]; then
        die "$QS_DATA belongs to '$(stat -c %U "$QS_DATA")', not '$OLAP_OS_USER'; delete it to start over"
    fi

    t=$(now_seconds)
    build_and_install
    TIME_BUILD=$(elapsed "$t")

    if [ ! -f "$QS_DATA/PG_VERSION" ]; then
        init_cluster "$QS_DATA" "$QS_PORT"
    fi
    QS_PORT=$(cluster_port "$QS_DATA")

    # shared_preload_libraries: a server started before the extension was
    # rebuilt still runs the old library.
    lib_sum=$(sha256sum "$("$PG_CONFIG" --pkglibdir)/olap_ext.so" | cut -d' ' -f1)
    if is_running "$QS_DATA"; then
        old_sum=$(cat "$QS_LIB_SUM" 2>/dev/null || true)
        if [ "$old_sum" != "$lib_sum" ]; then
            log "olap_ext.so changed since the server started: restarting it"
            stop_cluster "$QS_DATA"
            start_cluster "$QS_DATA" "$QS_LOG"
        else
            log "the quick start server is already running (port $QS_PORT)"
        fi
    else
        start_cluster "$QS_DATA" "$QS_LOG"
    fi
    printf '%s\n' "$lib_sum" >"$QS_LIB_SUM"

    if [ "$(run_psql "$QS_PORT" postgres -Atc \
        "SELECT count(*) FROM pg_database WHERE datname = '$QS_DB'")" = 0 ]; then
        log "creating database $QS_DB"
        run_psql "$QS_PORT" postgres -qc "CREATE DATABASE $QS_DB"
    fi
    demo_psql -qc "SET client_min_messages = warning" \
        -c "CREATE EXTENSION IF NOT EXISTS olap_ext"

    counts=$(loaded_counts)
    if [ "$reload" = 0 ] && [ "$counts" = "$QS_EVENTS $QS_ORDERS" ]; then
        log "the demo data is already loaded ($QS_EVENTS events, $QS_ORDERS orders): reusing it"
    else
        load_demo_data
    fi

    log "running the demo queries (demo/queries.sql)"
    t=$(now_seconds)
    demo_psql -f "$OLAP_REPO_ROOT/demo/queries.sql"
    TIME_QUERIES=$(elapsed "$t")

    cat <<EOF

Timings (wall clock):
    build and install   $TIME_BUILD
    generate demo data  $TIME_GENERATE
    load demo data      $TIME_LOAD
    demo queries        $TIME_QUERIES
    total               $(elapsed "$t_total")
EOF
    print_instructions
}

main "$@"
