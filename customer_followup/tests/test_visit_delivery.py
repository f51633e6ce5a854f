from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .visit_common import SHANGHAI, VisitCase


@tagged("post_install", "-at_install")
class TestVisitAfterDelivery(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls._tiered("Key delivery Co", cls.tier_key, owner=cls.user_cs)
        cls.strategic = cls._tiered("Strategic delivery Co", cls.tier_strategic)

    def _deliver(self, partner):
        order = self._sell(partner, 500.0)
        picking = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertTrue(picking)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def _delivery_visits(self, partner):
        return self.Visit.search([("partner_id", "=", partner.id), ("trigger", "=", "delivery")])

    # Friday 20 November 2026, 15:00 in Shanghai; Monday 23 is a holiday.
    @freeze_time("2026-11-20 07:00:00")
    def test_due_in_working_hours_across_weekend_and_holiday(self):
        hours = self.tier_key.delivery_followup_hours
        without_holiday = self.WorkingTime.plan_hours(
            datetime(2026, 11, 20, 7, 0), hours, calendar=self.calendar
        )
        self._holiday(date(2026, 11, 23))
        picking = self._deliver(self.key)
        visit = self._delivery_visits(self.key)
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.tier_id, self.tier_key)
        self.assertEqual(visit.user_id, self.user_cs)
        self.assertEqual(visit.period_key, f"delivery/{picking.id}")
        # The owner has the call on their to-do list.
        activity = visit.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("customer_followup.mail_activity_type_followup_call"),
        )
        self.assertEqual(activity.user_id, self.user_cs)
        done = picking.date_done
        hours = self.tier_key.delivery_followup_hours
        # The delay counts working hours only: the weekend and the holiday
        # do not count, so the deadline is well after 24 clock hours...
        self.assertGreater(visit.deadline, done + timedelta(hours=hours + 48))
        local_deadline = self._local(visit.deadline)
        self.assertTrue(
            self.WorkingTime.is_working_date(local_deadline.date(), calendar=self.calendar)
        )
        self.assertNotEqual(local_deadline.date(), date(2026, 11, 23))
        # ... and exactly the tier's hours of working time after delivery.
        tz_done = SHANGHAI.localize(datetime(2026, 11, 20, 15, 0))
        counted = self.calendar.get_work_hours_count(tz_done, local_deadline, compute_leaves=True)
        self.assertAlmostEqual(counted, hours, places=2)
        # The holiday moves the deadline one working day later.
        self.assertEqual(
            local_deadline.date(),
            self.WorkingTime.add_working_dates(
                self._local(without_holiday).date(), 1, calendar=self.calendar
            ),
        )
        # The call is planned in a calling window before the deadline.
        local_call = self._local(visit.scheduled_date)
        self.assertLessEqual(visit.scheduled_date, visit.deadline)
        self.assertGreaterEqual(visit.scheduled_date, done)
        self.assertTrue(self.WorkingTime.is_working_date(local_call.date(), calendar=self.calendar))
        call_hours = local_call.hour + local_call.minute / 60.0
        self.assertTrue(any(s <= call_hours < e for s, e in self.Visit._calling_windows()))

    @freeze_time("2026-11-20 07:00:00")
    def test_round_the_clock_tier_counts_clock_hours(self):
        self.assertTrue(self.tier_strategic.round_the_clock)
        picking = self._deliver(self.strategic)
        visit = self._delivery_visits(self.strategic)
        self.assertEqual(
            visit.deadline,
            picking.date_done + timedelta(hours=self.tier_strategic.delivery_followup_hours),
        )

    @freeze_time("2026-11-18 03:00:00")
    def test_one_visit_per_delivery(self):
        picking = self._deliver(self.key)
        visit = self._delivery_visits(self.key)
        self.assertEqual(len(visit), 1)
        # Running the trigger again for the same delivery adds nothing.
        picking._customer_followup_delivery_visits()
        self.assertEqual(self._delivery_visits(self.key), visit)
        # No creation message per generated follow-up.
        self.assertFalse(visit.message_ids.filtered(lambda m: m.message_type == "notification"))

    @freeze_time("2026-11-18 03:00:00")
    def test_no_visit_for_non_customer_delivery(self):
        stranger = self.env["res.partner"].create({"name": "Not a customer", "is_company": True})
        created = self.Visit._create_event_visits(
            [
                {
                    "partner": stranger,
                    "company": self.company,
                    "trigger": "delivery",
                    "key": "delivery/0",
                    "start": datetime(2026, 11, 18, 3, 0),
                }
            ]
        )
        self.assertFalse(created)
        self.assertFalse(self.Visit.search([("partner_id", "=", stranger.id)]))
