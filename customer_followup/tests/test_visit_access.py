from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestVisitAccess(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_cs2 = new_test_user(
            cls.env,
            login="cf_user2",
            groups="base.group_user,customer_followup.group_customer_followup_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.mine = cls._tiered("Owned by cs", cls.tier_key, owner=cls.user_cs)
        cls.other = cls._tiered("Owned by cs2", cls.tier_key, owner=cls.user_cs2)

    def setUp(self):
        super().setUp()
        self.visit_mine = self._visit(self.mine, user_id=self.user_manager.id)
        self.visit_other = self._visit(self.other, user_id=self.user_cs2.id)
        self.visit_joined = self._visit(
            self.other, user_id=self.user_cs2.id, participant_ids=[Command.link(self.user_cs.id)]
        )
        self.visits = self.visit_mine | self.visit_other | self.visit_joined

    def test_salesperson_reads_no_visit_nor_plan(self):
        Visit = self.Visit.with_user(self.user_sales)
        with self.assertRaises(AccessError):
            Visit.search([])
        with self.assertRaises(AccessError):
            self.visit_mine.with_user(self.user_sales).read(["satisfaction"])
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.user_sales).search([])
        with self.assertRaises(AccessError):
            self.env["customer.followup.visit.problem"].with_user(self.user_sales).search([])
        # The partner's follow-up figures stay empty for them.
        self.assertEqual(self.mine.with_user(self.user_sales).followup_visit_count, 0)

    def test_followup_user_sees_own_customers_and_visits(self):
        seen = self.Visit.with_user(self.user_cs).search([("id", "in", self.visits.ids)])
        # Own customer's visit (owned by someone else) and the joined one.
        self.assertEqual(seen, self.visit_mine | self.visit_joined)
        with self.assertRaises(AccessError):
            self.visit_other.with_user(self.user_cs).read(["name"])
        with self.assertRaises(AccessError):
            self.visit_mine.with_user(self.user_cs).unlink()
        # They record the outcome of their visits.
        self.visit_mine.with_user(self.user_cs).write({"satisfaction": 4})
        self.assertEqual(self.mine.with_user(self.user_cs).followup_visit_count, 1)

    def test_manager_sees_all_of_the_company(self):
        seen = self.Visit.with_user(self.user_manager).search([("id", "in", self.visits.ids)])
        self.assertEqual(seen, self.visits)
        self.visit_other.with_user(self.user_manager).unlink()

    def test_other_company_is_hidden(self):
        other_company = self.env["res.company"].create({"name": "Other company"})
        customer = self._customer("Other company customer", customer_rank=1)
        visit = self.Visit.with_company(other_company).create(
            {
                "partner_id": customer.id,
                "company_id": other_company.id,
                "scheduled_date": "2030-01-02 03:00:00",
            }
        )
        with self.assertRaises(AccessError):
            visit.with_user(self.user_manager).read(["name"])

    def test_no_context_key_skips_the_company_check(self):
        """A follow-up of this company cannot take another company's tier,
        whatever context the caller sends (issue 16: the generator once
        skipped the check under ``followup_generated``)."""
        other_tier = self.env.ref("customer_followup.tier_key")
        self.assertNotEqual(other_tier.company_id, self.company)
        partner = self._tiered("Company check Co", self.tier_key)
        for context in ({}, {"followup_generated": True}):
            with self.assertRaises(UserError, msg=str(context)):
                self.Visit.with_context(**context).create(
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "tier_id": other_tier.id,
                    }
                )
