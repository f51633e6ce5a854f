# Settings shared by tools/*.sh; every one can be overridden from the environment.
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
CF_HOME="${CF_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/customer_followup}"
CF_ODOO="${CF_ODOO:-$CF_HOME/odoo-18.0}"      # Odoo 18.0 source, shared by all clones
CF_VENV="${CF_VENV:-$CF_HOME/venv}"           # Python virtualenv, shared by all clones
CF_CONF="${CF_CONF:-$ROOT/.run/odoo.conf}"    # generated for this clone
CF_BIN="${CF_BIN:-$CF_HOME/bin}"              # wkhtmltopdf built on patched Qt (bin_path)
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-odoo}"
HTTP_PORT="${HTTP_PORT:-8069}"
DB="${DB:-customer_followup}"
# The addons `make run` and `make test` install (comma-separated, no spaces):
# the addon and its bridges to optional Odoo apps.
CF_ADDONS="${CF_ADDONS:-customer_followup,customer_followup_repair,customer_followup_hr_expense,customer_followup_spreadsheet_dashboard}"
export PGHOST PGPORT PGUSER
# Odoo finds wkhtmltopdf on PATH before bin_path: the patched build first.
case ":$PATH:" in *":$CF_BIN:"*) ;; *) export PATH="$CF_BIN:$PATH" ;; esac
