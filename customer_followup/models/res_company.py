from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # KPI targets (SPEC §7). Defaults are the regulations' own: 100 % for the
    # follow-up, resolution and confirmation rates (000 第三条, hospital
    # sample), satisfaction bonus above 90 % and warning below 70 % (travel
    # sample). Incidence and handling time have no number in the
    # regulations: the defaults are a starting point for the company.
    followup_target_followup_rate = fields.Float(
        "Follow-up rate target (%)", default=100.0, digits=(5, 1)
    )
    followup_target_satisfaction = fields.Float(
        "Satisfaction target (%)",
        default=90.0,
        digits=(5, 1),
        help="Share of answers scoring 4 or 5 on the 0–5 scale.",
    )
    followup_satisfaction_warning = fields.Float(
        "Satisfaction warning below (%)", default=70.0, digits=(5, 1)
    )
    followup_target_resolution_rate = fields.Float(
        "Problem resolution rate target (%)", default=100.0, digits=(5, 1)
    )
    followup_target_confirmation_rate = fields.Float(
        "Customer confirmation rate target (%)", default=100.0, digits=(5, 1)
    )
    followup_target_anomaly_incidence = fields.Float(
        "Anomaly incidence limit (per 100 deliveries)",
        default=2.0,
        digits=(5, 2),
        help="At most this many service anomalies per 100 deliveries; 0 sets no limit.",
    )
    followup_target_on_time = fields.Float(
        "On-time target for anomaly clocks (%)", default=100.0, digits=(5, 1)
    )
    followup_target_handling_hours = fields.Float(
        "Average handling time limit (hours)",
        default=72.0,
        digits=(6, 1),
        help="From discovery to closing; 0 sets no limit.",
    )

    _sql_constraints = [
        (
            "followup_targets_range",
            "CHECK(followup_target_followup_rate BETWEEN 0 AND 100"
            " AND followup_target_satisfaction BETWEEN 0 AND 100"
            " AND followup_satisfaction_warning BETWEEN 0 AND 100"
            " AND followup_target_resolution_rate BETWEEN 0 AND 100"
            " AND followup_target_confirmation_rate BETWEEN 0 AND 100"
            " AND followup_target_on_time BETWEEN 0 AND 100"
            " AND followup_target_anomaly_incidence >= 0"
            " AND followup_target_handling_hours >= 0)",
            "KPI targets are percentages between 0 and 100; limits cannot be negative.",
        ),
    ]

    # 003 第八条 (二): a 重大 anomaly is reported to the leader *and* the
    # company head (公司负责人) within 30 minutes of its discovery.
    followup_company_head_id = fields.Many2one(
        "res.users",
        "Company head",
        domain="[('share', '=', False)]",
        help="Informed at discovery of every service anomaly whose escalation "
        "policy says so (重大 anomalies, 003 第八条).",
    )

    followup_portal_show_handlers = fields.Boolean(
        "Show handlers' names to customers",
        help="Customers see who moved their service issues from step to step in the portal.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Every company classifies its own customers with its own tiers.
        self.env["customer.followup.tier"].sudo()._setup_company_tiers(companies)
        return companies
