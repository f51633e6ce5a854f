#!/usr/bin/env bash
# Back up a database with the addon: Odoo's own dump (`odoo-bin db dump`),
# one zip holding the PostgreSQL dump (dump.sql), the filestore (attachments,
# signatures, PDFs) and manifest.json (Odoo version, installed modules), the
# format the database manager at /web/database/manager reads back.
#
# Usage: tools/backup.sh [DB [FILE]]   (defaults: the `make run` database,
#                                     .run/backups/DB-<time>.zip)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
SOURCE="${1:-$DB}"   # default: the database of `make run`
FILE="${2:-$ROOT/.run/backups/$SOURCE-$(date +%Y%m%d-%H%M%S).zip}"
[ -f "$CF_CONF" ] || { echo "[backup] no $CF_CONF: run make run (or tools/provision.sh) first" >&2; exit 1; }
mkdir -p "$(dirname "$FILE")"
# Written under a temporary name: an interrupted dump never looks complete.
"$CF_VENV/bin/python" "$CF_ODOO/odoo-bin" db -c "$CF_CONF" dump "$SOURCE" "$FILE.part"
mv "$FILE.part" "$FILE"
echo "[backup] $SOURCE -> $FILE ($(du -h "$FILE" | cut -f1))"
