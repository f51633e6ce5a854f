from odoo import api, fields, models

SEVERITIES = [
    ("general", "General (一般)"),
    ("major", "Major (较大)"),
    ("critical", "Critical (重大)"),
]

# The chain of anomaly roles, lowest first (003 第五条、第八条): each level
# escalates to the next one.
ROLE_GROUPS = [
    "customer_followup.group_customer_followup_dept_head",
    "customer_followup.group_customer_followup_deputy_leader",
    "customer_followup.group_customer_followup_leader",
    "customer_followup.group_customer_followup_manager",
]


class CustomerFollowupEscalationPolicy(models.Model):
    """The clocks and the chain of command of one anomaly severity in one
    company (003 第八至十一条). Shipped for the main company; every other
    company gets a copy when it is created (res_company.py)."""

    _name = "customer.followup.escalation.policy"
    _description = "Anomaly Escalation Policy"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    severity = fields.Selection(SEVERITIES, required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    report_within_minutes = fields.Integer(
        "Report within (minutes)",
        required=True,
        help="From discovery to the report to the level below, in elapsed "
        "minutes (003 第八条: 30 minutes, 1 hour, 2 hours), nights and "
        "weekends included.",
    )
    plan_within_hours = fields.Integer(
        "Plan within (hours)",
        help="From discovery to an approved plan; 0 = no separate plan deadline.",
    )
    plan_hours_elapsed = fields.Boolean(
        "Plan clock runs around the clock",
        default=True,
        help="The regulation gives the plan deadline in hours (24 h, 48 h): "
        "counted as elapsed hours, not working hours, unless unticked.",
    )
    resolve_within_working_days = fields.Integer(
        "Resolve within (working days)",
        help="0 = no fixed bound (重大: more than 3 working days).",
    )
    review_meeting_within_days = fields.Integer(
        "Review meeting within (days)",
        help="Days after the handling is finished within which the review "
        "meeting (专项复盘会) must be held; 0 = none.",
    )
    notify_group_id = fields.Many2one(
        "res.groups",
        string="Reported to",
        required=True,
        help="Who receives the report of a new anomaly of this severity.",
    )
    escalation_group_id = fields.Many2one(
        "res.groups",
        string="Escalated to",
        help="Who is told when a deadline of this severity is missed.",
    )
    inform_company_head = fields.Boolean(
        "Also inform the company head",
        help="The company head (Settings) is told at discovery, with the "
        "people the anomaly is reported to: 重大 anomalies (003 第八条).",
    )
    approver_group_id = fields.Many2one(
        "res.groups",
        string="Plan approved by",
        required=True,
    )
    closer_group_id = fields.Many2one(
        "res.groups",
        string="Closed by",
        help="Who closes an anomaly of this severity after the review "
        "(003 第九至十一条: 一般 the department head, 较大 the deputy leader, "
        "重大 the leader); a higher level may close for a lower one. Empty: "
        "whoever approves the plan.",
    )
    closing_reported_to_group_id = fields.Many2one(
        "res.groups",
        string="Closing reported to",
        help="Told when an anomaly of this severity is closed (重大: management, 003 第十一条).",
    )
    daily_progress_required = fields.Boolean(
        help="A progress report is due every working day while the anomaly is handled."
    )
    summary_period = fields.Selection(
        [("weekly", "Weekly"), ("monthly", "Monthly")],
        help="Summary of this severity's anomalies sent to the people it is "
        "reported to: weekly for 一般 (第九条), monthly for 较大 (第十条).",
    )

    _sql_constraints = [
        (
            "severity_company_unique",
            "unique(severity, company_id)",
            "Each severity has one escalation policy per company.",
        ),
    ]

    @api.depends("severity")
    def _compute_display_name(self):
        labels = dict(self._fields["severity"]._description_selection(self.env))
        for policy in self:
            policy.display_name = labels.get(policy.severity, "")

    @api.model
    def _setup_company_policies(self, companies=None):
        """Give every company without policies a copy of the main company's.
        Run as superuser: by the data file for the companies there are at
        installation, by the company's create() for each new one."""
        companies = companies or self.env["res.company"].search([])
        Policy = self.with_context(active_test=False)
        templates = Policy.search([("company_id", "=", self.env.ref("base.main_company").id)])
        existing = set(Policy.search([("company_id", "in", companies.ids)]).company_id.ids)
        for company in companies.filtered(lambda c: c.id not in existing):
            for template in templates:
                template.copy({"company_id": company.id})

    def _closing_group(self):
        self.ensure_one()
        return self.closer_group_id or self.approver_group_id

    @api.model
    def _get(self, company, severity):
        """The policy of ``severity`` in ``company`` (every company has its
        own, made with the company): read by the anomaly's stored compute,
        which runs as superuser, whoever records the anomaly."""
        return self.search([("company_id", "=", company.id), ("severity", "=", severity)], limit=1)

    def _role_users(self, group, company):
        """People holding exactly this role in ``company``: the groups form a
        chain, so everyone above holds it too; they are told only when nobody
        holds the role itself."""
        if not group:
            return self.env["res.users"]
        users = group.users.filtered(
            lambda u: company in u.company_ids and not u.share and u.active
        )
        xmlid = group.get_external_id().get(group.id)
        if xmlid in ROLE_GROUPS:
            above = ROLE_GROUPS[ROLE_GROUPS.index(xmlid) + 1 :]
            exact = users.filtered(lambda u: not any(u.has_group(g) for g in above))
            if exact:
                return exact
            if above:
                return self._role_users(self.env.ref(above[0]), company)
        return users
