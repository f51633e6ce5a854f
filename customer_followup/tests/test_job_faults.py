"""The scheduled jobs survive faults: a worker killed in the middle of a
batch (its transaction rolled back) leaves the work to the next run, which
finishes it without doing anything twice."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.customer_followup.models.customer_followup_anomaly_notification import (
    CustomerFollowupAnomaly,
)
from odoo.addons.customer_followup.models.customer_followup_visit_generator import (
    CustomerFollowupVisitGenerator,
)

from .anomaly_common import AnomalyCase
from .visit_common import VisitCase


class WorkerKilled(BaseException):
    """What a killed worker looks like from inside: nothing catches it, the
    transaction of the batch is rolled back."""


def killed_after(method_owner, name, after=0):
    """Patch ``name`` to run normally ``after`` times, then kill the worker
    once it has done its work (before the commit)."""
    original = getattr(method_owner, name)
    calls = {"n": 0}

    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] > after:
            raise WorkerKilled()
        return result

    return patch.object(method_owner, name, wrapper)


@tagged("post_install", "-at_install")
class TestGenerationFaults(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls._tiered("Fault key Co", cls.tier_key, owner=cls.user_cs)
        for n in range(4):
            cls.customers |= cls._tiered(f"Fault normal Co {n}", cls.tier_normal)

    def _plan(self):
        plan = super()._plan(
            date(2027, 1, 1), date(2027, 12, 31), partner_ids=[(6, 0, self.customers.ids)]
        )
        plan.write(
            {
                "state": "running",
                "generation_pending": True,
                "generation_cursor": 0,
                "generation_date": date(2027, 1, 4),
            }
        )
        return plan

    def _keys(self, plan):
        return sorted((v.partner_id.id, v.period_key, v.scheduled_date) for v in plan.visit_ids)

    def _run_cron(self, batch_size=2, runs=10):
        with freeze_time("2027-01-04 02:00:00"):
            for _run in range(runs):
                self.Plan._cron_generate_visits(batch_size=batch_size)

    def test_killed_mid_batch_then_next_run_finishes_without_doubles(self):
        reference = self._plan()
        self._run_cron()
        expected = self._keys(reference)
        self.assertTrue(expected)
        reference.visit_ids.unlink()
        reference.write({"generation_pending": True, "generation_cursor": 0})
        # The first batch inserts its follow-ups, then the worker dies.
        with (
            self.assertRaises(WorkerKilled),
            killed_after(CustomerFollowupVisitGenerator, "_insert_planned"),
            self.env.cr.savepoint(),
            freeze_time("2027-01-04 02:00:00"),
        ):
            self.Plan._cron_generate_visits(batch_size=2)
        self.env.invalidate_all()
        self.assertFalse(reference.visit_ids, "the killed batch left nothing")
        self.assertEqual(reference.generation_cursor, 0)
        # Killed again after the second batch: the first one stays.
        with (
            self.assertRaises(WorkerKilled),
            killed_after(CustomerFollowupVisitGenerator, "_insert_planned", after=1),
            self.env.cr.savepoint(),
            freeze_time("2027-01-04 02:00:00"),
        ):
            self._run_cron(runs=2)
        self.env.invalidate_all()
        self._run_cron()
        self.env.invalidate_all()
        self.assertFalse(reference.generation_pending)
        self.assertEqual(self._keys(reference), expected)
        # And another full run plans nothing more.
        reference.write({"generation_pending": True, "generation_cursor": 0})
        self._run_cron()
        self.assertEqual(self._keys(reference), expected)

    def test_broken_customer_does_not_stop_the_cron(self):
        plan = self._plan()
        broken = self.customers[1]
        original = CustomerFollowupVisitGenerator._customer_visits

        def failing(self_, customer, *args):
            if customer.id == broken.id:
                raise ValueError("broken data")
            return original(self_, customer, *args)

        with (
            patch.object(CustomerFollowupVisitGenerator, "_customer_visits", failing),
            self.assertLogs(
                "odoo.addons.customer_followup.models.customer_followup_visit_generator", "ERROR"
            ),
        ):
            self._run_cron()
        self.assertFalse(plan.generation_pending)
        planned = plan.visit_ids.partner_id
        self.assertEqual(planned, self.customers - broken)


@tagged("post_install", "-at_install")
class TestEscalationFaults(AnomalyCase):
    def test_killed_mid_batch_then_next_run_escalates_each_once(self):
        Anomaly = self.env["customer.followup.anomaly"]
        found = datetime(2026, 11, 20, 2, 0)
        anomalies = Anomaly.browse()
        for _n in range(5):
            anomalies |= self.anomaly(severity="general", discovered_at=found)
        late = max(anomalies.mapped(lambda a: a._clock_deadline("report"))) + timedelta(minutes=5)
        # The worker dies after notifying the first batch, before the commit.
        with (
            self.assertRaises(WorkerKilled),
            killed_after(CustomerFollowupAnomaly, "_notify_users_batch"),
            self.env.cr.savepoint(),
            freeze_time(late),
        ):
            anomalies.action_escalate_overdue(batch_size=2)
        self.env.invalidate_all()
        self.assertFalse(any(anomalies.mapped(lambda a: a._clock("report").escalated)))
        self.assertFalse(anomalies.activity_ids)
        # The next runs escalate all of them, each once.
        with freeze_time(late):
            first = anomalies.action_escalate_overdue(batch_size=2)
            rest = anomalies.action_escalate_overdue(batch_size=10)
            again = anomalies.action_escalate_overdue(batch_size=10)
        self.assertEqual(len(first), 2)
        self.assertEqual(first | rest, anomalies)
        self.assertFalse(again & anomalies.filtered(lambda a: a._clock("report").escalated))
        boss = self.user_deputy
        for anomaly in anomalies:
            todos = anomaly.activity_ids.filtered(
                lambda a: a.user_id == boss and "not reported" in (a.summary or "")
            )
            self.assertEqual(len(todos), 1, anomaly.name)
            notes = anomaly.message_ids.filtered(lambda m: "not reported" in (m.body or ""))
            self.assertEqual(len(notes), 1, anomaly.name)
            self.assertIn(boss.partner_id, notes.partner_ids)
