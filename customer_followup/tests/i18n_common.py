"""The translation check every addon of the project runs on itself: its
template holds every term Odoo extracts from the addon, and zh_CN and zh_TW
translate each of them (tools/i18n.py keeps the files)."""

import os

import polib

from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationModuleReader

LANGUAGES = ("zh_CN", "zh_TW")


def assert_translations_complete(case, addon):
    i18n = os.path.join(get_module_path(addon), "i18n")
    pot = polib.pofile(os.path.join(i18n, f"{addon}.pot"))
    reader = TranslationModuleReader(case.env.cr, modules=[addon])
    terms = {source for _module, _type, _name, _id, source, _value, _comments in reader}
    missing = sorted(terms - {entry.msgid for entry in pot})
    case.assertFalse(missing, f"terms missing from {addon}.pot: {missing}")
    for lang in LANGUAGES:
        po = {e.msgid: e.msgstr for e in polib.pofile(os.path.join(i18n, f"{lang}.po"))}
        untranslated = [entry.msgid for entry in pot if not po.get(entry.msgid)]
        case.assertFalse(untranslated, f"untranslated in {addon}'s {lang}: {untranslated}")
