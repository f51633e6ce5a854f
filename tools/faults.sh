#!/usr/bin/env bash
# `make faults`: the slow fault tests (tests/faults/), not part of `make test`.
# PostgreSQL restarted and a cron worker killed in the middle of a job's
# batch: they start a PostgreSQL cluster of their own (Debian's
# /usr/lib/postgresql/15/bin, or CF_PG_BIN) on a free loopback port under
# .run/faults/, install the addon there and restart that one, never the
# PostgreSQL of PGHOST/PGPORT. Non-zero on any failure or skipped test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" test
PY="$CF_VENV/bin/python"
cd "$ROOT"
export CF_FAULTS=1 CF_ODOO_CONF="$CF_CONF" CF_ODOO_BIN="$CF_ODOO/odoo-bin" CF_PYTHON="$PY"
# pytest-odoo is left out: these tests drive Odoo from outside, on a
# database they install themselves.
"$PY" -m pytest -p no:cacheprovider -p no:odoo -rfEs "$@" tests/faults
