from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    # A public holiday moves the working-day deadlines of open anomalies;
    # a leave of one resource does not.
    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._recompute_followup_deadlines(leaves._followup_global_calendars())
        return leaves

    def write(self, vals):
        calendars = self._followup_global_calendars()
        res = super().write(vals)
        self._recompute_followup_deadlines(calendars | self._followup_global_calendars())
        return res

    def unlink(self):
        calendars = self._followup_global_calendars()
        res = super().unlink()
        self._recompute_followup_deadlines(calendars)
        return res

    def _followup_global_calendars(self):
        return self.filtered(lambda leave: not leave.resource_id).calendar_id

    def _recompute_followup_deadlines(self, calendars):
        if calendars:
            self.env["customer.followup.anomaly"]._recompute_open_deadlines(calendars)
