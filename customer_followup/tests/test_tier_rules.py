from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CustomerFollowupCase


@tagged("post_install", "-at_install")
class TestTierRules(CustomerFollowupCase):
    def test_sales_share_boundaries(self):
        """Exactly 30 % is strategic, exactly 10 % is key, just under 10 % is normal."""
        a = self._customer("A 30%")
        b = self._customer("B 10%")
        c = self._customer("C 9.99%")
        d = self._customer("D rest")
        for partner, amount in ((a, 300.0), (b, 100.0), (c, 99.9), (d, 500.1)):
            self._sell(partner, amount)
        self._recompute(a | b | c | d)
        self.assertAlmostEqual(a.followup_sales_share, 30.0, places=2)
        self.assertEqual(a.followup_tier_id, self.tier_strategic)
        self.assertIn("30", a.followup_tier_rule)
        self.assertEqual(b.followup_tier_id, self.tier_key)
        self.assertEqual(c.followup_tier_id, self.tier_normal)
        self.assertEqual(d.followup_tier_id, self.tier_strategic)
        self.assertAlmostEqual(d.followup_sales_amount, 500.1, places=2)

    def test_orders_older_than_twelve_months_do_not_count(self):
        # The engine's today: the user's date (OdooBot is in Brussels), not UTC's.
        today = fields.Date.context_today(self.env["res.partner"])
        old = self._customer("Old buyer")
        recent = self._customer("Recent buyer")
        self._sell(old, 1000.0, when=today - relativedelta(months=13))
        self._sell(old, 50.0, when=today - relativedelta(months=1))
        self._sell(recent, 950.0, when=today - relativedelta(months=2))
        self._recompute(old | recent)
        self.assertAlmostEqual(old.followup_sales_amount, 50.0, places=2)
        self.assertAlmostEqual(old.followup_sales_share, 5.0, places=2)
        self.assertEqual(old.followup_tier_id, self.tier_normal)
        self.assertEqual(recent.followup_tier_id, self.tier_strategic)
        # The first confirmed order starts the cooperation.
        self.assertEqual(
            old.followup_cooperation_start, today - relativedelta(months=13)
        )

    def test_cooperation_year_boundaries(self):
        # The engine's today: the user's date (OdooBot is in Brussels), not UTC's.
        today = fields.Date.context_today(self.env["res.partner"])
        big = self._customer("Big buyer")
        self._sell(big, 100000.0)
        cases = {
            "exactly 5 years": (today - relativedelta(years=5), self.tier_strategic),
            "5 years less a day": (
                today - relativedelta(years=5) + relativedelta(days=1),
                self.tier_key,
            ),
            "exactly 2 years": (today - relativedelta(years=2), self.tier_key),
            "2 years less a day": (
                today - relativedelta(years=2) + relativedelta(days=1),
                self.tier_normal,
            ),
        }
        partners = self.env["res.partner"]
        for name, (start, _tier) in cases.items():
            partner = self._customer(name, followup_cooperation_start=start)
            self._sell(partner, 1.0)
            partners |= partner
        self._recompute(partners | big)
        for partner in partners:
            self.assertEqual(
                partner.followup_tier_id, cases[partner.name][1], partner.name
            )
        self.assertEqual(
            partners.filtered(lambda p: p.name == "exactly 2 years").followup_cooperation_years,
            2.0,
        )

    def test_flags_place_in_tier(self):
        big = self._customer("Big buyer")
        self._sell(big, 100000.0)
        leader = self._customer("Leader", followup_flag_ids=[(6, 0, self.flag_leader.ids)])
        distributor = self._customer(
            "Distributor", followup_flag_ids=[(6, 0, self.flag_distributor.ids)]
        )
        for partner in leader | distributor:
            self._sell(partner, 1.0)
        self._recompute(big | leader | distributor)
        self.assertEqual(leader.followup_tier_id, self.tier_strategic)
        self.assertIn(self.flag_leader.name, leader.followup_tier_rule)
        self.assertEqual(distributor.followup_tier_id, self.tier_key)

    def test_absolute_amount_rule(self):
        """Purchases above 5,000,000 CNY make a customer strategic whatever its share."""
        whale = self._customer("Whale")
        self._sell(whale, 100_000_000.0)
        at_threshold = self._customer("At threshold")
        above = self._customer("Above threshold")
        self._sell(at_threshold, 5_000_000.0)
        self._sell(above, 5_000_001.0)
        self._recompute(whale | at_threshold | above)
        self.assertLess(above.followup_sales_share, 10.0)
        self.assertEqual(above.followup_tier_id, self.tier_strategic)
        self.assertIn("5,000,000", above.followup_tier_rule)
        self.assertEqual(at_threshold.followup_tier_id, self.tier_normal)

    def test_multi_currency_orders(self):
        """A USD order counts at its rate in company currency (CNY)."""
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create(
            {
                "name": fields.Date.today() - relativedelta(days=400),
                "rate": 0.125,  # 1 CNY = 0.125 USD, i.e. 1 USD = 8 CNY
                "currency_id": usd.id,
                "company_id": self.company.id,
            }
        )
        dollar_buyer = self._customer("Dollar buyer")
        yuan_buyer = self._customer("Yuan buyer")
        self._sell(dollar_buyer, 1000.0, currency=usd)  # 8,000 CNY
        self._sell(yuan_buyer, 12000.0)
        self._recompute(dollar_buyer | yuan_buyer)
        self.assertAlmostEqual(dollar_buyer.followup_sales_amount, 8000.0, places=2)
        self.assertAlmostEqual(dollar_buyer.followup_sales_share, 40.0, places=2)
        self.assertEqual(dollar_buyer.followup_tier_id, self.tier_strategic)

    def test_manual_override_survives_recomputation(self):
        big = self._customer("Big buyer")
        self._sell(big, 100000.0)
        small = self._customer("Small but promising")
        self._sell(small, 1.0)
        self._recompute(big | small)
        self.assertEqual(small.followup_tier_id, self.tier_normal)
        small.with_user(self.user_manager).write(
            {
                "followup_tier_id": self.tier_key.id,
                "followup_tier_manual_reason": "新产线试点客户",
            }
        )
        self.assertTrue(small.followup_tier_manual)
        self._recompute(big | small)
        self.assertEqual(small.followup_tier_id, self.tier_key)
        self.assertIn("新产线试点客户", small.followup_tier_rule)
        # Back to the rules: the computed tier returns at once.
        small.with_user(self.user_manager).write({"followup_tier_manual": False})
        small.invalidate_recordset()
        self.assertEqual(small.followup_tier_id, self.tier_normal)

    def test_manual_tier_needs_reason(self):
        partner = self._customer("No reason")
        self._sell(partner, 10.0)
        self._recompute(partner)
        self.assertEqual(partner.followup_tier_id, self.tier_strategic)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            partner.with_user(self.user_manager).write(
                {"followup_tier_id": self.tier_normal.id}
            )
        partner.invalidate_recordset()
        self.assertEqual(partner.followup_tier_id, self.tier_strategic)
        self.assertFalse(partner.followup_tier_manual)

    def test_tier_change_is_tracked_with_rule(self):
        big = self._customer("Big buyer")
        self._sell(big, 1000.0)
        partner = self._customer("Grows")
        self._sell(partner, 10.0)
        self._recompute(big | partner)
        self.assertEqual(partner.followup_tier_id, self.tier_normal)
        self._sell(partner, 5000.0)
        self._recompute(big | partner)
        self.assertEqual(partner.followup_tier_id, self.tier_strategic)
        tracking = partner.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "followup_tier_id"
            and t.new_value_char == self.tier_strategic.name
        )
        self.assertTrue(tracking)
        message = tracking.mail_message_id
        rule_values = message.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "followup_tier_rule"
        )
        self.assertIn("≥ 30", rule_values.new_value_char)
        # Nothing changed: nothing tracked again.
        count = len(partner.message_ids)
        self._recompute(big | partner)
        self.assertEqual(len(partner.message_ids), count)

    def test_tier_configuration_errors(self):
        with self.assertRaises(ValidationError):
            self.tier_key.min_sales_share = 130
        with self.assertRaises(ValidationError):
            self.tier_key.write({"routine_interval_months": -1})
        # The mix is checked when the tier's total is recomputed: at the
        # latest when the call's changes are written (flush_all, as at the
        # end of an RPC call).
        with self.assertRaises(ValidationError):
            # the mix would no longer add up to 100 %
            self.tier_key.write({"channel_mix_ids": [(1, self.tier_key.channel_mix_ids[0].id, {"share": 10})]})
            self.env.flush_all()
        with self.assertRaises(ValidationError):
            self.tier_key.channel_mix_ids[0].share = 10  # directly on the line, as over RPC
            self.env.flush_all()
        with self.assertRaises(ValidationError):
            # No context key opens the check (issue 16).
            line = self.tier_key.channel_mix_ids[0]
            line.with_context(customer_followup_tier_write=True).share = 10
            self.env.flush_all()
        with self.assertRaises(ValidationError):
            self.tier_key.is_default = True  # the normal tier already is
