from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestPlanWorkflow(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls._tiered("Plan key Co", cls.tier_key, owner=cls.user_cs)
        cls.normal = cls._tiered("Plan normal Co", cls.tier_normal, owner=cls.user_manager)

    def _yearly(self, **vals):
        return self._plan(
            date(2027, 1, 1),
            date(2027, 12, 31),
            partner_ids=[(6, 0, (self.key | self.normal).ids)],
            **vals,
        )

    def test_period_must_be_ordered(self):
        with self.assertRaises(ValidationError):
            self._plan(date(2027, 2, 1), date(2027, 1, 1))

    @freeze_time("2026-12-01 02:00:00")
    def test_approval_only_by_manager(self):
        plan = self._yearly().with_user(self.user_cs)
        plan.action_submit()
        self.assertEqual(plan.state, "submitted")
        with self.assertRaises(UserError):
            plan.action_approve()
        with self.assertRaises(UserError):
            plan.write({"state": "approved"})
        self.assertEqual(plan.state, "submitted")
        self.assertFalse(plan.sudo().visit_ids)
        with self.assertRaises(AccessError):
            plan.with_user(self.user_sales).read(["name"])
        plan.with_user(self.user_manager).action_approve()
        self.assertEqual(plan.state, "approved")  # the period has not begun
        self.assertEqual(plan.approved_by_id, self.user_manager)

    @freeze_time("2026-12-01 02:00:00")
    def test_approval_generates_the_period_like_the_cron(self):
        plan = self._yearly()
        plan.action_approve()
        expected = sum(
            12 // t.routine_interval_months
            + (12 // t.onsite_interval_months if t.onsite_interval_months else 0)
            + (12 // t.executive_interval_months if t.executive_interval_months else 0)
            for t in (self.tier_key, self.tier_normal)
        )
        self.assertEqual(plan.visit_count, expected)
        self.assertFalse(plan.generation_pending)
        for visit in plan.visit_ids:
            self.assertTrue(
                date(2027, 1, 1) <= self._local(visit.scheduled_date).date() <= date(2027, 12, 31)
            )
        # The cron runs the same code: nothing new for an approved plan.
        plan.generation_pending = True
        plan.generation_cursor = 0
        self.Plan._cron_generate_visits()
        plan.invalidate_recordset()
        self.assertEqual(plan.visit_count, expected)

    def test_cron_works_in_batches_and_starts_plans(self):
        plan = self._yearly()
        with freeze_time("2026-12-01 02:00:00"):
            plan.write({"state": "submitted"})
            plan.with_user(self.user_manager).action_approve()
        total = plan.visit_count
        plan.visit_ids.unlink()
        plan.write({"generation_pending": True, "generation_cursor": 0})
        with freeze_time("2027-01-04 02:00:00"):
            # One partner per batch: the first run plans the first customer
            # and says the plan is left.
            progress = self.env["ir.cron.progress"].create(
                {
                    "cron_id": self.env.ref("customer_followup.ir_cron_generate_visits").id,
                    "remaining": 0,
                    "done": 0,
                }
            )
            Plan = self.Plan.with_context(ir_cron_progress_id=progress.id)
            Plan._cron_generate_visits(batch_size=1)
            self.assertEqual(plan.state, "running")
            self.assertEqual(progress.done, 1)
            self.assertEqual(progress.remaining, 1)
            self.assertEqual(plan.visit_ids.partner_id, self.key)
            self.assertTrue(0 < plan.visit_count < total)
            Plan._cron_generate_visits(batch_size=1)
            self.assertEqual(plan.visit_ids.partner_id, self.key | self.normal)
            runs = 0
            while progress.remaining and runs < 10:
                Plan._cron_generate_visits(batch_size=1)
                runs += 1
            self.assertEqual(progress.remaining, 0)
        plan.invalidate_recordset()
        self.assertEqual(plan.visit_count, total)

    @freeze_time("2027-08-01 02:00:00")
    def test_counts_and_followup_rate(self):
        plan = self._yearly()
        plan.action_approve()
        self.assertEqual(plan.state, "running")
        # Not an on-site one: closing it would need the customer's signature.
        past = plan.visit_ids.filtered(
            lambda v: v.scheduled_date < datetime(2027, 8, 1) and v.channel != "onsite"
        )
        self.assertTrue(len(past) >= 2)
        past[0].write({"satisfaction": 5})
        past[0].action_done()
        plan.invalidate_recordset()
        self.assertEqual(plan.done_count, 1)
        now = datetime(2027, 8, 1, 2, 0)
        late = plan.visit_ids.filtered(
            lambda v: v.state != "done" and (v.deadline or v.scheduled_date) < now
        )
        self.assertEqual(plan.overdue_count, len(late))
        self.assertEqual(
            self.Visit.search_count([("plan_id", "=", plan.id), ("is_overdue", "=", True)]),
            len(late),
        )
        self.assertAlmostEqual(plan.followup_rate, 100.0 / plan.visit_count, places=2)
        plan.action_close()
        self.assertEqual(plan.state, "closed")
