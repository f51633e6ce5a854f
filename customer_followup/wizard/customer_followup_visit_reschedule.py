from odoo import fields, models


class CustomerFollowupVisitReschedule(models.TransientModel):
    """Move a follow-up: the customer was unreachable or asked to be called
    back later (001: second and third follow-ups until answered)."""

    _name = "customer.followup.visit.reschedule"
    _description = "Reschedule a Follow-up"

    visit_id = fields.Many2one("customer.followup.visit", required=True, ondelete="cascade", index=True)
    new_date = fields.Datetime("New date", required=True)
    unreachable = fields.Boolean("Customer unreachable")
    reason = fields.Char(required=True, help="e.g. 客户在开会, call back after 15:30")

    def action_confirm(self):
        self.ensure_one()
        self.visit_id._reschedule(self.new_date, self.reason, unreachable=self.unreachable)
        return {"type": "ir.actions.act_window_close"}
