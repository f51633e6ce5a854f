import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_is_translated(self):
        """The template holds every term of the bridge and both Chinese
        languages translate each of them (tools/i18n.py keeps them)."""
        pot = polib.pofile(os.path.join(I18N, "customer_followup_repair.pot"))
        reader = TranslationModuleReader(self.env.cr, modules=["customer_followup_repair"])
        terms = {source for _module, _type, _name, _id, source, _value, _comments in reader}
        self.assertFalse(sorted(terms - {e.msgid for e in pot}))
        for lang in ("zh_CN", "zh_TW"):
            po = {e.msgid: e.msgstr for e in polib.pofile(os.path.join(I18N, f"{lang}.po"))}
            self.assertFalse([e.msgid for e in pot if not po.get(e.msgid)], lang)
