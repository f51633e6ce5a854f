from datetime import datetime

from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from .anomaly_common import AnomalyCase


@tagged("post_install", "-at_install")
class TestMigration(TransactionCase):
    def _indexes(self):
        return dict(
            self.env.execute_query(
                SQL(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE tablename = 'customer_followup_visit'"
                )
            )
        )

    def test_upgrade_drops_the_indexes_no_longer_declared(self):
        """A database of 18.0.1.0.0 pays for the company, state and trigram
        reference indexes of every generated follow-up: the upgrade drops
        them and Odoo creates the plain reference index in their place."""
        cr = self.env.cr
        method = "gin (name gin_trgm_ops)" if self.registry.has_trigram else "hash (name)"
        cr.execute(
            SQL(
                "DROP INDEX customer_followup_visit__name_index;"
                "CREATE INDEX customer_followup_visit__name_index ON customer_followup_visit "
                "USING %s;"
                "CREATE INDEX customer_followup_visit__company_id_index "
                "ON customer_followup_visit (company_id);"
                "CREATE INDEX customer_followup_visit__state_index "
                "ON customer_followup_visit (state)",
                SQL(method),
            )
        )
        script = load_script(
            "customer_followup/migrations/18.0.1.1.0/pre-migrate.py", "customer_followup"
        )
        script.migrate(cr, "18.0.1.0.0")
        indexes = self._indexes()
        self.assertNotIn("customer_followup_visit__company_id_index", indexes)
        self.assertNotIn("customer_followup_visit__state_index", indexes)
        self.assertNotIn("customer_followup_visit__name_index", indexes)
        # What the upgrade does next for every model of the module.
        with mute_logger("odoo.schema"):
            self.registry.check_indexes(cr, ["customer.followup.visit"])
        indexes = self._indexes()
        self.assertIn("USING btree (name)", indexes["customer_followup_visit__name_index"])
        # The indexes the jobs and lists rely on are left alone.
        self.assertIn("customer_followup_visit_period_key_uniq", indexes)
        self.assertIn("customer_followup_visit_open_schedule_idx", indexes)


@tagged("post_install", "-at_install")
class TestMigration2(AnomalyCase):
    """18.0.1.1.0 → 18.0.2.0.0: the regulations' clocks on what is open."""

    def test_upgrade_places_open_deadlines_under_the_new_rules(self):
        cr = self.env.cr
        found = self.utc(datetime(2026, 11, 20, 16, 30))
        anomaly = self.anomaly(severity="critical", discovered_at=found)
        closed_policy = self.policy("critical")
        # What 18.0.1.1.0 left: report clocks in working minutes (Monday
        # 08:20 for a 重大 anomaly found on Friday 16:50), policies without
        # the new levels, the normal tier's invented 72-hour promise.
        cr.execute(
            SQL(
                "UPDATE customer_followup_anomaly SET deadline_report = %s WHERE id = %s",
                self.utc(datetime(2026, 11, 23, 8, 20)),
                anomaly.id,
            )
        )
        cr.execute(
            SQL(
                "UPDATE customer_followup_escalation_policy SET closer_group_id = NULL, "
                "inform_company_head = NULL, closing_reported_to_group_id = NULL"
            )
        )
        cr.execute(
            SQL(
                "UPDATE customer_followup_tier SET response_hours = 72 WHERE id = %s",
                self.tier_normal.id,
            )
        )
        self.env.invalidate_all()
        script = load_script(
            "customer_followup/migrations/18.0.2.0.0/post-migrate.py", "customer_followup"
        )
        script.migrate(cr, "18.0.1.1.0")
        self.env.invalidate_all()
        # 30 elapsed minutes.
        self.assertEqual(self.local(anomaly.deadline_report), datetime(2026, 11, 20, 17, 0))
        self.assertEqual(closed_policy.closer_group_id, closed_policy.approver_group_id)
        self.assertTrue(closed_policy.inform_company_head)
        self.assertEqual(
            closed_policy.closing_reported_to_group_id,
            self.env.ref("customer_followup.group_customer_followup_manager"),
        )
        self.assertFalse(self.policy("general").inform_company_head)
        self.assertEqual(self.tier_normal.response_hours, 0)
