from odoo import api, fields, models

from .customer_followup_anomaly import STATES


class CustomerFollowupAnomalyStep(models.Model):
    """One step of an anomaly's closed loop: who moved it, when, and whether
    the step met its deadline. The timeline of the anomaly form, and the
    evidence of reporting and response timeliness (003 第十九条)."""

    _name = "customer.followup.anomaly.step"
    _description = "Service Anomaly Step"
    _order = "date desc, id desc"

    anomaly_id = fields.Many2one(
        "customer.followup.anomaly", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="anomaly_id.company_id", store=True)
    state = fields.Selection(STATES, string="Step", required=True)
    previous_state = fields.Selection(STATES, string="From")
    user_id = fields.Many2one("res.users", string="By", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    deadline = fields.Datetime()
    on_time = fields.Boolean(compute="_compute_on_time", store=True)
    note = fields.Char()

    @api.depends("date", "deadline")
    def _compute_on_time(self):
        for step in self:
            step.on_time = not step.deadline or step.date <= step.deadline

    @api.ondelete(at_uninstall=True)
    def _unlink_except_file_kept(self):
        """The timeline is the evidence of reporting and response timeliness:
        no access right deletes a step; code run as superuser is refused too
        while the anomaly's file is kept. Steps go with their anomaly."""
        self.env["customer.followup.anomaly"]._check_file_kept(self.anomaly_id.ids)
