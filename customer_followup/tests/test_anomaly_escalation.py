from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.customer_followup.models import batch_clock
from odoo.addons.customer_followup.models import (
    customer_followup_anomaly_escalation as escalation,
)
from odoo.addons.mail.tests.common import MockEmail

from .anomaly_common import AnomalyCase

# Friday 20 November 2026, 10:00 in Shanghai.
FRIDAY_10 = datetime(2026, 11, 20, 10, 0)


@tagged("post_install", "-at_install")
class TestAnomalyEscalation(MockEmail, AnomalyCase):
    """Missed deadlines reach the next level once and only once."""

    def setUp(self):
        super().setUp()
        self.Anomaly = self.env["customer.followup.anomaly"]

    def found(self, **vals):
        return self.anomaly(discovered_at=self.utc(FRIDAY_10), **vals)

    def escalate(self, when):
        with freeze_time(when):
            return self.Anomaly.action_escalate_overdue()

    def todos(self, anomaly, user):
        return anomaly.activity_ids.filtered(lambda a: a.user_id == user)

    def test_report_escalation_fires_once_per_severity(self):
        for severity, boss in (
            ("general", self.user_deputy),
            ("major", self.user_leader),
            ("critical", self.user_manager),
        ):
            anomaly = self.found(severity=severity)
            before = anomaly._clock_deadline("report") - timedelta(minutes=1)
            self.assertNotIn(anomaly, self.escalate(before), severity)
            after = anomaly._clock_deadline("report") + timedelta(minutes=1)
            self.assertIn(anomaly, self.escalate(after), severity)
            self.assertTrue(anomaly._clock("report").escalated and anomaly.is_escalated)
            self.assertEqual(len(self.todos(anomaly, boss)), 1, severity)
            messages = len(anomaly.message_ids)
            # The next run (and the one after) leaves it alone.
            # The next runs leave it alone (before the other steps are due).
            self.assertNotIn(anomaly, self.escalate(after + timedelta(minutes=5)))
            self.assertNotIn(anomaly, self.escalate(after + timedelta(hours=1)))
            self.assertEqual(len(self.todos(anomaly, boss)), 1, severity)
            self.assertEqual(len(anomaly.message_ids), messages)

    def test_reported_in_time_is_not_escalated(self):
        anomaly = self.found(severity="major")
        with freeze_time(anomaly._clock_deadline("report") - timedelta(minutes=5)):
            anomaly.action_report()
        self.assertNotIn(
            anomaly, self.escalate(anomaly._clock_deadline("report") + timedelta(hours=1))
        )
        self.assertFalse(anomaly._clock("report").escalated)
        step = anomaly.step_ids.filtered(lambda s: s.state == "reported")
        self.assertTrue(step.on_time)

    def test_plan_and_resolve_escalations(self):
        anomaly = self.found(severity="major")
        with freeze_time(anomaly.discovered_at + timedelta(minutes=30)):
            self.advance(anomaly, "investigating")
        escalated = self.escalate(anomaly._clock_deadline("plan") + timedelta(minutes=1))
        self.assertIn(anomaly, escalated)
        self.assertTrue(anomaly._clock("plan").escalated)
        self.assertFalse(anomaly._clock("resolve").escalated)
        self.assertNotIn(
            anomaly, self.escalate(anomaly._clock_deadline("plan") + timedelta(hours=2))
        )
        self.assertIn(
            anomaly, self.escalate(anomaly._clock_deadline("resolve") + timedelta(minutes=1))
        )
        self.assertTrue(anomaly._clock("resolve").escalated)
        self.assertNotIn(
            anomaly, self.escalate(anomaly._clock_deadline("resolve") + timedelta(hours=2))
        )
        self.assertEqual(len(self.todos(anomaly, self.user_leader)), 2)

    def test_review_meeting_escalation(self):
        anomaly = self.found(severity="critical")
        with freeze_time(anomaly.discovered_at + timedelta(minutes=10)):
            self.advance(anomaly, "feedback")
        anomaly.sudo()._clock("plan").escalated = True  # not what this test is about
        due = anomaly._clock_deadline("review")
        self.assertNotIn(anomaly, self.escalate(due - timedelta(days=1)))
        self.assertIn(anomaly, self.escalate(due + timedelta(hours=1)))
        self.assertTrue(anomaly._clock("review").escalated)
        self.assertNotIn(anomaly, self.escalate(due + timedelta(days=2)))

    def test_raised_severity_escalates_on_the_new_clock(self):
        anomaly = self.found(severity="general")
        late = anomaly._clock_deadline("report") + timedelta(minutes=1)
        with freeze_time(late):
            anomaly.severity = "critical"
        self.assertIn(anomaly, self.escalate(late))
        self.assertEqual(len(self.todos(anomaly, self.user_manager)), 1)

    def test_cron_reports_its_progress_once_with_the_backlog(self):
        """Both scans run in one job and report once: with 3 due reports and
        a batch of 2, 2 are done and 1 is left, so the scheduler runs the
        job again at once instead of 5 minutes later."""
        anomalies = self.found(severity="general")
        anomalies |= self.found(severity="general")
        anomalies |= self.found(severity="general")
        reports = []

        def notify(cron, done, remaining, deactivate=False):
            reports.append((done, remaining))

        late = max(anomalies.mapped(lambda a: a._clock_deadline("report"))) + timedelta(minutes=1)
        with (
            freeze_time(late),
            patch.object(type(self.env["ir.cron"]), "_notify_progress", notify),
        ):
            first = self.Anomaly._cron_escalate(batch_size=2)
            self.assertEqual(reports, [(2, 1)])
            second = self.Anomaly._cron_escalate(batch_size=2)
            self.assertEqual(reports, [(2, 1), (1, 0)])
        self.assertEqual(first | second, anomalies)
        self.assertFalse(first & second)

    def test_a_batch_starts_no_chunk_after_its_time(self):
        """A batch of the job ends on elapsed time as well as on size: once
        1.5 s have passed it claims no further chunk (20 here), reports the rest
        as remaining (the scheduler runs it again at once), and the next
        batches escalate the others, each anomaly once, none left over."""
        anomalies = self.Anomaly.browse()
        for _index in range(21):
            anomalies |= self.found(severity="general")
        reports = []

        def notify(cron, done, remaining, deactivate=False):
            reports.append((done, remaining))

        # Every look at the clock finds 2 s more elapsed than the last.
        ticks = iter(range(0, 1000, 2))
        late = max(anomalies.mapped(lambda a: a._clock_deadline("report"))) + timedelta(minutes=1)
        with (
            freeze_time(late),
            patch.object(type(self.env["ir.cron"]), "_notify_progress", notify),
            patch.object(batch_clock, "monotonic", lambda: next(ticks)),
            patch.object(escalation, "ESCALATION_CHUNK", 20),
        ):
            first = self.Anomaly._cron_escalate()
            self.assertEqual(len(first), 20, "the first chunk only: the time was out")
            self.assertEqual(reports, [(20, 1)])
            second = self.Anomaly._cron_escalate()
            self.assertEqual(reports, [(20, 1), (1, 0)])
            self.assertFalse(self.Anomaly._cron_escalate())
        self.assertEqual(first | second, anomalies)
        self.assertFalse(first & second)
        for anomaly in anomalies:
            self.assertEqual(len(self.todos(anomaly, self.user_deputy)), 1)

    def test_escalation_reaches_people_the_way_they_chose(self):
        """Inbox readers get an inbox notification, e-mail readers an
        e-mail in the outgoing queue: one per escalation run and person,
        listing the anomalies; each anomaly's chatter names who was told."""
        self.user_deputy.notification_type = "email"
        self.user_leader.notification_type = "inbox"
        general = self.found(severity="general")
        general2 = self.found(severity="general")
        major = self.found(severity="major")
        late = max(
            (general | general2 | major).mapped(lambda a: a._clock_deadline("report"))
        ) + timedelta(minutes=1)
        # The e-mails created by the run, whether still queued or already
        # sent (`odoo-bin --test-enable` sends them at once and deletes them).
        with self.mock_mail_gateway():
            self.escalate(late)
        new_mails = self._new_mails

        def mails_to(user):
            return new_mails.filtered(lambda mail: user.partner_id in mail.recipient_ids)

        mails = mails_to(self.user_deputy)
        self.assertEqual(len(mails), 1, "one e-mail for the deputy leader's two anomalies")
        self.assertIn(general.name, mails.body_html)
        self.assertIn(general2.name, mails.body_html)
        inbox = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.user_leader.partner_id.id),
                ("notification_type", "=", "inbox"),
                ("is_read", "=", False),
            ]
        )
        self.assertIn(major.name, "".join(inbox.mail_message_id.mapped("body")))
        self.assertFalse(mails_to(self.user_leader))
        note = general.message_ids.filtered(lambda m: "not reported" in (m.body or ""))
        self.assertEqual(note.partner_ids, self.user_deputy.partner_id)

    def test_server_actions_and_cron(self):
        anomaly = self.found(severity="general")
        action = self.env.ref("customer_followup.action_server_anomaly_escalate_overdue")
        self.assertEqual(action.binding_model_id.model, "customer.followup.anomaly")
        with freeze_time(anomaly._clock_deadline("report") + timedelta(hours=1)):
            self.Anomaly._cron_escalate()
            self.assertTrue(anomaly._clock("report").escalated)
            # Run again by hand from the list: nothing new.
            action.with_context(active_model=anomaly._name, active_ids=anomaly.ids).with_user(
                self.user_manager
            ).run()
        self.assertEqual(len(self.todos(anomaly, self.user_deputy)), 1)
        cron = self.env.ref("customer_followup.ir_cron_anomaly_escalate")
        self.assertTrue(cron.active)

    def test_two_workers_escalate_once(self):
        anomaly = self.found(severity="general")
        Anomaly = type(self.Anomaly)
        claim = Anomaly._claim_escalation

        def raced(records, step):
            # The other worker claimed the same rows between our search and
            # our update, and committed.
            if not records:
                return claim(records, step)
            records.env.execute_query(
                SQL(
                    "UPDATE customer_followup_anomaly_clock SET escalated = TRUE "
                    "WHERE anomaly_id IN %s AND step = %s",
                    tuple(records.ids),
                    step,
                )
            )
            return claim(records, step)

        with patch.object(Anomaly, "_claim_escalation", raced):
            escalated = self.escalate(anomaly._clock_deadline("report") + timedelta(minutes=5))
        self.assertNotIn(anomaly, escalated)
        self.assertFalse(self.todos(anomaly, self.user_deputy))
        # Claiming directly twice: the second claim gets nothing.
        other = self.found(severity="general")
        self.assertEqual(other._claim_escalation("resolve"), other)
        self.assertFalse(other._claim_escalation("resolve"))

    def test_broken_record_does_not_stop_the_others(self):
        broken, fine = self.found(severity="general"), self.found(severity="general")
        Anomaly = type(self.Anomaly)
        escalate = Anomaly._escalate

        def failing(record, step, roles=None):
            if record == broken:
                raise ValueError("broken on purpose")
            return escalate(record, step, roles)

        late = broken._clock_deadline("report") + timedelta(minutes=5)
        with (
            patch.object(Anomaly, "_escalate", failing),
            self.assertLogs(
                "odoo.addons.customer_followup.models.customer_followup_anomaly_escalation", "ERROR"
            ),
        ):
            escalated = self.escalate(late)
        self.assertIn(fine, escalated)
        self.assertNotIn(broken, escalated)
        # The broken one is tried again on the next run.
        self.assertFalse(broken._clock("report").escalated)
        self.assertIn(broken, self.escalate(late))

    def test_batches_are_bounded(self):
        anomalies = self.found(severity="general")
        for _i in range(4):
            anomalies |= self.found(severity="general")
        with freeze_time(anomalies[0]._clock_deadline("report") + timedelta(minutes=5)):
            # Run on these anomalies only: the database may hold others. The
            # batch size is the scheduler's (superuser) choice.
            first = anomalies.sudo().action_escalate_overdue(batch_size=2)
            self.assertEqual(len(first), 2)
            rest = anomalies.sudo().action_escalate_overdue(batch_size=10)
        self.assertEqual(len(rest), 3)
        self.assertFalse(first & rest)


