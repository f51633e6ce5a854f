from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerFollowupVisitAction(models.Model):
    """A problem found on a follow-up, passed the same day to the department
    that owns it and tracked to closure (SPEC §5, 记录→处理→反馈→验证)."""

    _name = "customer.followup.visit.action"
    _description = "Follow-up Problem Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_deadline, id"
    _check_company_auto = True

    name = fields.Char("Problem", required=True, tracking=True)
    visit_id = fields.Many2one(
        "customer.followup.visit", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="visit_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="visit_id.partner_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Owner", tracking=True, domain="[('share', '=', False)]"
    )
    date_deadline = fields.Date("Due date", tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Solved"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
    )
    result = fields.Text("Result fed back to the customer")

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reopen(self):
        self.write({"state": "open"})
        return True

    # Hook for the service-anomaly model (issue of anomalies): it extends
    # these two methods; until it is installed the button explains why.
    def _prepare_anomaly_vals(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "name": self.name,
            "user_id": self.user_id.id,
        }

    def action_create_anomaly(self):
        self.ensure_one()
        if "customer.followup.anomaly" not in self.env:
            raise UserError(self.env._("Service anomalies are not available in this database yet."))
        anomaly = self.env["customer.followup.anomaly"].create(self._prepare_anomaly_vals())
        self.message_post(
            body=self.env._("Service anomaly %(name)s created.", name=anomaly.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.followup.anomaly",
            "res_id": anomaly.id,
            "view_mode": "form",
        }

    @api.depends("name", "visit_id")
    def _compute_display_name(self):
        for action in self:
            action.display_name = f"{action.visit_id.name or ''}: {action.name or ''}"
