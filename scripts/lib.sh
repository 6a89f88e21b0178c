# shellcheck shell=bash
#
# scripts/lib.sh - shared shell functions for olap_ext's scripts.
#
# Owns: installing the Debian packages the project needs, the unprivileged OS
# user that every server-side step runs as (PostgreSQL refuses to run as
# root), building and installing the extension, and the helpers that create,
# start, stop and query a private PostgreSQL 15 cluster.
#
# Sourced by scripts/quickstart.sh and scripts/run-tests.sh; not executable on
# its own. The sourcing script is expected to run with `set -euo pipefail`.
#
# Functions pass paths to the unprivileged user, so give them absolute paths.

if [ -n "${OLAP_LIB_SH_LOADED:-}" ]; then
    return 0
fi
OLAP_LIB_SH_LOADED=1

# PostgreSQL 15 as installed by Debian's packages. OLAP_PG_BINDIR may point
# at another PostgreSQL 15 bin directory (used to test these scripts without
# touching the system installation).
PG_BINDIR=${OLAP_PG_BINDIR:-/usr/lib/postgresql/15/bin}
PG_CONFIG=$PG_BINDIR/pg_config

# Root of the repository this file belongs to.
OLAP_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# Debian packages the project needs: server, headers, compression libraries,
# IPC::Run for the TAP tests, a compiler, rsync for the build copy (see
# build_and_install), psycopg (3) for the client protocol test, and
# psycopg2 + gnuplot for the benchmarks, pg_cron for the rollup test with
# pg_cron (t/012_rollup_pg_cron.pl).
OLAP_PACKAGES=(
    postgresql-15
    postgresql-15-cron
    postgresql-server-dev-15
    libzstd-dev
    liblz4-dev
    libipc-run-perl
    make
    gcc
    rsync
    python3-psycopg
    python3-psycopg2
    gnuplot-nox
)

# Set by ensure_os_user.
OLAP_OS_USER=""
OLAP_OS_GROUP=""
OLAP_OS_HOME=""
# Set by build_and_install: where the extension was built.
OLAP_BUILD_DIR=""

log() {
    printf '==> %s\n' "$*"
}

