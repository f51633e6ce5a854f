#!/usr/bin/env bash
# `make load`: 50 people using Odoo for 5 minutes while the scheduled jobs
# run, measured with OdooLocust (tests/load/), on the benchmark's database
# (100,000 customers, a year of follow-ups, 10,000 open anomalies):
#   1. one Odoo server, --workers=4 --max-cron-threads=2;
#   2. two Odoo servers on other ports behind nginx (as two machines would
#      be), sharing the database and the filestore, crons on both.
# Prints p50/p95/p99 and throughput per action, errors, the jobs' longest
# batch and the two-server guarantees; PASS/FAIL per target; JSON figures
# in .run/load/. Non-zero when a target fails.
#
# Settings (environment): LOAD_DB (cf_load, built once and reused),
# LOAD_CUSTOMERS (100000), LOAD_TIME (5m), LOAD_THINK (5-15: seconds each
# person takes between two actions; README, Load, says why), LOAD_ONLY
# (single|balancer). The users are 35 specialists, 10 managers and 5 portal
# customers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" run >/dev/null

say() { printf '\033[1m[load]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[load] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

LOAD_DB="${LOAD_DB:-cf_load}"
LOAD_CUSTOMERS="${LOAD_CUSTOMERS:-100000}"
LOAD_TIME="${LOAD_TIME:-5m}"
LOAD_ONLY="${LOAD_ONLY:-}"
export LOAD_THINK="${LOAD_THINK:-5-15}"
PY="$CF_VENV/bin/python"
RUN="$ROOT/.run/load"
mkdir -p "$RUN"

# The load generator's own virtualenv (Locust's gevent and Flask must not
# move Odoo's pins).
LOAD_VENV="$CF_HOME/load-venv"
REQ="$ROOT/tests/load/requirements.txt"
if [ ! -f "$LOAD_VENV/.installed" ] || [ "$REQ" -nt "$LOAD_VENV/.installed" ]; then
    say "installing OdooLocust into $LOAD_VENV"
    python3 -m venv "$LOAD_VENV"
    "$LOAD_VENV/bin/pip" install --quiet -r "$REQ"
    touch "$LOAD_VENV/.installed"
fi

# nginx for the two-server run: Debian's package.
if [ "$LOAD_ONLY" != single ] && ! command -v nginx >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing nginx"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
            || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    else
        die "nginx is needed for the two-server run: sudo apt-get install nginx (or LOAD_ONLY=single)"
    fi
fi

db_exists() {
    "$PY" - "$1" <<'PY'
import os, sys, psycopg2
conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=os.environ["PGUSER"], dbname="postgres")
cr = conn.cursor()
cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[1]])
sys.exit(0 if cr.fetchone() else 1)
PY
}
if ! db_exists "$LOAD_DB"; then
    say "building $LOAD_DB with the benchmark's data ($LOAD_CUSTOMERS customers), once"
    rc=0
    CF_ODOO_BIN="$CF_ODOO/odoo-bin" "$PY" "$ROOT/tests/benchmark/bench.py" --db "$LOAD_DB" --keep \
        --no-peers --customers "$LOAD_CUSTOMERS" --runs 1 --only visits || rc=$?
    # 3: the build's jobs missed a benchmark target (make bench's verdict, not
    # this one's); anything else is a broken build.
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || exit "$rc"
fi

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PIDS=()
stop_all() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
trap stop_all EXIT

start_odoo() {  # port gevent_port workers crons log [extra...]
    local port=$1 gport=$2 workers=$3 crons=$4 log=$5; shift 5
    : > "$log"  # this run's jobs only (Odoo appends to its log file)
    "$PY" "$CF_ODOO/odoo-bin" -c "$CF_CONF" -d "$LOAD_DB" --db-filter "^$LOAD_DB\$" \
        --http-interface 127.0.0.1 --http-port "$port" --gevent-port "$gport" \
        --workers "$workers" --max-cron-threads "$crons" \
        --limit-time-cpu 60 --limit-time-real 120 --limit-time-real-cron 300 \
        --limit-memory-soft 2147483648 --limit-memory-hard 2684354560 \
        --log-level info --logfile "$log" "$@" &
    PIDS+=($!)
}
wait_http() {
    local url=$1
    for _i in $(seq 1 240); do
        curl -sf -o /dev/null "$url/web/login" && return 0
        sleep 0.5
    done
    die "no answer from $url"
}

# People arrive one every 2 s (100 s for 50), as a morning does: 50 at 2 a
# second spent the first 90 s on 100 password checks (Odoo's PBKDF2, about
# 0.5 s of CPU each), and everything queued behind them. The figures are of
# LOAD_TIME with everyone there (Locust's --reset-stats at the end of the
# ramp); the jobs' batches and the guarantees cover the whole run.
SPAWN_RATE=0.5
RAMP_S=100
LOAD_S=$("$PY" -c 'import re, sys
t = sys.argv[1]
parts = re.findall(r"(\d+)([hms])", t)
print(sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts) if parts else int(t))' "$LOAD_TIME")

