from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import SQL

from .visit_common import VisitCase

OLD, NEW = "customer.followup.visit.action", "customer.followup.visit.problem"


@tagged("post_install", "-at_install")
class TestMigrationProblem(VisitCase):
    def test_upgrade_to_2_1_renames_the_problem_model_and_keeps_its_data(self):
        """18.0.2.0.0 called the problems found on a follow-up
        ``customer.followup.visit.action``: the upgrade renames the model and
        keeps every problem with its id, chatter, activities, attachments,
        the anomaly raised from it, and the external ids of its rules."""
        script = load_script(
            "customer_followup/migrations/18.0.2.1.0/pre-problem.py", "customer_followup"
        )
        customer = self._tiered("改名客户 Rename Co", self.tier_key, owner=self.user_cs)
        visit = self._visit(customer)
        problem = self.env[NEW].create(
            {"visit_id": visit.id, "name": "外壳划伤 Scratched case", "category": "delivery"}
        )
        problem.message_post(body="before the upgrade")
        problem.message_subscribe(partner_ids=self.user_manager.partner_id.ids)
        problem.activity_schedule("mail.mail_activity_data_todo", user_id=self.user_cs.id)
        attachment = self.env["ir.attachment"].create(
            {"name": "photo.txt", "raw": b"scratch", "res_model": NEW, "res_id": problem.id}
        )
        anomaly = self.env["customer.followup.anomaly"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "category": "delivery",
                "severity": "general",
                "description": "raised from the problem",
                "visit_id": visit.id,
                "visit_problem_id": problem.id,
            }
        )
        model_id = self.env["ir.model"]._get_id(NEW)
        rule = self.env.ref("customer_followup.customer_followup_visit_problem_rule_company")
        field = self.env["ir.model.fields"]._get("customer.followup.visit", "problem_ids")
        self.env.flush_all()
        cr = self.env.cr

        # The database as 18.0.2.0.0 left it.
        script.rename(
            cr,
            NEW,
            OLD,
            [(model, table, new, old) for model, table, old, new in script.FIELDS],
            {new: old for old, new in script.XMLIDS.items()},
        )
        self.env.invalidate_all()
        cr.execute(
            SQL("SELECT count(*) FROM customer_followup_visit_action WHERE id = %s", problem.id)
        )
        self.assertEqual(cr.fetchone()[0], 1)
        cr.execute(
            SQL(
                "SELECT count(*) FROM mail_message WHERE model = %s AND res_id = %s",
                OLD,
                problem.id,
            )
        )
        self.assertGreaterEqual(cr.fetchone()[0], 1)
        cr.execute(
            "SELECT count(*) FROM ir_model_data WHERE module = 'customer_followup' "
            "AND name = 'customer_followup_visit_action_rule_company'"
        )
        self.assertEqual(cr.fetchone()[0], 1)

        script.migrate(cr, "18.0.2.0.0")
        self.env.invalidate_all()
        self.env.registry.clear_cache()

        cr.execute("SELECT to_regclass('customer_followup_visit_action')")
        self.assertIsNone(cr.fetchone()[0])
        problem = self.env[NEW].browse(problem.id)
        self.assertEqual(problem.name, "外壳划伤 Scratched case")
        self.assertEqual(problem.visit_id, visit)
        self.assertIn("before the upgrade", "".join(problem.message_ids.mapped("body")))
        self.assertIn(self.user_manager.partner_id, problem.message_partner_ids)
        self.assertEqual(problem.activity_ids.user_id, self.user_cs)
        self.assertEqual((attachment.res_model, attachment.res_id), (NEW, problem.id))
        self.assertEqual(anomaly.visit_problem_id, problem)
        self.assertEqual(visit.problem_ids, problem)
        self.assertEqual(self.env["ir.model"]._get_id(NEW), model_id)
        self.assertEqual(
            self.env.ref("customer_followup.customer_followup_visit_problem_rule_company"), rule
        )
        self.assertEqual(
            self.env["ir.model.fields"]._get("customer.followup.visit", "problem_ids"), field
        )
        self.assertEqual(
            self.env.ref("customer_followup.field_customer_followup_visit__problem_ids"), field
        )
        # The sequence still numbers new problems after the old ones.
        later = self.env[NEW].create({"visit_id": visit.id, "name": "另一个问题 Another one"})
        self.assertGreater(later.id, problem.id)
        # The column of the anomaly keeps its index and foreign key names.
        cr.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname = "
            "'customer_followup_anomaly__visit_problem_id_index'"
        )
        self.assertEqual(cr.fetchone()[0], 1)
        cr.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname = "
            "'customer_followup_anomaly_visit_problem_id_fkey'"
        )
        self.assertEqual(cr.fetchone()[0], 1)