warn() {
    printf 'warning: %s\n' "$*" >&2
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

# Seconds since the epoch with a fractional part, for timings.
now_seconds() {
    date +%s.%N
}

# elapsed START -> "12.3 s"
elapsed() {
    awk -v s="$1" -v e="$(now_seconds)" 'BEGIN { printf "%.1f s\n", e - s }'
}

package_installed() {
    local status
    # shellcheck disable=SC2016 # ${Status} is a dpkg-query field, not a shell expansion
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [ "$status" = "install ok installed" ]
}

# ensure_packages: install whatever of OLAP_PACKAGES is missing (root only).
ensure_packages() {
    local missing=() pkg
    for pkg in "${OLAP_PACKAGES[@]}"; do
        package_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if ! is_root; then
            die "missing Debian packages: ${missing[*]}
Install them as root first:
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
        fi
        log "installing missing Debian packages: ${missing[*]}"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
    [ -x "$PG_CONFIG" ] || die "$PG_CONFIG not found (is postgresql-server-dev-15 installed?)"
}

# ensure_os_user NAME: as root, create the unprivileged user NAME if it does
# not exist and make it the user that as_user runs commands as. When not
# root, the current user plays that role.
ensure_os_user() {
    local name=$1
    if is_root; then
        if ! id -u "$name" >/dev/null 2>&1; then
            log "creating unprivileged OS user '$name'"
            useradd -m -s /bin/bash "$name"
        fi
        OLAP_OS_USER=$name
    else
        OLAP_OS_USER=$(id -un)
        if [ "$OLAP_OS_USER" != "$name" ]; then
            log "not root: running as '$OLAP_OS_USER' instead of '$name'"
        fi
    fi
    OLAP_OS_GROUP=$(id -gn "$OLAP_OS_USER")
    OLAP_OS_HOME=$(getent passwd "$OLAP_OS_USER" | cut -d: -f6)
    [ -n "$OLAP_OS_HOME" ] || die "user '$OLAP_OS_USER' has no home directory entry"
    if [ ! -d "$OLAP_OS_HOME" ]; then
        is_root || die "home directory $OLAP_OS_HOME of '$OLAP_OS_USER' does not exist"
        install -d -m 0755 -o "$OLAP_OS_USER" -g "$OLAP_OS_GROUP" "$OLAP_OS_HOME"
    fi
}

# as_user CMD [ARGS...]: run a command as the unprivileged user (runuser when
# root, directly otherwise). As root the command starts in the user's home
# directory, so pass absolute paths.
as_user() {
    [ -n "$OLAP_OS_USER" ] || die "as_user: call ensure_os_user first"
    if is_root; then
        (cd "$OLAP_OS_HOME" && runuser -u "$OLAP_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# build_and_install: build the extension as the unprivileged user, then
# `make install` it (as root when root). Sets OLAP_BUILD_DIR.
#
# When not root, the build happens in place. As root, the repository is not
# handed over to the user (a chown would make git refuse to work in it for
# root, "dubious ownership", and the users of quickstart.sh and run-tests.sh
# would take it from each other); it is mirrored into ~USER/build/olap_ext
# and built there. The mirror compares contents (rsync --checksum) and does
# not copy modification times, so a file whose content changed is newer than
# its object file and gets rebuilt, and unchanged files are not; as PGXS does
# not track header dependencies, a changed header or Makefile means
# `make clean` first. Files ignored by .gitignore (objects, test output,
# .quickstart/, ...) are neither copied nor deleted.
build_and_install() {
    local changes
    [ -n "$OLAP_OS_USER" ] || die "build_and_install: call ensure_os_user first"
    if is_root; then
        OLAP_BUILD_DIR=$OLAP_OS_HOME/build/olap_ext
        install -d -m 0755 -o "$OLAP_OS_USER" -g "$OLAP_OS_GROUP" \
            "$OLAP_OS_HOME/build" "$OLAP_BUILD_DIR"
        changes=$(rsync -rlpog --checksum --delete --itemize-changes \
            --chown="$OLAP_OS_USER:$OLAP_OS_GROUP" \
            --exclude=/.git/ --filter=':- .gitignore' \
            "$OLAP_REPO_ROOT/" "$OLAP_BUILD_DIR/")
        if grep -Eq '(\.h|Makefile|\.mk)$' <<<"$changes"; then
            log "a header or Makefile changed: make clean in $OLAP_BUILD_DIR"
            as_user make -C "$OLAP_BUILD_DIR" --no-print-directory clean \
                PG_CONFIG="$PG_CONFIG" >/dev/null
        fi
    else
        OLAP_BUILD_DIR=$OLAP_REPO_ROOT
    fi
    log "building olap_ext in $OLAP_BUILD_DIR (as $OLAP_OS_USER)"
    as_user make -C "$OLAP_BUILD_DIR" --no-print-directory -j2 PG_CONFIG="$PG_CONFIG"
    log "installing olap_ext into $("$PG_CONFIG" --pkglibdir)"
    if ! make -C "$OLAP_BUILD_DIR" --no-print-directory install PG_CONFIG="$PG_CONFIG"; then
        is_root || die "make install failed: run this script as root, or make the PostgreSQL directories writable"
        die "make install failed"
    fi
}

# --- private clusters --------------------------------------------------------

# Value of shared_preload_libraries written by init_cluster. Overridable (e.g.
# empty) only to test these helpers without a built extension.
OLAP_PRELOAD=${OLAP_PRELOAD-olap_ext}

# Name of the database superuser of the clusters made by init_cluster. Not the
# OS user's name: the default search_path starts with "$user", so a role named
# like the extension's schema (olap) would create its tables in that schema.
OLAP_DB_SUPERUSER=postgres

# cluster_socket_dir PORT: the Unix socket directory of the cluster on PORT
# (kept short and outside the data directory: socket paths are limited to
# about 100 characters).
cluster_socket_dir() {
    printf '/tmp/olap_ext_%s\n' "$1"
}

# cluster_port DIR: the port init_cluster wrote into DIR/postgresql.conf.
cluster_port() {
    local port
    port=$(sed -n 's/^port = \([0-9][0-9]*\).*/\1/p' "$1/postgresql.conf" | tail -n 1)
    [ -n "$port" ] || die "no 'port = ...' line in $1/postgresql.conf"
    printf '%s\n' "$port"
}

# init_cluster DIR PORT: initdb a new cluster in DIR (which must not exist or
# be empty; its parent must be writable by the user), run by the OS user.
# The database superuser is $OLAP_DB_SUPERUSER; authentication is trust, and
# the server listens only on its Unix socket and 127.0.0.1.
init_cluster() {
    local dir=$1 port=$2 out
    log "initializing a PostgreSQL 15 cluster in $dir (port $port)"
    if ! out=$(as_user "$PG_BINDIR/initdb" -D "$dir" -U "$OLAP_DB_SUPERUSER" \
        --auth=trust --encoding=UTF8 --locale=C 2>&1); then
        printf '%s\n' "$out" >&2
        die "initdb failed"
    fi
    cat >>"$dir/postgresql.conf" <<EOF

# --- added by olap_ext scripts/lib.sh (init_cluster) ---
port = $port
unix_socket_directories = '$(cluster_socket_dir "$port")'
listen_addresses = '127.0.0.1'
shared_preload_libraries = '$OLAP_PRELOAD'
wal_level = logical
max_wal_size = 4GB
shared_buffers = 1GB
work_mem = 64MB
maintenance_work_mem = 512MB
max_parallel_workers_per_gather = 2
timezone = 'UTC'
EOF
}

# is_running DIR: true if a server is running on data directory DIR.
is_running() {
    as_user "$PG_BINDIR/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# start_cluster DIR [LOGFILE]: start the server of DIR and wait until it
# accepts connections. LOGFILE defaults to DIR.log (next to DIR).
start_cluster() {
    local dir=$1 logfile=${2:-$1.log} sock
    sock=$(cluster_socket_dir "$(cluster_port "$dir")")
    if is_root; then
        install -d -m 0700 -o "$OLAP_OS_USER" -g "$OLAP_OS_GROUP" "$sock"
    else
        mkdir -p "$sock"
        chmod 0700 "$sock"
    fi
    log "starting the server of $dir (log: $logfile)"
    if ! as_user "$PG_BINDIR/pg_ctl" -D "$dir" -l "$logfile" -w -t 120 start >/dev/null; then
        tail -n 30 "$logfile" >&2 || true
        die "the server of $dir did not start (log: $logfile)"
    fi
}

# stop_cluster DIR: fast shutdown of the server of DIR.
stop_cluster() {
    log "stopping the server of $1"
    as_user "$PG_BINDIR/pg_ctl" -D "$1" -m fast -w stop >/dev/null
}

# run_psql PORT DBNAME [PSQL ARGS...]: psql (run by the OS user, connected as
# the database superuser) against the cluster on PORT, ignoring ~/.psqlrc and
# stopping at the first error.
run_psql() {
    local port=$1 db=$2
    shift 2
    as_user "$PG_BINDIR/psql" -X -v ON_ERROR_STOP=1 -U "$OLAP_DB_SUPERUSER" \
        -h "$(cluster_socket_dir "$port")" -p "$port" -d "$db" "$@"
}
