from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .anomaly_common import LOOP, AnomalyCase


@tagged("post_install", "-at_install")
class TestAnomalyFlow(AnomalyCase):
    """The closed loop of 003 第八条: one step at a time, each with its data."""

    def test_reference_and_first_step(self):
        anomaly = self.anomaly()
        self.assertTrue(anomaly.name.startswith("YC"))
        self.assertNotEqual(anomaly.name, self.anomaly().name)
        self.assertEqual(anomaly.state, "discovered")
        self.assertEqual(anomaly.step_ids.state, "discovered")
        self.assertEqual(anomaly.step_ids.user_id, self.user_cs)

    def test_full_loop_logs_every_step(self):
        anomaly = self.anomaly(severity="major")
        self.advance(anomaly, "closed")
        self.assertEqual(anomaly.state, "closed")
        states = anomaly.step_ids.sorted("id").mapped("state")
        self.assertEqual(states, LOOP)
        self.assertEqual(anomaly.plan_approved_by, self.user_deputy)
        self.assertTrue(anomaly.closed_at and anomaly.resolved_at)
        approve = anomaly.step_ids.filtered(lambda s: s.state == "in_progress")
        self.assertEqual(approve.user_id, self.user_deputy)
        self.assertEqual(approve.deadline, anomaly._clock_deadline("plan"))

    def test_skipping_a_step_is_refused(self):
        anomaly = self.anomaly()
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_cs).write({"state": "responding"})
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_cs).action_respond()
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_manager).write({"state": "closed"})
        self.assertEqual(anomaly.state, "discovered")
        self.assertEqual(len(anomaly.step_ids), 1)
        with self.assertRaises(UserError):
            self.anomaly(state="reported")

    def test_each_step_needs_its_data(self):
        anomaly = self.anomaly(user_id=False)
        anomaly.action_report()
        with self.assertRaises(UserError):
            anomaly.action_respond()  # no handler
        anomaly.user_id = self.user_cs
        anomaly.action_respond()
        anomaly.action_investigate()
        with self.assertRaises(UserError):
            anomaly.action_submit_plan()  # no findings, root cause, plan
        self.assertEqual(anomaly.state, "investigating")
        self.advance(anomaly, "feedback")
        with self.assertRaises(UserError):
            anomaly.action_start_review()  # closing without feedback
        anomaly.write(
            {"customer_told": "已解决", "customer_satisfaction": "5", "customer_accepted": True}
        )
        anomaly.action_start_review()
        with self.assertRaises(UserError):
            anomaly.action_close()  # closing without review
        self.assertEqual(anomaly.state, "review")

    def test_plan_deadline_beyond_policy_needs_a_reason(self):
        anomaly = self.anomaly(severity="major")
        self.advance(anomaly, "investigating")
        self.advance(anomaly, "investigating")
        anomaly.write(
            {
                "findings": "f",
                "root_cause": "r",
                "plan_measures": "m",
                "plan_owner_ids": [Command.set(self.user_cs.ids)],
                "plan_deadline": anomaly._clock_deadline("resolve") + timedelta(days=5),
            }
        )
        with self.assertRaises(UserError):
            anomaly.action_submit_plan()
        anomaly.plan_deadline_reason = "备件需从德国进口"
        anomaly.action_submit_plan()
        self.assertEqual(anomaly.state, "plan")

    def test_going_back_where_the_regulation_allows(self):
        anomaly = self.anomaly()
        self.advance(anomaly, "plan")
        approver = anomaly.with_user(self.user_dept_head)
        with self.assertRaises(UserError):
            approver.action_reject_plan()  # a rejection says why
        approver.plan_rejection_reason = "措施不足"
        approver.action_reject_plan()
        self.assertEqual(anomaly.state, "investigating")
        self.advance(anomaly, "feedback")
        anomaly.with_user(self.user_cs).action_not_satisfied()
        self.assertEqual(anomaly.state, "in_progress")
        # No way back from other steps.
        with self.assertRaises(UserError):
            anomaly.write({"state": "investigating"})

    def test_cancel_needs_a_reason(self):
        anomaly = self.anomaly()
        with self.assertRaises(UserError):
            anomaly.action_cancel()
        anomaly.cancel_reason = "客户误报"
        anomaly.action_cancel()
        self.assertEqual(anomaly.state, "cancelled")
        with self.assertRaises(UserError):
            anomaly.write({"state": "reported"})

    def test_unknown_category_or_severity(self):
        with self.assertRaises(UserError):
            self.anomaly(category="billing")
        with self.assertRaises(UserError):
            self.anomaly(severity="apocalyptic")
        anomaly = self.anomaly()
        with self.assertRaises(UserError):
            anomaly.write({"severity": "huge"})
        self.assertEqual(anomaly.severity, "general")

    def test_report_notifies_the_level_of_the_severity(self):
        for severity, user in (
            ("general", self.user_dept_head),
            ("major", self.user_deputy),
            ("critical", self.user_leader),
        ):
            anomaly = self.anomaly(severity=severity)
            anomaly.action_report()
            self.assertIn(user, anomaly.activity_ids.user_id, severity)
            self.assertIn(user.partner_id, anomaly.message_ids[0].partner_ids, severity)

    def test_raising_severity_tells_the_new_level(self):
        anomaly = self.anomaly(severity="general")
        self.advance(anomaly, "responding")
        self.assertNotIn(self.user_leader, anomaly.activity_ids.user_id)
        anomaly.severity = "critical"
        self.assertIn(self.user_leader, anomaly.activity_ids.user_id)
        self.assertTrue(anomaly.progress_deadline, "重大 needs daily progress")


