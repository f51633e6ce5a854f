from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .visit_common import VisitCase

SCORE_FIELDS = ("satisfaction", "score_quality", "score_delivery", "score_attitude", "score_speed")


@tagged("post_install", "-at_install")
class TestVisitRules(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._tiered("Rules customer", cls.tier_key, owner=cls.user_cs)

    def test_reference_and_tier_at_creation(self):
        visit = self._visit(self.customer)
        self.assertTrue(visit.name.startswith("HF"))
        self.assertEqual(visit.tier_id, self.tier_key)
        # The tier at creation stays when the customer's tier changes.
        self.customer.with_company(self.company).sudo().followup_tier_id = self.tier_normal
        self.assertEqual(visit.tier_id, self.tier_key)

    def test_scores_outside_scale_rejected(self):
        visit = self._visit(self.customer).with_user(self.user_cs)
        for fname in SCORE_FIELDS:
            for bad in (-1, 6, "6", 4.5, True):
                with self.assertRaises(ValidationError):
                    with self.env.cr.savepoint():
                        visit.write({fname: bad})
                visit.invalidate_recordset()
                # Still unanswered: empty, not 0.
                self.assertIs(visit[fname], False)
        with self.assertRaises(ValidationError):
            self.Visit.with_user(self.user_cs).create(
                {"partner_id": self.customer.id, "satisfaction": 7}
            )

    def test_scores_are_empty_until_answered(self):
        """Issue 14: 0 means "extremely bad" on the 0–5 scale, so a
        follow-up nobody answered holds no 0 but nothing."""
        visit = self._visit(self.customer).with_user(self.user_cs)
        names = [*SCORE_FIELDS, "satisfaction_recorded"]
        self.assertEqual(visit.read(names)[0], {"id": visit.id, **dict.fromkeys(names, False)})
        # 0–5 integers, as questionnaires and older integrations send them, are the choices.
        visit.write({"satisfaction": 0, "score_quality": 5})
        self.assertEqual((visit.satisfaction, visit.score_quality), ("0", "5"))
        self.assertTrue(visit.satisfaction_recorded)
        self.assertEqual(
            self.Visit.search([("id", "=", visit.id), ("satisfaction_recorded", "=", True)]), visit
        )
        visit.write({"satisfaction": False})
        self.assertFalse(visit.satisfaction_recorded)
        self.assertEqual(
            self.Visit.search([("id", "=", visit.id), ("satisfaction_recorded", "=", False)]), visit
        )

    def test_done_requires_outcome(self):
        visit = self._visit(self.customer)
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                visit.action_done()
        visit.invalidate_recordset()
        self.assertEqual(visit.state, "planned")
        # 0 ("extremely bad") is an outcome too.
        visit.satisfaction = "0"
        visit.action_done()
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.done_date)
        self.assertTrue(visit.by_phone)

    def test_greeting_done_without_score_or_signature(self):
        """Issue 14: a holiday greeting is no follow-up of service: it is
        done once sent, by phone or brought in person, without a score."""
        for channel in ("phone", "onsite"):
            greeting = self._visit(self.customer, trigger="holiday", channel=channel)
            greeting.with_user(self.user_cs).action_done()
            self.assertEqual(greeting.state, "done")
            self.assertFalse(greeting.satisfaction)
        # A call of service still needs the customer's answer.
        call = self._visit(self.customer, trigger="routine")
        with self.assertRaises(ValidationError):
            call.with_user(self.user_cs).action_done()

    def test_onsite_done_requires_signature(self):
        visit = self._visit(self.customer, channel="onsite", satisfaction="4")
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                visit.action_done()
        visit.invalidate_recordset()
        self.assertEqual(visit.state, "planned")
        # A 1x1 PNG stands for the customer's signature.
        visit.signature = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
            "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
        )
        visit.action_done()
        self.assertEqual(visit.state, "done")
        self.assertFalse(visit.by_phone)

    def test_non_customer_rejected(self):
        stranger = self.env["res.partner"].create({"name": "Supplier only", "is_company": True})
        with self.assertRaises(ValidationError):
            self._visit(stranger)
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": self.customer.id})
        with self.assertRaises(ValidationError):
            self._visit(contact)

    def test_visit_outside_plan_period_rejected(self):
        plan = self._plan(date(2030, 3, 1), date(2030, 3, 31), plan_type="monthly")
        with self.assertRaises(ValidationError):
            self._visit(self.customer, plan_id=plan.id, scheduled_date=datetime(2030, 4, 2, 3))
        visit = self._visit(self.customer, plan_id=plan.id, scheduled_date=datetime(2030, 3, 3, 3))
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                visit.scheduled_date = datetime(2030, 2, 27, 3)
        visit.invalidate_recordset()
        self.assertEqual(visit.scheduled_date, datetime(2030, 3, 3, 3))

    @freeze_time("2026-11-18 02:00:00")
    def test_reschedule(self):
        visit = self._visit(self.customer)
        before = visit.scheduled_date
        with self.assertRaises(UserError):
            visit._reschedule(datetime(2026, 11, 17, 2), "Call back yesterday")
        with self.assertRaises(UserError):
            visit._reschedule(datetime(2026, 11, 25, 2), "  ")
        self.assertEqual(
            (visit.scheduled_date, visit.attempt_count, visit.state), (before, 0, "planned")
        )
        wizard = self.env["customer.followup.visit.reschedule"].create(
            {
                "visit_id": visit.id,
                "new_date": datetime(2026, 11, 19, 7, 30),
                "reason": "In a meeting, call back at 15:30",
                "unreachable": False,
            }
        )
        wizard.action_confirm()
        self.assertEqual(visit.state, "postponed")
        self.assertEqual(visit.attempt_count, 1)
        self.assertEqual(visit.scheduled_date, datetime(2026, 11, 19, 7, 30))
        visit._reschedule(datetime(2026, 11, 20, 2), "No answer", unreachable=True)
        self.assertEqual((visit.state, visit.attempt_count), ("unreachable", 2))
        self.assertIn("No answer", visit.message_ids[0].body)

    # Wednesday 18 November 2026, 10:00 in Shanghai.
    @freeze_time("2026-11-18 02:00:00")
    def test_reschedule_inside_calling_windows_of_working_days(self):
        visit = self._visit(self.customer)
        refused = (
            datetime(2026, 11, 19, 4, 0),  # Thursday 12:00, between the windows
            datetime(2026, 11, 19, 3, 30),  # Thursday 11:30, the first window's end
            datetime(2026, 11, 19, 9, 0),  # Thursday 17:00, the second window's end
            datetime(2026, 11, 21, 2, 0),  # Saturday 10:00
        )
        for when in refused:
            with self.assertRaises(UserError, msg=str(when)):
                visit._reschedule(when, "Call back")
        self.assertEqual(visit.attempt_count, 0)
        # 10:00–11:30 and 15:30–17:00 on a working day (001).
        visit._reschedule(datetime(2026, 11, 19, 3, 0), "Call back at 11:00")
        visit._reschedule(datetime(2026, 11, 19, 7, 30), "Call back at 15:30")
        self.assertEqual(visit.attempt_count, 2)
        # The customer chose Saturday 09:00 themselves: allowed, and said so.
        visit._reschedule(
            datetime(2026, 11, 21, 1, 0), "客户说：周六上午九点打给我", customer_time=True
        )
        self.assertEqual(visit.scheduled_date, datetime(2026, 11, 21, 1, 0))
        self.assertIn("customer's request", visit.message_ids[0].body)

    @freeze_time("2026-11-18 02:10:00")
    def test_reschedule_wizard_proposes_the_next_free_slots(self):
        visit = self._visit(self.customer)
        # The owner already has a call on Wednesday at 10:30.
        self._visit(self.customer, scheduled_date=datetime(2026, 11, 18, 2, 30))
        wizard = self.env["customer.followup.visit.reschedule"].create(
            {"visit_id": visit.id, "reason": "客户在开会"}
        )
        # 10:30 is taken: 11:00, then the afternoon window from 15:30.
        self.assertEqual(wizard.new_date, datetime(2026, 11, 18, 3, 0))
        slots = visit._free_calling_slots(count=4)
        self.assertEqual(
            slots,
            [
                datetime(2026, 11, 18, 3, 0),
                datetime(2026, 11, 18, 7, 30),
                datetime(2026, 11, 18, 8, 0),
                datetime(2026, 11, 18, 8, 30),
            ],
        )
        self.assertEqual(len(wizard.proposed_slots.splitlines()), 5)
        wizard.action_confirm()
        self.assertEqual(visit.scheduled_date, datetime(2026, 11, 18, 3, 0))

    def test_preparation_three_working_days_before(self):
        # Scheduled on a Tuesday morning: three working days before, skipping
        # the weekend, is the previous Thursday.
        tuesday = datetime(2026, 12, 8, 2, 0)  # 10:00 in Shanghai
        visit = self._visit(self.customer, scheduled_date=tuesday)
        prep = visit.preparation_date
        self.assertLess(prep, date(2026, 12, 8))
        working = self.WorkingTime.working_dates(prep, date(2026, 12, 7), calendar=self.calendar)
        self.assertEqual(len([d for d in working if d >= prep]), 3)
        self.assertTrue(self.WorkingTime.is_working_date(prep, calendar=self.calendar))
        # A holiday in between pushes the preparation one working day earlier.
        self._holiday(date(2026, 12, 7))
        visit.scheduled_date = tuesday + timedelta(minutes=30)
        self.assertLess(visit.preparation_date, prep)

    def test_preparation_summary_lists_orders_and_past_visits(self):
        order = self._sell(self.customer, 1234.0)
        past = self._visit(self.customer, satisfaction="5")
        past.action_done()
        greeting = self._visit(self.customer, trigger="holiday")
        greeting.action_done()
        visit = self._visit(self.customer)
        visit.action_prepare()
        self.assertEqual(visit.state, "prepared")
        summary = visit.preparation_summary
        self.assertIn(order.name, summary)
        self.assertIn(past.name, summary)
        self.assertIn("satisfaction 5/5", summary)
        # The greeting was not scored: it says so, with no "0/5".
        self.assertRegex(summary, rf"{greeting.name} · [^<]* · Holiday greeting</li>")
        self.assertNotIn("0/5", summary)
        self.assertNotIn("False/5", summary)

    def test_review_by_manager_only(self):
        visit = self._visit(self.customer, satisfaction="3")
        visit.action_done()
        visit.review_comment = "Good call, follow the lead time issue."
        with self.assertRaises(UserError):
            visit.with_user(self.user_manager).action_review()  # no visit report yet
        visit.report = "<p>交货期偏长，已转销售跟进</p>"
        with self.assertRaises(UserError):
            visit.with_user(self.user_cs).action_review()
        with self.assertRaises(UserError):
            visit.with_user(self.user_cs).write({"reviewer_id": self.user_cs.id})
        self.assertFalse(visit.reviewer_id)
        visit.with_user(self.user_manager).action_review()
        self.assertEqual(visit.reviewer_id, self.user_manager)
        self.assertTrue(visit.review_date)

    # Wednesday 18 November 2026, 10:00 in Shanghai.
    @freeze_time("2026-11-18 02:00:00")
    def test_visit_report_due_the_next_working_day(self):
        self.user_cs.followup_supervisor_id = self.user_manager
        visit = self._visit(self.customer, satisfaction="4")
        visit.action_done()
        # 001 篇二: the report the next day, a to-do on the owner's list.
        self.assertEqual(visit.report_due_date, date(2026, 11, 19))
        todo = visit.activity_ids.filtered(lambda a: a.user_id == self.user_cs)
        self.assertEqual(todo.date_deadline, date(2026, 11, 19))
        written = self._visit(self.customer, satisfaction="5")
        written.action_done()
        written.report = "<p>客户满意</p>"
        greeting = self._visit(self.customer, trigger="holiday")
        greeting.action_done()
        self.assertFalse(greeting.report_due_date, "a greeting needs no report")
        Visit = self.Visit
        with freeze_time("2026-11-19 12:00:00"):
            self.assertFalse(Visit._cron_escalate_missing_reports() & visit, "due today")
        # Friday: the report of Thursday is missing, the supervisor is told once.
        with freeze_time("2026-11-20 02:00:00"):
            late = Visit._cron_escalate_missing_reports()
            self.assertIn(visit, late)
            self.assertNotIn(written, late)
            self.assertNotIn(greeting, late)
            self.assertFalse(Visit._cron_escalate_missing_reports() & visit)
        supervisor = visit.activity_ids.filtered(lambda a: a.user_id == self.user_manager)
        self.assertEqual(len(supervisor), 1)
        self.assertIn("report", supervisor.summary)

    def test_problem_actions_and_anomaly_hook(self):
        visit = self._visit(self.customer)
        action = self.env["customer.followup.visit.problem"].create(
            {
                "visit_id": visit.id,
                "name": "Lead time too long",
                "user_id": self.user_manager.id,
                "date_deadline": date.today() + timedelta(days=1),
            }
        )
        self.assertEqual(visit.problem_open_count, 1)
        vals = action._prepare_anomaly_vals()
        self.assertEqual(vals["partner_id"], self.customer.id)
        # Raising an anomaly opens its form filled from the problem.
        form_action = action.action_create_anomaly()
        self.assertEqual(form_action["res_model"], "customer.followup.anomaly")
        defaults = {k[len("default_") :]: v for k, v in form_action["context"].items()}
        anomaly = self.env["customer.followup.anomaly"].create(
            dict(defaults, category="delivery", severity="major")
        )
        self.assertEqual(anomaly.visit_id, visit)
        self.assertEqual(anomaly.source, "visit")
        self.assertEqual(anomaly.description, "Lead time too long")
        self.assertTrue(anomaly._clock_deadline("report"))
        self.assertIn(anomaly.name, action.message_ids.mapped("body")[0])
        with self.assertRaises(UserError):
            action.action_done()  # the result for the customer first
        action.result = "交货期缩短到两周"
        action.action_done()
        self.assertEqual(visit.problem_open_count, 0)
        # The customer is told the result by a follow-up of its own.
        self.assertEqual(action.result_visit_id.trigger, "problem")
        self.assertEqual(action.result_visit_id.partner_id, self.customer)
        self.assertIn("交货期缩短到两周", action.result_visit_id.message_ids[0].body)

    # Wednesday 18 November 2026, 10:00 in Shanghai.
    @freeze_time("2026-11-18 02:00:00")
    def test_problems_are_passed_on_the_same_day(self):
        quality = self.env["res.users"].create(
            {
                "name": "质量部 QC",
                "login": "cf_problem_qc",
                "followup_department": "质量控制部",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, self.env.ref("base.group_user").ids)],
            }
        )
        visit = self._visit(self.customer)
        action = (
            self.env["customer.followup.visit.problem"]
            .with_user(self.user_cs)
            .create(
                {
                    "visit_id": visit.id,
                    "name": "外壳划伤",
                    "user_id": self.user_manager.id,
                    "department": "质量控制部",
                }
            )
        )
        # 001 篇五: due today, the owner has it on their list, the department is told.
        self.assertEqual(action.date_deadline, date(2026, 11, 18))
        todo = action.activity_ids.filtered(lambda a: a.user_id == self.user_manager)
        self.assertEqual(todo.date_deadline, date(2026, 11, 18))
        told = action.message_ids.filtered(lambda m: quality.partner_id in m.partner_ids)
        self.assertEqual(len(told), 1)
        self.assertIn(self.user_manager.partner_id, told.partner_ids)
