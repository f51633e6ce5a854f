# TEMPORARY fallback of the shared working-time service that lands on main;
# deleted before merging main (same API, simpler implementation).
from datetime import datetime, time, timedelta

import pytz

from odoo import api, models


class CustomerFollowupWorkingTime(models.AbstractModel):
    _name = "customer.followup.working.time"
    _description = "Working Time Service"

    @api.model
    def _calendar(self, calendar):
        return calendar or self.env.company.resource_calendar_id

    @api.model
    def _day_hours(self, calendar, day):
        makeup = calendar.followup_makeup_day_ids.filtered(lambda m: m.date == day)
        if makeup:
            weekday = int(makeup[0].weekday_as)
        else:
            weekday = day.weekday()
        return [
            (a.hour_from, a.hour_to)
            for a in calendar.attendance_ids
            if int(a.dayofweek) == weekday
            and a.day_period != "lunch"
            and not a.display_type
        ]

    @api.model
    def _intervals(self, calendar, day_from, day_to):
        tz = pytz.timezone(calendar.tz or "UTC")
        leaves = [
            (lv.date_from, lv.date_to)
            for lv in calendar.leave_ids
            if not lv.resource_id
        ]
        day = day_from
        while day <= day_to:
            for hour_from, hour_to in sorted(self._day_hours(calendar, day)):
                a = tz.localize(datetime.combine(day, time()) + timedelta(hours=hour_from))
                b = tz.localize(datetime.combine(day, time()) + timedelta(hours=hour_to))
                a = a.astimezone(pytz.utc).replace(tzinfo=None)
                b = b.astimezone(pytz.utc).replace(tzinfo=None)
                if not any(lf <= a and b <= lt for lf, lt in leaves):
                    yield a, b
            day += timedelta(days=1)

    @api.model
    def plan_hours(self, start, hours, calendar=None, round_the_clock=False):
        if round_the_clock:
            return start + timedelta(hours=hours)
        calendar = self._calendar(calendar)
        remaining = timedelta(hours=hours)
        day = start.date() - timedelta(days=1)
        for a, b in self._intervals(calendar, day, day + timedelta(days=400)):
            if b <= start:
                continue
            a = max(a, start)
            if b - a >= remaining:
                return a + remaining
            remaining -= b - a
        return start + timedelta(hours=hours)

    @api.model
    def plan_working_days(self, start, days, calendar=None, round_the_clock=False):
        calendar = self._calendar(calendar)
        return self.plan_hours(
            start, days * (calendar.hours_per_day or 8), calendar, round_the_clock
        )

    @api.model
    def is_working_date(self, day, calendar=None):
        calendar = self._calendar(calendar)
        return bool(list(self._intervals(calendar, day, day)))

    @api.model
    def add_working_dates(self, day, n, calendar=None):
        calendar = self._calendar(calendar)
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_date(day, calendar):
                n -= 1
        return day
