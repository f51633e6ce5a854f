import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_datetime

from .claims import claim_rows
from .customer_followup_escalation_policy import SEVERITIES
from .sent_values import check_date_range, check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields, without_context_defaults

_logger = logging.getLogger(__name__)

# The closed loop of 003 第八条: 发现 → 上报 → 响应 → 调查 → 处置 (方案审批,
# 实施) → 反馈 → 复盘归档.
STATES = [
    ("discovered", "Discovered"),
    ("reported", "Reported"),
    ("responding", "Responding"),
    ("investigating", "Investigating"),
    ("plan", "Plan awaiting approval"),
    ("in_progress", "In progress"),
    ("feedback", "Customer feedback"),
    ("review", "Review"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
STATE_KEYS = [key for key, _label in STATES]

# The step that follows each state, and the steps back the regulation allows:
# a rejected plan goes back to the investigation, an unsatisfied customer
# sends the handling back to work (第八条 (五) 动态调整, (六) 确认满意度).
NEXT_STATE = {
    "discovered": "reported",
    "reported": "responding",
    "responding": "investigating",
    "investigating": "plan",
    "plan": "in_progress",
    "in_progress": "feedback",
    "feedback": "review",
    "review": "closed",
}
BACK_STATES = {"plan": "investigating", "feedback": "in_progress"}
OPEN_STATES = STATE_KEYS[:8]
HANDLING_STATES = ["responding", "investigating", "plan", "in_progress"]

CATEGORIES = [
    ("presales", "Pre-sales (售前)"),
    ("delivery", "Delivery (交付)"),
    ("installation", "Installation and commissioning (安装调试)"),
    ("aftersales", "After-sales (售后)"),
    ("technical", "Technical support (技术支持)"),
    ("other", "Other (其他)"),
]
SOURCES = [
    ("visit", "Follow-up visit"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("complaint", "Complaint"),
    ("internal", "Internal"),
    ("online", "Online"),
]
SATISFACTION = [
    ("0", "0 - Extremely bad"),
    ("1", "1 - Very dissatisfied"),
    ("2", "2 - Dissatisfied"),
    ("3", "3 - Neutral"),
    ("4", "4 - Satisfied"),
    ("5", "5 - Very satisfied"),
]

# Steps whose deadline is watched: (flag set once escalated, deadline field,
# states in which the deadline is still to be met).
ESCALATION_STEPS = {
    "report": ("escalated_report", "deadline_report", ["discovered"]),
    # The tier's response promise (000 第七条): met on entering Responding.
    "respond": ("escalated_respond", "deadline_respond", ["discovered", "reported"]),
    "plan": ("escalated_plan", "deadline_plan", OPEN_STATES[:5]),
    "resolve": ("escalated_resolve", "deadline_resolve", OPEN_STATES[:6]),
    "review": ("escalated_review", "deadline_review", ["feedback", "review"]),
}
# Closed anomalies and their documents are kept at least 3 years (第八条 (七)).
RETENTION_YEARS = 3
LEADER_GROUP = "customer_followup.group_customer_followup_leader"
MANAGER_GROUP = "customer_followup.group_customer_followup_manager"
ESCALATION_BATCH = 500
# The texts and dates people write on an anomaly (length and range limits);
# the compensation proposal, read by the loss groups only, is checked apart.
TEXT_FIELDS = (
    "description",
    "customer_request",
    "production_impact",
    "department",
    "keywords",
    "progress_note",
    "findings",
    "root_cause",
    "plan_measures",
    "plan_deadline_reason",
    "plan_resources",
    "plan_rejection_reason",
    "customer_told",
    "review_root_cause",
    "lessons",
    "improvement_actions",
    "cancel_reason",
    "legal_opinion",
)
DATE_FIELDS = ("discovered_at", "plan_deadline", "review_meeting_at")


class CustomerFollowupAnomaly(models.Model):
    """A customer service anomaly (客户服务异常, 003 第二条): anything in the
    service to a customer that leaves them dissatisfied, interrupts the
    service or the contract. Handled in the closed loop of 第八条 on the
    clocks of its severity's escalation policy."""

    _name = "customer.followup.anomaly"
    _description = "Service Anomaly"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _rec_names_search = ["name", "partner_id"]
    _order = "discovered_at desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        check_company=True,
        domain="[('parent_id', '=', partner_id)]",
    )
    source = fields.Selection(SOURCES, required=True, default="phone")
    # The follow-up, and the problem found on it, the anomaly was raised from.
    visit_id = fields.Many2one(
        "customer.followup.visit", "From follow-up", index="btree_not_null", copy=False
    )
    visit_problem_id = fields.Many2one(
        "customer.followup.visit.problem", "From problem", index="btree_not_null", copy=False
    )
    # Indexed: deleting follow-ups checks this reference for each of them.
    verification_visit_id = fields.Many2one(
        "customer.followup.visit",
        "Verification follow-up",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    category = fields.Selection(CATEGORIES, required=True, tracking=True)
    severity = fields.Selection(SEVERITIES, required=True, default="general", tracking=True)
    # Kanban columns follow the loop of 003 第八条, every step shown.
    state = fields.Selection(
        STATES,
        required=True,
        default="discovered",
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    description = fields.Text(required=True)
    customer_request = fields.Text("Customer's request")
    production_impact = fields.Text("Impact on the customer's production")
    department = fields.Char("Handling department")
    is_my_department = fields.Boolean(
        "My department",
        compute="_compute_is_my_department",
        search="_search_is_my_department",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handler",
        tracking=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    member_ids = fields.Many2many(
        "res.users",
        "customer_followup_anomaly_member_rel",
        "anomaly_id",
        "user_id",
        string="Team",
        domain="[('share', '=', False)]",
    )
    product_ids = fields.Many2many("product.product", string="Products")
    lot_ids = fields.Many2many("stock.lot", string="Lots / serial numbers")
    picking_ids = fields.Many2many("stock.picking", string="Deliveries")
    keywords = fields.Char(help="Keywords for the case library.")

    # Clocks, from the policy of the severity.
    policy_id = fields.Many2one(
        "customer.followup.escalation.policy",
        compute="_compute_policy_id",
        store=True,
    )
    discovered_at = fields.Datetime(
        required=True, default=fields.Datetime.now, tracking=True, copy=False
    )
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
    is_overdue = fields.Boolean(
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

    # 调查
    findings = fields.Text()
    root_cause = fields.Text()
    # 处置方案
    plan_measures = fields.Text("Measures")
    plan_owner_ids = fields.Many2many(
        "res.users",
        "customer_followup_anomaly_plan_owner_rel",
        "anomaly_id",
        "user_id",
        string="Plan owners",
        domain="[('share', '=', False)]",
    )
    plan_deadline = fields.Datetime("Plan completion deadline")
    plan_deadline_reason = fields.Char(
        "Reason for a later deadline",
        help="Required when the plan ends after the policy's resolution deadline.",
    )
    plan_resources = fields.Text("Resources")
    plan_approved_by = fields.Many2one("res.users", readonly=True, copy=False)
    plan_approved_at = fields.Datetime(readonly=True, copy=False)
    plan_rejection_reason = fields.Char()
    # 反馈
    customer_told = fields.Text("What the customer was told")
    customer_satisfaction = fields.Selection(SATISFACTION, "Customer satisfaction")
    customer_accepted = fields.Boolean("Accepted by the customer")
    # 复盘
    review_root_cause = fields.Text("Root cause (review)")
    lessons = fields.Text("Lessons learned")
    improvement_actions = fields.Text("Improvement actions")
    improvement_owner_ids = fields.Many2many(
        "res.users",
        "customer_followup_anomaly_improvement_owner_rel",
        "anomaly_id",
        "user_id",
        string="Improvement owners",
    )
    review_meeting_at = fields.Datetime(
        "Review meeting held on",
        copy=False,
        help="The leader's review meeting (专项复盘会) of a 重大 anomaly, "
        "held before it is closed (003 第十一条).",
    )
    closed_by = fields.Many2one("res.users", "Closed by", readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    retain_until = fields.Date(compute="_compute_retain_until", store=True)
    cancel_reason = fields.Char()

    # 第十二条: special cases.
    is_quality_problem = fields.Boolean(
        "Quality problem", tracking=True, help="R&D and supply chain are told."
    )
    is_contract_dispute = fields.Boolean("Contract dispute", tracking=True)
    legal_opinion = fields.Text("Legal opinion", help="Required before closing a contract dispute.")
    is_large_loss = fields.Boolean("Large loss", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    loss_amount = fields.Monetary(groups=LEADER_GROUP, tracking=True)
    compensation_proposal = fields.Text(groups=LEADER_GROUP)
    compensation_finance_user_id = fields.Many2one(
        "res.users", "Approved by finance", readonly=True, copy=False, groups=LEADER_GROUP
    )
    compensation_legal_user_id = fields.Many2one(
        "res.users", "Approved by legal", readonly=True, copy=False, groups=LEADER_GROUP
    )

    step_ids = fields.One2many("customer.followup.anomaly.step", "anomaly_id", string="Timeline")

    _sql_constraints = [
        ("name_company_unique", "unique(name, company_id)", "The reference must be unique."),
    ]

    def init(self):
        super().init()
        # "Overdue anomalies of my department": the escalated open ones of a
        # department, by next deadline.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (department, next_deadline) "
                "WHERE is_overdue AND state NOT IN ('closed', 'cancelled')",
                SQL.identifier("customer_followup_anomaly_overdue_department_idx"),
                SQL.identifier(self._table),
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("severity", "company_id")
    def _compute_policy_id(self):
        Policy = self.env["customer.followup.escalation.policy"]
        for anomaly in self:
            company = anomaly.company_id or self.env.company
            anomaly.policy_id = anomaly.severity and Policy._get(company, anomaly.severity)

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
            "round_the_clock",
            "deadline_report",
            "deadline_respond",
            "deadline_plan",
            "deadline_resolve",
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
                anomaly[field]
                for _flag, field, states in ESCALATION_STEPS.values()
                if anomaly.state in states and anomaly[field]
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

    @api.depends("closed_at")
    def _compute_retain_until(self):
        for anomaly in self:
            anomaly.retain_until = anomaly.closed_at and (
                anomaly.closed_at.date() + relativedelta(years=RETENTION_YEARS)
            )

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for anomaly in self:
            anomaly.display_name = (
                f"{anomaly.name} {anomaly.partner_id.name}" if anomaly.partner_id else anomaly.name
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.constrains(*TEXT_FIELDS)
    def _check_text_lengths(self):
        check_text_lengths(self, TEXT_FIELDS)

    @api.constrains("compensation_proposal")
    def _check_proposal_length(self):
        # Only the loss groups write it, and read it.
        check_text_lengths(self, ["compensation_proposal"])

    @api.constrains(*DATE_FIELDS)
    def _check_date_range(self):
        check_date_range(self, DATE_FIELDS)

    @api.model
    def _workflow_fields(self):
        """Fields only the handling loop sets (its steps, the escalation
        and summary jobs, the approvals): refused to every other writer.
        The state is not one of them: it is written step by step, with
        the checks of :meth:`_check_transition`, whichever way."""
        return (
            "name",
            "verification_visit_id",
            "resolved_at",
            "is_overdue",
            "escalated_report",
            "escalated_respond",
            "escalated_plan",
            "escalated_resolve",
            "escalated_review",
            "last_progress_at",
            "progress_deadline",
            "progress_escalation_count",
            "plan_approved_by",
            "plan_approved_at",
            "closed_by",
            "closed_at",
            "compensation_finance_user_id",
            "compensation_legal_user_id",
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_fields(self, vals, new=True)
            check_sent_values(self, vals)
            if vals.get("state", "discovered") != "discovered":
                raise UserError(
                    self.env._("A new anomaly starts as discovered; move it step by step.")
                )
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code(
                        "customer.followup.anomaly",
                        sequence_date=vals.get("discovered_at"),
                    )
                    or "/"
                )
        # The loop starts at its first step, whatever the context's defaults.
        Anomaly = without_context_defaults(self, (*self._workflow_fields(), "state"))
        anomalies = super(CustomerFollowupAnomaly, Anomaly).create(vals_list)
        anomalies._add_steps(
            [
                {
                    "anomaly_id": anomaly.id,
                    "state": "discovered",
                    "user_id": self.env.uid,
                    "date": anomaly.discovered_at,
                }
                for anomaly in anomalies
            ]
        )
        anomalies._notify_discovery()
        for anomaly in anomalies.filtered("visit_problem_id"):
            # sudo: the problem found on a follow-up keeps track of what it
            # became, whoever raises the anomaly (the problem's owner may be
            # someone else).
            anomaly.visit_problem_id.sudo().message_post(
                body=self.env._("Service anomaly %(name)s created.", name=anomaly.display_name)
            )
        return anomalies

    def write(self, vals):
        refuse_workflow_fields(self, vals)
        check_sent_values(self, vals)
        if "state" in vals:
            # Every change of state, by button, import or RPC, follows the loop.
            for anomaly in self:
                anomaly._check_transition(vals["state"])
        old_severity = {a.id: a.severity for a in self} if "severity" in vals else {}
        old_state = {a.id: a.state for a in self} if "state" in vals else {}
        res = super().write(vals)
        if old_state:
            self._log_steps(old_state, vals.get("state"))
        if old_severity:
            self.filtered(lambda a: old_severity[a.id] != a.severity)._on_severity_changed(
                old_severity
            )
        return res

    def _write_workflow(self, vals):
        """Write what the handling loop sets (who approved, when it was
        closed, the progress clock), after its checks. The ORM checks the
        user's access as for any write; only write()'s refusal of these
        fields, and its step rules, are skipped. Private: no client can
        call it."""
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_retained(self):
        today = fields.Date.context_today(self)
        for anomaly in self:
            if anomaly.closed_at and anomaly.retain_until > today:
                raise UserError(
                    self.env._(
                        "%(anomaly)s was closed on %(closed)s and must be kept until "
                        "%(until)s (at least %(years)s years); archive it instead.",
                        anomaly=anomaly.name,
                        closed=anomaly.closed_at.date(),
                        until=anomaly.retain_until,
                        years=RETENTION_YEARS,
                    )
                )

    # ------------------------------------------------------------------
    # The closed loop
    # ------------------------------------------------------------------
    def _check_transition(self, target):
        self.ensure_one()
        labels = dict(self._fields["state"]._description_selection(self.env))
        if target not in labels:
            raise UserError(self.env._("Unknown step %(step)r.", step=target))
        if target == self.state:
            return
        if target == "cancelled":
            if self.state in ("closed", "cancelled"):
                raise UserError(
                    self.env._(
                        "%(anomaly)s is already %(state)s.",
                        anomaly=self.name,
                        state=labels[self.state],
                    )
                )
            if not (self.cancel_reason or "").strip():
                raise UserError(
                    self.env._("Give the reason for cancelling %(anomaly)s.", anomaly=self.name)
                )
            return
        allowed = {NEXT_STATE.get(self.state), BACK_STATES.get(self.state)}
        if target not in allowed:
            raise UserError(
                self.env._(
                    "%(anomaly)s cannot go from %(current)s to %(target)s: steps of "
                    "the handling loop cannot be skipped.",
                    anomaly=self.name,
                    current=labels[self.state],
                    target=labels[target],
                )
            )
        if self.state == "plan":
            # Approving and rejecting the plan are both the approver's call.
            self._check_plan_approver()
        if target == "closed":
            self._check_closer()
        missing = self._missing_for(target)
        if missing:
            raise UserError(
                self.env._(
                    "%(anomaly)s cannot move to %(target)s yet. Missing: %(missing)s.",
                    anomaly=self.name,
                    target=labels[target],
                    missing=", ".join(missing),
                )
            )

    def _field_label(self, name):
        return self._fields[name]._description_string(self.env)

    def _missing_for(self, target):
        """Labels of what the step ``target`` needs and is not filled in."""
        self.ensure_one()
        required = {
            "responding": ["user_id"],
            "plan": ["findings", "root_cause", "plan_measures", "plan_owner_ids", "plan_deadline"],
            "investigating": ["plan_rejection_reason"] if self.state == "plan" else [],
            "review": ["customer_told", "customer_satisfaction", "customer_accepted"],
            "closed": ["review_root_cause", "lessons", "improvement_actions"],
        }.get(target, [])
        if target == "closed" and self.policy_id.review_meeting_within_days:
            # 重大: closed after the leader's review meeting (003 第十一条).
            required = [*required, "review_meeting_at"]
        missing = [self._field_label(f) for f in required if not self[f]]
        if target == "plan" and self.plan_deadline and self.deadline_resolve:
            if (
                self.plan_deadline > self.deadline_resolve
                and not (self.plan_deadline_reason or "").strip()
            ):
                missing.append(self._field_label("plan_deadline_reason"))
        if target == "closed":
            if self.is_contract_dispute and not (self.legal_opinion or "").strip():
                missing.append(self._field_label("legal_opinion"))
            # A large loss's needs: customer_followup_anomaly_special.py.
        return missing

    def _check_plan_approver(self):
        if self.env.su:
            return
        group = self.policy_id.approver_group_id
        if group and group not in self.env.user.groups_id:
            raise AccessError(
                self.env._(
                    "The plan of a %(severity)s anomaly is approved or rejected by "
                    "the %(group)s (003 第八条); you are not one.",
                    severity=dict(self._fields["severity"]._description_selection(self.env))[
                        self.severity
                    ],
                    group=group.name,
                )
            )

    def _check_closer(self):
        """Closing is the call of the severity's level (003 第九至十一条), as
        plan approval is; a higher level holds the lower roles and may close
        for them."""
        if self.env.su:
            return
        group = self.policy_id._closing_group()
        if group and group not in self.env.user.groups_id:
            raise AccessError(
                self.env._(
                    "A %(severity)s anomaly is closed by the %(group)s after the "
                    "review (003 第九至十一条); you are not one.",
                    severity=dict(self._fields["severity"]._description_selection(self.env))[
                        self.severity
                    ],
                    group=group.name,
                )
            )

    def _notify_discovery(self):
        """Tell the reporting level of each anomaly's severity at discovery,
        and the company head where the policy says so (003 第八条 (二): 重大
        to the leader and the company head within 30 minutes)."""
        Policy = self.env["customer.followup.escalation.policy"]
        labels = dict(self._fields["severity"]._description_selection(self.env))
        roles = {}
        notices = []
        for anomaly in self:
            policy = anomaly.policy_id
            key = (policy.notify_group_id.id, anomaly.company_id.id)
            if key not in roles:
                roles[key] = Policy._role_users(policy.notify_group_id, anomaly.company_id)
            users = roles[key]
            head = anomaly.company_id.followup_company_head_id
            if policy.inform_company_head and head.active:
                users |= head
            notices.append(
                (
                    anomaly,
                    users,
                    self.env._(
                        "%(severity)s service anomaly %(anomaly)s discovered for "
                        "%(customer)s; to be reported by %(deadline)s.",
                        severity=labels[anomaly.severity],
                        anomaly=anomaly.name,
                        customer=anomaly.partner_id.display_name,
                        deadline=format_datetime(
                            self.env,
                            anomaly.deadline_report,
                            tz=anomaly._calendar_tz(),
                            dt_format="yyyy-MM-dd HH:mm",
                        ),
                    ),
                )
            )
        self._announce_batch(
            [notice for notice in notices if notice[1]],
            self.env._("Service anomalies discovered"),
        )

    def _calendar_tz(self):
        return self.company_id.resource_calendar_id.tz or self.env.user.tz or "UTC"

    def _post_to_users(self, users, body):
        """A note in the chatter addressed to ``users``: each is notified
        the way they chose (Odoo inbox or e-mail)."""
        self.message_post(
            body=body,
            partner_ids=users.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _report_back(self, state):
        """Results go back up the chain (003 第八条 (六)): whoever approved the
        plan hears of the customer's feedback and of the closing; closing a
        重大 anomaly also informs management (第十一条)."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        users = self.plan_approved_by
        policy = self.policy_id
        if state == "closed" and policy.closing_reported_to_group_id:
            users |= policy._role_users(policy.closing_reported_to_group_id, self.company_id)
        users = users.filtered("active") - self.env.user
        if not users:
            return
        self._post_to_users(
            users,
            self.env._(
                "%(anomaly)s (%(customer)s) is now %(state)s. Customer's satisfaction: "
                "%(satisfaction)s. Root cause: %(cause)s",
                anomaly=self.name,
                customer=self.partner_id.display_name,
                state=labels[state],
                satisfaction=dict(
                    self._fields["customer_satisfaction"]._description_selection(self.env)
                ).get(self.customer_satisfaction, "-"),
                cause=self.review_root_cause or self.root_cause or "-",
            ),
        )

    def _step_deadline(self, state):
        return {
            "reported": self.deadline_report,
            "responding": self.deadline_respond,
            "in_progress": self.deadline_plan,
            "feedback": self.deadline_resolve,
            "closed": self.deadline_review,
        }.get(state) or False

    def _log_steps(self, old_state, new_state):
        now = fields.Datetime.now()
        steps = []
        for anomaly in self:
            if old_state[anomaly.id] == new_state:
                continue
            steps.append(
                {
                    "anomaly_id": anomaly.id,
                    "state": new_state,
                    "previous_state": old_state[anomaly.id],
                    "user_id": self.env.uid,
                    "date": now,
                    "deadline": anomaly._step_deadline(new_state),
                }
            )
            anomaly._on_enter(new_state, old_state[anomaly.id], now)
        self._add_steps(steps)

    @api.model
    def _add_steps(self, vals_list):
        # sudo: the timeline is evidence written by the application only;
        # no group may create or change its steps (ir.model.access).
        return self.env["customer.followup.anomaly.step"].sudo().create(vals_list)

    def _on_enter(self, state, previous, now):
        """Side effects of reaching a step: who is told, which clock starts."""
        vals = {}
        policy = self.policy_id
        if state == "reported":
            self._notify_role(
                policy.notify_group_id,
                self.env._("Service anomaly %(anomaly)s reported", anomaly=self.name),
            )
        elif state == "responding" and policy.daily_progress_required:
            vals["progress_deadline"] = self._next_progress_deadline(now)
        elif state == "plan":
            self._notify_role(
                policy.approver_group_id,
                self.env._("Approve the plan of %(anomaly)s", anomaly=self.name),
            )
        elif state == "in_progress" and previous == "plan":
            vals.update(plan_approved_by=self.env.uid, plan_approved_at=now)
        elif state == "feedback":
            vals["resolved_at"] = now
            self._report_back(state)
        elif state == "closed":
            vals.update(closed_at=now, closed_by=self.env.uid)
            self._report_back(state)
            self._schedule_verification_followup()
        if state not in HANDLING_STATES:
            vals["progress_deadline"] = False
        if vals:
            self._write_workflow(vals)

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
                for flag, field, _states in ESCALATION_STEPS.values()
                if anomaly[flag] and anomaly[field] and anomaly[field] > now
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

    def _notify_role(self, group, summary, note=""):
        """Tell the people holding ``group``'s role: a chatter message
        addressed to them and a to-do for each."""
        self.ensure_one()
        Policy = self.env["customer.followup.escalation.policy"]
        users = Policy._role_users(group, self.company_id)
        self._notify_users(users, summary, note)
        return users

    def _notify_users(self, users, summary, note=""):
        body = summary if not note else f"{summary}: {note}"
        self.message_post(
            body=body,
            partner_ids=users.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        today = fields.Date.context_today(self)
        for user in users:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today,
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _schedule_verification_followup(self):
        """The verification follow-up after closing (003 第八条 (六)): closing
        is a key node (000 第三条), so the follow-up is due within the
        customer's tier delay (24 hours, 1 week) in elapsed time, placed in
        the first calling window, with the customer's follow-up owner.
        Where no follow-up can be planned (the partner is no customer), a
        to-do takes its place."""
        company = self.company_id
        customer = self.partner_id.commercial_partner_id
        now = fields.Datetime.now()
        # Planned by the application for the customer's follow-up owner,
        # whoever closes (see _create_event_visits).
        visit = self.env["customer.followup.visit"]._create_event_visits(
            [
                {
                    "partner": customer,
                    "contact": self.contact_id or None,
                    "company": company,
                    "trigger": "anomaly",
                    "key": f"anomaly/{self.id}",
                    "start": now,
                    "fallback_user": self.user_id or self.env.user,
                }
            ]
        )
        note = self.env._(
            "Confirm with the customer that the anomaly %(anomaly)s stays solved.",
            anomaly=self.name,
        )
        if visit:
            self._write_workflow({"verification_visit_id": visit.id})
            visit.message_post(body=note)
            return
        owner = customer.with_company(company).followup_user_id or self.user_id or self.env.user
        calendar = company.resource_calendar_id
        due = (
            self.env["customer.followup.working.time"]
            .with_company(company)
            .add_working_dates(fields.Date.context_today(self), 1, calendar)
        )
        self.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=due,
            summary=self.env._(
                "Verification follow-up with %(customer)s", customer=self.partner_id.name
            ),
            note=note,
            user_id=owner.id,
        )

    @api.depends("department")
    @api.depends_context("uid")
    def _compute_is_my_department(self):
        mine = (self.env.user.followup_department or "").strip()
        for anomaly in self:
            anomaly.is_my_department = bool(mine) and anomaly.department == mine

    def _search_is_my_department(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Operation not supported"))
        mine = (self.env.user.followup_department or "").strip()
        positive = (operator == "=") == bool(value)
        if not mine:
            return [(0, "=", 1)] if positive else []
        return [("department", "=" if positive else "!=", mine)]

    # Buttons: each moves one step.
    def action_next_step(self):
        for anomaly in self:
            if anomaly.state not in NEXT_STATE:
                raise UserError(self.env._("%(anomaly)s has no next step.", anomaly=anomaly.name))
            anomaly.write({"state": NEXT_STATE[anomaly.state]})
        return True

    def action_report(self):
        return self._action_move("discovered", "reported")

    def action_respond(self):
        return self._action_move("reported", "responding")

    def action_investigate(self):
        return self._action_move("responding", "investigating")

    def action_submit_plan(self):
        return self._action_move("investigating", "plan")

    def action_approve_plan(self):
        return self._action_move("plan", "in_progress")

    def action_reject_plan(self):
        return self._action_move("plan", "investigating")

    def action_done(self):
        return self._action_move("in_progress", "feedback")

    def action_not_satisfied(self):
        return self._action_move("feedback", "in_progress")

    def action_start_review(self):
        return self._action_move("feedback", "review")

    def action_close(self):
        return self._action_move("review", "closed")

    def action_cancel(self):
        for anomaly in self:
            anomaly.write({"state": "cancelled"})
        return True

    def _action_move(self, source, target):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for anomaly in self:
            if anomaly.state != source:
                raise UserError(
                    self.env._(
                        "%(anomaly)s is %(state)s, not %(expected)s.",
                        anomaly=anomaly.name,
                        state=labels[anomaly.state],
                        expected=labels[source],
                    )
                )
            anomaly.write({"state": target})
        return True

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

    # Special handling (quality, contract disputes, large-loss approvals):
    # customer_followup_anomaly_special.py.

    # ------------------------------------------------------------------
    # Escalation (run by the server actions of data/, scheduled by ir.cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_escalate(self, batch_size=ESCALATION_BATCH):
        """The scheduled job: every scan of the two server actions in one
        run, its progress reported once with the summed figures, so that a
        backlog larger than a batch makes the scheduler run it again at once."""
        now = fields.Datetime.now()
        # Run by the superuser (ir.cron's user): every company's anomalies.
        overdue, overdue_left = self._escalate_overdue([], now, batch_size)
        progress, progress_left = self._escalate_missing_progress([], now, batch_size)
        self.env["ir.cron"]._notify_progress(
            done=len(overdue) + len(progress), remaining=overdue_left + progress_left
        )
        return overdue | progress

    def _escalation_scope(self, now, batch_size):
        """Who may run an escalation, and on what: the scheduled job on
        everything; a manager by hand (server action, RPC) on the anomalies
        of their companies, at the real time. Returns a domain to add."""
        if self.env.su:
            return []
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Customer Follow-up managers can run the escalation by hand.")
            )
        if now is not None or batch_size != ESCALATION_BATCH:
            raise AccessError(
                self.env._("Only the scheduled job chooses the time and size of an escalation run.")
            )
        if self:
            self.check_access("write")
        return [("company_id", "in", self.env.companies.ids)]

    def action_escalate_overdue(self, now=None, batch_size=ESCALATION_BATCH):
        """Escalate every missed step deadline once: among these anomalies,
        or all of them when called on an empty recordset (scheduled run).
        Returns the escalated anomalies."""
        scope = self._escalation_scope(now, batch_size)
        return self._escalate_overdue(scope, now or fields.Datetime.now(), batch_size)[0]

    def _escalate_overdue(self, scope, now, batch_size):
        """:return: the escalated anomalies and how many are left to escalate"""
        escalated = self.browse()
        remaining = 0
        domains = {}
        for step, (flag, field, states) in ESCALATION_STEPS.items():
            domains[step] = scope + [
                ("state", "in", states),
                (field, "!=", False),
                (field, "<", now),
                (flag, "=", False),
            ]
            if self:
                domains[step].append(("id", "in", self.ids))
        # Every anomaly in scope: the scheduled job runs as superuser, and a
        # manager's rules give every anomaly of their companies.
        Anomaly = self.with_context(active_test=False)
        # Most runs find nothing due: one query says so for every step.
        if not Anomaly.search(expression.OR(list(domains.values())), limit=1):
            return escalated, remaining
        for step, (flag, _field, _states) in ESCALATION_STEPS.items():
            domain = domains[step]
            # One more than a batch tells whether more are left: counting
            # them costs a query only when they are.
            candidates = Anomaly.search(domain, limit=batch_size + 1, order="id")
            more = len(candidates) > batch_size
            candidates = candidates[:batch_size]
            claimed = candidates._claim_escalation(flag)
            escalated |= claimed._escalate_each(step)
            if more:
                remaining += Anomaly.search_count(domain)
            else:
                # Rows another worker holds are still to be done by it.
                remaining += len(candidates - claimed)
        return escalated, remaining

    def _claim_escalation(self, flag):
        """Mark ``flag`` on these anomalies where no one did yet, in one
        conditional UPDATE: of two workers racing, only one gets each row."""
        if not self:
            return self
        self.flush_recordset([flag, "is_overdue"])
        # Rows another worker holds are skipped, not waited for: it is
        # escalating them.
        rows = claim_rows(
            self.env,
            SQL(
                """
                UPDATE customer_followup_anomaly
                   SET %(flag)s = TRUE, is_overdue = TRUE
                 WHERE id IN (
                        SELECT id FROM customer_followup_anomaly
                         WHERE id IN %(ids)s AND %(flag)s IS NOT TRUE
                           FOR NO KEY UPDATE SKIP LOCKED)
             RETURNING id
                """,
                flag=SQL.identifier(flag),
                ids=tuple(self.ids),
            ),
        )
        self.invalidate_recordset([flag, "is_overdue"])
        return self.browse([row[0] for row in rows])

    def _escalate_each(self, step, unclaim_flag=True):
        """Notify the next level for each anomaly; one broken record is
        logged, released for the next run, and does not stop the others.

        What each anomaly needs (who is told, what) is worked out record by
        record; the chatter messages, inbox notifications and to-dos of the
        whole batch are then created together, a few queries in all."""
        done = self.browse()
        flag = ESCALATION_STEPS[step][0] if step in ESCALATION_STEPS else None
        notices = []
        roles = {}
        for anomaly in self:
            try:
                # Only reads: no savepoint needed to undo a failure.
                notices += anomaly._escalate(step, roles)
                done |= anomaly
            except Exception:
                _logger.exception("Escalating anomaly %s (%s) failed", anomaly.id, step)
                if flag and unclaim_flag:
                    anomaly._release_escalation(flag)
        try:
            with self.env.cr.savepoint():
                self._notify_users_batch(notices)
        except Exception:
            # The batch failed as a whole: tell record by record, so that only
            # the broken ones are left for the next run.
            _logger.exception("Escalation notices of %s anomalies: sent one by one", len(notices))
            for anomaly, users, summary, note in notices:
                try:
                    with self.env.cr.savepoint():
                        anomaly._notify_users(users, summary, note)
                except Exception:
                    _logger.exception("Escalating anomaly %s (%s) failed", anomaly.id, step)
                    done -= anomaly
                    if flag and unclaim_flag:
                        anomaly._release_escalation(flag)
        return done

    def _release_escalation(self, flag):
        self.env.execute_query(
            SQL(
                "UPDATE customer_followup_anomaly SET %s = FALSE WHERE id IN %s",
                SQL.identifier(flag),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset([flag])

    def _escalate(self, step, roles=None):
        """What escalating this anomaly's ``step`` tells whom.

        :param dict roles: the role holders already looked up in this batch,
            by (group id, company id); filled as more are looked up

        :return: list of ``(anomaly, users, summary, note)`` notices
        """
        policy = self.policy_id
        group = policy.escalation_group_id or policy.notify_group_id
        messages = {
            "report": self.env._("%(anomaly)s was not reported in time"),
            "respond": self.env._("%(anomaly)s: the customer's response promise was missed"),
            "plan": self.env._("%(anomaly)s has no approved plan in time"),
            "resolve": self.env._("%(anomaly)s was not resolved in time"),
            "review": self.env._("%(anomaly)s: the review meeting is overdue"),
            "progress": self.env._("%(anomaly)s: no progress report today"),
        }
        summary = messages[step] % {"anomaly": self.name}
        # Role holders are looked up once per group and company in a batch.
        roles = {} if roles is None else roles
        key = (group.id, self.company_id.id)
        if key not in roles:
            roles[key] = self.env["customer.followup.escalation.policy"]._role_users(
                group, self.company_id
            )
        users = roles[key]
        note = self.env._("Escalated: %(customer)s", customer=self.partner_id.name)
        return [(self, users, summary, note)]

    @api.model
    def _announce_batch(self, notices, subject):
        """Tell people about anomalies, many at once: a note in each
        anomaly's chatter naming the people told (one batched log per group
        of recipients) and one notification per group, delivered as each
        recipient chose (Odoo inbox, pushed live, or e-mail through the
        outgoing queue); on the anomaly itself when the group has one.

        :param list notices: ``(anomaly, users, text)``
        :param str subject: of a notification listing several anomalies
        """
        groups = defaultdict(list)
        for anomaly, users, text in notices:
            groups[users].append((anomaly, text))
        # The author created the anomalies or escalates them: may post on them.
        Anomaly = self.browse()
        author = self.env.ref("base.partner_root").id
        base_url = Anomaly.get_base_url()
        for users, items in groups.items():
            anomalies = Anomaly.browse([anomaly.id for anomaly, _text in items])
            anomalies._message_log_batch(
                {anomaly.id: escape(text) for anomaly, text in items},
                partner_ids=users.partner_id.ids,
                message_type="comment",
            )
            if not users:
                continue
            if len(items) == 1:
                anomaly, text = items[0]
                anomalies.message_notify(
                    partner_ids=users.partner_id.ids,
                    subject=anomaly.display_name,
                    body=text,
                    author_id=author,
                )
                continue
            lines = Markup("").join(
                Markup('<li><a href="%s/mail/view?model=%s&amp;res_id=%s">%s</a></li>')
                % (base_url, self._name, anomaly.id, text)
                for anomaly, text in items
            )
            Anomaly.message_notify(
                partner_ids=users.partner_id.ids,
                subject=f"{subject} ({len(items)})",
                body=Markup("<ul>%s</ul>") % lines,
                author_id=author,
            )

    @api.model
    def _notify_users_batch(self, notices):
        """What :meth:`_notify_users` does for one anomaly, for a batch of
        escalations: told through :meth:`_announce_batch`, and a to-do per
        anomaly on each recipient's list.

        :param list notices: ``(anomaly, users, summary, note)``
        """
        if not notices:
            return
        self._announce_batch(
            [
                (
                    anomaly,
                    users,
                    self.env._("%(summary)s: %(note)s", summary=summary, note=note)
                    if note
                    else summary,
                )
                for anomaly, users, summary, note in notices
            ],
            self.env._("Service anomalies escalated to you"),
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        # The message above already tells them: no assignment e-mail per to-do.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": anomaly.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": note,
                    "automated": True,
                    "date_deadline": today,
                    "user_id": user.id,
                }
                for anomaly, users, summary, note in notices
                for user in users
            ]
        )

    def action_escalate_missing_progress(self, now=None, batch_size=ESCALATION_BATCH):
        """Escalate a missing daily progress report (较大 / 重大) once per
        missed day: the next report is then due one working day later."""
        scope = self._escalation_scope(now, batch_size)
        return self._escalate_missing_progress(scope, now or fields.Datetime.now(), batch_size)[0]

    def _escalate_missing_progress(self, scope, now, batch_size):
        """:return: the escalated anomalies and how many are left to escalate"""
        domain = scope + [
            ("state", "in", HANDLING_STATES),
            ("progress_deadline", "!=", False),
            ("progress_deadline", "<", now),
        ]
        if self:
            domain.append(("id", "in", self.ids))
        Anomaly = self.with_context(active_test=False)
        candidates = Anomaly.search(domain, limit=batch_size + 1, order="id")
        more = len(candidates) > batch_size
        candidates = candidates[:batch_size]
        claimed = candidates._claim_progress(now)
        escalated = claimed._escalate_each("progress")
        return escalated, Anomaly.search_count(domain) if more else len(candidates - claimed)

    def _claim_progress(self, now):
        if not self:
            return self
        self.flush_recordset(["progress_deadline", "progress_escalation_count"])
        values = []
        for anomaly in self:
            new = anomaly._next_progress_deadline(max(anomaly.progress_deadline, now))
            values.append(
                SQL(
                    "(%s, %s::timestamp, %s::timestamp)", anomaly.id, anomaly.progress_deadline, new
                )
            )
        # Only the worker that still sees the old deadline moves it on.
        rows = claim_rows(
            self.env,
            SQL(
                """
                UPDATE customer_followup_anomaly a
                   SET progress_deadline = v.new,
                       progress_escalation_count = COALESCE(a.progress_escalation_count, 0) + 1,
                       is_overdue = TRUE
                  FROM (VALUES %s) AS v(id, old, new)
                 WHERE a.id = v.id AND a.progress_deadline = v.old
                   AND a.id IN (
                        SELECT id FROM customer_followup_anomaly
                         WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED)
             RETURNING a.id
                """,
                SQL(", ").join(values),
                tuple(self.ids),
            ),
        )
        self.invalidate_recordset(["progress_deadline", "progress_escalation_count", "is_overdue"])
        return self.browse([row[0] for row in rows])

    # ------------------------------------------------------------------
    # Summaries (第九条 weekly 一般, 第十条 monthly 较大)
    # ------------------------------------------------------------------
    @api.model
    def _cron_post_summaries(self, period):
        return self._post_summaries(period)

    @api.model
    def _post_summaries(self, period, today=None):
        """Send the summary of the last full week or month to the people
        each policy with this ``period`` reports to. Returns the messages."""
        today = today or fields.Date.context_today(self)
        if period == "weekly":
            date_to = today - timedelta(days=today.weekday())
            date_from = date_to - timedelta(days=7)
        else:
            date_to = today.replace(day=1)
            date_from = date_to - relativedelta(months=1)
        Policy = self.env["customer.followup.escalation.policy"]
        messages = self.env["mail.message"]
        # Run by the superuser (ir.cron's user): every company's policies.
        for policy in Policy.search([("summary_period", "=", period)]):
            messages |= self._post_summary(policy, date_from, date_to)
        return messages

    @api.model
    def _post_summary(self, policy, date_from, date_to):
        Anomaly = self.with_context(active_test=False)
        base = [("company_id", "=", policy.company_id.id), ("severity", "=", policy.severity)]
        start = fields.Datetime.to_datetime(date_from)
        stop = fields.Datetime.to_datetime(date_to)
        new = Anomaly._read_group(
            base + [("discovered_at", ">=", start), ("discovered_at", "<", stop)],
            ["category"],
            ["__count"],
        )
        closed = Anomaly.search_count(base + [("closed_at", ">=", start), ("closed_at", "<", stop)])
        still_open = Anomaly.search_count(base + [("state", "in", OPEN_STATES)])
        escalated = Anomaly.search_count(
            base + [("state", "in", OPEN_STATES), ("is_overdue", "=", True)]
        )
        users = self.env["customer.followup.escalation.policy"]._role_users(
            policy.notify_group_id, policy.company_id
        )
        if not users:
            return self.env["mail.message"]
        categories = dict(self._fields["category"]._description_selection(self.env))
        lines = Markup("").join(
            Markup("<li>%s: %s</li>") % (categories.get(category, category), count)
            for category, count in new
        )
        # Markup's % escapes every value put into the translated template.
        body = Markup(
            self.env._(
                "<p>%(severity)s anomalies from %(date_from)s to %(date_to)s: %(new)s new, "
                "%(closed)s closed; %(open)s still open, %(escalated)s of them escalated.</p>"
                "<ul>%(lines)s</ul>"
            )
        ) % {
            "severity": policy.display_name,
            "date_from": date_from,
            "date_to": date_to - timedelta(days=1),
            "new": sum(count for _category, count in new),
            "closed": closed,
            "open": still_open,
            "escalated": escalated,
            "lines": lines,
        }
        return self.with_company(policy.company_id).message_notify(
            partner_ids=users.partner_id.ids,
            author_id=self.env.ref("base.partner_root").id,
            subject=self.env._(
                "Service anomaly summary: %(severity)s", severity=policy.display_name
            ),
            body=body,
        )
