from odoo import api, fields, models


class CustomerFollowupMakeupDay(models.Model):
    """A make-up working day (调休上班日): a weekend day that China's holiday
    schedule turns into a working day, e.g. the Saturday after a long
    holiday. Odoo's working calendars only know weekly attendances and
    leaves, so these days are kept beside the calendar and read by the
    working-day computations of follow-ups and anomalies."""

    _name = "customer.followup.makeup.day"
    _description = "Make-up Working Day"
    _order = "date desc, id"

    calendar_id = fields.Many2one(
        "resource.calendar", string="Working hours", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    date = fields.Date(required=True)
    name = fields.Char("Reason", required=True, translate=True, help="e.g. 春节调休上班")
    weekday_as = fields.Selection(
        [
            ("0", "Monday"),
            ("1", "Tuesday"),
            ("2", "Wednesday"),
            ("3", "Thursday"),
            ("4", "Friday"),
        ],
        string="Worked as",
        default="0",
        required=True,
        help="Which weekday's working hours apply on that day.",
    )

    _sql_constraints = [
        (
            "date_unique",
            "unique(calendar_id, date)",
            "A day can be a make-up working day only once per calendar.",
        ),
    ]

    @api.depends("date", "name")
    def _compute_display_name(self):
        for day in self:
            day.display_name = f"{day.date or ''} {day.name or ''}".strip()

    # A make-up day moves the working-day deadlines of open anomalies.
    @api.model_create_multi
    def create(self, vals_list):
        days = super().create(vals_list)
        days._recompute_anomaly_deadlines(days.calendar_id)
        return days

    def write(self, vals):
        calendars = self.calendar_id
        res = super().write(vals)
        self._recompute_anomaly_deadlines(calendars | self.calendar_id)
        return res

    def unlink(self):
        calendars = self.calendar_id
        res = super().unlink()
        self._recompute_anomaly_deadlines(calendars)
        return res

    def _recompute_anomaly_deadlines(self, calendars):
        if calendars:
            self.env["customer.followup.anomaly"]._recompute_open_deadlines(calendars)
