from odoo import Command
from odoo.tests import tagged

from .common import CustomerFollowupCase

CURSOR_KEY = "customer_followup.tier_cursor.%s"


@tagged("post_install", "-at_install")
class TestTierEngine(CustomerFollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Other companies' passes are not under test here.
        params = cls.env["ir.config_parameter"].sudo()
        for company in cls.env["res.company"].search([]):
            params.set_param(CURSOR_KEY % company.id, "")

    def _make_customers(self, count, prefix):
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {n}",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": self.company.id,
                }
                for n in range(count)
            ]
        )
        return partners

    def _queries(self, func):
        before = self.env.cr.sql_log_count
        func()
        return self.env.cr.sql_log_count - before

    def test_query_count_does_not_grow_with_partners(self):
        """Recomputing 2,000 customers costs about the same number of queries as 200."""
        small = self._make_customers(200, "small")
        large = self._make_customers(2000, "large")
        # A few real buyers so that tiers differ.
        for partner, amount in zip(large[:5], (5000.0, 1500.0, 300.0, 20.0, 1.0), strict=True):
            self._sell(partner, amount)
        self.env.flush_all()
        q_small = self._queries(lambda: self._recompute(small))
        q_large = self._queries(lambda: self._recompute(large))
        self.assertLessEqual(q_large, 80, f"{q_large} queries for 2,000 partners")
        self.assertLessEqual(q_large, q_small + 40, (q_small, q_large))
        self.assertEqual(large[0].followup_tier_id, self.tier_strategic)
        self.assertEqual(large[1].followup_tier_id, self.tier_key)
        self.assertEqual(set((large[5:] | small).followup_tier_id.ids), {self.tier_normal.id})
        # Nothing changed: a second pass writes nothing, in few queries.
        q_again = self._queries(lambda: self._recompute(large))
        self.assertLessEqual(q_again, 25, f"{q_again} queries when nothing changed")

    def test_preview_reads_customers_in_a_fixed_number_of_queries(self):
        """The tier list's preview is one pass of the engine's set-based
        reads: about as many queries for 2,200 customers as for 200."""
        small = self._make_customers(200, "preview small")
        for partner, amount in zip(small[:3], (5000.0, 1500.0, 300.0), strict=True):
            self._sell(partner, amount)
        tiers = (self.tier_strategic | self.tier_key | self.tier_normal).with_user(
            self.user_manager
        )
        self.env.flush_all()
        q_small = self._queries(lambda: tiers.mapped("preview_count"))
        before = sum(tiers.mapped("preview_count"))
        self._make_customers(2000, "preview large")
        self.env.flush_all()
        tiers.invalidate_recordset(["preview_count"])
        q_large = self._queries(lambda: tiers.mapped("preview_count"))
        self.assertEqual(sum(tiers.mapped("preview_count")), before + 2000)
        self.assertLessEqual(q_large, q_small + 3, (q_small, q_large))
        self.assertLessEqual(q_large, 10, f"{q_large} queries for the preview")

    def test_cron_batches_report_progress_until_done(self):
        partners = self._make_customers(2000, "cron")
        self._sell(partners[0], 1000.0)
        Tier = self.env["customer.followup.tier"]
        params = self.env["ir.config_parameter"].sudo()
        for company in self.env["res.company"].search([]):
            params.set_param(CURSOR_KEY % company.id, "")
        # Only this company takes part: other companies are left as they are.
        other_tiers = Tier.sudo().search([("company_id", "!=", self.company.id)])
        other_tiers.active = False
        # A block of 700 partners that are no customers (suppliers): the
        # windows inside it hold no customer, and the pass goes on.
        self.env["res.partner"].create(
            [{"name": f"Supplier {k}", "is_company": True} for k in range(700)]
        )
        after_suppliers = self._make_customers(10, "after the suppliers")
        # The pass looks at every partner without a parent, by id.
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM res_partner WHERE parent_id IS NULL")
        looked_at = self.env.cr.fetchone()[0]
        progress = []
        for _run in range(40):
            queries_before = self.env.cr.sql_log_count
            done, remaining = Tier._recompute_partner_tiers_batch(batch_size=500)
            progress.append((done, remaining))
            self.assertLessEqual(
                self.env.cr.sql_log_count - queries_before, 80, "queries per batch of 500"
            )
            # 0 done would end the cron's run (Odoo reads it as "nothing to do").
            self.assertGreater(done, 0)
            if not remaining:
                break
        self.assertEqual(sum(d for d, _r in progress), looked_at)
        # A batch looks at 500 partners by id.
        first_done, first_remaining = progress[0]
        self.assertEqual(first_done, 500)
        self.assertEqual(first_remaining, looked_at - 500)
        self.assertGreater(len(progress), 1)
        self.assertEqual([r for _d, r in progress], sorted((r for _d, r in progress), reverse=True))
        self.assertEqual(progress[-1][1], 0)
        # The pass is over: the next call starts a new one.
        self.assertFalse(
            self.env["ir.config_parameter"].sudo().get_param(CURSOR_KEY % self.company.id)
        )
        partners.invalidate_recordset()
        self.assertEqual(
            partners[0].with_company(self.company).followup_tier_id, self.tier_strategic
        )
        self.assertEqual(
            set(partners[1:].with_company(self.company).mapped("followup_tier_id.code")), {"normal"}
        )
        self.assertEqual(
            set(after_suppliers.with_company(self.company).mapped("followup_tier_id.code")),
            {"normal"},
        )

    def test_batches_find_customers_never_invoiced(self):
        """Orders confirmed but invoiced elsewhere (customer rank 0): the
        batch finds the customer through its own orders or a contact's, and
        a company with neither is left without a tier."""
        Tier = self.env["customer.followup.tier"]
        Tier.sudo().search([("company_id", "!=", self.company.id)]).active = False
        own = self._customer("Ordering itself", company_id=self.company.id)
        through_contact = self._customer("Ordering through a buyer", company_id=self.company.id)
        buyer = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": through_contact.id, "company_id": self.company.id}
        )
        idle = self._customer("Never ordered", company_id=self.company.id)
        self._sell(own, 1000.0)
        self._sell(buyer, 10.0)
        self.assertEqual((own | through_contact | idle).mapped("customer_rank"), [0, 0, 0])
        # Windows of 3 partners: each customer is found inside its own window.
        for _run in range(self.env["res.partner"].search_count([]) + 5):
            _done, remaining = Tier._recompute_partner_tiers_batch(batch_size=3)
            if not remaining:
                break
        self.assertFalse(remaining)
        (own | through_contact | idle).invalidate_recordset()
        tiers = (own | through_contact | idle).with_company(self.company).mapped("followup_tier_id")
        self.assertEqual(own.with_company(self.company).followup_tier_id, self.tier_strategic)
        self.assertEqual(through_contact.with_company(self.company).followup_tier_id.code, "normal")
        self.assertFalse(idle.with_company(self.company).followup_tier_id)
        self.assertEqual(len(tiers), 2)

    def test_cron_entry_point_notifies_progress(self):
        self._make_customers(30, "entry")
        cron = self.env.ref("customer_followup.ir_cron_recompute_partner_tiers")
        Tier = (
            self.env["customer.followup.tier"]
            .sudo()
            .with_context(
                ir_cron_progress_id=self.env["ir.cron.progress"]
                .create({"cron_id": cron.id, "remaining": 0, "done": 0})
                .id
            )
        )
        Tier.search([("company_id", "!=", self.company.id)]).active = False
        Tier._cron_recompute_partner_tiers(batch_size=10)
        progress = self.env["ir.cron.progress"].browse(Tier.env.context["ir_cron_progress_id"])
        # One batch of 10 partners by id, then the cron is told what is left.
        self.env.cr.execute("SELECT count(*) FROM res_partner WHERE parent_id IS NULL")
        looked_at = self.env.cr.fetchone()[0]
        self.assertEqual(progress.done, 10)
        self.assertEqual(progress.done + progress.remaining, looked_at)
        self.assertGreaterEqual(progress.remaining, 20)

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "Other Co", "currency_id": self.cny.id})
        other_tiers = (
            self.env["customer.followup.tier"].sudo().search([("company_id", "=", other.id)])
        )
        self.assertEqual(len(other_tiers), 3, "a new company gets its own tiers")
        shared = self._customer("Shared customer")
        self._sell(shared, 1000.0)
        other_customer = self._customer("Other's customer")
        self._sell(shared, 10.0, company=other)
        self._sell(other_customer, 990.0, company=other)
        self._recompute(shared, company=self.company)
        self._recompute(shared | other_customer, company=other)
        self.assertEqual(shared.with_company(self.company).followup_tier_id, self.tier_strategic)
        other_normal = other_tiers.filtered(lambda t: t.code == "normal")
        self.assertEqual(shared.with_company(other).followup_tier_id, other_normal)
        self.assertAlmostEqual(shared.with_company(other).followup_sales_share, 1.0, places=2)
        # A user of the other company sees neither this company's tiers nor its figures.
        other_user = self.env["res.users"].create(
            {
                "name": "Other user",
                "login": "cf_other_user",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("customer_followup.group_customer_followup_manager").id,
                        ]
                    )
                ],
            }
        )
        visible = (
            self.env["customer.followup.tier"]
            .with_user(other_user)
            .with_context(allowed_company_ids=other.ids)
            .search([])
        )
        self.assertEqual(visible, other_tiers)
        self.assertNotIn(self.tier_strategic, visible)
        as_other = shared.with_user(other_user).with_context(allowed_company_ids=other.ids)
        self.assertEqual(as_other.followup_tier_id, other_normal)
        self.assertAlmostEqual(as_other.followup_sales_amount, 10.0, places=2)