@tagged("post_install", "-at_install")
class TestAnomalyApproval(AnomalyCase):
    """Plans are approved by level (003 第八条 (五))."""

    def test_approval_rights_per_level(self):
        levels = {
            "general": (self.user_dept_head, [self.user_cs]),
            "major": (self.user_deputy, [self.user_cs, self.user_dept_head]),
            "critical": (self.user_leader, [self.user_cs, self.user_dept_head, self.user_deputy]),
        }
        for severity, (approver, refused) in levels.items():
            anomaly = self.anomaly(severity=severity)
            self.advance(anomaly, "plan")
            self.assertIn(approver, anomaly.activity_ids.user_id)
            for user in refused:
                with self.assertRaises(AccessError, msg=f"{severity} by {user.login}"):
                    anomaly.with_user(user).action_approve_plan()
                with self.assertRaises(AccessError):
                    anomaly.with_user(user).write({"state": "in_progress"})
            self.assertEqual(anomaly.state, "plan")
            anomaly.with_user(approver).action_approve_plan()
            self.assertEqual(anomaly.state, "in_progress")
            self.assertEqual(anomaly.plan_approved_by, approver)

    def test_higher_levels_may_approve_lower_plans(self):
        anomaly = self.anomaly(severity="general")
        self.advance(anomaly, "plan")
        anomaly.with_user(self.user_leader).action_approve_plan()
        self.assertEqual(anomaly.state, "in_progress")


@tagged("post_install", "-at_install")
class TestAnomalyClosing(AnomalyCase):
    def test_closing_schedules_a_verification_followup(self):
        self.customer.with_company(self.company).sudo().write(
            {
                "followup_user_id": self.user_cs.id,
                "followup_tier_id": self.tier_normal.id,
                "followup_tier_manual": True,
                "followup_tier_manual_reason": "test",
            }
        )
        self.customer.customer_rank = 1
        anomaly = self.anomaly()
        # Tuesday 24 November, 10:30 in Shanghai.
        with freeze_time("2026-11-24 02:30:00"):
            self.advance(anomaly, "closed")
        visit = anomaly.verification_visit_id
        self.assertEqual(visit.trigger, "anomaly")
        self.assertEqual(visit.user_id, self.user_cs)
        self.assertEqual(visit.partner_id, self.customer)
        # Closing is a key node: a normal customer is followed up within
        # 1 week, elapsed, in the first calling window (15:30 the same day).
        self.assertEqual(self.local(visit.deadline), datetime(2026, 12, 1, 10, 30))
        self.assertEqual(self.local(visit.scheduled_date), datetime(2026, 11, 24, 15, 30))

    def test_verification_falls_back_to_a_todo_for_non_customers(self):
        self.customer.with_company(self.company).sudo().followup_user_id = self.user_cs
        self.customer.customer_rank = 0
        anomaly = self.anomaly()
        with freeze_time("2026-11-24 02:00:00"):
            self.advance(anomaly, "closed")
            activity = anomaly.activity_ids.filtered(lambda a: a.user_id == self.user_cs)
        self.assertFalse(anomaly.verification_visit_id)
        self.assertEqual(len(activity), 1)
        # The next working day: Wednesday 25 is a public holiday.
        self.assertEqual(str(activity.date_deadline), "2026-11-26")

    def test_retention_blocks_deletion(self):
        with freeze_time("2026-11-24 02:00:00"):
            anomaly = self.anomaly()
            self.advance(anomaly, "closed")
        self.assertEqual(str(anomaly.retain_until), "2029-11-24")
        with freeze_time("2029-11-23 02:00:00"):
            with self.assertRaises(UserError) as error:
                anomaly.with_user(self.user_manager).unlink()
            self.assertIn("2029-11-24", str(error.exception))
            with self.assertRaises(UserError):
                anomaly.sudo().unlink()
            anomaly.with_user(self.user_manager).action_archive()
            self.assertFalse(anomaly.active)
        with freeze_time("2029-11-25 02:00:00"):
            anomaly.with_user(self.user_manager).unlink()
            self.assertFalse(anomaly.exists())


@tagged("post_install", "-at_install")
class TestAnomalySummaries(AnomalyCase):
    """Weekly summary of 一般 anomalies to department heads (第九条), monthly
    summary of 较大 ones to the deputy leader (第十条)."""

    def test_weekly_and_monthly_summaries(self):
        self.assertEqual(self.policy("general").summary_period, "weekly")
        self.assertEqual(self.policy("major").summary_period, "monthly")
        # Tuesday 17 November, in the week before the summary.
        self.anomaly(severity="general", discovered_at=self.utc(datetime(2026, 11, 17, 10, 0)))
        self.anomaly(
            severity="general",
            category="aftersales",
            discovered_at=self.utc(datetime(2026, 11, 18, 10, 0)),
        )
        self.anomaly(severity="major", discovered_at=self.utc(datetime(2026, 10, 12, 10, 0)))
        Anomaly = self.env["customer.followup.anomaly"]
        weekly = Anomaly._post_summaries("weekly", today=date(2026, 11, 23)).filtered(
            lambda m: self.user_dept_head.partner_id in m.partner_ids
        )
        self.assertEqual(len(weekly), 1)
        self.assertIn("2 new", weekly.body)
        self.assertNotIn(self.user_deputy.partner_id, weekly.partner_ids)
        monthly = Anomaly._post_summaries("monthly", today=date(2026, 11, 1)).filtered(
            lambda m: self.user_deputy.partner_id in m.partner_ids
        )
        self.assertEqual(len(monthly), 1)
        self.assertIn("1 new", monthly.body)
