"""TEMPORARY stand-in for the shared working-time service that lands on
main as ``models/customer_followup_working_time.py``; deleted at the merge.
Same model name and API, simplified: weekly attendances, global leaves and
make-up working days of the calendar."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, models


class CustomerFollowupWorkingTime(models.AbstractModel):
    _name = "customer.followup.working.time"
    _description = "Working Time Service"

    @api.model
    def _calendar(self, calendar=None):
        return calendar or self.env.company.resource_calendar_id

    @api.model
    def working_dates(self, date_from, date_to, calendar=None):
        calendar = self._calendar(calendar)
        tz = pytz.timezone(calendar.tz or "UTC")
        weekdays = {int(a.dayofweek) for a in calendar.attendance_ids}
        holidays = set()
        for leave in calendar.global_leave_ids:
            start = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            end = (pytz.utc.localize(leave.date_to) - timedelta(seconds=1)).astimezone(tz).date()
            while start <= end:
                holidays.add(start)
                start += timedelta(days=1)
        makeup = set(calendar.followup_makeup_day_ids.mapped("date"))
        result = []
        day = date_from
        while day <= date_to:
            if (day.weekday() in weekdays or day in makeup) and day not in holidays:
                result.append(day)
            day += timedelta(days=1)
        return result

    @api.model
    def is_working_date(self, day, calendar=None):
        return bool(self.working_dates(day, day, calendar))

    @api.model
    def add_working_dates(self, day, n, calendar=None):
        span = timedelta(days=abs(n) * 3 + 30)
        if n >= 0:
            dates = [d for d in self.working_dates(day, day + span, calendar) if d > day]
            return dates[n - 1] if n else day
        dates = [d for d in self.working_dates(day - span, day, calendar) if d < day]
        return dates[n]

    @api.model
    def plan_hours(self, start, hours, calendar=None, round_the_clock=False):
        if round_the_clock:
            return start + timedelta(hours=hours)
        calendar = self._calendar(calendar)
        tz = pytz.timezone(calendar.tz or "UTC")
        local = pytz.utc.localize(start).astimezone(tz)
        remaining = hours * 60.0
        day = local.date()
        cursor = local
        for _i in range(400):
            if self.is_working_date(day, calendar):
                weekday = day.weekday()
                attendances = calendar.attendance_ids.filtered(
                    lambda a, w=weekday: int(a.dayofweek) == w and a.day_period != "lunch"
                ) or calendar.attendance_ids.filtered(lambda a: int(a.dayofweek) == 0)
                for att in attendances.sorted("hour_from"):
                    a_from = tz.localize(datetime.combine(day, time()) + timedelta(hours=att.hour_from))
                    a_to = tz.localize(datetime.combine(day, time()) + timedelta(hours=att.hour_to))
                    begin = max(a_from, cursor)
                    if begin >= a_to:
                        continue
                    available = (a_to - begin).total_seconds() / 60.0
                    if available >= remaining:
                        end = begin + timedelta(minutes=remaining)
                        return end.astimezone(pytz.utc).replace(tzinfo=None)
                    remaining -= available
            day += timedelta(days=1)
            cursor = tz.localize(datetime.combine(day, time()))
        return start + timedelta(hours=hours)

    @api.model
    def plan_working_days(self, start, days, calendar=None, round_the_clock=False):
        calendar = self._calendar(calendar)
        return self.plan_hours(
            start, days * (calendar.hours_per_day or 8.0), calendar, round_the_clock
        )
