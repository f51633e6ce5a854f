from odoo import fields, models


class CustomerFollowupAnomalyHandover(models.TransientModel):
    """Hand a complaint over to another owner: the first-contact owner
    (首问负责) stays responsible until this is done, and it is logged."""

    _name = "customer.followup.anomaly.handover"
    _description = "Hand a Complaint Over"

    anomaly_id = fields.Many2one("customer.followup.anomaly", required=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users", string="New owner", required=True, domain="[('share', '=', False)]"
    )
    note = fields.Text("Reason", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.anomaly_id.check_access("write")
        self.anomaly_id._hand_over(self.user_id, self.note)
        return {"type": "ir.actions.act_window_close"}
