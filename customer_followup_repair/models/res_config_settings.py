from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .repair_order import SERVICE_FOLLOWUP_DAYS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_service_days = fields.Integer(
        "Follow up a repair within (days)",
        config_parameter="customer_followup.service_followup_days",
        default=SERVICE_FOLLOWUP_DAYS,
    )

    @api.constrains("followup_service_days")
    def _check_followup_service_days(self):
        for settings in self:
            if settings.followup_service_days < 1:
                raise ValidationError(
                    self.env._("A repair is followed up at least one day after it is done.")
                )
