# Shared by scripts/demo and test/run: build and install redline, and run a PostgreSQL 15
# cluster of our own as the postgres OS user. Source it; it defines functions only.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# initdb refuses a locale the machine has not generated; C.UTF-8 is always there on Debian.
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE LC_COLLATE LC_MESSAGES LANGUAGE
REDLINE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Runs a command as the postgres OS user (the server refuses to run as root).
as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    else
        runuser -u postgres -- "$@"
    fi
}

build_and_install() {
    local jobs
    jobs=$(nproc)
    make -C "$REDLINE_ROOT" -s -j"$jobs" PG_CONFIG="$PG_BIN/pg_config" ERROR_ON_WARNING=1 >/dev/null
    make -C "$REDLINE_ROOT" -s PG_CONFIG="$PG_BIN/pg_config" install >/dev/null
    cmake -S "$REDLINE_ROOT" -B "$REDLINE_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREDLINE_WERROR=ON >/dev/null
    cmake --build "$REDLINE_ROOT/build" -j"$jobs" >/dev/null
}

# init_cluster DIR PORT [extra postgresql.conf lines...]: a fresh cluster in DIR/data,
# listening on a socket in DIR only.
init_cluster() {
    local dir=$1 port=$2
    shift 2
    mkdir -p "$dir"
    chown postgres: "$dir"
    as_postgres "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    {
        echo "port = $port"
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$dir'"
        echo "shared_preload_libraries = 'redline'"
        printf '%s\n' "$@"
    } | as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null
}

start_cluster() {
    as_postgres "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w start >/dev/null
}

stop_cluster() {
    as_postgres "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}
