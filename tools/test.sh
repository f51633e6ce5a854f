#!/usr/bin/env bash
# `make test`: provision, install the addons into a throwaway database, run
# the whole suite with pytest-odoo (module tests and end-to-end tests side by
# side, on the database and a copy of it), drop both databases. Non-zero on
# any failure, and on any skipped test (conftest.py). The module tests under
# plain `odoo-bin --test-enable` are `make test-odoo` (tools/test_odoo.sh),
# which CI runs after this.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
. "$ROOT/tools/db.sh"
bash "$ROOT/tools/provision.sh" test

TEST_DB="${TEST_DB:-cf_test_$(date +%Y%m%d%H%M%S)_$$}"
E2E_DB="${TEST_DB}_e2e"
TEMPLATE_DB="${TEST_DB}_tpl"
PY="$CF_VENV/bin/python"
LOG="$ROOT/.run/install-$TEST_DB.log"
cleanup() {
    if [ -n "${module_pid:-}" ]; then kill "$module_pid" 2>/dev/null || true; fi
    drop_db "$TEST_DB"
    drop_db "$E2E_DB"
    drop_db "$TEMPLATE_DB"
}
trap cleanup EXIT

# The addons' module tests (customer_followup/tests, each bridge's tests/).
IFS=, read -r -a ADDONS <<< "$CF_ADDONS"
MODULE_TESTS=()
for addon in "${ADDONS[@]}"; do
    [ -d "$ROOT/$addon/tests" ] && MODULE_TESTS+=("$addon/tests")
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

# Two pytest-odoo runs at once, one per core: the module tests on the
# installed database, the end-to-end tests (servers, browsers, copies) on a
# copy of it made before either starts, so that neither sees the other's
# commits. Each on a free port of its own: 8069 may be someone's `make run`.
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pytest_odoo() {  # DB PORT ARGS...
    local db="$1" port="$2"
    shift 2
    CF_TEST_DB="$db" "$PY" -m pytest -p no:cacheprovider \
        --odoo-database="$db" --odoo-config="$CF_CONF" --odoo-http --odoo-log-level=warn \
        --odoo-extra=http-port="$port" \
        --odoo-extra=log-handler=odoo.tests.common:CRITICAL \
        --odoo-extra=screenshots="$ROOT/.run/artifacts" \
        -rfEs "$@"
}
cd "$ROOT"
export CF_ODOO_CONF="$CF_CONF" CF_ODOO_BIN="$CF_ODOO/odoo-bin" CF_PYTHON="$PY"
start=$SECONDS
if [ $# -gt 0 ]; then
    # Extra pytest arguments select part of the suite: one run, a quick check.
    echo "[test] running pytest-odoo $*"
    rc=0
    pytest_odoo "$TEST_DB" "$(free_port)" "$@" || rc=$?
    exit "$rc"
fi

# The copies are file copies (CREATE DATABASE ... TEMPLATE: seconds, where
# a dump takes a quarter of a minute); the template stays untouched for the
# end-to-end tests that need a database of their own (tests/conftest.py).
copy_db "$TEST_DB" "$E2E_DB"
copy_db "$TEST_DB" "$TEMPLATE_DB"
if [ -d "$CF_HOME/data/filestore/$TEST_DB" ]; then
    cp -a "$CF_HOME/data/filestore/$TEST_DB" "$CF_HOME/data/filestore/$E2E_DB"
fi

MODULE_LOG="$ROOT/.run/pytest-modules-$TEST_DB.log"
echo "[test] running pytest-odoo: the module tests (${MODULE_TESTS[*]}) on $TEST_DB (log: $MODULE_LOG), the end-to-end tests (tests/) on $E2E_DB, at the same time"
pytest_odoo "$TEST_DB" "$(free_port)" "${MODULE_TESTS[@]}" > "$MODULE_LOG" 2>&1 &
module_pid=$!
e2e_rc=0
CF_TEMPLATE_DB="$TEMPLATE_DB" pytest_odoo "$E2E_DB" "$(free_port)" tests || e2e_rc=$?
module_rc=0
wait "$module_pid" || module_rc=$?
echo "[test] ---------------- the module tests ----------------"
cat "$MODULE_LOG"
echo "[test] both runs took $((SECONDS - start)) s of elapsed time"
[ "$e2e_rc" -eq 0 ] || echo "[test] FAILED: the end-to-end tests (tests/, above the module tests)"
[ "$module_rc" -eq 0 ] || echo "[test] FAILED: the module tests (above)"
[ "$e2e_rc" -eq 0 ] && [ "$module_rc" -eq 0 ]
