#!/usr/bin/env bash
# `make test`: provision, install the addon into a throwaway database, run the
# whole suite with pytest-odoo, drop the database. Non-zero on any failure,
# and on any skipped test (conftest.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" test

TEST_DB="${TEST_DB:-cf_test_$(date +%Y%m%d%H%M%S)_$$}"
PY="$CF_VENV/bin/python"
LOG="$ROOT/.run/install-$TEST_DB.log"
drop_db() {
    "$PY" - "$TEST_DB" <<'PY' || true
import os, sys, psycopg2
conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=os.environ["PGUSER"], dbname="postgres")
conn.autocommit = True
conn.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
    rm -rf "$CF_HOME/data/filestore/$TEST_DB"
}
trap drop_db EXIT

echo "[test] installing customer_followup (with demo data) into throwaway database $TEST_DB"
if ! "$PY" "$CF_ODOO/odoo-bin" -c "$CF_CONF" -d "$TEST_DB" -i customer_followup \
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
"$PY" -m pytest -p no:cacheprovider \
    --odoo-database="$TEST_DB" --odoo-config="$CF_CONF" --odoo-http --odoo-log-level=warn \
    --odoo-extra=log-handler=odoo.tests.common:CRITICAL \
    --odoo-extra=screenshots="$ROOT/.run/artifacts" \
    -rfEs "$@" customer_followup/tests tests
