from bisect import bisect_left, bisect_right
from datetime import datetime, time, timedelta

import pytz

from odoo import api, models, tools
from odoo.tools import SQL


class WorkingClock:
    """The working time of one calendar over a range, precomputed once so
    that many deadlines are placed by bisection instead of one
    ``resource.calendar.plan_hours`` call (and two queries) each.

    Intervals are naive UTC datetimes, sorted and disjoint.
    """

    def __init__(self, intervals, start, stop):
        self.start = start
        self.stop = stop
        self.starts = [s for s, _e in intervals]
        self.ends = [e for _s, e in intervals]
        self.cum_start = []
        self.cum_end = []
        total = 0.0
        for s, e in intervals:
            self.cum_start.append(total)
            total += (e - s).total_seconds()
            self.cum_end.append(total)

    def _position(self, dt):
        """Working seconds between the range start and ``dt``."""
        i = bisect_right(self.starts, dt) - 1
        if i < 0:
            return 0.0
        return self.cum_start[i] + min(
            (dt - self.starts[i]).total_seconds(),
            self.cum_end[i] - self.cum_start[i],
        )

    def add(self, dt, seconds):
        """The moment ``seconds`` of working time after ``dt`` (≥ 0), or
        None when it falls beyond the range."""
        if seconds <= 0:
            # The next working moment: ``dt`` itself when it is working time.
            i = bisect_right(self.ends, dt)
            if i == len(self.starts):
                return None
            return max(dt, self.starts[i])
        target = self._position(dt) + seconds
        j = bisect_left(self.cum_end, target)
        if j == len(self.cum_end):
            return None
        return self.starts[j] + timedelta(seconds=target - self.cum_start[j])

    def dates(self, tz):
        """The local dates on which some working time starts."""
        return sorted({pytz.utc.localize(s).astimezone(tz).date() for s in self.starts})


