from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime

from .batch_clock import BatchClock
from .customer_followup_visit import OPEN_STATES

# Channels met in person or on screen: the customer's contact is invited
# (with the .ics); executive follow-ups are meetings whatever their channel.
MEETING_CHANNELS = ("onsite", "video")
# Calls stand in the owner's calendar only, without inviting the customer.
CALL_CHANNELS = ("phone",)
# How long each kind of follow-up holds its place in the calendar (hours).
DURATIONS = {"onsite": 2.0, "video": 1.0, "executive": 1.0, "phone": 0.5}
# Follow-ups planned by the application (plans, deliveries, repairs: they
# carry a period key and are inserted in bulk) get their event from the
# hourly job once they are this close (days); those people create get it
# at once.
CALENDAR_HORIZON_DAYS = 30
# Events per run of the job: an event costs about 10 ms of a quiet 2-core
# machine, so that a batch takes about 1.5 s there.
CALENDAR_BATCH = 150
# Events created together, between two looks at the batch's elapsed time:
# while 50 people worked on a slow 2-core machine an event cost 230 ms
# (make load: 150 took 35 s), so that the batch ends within 5 s then too.
CALENDAR_CHUNK = 10
# A batch starts no new chunk after this long (elapsed seconds). Odoo runs a
# job that reports work left up to 10 batches in a row, then again at the
# cron thread's next poll (a minute): with 1.5 s batches a catch-up of a
# year's plan held a third of a core while people worked (make load); with
# 0.5 s it takes less than a tenth and still puts about 25,000 events an
# hour in the calendar on a quiet machine.
CALENDAR_SECONDS = 0.5
# The follow-up's fields its event is made of.
EVENT_SOURCE_FIELDS = frozenset(
    {
        "scheduled_date",
        "user_id",
        "participant_ids",
        "contact_id",
        "partner_id",
        "channel",
        "trigger",
        "state",
    }
)