run_load() {  # name url
    local name=$1 url=$2 port=${2##*:}
    say "$name: $LOAD_TIME with everyone there after a ${RAMP_S} s arrival, 35 specialists, 10 managers, 5 portal customers, $LOAD_THINK s between actions, against $url"
    "$LOAD_VENV/bin/python" "$ROOT/tests/load/cpu_share.py" "$RUN/$name-cpu.json" &
    local sampler=$!
    LOAD_DB="$LOAD_DB" LOAD_PORT="$port" LOAD_THINK="$LOAD_THINK" "$LOAD_VENV/bin/locust" -f "$ROOT/tests/load/locustfile.py" \
        --headless --users 50 --spawn-rate "$SPAWN_RATE" --reset-stats \
        --run-time "$((LOAD_S + RAMP_S))s" --host 127.0.0.1 \
        --csv "$RUN/$name" --only-summary --stop-timeout 30 --loglevel WARNING \
        > "$RUN/$name-locust.log" 2>&1 || true
    kill -TERM "$sampler"; wait "$sampler" || true
}

STAMP="$(date +%Y%m%d-%H%M%S)"
rc=0
declare -A THROUGHPUT

if [ "$LOAD_ONLY" != balancer ]; then
    P=$(free_port); G=$(free_port)
    "$PY" "$ROOT/tests/load/prepare.py" setup "$LOAD_DB" "$CF_CONF" "http://127.0.0.1:$P" "$((RAMP_S + 30))"
    since="$(date -u '+%F %T')"
    start_odoo "$P" "$G" 4 2 "$RUN/single-server.log"
    wait_http "http://127.0.0.1:$P"
    run_load single "http://127.0.0.1:$P"
    until="$(date -u '+%F %T')"
    stop_all
    checks=$("$PY" "$ROOT/tests/load/prepare.py" check "$LOAD_DB" "$CF_CONF" "$since" "$until" | tail -1 || true)
    "$PY" "$ROOT/tests/load/report.py" "one server, 4 workers, 2 cron threads" "$RUN/single" \
        "$RUN/single-server.log" "$RUN/$STAMP-single.json" "$checks" "$RUN/single-cpu.json" || rc=1
    THROUGHPUT[single]=$("$PY" -c "import json; print(json.load(open('$RUN/$STAMP-single.json'))['all_requests']['per_s'])")
fi

if [ "$LOAD_ONLY" != single ]; then
    P1=$(free_port); G1=$(free_port); P2=$(free_port); G2=$(free_port); N=$(free_port)
    mkdir -p "$RUN/nginx"
    sed -e "s|@RUN@|$RUN/nginx|g" -e "s|@HTTP1@|$P1|; s|@HTTP2@|$P2|; s|@GEVENT1@|$G1|; s|@GEVENT2@|$G2|; s|@PORT@|$N|" \
        "$ROOT/tests/load/nginx.conf.in" > "$RUN/nginx/nginx.conf"
    "$PY" "$ROOT/tests/load/prepare.py" setup "$LOAD_DB" "$CF_CONF" "http://127.0.0.1:$N" "$((RAMP_S + 30))"
    since="$(date -u '+%F %T')"
    # Two machines' worth of Odoo on one: each half the workers, crons on both.
    start_odoo "$P1" "$G1" 2 1 "$RUN/balancer-server1.log" --proxy-mode
    start_odoo "$P2" "$G2" 2 1 "$RUN/balancer-server2.log" --proxy-mode
    nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" &
    PIDS+=($!)
    wait_http "http://127.0.0.1:$P1"; wait_http "http://127.0.0.1:$P2"; wait_http "http://127.0.0.1:$N"
    run_load balancer "http://127.0.0.1:$N"
    until="$(date -u '+%F %T')"
    stop_all
    checks=$("$PY" "$ROOT/tests/load/prepare.py" check "$LOAD_DB" "$CF_CONF" "$since" "$until" | tail -1 || true)
    "$PY" "$ROOT/tests/load/report.py" "two servers (2 workers, 1 cron thread each) behind nginx" \
        "$RUN/balancer" "$RUN/balancer-server1.log,$RUN/balancer-server2.log" \
        "$RUN/$STAMP-balancer.json" "$checks" "$RUN/balancer-cpu.json" || rc=1
    THROUGHPUT[balancer]=$("$PY" -c "import json; print(json.load(open('$RUN/$STAMP-balancer.json'))['all_requests']['per_s'])")
fi

if [ -n "${THROUGHPUT[single]:-}" ] && [ -n "${THROUGHPUT[balancer]:-}" ]; then
    say "throughput: one server ${THROUGHPUT[single]} requests/s, two behind nginx ${THROUGHPUT[balancer]} requests/s"
fi
say "figures: $RUN/$STAMP-*.json; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
