from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

# Written only by the tier engine (as superuser): rules decide them.
_ENGINE_FIELDS = {
    "followup_tier_rule",
    "followup_sales_amount",
    "followup_sales_share",
}
# A manager's override of the rules.
_MANUAL_FIELDS = {
    "followup_tier_id",
    "followup_tier_manual",
    "followup_tier_manual_reason",
}
# Writes by people that change the outcome of the rules at once.
_RECOMPUTE_ON = _MANUAL_FIELDS | {"followup_flag_ids", "followup_cooperation_start"}
# Facts the rules read: maintained by follow-up staff.
_FACT_FIELDS = {
    "followup_flag_ids",
    "followup_cooperation_start",
    "followup_user_id",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Tiers are per company: one customer can be strategic for one company of
    # the group and normal for another, so these fields are company-dependent.
    followup_tier_id = fields.Many2one(
        "customer.followup.tier",
        string="Customer tier",
        company_dependent=True,
        check_company=True,
        tracking=True,
        help="Computed from the tier rules every night, unless set by hand.",
    )
    followup_tier_level = fields.Integer(
        related="followup_tier_id.level", string="Tier level"
    )
    followup_tier_color = fields.Integer(related="followup_tier_id.color")
    followup_tier_rule = fields.Char(
        "Tier decided by",
        company_dependent=True,
        tracking=True,
        readonly=True,
    )
    followup_tier_manual = fields.Boolean(
        "Tier set by hand",
        company_dependent=True,
        help="Keep the tier chosen by hand when tiers are recomputed.",
    )
    followup_tier_manual_reason = fields.Char(
        "Reason for the manual tier", company_dependent=True
    )
    followup_sales_amount = fields.Float(
        "Sales, last 12 months",
        company_dependent=True,
        readonly=True,
        digits="Product Price",
        help="Confirmed sales orders of the last 12 months, untaxed, in company currency.",
    )
    followup_sales_share = fields.Float(
        "Share of company sales (%)",
        company_dependent=True,
        readonly=True,
        digits=(5, 2),
    )
    followup_currency_id = fields.Many2one(
        "res.currency", compute="_compute_followup_currency_id"
    )
    followup_cooperation_start = fields.Date(
        "Cooperation since",
        company_dependent=True,
        help="Filled with the first confirmed order; change it when the "
        "cooperation started before.",
    )
    followup_cooperation_years = fields.Float(
        "Years of cooperation",
        compute="_compute_followup_cooperation_years",
        digits=(4, 1),
    )
    followup_flag_ids = fields.Many2many(
        "customer.followup.tier.flag",
        "res_partner_customer_followup_tier_flag_rel",
        "partner_id",
        "flag_id",
        string="Tier flags",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up owner",
        company_dependent=True,
        domain="[('share', '=', False)]",
        help="Customer-service specialist in charge of this customer's follow-ups.",
    )
    followup_contact_window = fields.Char(
        "Preferred contact window",
        help="When the customer prefers to be called, e.g. 周二、周四 10:00-11:30.",
    )
    followup_fewer_calls = fields.Boolean(
        "Prefers fewer calls",
        help="The customer dislikes frequent calls: phone follow-ups are made "
        "less often (001 篇一).",
    )

    def _compute_followup_currency_id(self):
        self.followup_currency_id = self.env.company.currency_id

    @api.depends("followup_cooperation_start")
    @api.depends_context("company")
    def _compute_followup_cooperation_years(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.followup_cooperation_years = _years_between(
                partner.followup_cooperation_start, today
            )

    @api.constrains("followup_tier_manual", "followup_tier_manual_reason", "followup_tier_id")
    def _check_followup_manual_tier(self):
        for partner in self.filtered("followup_tier_manual"):
            if not partner.followup_tier_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: choose the tier to keep when setting it by hand.",
                        partner=partner.display_name,
                    )
                )
            if not (partner.followup_tier_manual_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(partner)s: give the reason for setting the tier by hand.",
                        partner=partner.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Writes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_followup_write_rights(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_followup_write_rights(vals)
        if "followup_tier_id" in vals and not self.env.su:
            # Choosing a tier by hand is an override that rules must keep.
            vals = dict(vals, followup_tier_manual=vals.get("followup_tier_manual", True))
        res = super().write(vals)
        if not self.env.su and _RECOMPUTE_ON.intersection(vals):
            # Show at once which rule (or which reason) decides the tier.
            self.sudo()._followup_recompute_tiers()
        return res

    def _check_followup_write_rights(self, vals):
        if self.env.su:
            return
        user = self.env.user
        written = set(vals)
        if written & _ENGINE_FIELDS:
            raise AccessError(
                self.env._(
                    "Sales figures and the rule that decided a customer's tier are "
                    "computed; they cannot be written."
                )
            )
        if written & _MANUAL_FIELDS and not user.has_group(
            "customer_followup.group_customer_followup_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Follow-up managers can set a customer's tier by hand."
                )
            )
        if written & _FACT_FIELDS and not user.has_group(
            "customer_followup.group_customer_followup_user"
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Follow-up users can change a customer's tier "
                    "flags, cooperation start or follow-up owner."
                )
            )

    # ------------------------------------------------------------------
    # Tier engine
    # ------------------------------------------------------------------
    @api.model
    def _followup_tier_candidate_domain(self):
        """Customers that get a tier in the current company: commercial
        entities that were invoiced or have a confirmed order (themselves or
        through a contact), or that someone tiered by hand."""
        confirmed = [("state", "=", "sale"), ("company_id", "=", self.env.company.id)]
        return [
            ("parent_id", "=", False),
            ("company_id", "in", [False, self.env.company.id]),
            "|",
            "|",
            "|",
            ("customer_rank", ">", 0),
            ("followup_tier_manual", "=", True),
            ("sale_order_ids", "any", confirmed),
            ("child_ids.sale_order_ids", "any", confirmed),
        ]

    @api.model
    def _followup_sales_window(self):
        today = fields.Date.context_today(self)
        return today, today - relativedelta(years=1)

    @api.model
    def _followup_company_sales_total(self, since):
        """Confirmed untaxed sales of the current company since ``since``, in
        company currency."""
        self.env["sale.order"].flush_model(
            ["amount_untaxed", "currency_rate", "state", "date_order", "company_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(amount_untaxed / COALESCE(NULLIF(currency_rate, 0), 1)), 0)
                  FROM sale_order
                 WHERE company_id = %s AND state = 'sale' AND date_order >= %s
                """,
                self.env.company.id,
                since,
            )
        )
        return rows[0][0]

    def _followup_sales_stats(self, since):
        """``{commercial partner id: (12-month sales, first order datetime)}``
        for these partners in the current company, in one query."""
        self.env["sale.order"].flush_model(
            ["amount_untaxed", "currency_rate", "state", "date_order", "company_id", "partner_id"]
        )
        self.flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                                FILTER (WHERE so.date_order >= %(since)s), 0),
                       MIN(so.date_order)
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND p.commercial_partner_id = ANY(%(ids)s)
                 GROUP BY p.commercial_partner_id
                """,
                since=since,
                company=self.env.company.id,
                ids=self.ids,
            )
        )
        return {pid: (amount, first) for pid, amount, first in rows}

    def _followup_recompute_tiers(self):
        """Classify these customers in the current company and write what
        changed: a change from one tier to another is tracked in the chatter
        with the rule that decided; first classifications and figures that
        merely moved are written without tracking.

        A bounded number of queries whatever the number of partners: two
        aggregates, the reads of the batch and grouped updates.
        """
        if not self:
            return
        company = self.env.company
        tiers = (
            self.env["customer.followup.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], order="level, id")
        )
        if not tiers:
            return
        today, since = self._followup_sales_window()
        total = self._followup_company_sales_total(since)
        stats = self._followup_sales_stats(since)
        Tier = self.env["customer.followup.tier"]
        tracked = defaultdict(list)
        quiet = defaultdict(list)
        for partner in self:
            amount, first_order = stats.get(partner.id, (0.0, None))
            start = partner.followup_cooperation_start or (
                first_order and first_order.date()
            )
            share = amount * 100.0 / total if total else 0.0
            facts = {
                "amount": amount,
                "share": share,
                "years": _years_between(start, today),
                "flag_ids": set(partner.followup_flag_ids.ids),
            }
            if partner.followup_tier_manual and partner.followup_tier_id:
                tier = partner.followup_tier_id
                rule = self.env._(
                    "%(tier)s: set by hand (%(reason)s)",
                    tier=tier.name,
                    reason=partner.followup_tier_manual_reason or "",
                )
            else:
                tier, rule = Tier._classify(tiers, facts)
            figures = {}
            if round(partner.followup_sales_amount, 2) != round(amount, 2):
                figures["followup_sales_amount"] = amount
            if round(partner.followup_sales_share, 2) != round(share, 2):
                figures["followup_sales_share"] = share
            if start and not partner.followup_cooperation_start:
                figures["followup_cooperation_start"] = start
            if partner.followup_tier_id and partner.followup_tier_id != tier:
                tracked[(tier.id, rule)].append(partner.id)
            elif partner.followup_tier_id != tier or partner.followup_tier_rule != rule:
                # A first classification, or the same tier for a new reason
                # (the share moved): worth no chatter entry.
                figures.update(followup_tier_id=tier.id, followup_tier_rule=rule)
            if figures:
                quiet[tuple(sorted(figures.items()))].append(partner.id)
        for items, ids in quiet.items():
            # These fields belong to the engine alone and nothing reacts to
            # them, so the plain ORM write is enough: res.partner's own
            # write() would sync users and children record by record, two
            # queries per customer. The ORM flushes all these writes as
            # grouped UPDATE ... FROM (VALUES ...) statements.
            models.Model.write(self.browse(ids), dict(items))
        for (tier_id, rule), ids in tracked.items():
            self.browse(ids).write({"followup_tier_id": tier_id, "followup_tier_rule": rule})
        self.env.flush_all()

    def action_followup_recompute_tier(self):
        self.sudo()._followup_recompute_tiers()
        return True

    # ------------------------------------------------------------------
    # Service anomalies
    # ------------------------------------------------------------------
    followup_anomaly_count = fields.Integer(
        "Service anomalies",
        compute="_compute_followup_anomaly_count",
        groups="customer_followup.group_customer_followup_user",
    )

    def _compute_followup_anomaly_count(self):
        data = self.env["customer.followup.anomaly"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {}
        for partner, count in data:
            key = partner.commercial_partner_id.id
            counts[key] = counts.get(key, 0) + count
        for partner in self:
            partner.followup_anomaly_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_followup_anomalies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.customer_followup_anomaly_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action


def _years_between(start, today):
    """Years from ``start`` to ``today`` as a float: whole years exactly on
    anniversaries, so that the 2- and 5-year rules hold on the day."""
    if not start or start > today:
        return 0.0
    delta = relativedelta(today, start)
    return delta.years + delta.months / 12.0 + delta.days / 365.25