class CustomerFollowupVisit(models.Model):
    """Follow-ups in the Odoo calendar (``calendar.event``).

    On-site, executive and video follow-ups are meetings: their owner,
    participants and the customer's contact are attendees, and Odoo's
    calendar e-mails each attendee its invitation with the .ics (its
    attendee mail templates). Phone follow-ups stand in the owner's (and
    participants') calendar without inviting the customer or sending any
    e-mail. The event moves, changes and is cancelled with its follow-up;
    dragging the event in the calendar moves the follow-up, under the
    rescheduling rules (a calling window of a working day)."""

    _inherit = "customer.followup.visit"

    calendar_event_ids = fields.One2many(
        "calendar.event", "followup_visit_id", string="Calendar events", readonly=True
    )
    calendar_event_count = fields.Integer(
        "In the calendar", compute="_compute_calendar_event_count"
    )

    @api.depends("calendar_event_ids")
    def _compute_calendar_event_count(self):
        for visit in self:
            visit.calendar_event_count = len(visit.calendar_event_ids)

    @api.model
    def _workflow_fields(self):
        return (*super()._workflow_fields(), "calendar_event_ids")

    # ------------------------------------------------------------------
    # Writes that move the event
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        # Planned by the application (a period key): the hourly job puts
        # them in the calendar when they come near (CALENDAR_HORIZON_DAYS).
        visits.filtered(lambda v: not v.period_key)._sync_calendar_events()
        return visits

    def write(self, vals):
        result = super().write(vals)
        if EVENT_SOURCE_FIELDS & set(vals):
            self._sync_calendar_events()
        return result

    def _write_workflow(self, vals, sync_calendar=True):
        """As the follow-up's own steps write; ``sync_calendar=False`` when
        the change comes from the follow-up's event itself (dragged in the
        calendar), which is already where it belongs."""
        result = super()._write_workflow(vals)
        if sync_calendar and EVENT_SOURCE_FIELDS & set(vals):
            self._sync_calendar_events()
        return result

    def _move_from_calendar(self, new_date):
        """The follow-up's event was moved in the calendar to ``new_date``
        (naive UTC): the follow-up follows, under the rescheduling rules
        (not into the past, in a calling window of a working day; a time
        the customer asked for goes through *Reschedule*)."""
        self.ensure_one()
        if self.state not in OPEN_STATES:
            raise UserError(
                self.env._(
                    "%(visit)s is closed: its calendar event cannot be moved.",
                    visit=self.display_name,
                )
            )
        self._check_new_time(new_date, in_calendar=True)
        self._write_workflow(self._new_time_vals(new_date), sync_calendar=False)
        self.message_post(
            body=self.env._(
                "Moved to %(date)s in the calendar by %(user)s.",
                date=format_datetime(
                    self.env,
                    new_date,
                    tz=self.company_id.resource_calendar_id.tz or "UTC",
                    dt_format="yyyy-MM-dd HH:mm",
                ),
                user=self.env.user.name,
            )
        )

    # ------------------------------------------------------------------
    # The event of a follow-up
    # ------------------------------------------------------------------
    def _calendar_kind(self):
        """``"meeting"``, ``"call"`` or False (no event: e-mail, message and
        questionnaire follow-ups are no appointment)."""
        self.ensure_one()
        if self.trigger == "executive" or self.channel in MEETING_CHANNELS:
            return "meeting"
        if self.channel in CALL_CHANNELS:
            return "call"
        return False

    @api.model
    def _calendar_domain(self):
        """Follow-ups that have an event, as a domain."""
        return [
            "|",
            ("trigger", "=", "executive"),
            ("channel", "in", (*MEETING_CHANNELS, *CALL_CHANNELS)),
        ]

    def _calendar_partners(self):
        """The attendees: the owner and participants; for a meeting, also
        the customer's contact (the customer itself when no contact is set)."""
        self.ensure_one()
        partners = (self.user_id | self.participant_ids).partner_id
        if self._calendar_kind() == "meeting":
            partners |= self.contact_id or self.partner_id
        return partners

    def _calendar_event_vals(self):
        self.ensure_one()
        kind = self._calendar_kind()
        # Named in the owner's language: it is their calendar (Odoo's
        # templates write each attendee's e-mail in the attendee's).
        env = self.with_context(lang=self.user_id.lang or self.env.lang).env
        channels = dict(self._fields["channel"]._description_selection(env))
        triggers = dict(self._fields["trigger"]._description_selection(env))
        hours = DURATIONS.get(self.channel, DURATIONS["executive"])
        if self.trigger == "executive":
            hours = max(hours, DURATIONS["executive"])
        address = ""
        if self.channel == "onsite":
            lines = self.partner_id._display_address(without_company=True).splitlines()
            address = ", ".join(line.strip() for line in lines if line.strip())
        description = env._(
            "%(trigger)s follow-up %(reference)s with %(customer)s.",
            trigger=triggers.get(self.trigger, ""),
            reference=self.name,
            customer=self.partner_id.display_name,
        )
        return {
            "name": env._(
                "%(channel)s: %(customer)s (%(reference)s)",
                channel=channels.get(self.channel, ""),
                customer=self.partner_id.name or "",
                reference=self.name,
            ),
            "start": self.scheduled_date,
            "stop": self.scheduled_date + timedelta(hours=hours),
            "user_id": self.user_id.id,
            "partner_ids": [Command.set(self._calendar_partners().ids)],
            "location": address or False,
            "description": Markup("<p>%s</p>") % description,
            "followup_kind": kind,
            # Colleagues see the owner busy; the attendees see the follow-up.
            "privacy": "private",
        }

    def _sync_calendar_events(self):
        """Bring each follow-up's event in line with it: created for an open
        meeting or call that has none, moved and updated when the follow-up
        changed, archived (the invited told) when the follow-up is cancelled
        or no longer an appointment. A follow-up that is done keeps its
        event as it was."""
        to_create = self.browse()
        for visit in self:
            if visit.state == "done":
                continue
            kind = visit.state in OPEN_STATES and visit._calendar_kind()
            # sudo: the event follows its follow-up: whoever may change the
            # follow-up moves its event, even one its owner made private.
            events = visit.calendar_event_ids.sudo()
            if not kind:
                visit._archive_calendar_events(events)
            elif not events:
                # No owner, no one's calendar: the event comes with the owner.
                if visit.user_id:
                    to_create |= visit
            else:
                visit._update_calendar_events(events)
        if to_create:
            model_id = self.env["ir.model"]._get_id(self._name)
            # Created by whoever plans the follow-up: Odoo's calendar e-mails
            # each attendee but them their invitation.
            # sudo: the event is private to its attendees (follow-up records
            # are confidential, 001 篇五), and whoever plans it for a
            # colleague may not create a private event they do not attend.
            self.env["calendar.event"].sudo()._create_from_followup(
                [
                    # No "Meeting" to-do on the follow-up: its owner already
                    # has the call or visit on their list.
                    dict(
                        visit._calendar_event_vals(),
                        followup_visit_id=visit.id,
                        # The event form's button opens the follow-up.
                        res_model_id=model_id,
                        res_id=visit.id,
                        activity_ids=[Command.clear()],
                    )
                    for visit in to_create
                ]
            )
        return True

    def _update_calendar_events(self, events):
        self.ensure_one()
        wanted = self._calendar_event_vals()
        for event in events:
            vals = {}
            if event.start != self.scheduled_date:
                vals.update(
                    start=wanted["start"], stop=event.stop + (self.scheduled_date - event.start)
                )
            for fname in ("name", "user_id", "followup_kind", "location"):
                current = event[fname].id if fname == "user_id" else event[fname]
                if (current or False) != wanted[fname]:
                    vals[fname] = wanted[fname]
            if "followup_kind" in vals:
                # A call became a meeting (or back): its length with it.
                vals.update(start=wanted["start"], stop=wanted["stop"])
            if event.partner_ids != self._calendar_partners():
                vals["partner_ids"] = wanted["partner_ids"]
            if vals:
                event._write_from_followup(vals)

    def _archive_calendar_events(self, events):
        """Take the follow-up out of the calendar; those who were invited
        are told it is cancelled."""
        self.ensure_one()
        if not events:
            return
        for event in events.filtered(lambda e: e.followup_kind == "meeting"):
            invited = event.partner_ids - self.user_id.partner_id - self.env.user.partner_id
            if invited and event.start > fields.Datetime.now():
                event.message_notify(
                    partner_ids=invited.ids,
                    subject=self.env._("Cancelled: %(event)s", event=event.name),
                    body=self.env._(
                        "%(event)s on %(date)s is cancelled.",
                        event=event.name,
                        date=format_datetime(
                            self.env,
                            event.start,
                            tz=self.company_id.resource_calendar_id.tz or "UTC",
                            dt_format="yyyy-MM-dd HH:mm",
                        ),
                    ),
                )
        events._write_from_followup({"active": False})

    def action_open_calendar_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Calendar"),
            "res_model": "calendar.event",
            "view_mode": "calendar,list,form",
            "domain": [("followup_visit_id", "=", self.id)],
            "context": {"initial_date": fields.Datetime.to_string(self.scheduled_date)},
        }

    # ------------------------------------------------------------------
    # Follow-ups planned by the application
    # ------------------------------------------------------------------
    @api.model
    def _cron_sync_calendar_events(
        self, batch_size=CALENDAR_BATCH, days=CALENDAR_HORIZON_DAYS, seconds=CALENDAR_SECONDS
    ):
        """Put the open meetings and calls of the next ``days`` that have
        no event yet in the calendar, at most ``batch_size`` per run and no
        new chunk after ``seconds`` of elapsed time (plans insert thousands
        of follow-ups at once, without events: see README, *The Odoo
        calendar*). The nearest come first."""
        clock = BatchClock(seconds)
        now = fields.Datetime.now()
        self.env["calendar.event"].flush_model(["followup_visit_id", "active"])
        domain = [
            ("state", "in", OPEN_STATES),
            ("scheduled_date", ">", now),
            ("scheduled_date", "<", now + timedelta(days=days)),
            ("user_id", "!=", False),
            *self._calendar_domain(),
            (
                "id",
                "not in",
                SQL(
                    "(SELECT followup_visit_id FROM calendar_event "
                    "WHERE followup_visit_id IS NOT NULL AND active)"
                ),
            ),
        ]
        visits = self.search(domain, limit=batch_size + 1, order="scheduled_date, id")
        more = len(visits) > batch_size
        visits = visits[:batch_size]
        done = self.browse()
        for chunk in clock.chunks(visits, CALENDAR_CHUNK):
            chunk._sync_calendar_events()
            done |= chunk
        if more or done != visits:
            self.env["calendar.event"].flush_model(["followup_visit_id", "active"])
            remaining = self.search_count(domain)
        else:
            remaining = 0
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)
        return done
