from odoo import api, fields, models
from odoo.exceptions import UserError

# The event fields that place it in time: a change of one of them may move
# the event's start, which moves its follow-up.
TIME_FIELDS = frozenset({"start", "stop", "start_date", "stop_date", "allday", "duration"})
# Set by the follow-up that owns the event, never by a client.
FOLLOWUP_FIELDS = ("followup_visit_id", "followup_kind")


class CalendarEvent(models.Model):
    """A follow-up's entry in the Odoo calendar: moved with its follow-up,
    and moving it moves the follow-up (under the same rules)."""

    _inherit = "calendar.event"

    followup_visit_id = fields.Many2one(
        "customer.followup.visit",
        string="Follow-up",
        readonly=True,
        copy=False,
        index="btree_not_null",
        # The follow-up's event goes with it (a follow-up is deleted only
        # while nothing was done on it, or at uninstall).
        ondelete="cascade",
    )
    followup_kind = fields.Selection(
        [("meeting", "Meeting with the customer"), ("call", "Call (owner's calendar only)")],
        string="Follow-up kind",
        readonly=True,
        copy=False,
        help="Meetings (on-site, executive and video follow-ups) invite the customer's "
        "contact with the .ics; calls only stand in the owner's calendar, without e-mail.",
    )

    def _skip_send_mail_status_update(self):
        # A call is planned in the owner's calendar only: no invitation,
        # change of date or reminder is e-mailed for it.
        return super()._skip_send_mail_status_update() or self.followup_kind == "call"

    @api.model
    def _refuse_followup_fields(self, vals):
        if any(name in vals for name in FOLLOWUP_FIELDS):
            raise UserError(
                self.env._(
                    "The follow-up of a calendar event is set by the follow-up itself "
                    "and cannot be written."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._refuse_followup_fields(vals)
        return super().create(vals_list)

    @api.model
    def _create_from_followup(self, vals_list):
        """Create the events of follow-ups (with their link). Private: no
        client can call it."""
        return super().create(vals_list)

    def write(self, vals):
        self._refuse_followup_fields(vals)
        result = super().write(vals)
        if TIME_FIELDS & set(vals):
            for event in self.filtered("followup_visit_id"):
                visit = event.followup_visit_id
                if event.active and event.start != visit.scheduled_date:
                    visit._move_from_calendar(event.start)
        return result

    def _write_from_followup(self, vals):
        """Write what the follow-up changed (its time, owner, attendees,
        cancellation), without moving the follow-up back: the follow-up is
        already where the event goes. Private: no client can call it."""
        return super().write(vals)
