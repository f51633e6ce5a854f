# Throwaway databases of the test commands (tools/test.sh, tools/test_odoo.sh),
# sourced after tools/settings.sh: through the virtualenv's psycopg2, so that
# no PostgreSQL client programs are needed.

cf_sql() {  # STATEMENT: run one statement on the server's postgres database
    "$CF_VENV/bin/python" - "$1" <<'PY'
import os, sys, psycopg2
conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=os.environ["PGUSER"], dbname="postgres")
conn.autocommit = True
conn.cursor().execute(sys.argv[1])
PY
}

drop_db() {  # DB: the database and its filestore
    cf_sql "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" || true
    rm -rf "$CF_HOME/data/filestore/$1"
}

copy_db() {  # SOURCE TARGET: a file copy, nobody may be connected to SOURCE
    cf_sql "CREATE DATABASE \"$2\" TEMPLATE \"$1\""
}
