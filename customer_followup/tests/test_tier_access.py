from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CustomerFollowupCase


@tagged("post_install", "-at_install")
class TestTierAccess(CustomerFollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls._customer("Rights customer")
        cls._sell(cls.partner, 100.0)
        cls.partner.sudo()._followup_recompute_tiers()
        cls.portal = new_test_user(cls.env, login="cf_portal", groups="base.group_portal")

    def test_tier_model_rights_per_group(self):
        vals = {"name": "Tier X", "code": "x", "level": 9, "company_id": self.company.id}
        # Everyone internal reads the tiers (salespeople see a customer's tier)...
        for user in (self.user_sales, self.user_cs, self.user_manager):
            self.assertTrue(self.tier_key.with_user(user).name)
        # ... only managers change them.
        for user in (self.user_sales, self.user_cs):
            with self.assertRaises(AccessError):
                self.tier_key.with_user(user).write({"response_hours": 1})
            with self.assertRaises(AccessError):
                self.Tier.with_user(user).create(vals)
            with self.assertRaises(AccessError):
                self.tier_key.with_user(user).unlink()
        self.tier_key.with_user(self.user_manager).write({"response_hours": 36})
        self.assertEqual(self.tier_key.response_hours, 36)
        new_tier = self.Tier.with_user(self.user_manager).create(vals)
        new_tier.with_user(self.user_manager).unlink()
        self.assertFalse(new_tier.exists())
        # Portal users see nothing.
        with self.assertRaises(AccessError):
            self.tier_key.with_user(self.portal).read(["name"])

    def test_salesperson_sees_tier_but_cannot_change_it(self):
        as_sales = self.partner.with_user(self.user_sales)
        self.assertEqual(as_sales.followup_tier_id, self.tier_strategic)
        self.assertEqual(as_sales.followup_tier_id.name, self.tier_strategic.name)
        for vals in (
            {"followup_tier_id": self.tier_normal.id, "followup_tier_manual_reason": "x"},
            {"followup_tier_manual": True},
            {"followup_flag_ids": [(6, 0, self.flag_leader.ids)]},
            {"followup_sales_amount": 1e9},
        ):
            with self.assertRaises(AccessError):
                as_sales.write(vals)
        # Contact preferences are ordinary customer data.
        as_sales.write({"followup_contact_window": "10:00-11:30", "followup_fewer_calls": True})
        self.assertTrue(self.partner.followup_fewer_calls)

    def test_followup_user_maintains_facts_not_overrides(self):
        as_cs = self.partner.with_user(self.user_cs)
        as_cs.write(
            {
                "followup_flag_ids": [(6, 0, self.flag_leader.ids)],
                "followup_user_id": self.user_cs.id,
            }
        )
        self.assertEqual(self.partner.followup_flag_ids, self.flag_leader)
        with self.assertRaises(AccessError):
            as_cs.write(
                {"followup_tier_id": self.tier_normal.id, "followup_tier_manual_reason": "try"}
            )
        with self.assertRaises(AccessError):
            as_cs.write({"followup_sales_share": 99.0})
        self.assertEqual(self.partner.followup_tier_id, self.tier_strategic)

    def test_computed_figures_cannot_be_forged_even_by_managers(self):
        with self.assertRaises(AccessError):
            self.partner.with_user(self.user_manager).write({"followup_sales_amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_manager).create(
                {"name": "Forged", "followup_tier_rule": "made up"}
            )
        self.assertAlmostEqual(self.partner.followup_sales_amount, 100.0, places=2)

    def test_recompute_now_is_for_managers(self):
        from odoo.exceptions import UserError

        with self.assertRaises(UserError):
            self.Tier.with_user(self.user_cs).action_recompute_now()
        action = self.Tier.with_user(self.user_manager).action_recompute_now()
        self.assertEqual(action["tag"], "display_notification")
        position = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"customer_followup.tier_cursor.{self.company.id}")
        )
        self.assertTrue(position.startswith("0,"), position)
