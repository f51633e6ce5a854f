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

    def test_upgrade_to_2_0_empties_unanswered_scores(self):
        """18.0.1.1.0 kept the scores as integers, 0 where nobody answered:
        the upgrade makes them choices, empty where nothing was answered,
        and keeps every 0 a customer gave."""
        Visit = self.env["customer.followup.visit"]
        customer = self.env["res.partner"].create(
            {"name": "升级客户 Upgrade Co", "is_company": True, "customer_rank": 1}
        )
        survey = self.env.ref("customer_followup.survey_followup")
        answer = self.env["survey.user_input"].create({"survey_id": survey.id})
        visits = Visit.create(
            [
                {"partner_id": customer.id, "channel": "phone", "trigger": "routine"}
                for _i in range(5)
            ]
        )
        visits[4].survey_user_input_id = answer
        visits[1].message_post(body="before the upgrade")
        visits.flush_recordset()
        cr = self.env.cr
        scores = [
            "satisfaction",
            "score_quality",
            "score_delivery",
            "score_attitude",
            "score_speed",
        ]
        # The 18.0.1.1.0 columns.
        cr.execute(
            SQL(
                "ALTER TABLE customer_followup_visit %s, ADD COLUMN satisfaction_recorded boolean",
                SQL(", ").join(
                    SQL(
                        "ALTER COLUMN %s TYPE int4 USING %s::int4",
                        SQL.identifier(name),
                        SQL.identifier(name),
                    )
                    for name in scores
                ),
            )
        )
        cr.execute(
            "UPDATE customer_followup_visit SET satisfaction_recorded = satisfaction IS NOT NULL"
        )
        rows = {
            # (overall, quality, delivery, attitude, speed, recorded)
            visits[0]: (0, 0, 0, 0, 0, False),  # planned, saved from the form
            visits[1]: (4, 0, 3, None, 0, True),  # a 4 whose empty boxes read 0
            visits[2]: (1, 0, 2, 0, 1, True),  # very dissatisfied: its 0s are answers
            visits[3]: (0, 0, 0, 0, 0, True),  # extremely bad throughout
            visits[4]: (5, 0, 5, 5, 5, True),  # the questionnaire's 0 is an answer
        }
        for visit, values in rows.items():
            cr.execute(
                SQL(
                    "UPDATE customer_followup_visit SET satisfaction = %s, score_quality = %s, "
                    "score_delivery = %s, score_attitude = %s, score_speed = %s, "
                    "satisfaction_recorded = %s WHERE id = %s",
                    *values,
                    visit.id,
                )
            )
        field = self.env["ir.model.fields"]._get("customer.followup.visit", "satisfaction")
        message = visits[1].message_ids[:1]
        cr.execute(
            SQL(
                "INSERT INTO mail_tracking_value (field_id, mail_message_id, old_value_integer, "
                "new_value_integer) VALUES (%s, %s, 0, 4) RETURNING id",
                field.id,
                message.id,
            )
        )
        tracking = self.env["mail.tracking.value"].browse(cr.fetchone()[0])

        script = load_script(
            "customer_followup/migrations/18.0.2.0.0/pre-scores.py", "customer_followup"
        )
        script.migrate(cr, "18.0.1.1.0")
        script.migrate(cr, "18.0.1.1.0")  # a second run changes nothing
        self.env.invalidate_all()
        self.assertEqual(
            [tuple(visit[name] for name in scores) for visit in visits],
            [
                (False, False, False, False, False),
                ("4", False, "3", False, False),
                ("1", "0", "2", "0", "1"),
                ("0", "0", "0", "0", "0"),
                ("5", "0", "5", "5", "5"),
            ],
        )
        self.assertEqual(visits.mapped("satisfaction_recorded"), [False, True, True, True, True])
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'customer_followup_visit' AND column_name = 'satisfaction_recorded'"
        )
        self.assertFalse(cr.fetchall(), "the recorded flag is computed now")
        self.assertEqual((tracking.old_value_char, tracking.new_value_char), ("0", "4"))


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

    def test_upgrade_to_2_1_installs_the_repair_bridge_where_repair_is(self):
        """The follow-up after a repair moved to customer_followup_repair:
        a database with Repair gets the bridge with the upgrade, one
        without Repair does not."""
        cr = self.env.cr
        script = load_script(
            "customer_followup/migrations/18.0.2.1.0/post-repair.py", "customer_followup"
        )

        def states(repair):
            cr.execute(
                "UPDATE ir_module_module SET state = 'uninstalled' "
                "WHERE name = 'customer_followup_repair'"
            )
            cr.execute(SQL("UPDATE ir_module_module SET state = %s WHERE name = 'repair'", repair))
            with mute_logger("odoo.modules.migration"):
                script.migrate(cr, "18.0.2.0.0")
            cr.execute("SELECT state FROM ir_module_module WHERE name = 'customer_followup_repair'")
            return cr.fetchone()[0]

        self.assertEqual(states("installed"), "to install")
        self.assertEqual(states("uninstalled"), "uninstalled")
