import os

import polib

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.translate import TranslationModuleReader

from .common import CustomerFollowupCase

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
class TestTranslations(CustomerFollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["res.lang"]._activate_lang("zh_TW")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_CN", "zh_TW"], overwrite=True
        )

    def test_pot_holds_every_term_of_the_code(self):
        pot = {entry.msgid for entry in polib.pofile(os.path.join(I18N, "customer_followup.pot"))}
        reader = TranslationModuleReader(self.env.cr, modules=["customer_followup"])
        terms = {source for _module, _type, _name, _id, source, _value, _comments in reader}
        missing = sorted(terms - pot)
        self.assertFalse(missing, f"terms missing from customer_followup.pot: {missing}")

    def test_every_language_is_complete(self):
        pot = polib.pofile(os.path.join(I18N, "customer_followup.pot"))
        for lang in ("zh_CN", "zh_TW"):
            po = {e.msgid: e.msgstr for e in polib.pofile(os.path.join(I18N, f"{lang}.po"))}
            untranslated = [e.msgid for e in pot if not po.get(e.msgid)]
            self.assertFalse(untranslated, f"untranslated in {lang}: {untranslated}")

    def test_tier_names_in_the_regulation_terms(self):
        tier = self.env.ref("customer_followup.tier_strategic")
        self.assertEqual(tier.with_context(lang="zh_CN").name, "一级（战略客户）")
        self.assertEqual(tier.with_context(lang="zh_TW").name, "一級（戰略客戶）")
        # Copies made for new companies keep the translations.
        self.assertEqual(self.tier_key.with_context(lang="zh_CN").name, "二级（重点客户）")

    def test_errors_speak_the_users_language(self):
        user = new_test_user(
            self.env,
            login="cf_zh_manager",
            lang="zh_CN",
            groups="base.group_user,customer_followup.group_customer_followup_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(ValidationError) as err:
            # The web client sends the user's language in the context.
            self.tier_key.with_user(user).with_context(lang="zh_CN").write({"min_sales_share": 130})
        self.assertIn("采购额占比必须在", str(err.exception))
