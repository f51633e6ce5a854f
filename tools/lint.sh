#!/usr/bin/env bash
# `make lint`: provision the virtualenv (linters included), then run the hooks
# of .pre-commit-config.yaml from it (tools/lint.py). Extra arguments go to
# tools/lint.py (--optional).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" lint
cd "$ROOT"
exec "$CF_VENV/bin/python" tools/lint.py "$@"
