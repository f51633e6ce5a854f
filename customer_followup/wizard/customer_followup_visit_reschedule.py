from odoo import api, fields, models
from odoo.tools import format_datetime


class CustomerFollowupVisitReschedule(models.TransientModel):
    """Move a follow-up: the customer was unreachable or asked to be called
    back later (001: second and third follow-ups until answered). The new
    time is in a calling window of a working day, unless the customer asked
    for another time; the wizard proposes the owner's next free slots."""

    _name = "customer.followup.visit.reschedule"
    _description = "Reschedule a Follow-up"

    visit_id = fields.Many2one(
        "customer.followup.visit", required=True, ondelete="cascade", index=True
    )
    new_date = fields.Datetime(
        "New date",
        required=True,
        compute="_compute_new_date",
        store=True,
        readonly=False,
        precompute=True,
    )
    proposed_slots = fields.Text("Next free times", compute="_compute_proposed_slots")
    unreachable = fields.Boolean("Customer unreachable")
    customer_time = fields.Boolean(
        "The customer asked for this time",
        help="Outside the calling windows or on a day off: write the customer's words as reason.",
    )
    reason = fields.Char(required=True, help="e.g. 客户在开会, call back after 15:30")

    @api.depends("visit_id")
    def _compute_new_date(self):
        for wizard in self:
            slots = wizard.visit_id and wizard.visit_id._free_calling_slots(count=1)
            wizard.new_date = slots[0] if slots else wizard.new_date

    @api.depends("visit_id")
    def _compute_proposed_slots(self):
        for wizard in self:
            visit = wizard.visit_id
            if not visit:
                wizard.proposed_slots = False
                continue
            tz = visit.company_id.resource_calendar_id.tz or "UTC"
            wizard.proposed_slots = "\n".join(
                format_datetime(self.env, slot, tz=tz, dt_format="EEE yyyy-MM-dd HH:mm")
                for slot in visit._free_calling_slots()
            )

    def action_confirm(self):
        self.ensure_one()
        self.visit_id._reschedule(
            self.new_date,
            self.reason,
            unreachable=self.unreachable,
            customer_time=self.customer_time,
        )
        return {"type": "ir.actions.act_window_close"}