class CustomerFollowupWorkingTime(models.AbstractModel):
    """Working days and hours for every clock of the addon: follow-up
    preparation and due dates, anomaly report / plan / resolve deadlines.

    It reads the company's working calendar in its timezone: weekly
    attendances, global leaves (public holidays) and the make-up working
    days (调休) kept in ``customer.followup.makeup.day``, which Odoo's
    calendar cannot express on its own. Datetimes are naive UTC, dates are
    local to the calendar.
    """

    _name = "customer.followup.working.time"
    _description = "Customer Follow-up Working Time"

    # ------------------------------------------------------------------
    # Building blocks
    # ------------------------------------------------------------------
    @api.model
    def _calendar(self, calendar=None):
        calendar = calendar or self.env.company.resource_calendar_id
        if not calendar:
            calendar = self.env.ref("resource.resource_calendar_std")
        return calendar

    @api.model
    def _clock(self, calendar, start, stop):
        """A :class:`WorkingClock` of ``calendar`` from ``start`` to ``stop``
        (naive UTC)."""
        calendar = self._calendar(calendar)
        tz = pytz.timezone(calendar.tz or "UTC")
        start_utc = pytz.utc.localize(start)
        stop_utc = pytz.utc.localize(stop)
        work = calendar._work_intervals_batch(start_utc, stop_utc)[False]
        intervals = [
            (
                s.astimezone(pytz.utc).replace(tzinfo=None),
                e.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for s, e, _meta in work
        ]
        intervals += self._makeup_intervals(calendar, tz, start, stop)
        return WorkingClock(_merge(intervals), start, stop)

    @api.model
    def _makeup_intervals(self, calendar, tz, start, stop):
        """Working intervals of the make-up days between ``start`` and
        ``stop``: the attendances of the weekday the day is worked as."""
        first = pytz.utc.localize(start).astimezone(tz).date()
        last = pytz.utc.localize(stop).astimezone(tz).date()
        # sudo: a calendar's make-up days count whoever asks (its record rule
        # would hide another company's, and clocks are shared and cached).
        days = calendar.sudo().followup_makeup_day_ids.filtered(lambda d: first <= d.date <= last)
        intervals = []
        for day in days:
            attendances = calendar.attendance_ids.filtered(
                lambda a, day=day: a.dayofweek == day.weekday_as
                and a.day_period != "lunch"
                and not a.resource_id
                and (not a.date_from or a.date_from <= day.date)
                and (not a.date_to or a.date_to >= day.date)
            )
            for attendance in attendances:
                s = tz.localize(datetime.combine(day.date, _hour(attendance.hour_from)))
                e = tz.localize(datetime.combine(day.date, _hour(attendance.hour_to)))
                s = s.astimezone(pytz.utc).replace(tzinfo=None)
                e = e.astimezone(pytz.utc).replace(tzinfo=None)
                s, e = max(s, start), min(e, stop)
                if s < e:
                    intervals.append((s, e))
        return intervals

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.model
    def plan_hours(self, start, hours, calendar=None, round_the_clock=False):
        """``hours`` of working time after ``start`` (naive UTC); around the
        clock when the customer is promised a 7×24 response."""
        if round_the_clock:
            return start + timedelta(hours=hours)
        calendar = self._calendar(calendar)
        # A window wide enough for the hours, widened until they fit.
        span = timedelta(days=max(14, int(hours / 4) + 14))
        for _attempt in range(8):
            result = self._clock(calendar, start, start + span).add(start, hours * 3600.0)
            if result is not None:
                return result
            span *= 2
        return start + timedelta(hours=hours)  # a calendar without working time

    @api.model
    def plan_working_days(self, start, days, calendar=None, round_the_clock=False):
        """``days`` working days after ``start``: days × the calendar's
        hours per day of working time (1 working day from 15:00 is 15:00
        the next working day)."""
        calendar = self._calendar(calendar)
        if round_the_clock:
            return start + timedelta(days=days)
        return self.plan_hours(start, days * (calendar.hours_per_day or 8.0), calendar)

    @api.model
    def working_dates(self, date_from, date_to, calendar=None):
        """The working dates from ``date_from`` to ``date_to`` included."""
        calendar = self._calendar(calendar)
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min)).astimezone(pytz.utc)
        stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min)).astimezone(
            pytz.utc
        )
        clock = self._clock(calendar, start.replace(tzinfo=None), stop.replace(tzinfo=None))
        return [d for d in clock.dates(tz) if date_from <= d <= date_to]

    @api.model
    def working_dates_shared(self, date_from, date_to, calendar=None):
        """:meth:`working_dates`, shared by the batches of a long job (the
        generation of a year's plan asks each batch for the same fourteen
        months): kept in the registry's cache under a version of the
        calendar read at each call, so that a changed attendance, public
        holiday or make-up day is seen by the next batch of every worker.

        :return: tuple of dates
        """
        calendar = self._calendar(calendar)
        return self._working_dates_cached(
            calendar.id, date_from, date_to, self._calendar_version(calendar)
        )

    @api.model
    def _calendar_version(self, calendar):
        """What changes whenever the working time of ``calendar`` does:
        its own write date and timezone, and the count and last write of
        its attendances, public holidays and make-up days."""
        for model in ("resource.calendar.attendance", "resource.calendar.leaves"):
            self.env[model].flush_model()
        self.env["customer.followup.makeup.day"].flush_model()
        calendar.flush_recordset()
        row = self.env.execute_query(
            SQL(
                """
                    SELECT c.write_date, c.tz,
                           (SELECT ARRAY[count(*)::text, max(write_date)::text]
                              FROM resource_calendar_attendance WHERE calendar_id = c.id),
                           (SELECT ARRAY[count(*)::text, max(write_date)::text]
                              FROM resource_calendar_leaves
                             WHERE calendar_id = c.id OR calendar_id IS NULL),
                           (SELECT ARRAY[count(*)::text, max(write_date)::text]
                              FROM customer_followup_makeup_day WHERE calendar_id = c.id)
                      FROM resource_calendar c WHERE c.id = %s
                    """,
                calendar.id,
            )
        )[0]
        return tuple(tuple(value) if isinstance(value, list) else value for value in row)

    @tools.ormcache("calendar_id", "date_from", "date_to", "version")
    def _working_dates_cached(self, calendar_id, date_from, date_to, version):
        # sudo: cached for every user, so computed whatever this one may read.
        calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
        return tuple(self.working_dates(date_from, date_to, calendar))

    @api.model
    def is_working_date(self, day, calendar=None):
        return bool(self.working_dates(day, day, calendar))

    @api.model
    def add_working_dates(self, day, count, calendar=None):
        """The ``count``-th working date after ``day`` (before it when
        ``count`` is negative); ``day`` itself when ``count`` is 0 and it is
        a working date, else the next one."""
        calendar = self._calendar(calendar)
        step = 1 if count >= 0 else -1
        wanted = abs(count)
        span = timedelta(days=wanted * 2 + 14)
        for _attempt in range(8):
            if step > 0:
                dates = self.working_dates(day, day + span, calendar)
                if count == 0 and dates:
                    return dates[0]
                later = [d for d in dates if d > day]
                if len(later) >= wanted:
                    return later[wanted - 1]
            else:
                dates = self.working_dates(day - span, day, calendar)
                earlier = [d for d in reversed(dates) if d < day]
                if len(earlier) >= wanted:
                    return earlier[wanted - 1]
            span *= 2
        return False


def _hour(value):
    hours = int(value)
    minutes = int(round((value - hours) * 60))
    if hours >= 24:
        return time.max
    return time(hours, minutes)


def _merge(intervals):
    merged = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged
