from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .customer_followup_anomaly import OPEN_STATES
from .customer_followup_anomaly_workflow import CLOCK_STATES, HANDLING_STATES, WORKFLOW


class CustomerFollowupAnomaly(models.Model):
    """The clocks of an anomaly: one line per clock (report, response
    promise, plan, resolution, review meeting) with its deadline, placed
    from the severity's escalation policy and the customer's tier; the next
    one due; the daily progress report of 较大 and 重大 anomalies."""

    # Split from the anomaly's main file by concern (issue 17).
    _inherit = "customer.followup.anomaly"  # pylint: disable=consider-merging-classes-inherited

    round_the_clock = fields.Boolean(
        "7×24 clocks",
        compute="_compute_round_the_clock",
        store=True,
        help="The customer's tier promises 7×24 response: the plan clock "
        "runs in elapsed time even where the policy counts it in working hours.",
    )
    clock_ids = fields.One2many(
        "customer.followup.anomaly.clock", "anomaly_id", string="Clocks", readonly=True
    )
    resolved_at = fields.Datetime(readonly=True, copy=False)
    next_deadline = fields.Datetime(compute="_compute_next_deadline", store=True, index=True)
    deadline_status = fields.Selection(
        [("none", "No deadline"), ("ok", "On time"), ("soon", "Due soon"), ("late", "Late")],
        compute="_compute_deadline_status",
    )
    time_left = fields.Char(compute="_compute_deadline_status")
    is_escalated = fields.Boolean(
        "Escalated", readonly=True, copy=False, help="A deadline was missed and escalated."
    )
    progress_note = fields.Text("Today's progress")
    last_progress_at = fields.Datetime(readonly=True, copy=False)
    progress_deadline = fields.Datetime(
        "Next progress report by", readonly=True, copy=False, index=True
    )
    progress_escalation_count = fields.Integer(readonly=True, copy=False)

    def _tier_promises(self):
        """The 7×24 promise and the response hours of each customer's tier,
        read once per company for all the customers of the batch rather
        than record by record: ``{(company id, partner id): (7×24, hours)}``.

        Every customer's tier counts, whoever records the anomaly: the
        callers run as superuser already (the stored computes, which Odoo
        recomputes with ``compute_sudo``, and ``_place_clocks``)."""
        tier_of = {}
        for company in self.company_id | self.env.company:
            partners = self.partner_id.commercial_partner_id.with_company(company)
            for partner in partners:
                tier = partner.followup_tier_id
                tier_of[company.id, partner.id] = (bool(tier.round_the_clock), tier.response_hours)
        return tier_of

    def _tier_promise(self, tier_of):
        company = self.company_id or self.env.company
        key = (company.id, self.partner_id.commercial_partner_id.id)
        return tier_of.get(key, (False, 0))

    @api.depends("partner_id", "company_id")
    def _compute_round_the_clock(self):
        tier_of = self._tier_promises()
        for anomaly in self:
            anomaly.round_the_clock = anomaly._tier_promise(tier_of)[0]

    def _clock_runs(self, step):
        """Whether the clock ``step`` runs in this anomaly's state."""
        return self.state in CLOCK_STATES[step]

    def _clock(self, step):
        self.ensure_one()
        return self.clock_ids.filtered(lambda clock: clock.step == step)[:1]

    def _clock_deadline(self, step):
        """The deadline of the clock ``step``; False where it has none."""
        return self._clock(step).deadline

    def _clock_deadlines(self):
        """The deadline of every clock of these anomalies, as the policy of
        their severity and their customer's tier place it:
        ``{anomaly id: {step: deadline or False}}``. The review meeting's
        runs only once the handling is finished."""
        WorkingTime = self.env["customer.followup.working.time"]
        # Imports, severity changes and calendar changes touch many
        # anomalies at once: one precomputed clock per calendar places all
        # their deadlines by bisection instead of reading the calendar for
        # each deadline.
        calendars = {}
        starts = {}
        for anomaly in self:
            company = anomaly.company_id or self.env.company
            if anomaly.discovered_at:
                starts.setdefault(company.resource_calendar_id, []).append(anomaly.discovered_at)

        def add_working(company, start, hours):
            calendar = company.resource_calendar_id
            service = WorkingTime.with_company(company)
            if calendar not in calendars:
                first, last = min(starts[calendar]), max(starts[calendar])
                calendars[calendar] = service._clock(
                    calendar, first - timedelta(days=1), last + timedelta(days=45)
                )
            deadline = calendars[calendar].add(start, hours * 3600.0)
            return deadline or service.plan_hours(start, hours, calendar)

        tier_of = self._tier_promises()
        result = {}
        for anomaly in self:
            policy = anomaly.policy_id
            company = anomaly.company_id or self.env.company
            start = anomaly.discovered_at
            rtc, response_hours = anomaly._tier_promise(tier_of)
            deadlines = result[anomaly.id] = dict.fromkeys(("report", "plan", "resolve"), False)
            # Elapsed hours from discovery: the response promise of the
            # customer's tier (000 第七条: 48 h for key customers).
            deadlines["respond"] = bool(start and response_hours) and start + timedelta(
                hours=response_hours
            )
            if anomaly.resolved_at:
                days = policy.review_meeting_within_days
                deadlines["review"] = bool(days) and anomaly.resolved_at + timedelta(days=days)
            if not (policy and start):
                continue
            # Elapsed minutes from discovery, for every customer (003 第八条 (二)).
            deadlines["report"] = start + timedelta(minutes=policy.report_within_minutes)
            plan_hours = policy.plan_within_hours
            if plan_hours and (rtc or policy.plan_hours_elapsed):
                deadlines["plan"] = start + timedelta(hours=plan_hours)
            elif plan_hours:
                deadlines["plan"] = add_working(company, start, plan_hours)
            # Working days are days × the calendar's hours per day of working
            # time, as the working-time service's plan_working_days counts them.
            days = policy.resolve_within_working_days
            hours_per_day = company.resource_calendar_id.hours_per_day or 8.0
            deadlines["resolve"] = bool(days) and add_working(company, start, days * hours_per_day)
        return result

    def _place_clocks(self):
        """Give these anomalies their clock lines, or move their deadlines
        where the policy, the tier or the calendar now places them: new
        lines in one create, changed deadlines in one UPDATE."""
        # sudo: the clocks are written by the application only (no group
        # may create or change them), whoever moves the anomaly.
        anomalies = self.sudo()
        Clock = self.env["customer.followup.anomaly.clock"].sudo()
        existing = {(clock.anomaly_id.id, clock.step): clock for clock in anomalies.clock_ids}
        to_create, moved = [], []
        for anomaly_id, deadlines in anomalies._clock_deadlines().items():
            for step, deadline in deadlines.items():
                clock = existing.get((anomaly_id, step))
                if clock and clock.deadline != (deadline or False):
                    moved.append((clock.id, deadline or None))
                elif not clock and deadline:
                    to_create.append({"anomaly_id": anomaly_id, "step": step, "deadline": deadline})
        Clock.create(to_create)
        if moved:
            self.env.execute_query(
                SQL(
                    "UPDATE customer_followup_anomaly_clock c SET deadline = v.deadline "
                    "FROM (VALUES %s) AS v(id, deadline) WHERE c.id = v.id",
                    SQL(", ").join(SQL("(%s, %s::timestamp)", *row) for row in moved),
                )
            )
            clocks = Clock.browse([row[0] for row in moved])
            clocks.invalidate_recordset(["deadline", "on_time"])
            clocks.modified(["deadline"])
        anomalies.flush_recordset(["next_deadline"])

    def _move_clocks(self, state, previous, now):
        """The clocks on entering ``state`` (WORKFLOW): the one it meets is
        met now, the ones it starts are placed; going back reopens the
        clock the left state had met."""
        step, left = WORKFLOW[state], WORKFLOW[previous]
        # sudo: the clocks are written by the application only.
        anomaly = self.sudo()
        if step.get("meets"):
            anomaly._clock(step["meets"]).met_at = now
        if state == left.get("back") and left.get("meets"):
            anomaly._clock(left["meets"]).met_at = False
        if step.get("starts"):
            self._place_clocks()

    @api.model
    def _recompute_open_deadlines(self, calendars=None):
        """Place again the deadlines of the open anomalies after a change of
        working calendar (a public holiday, a make-up working day): those
        of the companies working on ``calendars`` (all when not given).

        One working clock per calendar serves every anomaly and the changed
        values are written in one UPDATE, so 10,000 anomalies cost a few
        dozen queries.

        :return: the anomalies whose deadlines were placed again
        """
        domain = [("state", "in", OPEN_STATES)]
        if calendars is not None:
            domain.append(("company_id.resource_calendar_id", "in", calendars.ids))
        # sudo: a calendar is edited by HR or an administrator, who need no
        # access to the anomalies of the companies working on it.
        anomalies = self.sudo().with_context(active_test=False).search(domain)
        anomalies._place_clocks()
        return anomalies

    @api.depends("clock_ids.deadline", "clock_ids.running", "severity", "discovered_at")
    def _compute_next_deadline(self):
        # A form being filled in has no clock lines yet: its deadlines are
        # shown as they will be placed, so the user sees the severity's
        # report deadline while choosing it.
        previews = self.filtered(lambda a: not a._origin.id)
        placed = previews._clock_deadlines() if previews else {}
        for anomaly in self:
            if anomaly.id in placed:
                deadlines = [
                    deadline
                    for step, deadline in placed[anomaly.id].items()
                    if deadline and anomaly._clock_runs(step)
                ]
            else:
                # The earliest clock still running: the 24-hour plan clock of
                # a key customer's 较大 anomaly runs out before its 48-hour
                # response. A stored compute runs as superuser
                # (compute_sudo): every clock line counts.
                deadlines = [c.deadline for c in anomaly.clock_ids if c.running and c.deadline]
            anomaly.next_deadline = min(deadlines, default=False)

    @api.depends("next_deadline")
    def _compute_deadline_status(self):
        now = fields.Datetime.now()
        for anomaly in self:
            deadline = anomaly.next_deadline
            if not deadline:
                anomaly.deadline_status = "none"
                anomaly.time_left = False
                continue
            left = deadline - now
            minutes = abs(int(left.total_seconds() // 60))
            hours, minutes = divmod(minutes, 60)
            amount = self.env._("%(h)s h %(m)s min", h=hours, m=minutes)
            if left.total_seconds() < 0:
                anomaly.deadline_status = "late"
                anomaly.time_left = self.env._("%(amount)s late", amount=amount)
            else:
                anomaly.deadline_status = "soon" if left < timedelta(hours=4) else "ok"
                anomaly.time_left = self.env._("%(amount)s left", amount=amount)

    def _next_progress_deadline(self, start):
        company = self.company_id
        return (
            self.env["customer.followup.working.time"]
            .with_company(company)
            .plan_working_days(start, 1, company.resource_calendar_id)
        )

    def _on_severity_changed(self, old_severity):
        labels = dict(self._fields["severity"]._description_selection(self.env))
        now = fields.Datetime.now()
        for anomaly in self:
            # The clocks follow the new severity: a deadline still ahead may
            # be missed, and escalated, again.
            # sudo: the clocks are written by the application only.
            anomaly.sudo().clock_ids.filtered(
                lambda c: c.escalated and c.deadline and c.deadline > now
            ).escalated = False
            reset = {}
            policy = anomaly.policy_id
            if anomaly.state in HANDLING_STATES:
                if policy.daily_progress_required and not anomaly.progress_deadline:
                    reset["progress_deadline"] = anomaly._next_progress_deadline(now)
                elif not policy.daily_progress_required:
                    reset["progress_deadline"] = False
            if reset:
                anomaly._write_workflow(reset)
            if anomaly.state not in ("discovered", "closed", "cancelled"):
                anomaly._notify_role(
                    policy.notify_group_id,
                    self.env._(
                        "Service anomaly %(anomaly)s is now %(severity)s (was %(old)s)",
                        anomaly=anomaly.name,
                        severity=labels[anomaly.severity],
                        old=labels[old_severity[anomaly.id]],
                    ),
                )

    def action_log_progress(self):
        """The daily progress report of 较大 / 重大 anomalies (第十条、第十一条)."""
        now = fields.Datetime.now()
        for anomaly in self:
            note = (anomaly.progress_note or "").strip()
            if not note:
                raise UserError(self.env._("Write today's progress first."))
            anomaly.message_post(
                body=self.env._("Progress: %(note)s", note=note), subtype_xmlid="mail.mt_note"
            )
            vals = {"progress_note": False, "last_progress_at": now}
            if anomaly.policy_id.daily_progress_required and anomaly.state in HANDLING_STATES:
                vals["progress_deadline"] = anomaly._next_progress_deadline(now)
            anomaly._write_workflow(vals)
        return True

    def _start_progress_clock(self, state, previous, now):
        """On entering the handling: the first daily progress report is due
        one working day later (较大, 重大)."""
        if self.policy_id.daily_progress_required:
            return {"progress_deadline": self._next_progress_deadline(now)}
