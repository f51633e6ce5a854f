from datetime import datetime, timedelta

from freezegun import freeze_time

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
                "UPDATE customer_followup_anomaly_clock SET deadline = %s "
                "WHERE anomaly_id = %s AND step = 'report'",
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
        self.assertEqual(
            self.local(anomaly._clock_deadline("report")), datetime(2026, 11, 20, 17, 0)
        )
        self.assertEqual(closed_policy.closer_group_id, closed_policy.approver_group_id)
        self.assertTrue(closed_policy.inform_company_head)
        self.assertEqual(
            closed_policy.closing_reported_to_group_id,
            self.env.ref("customer_followup.group_customer_followup_manager"),
        )
        self.assertFalse(self.policy("general").inform_company_head)
        self.assertEqual(self.tier_normal.response_hours, 0)


@tagged("post_install", "-at_install")
class TestMigration21(AnomalyCase):
    """18.0.2.0.0 → 18.0.2.1.0: names that say what things are, policies
    made with the company."""

    def test_upgrade_renames_is_overdue_and_keeps_every_value(self):
        cr = self.env.cr
        escalated = self.anomaly(severity="general")
        calm = self.anomaly(severity="general")
        # What 18.0.2.0.0 left: the flag in is_overdue, its partial index
        # under the old name, a saved filter naming it.
        cr.execute(
            SQL(
                "UPDATE customer_followup_anomaly SET is_escalated = (id = %s) WHERE id IN %s;"
                "ALTER TABLE customer_followup_anomaly RENAME COLUMN is_escalated TO is_overdue;"
                "ALTER INDEX customer_followup_anomaly_escalated_department_idx "
                "RENAME TO customer_followup_anomaly_overdue_department_idx;"
                "UPDATE ir_model_fields SET name = 'is_overdue' "
                "WHERE model = 'customer.followup.anomaly' AND name = 'is_escalated'",
                escalated.id,
                (escalated | calm)._ids,
            )
        )
        saved = self.env["ir.filters"].create(
            {
                "name": "My escalated anomalies",
                "model_id": "customer.followup.anomaly",
                "domain": "[('is_overdue', '=', True)]",
            }
        )
        saved.flush_recordset()
        script = load_script(
            "customer_followup/migrations/18.0.2.1.0/pre-workflow.py", "customer_followup"
        )
        script.migrate(cr, "18.0.2.0.0")
        script.migrate(cr, "18.0.2.0.0")  # a second run changes nothing
        self.env.invalidate_all()
        self.assertTrue(escalated.is_escalated)
        self.assertFalse(calm.is_escalated)
        self.assertEqual(
            self.Anomaly.search(
                [("id", "in", (escalated | calm).ids), ("is_escalated", "=", True)]
            ),
            escalated,
        )
        indexes = dict(
            self.env.execute_query(
                SQL(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE tablename = 'customer_followup_anomaly'"
                )
            )
        )
        self.assertIn("is_escalated", indexes["customer_followup_anomaly_escalated_department_idx"])
        self.assertNotIn("customer_followup_anomaly_overdue_department_idx", indexes)
        field = self.env["ir.model.fields"]._get("customer.followup.anomaly", "is_escalated")
        self.assertTrue(field)
        self.assertEqual(
            field.get_external_id()[field.id],
            "customer_followup.field_customer_followup_anomaly__is_escalated",
        )
        self.assertEqual(saved.domain, "[('is_escalated', '=', True)]")

    def test_upgrade_gives_policies_to_companies_without_them(self):
        Policy = self.env["customer.followup.escalation.policy"].with_context(active_test=False)
        company = self.env["res.company"].create({"name": "Company of 18.0.2.0.0"})
        # 18.0.2.0.0 made them the first time an anomaly needed them.
        self.env.cr.execute(
            SQL(
                "DELETE FROM customer_followup_escalation_policy WHERE company_id = %s",
                company.id,
            )
        )
        self.env.invalidate_all()
        script = load_script(
            "customer_followup/migrations/18.0.2.1.0/post-workflow.py", "customer_followup"
        )
        script.migrate(self.env.cr, "18.0.2.0.0")
        script.migrate(self.env.cr, "18.0.2.0.0")  # a second run changes nothing
        policies = Policy.search([("company_id", "=", company.id)])
        self.assertEqual(sorted(policies.mapped("severity")), ["critical", "general", "major"])

    def test_upgrade_makes_a_line_of_each_clock(self):
        """18.0.2.0.0 kept each clock as a pair of columns (deadline,
        escalated): each becomes a line with its deadline, whether it was
        escalated and when it was met."""
        cr = self.env.cr
        found = self.utc(datetime(2026, 11, 20, 9, 0))
        handled = self.anomaly(severity="major", discovered_at=found)
        with freeze_time(found + timedelta(minutes=30)):
            self.advance(handled, "investigating")
        waiting = self.anomaly(severity="general", discovered_at=found)
        report_by = self.utc(datetime(2026, 11, 20, 10, 0))
        resolve_by = self.utc(datetime(2026, 11, 23, 9, 0))
        cr.execute(
            SQL(
                "ALTER TABLE customer_followup_anomaly ADD COLUMN deadline_report timestamp, "
                "ADD COLUMN escalated_report boolean, ADD COLUMN deadline_resolve timestamp, "
                "ADD COLUMN escalated_resolve boolean;"
                "UPDATE customer_followup_anomaly SET deadline_report = %s, "
                "escalated_report = (id = %s), deadline_resolve = %s WHERE id IN %s;"
                "DELETE FROM customer_followup_anomaly_clock WHERE anomaly_id IN %s",
                report_by,
                waiting.id,
                resolve_by,
                (handled | waiting)._ids,
                (handled | waiting)._ids,
            )
        )
        script = load_script(
            "customer_followup/migrations/18.0.2.1.0/post-workflow.py", "customer_followup"
        )
        script.migrate(cr, "18.0.2.0.0")
        script.migrate(cr, "18.0.2.0.0")  # a second run changes nothing
        self.env.invalidate_all()
        for anomaly in (handled, waiting):
            self.assertEqual(sorted(anomaly.clock_ids.mapped("step")), ["report", "resolve"])
            self.assertEqual(anomaly._clock_deadline("report"), report_by)
            self.assertEqual(anomaly._clock_deadline("resolve"), resolve_by)
            self.assertFalse(anomaly._clock("resolve").met_at)
            self.assertTrue(anomaly._clock("resolve").running)
        # Reported 30 elapsed minutes after discovery: met, on time.
        report = handled._clock("report")
        self.assertEqual(report.met_at, found + timedelta(minutes=30))
        self.assertTrue(report.on_time)
        self.assertFalse(report.running)
        self.assertFalse(report.escalated)
        # Still waiting for its report, and escalated.
        self.assertTrue(waiting._clock("report").escalated)
        self.assertTrue(waiting._clock("report").running)
        self.assertFalse(waiting._clock("report").met_at)

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
