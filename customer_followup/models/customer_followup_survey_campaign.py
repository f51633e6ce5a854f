from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# Customers invited per run of the job: each gets a follow-up, a
# questionnaire answer and an e-mail.
CAMPAIGN_BATCH = 200
SURVEY_TRIGGER = "survey"


class CustomerFollowupSurveyCampaign(models.Model):
    """The quarterly satisfaction survey (003 第十五条 定期开展客户满意度调查):
    the company's questionnaire sent to each customer's contact, as a
    questionnaire follow-up whose answer fills the customer's scores. A
    customer scoring under the threshold gets a named owner and an
    improvement to-do (低满意度客户 指定专人跟进)."""

    _name = "customer.followup.survey.campaign"
    _description = "Quarterly Satisfaction Survey"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date("Quarter from", required=True)
    date_to = fields.Date("Quarter to", required=True)
    survey_id = fields.Many2one(
        "survey.survey",
        "Questionnaire",
        required=True,
        default=lambda self: self.env["customer.followup.visit"]._default_survey_id(),
    )
    tier_ids = fields.Many2many(
        "customer.followup.tier",
        string="Tiers",
        check_company=True,
        help="Only the customers of these tiers; every tiered customer when empty.",
    )
    threshold = fields.Integer(
        "Low satisfaction below",
        default=3,
        help="An overall satisfaction under this score (0–5) gives the customer an owner "
        "and an improvement to-do.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sending", "Sending"), ("done", "Sent")],
        default="draft",
        required=True,
        tracking=True,
    )
    cursor = fields.Integer(readonly=True, copy=False)
    sent_count = fields.Integer("Invited", compute="_compute_counts")
    answered_count = fields.Integer("Answered", compute="_compute_counts")
    low_count = fields.Integer("Low satisfaction", compute="_compute_counts")

    _sql_constraints = [
        (
            "threshold_range",
            "CHECK(threshold BETWEEN 1 AND 5)",
            "The low-satisfaction threshold is a score from 1 to 5.",
        ),
        (
            "quarter_company_unique",
            "unique(company_id, date_from)",
            "The company already has a satisfaction survey for this quarter.",
        ),
    ]

    def _period_key(self):
        self.ensure_one()
        return f"survey/{self.date_from:%Y-%m-%d}"

    def _visits(self):
        # sudo: the figures count every customer's answer of the campaign.
        return (
            self.env["customer.followup.visit"]
            .sudo()
            .search(
                [("company_id", "=", self.company_id.id), ("period_key", "=", self._period_key())]
            )
        )

    def _compute_counts(self):
        for campaign in self:
            visits = campaign._visits() if campaign.id else self.env["customer.followup.visit"]
            answered = visits.filtered(lambda v: v.satisfaction)
            campaign.sent_count = len(visits)
            campaign.answered_count = len(answered)
            campaign.low_count = len(visits.filtered("low_satisfaction"))

    def action_start(self):
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(self.env._("%(campaign)s is already sent.", campaign=campaign.name))
        self.write({"state": "sending", "cursor": 0})
        return True

    def action_view_low(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.customer_followup_visit_action_low_satisfaction"
        )
        action["domain"] = [
            ("period_key", "=", self._period_key()),
            ("low_satisfaction", "=", True),
        ]
        return action

    def _customer_domain(self):
        domain = [("parent_id", "=", False), ("followup_tier_id", "!=", False)]
        if self.tier_ids:
            domain.append(("followup_tier_id", "in", self.tier_ids.ids))
        return domain

    def _send_batch(self, batch_size=CAMPAIGN_BATCH):
        """Invite the next ``batch_size`` customers: one questionnaire
        follow-up each (once per quarter), the questionnaire e-mailed to its
        contact. :return: customers invited"""
        self.ensure_one()
        company = self.company_id
        # Run by the scheduled job, as the superuser: every customer of the company.
        Partner = self.env["res.partner"].with_company(company)
        customers = Partner.search(
            self._customer_domain() + [("id", ">", self.cursor)], order="id", limit=batch_size
        )
        if not customers:
            self.state = "done"
            return 0
        key = self._period_key()
        Visit = self.env["customer.followup.visit"].with_company(company)
        existing = set(
            Visit.search(
                [("partner_id", "in", customers.ids), ("period_key", "=", key)]
            ).partner_id.ids
        )
        tz = pytz.timezone(company.resource_calendar_id.tz or "UTC")
        deadline = tz.localize(datetime.combine(self.date_to, time(23, 59))).astimezone(pytz.utc)
        vals_list = []
        for customer in customers.filtered(lambda c: c.id not in existing):
            contact = customer.child_ids.filtered(lambda c: c.email and c.type == "contact")[:1]
            vals_list.append(
                {
                    "partner_id": customer.id,
                    "contact_id": contact.id,
                    "company_id": company.id,
                    "trigger": SURVEY_TRIGGER,
                    "channel": "survey",
                    "survey_id": self.survey_id.id,
                    "scheduled_date": fields.Datetime.now(),
                    "deadline": deadline.replace(tzinfo=None),
                    "user_id": customer.followup_user_id.id or False,
                    "period_key": key,
                }
            )
        visits = Visit.create(vals_list)
        # Only customers with an address get the e-mail; the others are
        # called by their owner with the same questions.
        visits.filtered(lambda v: (v.contact_id or v.partner_id).email).action_send_survey()
        self.cursor = customers[-1].id
        if len(customers) < batch_size:
            self.state = "done"
        return len(customers)

    @api.model
    def _cron_run(self, today=None, max_batches=10):
        """Daily: on the first working day of a quarter, each company's
        survey of the quarter is created and started; every run invites the
        next customers of the surveys being sent."""
        WorkingTime = self.env["customer.followup.working.time"]
        # The scheduled job runs as the superuser, for every company.
        Campaign = self
        for company in self.env["res.company"].search([]):
            calendar = company.resource_calendar_id
            day = today or fields.Date.context_today(self.with_context(tz=calendar.tz or "UTC"))
            quarter = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
            first = WorkingTime.with_company(company).add_working_dates(
                quarter, 0, calendar=calendar
            )
            if day == first and not Campaign.search_count(
                [("company_id", "=", company.id), ("date_from", "=", quarter)]
            ):
                Campaign.create(
                    {
                        "name": self.env._(
                            "Satisfaction survey %(year)s Q%(quarter)s",
                            year=quarter.year,
                            quarter=(quarter.month - 1) // 3 + 1,
                        ),
                        "company_id": company.id,
                        "date_from": quarter,
                        "date_to": quarter + relativedelta(months=3) - timedelta(days=1),
                    }
                ).action_start()
        done = batches = 0
        sending = Campaign.search([("state", "=", "sending")], order="id")
        for campaign in sending:
            while campaign.state == "sending" and batches < max_batches:
                done += campaign.with_company(campaign.company_id)._send_batch()
                batches += 1
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=len(sending.filtered(lambda c: c.state == "sending"))
        )
        return done

    def _answered(self, visit):
        """A customer answered this campaign's questionnaire: under the
        threshold, its owner (the follow-up owner, else the customer's)
        gets an improvement to-do."""
        self.ensure_one()
        if not visit.satisfaction or int(visit.satisfaction) >= self.threshold:
            return
        owner = visit.user_id or visit.partner_id.with_company(self.company_id).followup_user_id
        visit.low_satisfaction = True
        if not owner:
            return
        visit.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self) + timedelta(days=7),
            summary=self.env._("Improve a low satisfaction"),
            note=self.env._(
                "%(customer)s scored %(score)s/5 in %(campaign)s: find out why with them and "
                "agree on improvements.",
                customer=visit.partner_id.display_name,
                score=visit.satisfaction,
                campaign=self.name,
            ),
            user_id=owner.id,
        )
