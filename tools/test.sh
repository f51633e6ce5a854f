#!/usr/bin/env bash
# `make test`: provision, install the addon into a throwaway database, run the
# whole suite with pytest-odoo; then install the addon into a second, fresh
# database with plain `odoo-bin --test-enable` (the way OCA's CI and Odoo.sh
# run module tests); drop both databases. Non-zero on any failure, and on any
# skipped test (conftest.py, and the plain run's log).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" test

TEST_DB="${TEST_DB:-cf_test_$(date +%Y%m%d%H%M%S)_$$}"
PLAIN_DB="${PLAIN_DB:-${TEST_DB}_ote}"
# A plain run that hangs (a test waiting for the server it holds) fails
# after this many seconds of elapsed time instead of blocking CI.
PLAIN_TIMEOUT="${PLAIN_TIMEOUT:-3600}"
PY="$CF_VENV/bin/python"
LOG="$ROOT/.run/install-$TEST_DB.log"
PLAIN_LOG="$ROOT/.run/test-enable-$PLAIN_DB.log"
drop_db() {
    "$PY" - "$1" <<'PY' || true
import os, sys, psycopg2
conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=os.environ["PGUSER"], dbname="postgres")
conn.autocommit = True
conn.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
    rm -rf "$CF_HOME/data/filestore/$1"
}
cleanup() {
    drop_db "$TEST_DB"
    drop_db "$PLAIN_DB"
}
trap cleanup EXIT

# The addons' module tests (customer_followup/tests, each bridge's tests/)
# and their --test-tags for the plain run.
IFS=, read -r -a ADDONS <<< "$CF_ADDONS"
MODULE_TESTS=()
TEST_TAGS=""
for addon in "${ADDONS[@]}"; do
    [ -d "$ROOT/$addon/tests" ] && MODULE_TESTS+=("$addon/tests")
    TEST_TAGS="${TEST_TAGS:+$TEST_TAGS,}/$addon"
done

echo "[test] installing $CF_ADDONS (with demo data) into throwaway database $TEST_DB"
if ! "$PY" "$CF_ODOO/odoo-bin" -c "$CF_CONF" -d "$TEST_DB" -i "$CF_ADDONS" \
        --stop-after-init --log-level=warn --logfile="$LOG"; then
    cat "$LOG"; echo "[test] FAILED: the addon did not install"; exit 1
fi
if grep -E " (ERROR|CRITICAL) " "$LOG"; then
    echo "[test] FAILED: installing the addon logged errors (above)"; exit 1
fi
# Odoo only warns when demo data fails and installs without it: the tests
# and the acceptance rely on the demo, so that is a failure here.
if grep -E "demo data failed to install" "$LOG"; then
    grep -A30 "demo data failed to install" "$LOG"
    echo "[test] FAILED: the demo data did not install (above)"; exit 1
fi

echo "[test] running pytest-odoo"
cd "$ROOT"
export CF_TEST_DB="$TEST_DB" CF_ODOO_CONF="$CF_CONF" CF_ODOO_BIN="$CF_ODOO/odoo-bin" CF_PYTHON="$PY"
pytest_rc=0
"$PY" -m pytest -p no:cacheprovider \
    --odoo-database="$TEST_DB" --odoo-config="$CF_CONF" --odoo-http --odoo-log-level=warn \
    --odoo-extra=log-handler=odoo.tests.common:CRITICAL \
    --odoo-extra=screenshots="$ROOT/.run/artifacts" \
    -rfEs "$@" "${MODULE_TESTS[@]}" tests || pytest_rc=$?
drop_db "$TEST_DB"

if [ $# -gt 0 ]; then
    # Extra pytest arguments select part of the suite: a quick check, not
    # the whole test command.
    echo "[test] extra pytest arguments: the plain odoo-bin --test-enable run is left out"
    exit "$pytest_rc"
fi

# The module tests once more, the way OCA's CI and Odoo.sh run them: plain
# odoo-bin on a fresh database, at_install tests during the install and
# post_install ones after it. On a free port: the portal tests call the
# server, and 8069 may be someone's `make run`.
PLAIN_PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "[test] running odoo-bin -i $CF_ADDONS --test-enable on a fresh database $PLAIN_DB (log: $PLAIN_LOG)"
plain_start=$SECONDS
plain_rc=0
timeout --kill-after=60 "$PLAIN_TIMEOUT" \
    "$PY" "$CF_ODOO/odoo-bin" -c "$CF_CONF" -d "$PLAIN_DB" -i "$CF_ADDONS" \
    --test-enable --test-tags "$TEST_TAGS" --stop-after-init \
    --http-interface 127.0.0.1 --http-port "$PLAIN_PORT" --max-cron-threads 0 \
    --log-level=info --logfile="$PLAIN_LOG" || plain_rc=$?
echo "[test] the plain run took $((SECONDS - plain_start)) s of elapsed time (exit status $plain_rc)"
PLAIN_TIMEOUT="$PLAIN_TIMEOUT" bash "$ROOT/tools/check_test_log.sh" "$PLAIN_LOG" "$plain_rc" || plain_rc=1

if [ "$pytest_rc" -ne 0 ]; then
    echo "[test] FAILED: pytest-odoo (above)"
fi
[ "$pytest_rc" -eq 0 ] && [ "$plain_rc" -eq 0 ]
