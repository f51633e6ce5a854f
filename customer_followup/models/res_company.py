from odoo import api, fields, models
from odoo.exceptions import ValidationError

USER_GROUP = "customer_followup.group_customer_followup_user"
LOSS_GROUP = "customer_followup.group_customer_followup_loss"


def _contact_domain(group):
    """Internal users holding ``group``: who can open the anomaly they are
    told about (a to-do on a record one cannot read helps no one)."""

    def domain(self):
        return [("share", "=", False), ("groups_id", "in", self.env.ref(group).ids)]

    return domain


class ResCompany(models.Model):
    _inherit = "res.company"

    # Special handling (003 第十二条): who is told when an anomaly is flagged,
    # and who approves a large loss's compensation.
    followup_rnd_user_ids = fields.Many2many(
        "res.users",
        "res_company_followup_rnd_user_rel",
        "company_id",
        "user_id",
        string="R&D contacts",
        domain=_contact_domain(USER_GROUP),
        help="Told, with a to-do, when an anomaly is flagged as a quality problem: "
        "they find its root cause with supply chain.",
    )
    followup_supply_user_ids = fields.Many2many(
        "res.users",
        "res_company_followup_supply_user_rel",
        "company_id",
        "user_id",
        string="Supply chain contacts",
        domain=_contact_domain(USER_GROUP),
        help="Told, with a to-do, when an anomaly is flagged as a quality problem: "
        "they trace the supply chain's responsibility.",
    )
    followup_legal_user_ids = fields.Many2many(
        "res.users",
        "res_company_followup_legal_user_rel",
        "company_id",
        "user_id",
        string="Legal contacts",
        domain=_contact_domain(LOSS_GROUP),
        help="Told, with a to-do, of contract disputes and large losses; one of them "
        "gives the legal approval of a large loss's compensation.",
    )
    followup_finance_user_ids = fields.Many2many(
        "res.users",
        "res_company_followup_finance_user_rel",
        "company_id",
        "user_id",
        string="Finance contacts",
        domain=_contact_domain(LOSS_GROUP),
        help="Told, with a to-do, of large losses; one of them gives the finance "
        "approval of the compensation.",
    )

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

    # After-sales (002 七): the regulation names the figures, not their
    # targets; 100 % is the closed loop's own (000 第三条).
    followup_target_repair_on_time = fields.Float(
        "On-time repair rate target (%)",
        default=100.0,
        digits=(5, 1),
        help="Share of repairs finished by their scheduled date.",
    )
    followup_target_repair_success = fields.Float(
        "Repair success rate target (%)",
        default=100.0,
        digits=(5, 1),
        help="Share of repairs not followed by another repair of the same product "
        "for the same customer.",
    )
    followup_repeat_repair_days = fields.Integer(
        "Repeat repair within (days)",
        default=30,
        help="A repair of the same product for the same customer scheduled within "
        "this many days after a repair was finished makes that repair a failure.",
    )

    _sql_constraints = [
        (
            "followup_after_sales_targets_range",
            "CHECK(followup_target_repair_on_time BETWEEN 0 AND 100"
            " AND followup_target_repair_success BETWEEN 0 AND 100"
            " AND followup_repeat_repair_days >= 1)",
            "After-sales targets are percentages between 0 and 100; a repeat repair is "
            "looked for at least one day after a repair.",
        ),
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

    # 001 篇一: customers who dislike calls are called less often.
    followup_fewer_calls_keep = fields.Integer(
        "Fewer calls: keep one call in",
        default=2,
        help="For customers who prefer fewer calls, only one routine phone follow-up in "
        "this many stays a call (2: every other one); the others take the channel below.",
    )
    followup_fewer_calls_channel = fields.Selection(
        [("message", "Online message"), ("survey", "Online questionnaire")],
        "Fewer calls: instead of a call",
        default="message",
    )

    followup_portal_show_handlers = fields.Boolean(
        "Show handlers' names to customers",
        help="Customers see who moved their service issues from step to step in the portal.",
    )

    @api.constrains(
        "followup_rnd_user_ids",
        "followup_supply_user_ids",
        "followup_legal_user_ids",
        "followup_finance_user_ids",
    )
    def _check_followup_contacts(self):
        user_group = self.env.ref(USER_GROUP)
        loss_group = self.env.ref(LOSS_GROUP)
        for company in self:
            for fname, group in (
                ("followup_rnd_user_ids", user_group),
                ("followup_supply_user_ids", user_group),
                ("followup_legal_user_ids", loss_group),
                ("followup_finance_user_ids", loss_group),
            ):
                for user in company[fname]:
                    if user.share or group not in user.groups_id or company not in user.company_ids:
                        raise ValidationError(
                            self.env._(
                                "%(user)s cannot be one of the %(role)s of %(company)s: "
                                "choose an internal user of this company with the "
                                "Customer Follow-up group %(group)s.",
                                user=user.name,
                                role=company._fields[fname]._description_string(self.env),
                                company=company.name,
                                group=group.name,
                            )
                        )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Every company classifies its own customers with its own tiers.
        # sudo: whoever creates a company (an administrator) may not be a
        # Customer Follow-up manager, who alone creates tiers.
        self.env["customer.followup.tier"].sudo()._setup_company_tiers(companies)
        # Every company handles its anomalies on its own clocks, copied from
        # the main company's. sudo: as for the tiers, only managers create
        # escalation policies.
        self.env["customer.followup.escalation.policy"].sudo()._setup_company_policies(companies)
        return companies