@tagged("post_install", "-at_install")
class TestAnomalyDailyProgress(AnomalyCase):
    """较大 and 重大 anomalies report progress every working day."""

    def test_missing_progress_escalates_once_per_day(self):
        Anomaly = self.env["customer.followup.anomaly"]
        anomaly = self.anomaly(severity="major", discovered_at=self.utc(FRIDAY_10))
        with freeze_time(anomaly.discovered_at + timedelta(minutes=10)):
            self.advance(anomaly, "responding")
        first_due = anomaly.progress_deadline
        self.assertTrue(first_due)
        # Due one working day later: Monday at 10:10 local.
        self.assertEqual(self.local(first_due), datetime(2026, 11, 23, 10, 10))
        with freeze_time(first_due - timedelta(minutes=1)):
            self.assertNotIn(anomaly, Anomaly.action_escalate_missing_progress())
        with freeze_time(first_due + timedelta(minutes=1)):
            self.assertIn(anomaly, Anomaly.action_escalate_missing_progress())
            self.assertNotIn(anomaly, Anomaly.action_escalate_missing_progress())
        self.assertEqual(anomaly.progress_escalation_count, 1)
        self.assertGreater(anomaly.progress_deadline, first_due)
        self.assertEqual(
            len(anomaly.activity_ids.filtered(lambda a: a.user_id == self.user_leader)), 1
        )
        # A progress report moves the next one a working day on.
        with freeze_time(first_due + timedelta(hours=2)):
            anomaly.progress_note = "备件已发出"
            anomaly.action_log_progress()
            self.assertTrue(anomaly.last_progress_at)
        second_due = anomaly.progress_deadline
        with freeze_time(second_due - timedelta(minutes=1)):
            self.assertNotIn(anomaly, Anomaly.action_escalate_missing_progress())
        with freeze_time(second_due + timedelta(minutes=1)):
            self.assertIn(anomaly, Anomaly.action_escalate_missing_progress())
        self.assertEqual(anomaly.progress_escalation_count, 2)

    def test_general_anomalies_need_no_daily_progress(self):
        anomaly = self.anomaly(severity="general", discovered_at=self.utc(FRIDAY_10))
        self.advance(anomaly, "in_progress")
        self.assertFalse(anomaly.progress_deadline)

    def test_progress_stops_after_handling(self):
        anomaly = self.anomaly(severity="critical", discovered_at=self.utc(FRIDAY_10))
        self.advance(anomaly, "feedback")
        self.assertFalse(anomaly.progress_deadline)
        with freeze_time(anomaly.discovered_at + timedelta(days=10)):
            self.assertNotIn(
                anomaly, self.env["customer.followup.anomaly"].action_escalate_missing_progress()
            )
