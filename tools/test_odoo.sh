#!/usr/bin/env bash
# `make test-odoo`: the module tests once more, the way OCA's CI and Odoo.sh
# run them: plain `odoo-bin -i <CF_ADDONS> --test-enable` on a fresh
# database, at_install tests during the install and post_install ones after
# it; drops the database. Not a set-up command: `make test` runs the same
# tests with pytest-odoo; CI (.ci/run) runs both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
. "$ROOT/tools/db.sh"
bash "$ROOT/tools/provision.sh" test

PLAIN_DB="${PLAIN_DB:-cf_test_$(date +%Y%m%d%H%M%S)_$$_ote}"
# A plain run that hangs (a test waiting for the server it holds) fails
# after this many seconds of elapsed time instead of blocking CI.
PLAIN_TIMEOUT="${PLAIN_TIMEOUT:-3600}"
PY="$CF_VENV/bin/python"
PLAIN_LOG="$ROOT/.run/test-enable-$PLAIN_DB.log"
trap 'drop_db "$PLAIN_DB"' EXIT

IFS=, read -r -a ADDONS <<< "$CF_ADDONS"
TEST_TAGS=""
for addon in "${ADDONS[@]}"; do
    TEST_TAGS="${TEST_TAGS:+$TEST_TAGS,}/$addon"
done

# On a free port: the portal tests call the server, and 8069 may be
# someone's `make run`.
PLAIN_PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "[test-odoo] running odoo-bin -i $CF_ADDONS --test-enable on a fresh database $PLAIN_DB (log: $PLAIN_LOG)"
plain_start=$SECONDS
plain_rc=0
timeout --kill-after=60 "$PLAIN_TIMEOUT" \
    "$PY" "$CF_ODOO/odoo-bin" -c "$CF_CONF" -d "$PLAIN_DB" -i "$CF_ADDONS" \
    --test-enable --test-tags "$TEST_TAGS" --stop-after-init \
    --http-interface 127.0.0.1 --http-port "$PLAIN_PORT" --max-cron-threads 0 \
    --log-level=info --logfile="$PLAIN_LOG" || plain_rc=$?
echo "[test-odoo] the plain run took $((SECONDS - plain_start)) s of elapsed time (exit status $plain_rc)"
PLAIN_TIMEOUT="$PLAIN_TIMEOUT" bash "$ROOT/tools/check_test_log.sh" "$PLAIN_LOG" "$plain_rc"
