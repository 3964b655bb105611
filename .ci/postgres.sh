# Sourced by .ci/run: a throwaway PostgreSQL server on loopback for the store tests.
# Sets STUDYRNN_TEST_PG_URL; `pg_stop` (run on exit) stops the server and removes its files.

pg_start() {
    if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        echo "ci: installing PostgreSQL from the distribution's packages"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || {
            echo "ci: could not install PostgreSQL; the store tests run on SQLite only"; return 0; }
    fi
    local bindir
    bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)")
    [ -x "$bindir/initdb" ] || bindir=$(dirname "$(command -v initdb)")
    PG_BIN=$bindir
    PG_DIR=$(mktemp -d /tmp/studyrnn-pg.XXXXXX)
    PG_PORT=${PG_PORT:-55432}
    # The server refuses to run as root: run it as the postgres user (or the current user otherwise).
    PG_USER=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        PG_USER=postgres
        chown "$PG_USER" "$PG_DIR"
    fi
    _pg() { if [ "$(id -u)" = 0 ]; then su -s /bin/sh "$PG_USER" -c "$*"; else sh -c "$*"; fi; }
    _pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U studyrnn --auth=trust -E UTF8 >'$PG_DIR/initdb.log' 2>&1" || {
        echo "ci: initdb failed"; cat "$PG_DIR/initdb.log"; return 1; }
    _pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -t 60 \
        -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k '$PG_DIR' -c max_connections=200 -c fsync=off\" start >/dev/null" || {
        echo "ci: PostgreSQL did not start"; cat "$PG_DIR/server.log"; return 1; }
    _pg "'$PG_BIN/createdb' -h 127.0.0.1 -p $PG_PORT -U studyrnn studyrnn_test"
    export STUDYRNN_TEST_PG_URL="postgresql+psycopg://studyrnn@127.0.0.1:$PG_PORT/studyrnn_test"
    echo "ci: PostgreSQL running at $STUDYRNN_TEST_PG_URL"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    _pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast -w stop >/dev/null 2>&1" || true
    rm -rf "$PG_DIR"
}
