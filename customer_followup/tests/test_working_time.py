import random
from datetime import date, datetime, timedelta

import pytz

from odoo import Command
from odoo.tests import TransactionCase, tagged

SHANGHAI = pytz.timezone("Asia/Shanghai")


def local(*args):
    """A Shanghai wall-clock time as the naive UTC datetime Odoo stores."""
    return SHANGHAI.localize(datetime(*args)).astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestWorkingTime(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "CN 8:30-17:30",
                "tz": "Asia/Shanghai",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, stop, period in ((8.5, 12.0, "morning"), (13.5, 17.5, "afternoon"))
                ],
            }
        )
        # National Day 2026: 1-7 October off, Sunday 20 September and
        # Saturday 10 October worked instead (调休).
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "国庆节",
                "calendar_id": cls.calendar.id,
                "date_from": local(2026, 10, 1, 0, 0),
                "date_to": local(2026, 10, 7, 23, 59, 59),
            }
        )
        cls.env["customer.followup.makeup.day"].create(
            [
                {"calendar_id": cls.calendar.id, "date": date(2026, 9, 20), "name": "国庆调休"},
                {
                    "calendar_id": cls.calendar.id,
                    "date": date(2026, 10, 10),
                    "name": "国庆调休",
                    "weekday_as": "4",
                },
            ]
        )
        cls.wt = cls.env["customer.followup.working.time"]

    def plan(self, start, hours, **kw):
        return self.wt.plan_hours(start, hours, calendar=self.calendar, **kw)

    def test_weekend_is_skipped(self):
        # Friday 16:30: one hour left that day, the second on Monday morning.
        self.assertEqual(self.plan(local(2026, 11, 20, 16, 30), 2), local(2026, 11, 23, 9, 30))

    def test_lunch_break_is_not_working_time(self):
        self.assertEqual(self.plan(local(2026, 11, 23, 11, 30), 1), local(2026, 11, 23, 14, 0))

    def test_public_holiday_is_skipped(self):
        # Wednesday 30 September 16:30 + 2 h: the holiday week is skipped.
        self.assertEqual(self.plan(local(2026, 9, 30, 16, 30), 2), local(2026, 10, 8, 9, 30))

    def test_makeup_saturday_is_a_working_day(self):
        # Friday 9 October 16:30 + 2 h lands on Saturday 10 October (调休).
        self.assertEqual(self.plan(local(2026, 10, 9, 16, 30), 2), local(2026, 10, 10, 9, 30))
        self.assertTrue(self.wt.is_working_date(date(2026, 9, 20), self.calendar))
        self.assertFalse(self.wt.is_working_date(date(2026, 9, 19), self.calendar))
        self.assertFalse(self.wt.is_working_date(date(2026, 10, 1), self.calendar))
        self.assertEqual(
            self.wt.working_dates(date(2026, 9, 28), date(2026, 10, 11), self.calendar),
            [
                date(2026, 9, 28),
                date(2026, 9, 29),
                date(2026, 9, 30),
                date(2026, 10, 8),
                date(2026, 10, 9),
                date(2026, 10, 10),
            ],
        )

    def test_shared_working_dates_follow_calendar_changes(self):
        """The generator's batches share the working dates of a period; a
        new public holiday, make-up day or attendance is seen at the next
        call."""
        span = (date(2026, 11, 23), date(2026, 11, 29))

        def shared():
            return list(self.wt.working_dates_shared(*span, calendar=self.calendar))

        week = [date(2026, 11, 23) + timedelta(days=n) for n in range(5)]
        self.assertEqual(shared(), week)
        self.assertEqual(shared(), self.wt.working_dates(*span, self.calendar))
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "公司周年",
                "calendar_id": self.calendar.id,
                "date_from": local(2026, 11, 25, 0, 0),
                "date_to": local(2026, 11, 25, 23, 59, 59),
            }
        )
        self.assertNotIn(date(2026, 11, 25), shared())
        self.env["customer.followup.makeup.day"].create(
            {
                "calendar_id": self.calendar.id,
                "date": date(2026, 11, 28),
                "name": "调休",
                "weekday_as": "4",
            }
        )
        self.assertIn(date(2026, 11, 28), shared())
        leave.unlink()
        self.calendar.attendance_ids.filtered(lambda a: a.dayofweek == "0").unlink()
        self.assertEqual(
            shared(),
            [
                date(2026, 11, 24),
                date(2026, 11, 25),
                date(2026, 11, 26),
                date(2026, 11, 27),
                date(2026, 11, 28),
            ],
        )
        self.assertEqual(shared(), self.wt.working_dates(*span, self.calendar))

    def test_timezone_boundary(self):
        # 23:30 on Friday in Shanghai is 15:30 UTC the same Friday; the hour
        # starts on Monday 08:30 local, i.e. Monday 00:30 UTC.
        start = local(2026, 11, 20, 23, 30)
        self.assertEqual(start, datetime(2026, 11, 20, 15, 30))
        self.assertEqual(self.plan(start, 1), datetime(2026, 11, 23, 1, 30))
        # 00:30 Monday local is still Sunday in UTC: same answer.
        self.assertEqual(self.plan(local(2026, 11, 23, 0, 30), 1), datetime(2026, 11, 23, 1, 30))

    def test_round_the_clock(self):
        sunday_night = local(2026, 11, 22, 23, 0)
        self.assertEqual(
            self.plan(sunday_night, 0.5, round_the_clock=True), sunday_night + timedelta(minutes=30)
        )

    def test_working_days(self):
        # One working day from Friday 15:00 is Monday 15:00.
        self.assertEqual(
            self.wt.plan_working_days(local(2026, 11, 20, 15, 0), 1, self.calendar),
            local(2026, 11, 23, 15, 0),
        )
        # Three working dates before Monday 12 October: 10 (Sat, 调休), 9, 8.
        self.assertEqual(
            self.wt.add_working_dates(date(2026, 10, 12), -3, self.calendar), date(2026, 10, 8)
        )
        self.assertEqual(
            self.wt.add_working_dates(date(2026, 9, 30), 1, self.calendar), date(2026, 10, 8)
        )
        self.assertEqual(
            self.wt.add_working_dates(date(2026, 10, 3), 0, self.calendar), date(2026, 10, 8)
        )

    def test_identical_to_odoo_plan_hours(self):
        """Without make-up days the clock places deadlines exactly where
        resource.calendar.plan_hours(compute_leaves=True) does."""
        rng = random.Random(42)
        clock = self.wt._clock(self.calendar, local(2026, 11, 1, 0, 0), local(2027, 1, 31, 0, 0))
        for _n in range(60):
            start = local(2026, 11, 2, 0, 0) + timedelta(minutes=rng.randrange(0, 30 * 24 * 60, 15))
            hours = rng.choice([0.5, 1, 2, 3.5, 8, 16, 24, 40])
            expected = self.calendar.plan_hours(
                hours, pytz.utc.localize(start), compute_leaves=True
            )
            expected = expected.astimezone(pytz.utc).replace(tzinfo=None)
            self.assertEqual(clock.add(start, hours * 3600), expected, (start, hours))
            self.assertEqual(self.plan(start, hours), expected, (start, hours))
