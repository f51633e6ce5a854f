from odoo import api, fields, models
from odoo.exceptions import UserError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_retained_anomaly(self):
        """The documents of a closed anomaly (reports, findings, customer
        feedback) are archived with it for 3 years (003 第八条 (七))."""
        ids = {
            attachment.res_id
            for attachment in self.sudo()
            if attachment.res_model == "customer.followup.anomaly" and attachment.res_id
        }
        if not ids:
            return
        today = fields.Date.context_today(self)
        retained = (
            self.env["customer.followup.anomaly"]
            .sudo()
            .with_context(active_test=False)
            .browse(ids)
            .exists()
            .filtered(lambda a: a.retain_until and a.retain_until > today)
        )
        if retained:
            raise UserError(
                self.env._(
                    "The documents of %(anomaly)s must be kept until %(until)s.",
                    anomaly=retained[0].name,
                    until=retained[0].retain_until,
                )
            )
