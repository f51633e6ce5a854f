import ast

from odoo import fields, models


class CustomerFollowupComplaintMailbox(models.Model):
    """The complaint mailbox of a company (投诉邮箱, 002 五(一)): an e-mail
    alias, e.g. complaints@, whose incoming mails become service anomalies
    of that company through Odoo's mail gateway."""

    _name = "customer.followup.complaint.mailbox"
    _description = "Complaint Mailbox"
    _inherit = ["mail.alias.mixin"]
    _order = "company_id, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, default=lambda self: self.env._("Complaints"))
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    show_handlers = fields.Boolean(
        related="company_id.followup_portal_show_handlers",
        readonly=False,
        string="Show handlers' names to customers",
    )
    anomaly_count = fields.Integer(compute="_compute_anomaly_count", string="Complaints received")

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one complaint mailbox."),
    ]

    def _compute_anomaly_count(self):
        groups = self.env["customer.followup.anomaly"]._read_group(
            [("company_id", "in", self.company_id.ids), ("source", "=", "email")],
            ["company_id"],
            ["__count"],
        )
        counts = {company.id: count for company, count in groups}
        for mailbox in self:
            mailbox.anomaly_count = counts.get(mailbox.company_id.id, 0)

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("customer.followup.anomaly")
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults.update({"company_id": self.company_id.id, "source": "email"})
            values["alias_defaults"] = defaults
        return values

    def write(self, vals):
        res = super().write(vals)
        if "company_id" in vals:
            for mailbox in self:
                # sudo: aliases are written by administrators only; the
                # mailbox's manager may move it to another company.
                mailbox.alias_id.sudo().write(
                    {"alias_defaults": mailbox._alias_get_creation_values()["alias_defaults"]}
                )
        return res
