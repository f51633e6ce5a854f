from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.modules.module import get_manifest
from odoo.tests import Form, tagged

from odoo.addons.customer_followup.tests.visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestVisitAfterService(VisitCase):
    """A finished repair is followed up within 10 days (001 篇六)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls._tiered("Key service Co", cls.tier_key, owner=cls.user_cs)

    def _repair(self, partner):
        repair = self.env["repair.order"].create(
            {"partner_id": partner.id, "company_id": self.company.id}
        )
        repair.action_validate()
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        return repair

    def _service_visits(self, partner):
        return self.Visit.search([("partner_id", "=", partner.id), ("trigger", "=", "service")])

    @freeze_time("2026-11-20 07:00:00")
    def test_finished_repair_plans_a_followup_within_ten_days(self):
        self._repair(self.key)
        visit = self._service_visits(self.key)
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.deadline, datetime(2026, 11, 20, 7, 0) + timedelta(days=10))
        self.assertLessEqual(visit.scheduled_date, visit.deadline)
        self.assertEqual(visit.user_id, self.user_cs)

    @freeze_time("2026-11-20 07:00:00")
    def test_delay_is_configurable_and_each_repair_counts_once(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_followup.service_followup_days", "3"
        )
        repair = self._repair(self.key)
        visit = self._service_visits(self.key)
        self.assertEqual(visit.deadline, datetime(2026, 11, 23, 7, 0))
        repair._customer_followup_service_visits()  # again: nothing new
        self.assertEqual(len(self._service_visits(self.key)), 1)

    def test_delay_of_less_than_one_day_is_refused(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.followup_service_days, 10)
        settings.followup_service_days = 0
        with self.assertRaises(ValidationError):
            settings.save()

    def test_follow_ups_install_without_repair(self):
        """A company without Repair installs the follow-ups alone: only
        this bridge depends on Repair."""
        self.assertNotIn("repair", get_manifest("customer_followup")["depends"])
        manifest = get_manifest("customer_followup_repair")
        self.assertEqual(set(manifest["depends"]), {"customer_followup", "repair"})
        self.assertTrue(manifest["auto_install"])
