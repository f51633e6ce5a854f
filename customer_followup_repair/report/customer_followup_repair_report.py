"""After-sales repair figures (002 七 考核指标: 维修及时率, 维修成功率).

Every read of repair orders for the KPIs is in this file, so that it moves
as one into the Repair bridge addon: the analysis model behind the pivot and
graph, and the two KPIs it gives the overview and the analysis report."""

from odoo import api, fields, models
from odoo.tools import SQL


class CustomerFollowupRepairReport(models.Model):
    """One line per repair order that is not cancelled: whether it was
    finished by its scheduled date and whether the customer brought the same
    product back within the company's repeat days (30 by default). The
    rates are averages of 100 (yes) and 0 (no), so the pivot gives the rate
    of any group; a repair not finished yet has none."""

    _name = "customer.followup.repair.report"
    _description = "After-sales Repair Analysis"
    _auto = False
    _order = "repaired_at desc, id desc"
    _rec_name = "name"

    repair_id = fields.Many2one("repair.order", "Repair order", readonly=True)
    name = fields.Char("Repair reference", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tier_id = fields.Many2one("customer.followup.tier", "Customer tier", readonly=True)
    product_id = fields.Many2one("product.product", "Product", readonly=True)
    lot_id = fields.Many2one("stock.lot", "Lot / serial number", readonly=True)
    state = fields.Selection(
        selection=lambda self: (
            self.env["repair.order"]._fields["state"]._description_selection(self.env)
        ),
        readonly=True,
    )
    schedule_date = fields.Datetime("Scheduled date", readonly=True)
    repaired_at = fields.Datetime("Repaired on", readonly=True)
    on_time = fields.Boolean(
        "Repaired on time",
        readonly=True,
        help="Finished on or before its scheduled date (dates in the company's time zone).",
    )
    repeat_repair_id = fields.Many2one(
        "repair.order",
        "Repeat repair",
        readonly=True,
        help="The first repair of the same product for the same customer scheduled "
        "within the company's repeat days after this one was finished.",
    )
    successful = fields.Boolean(
        readonly=True, help="Finished, and the customer did not bring the product back."
    )
    on_time_rate = fields.Float(
        "On-time repair rate (%)", readonly=True, aggregator="avg", digits=(5, 1)
    )
    success_rate = fields.Float(
        "Repair success rate (%)", readonly=True, aggregator="avg", digits=(5, 1)
    )

    _depends = {
        "repair.order": [
            "name",
            "company_id",
            "user_id",
            "partner_id",
            "product_id",
            "lot_id",
            "state",
            "schedule_date",
            "followup_repaired_at",
            "move_id",
        ],
        "res.company": ["followup_repeat_repair_days", "resource_calendar_id"],
        "res.partner": ["commercial_partner_id", "followup_tier_id"],
    }

    @property
    def _table_query(self):
        # Dates are compared in the company's time zone: a repair scheduled
        # for 10 October and finished that evening is on time, a repeat on
        # day 30 after a repair is within 30 days and one on day 31 is not.
        # A repeat is dated by its scheduled date, which Odoo sets to the
        # moment the repair is registered unless it is planned for later.
        # Repairs finished before `followup_repaired_at` existed use the
        # date of their product's move, or their last change.
        return SQL(
            """
            WITH repairs AS (
                SELECT r.id, r.name, r.company_id, r.user_id, r.product_id, r.lot_id,
                       r.state, r.schedule_date,
                       p.commercial_partner_id AS partner_id,
                       (cp.followup_tier_id ->> r.company_id::text)::integer AS tier_id,
                       CASE WHEN r.state = 'done'
                            THEN COALESCE(r.followup_repaired_at, m.date, r.write_date)
                       END AS repaired_at,
                       COALESCE(cal.tz, 'UTC') AS tz,
                       c.followup_repeat_repair_days AS repeat_days
                  FROM repair_order r
                  JOIN res_company c ON c.id = r.company_id
                  LEFT JOIN resource_calendar cal ON cal.id = c.resource_calendar_id
                  LEFT JOIN res_partner p ON p.id = r.partner_id
                  LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  LEFT JOIN stock_move m ON m.id = r.move_id
                 WHERE r.state != 'cancel'
            ), judged AS (
                SELECT r.*,
                       (r.repaired_at AT TIME ZONE 'UTC' AT TIME ZONE r.tz)::date
                           <= (r.schedule_date AT TIME ZONE 'UTC' AT TIME ZONE r.tz)::date
                           AS on_time,
                       repeat.id AS repeat_repair_id,
                       r.repaired_at IS NOT NULL AND r.product_id IS NOT NULL
                           AND r.partner_id IS NOT NULL AS judgeable
                  FROM repairs r
                  LEFT JOIN LATERAL (
                        SELECT n.id
                          FROM repairs n
                         WHERE r.repaired_at IS NOT NULL
                           AND n.id != r.id
                           AND n.company_id = r.company_id
                           AND n.partner_id = r.partner_id
                           AND n.product_id = r.product_id
                           AND (n.lot_id IS NULL OR r.lot_id IS NULL OR n.lot_id = r.lot_id)
                           AND n.schedule_date > r.repaired_at
                           AND (n.schedule_date AT TIME ZONE 'UTC' AT TIME ZONE r.tz)::date
                               - (r.repaired_at AT TIME ZONE 'UTC' AT TIME ZONE r.tz)::date
                               <= r.repeat_days
                         ORDER BY n.schedule_date, n.id
                         LIMIT 1
                  ) repeat ON TRUE
            )
            SELECT id, id AS repair_id, name, company_id, user_id, partner_id, tier_id,
                   product_id, lot_id, state, schedule_date, repaired_at, on_time,
                   repeat_repair_id,
                   judgeable AND repeat_repair_id IS NULL AS successful,
                   CASE WHEN repaired_at IS NOT NULL
                        THEN CASE WHEN on_time THEN 100.0 ELSE 0.0 END
                   END AS on_time_rate,
                   CASE WHEN judgeable
                        THEN CASE WHEN repeat_repair_id IS NULL THEN 100.0 ELSE 0.0 END
                   END AS success_rate
              FROM judged
            """
        )

    @api.model
    def _kpi_domain(self, company, start, stop, tiers=None, users=None):
        """Repairs of ``company`` finished in [start, stop), of the customers
        of ``tiers`` and the repairs ``users`` are responsible for."""
        # The lines carry company, tier and responsible as follow-ups do.
        return self.env["customer.followup.kpi"]._visit_domain(company, tiers, users) + [
            ("repaired_at", ">=", start),
            ("repaired_at", "<", stop),
        ]

    @api.model
    def _kpi_figures(self, company, start, stop, tiers=None, users=None):
        """(on time, finished) and (successful, judged) repairs of the period."""
        domain = self._kpi_domain(company, start, stop, tiers, users)
        on_time = dict(self._read_group(domain, ["on_time"], ["__count"]))
        success = dict(
            self._read_group(
                domain + [("product_id", "!=", False), ("partner_id", "!=", False)],
                ["successful"],
                ["__count"],
            )
        )
        return (
            (on_time.get(True, 0), sum(on_time.values())),
            (success.get(True, 0), sum(success.values())),
        )


class CustomerFollowupKpi(models.AbstractModel):
    """The repair KPIs of 002 七 in the KPI overview and the analysis report."""

    _inherit = "customer.followup.kpi"

    @api.model
    def _kpi_definitions(self):
        definitions = super()._kpi_definitions()
        _ = self.env._
        after = [key for key, *_rest in definitions].index("response_hours") + 1
        definitions[after:after] = [
            (
                "repair_on_time",
                _("On-time repair rate"),
                "%",
                "followup_target_repair_on_time",
                True,
            ),
            (
                "repair_success",
                _("Repair success rate"),
                "%",
                "followup_target_repair_success",
                True,
            ),
        ]
        return definitions

    @api.model
    def _compute(self, company, date_from, date_to, tiers=None, users=None):
        result = super()._compute(company, date_from, date_to, tiers, users)
        start, stop = self._period_bounds(date_from, date_to)
        (on_time, finished), (successful, judged) = self.env[
            "customer.followup.repair.report"
        ]._kpi_figures(company, start, stop, tiers, users)
        result["repair_on_time"] = self._ratio(on_time, finished)
        result["repair_success"] = self._ratio(successful, judged)
        result["_figures"].update(
            repairs=finished, repairs_on_time=on_time, repairs_repeated=judged - successful
        )
        return result
