from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .customer_followup_anomaly import OPEN_STATES
from .customer_followup_anomaly_workflow import CLOCK_STATES, CLOCKS, HANDLING_STATES


class CustomerFollowupAnomaly(models.Model):
    """The clocks of an anomaly: the deadlines of its steps, placed from
    its severity's escalation policy and its customer's tier, the next one
    due, and the daily progress report of 较大 and 重大 anomalies."""

    _inherit = "customer.followup.anomaly"

    round_the_clock = fields.Boolean(
        "7×24 clocks",
        compute="_compute_deadlines",
        store=True,
        help="The customer's tier promises 7×24 response: the plan clock "
        "runs in elapsed time even where the policy counts it in working hours.",
    )
    # Elapsed minutes from discovery, for every customer (003 第八条 (二)).
    deadline_report = fields.Datetime(
        "Report by", compute="_compute_deadlines", store=True, copy=False
    )
    # Elapsed hours from discovery: the response promise of the customer's
    # tier (000 第七条: 48 h for key customers); empty when it promises none.
    deadline_respond = fields.Datetime(
        "Respond by", compute="_compute_deadlines", store=True, copy=False
    )
    deadline_plan = fields.Datetime("Plan by", compute="_compute_deadlines", store=True, copy=False)
    deadline_resolve = fields.Datetime(
        "Resolve by", compute="_compute_deadlines", store=True, copy=False
    )
    resolved_at = fields.Datetime(readonly=True, copy=False)
    deadline_review = fields.Datetime(
        "Review meeting by", compute="_compute_deadline_review", store=True, copy=False
    )
    next_deadline = fields.Datetime(compute="_compute_next_deadline", store=True, index=True)
    deadline_status = fields.Selection(
        [("none", "No deadline"), ("ok", "On time"), ("soon", "Due soon"), ("late", "Late")],
        compute="_compute_deadline_status",
    )
    time_left = fields.Char(compute="_compute_deadline_status")
    is_escalated = fields.Boolean(
        "Escalated", readonly=True, copy=False, help="A deadline was missed and escalated."
    )
    escalated_report = fields.Boolean(readonly=True, copy=False)
    escalated_respond = fields.Boolean("Response promise escalated", readonly=True, copy=False)
    escalated_plan = fields.Boolean(readonly=True, copy=False)
    escalated_resolve = fields.Boolean(readonly=True, copy=False)
    escalated_review = fields.Boolean(readonly=True, copy=False)
    progress_note = fields.Text("Today's progress")
    last_progress_at = fields.Datetime(readonly=True, copy=False)
    progress_deadline = fields.Datetime(
        "Next progress report by", readonly=True, copy=False, index=True
    )
    progress_escalation_count = fields.Integer(readonly=True, copy=False)

    @api.depends("policy_id", "discovered_at", "partner_id", "company_id")
    def _compute_deadlines(self):
        WorkingTime = self.env["customer.followup.working.time"]
        # Imports and severity changes touch many anomalies at once: one
        # precomputed clock per calendar places all their deadlines by
        # bisection instead of reading the calendar for each deadline.
        clocks = {}
        starts = {}
        for anomaly in self:
            company = anomaly.company_id or self.env.company
            if anomaly.discovered_at:
                starts.setdefault(company.resource_calendar_id, []).append(anomaly.discovered_at)

        def add_working(company, start, hours):
            calendar = company.resource_calendar_id
            service = WorkingTime.with_company(company)
            if calendar not in clocks:
                first, last = min(starts[calendar]), max(starts[calendar])
                clocks[calendar] = service._clock(
                    calendar, first - timedelta(days=1), last + timedelta(days=45)
                )
            deadline = clocks[calendar].add(start, hours * 3600.0)
            return deadline or service.plan_hours(start, hours, calendar)

        # The 7×24 promise and the response time of each customer's tier,
        # read once per company for all the customers of the batch rather
        # than record by record.
        tier_of = {}
        for company in self.company_id | self.env.company:
            # Stored computes run as superuser: every customer's tier counts.
            partners = self.partner_id.commercial_partner_id.with_company(company)
            for partner in partners:
                tier = partner.followup_tier_id
                tier_of[company.id, partner.id] = (bool(tier.round_the_clock), tier.response_hours)
        # The policies' clocks as plain values, once per policy.
        rules = {}
        for policy in self.policy_id:
            rules[policy.id] = (
                policy.report_within_minutes,
                policy.plan_within_hours,
                policy.plan_hours_elapsed,
                policy.resolve_within_working_days,
            )

        for anomaly in self:
            policy = anomaly.policy_id
            company = anomaly.company_id or self.env.company
            start = anomaly.discovered_at
            rtc, response_hours = tier_of.get(
                (company.id, anomaly.partner_id.commercial_partner_id.id), (False, 0)
            )
            anomaly.round_the_clock = rtc
            anomaly.deadline_respond = (
                start + timedelta(hours=response_hours) if start and response_hours else False
            )
            if not (policy and start):
                anomaly.deadline_report = anomaly.deadline_plan = False
                anomaly.deadline_resolve = False
                continue
            report_minutes, plan_hours, plan_elapsed, days = rules[policy.id]
            anomaly.deadline_report = start + timedelta(minutes=report_minutes)
            if not plan_hours:
                anomaly.deadline_plan = False
            elif rtc or plan_elapsed:
                anomaly.deadline_plan = start + timedelta(hours=plan_hours)
            else:
                anomaly.deadline_plan = add_working(company, start, plan_hours)
            # Working days are days × the calendar's hours per day of working
            # time, as the working-time service's plan_working_days counts them.
            hours_per_day = company.resource_calendar_id.hours_per_day or 8.0
            anomaly.deadline_resolve = days and add_working(company, start, days * hours_per_day)

    @api.model
    def _recompute_open_deadlines(self, calendars=None):
        """Place again the deadlines of the open anomalies after a change of
        working calendar (a public holiday, a make-up working day): those
        of the companies working on ``calendars`` (all when not given).

        One working clock per calendar serves every anomaly and the changed
        values are written in batched UPDATEs, so 10,000 anomalies cost a
        few dozen queries.

        :return: the anomalies whose deadlines were placed again
        """
        domain = [("state", "in", OPEN_STATES)]
        if calendars is not None:
            domain.append(("company_id.resource_calendar_id", "in", calendars.ids))
        # sudo: a calendar is edited by HR or an administrator, who need no
        # access to the anomalies of the companies working on it.
        anomalies = self.sudo().with_context(active_test=False).search(domain)
        if not anomalies:
            return anomalies
        fnames = [
            name for name, field in self._fields.items() if field.compute == "_compute_deadlines"
        ]
        for fname in fnames:
            self.env.add_to_compute(self._fields[fname], anomalies)
        anomalies.flush_recordset(fnames)
        self.env.add_to_compute(self._fields["next_deadline"], anomalies)
        anomalies.flush_recordset(["next_deadline"])
        return anomalies

    @api.depends("policy_id", "resolved_at")
    def _compute_deadline_review(self):
        for anomaly in self:
            days = anomaly.policy_id.review_meeting_within_days
            anomaly.deadline_review = (
                days and anomaly.resolved_at and anomaly.resolved_at + timedelta(days=days)
            )

    @api.depends(
        "state",
        "deadline_report",
        "deadline_respond",
        "deadline_plan",
        "deadline_resolve",
        "deadline_review",
    )
    def _compute_next_deadline(self):
        for anomaly in self:
            # The earliest clock still running: the 24-hour plan clock of a
            # key customer's 较大 anomaly runs out before its 48-hour response.
            deadlines = [
                anomaly[deadline]
                for clock, (deadline, _flag) in CLOCKS.items()
                if anomaly.state in CLOCK_STATES[clock] and anomaly[deadline]
            ]
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
            reset = {
                flag: False
                for deadline, flag in CLOCKS.values()
                if anomaly[flag] and anomaly[deadline] and anomaly[deadline] > now
            }
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
