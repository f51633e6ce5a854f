from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CustomerFollowupCase


@tagged("post_install", "-at_install")
class TestTierRules(CustomerFollowupCase):
    def test_sales_share_boundaries(self):
        """Exactly 30 % is strategic, exactly 10 % is key, just under 10 % is
        normal (new customers, placed by their share)."""
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
        self.assertEqual(old.followup_cooperation_start, today - relativedelta(months=13))

    def _years_ago(self, years, days=0):
        # The engine's today: the user's date (OdooBot is in Brussels), not UTC's.
        today = fields.Date.context_today(self.env["res.partner"])
        return today - relativedelta(years=years) + relativedelta(days=days)

    def test_strategic_needs_share_and_years(self):
        """000 第六条: 一级 is "占比≥30%，合作年限≥5年": the share and the years."""
        both = self._customer("30% for 5 years", followup_cooperation_start=self._years_ago(5))
        short = self._customer(
            "30% for 5 years less a day",
            followup_cooperation_start=self._years_ago(5, days=1),
        )
        loyal_small = self._customer(
            "0.1% for 5 years", followup_cooperation_start=self._years_ago(5)
        )
        rest = self._customer("Rest")
        for partner, amount in ((both, 300.0), (short, 300.0), (loyal_small, 1.0), (rest, 399.0)):
            self._sell(partner, amount)
        self._recompute(both | short | loyal_small | rest)
        # Years alone place nobody: a 0.1 % customer of 5 years is not strategic.
        self.assertAlmostEqual(loyal_small.followup_sales_share, 0.1, places=2)
        self.assertEqual(loyal_small.followup_cooperation_years, 5.0)
        self.assertEqual(loyal_small.followup_tier_id, self.tier_normal)
        self.assertAlmostEqual(both.followup_sales_share, 30.0, places=2)
        self.assertEqual(both.followup_cooperation_years, 5.0)
        self.assertEqual(both.followup_tier_id, self.tier_strategic)
        self.assertIn("30.00 % ≥ 30 % and cooperation 5.0 years ≥ 5", both.followup_tier_rule)
        # 30 % but a day short of 5 years: strategic's figures are not all
        # met; placed by its share (the first criterion), not moved down to
        # key, whose 10 % and 2 years it meets.
        self.assertEqual(short.followup_tier_id, self.tier_strategic)
        self.assertIn("placed by its sales share 30.00 % ≥ 30 %", short.followup_tier_rule)

    def test_key_needs_share_and_years(self):
        """000 第六条: 二级 is 10 %–30 % of purchases and 2–5 years."""
        both = self._customer("10% for 2 years", followup_cooperation_start=self._years_ago(2))
        loyal_small = self._customer(
            "9.99% for 10 years", followup_cooperation_start=self._years_ago(10)
        )
        rest = self._customer("Rest")
        for partner, amount in ((both, 100.0), (loyal_small, 99.9), (rest, 800.1)):
            self._sell(partner, amount)
        self._recompute(both | loyal_small | rest)
        self.assertEqual(loyal_small.followup_tier_id, self.tier_normal)
        self.assertAlmostEqual(both.followup_sales_share, 10.0, places=2)
        self.assertEqual(both.followup_tier_id, self.tier_key)
        self.assertIn("10.00 % ≥ 10 % and cooperation 2.0 years ≥ 2", both.followup_tier_rule)

    def test_between_tiers_placed_by_share(self):
        """35 % after 1 year meets strategic's share but not its 5 years, and
        key's share but not its 2 years: placed by its share, the
        regulation's first criterion, it does not drop to normal."""
        large = self._customer("35% for 1 year", followup_cooperation_start=self._years_ago(1))
        medium = self._customer("15% for 1 year", followup_cooperation_start=self._years_ago(1))
        new_small = self._customer("5% for 1 year", followup_cooperation_start=self._years_ago(1))
        rest = self._customer("Rest", followup_cooperation_start=self._years_ago(1))
        for partner, amount in ((large, 350.0), (medium, 150.0), (new_small, 50.0), (rest, 450.0)):
            self._sell(partner, amount)
        self._recompute(large | medium | new_small | rest)
        self.assertAlmostEqual(large.followup_sales_share, 35.0, places=2)
        self.assertEqual(large.followup_cooperation_years, 1.0)
        self.assertEqual(large.followup_tier_id, self.tier_strategic)
        self.assertIn("placed by its sales share 35.00 % ≥ 30 %", large.followup_tier_rule)
        self.assertIn("cooperation 1.0 years, under 5", large.followup_tier_rule)
        self.assertEqual(medium.followup_tier_id, self.tier_key)
        self.assertIn("placed by its sales share 15.00 % ≥ 10 %", medium.followup_tier_rule)
        self.assertEqual(new_small.followup_tier_id, self.tier_normal)

    def test_a_large_customer_never_moves_down_as_its_years_grow(self):
        """35 % of sales: strategic after 1 year (by its share), after 3
        years (key's 10 % and 2 years are met, but strategic's share comes
        first) and after 5 years (30 % and 5 years)."""
        large = self._customer("35% customer", followup_cooperation_start=self._years_ago(1))
        rest = self._customer("Rest of sales")
        self._sell(large, 350.0)
        self._sell(rest, 650.0)
        for years in (1, 3, 5):
            large.followup_cooperation_start = self._years_ago(years)
            self._recompute(large | rest)
            self.assertAlmostEqual(large.followup_sales_share, 35.0, places=2)
            self.assertEqual(large.followup_tier_id, self.tier_strategic, f"{years} years")
        self.assertIn("cooperation 5.0 years", large.followup_tier_rule)

    def test_any_of_the_figures_when_the_manager_says_so(self):
        """A manager may let either figure place customers; the shipped
        tiers ask for both."""
        self.assertEqual(self.tier_strategic.figures_match, "all")
        self.assertEqual(self.tier_key.figures_match, "all")
        loyal_small = self._customer(
            "0.1% for 5 years", followup_cooperation_start=self._years_ago(5)
        )
        loyal_medium = self._customer(
            "1% for 2 years", followup_cooperation_start=self._years_ago(2)
        )
        rest = self._customer("Rest")
        for partner, amount in ((loyal_small, 1.0), (loyal_medium, 10.0), (rest, 989.0)):
            self._sell(partner, amount)
        partners = loyal_small | loyal_medium | rest
        self._recompute(partners)
        self.assertEqual(loyal_small.followup_tier_id, self.tier_normal)
        self.assertEqual(loyal_medium.followup_tier_id, self.tier_normal)
        self.tier_strategic.with_user(self.user_manager).figures_match = "any"
        self._recompute(partners)
        self.assertEqual(loyal_small.followup_tier_id, self.tier_strategic)
        self.assertIn("cooperation 5.0 years ≥ 5", loyal_small.followup_tier_rule)
        # The key tier still asks for both.
        self.assertEqual(loyal_medium.followup_tier_id, self.tier_normal)
        self.tier_key.with_user(self.user_manager).figures_match = "any"
        self._recompute(partners)
        self.assertEqual(loyal_medium.followup_tier_id, self.tier_key)

    def test_rule_summary_says_and_or(self):
        self.assertEqual(
            self.tier_strategic.rule_summary,
            "share ≥ 30 % and ≥ 5 years, or purchases > 5,000,000 CNY, or Industry leader",
        )
        self.assertEqual(
            self.tier_key.rule_summary,
            "share ≥ 10 % and ≥ 2 years, or Regional core distributor",
        )
        self.assertEqual(self.tier_normal.rule_summary, "Scattered orders or all other customers")
        self.tier_strategic.figures_match = "any"
        self.assertEqual(
            self.tier_strategic.rule_summary,
            "share ≥ 30 % or ≥ 5 years or purchases > 5,000,000 CNY or Industry leader",
        )
        # One figure left: nothing to combine.
        self.tier_key.min_cooperation_years = 0
        self.assertEqual(self.tier_key.rule_summary, "share ≥ 10 % or Regional core distributor")

    def test_preview_counts_customers_under_the_rules_being_edited(self):
        """The tier list tells, before recomputing, how many customers each
        tier would hold under the rules as edited."""
        loyal_small = self._customer(
            "0.1% for 5 years", followup_cooperation_start=self._years_ago(5)
        )
        large = self._customer("35% for 1 year", followup_cooperation_start=self._years_ago(1))
        rest = self._customer("Rest")
        for partner, amount in ((loyal_small, 1.0), (large, 350.0), (rest, 649.0)):
            self._sell(partner, amount)
        Partner = self.env["res.partner"].with_company(self.company)
        self._recompute(Partner.search(Partner._followup_tier_candidate_domain()))
        tiers = (self.tier_strategic | self.tier_key | self.tier_normal).with_user(
            self.user_manager
        )
        now = {tier.code: tier.partner_count for tier in tiers}
        # Rules as saved and applied: the preview is the current count.
        self.assertEqual({tier.code: tier.preview_count for tier in tiers}, now)

        form = Form(self.tier_strategic.with_user(self.user_manager))
        form.figures_match = "any"  # 5 years alone now make a customer strategic
        self.assertEqual(form.preview_count, now["strategic"] + 1)
        form.figures_match = "all"
        form.min_sales_share = 40  # 35 % falls to key, placed by its share
        self.assertEqual(form.preview_count, now["strategic"] - 1)
        # Nothing saved, nothing moved.
        self.tier_strategic.invalidate_recordset()
        self.assertEqual(self.tier_strategic.min_sales_share, 30)
        self.assertEqual(large.followup_tier_id, self.tier_strategic)

        self.tier_strategic.with_user(self.user_manager).figures_match = "any"
        tiers.invalidate_recordset(["preview_count"])
        preview = {tier.code: tier.preview_count for tier in tiers}
        self.assertEqual(
            preview,
            {"strategic": now["strategic"] + 1, "key": now["key"], "normal": now["normal"] - 1},
        )
        # Not recomputed yet: the customer is still where it was...
        self.assertEqual(loyal_small.followup_tier_id, self.tier_normal)
        # ... and recomputing puts every customer where the preview said.
        self._recompute(Partner.search(Partner._followup_tier_candidate_domain()))
        tiers.invalidate_recordset(["partner_count"])
        self.assertEqual({tier.code: tier.partner_count for tier in tiers}, preview)
        self.assertEqual(loyal_small.followup_tier_id, self.tier_strategic)

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
            partner.with_user(self.user_manager).write({"followup_tier_id": self.tier_normal.id})
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
        logged = partner.message_ids.filtered(
            lambda m: self.tier_strategic.name in (m.body or "")
            and self.tier_normal.name in (m.body or "")
        )
        self.assertEqual(len(logged), 1, "one entry: normal → strategic, with the rule")
        self.assertIn("≥ 30", logged.body)
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
            self.tier_key.write(
                {"channel_mix_ids": [(1, self.tier_key.channel_mix_ids[0].id, {"share": 10})]}
            )
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
