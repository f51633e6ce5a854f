from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .anomaly_common import AnomalyCase


@tagged("post_install", "-at_install")
class TestAnomalyDeadlines(AnomalyCase):
    """The clocks of SPEC §6 on the company's calendar, in its timezone."""

    def at(self, local_dt, **vals):
        return self.anomaly(discovered_at=self.utc(local_dt), **vals)

    def test_general_across_weekend(self):
        # Found on Friday half an hour before closing time: the report is
        # due 1 elapsed hour later (003 第八条), after closing time.
        anomaly = self.at(datetime(2026, 11, 20, 16, 30), severity="general")
        report = self.local(anomaly._clock_deadline("report"))
        self.assertEqual(report, datetime(2026, 11, 20, 17, 30))
        self.assertFalse(anomaly._clock_deadline("plan"), "一般: no separate plan deadline")
        # One working day (8 h): 0.5 h on Friday, 7.5 h on Monday.
        self.assertEqual(
            self.local(anomaly._clock_deadline("resolve")), datetime(2026, 11, 23, 16, 30)
        )
        self.assertFalse(anomaly._clock_deadline("review"))

    def test_major_across_weekend_and_holiday(self):
        anomaly = self.at(datetime(2026, 11, 20, 16, 30), severity="major")
        # 2 elapsed hours.
        self.assertEqual(
            self.local(anomaly._clock_deadline("report")), datetime(2026, 11, 20, 18, 30)
        )
        # The plan is due 24 elapsed hours after discovery.
        self.assertEqual(
            anomaly._clock_deadline("plan"), anomaly.discovered_at + timedelta(hours=24)
        )
        # 3 working days = 24 h: Friday 0.5, Monday 8, Tuesday 8, the holiday
        # on Wednesday does not count, Thursday 7.5.
        resolve = self.local(anomaly._clock_deadline("resolve"))
        self.assertEqual(resolve, datetime(2026, 11, 26, 16, 30))
        self.assertNotEqual(resolve.date(), self.HOLIDAY)

    def test_critical_across_weekend(self):
        anomaly = self.at(datetime(2026, 11, 20, 16, 50), severity="critical")
        # 30 elapsed minutes, though the office closes at 17:00.
        self.assertEqual(
            self.local(anomaly._clock_deadline("report")), datetime(2026, 11, 20, 17, 20)
        )
        self.assertEqual(
            anomaly._clock_deadline("plan"), anomaly.discovered_at + timedelta(hours=48)
        )
        self.assertFalse(anomaly._clock_deadline("resolve"), "重大: no fixed bound")
        # The review meeting is due within a month of the end of handling.
        self.assertFalse(anomaly._clock_deadline("review"))
        with freeze_time(anomaly.discovered_at + timedelta(days=5)):
            self.advance(anomaly, "feedback")
            self.assertEqual(
                anomaly._clock_deadline("review"), anomaly.resolved_at + timedelta(days=30)
            )

    def test_public_holiday_for_each_severity(self):
        # Found on Tuesday at 16:30, the day before the holiday: the report
        # clocks run in elapsed minutes, the resolution clock in working
        # days jumps from Tuesday evening to Thursday.
        tuesday = datetime(2026, 11, 24, 16, 30)
        general = self.at(tuesday, severity="general")
        major = self.at(tuesday, severity="major")
        critical = self.at(tuesday, severity="critical")
        self.assertEqual(
            self.local(general._clock_deadline("report")), datetime(2026, 11, 24, 17, 30)
        )
        self.assertEqual(
            self.local(major._clock_deadline("report")), datetime(2026, 11, 24, 18, 30)
        )
        self.assertEqual(
            self.local(critical._clock_deadline("report")), datetime(2026, 11, 24, 17, 0)
        )
        self.assertEqual(
            self.local(general._clock_deadline("resolve")), datetime(2026, 11, 26, 16, 30)
        )
        for anomaly in general | major:
            self.assertNotEqual(self.local(anomaly._clock_deadline("resolve")).date(), self.HOLIDAY)

    def test_makeup_working_day(self):
        # Friday 27 November at 16:30: Saturday 28 is a make-up working day
        # (调休), so the clocks run on it instead of waiting for Monday.
        friday = datetime(2026, 11, 27, 16, 30)
        general = self.at(friday, severity="general")
        major = self.at(friday, severity="major")
        critical = self.at(friday, severity="critical")
        self.assertEqual(
            self.local(general._clock_deadline("report")), datetime(2026, 11, 27, 17, 30)
        )
        self.assertEqual(
            self.local(major._clock_deadline("report")), datetime(2026, 11, 27, 18, 30)
        )
        self.assertEqual(
            self.local(critical._clock_deadline("report")), datetime(2026, 11, 27, 17, 0)
        )
        # 1 working day: half an hour on Friday, 7.5 hours on the 调休 Saturday.
        self.assertEqual(
            self.local(general._clock_deadline("resolve")), datetime(2026, 11, 28, 16, 30)
        )

    def test_timezone_boundary(self):
        # Sunday 23:30 UTC is already Monday 07:30 in Shanghai: the report
        # clocks run from discovery, whatever the time of day; the working
        # days of the resolution start at Monday's opening in Shanghai.
        discovered = datetime(2026, 11, 22, 23, 30)
        for severity, minutes in (("general", 60), ("major", 120), ("critical", 30)):
            anomaly = self.anomaly(discovered_at=discovered, severity=severity)
            expected = datetime(2026, 11, 23, 7, 30) + timedelta(minutes=minutes)
            self.assertEqual(self.local(anomaly._clock_deadline("report")), expected, severity)
        # Monday 16:30 UTC is Tuesday 00:30 in Shanghai: one working day
        # (8 hours) from Tuesday's opening.
        anomaly = self.anomaly(discovered_at=datetime(2026, 11, 23, 16, 30))
        self.assertEqual(
            self.local(anomaly._clock_deadline("resolve")), datetime(2026, 11, 24, 17, 0)
        )

    def test_round_the_clock_for_strategic_customers(self):
        # A strategic customer is promised 7×24 response: a plan clock the
        # company counts in working hours runs around the clock for them;
        # resolution still counts working days.
        self.policy("critical").plan_hours_elapsed = False
        friday_evening = datetime(2026, 11, 20, 20, 0)
        anomaly = self.at(friday_evening, severity="critical", partner_id=self.strategic.id)
        self.assertTrue(anomaly.round_the_clock)
        self.assertEqual(
            anomaly._clock_deadline("report"), anomaly.discovered_at + timedelta(minutes=30)
        )
        self.assertEqual(self.local(anomaly._clock_deadline("plan")), datetime(2026, 11, 22, 20, 0))
        normal = self.at(friday_evening, severity="critical")
        self.assertFalse(normal.round_the_clock)
        self.assertEqual(normal._clock_deadline("report"), anomaly._clock_deadline("report"))
        # 48 working hours from Monday 08:00: six 8-hour days, the holiday
        # on Wednesday skipped, the 调休 Saturday worked.
        self.assertEqual(self.local(normal._clock_deadline("plan")), datetime(2026, 11, 30, 17, 0))
        major = self.at(friday_evening, severity="major", partner_id=self.strategic.id)
        self.assertEqual(
            self.local(major._clock_deadline("resolve")), datetime(2026, 11, 26, 17, 0)
        )

    def test_severity_change_moves_the_clocks(self):
        anomaly = self.at(datetime(2026, 11, 20, 16, 30), severity="general")
        general_report = anomaly._clock_deadline("report")
        anomaly.severity = "critical"
        self.assertLess(anomaly._clock_deadline("report"), general_report)
        self.assertTrue(anomaly._clock_deadline("plan"))
        self.assertFalse(anomaly._clock_deadline("resolve"))
        anomaly.severity = "major"
        self.assertGreater(anomaly._clock_deadline("report"), general_report)
        self.assertTrue(anomaly._clock_deadline("resolve"))

    def test_policy_change_is_configuration(self):
        policy = self.policy("general")
        policy.report_within_minutes = 120
        anomaly = self.at(datetime(2026, 11, 20, 16, 30), severity="general")
        self.assertEqual(
            self.local(anomaly._clock_deadline("report")), datetime(2026, 11, 20, 18, 30)
        )

    def test_bulk_deadlines_agree_with_the_working_time_service(self):
        # Created together, the anomalies share one precomputed clock; each
        # deadline must be what the service gives for that anomaly alone.
        starts = [
            self.utc(datetime(2026, 11, 20, 7, 0)) + timedelta(hours=5 * i) for i in range(40)
        ]
        anomalies = self.Anomaly.create(
            [
                {
                    "partner_id": self.customer.id,
                    "category": "other",
                    "severity": "major",
                    "description": "bulk",
                    "company_id": self.company.id,
                    "discovered_at": start,
                }
                for start in starts
            ]
        )
        service = self.env["customer.followup.working.time"].with_company(self.company)
        for anomaly in anomalies:
            self.assertEqual(
                anomaly._clock_deadline("report"), anomaly.discovered_at + timedelta(minutes=120)
            )
            self.assertEqual(
                anomaly._clock_deadline("resolve"),
                service.plan_working_days(anomaly.discovered_at, 3, self.calendar),
            )
