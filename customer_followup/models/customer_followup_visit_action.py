from odoo import api, fields, models

from .customer_followup_anomaly import CATEGORIES
from .sent_values import check_date_range, check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields


class CustomerFollowupVisitAction(models.Model):
    """A problem found on a follow-up, passed the same day to the department
    that owns it and tracked to closure (SPEC §5, 记录→处理→反馈→验证)."""

    _name = "customer.followup.visit.action"
    _description = "Follow-up Problem Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_deadline, id"
    _check_company_auto = True

    name = fields.Char("Problem", required=True, tracking=True)
    # The anomaly categories (003 第六条), so that the analysis report can
    # count the most frequent problems across follow-ups and anomalies.
    category = fields.Selection(CATEGORIES, tracking=True)
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

    @api.constrains("name", "result")
    def _check_text_lengths(self):
        check_text_lengths(self, ["name", "result"])

    @api.constrains("date_deadline")
    def _check_date_range(self):
        check_date_range(self, ["date_deadline"])

    @api.model
    def _workflow_fields(self):
        """The problem's company and customer are its follow-up's (related
        fields, refused as computed): people set the rest."""
        return ()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_fields(self, vals, new=True)
            check_sent_values(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        refuse_workflow_fields(self, vals)
        check_sent_values(self, vals)
        return super().write(vals)

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reopen(self):
        self.write({"state": "open"})
        return True

    def _prepare_anomaly_vals(self):
        """What a service anomaly raised from this problem starts with."""
        self.ensure_one()
        visit = self.visit_id
        return {
            "partner_id": self.partner_id.id,
            "contact_id": visit.contact_id.id,
            "company_id": self.company_id.id,
            "source": "visit",
            "visit_id": visit.id,
            "visit_action_id": self.id,
            "description": self.name,
            "category": self.category,
            "user_id": self.user_id.id or self.env.uid,
        }

    def action_create_anomaly(self):
        """Open a new service anomaly filled from this problem: the
        specialist chooses its category and severity, and saving it starts
        the clocks."""
        self.ensure_one()
        context = {f"default_{key}": value for key, value in self._prepare_anomaly_vals().items()}
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a service anomaly"),
            "res_model": "customer.followup.anomaly",
            "view_mode": "form",
            "target": "current",
            "context": context,
        }

    @api.depends("name", "visit_id")
    def _compute_display_name(self):
        for action in self:
            action.display_name = f"{action.visit_id.name or ''}: {action.name or ''}"
