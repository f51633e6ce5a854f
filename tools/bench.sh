#!/usr/bin/env bash
# `make bench`: the scheduled jobs' benchmark (tests/benchmark/bench.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" run
# The OCA peers compared with: their 18.0 wheels, without dependencies, in a
# folder of their own that only the benchmark database's addons path names.
PEERS="$ROOT/.run/bench-addons"
REQ="$ROOT/tests/benchmark/requirements-peers.txt"
if [ ! -f "$PEERS/.installed" ] || [ "$REQ" -nt "$PEERS/.installed" ]; then
    rm -rf "$PEERS"
    "$CF_VENV/bin/pip" install --quiet --no-deps --target "$PEERS" -r "$REQ"
    touch "$PEERS/.installed"
fi
export CF_ODOO_BIN="$CF_ODOO/odoo-bin"
cd "$ROOT"
exec "$CF_VENV/bin/python" tests/benchmark/bench.py "$@"
