from odoo import fields, models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    followup_makeup_day_ids = fields.One2many(
        "customer.followup.makeup.day",
        "calendar_id",
        string="Make-up working days (调休)",
    )
