from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import CustomerFollowupCase
from .i18n_common import assert_translations_complete


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

    def test_pot_and_languages_complete(self):
        assert_translations_complete(self, "customer_followup")

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
