from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .visit_common import VisitCase


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

    def _wall(self, utc):
        """The Shanghai wall-clock time of a naive UTC datetime."""
        return self._local(utc).replace(tzinfo=None)

    def _delivery_visits(self, partner):
        return self.Visit.search([("partner_id", "=", partner.id), ("trigger", "=", "delivery")])

    # Friday 20 November 2026, 16:00 in Shanghai; Monday 23 is a holiday.
    @freeze_time("2026-11-20 08:00:00")
    def test_key_customer_due_24_elapsed_hours_after_delivery(self):
        self.user_cs.followup_supervisor_id = self.user_manager
        self._holiday(date(2026, 11, 23))
        picking = self._deliver(self.key)
        visit = self._delivery_visits(self.key)
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.tier_id, self.tier_key)
        self.assertEqual(visit.user_id, self.user_cs)
        self.assertEqual(visit.period_key, f"delivery/{picking.id}")
        # 000 第三条: within 24 hours of the key node, clock time: Saturday 16:00.
        self.assertEqual(self._wall(visit.deadline), datetime(2026, 11, 21, 16, 0))
        # The call waits for the first calling window on a working day:
        # 10:00 on Tuesday (the weekend and Monday's holiday are no working
        # days), after its deadline, and says so.
        self.assertEqual(self._wall(visit.scheduled_date), datetime(2026, 11, 24, 10, 0))
        self.assertTrue(visit.planned_after_deadline)
        self.assertEqual(visit.color, 2)
        self.assertEqual(self.Visit.search([("planned_after_deadline", "=", True)]) & visit, visit)
        # The owner has the call on their to-do list, the supervisor decides
        # whether to call outside the windows.
        call = self.env.ref("customer_followup.mail_activity_type_followup_call")
        self.assertEqual(
            visit.activity_ids.filtered(lambda a: a.activity_type_id == call).user_id, self.user_cs
        )
        todo = visit.activity_ids.filtered(lambda a: a.user_id == self.user_manager)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.date_deadline, date(2026, 11, 21))
        self.assertIn("after its deadline", todo.summary)

    @freeze_time("2026-11-20 08:00:00")
    def test_without_supervisor_the_department_heads_decide(self):
        head = self.env["res.users"].create(
            {
                "name": "部门负责人",
                "login": "cf_delivery_dept_head",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [
                    (4, self.env.ref("customer_followup.group_customer_followup_dept_head").id)
                ],
            }
        )
        self._deliver(self.key)
        visit = self._delivery_visits(self.key)
        self.assertTrue(visit.planned_after_deadline)
        self.assertEqual(
            visit.activity_ids.filtered(lambda a: a.user_id == head).date_deadline,
            date(2026, 11, 21),
        )

    # Wednesday 18 November 2026, 09:00 in Shanghai.
    @freeze_time("2026-11-18 01:00:00")
    def test_morning_delivery_is_called_the_same_day(self):
        self.user_cs.followup_supervisor_id = self.user_manager
        self._deliver(self.key)
        visit = self._delivery_visits(self.key)
        self.assertEqual(self._wall(visit.deadline), datetime(2026, 11, 19, 9, 0))
        self.assertEqual(self._wall(visit.scheduled_date), datetime(2026, 11, 18, 10, 0))
        self.assertFalse(visit.planned_after_deadline)
        self.assertFalse(visit.activity_ids.filtered(lambda a: a.user_id == self.user_manager))
        self.assertFalse(self.Visit.search([("planned_after_deadline", "=", True)]) & visit)

    @freeze_time("2026-11-20 08:00:00")
    def test_normal_customer_within_one_week(self):
        normal = self._tiered("Normal delivery Co", self.tier_normal, owner=self.user_cs)
        self._holiday(date(2026, 11, 23))
        self._deliver(normal)
        visit = self._delivery_visits(normal)
        # 000 第七条: confirmation within 1 week of the delivery, 168 elapsed hours.
        self.assertEqual(self._wall(visit.deadline), datetime(2026, 11, 27, 16, 0))
        self.assertEqual(self._wall(visit.scheduled_date), datetime(2026, 11, 24, 10, 0))
        self.assertFalse(visit.planned_after_deadline)

    @freeze_time("2026-11-20 08:00:00")
    def test_a_manager_may_count_the_delay_in_working_time(self):
        self.tier_key.delay_in_working_time = True
        self._holiday(date(2026, 11, 23))
        self._deliver(self.key)
        visit = self._delivery_visits(self.key)
        # 24 working hours of 8-hour days from Friday 16:00: 1 on Friday,
        # none on the weekend or Monday's holiday, 8 on Tuesday and
        # Wednesday, 7 on Thursday.
        self.assertEqual(self._wall(visit.deadline), datetime(2026, 11, 26, 16, 0))
        self.assertEqual(self._wall(visit.scheduled_date), datetime(2026, 11, 24, 10, 0))
        self.assertFalse(visit.planned_after_deadline)

    @freeze_time("2026-11-20 07:00:00")
    def test_round_the_clock_tier_counts_clock_hours(self):
        self.assertTrue(self.tier_strategic.round_the_clock)
        picking = self._deliver(self.strategic)
        visit = self._delivery_visits(self.strategic)
        self.assertEqual(visit.deadline, picking.date_done + timedelta(hours=24))

    @freeze_time("2026-11-18 03:00:00")
    def test_a_warehouse_user_without_followup_rights_triggers_it(self):
        """Whoever validates the delivery plans its follow-up for the
        customer's owner, without any right on follow-ups."""
        warehouse = new_test_user(
            self.env,
            login="cf_warehouse",
            groups="base.group_user,stock.group_stock_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        order = self._sell(self.key, 500.0)
        picking = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.with_user(warehouse).button_validate()
        visit = self._delivery_visits(self.key)
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.user_id, self.user_cs)
        self.assertFalse(
            self.env["customer.followup.visit"].with_user(warehouse).has_access("read")
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
