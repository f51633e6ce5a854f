"""Follow-ups in the Odoo calendar (issue 19).

On-site, executive and video follow-ups are meetings in ``calendar.event``:
owner, participants and the customer's contact attend, and Odoo's calendar
e-mails the invitation with its .ics. Phone follow-ups stand in the owner's
calendar without the customer. The event moves and is cancelled with the
follow-up; dragging the event moves the follow-up, inside the calling
windows (10:00–11:30, 15:30–17:00) of working days only. Follow-ups planned
in bulk get their event from the hourly job, 30 days ahead."""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_followup.models import batch_clock
from odoo.addons.mail.tests.common import MockEmail

from .visit_common import VisitCase

# Wednesday 18 November 2026, 10:00 in Shanghai (UTC+8).
NOW = "2026-11-18 02:00:00"
# Thursday 19 November 2026, 11:00 in Shanghai: in the first calling window.
THURSDAY_11 = datetime(2026, 11, 19, 3, 0)


@tagged("post_install", "-at_install")
class TestVisitCalendar(VisitCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._tiered("日历客户 Calendar customer", cls.tier_key, owner=cls.user_cs)
        cls.contact = cls.env["res.partner"].create(
            {"name": "王经理", "parent_id": cls.customer.id, "email": "wang@calendar.example.com"}
        )
        cls.user_cs.partner_id.email = "cf_user@instrument.example.com"
        cls.user_sales.partner_id.email = "cf_sales@instrument.example.com"

    def _meeting(self, **vals):
        return self._visit(
            self.customer,
            **dict(
                {
                    "channel": "onsite",
                    "contact_id": self.contact.id,
                    "participant_ids": [Command.set(self.user_sales.ids)],
                    "scheduled_date": THURSDAY_11,
                },
                **vals,
            ),
        )

    def _invitations(self, partner):
        """E-mails queued for ``partner`` carrying an .ics invitation."""
        return self._new_mails.filtered(
            lambda m: (
                partner in m.recipient_ids
                and "text/calendar" in m.attachment_ids.mapped("mimetype")
            )
        )

    @freeze_time(NOW)
    def test_onsite_follow_up_is_a_meeting_with_invitations(self):
        with self.mock_mail_gateway(mail_unlink_sent=False):
            visit = self._meeting()
        event = visit.calendar_event_ids
        self.assertEqual(len(event), 1)
        self.assertEqual(event.followup_kind, "meeting")
        self.assertEqual(event.user_id, self.user_cs)
        self.assertEqual(
            event.partner_ids,
            self.user_cs.partner_id | self.user_sales.partner_id | self.contact,
        )
        # On-site: 2 hours from 11:00 Shanghai time.
        self.assertEqual((event.start, event.stop), (THURSDAY_11, THURSDAY_11 + timedelta(hours=2)))
        self.assertEqual((event.res_model, event.res_id), (visit._name, visit.id))
        # The customer's contact and the participant get the invitation
        # with the .ics; the follow-up gets no "Meeting" to-do of its own.
        self.assertEqual(len(self._invitations(self.contact)), 1)
        self.assertEqual(len(self._invitations(self.user_sales.partner_id)), 1)
        self.assertFalse(visit.activity_ids.filtered(lambda a: a.calendar_event_id))

    @freeze_time(NOW)
    def test_executive_and_video_follow_ups_invite_the_customer(self):
        for vals in ({"channel": "video"}, {"channel": "phone", "trigger": "executive"}):
            with self.mock_mail_gateway(mail_unlink_sent=False):
                visit = self._meeting(**vals)
            event = visit.calendar_event_ids
            self.assertEqual(event.followup_kind, "meeting", vals)
            self.assertIn(self.contact, event.partner_ids, vals)
            self.assertEqual(len(self._invitations(self.contact)), 1, vals)

    @freeze_time(NOW)
    def test_phone_follow_up_in_the_owners_calendar_only(self):
        with self.mock_mail_gateway(mail_unlink_sent=False):
            visit = self._meeting(channel="phone", participant_ids=[Command.clear()])
        event = visit.calendar_event_ids
        self.assertEqual(event.followup_kind, "call")
        self.assertEqual(event.partner_ids, self.user_cs.partner_id)
        self.assertNotIn(self.contact, event.partner_ids)
        # A 30-minute slot, and no e-mail to anyone.
        self.assertEqual(event.stop - event.start, timedelta(minutes=30))
        self.assertFalse(self._new_mails.filtered(lambda m: m.model == "calendar.event"))
        # Moving it tells nobody by e-mail either.
        with self.mock_mail_gateway(mail_unlink_sent=False):
            visit._reschedule(datetime(2026, 11, 19, 7, 30), "客户在开会")
        self.assertEqual(event.start, datetime(2026, 11, 19, 7, 30))
        self.assertFalse(self._new_mails)

    @freeze_time(NOW)
    def test_e_mail_follow_up_has_no_event(self):
        visit = self._meeting(channel="email")
        self.assertFalse(visit.calendar_event_ids)
        # Becoming a call puts it in the calendar; becoming an e-mail again
        # takes it out.
        visit.channel = "phone"
        self.assertEqual(visit.calendar_event_ids.followup_kind, "call")
        event = visit.calendar_event_ids
        visit.channel = "email"
        self.assertFalse(event.active)

    @freeze_time(NOW)
    def test_a_call_becoming_a_visit_invites_the_customer(self):
        visit = self._meeting(channel="phone")
        event = visit.calendar_event_ids
        self.assertNotIn(self.contact, event.partner_ids)
        with self.mock_mail_gateway(mail_unlink_sent=False):
            visit.channel = "onsite"
        self.assertEqual(visit.calendar_event_ids, event)
        self.assertEqual(event.followup_kind, "meeting")
        self.assertIn(self.contact, event.partner_ids)
        self.assertEqual(event.stop - event.start, timedelta(hours=2))
        self.assertEqual(len(self._invitations(self.contact)), 1)

    @freeze_time(NOW)
    def test_moving_the_follow_up_moves_the_event(self):
        visit = self._meeting()
        event = visit.calendar_event_ids
        # Rescheduled to Thursday 15:30 in Shanghai.
        new = datetime(2026, 11, 19, 7, 30)
        with self.mock_mail_gateway(mail_unlink_sent=False):
            visit.with_user(self.user_cs)._reschedule(new, "客户改到下午")
        self.assertEqual((event.start, event.stop), (new, new + timedelta(hours=2)))
        # The customer's contact is told the new date by Odoo's calendar.
        self.assertTrue(self._new_mails.filtered(lambda m: self.contact in m.recipient_ids))
        # Dragged in the follow-ups' own calendar view (a plain write of
        # the date): the event follows, and that view still opens.
        friday = datetime(2026, 11, 20, 2, 0)
        visit.with_user(self.user_cs).write({"scheduled_date": friday})
        self.assertEqual(event.start, friday)
        views = self.Visit.with_user(self.user_cs).get_views([(False, "calendar")])
        self.assertIn("scheduled_date", views["views"]["calendar"]["arch"])
        # A new owner and participants follow too.
        visit.write({"user_id": self.user_manager.id, "participant_ids": [Command.clear()]})
        self.assertEqual(event.user_id, self.user_manager)
        self.assertEqual(event.partner_ids, self.user_manager.partner_id | self.contact)
        self.assertEqual(len(visit.calendar_event_ids), 1)

    @freeze_time(NOW)
    def test_moving_the_event_moves_the_follow_up(self):
        visit = self._meeting()
        event = visit.calendar_event_ids.with_user(self.user_cs)
        # Dragged to Friday 10:00 in Shanghai.
        new = datetime(2026, 11, 20, 2, 0)
        event.write({"start": new, "stop": new + timedelta(hours=2)})
        self.assertEqual(visit.scheduled_date, new)
        # A move of the agenda, not a failed attempt to reach the customer.
        self.assertEqual((visit.state, visit.attempt_count), ("planned", 0))
        self.assertIn(self.user_cs.name, visit.message_ids[0].body)
        self.assertEqual(len(visit.calendar_event_ids), 1)

    @freeze_time(NOW)
    def test_moving_the_event_keeps_the_rescheduling_rules(self):
        visit = self._meeting()
        event = visit.calendar_event_ids.with_user(self.user_cs)
        refused = (
            datetime(2026, 11, 19, 4, 0),  # Thursday 12:00, between the windows
            datetime(2026, 11, 19, 9, 0),  # Thursday 17:00, the second window's end
            datetime(2026, 11, 21, 2, 0),  # Saturday 10:00
            datetime(2026, 11, 17, 2, 0),  # yesterday
        )
        for when in refused:
            with self.assertRaises(UserError, msg=str(when)):
                event.write({"start": when, "stop": when + timedelta(hours=2)})
            event.invalidate_recordset()
            visit.invalidate_recordset()
            self.assertEqual((event.start, visit.scheduled_date), (THURSDAY_11, THURSDAY_11))
        # A public holiday on Friday 20 November: no follow-up that day.
        self._holiday(datetime(2026, 11, 20).date())
        with self.assertRaises(UserError):
            event.write({"start": datetime(2026, 11, 20, 2), "stop": datetime(2026, 11, 20, 4)})
        # A time the customer asked for goes through Reschedule, with their words.
        visit._reschedule(datetime(2026, 11, 21, 1, 0), "客户说：周六上午九点", customer_time=True)
        self.assertEqual(event.start, datetime(2026, 11, 21, 1, 0))

    @freeze_time(NOW)
    def test_a_closed_follow_up_keeps_its_event_where_it_was(self):
        visit = self._meeting(channel="phone")
        event = visit.calendar_event_ids.with_user(self.user_cs)
        visit.satisfaction = "5"
        visit.action_done()
        with self.assertRaises(UserError):
            event.write({"start": datetime(2026, 11, 20, 2), "stop": datetime(2026, 11, 20, 3)})
        self.assertTrue(event.active)

    @freeze_time(NOW)
    def test_cancelling_cancels_the_event(self):
        visit = self._meeting()
        event = visit.calendar_event_ids
        with self.mock_mail_gateway(mail_unlink_sent=False):
            visit.with_user(self.user_cs).action_cancel()
        self.assertFalse(event.active)
        self.assertFalse(visit.calendar_event_ids)
        # The invited contact is told.
        self.assertTrue(self._new_mails.filtered(lambda m: self.contact in m.recipient_ids))
        # Planned again: back in the calendar, the invitation sent again.
        with self.mock_mail_gateway(mail_unlink_sent=False):
            visit.action_reset()
        self.assertTrue(visit.calendar_event_ids.active)
        self.assertEqual(len(self._invitations(self.contact)), 1)

    @freeze_time(NOW)
    def test_the_link_is_the_follow_ups_own(self):
        visit = self._meeting()
        other = self._meeting(channel="phone")
        Event = self.env["calendar.event"].with_user(self.user_cs)
        with self.assertRaises(UserError):
            visit.calendar_event_ids.with_user(self.user_cs).write({"followup_visit_id": other.id})
        with self.assertRaises(UserError):
            Event.create(
                {
                    "name": "Not a follow-up",
                    "start": THURSDAY_11,
                    "stop": THURSDAY_11 + timedelta(hours=1),
                    "followup_visit_id": visit.id,
                    "followup_kind": "call",
                }
            )

    @freeze_time(NOW)
    def test_other_company_and_colleagues(self):
        visit = self._meeting()
        event = visit.calendar_event_ids
        company_b = self.env["res.company"].create({"name": "另一家公司 Other company"})
        user_b = new_test_user(
            self.env,
            login="cf_calendar_b",
            groups="base.group_user,customer_followup.group_customer_followup_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        Event_b = (
            self.env["calendar.event"]
            .with_user(user_b)
            .with_context(allowed_company_ids=company_b.ids)
        )
        self.assertFalse(Event_b.search([("id", "=", event.id)]))
        self.assertFalse(Event_b.search([("followup_visit_id", "=", visit.id)]))
        with self.assertRaises(AccessError):
            Event_b.browse(event.id).read(["name"])
        # A colleague of the same company who does not attend sees the
        # owner busy, not the customer.
        colleague = new_test_user(
            self.env,
            login="cf_calendar_colleague",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        seen = self.env["calendar.event"].with_user(colleague).browse(event.id)
        self.assertNotIn(self.customer.name, seen.name)
        with self.assertRaises(AccessError):
            seen.write({"start": datetime(2026, 11, 20, 2), "stop": datetime(2026, 11, 20, 4)})

    @freeze_time(NOW)
    def test_the_calendar_job_ends_a_batch_on_time(self):
        """While people work, an event can cost a quarter of a second: a
        batch creates no further chunk of 10 events once 0.5 s have passed,
        reports the rest, and the next batch goes on with the nearest."""
        # Whatever else is waiting (demo data) goes in first, without a clock.
        self.Visit._cron_sync_calendar_events(batch_size=10_000, seconds=None)
        visits = self.Visit.create(
            [
                {
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                    "trigger": "routine",
                    "channel": "phone",
                    "user_id": self.user_cs.id,
                    "scheduled_date": THURSDAY_11 + timedelta(days=index),
                    "deadline": THURSDAY_11 + timedelta(days=60),
                    "period_key": f"batch/{index}",
                }
                for index in range(12)
            ]
        )
        reports = []

        def notify(cron, done, remaining, deactivate=False):
            reports.append((done, remaining))

        # Every look at the clock finds 2 s more elapsed than the last.
        ticks = iter(range(0, 1000, 2))
        with (
            patch.object(type(self.env["ir.cron"]), "_notify_progress", notify),
            patch.object(batch_clock, "monotonic", lambda: next(ticks)),
        ):
            first = self.Visit._cron_sync_calendar_events()
            self.assertEqual(first, visits[:10], "the nearest ten, then the time was out")
            self.assertEqual(reports, [(10, 2)])
            second = self.Visit._cron_sync_calendar_events()
            self.assertEqual(reports, [(10, 2), (2, 0)])
        self.assertEqual(second, visits[10:])
        for visit in visits:
            self.assertEqual(len(visit.calendar_event_ids), 1, visit.scheduled_date)

    @freeze_time(NOW)
    def test_planned_follow_ups_enter_the_calendar_30_days_ahead(self):
        """Plans insert thousands of follow-ups in bulk without events; the
        hourly job puts those of the next 30 days in the calendar."""
        values = {
            "company_id": self.company.id,
            "partner_id": self.customer.id,
            "trigger": "routine",
            "user_id": self.user_cs.id,
            "deadline": THURSDAY_11 + timedelta(days=60),
        }
        # Planned by the application (a period key), as plans and key
        # events plan them: no event at creation.
        near, far, mail = self.Visit.create(
            [
                dict(values, channel="onsite", scheduled_date=THURSDAY_11, period_key="t/1"),
                dict(
                    values,
                    channel="phone",
                    scheduled_date=THURSDAY_11 + timedelta(days=31),
                    period_key="t/2",
                ),
                dict(values, channel="email", scheduled_date=THURSDAY_11, period_key="t/3"),
            ]
        )
        self.assertFalse((near | far | mail).calendar_event_ids)
        done = self.Visit._cron_sync_calendar_events()
        self.assertIn(near, done)
        self.assertEqual(near.calendar_event_ids.followup_kind, "meeting")
        self.assertFalse(far.calendar_event_ids)
        self.assertFalse(mail.calendar_event_ids)
        # Run again: nothing twice.
        self.assertNotIn(near, self.Visit._cron_sync_calendar_events())
        self.assertEqual(len(near.calendar_event_ids), 1)
