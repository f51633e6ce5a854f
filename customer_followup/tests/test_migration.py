from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger


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
