from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .anomaly_common import AnomalyCase


@tagged("post_install", "-at_install")
class TestAnomalyChainOfCommand(AnomalyCase):
    """Who is told at discovery, the tier's response promise and who closes
    what (003 第八至十一条, 000 第七条), with the regulations' numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = new_test_user(
            cls.env,
            login="cf_company_head",
            name="总经理",
            groups="base.group_user",
            company_id=cls.company.id,
        )
        cls.company.followup_company_head_id = cls.head
        cls.key = cls._customer("重点客户 Key customer")
        cls.key.with_company(cls.company).sudo().write(
            {
                "followup_tier_id": cls.tier_key.id,
                "followup_tier_manual": True,
                "followup_tier_manual_reason": "test",
            }
        )

    def told(self, anomaly, user):
        """Messages of the anomaly addressed to ``user``."""
        return anomaly.message_ids.filtered(lambda m: user.partner_id in m.partner_ids)

    def test_critical_reported_in_30_elapsed_minutes_and_the_company_head_told(self):
        # Friday 20 November, 17:20 in Shanghai, after office hours start to end.
        anomaly = self.anomaly(
            severity="critical", discovered_at=self.utc(datetime(2026, 11, 20, 17, 20))
        )
        self.assertEqual(
            self.local(anomaly._clock_deadline("report")), datetime(2026, 11, 20, 17, 50)
        )
        self.assertTrue(self.told(anomaly, self.head), "the company head is told at discovery")
        self.assertTrue(self.told(anomaly, self.user_leader), "the leader is told at discovery")
        self.assertIn("17:50", str(self.told(anomaly, self.head).body))
        # Both get it the way they chose: an inbox notification here.
        notified = self.env["mail.notification"].search(
            [
                ("mail_message_id.model", "=", anomaly._name),
                ("mail_message_id.res_id", "=", anomaly.id),
            ]
        )
        self.assertIn(self.head.partner_id, notified.res_partner_id)

    def test_each_severity_is_told_to_its_reporting_level(self):
        found = self.utc(datetime(2026, 11, 20, 16, 0))
        for severity, level, minutes in (
            ("general", self.user_dept_head, 60),
            ("major", self.user_deputy, 120),
            ("critical", self.user_leader, 30),
        ):
            anomaly = self.anomaly(severity=severity, discovered_at=found)
            self.assertEqual(anomaly._clock_deadline("report"), found + timedelta(minutes=minutes))
            self.assertTrue(self.told(anomaly, level), severity)
            told_head = bool(self.told(anomaly, self.head))
            self.assertEqual(told_head, severity == "critical", severity)

    def test_response_promise_of_the_tier(self):
        friday = self.utc(datetime(2026, 11, 20, 16, 0))
        key = self.anomaly(severity="general", partner_id=self.key.id, discovered_at=friday)
        # Key customers: 48 hours, elapsed (000 第七条), Sunday 16:00.
        self.assertEqual(self.local(key._clock_deadline("respond")), datetime(2026, 11, 22, 16, 0))
        # Strategic customers: 7×24, within the 24 hours the company ships.
        strategic = self.anomaly(partner_id=self.strategic.id, discovered_at=friday)
        self.assertEqual(
            self.local(strategic._clock_deadline("respond")), datetime(2026, 11, 21, 16, 0)
        )
        # Normal customers are promised nothing.
        normal = self.anomaly(discovered_at=friday)
        self.assertFalse(normal._clock_deadline("respond"))

    def test_a_missed_response_promise_escalates_once(self):
        friday = self.utc(datetime(2026, 11, 20, 16, 0))
        anomaly = self.anomaly(severity="general", partner_id=self.key.id, discovered_at=friday)
        with freeze_time(friday + timedelta(minutes=30)):
            anomaly.action_report()
        late = friday + timedelta(hours=48, minutes=1)
        with freeze_time(late):
            escalated = self.Anomaly.action_escalate_overdue()
        self.assertIn(anomaly, escalated)
        self.assertTrue(anomaly._clock("respond").escalated)
        todo = anomaly.activity_ids.filtered(lambda a: a.user_id == self.user_deputy)
        self.assertEqual(len(todo), 1)
        self.assertIn("response promise", todo.summary)
        with freeze_time(late + timedelta(hours=1)):
            self.assertNotIn(anomaly, self.Anomaly.action_escalate_overdue())

    def test_responding_in_time_is_not_escalated(self):
        friday = self.utc(datetime(2026, 11, 20, 16, 0))
        anomaly = self.anomaly(severity="general", partner_id=self.key.id, discovered_at=friday)
        with freeze_time(friday + timedelta(minutes=30)):
            anomaly.action_report()
        with freeze_time(friday + timedelta(hours=47)):
            anomaly.action_respond()
        self.assertEqual(anomaly.next_deadline, anomaly._clock_deadline("resolve"))
        with freeze_time(friday + timedelta(hours=49)):
            self.assertNotIn(anomaly, self.Anomaly.action_escalate_overdue())
        self.assertFalse(anomaly._clock("respond").escalated)

    def review(self, severity, **vals):
        anomaly = self.anomaly(severity=severity)
        self.advance(anomaly, "review")
        anomaly.write(
            {
                "review_root_cause": "排期系统未校验",
                "lessons": "复核",
                "improvement_actions": "增加复核",
            }
            | vals
        )
        return anomaly

    def test_a_specialist_cannot_close_a_critical_anomaly(self):
        anomaly = self.review("critical", review_meeting_at="2026-11-20 08:00:00")
        for user in (self.user_cs, self.user_dept_head, self.user_deputy):
            with self.assertRaises(AccessError):
                anomaly.with_user(user).action_close()
        self.assertEqual(anomaly.state, "review")
        anomaly.with_user(self.user_leader).action_close()
        self.assertEqual(anomaly.state, "closed")
        self.assertEqual(anomaly.closed_by, self.user_leader)

    def test_critical_closes_after_the_review_meeting_and_management_is_told(self):
        anomaly = self.review("critical")
        leader = anomaly.with_user(self.user_leader)
        with self.assertRaises(UserError) as error:
            leader.action_close()
        self.assertIn(anomaly._fields["review_meeting_at"].string, str(error.exception))
        leader.review_meeting_at = "2026-11-27 08:00:00"
        leader.action_close()
        self.assertTrue(self.told(anomaly, self.user_manager), "management is informed")

    def test_general_closed_by_the_department_head_or_above(self):
        anomaly = self.review("general")
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_cs).action_close()
        anomaly.with_user(self.user_dept_head).action_close()
        self.assertEqual(anomaly.state, "closed")
        # A higher level may act for a lower one.
        other = self.review("general")
        other.with_user(self.user_leader).action_close()
        self.assertEqual(other.state, "closed")

    def test_major_closed_by_the_deputy_leader_after_acceptance(self):
        anomaly = self.anomaly(severity="major")
        self.advance(anomaly, "feedback")
        anomaly.write({"customer_told": "已更换", "customer_satisfaction": "4"})
        with self.assertRaises(UserError):
            anomaly.action_start_review()  # not accepted by the customer yet
        anomaly.customer_accepted = True
        self.advance(anomaly, "review")
        anomaly.write({"review_root_cause": "r", "lessons": "l", "improvement_actions": "i"})
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_dept_head).action_close()
        anomaly.with_user(self.user_deputy).action_close()
        self.assertEqual(anomaly.state, "closed")

    def test_results_reported_back_to_the_plan_approver(self):
        anomaly = self.anomaly(severity="major")
        self.advance(anomaly, "in_progress")
        self.assertEqual(anomaly.plan_approved_by, self.user_deputy)
        before = len(self.told(anomaly, self.user_deputy))
        self.advance(anomaly, "feedback")
        after_feedback = self.told(anomaly, self.user_deputy)
        self.assertEqual(len(after_feedback), before + 1)
        self.advance(anomaly, "review")
        anomaly.write({"review_root_cause": "r", "lessons": "l", "improvement_actions": "i"})
        anomaly.with_user(self.user_leader).action_close()
        self.assertEqual(len(self.told(anomaly, self.user_deputy)), before + 2)
