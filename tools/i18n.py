"""Keep the translations of customer_followup and its bridges complete.

    python tools/i18n.py DB          # export each addon's .pot from DB (addons
                                     # installed and up to date), merge it into
                                     # zh_CN.po and zh_TW.po, report what is missing
    python tools/i18n.py DB --check  # the same, exit 1 if anything is untranslated
    python tools/i18n.py DB --addon customer_followup_hr_expense   # one addon only

The addons are those of CF_ADDONS (tools/settings.sh), or --addon.

zh_CN.po is written by hand. zh_TW.po entries that nobody translated yet are
filled from zh_CN with OpenCC (s2twp: Taiwan vocabulary and punctuation) and
flagged "fuzzy"-free so they load; a translator can refine them at any time,
and refined entries are kept.
Run it with the project's virtualenv Python (odoo, polib and opencc there).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.environ.get(
    "CF_ADDONS",
    "customer_followup,customer_followup_repair,customer_followup_hr_expense,customer_followup_spreadsheet_dashboard",
)


def export_pot(db, addon):
    conf = os.path.join(ROOT, ".run", "odoo.conf")
    odoo_bin = os.path.join(os.environ.get("CF_ODOO", ""), "odoo-bin")
    if not os.path.exists(odoo_bin):
        import odoo

        odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    with tempfile.NamedTemporaryFile(suffix=".pot", delete=False) as tmp:
        path = tmp.name
    subprocess.run(
        [
            sys.executable,
            odoo_bin,
            "-c",
            conf,
            "-d",
            db,
            "--i18n-export",
            path,
            "--modules",
            addon,
            "--stop-after-init",
            "--log-level",
            "warn",
        ],
        check=True,
    )
    pot = polib.pofile(path)
    os.unlink(path)
    # No creation date: the file changes only when its terms do.
    pot.metadata.pop("POT-Creation-Date", None)
    pot.metadata.pop("PO-Revision-Date", None)
    os.makedirs(os.path.join(ROOT, addon, "i18n"), exist_ok=True)
    pot.save(os.path.join(ROOT, addon, "i18n", f"{addon}.pot"))
    return pot


def merge(pot, addon, lang, fallback=None):
    path = os.path.join(ROOT, addon, "i18n", f"{lang}.po")
    po = polib.pofile(path) if os.path.exists(path) else polib.POFile()
    po.metadata = dict(pot.metadata, Language=lang)
    po.merge(pot)
    po.metadata["Language"] = lang
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    filled = 0
    if fallback is not None:
        from opencc import OpenCC

        convert = OpenCC("s2twp").convert
        source = {e.msgid: e.msgstr for e in fallback if e.msgstr}
        for entry in po:
            if not entry.msgstr and source.get(entry.msgid):
                entry.msgstr = convert(source[entry.msgid])
                filled += 1
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po[:] = [e for e in po if not e.obsolete]
    po.save(path)
    missing = [e.msgid for e in po if not e.msgstr]
    return po, filled, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--addon", action="append", help="only this addon (repeatable)")
    args = parser.parse_args()
    incomplete = False
    for addon in args.addon or ADDONS.split(","):
        pot = export_pot(args.db, addon)
        zh_cn, _filled, missing_cn = merge(pot, addon, "zh_CN")
        _zh_tw, filled, missing_tw = merge(pot, addon, "zh_TW", fallback=zh_cn)
        sys.stdout.write(f"{addon}: {len(pot)} terms; zh_TW filled from zh_CN: {filled}\n")
        for lang, missing in (("zh_CN", missing_cn), ("zh_TW", missing_tw)):
            for msgid in missing:
                sys.stdout.write(f"untranslated in {addon} {lang}: {msgid!r}\n")
        incomplete = incomplete or bool(missing_cn or missing_tw)
    if args.check and incomplete:
        sys.exit(1)


if __name__ == "__main__":
    main()
