#!/usr/bin/env bash
# Restore a backup made by tools/backup.sh (or downloaded from Odoo's
# database manager) into a new database: `odoo-bin db load`, which creates
# the database, loads the dump, puts the filestore back and gives the copy a
# new database UUID. It refuses to overwrite an existing database.
#
# Usage: tools/restore.sh FILE DB
#   NEUTRALIZE=1 tools/restore.sh FILE DB   a copy for testing: outgoing mail
#                                           servers and scheduled actions off
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
FILE="${1:?usage: tools/restore.sh FILE DB}"
TARGET="${2:?usage: tools/restore.sh FILE DB}"
[ -f "$FILE" ] || { echo "[restore] no such backup: $FILE" >&2; exit 1; }
[ -f "$CF_CONF" ] || { echo "[restore] no $CF_CONF: run make run (or tools/provision.sh) first" >&2; exit 1; }
args=()
[ "${NEUTRALIZE:-}" = 1 ] && args+=(--neutralize)
"$CF_VENV/bin/python" "$CF_ODOO/odoo-bin" db -c "$CF_CONF" load "${args[@]}" "$TARGET" "$FILE"
echo "[restore] $FILE -> database $TARGET"
