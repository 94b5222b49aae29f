#!/usr/bin/env bash
# Start throwaway PostgreSQL and Redis servers on loopback for the test suite, and print the
# environment that points at them. Used by .ci/run; handy for developers too:
#   eval "$(scripts/services.sh start)"    ...    scripts/services.sh stop
set -euo pipefail
# runuser lives in /usr/sbin, which a non-login root shell may not have on its PATH.
export PATH="$PATH:/usr/sbin:/sbin"

ROOT="${XINAN_SERVICES_DIR:-/tmp/xinan-services}"
PG_PORT="${XINAN_PG_PORT:-55432}"
REDIS_PORT="${XINAN_REDIS_PORT:-56379}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

start() {
    mkdir -p "$ROOT"
    if [[ -z "$PG_BIN" ]]; then echo "PostgreSQL is not installed" >&2; exit 1; fi
    command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres system user.
    local run_as=()
    if [[ "$(id -u)" == 0 ]]; then run_as=(runuser -u postgres --); chown postgres "$ROOT"; fi
    if [[ ! -d "$ROOT/pg" ]]; then
        "${run_as[@]}" "$PG_BIN/initdb" -D "$ROOT/pg" -A trust -U postgres -E UTF8 >/dev/null
    fi
    if ! "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$ROOT/pg" status >/dev/null 2>&1; then
        "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$ROOT/pg" -l "$ROOT/pg.log" -w \
            -o "-p $PG_PORT -k $ROOT -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    fi
    if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
            --daemonize yes --logfile "$ROOT/redis.log" --pidfile "$ROOT/redis.pid"
        for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
        echo "Redis did not start on port $REDIS_PORT (see $ROOT/redis.log)" >&2
        exit 1
    fi
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/xinan"
    echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

stop() {
    local run_as=()
    if [[ "$(id -u)" == 0 ]]; then run_as=(runuser -u postgres --); fi
    [[ -d "$ROOT/pg" ]] && "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$ROOT/pg" -m fast stop >/dev/null 2>&1 || true
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

"${1:-start}"
