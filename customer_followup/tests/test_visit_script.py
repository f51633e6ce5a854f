from odoo.exceptions import AccessError
from odoo.tests import tagged

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestVisitScript(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._tiered("Script Co", cls.tier_key, owner=cls.user_cs)
        cls.Script = cls.env["customer.followup.script"]
        cls.Script.search([]).active = False
        cls.general = cls.Script.create({"name": "General", "questions": "<p>Q general</p>"})
        cls.phone = cls.Script.create({"name": "Phone", "channel": "phone"})
        cls.delivery_phone = cls.Script.create(
            {"name": "Delivery phone", "trigger": "delivery", "channel": "phone"}
        )

    def test_most_specific_script_is_shown(self):
        visit = self._visit(self.customer, trigger="delivery", channel="phone")
        self.assertEqual(visit.script_id, self.delivery_phone)
        visit.trigger = "routine"
        self.assertEqual(visit.script_id, self.phone)
        visit.channel = "video"
        self.assertEqual(visit.script_id, self.general)
        self.assertIn("Q general", visit.with_user(self.user_cs).script_questions)

    def test_only_managers_maintain_scripts(self):
        self.assertTrue(self.general.with_user(self.user_cs).name)
        with self.assertRaises(AccessError):
            self.general.with_user(self.user_cs).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.general.with_user(self.user_sales).read(["name"])
        self.general.with_user(self.user_manager).write({"name": "General script"})
        self.assertEqual(self.general.name, "General script")
