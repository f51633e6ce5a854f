from odoo.tests import TransactionCase, tagged

from odoo.addons.customer_followup.tests.i18n_common import assert_translations_complete


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_pot_and_languages_complete(self):
        assert_translations_complete(self, "customer_followup_spreadsheet_dashboard")
