from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

STATUSES = [
    ("ok", "On target"),
    ("warning", "Near target"),
    ("miss", "Off target"),
    ("no_target", "No target"),
    ("none", "No data"),
]


class CustomerFollowupKpiLine(models.TransientModel):
    """One line of the KPI overview: a KPI of SPEC §7 this month and last
    month against the company's target. Lines are rebuilt each time the
    overview is opened, for the user who opens it and with their rights."""

    _name = "customer.followup.kpi.line"
    _description = "Customer Follow-up KPI"
    _order = "sequence, id"

    sequence = fields.Integer()
    kpi = fields.Char(required=True, readonly=True)
    name = fields.Char("KPI", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    unit = fields.Char(readonly=True)
    higher_is_better = fields.Boolean(readonly=True)
    value = fields.Float("This month value", digits=(10, 2), readonly=True)
    value_display = fields.Char("This month", readonly=True)
    previous_value = fields.Float("Last month value", digits=(10, 2), readonly=True)
    previous_display = fields.Char("Last month", readonly=True)
    basis = fields.Char(
        "Based on", readonly=True, help="Numerator and denominator of this month's figure."
    )
    target = fields.Float("Target value", digits=(10, 2), readonly=True)
    target_display = fields.Char("Target", readonly=True)
    status = fields.Selection(STATUSES, readonly=True)
    previous_status = fields.Selection(STATUSES, "Last month's status", readonly=True)
    trend = fields.Selection(
        [("better", "Better"), ("worse", "Worse"), ("same", "Same"), ("none", "—")],
        readonly=True,
    )

    @api.model
    def _format(self, value, unit):
        if value is None:
            return "—"
        text = f"{value:g}" if unit != "%" else f"{value:.1f}"
        return f"{text} {unit}".strip()

    @api.model
    def _build(self, company, today=None):
        """Lines for ``company``: this calendar month so far and the last one."""
        today = today or fields.Date.context_today(self)
        this_from = today.replace(day=1)
        last_from = this_from - relativedelta(months=1)
        Kpi = self.env["customer.followup.kpi"]
        current = Kpi._compute(company, this_from, today)
        previous = Kpi._compute(company, last_from, this_from - relativedelta(days=1))
        vals_list = []
        for sequence, (key, label, unit, target_field, higher) in enumerate(Kpi._kpi_definitions()):
            value = current[key]["value"]
            before = previous[key]["value"]
            target = company[target_field] if target_field else 0.0
            if value is None or before is None or value == before:
                trend = "same" if value is not None and value == before else "none"
            else:
                trend = "better" if (value > before) == higher else "worse"
            basis = (
                f"{current[key]['numerator']:g} / {current[key]['denominator']:g}"
                if current[key]["denominator"]
                else "—"
            )
            vals_list.append(
                {
                    "sequence": sequence,
                    "kpi": key,
                    "name": label,
                    "company_id": company.id,
                    "unit": unit,
                    "higher_is_better": higher,
                    "value": value or 0.0,
                    "value_display": self._format(value, unit),
                    "previous_value": before or 0.0,
                    "previous_display": self._format(before, unit),
                    "basis": basis,
                    "target": target,
                    "target_display": (
                        ("≥ " if higher else "≤ ") + self._format(target, unit)
                        if target_field and (higher or target)
                        else "—"
                    ),
                    "status": Kpi._status(key, value, company),
                    "previous_status": Kpi._status(key, before, company),
                    "trend": trend,
                }
            )
        return self.create(vals_list)

    @api.model
    def action_open_overview(self):
        # Yesterday's lines are stale: a fresh overview each time it is opened.
        self.search([("create_uid", "=", self.env.uid)]).unlink()
        lines = self._build(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("KPI Overview"),
            "res_model": self._name,
            "view_mode": "kanban,list",
            "views": [(False, "kanban"), (False, "list")],
            "domain": [("id", "in", lines.ids)],
            "context": {"create": False, "edit": False, "delete": False},
        }
