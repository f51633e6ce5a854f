#!/usr/bin/env bash
# `make bench`: the scheduled jobs' benchmark (tests/benchmark/bench.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" run
export CF_ODOO_BIN="$CF_ODOO/odoo-bin"
cd "$ROOT"
exec "$CF_VENV/bin/python" tests/benchmark/bench.py "$@"
