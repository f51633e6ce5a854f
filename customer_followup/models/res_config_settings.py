import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

WINDOWS_RE = re.compile(
    r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*(,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*)*$"
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Special handling of service anomalies (003 第十二条), per company.
    followup_rnd_user_ids = fields.Many2many(
        related="company_id.followup_rnd_user_ids", readonly=False
    )
    followup_supply_user_ids = fields.Many2many(
        related="company_id.followup_supply_user_ids", readonly=False
    )
    followup_legal_user_ids = fields.Many2many(
        related="company_id.followup_legal_user_ids", readonly=False
    )
    followup_finance_user_ids = fields.Many2many(
        related="company_id.followup_finance_user_ids", readonly=False
    )

    followup_target_followup_rate = fields.Float(
        related="company_id.followup_target_followup_rate", readonly=False
    )
    followup_target_satisfaction = fields.Float(
        related="company_id.followup_target_satisfaction", readonly=False
    )
    followup_satisfaction_warning = fields.Float(
        related="company_id.followup_satisfaction_warning", readonly=False
    )
    followup_target_resolution_rate = fields.Float(
        related="company_id.followup_target_resolution_rate", readonly=False
    )
    followup_target_confirmation_rate = fields.Float(
        related="company_id.followup_target_confirmation_rate", readonly=False
    )
    followup_target_anomaly_incidence = fields.Float(
        related="company_id.followup_target_anomaly_incidence", readonly=False
    )
    followup_target_on_time = fields.Float(
        related="company_id.followup_target_on_time", readonly=False
    )
    followup_target_handling_hours = fields.Float(
        related="company_id.followup_target_handling_hours", readonly=False
    )
    followup_target_repair_on_time = fields.Float(
        related="company_id.followup_target_repair_on_time", readonly=False
    )
    followup_target_repair_success = fields.Float(
        related="company_id.followup_target_repair_success", readonly=False
    )
    followup_repeat_repair_days = fields.Integer(
        related="company_id.followup_repeat_repair_days", readonly=False
    )
    followup_fewer_calls_keep = fields.Integer(
        related="company_id.followup_fewer_calls_keep", readonly=False
    )
    followup_fewer_calls_channel = fields.Selection(
        related="company_id.followup_fewer_calls_channel", readonly=False
    )
    followup_company_head_id = fields.Many2one(
        related="company_id.followup_company_head_id", readonly=False
    )
    followup_calling_windows = fields.Char(
        "Calling windows",
        config_parameter="customer_followup.calling_windows",
        default="10:00-11:30,15:30-17:00",
        help="Local times when customers are called, e.g. 10:00-11:30,15:30-17:00.",
    )

    @api.constrains("followup_calling_windows")
    def _check_followup_parameters(self):
        for settings in self:
            windows = settings.followup_calling_windows
            if windows and not WINDOWS_RE.match(windows):
                raise ValidationError(
                    self.env._(
                        "Calling windows must read like 10:00-11:30,15:30-17:00, not %(value)s.",
                        value=windows,
                    )
                )

    @api.constrains(
        "followup_target_followup_rate",
        "followup_target_satisfaction",
        "followup_satisfaction_warning",
        "followup_target_resolution_rate",
        "followup_target_confirmation_rate",
        "followup_target_on_time",
        "followup_target_anomaly_incidence",
        "followup_target_handling_hours",
        "followup_target_repair_on_time",
        "followup_target_repair_success",
        "followup_repeat_repair_days",
    )
    def _check_followup_targets(self):
        for settings in self:
            rates = [
                settings.followup_target_followup_rate,
                settings.followup_target_satisfaction,
                settings.followup_satisfaction_warning,
                settings.followup_target_resolution_rate,
                settings.followup_target_confirmation_rate,
                settings.followup_target_on_time,
                settings.followup_target_repair_on_time,
                settings.followup_target_repair_success,
            ]
            if any(rate < 0 or rate > 100 for rate in rates):
                raise ValidationError(self.env._("KPI targets are percentages between 0 and 100."))
            if (
                settings.followup_target_anomaly_incidence < 0
                or settings.followup_target_handling_hours < 0
            ):
                raise ValidationError(self.env._("KPI limits cannot be negative."))
            if settings.followup_repeat_repair_days < 1:
                raise ValidationError(
                    self.env._("A repeat repair is looked for at least one day after a repair.")
                )
            if settings.followup_satisfaction_warning > settings.followup_target_satisfaction:
                raise ValidationError(
                    self.env._("The satisfaction warning threshold cannot exceed its target.")
                )
