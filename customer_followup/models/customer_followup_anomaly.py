from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .customer_followup_escalation_policy import SEVERITIES
from .sent_values import check_date_range, check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields, without_context_defaults

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
# Every state but closed and cancelled.
OPEN_STATES = STATE_KEYS[:8]


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

# Closed anomalies and their documents are kept at least 3 years (第八条 (七)).
RETENTION_YEARS = 3
LEADER_GROUP = "customer_followup.group_customer_followup_leader"
MANAGER_GROUP = "customer_followup.group_customer_followup_manager"
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
    # The clocks' fields: customer_followup_anomaly_clocks.py.

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

    # ------------------------------------------------------------------
    # Computes (the clocks: customer_followup_anomaly_clocks.py; the
    # handling loop's table and steps: customer_followup_anomaly_workflow.py)
    # ------------------------------------------------------------------
    @api.depends("severity", "company_id")
    def _compute_policy_id(self):
        Policy = self.env["customer.followup.escalation.policy"]
        for anomaly in self:
            company = anomaly.company_id or self.env.company
            anomaly.policy_id = anomaly.severity and Policy._get(company, anomaly.severity)

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
            "is_escalated",
            "clock_ids",
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
            if vals.get("state", STATE_KEYS[0]) != STATE_KEYS[0]:
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
                    "state": STATE_KEYS[0],
                    "user_id": self.env.uid,
                    "date": anomaly.discovered_at,
                }
                for anomaly in anomalies
            ]
        )
        anomalies._place_clocks()
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
        if {"severity", "company_id", "discovered_at", "partner_id"} & set(vals):
            # The clocks follow the policy, the customer's tier and the start.
            self._place_clocks()
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
