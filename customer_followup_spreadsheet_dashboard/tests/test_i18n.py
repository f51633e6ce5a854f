import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDON = "customer_followup_spreadsheet_dashboard"
I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_pot_and_languages_complete(self):
        pot = polib.pofile(os.path.join(I18N, f"{ADDON}.pot"))
        reader = TranslationModuleReader(self.env.cr, modules=[ADDON])
        terms = {source for _module, _type, _name, _id, source, _value, _comments in reader}
        self.assertFalse(sorted(terms - {e.msgid for e in pot}), "terms missing from the .pot")
        for lang in ("zh_CN", "zh_TW"):
            po = {e.msgid: e.msgstr for e in polib.pofile(os.path.join(I18N, f"{lang}.po"))}
            self.assertFalse([e.msgid for e in pot if not po.get(e.msgid)], lang)
