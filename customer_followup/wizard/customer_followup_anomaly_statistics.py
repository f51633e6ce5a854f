from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerFollowupAnomalyStatistics(models.TransientModel):
    """Asks for the month of the anomaly statistics (003 第十五条)."""

    _name = "customer.followup.anomaly.statistics"
    _description = "Service Anomaly Statistics"

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)

    date_from = fields.Date("From", required=True, default=_default_date_from)
    date_to = fields.Date(
        "To",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(days=1),
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise UserError(self.env._("The period ends before it starts."))

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "customer_followup.action_report_customer_followup_anomaly_statistics"
        ).report_action(self)
