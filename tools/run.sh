#!/usr/bin/env bash
# `make run`: provision, create or upgrade the database, start Odoo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/tools/settings.sh"
bash "$ROOT/tools/provision.sh" run

ODOO=("$CF_VENV/bin/python" "$CF_ODOO/odoo-bin" -c "$CF_CONF" -d "$DB")
STAMP_DIR="$CF_HOME/stamps"
STAMP="$STAMP_DIR/$DB.addon.sha1"
mkdir -p "$STAMP_DIR"
IFS=, read -r -a ADDONS <<< "$CF_ADDONS"
# The addons' fingerprint: any change of their files means `-u`.
addon_hash="$(cd "$ROOT" && find "${ADDONS[@]}" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)"

db_exists() {
    "$CF_VENV/bin/python" - "$DB" <<'PY'
import os, sys, psycopg2
conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=os.environ["PGUSER"], dbname="postgres")
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sys.argv[1],))
sys.exit(0 if cur.fetchone() else 1)
PY
}
modules_installed() {
    "$CF_VENV/bin/python" - "$DB" "$CF_ADDONS" <<'PY'
import os, sys, psycopg2
conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=os.environ["PGUSER"], dbname=sys.argv[1])
cur = conn.cursor()
names = sys.argv[2].split(",")
try:
    cur.execute("SELECT count(*) FROM ir_module_module WHERE name = ANY(%s) AND state = 'installed'", (names,))
except Exception:
    sys.exit(1)
sys.exit(0 if cur.fetchone()[0] == len(names) else 1)
PY
}

if ! db_exists || ! modules_installed; then
    echo "[run] installing $CF_ADDONS with demo data into database '$DB' (a few minutes the first time)"
    "${ODOO[@]}" -i "$CF_ADDONS" --load-language=zh_CN,zh_TW --stop-after-init --log-level=warn
    echo "$addon_hash" > "$STAMP"
elif [ "$(cat "$STAMP" 2>/dev/null)" != "$addon_hash" ]; then
    echo "[run] the addons changed: upgrading $CF_ADDONS in '$DB'"
    "${ODOO[@]}" -u "$CF_ADDONS" --stop-after-init --log-level=warn
    echo "$addon_hash" > "$STAMP"
fi

cat <<MSG

  Customer Follow-up is starting on http://localhost:$HTTP_PORT
  Database: $DB    Login: admin    Password: admin
  Demo users (password = login): wangfang (follow-up user), chenjing (department head),
  liuyang (deputy leader), zhaomin (leader), zhoujie (manager), zhangwei (salesperson)
  Stop with Ctrl+C.

MSG
exec "${ODOO[@]}" --http-port="$HTTP_PORT"
