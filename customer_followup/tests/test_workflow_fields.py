"""What only the workflow sets cannot be written by anyone else.

A follow-up's reference and state, when it was done and who reviewed it; an
anomaly's escalation flags, who approved its plan or its compensation, when
it was closed; a plan's approval: the buttons and jobs set them after their
checks. Written directly through the ORM by a user who may write the record
(as an import, a server action or an integration would), each is refused
with a message naming the field, and nothing changes. The fields are found
from their definitions (read-only, computed or related), not from the list
the code keeps, so that a field added tomorrow is covered too."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tests import tagged

from .test_anomaly_special import SpecialCase

VISIT = "customer.followup.visit"
ANOMALY = "customer.followup.anomaly"
PLAN = "customer.followup.plan"
PROBLEM = "customer.followup.visit.problem"
RECOVERY = "customer.followup.anomaly.recovery"
# Follow-ups and plans change state through their buttons only (README,
# Rights); an anomaly's state is written step by step with its checks.
STATE_BY_BUTTONS = {VISIT, PLAN}


@tagged("post_install", "-at_install")
class TestWorkflowFields(SpecialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = {"company_id": cls.company.id}
        cls.visit = cls.env[VISIT].create(
            dict(company, partner_id=cls.strategic.id, user_id=cls.user_cs.id)
        )
        cls.problem = cls.env[PROBLEM].create({"visit_id": cls.visit.id, "name": "交期延误"})
        cls.plan = cls.env[PLAN].create(
            dict(company, name="2031 plan", date_from="2031-01-01", date_to="2031-12-31")
        )
        cls.anomaly_record = cls.env[ANOMALY].create(
            dict(
                company,
                partner_id=cls.customer.id,
                category="delivery",
                severity="critical",
                description="设备延期交付",
                is_large_loss=True,
                user_id=cls.user_cs.id,
            )
        )
        cls.recovery = cls.env[RECOVERY].create(
            {
                "anomaly_id": cls.anomaly_record.id,
                "party_id": cls._customer("苏州恒通安装工程有限公司").id,
                "amount_claimed": 60000,
                "state": "claimed",
            }
        )
        # Each record as a user who may write it.
        cls.cases = [
            (cls.visit, cls.user_cs),
            (cls.problem, cls.user_cs),
            (cls.plan, cls.user_manager),
            (cls.anomaly_record, cls.user_leader),
            (cls.recovery, cls.user_finance),
        ]

    def protected(self, model):
        """Fields of ``model`` no client may write, from their definitions."""
        names = set()
        for name, field in model._fields.items():
            if name in LOG_ACCESS_COLUMNS or name == "id":
                continue  # dropped by the ORM itself
            computed = field.compute and field.readonly and not field.inverse
            set_by_workflow = field.readonly and not field.compute
            if computed or set_by_workflow:
                names.add(name)
        if model._name in STATE_BY_BUTTONS:
            names.add("state")
        return names

    def sample(self, record, field):
        """A value of the field's kind, other than the record's own."""
        current = record[field.name]
        kind = field.type
        if kind == "boolean":
            return not current
        if kind in ("char", "text", "html"):
            return "写入 written"
        if kind in ("integer", "float", "monetary"):
            return 7
        if kind == "date":
            return "2020-01-01"
        if kind == "datetime":
            return "2020-01-01 00:00:00"
        if kind == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            return next(key for key in keys if key != current)
        if kind == "many2one":
            other = self.env[field.comodel_name].search([("id", "not in", current.ids)], limit=1)
            return other.id
        if kind in ("one2many", "many2many"):
            return [Command.clear()]
        if kind == "json":
            return {"written": 1}
        return False

    def test_workflow_fields_are_refused_to_every_writer(self):
        checked = 0
        for record, user in self.cases:
            names = self.protected(record)
            self.assertTrue(names, record._name)
            for name in sorted(names):
                field = record._fields[name]
                before = record[name]
                value = self.sample(record, field)
                with self.subTest(model=record._name, field=name):
                    with self.assertRaises(UserError) as refusal:
                        record.with_user(user).write({name: value})
                    if name != "state":
                        self.assertIn(field._description_string(self.env), str(refusal.exception))
                    record.invalidate_recordset()
                    self.assertEqual(record[name], before)
                    checked += 1
        # The models' workflows: references, states, dates and who, approvals,
        # escalation flags, deadlines.
        self.assertGreater(checked, 60)

    def test_workflow_fields_are_refused_at_creation(self):
        vals = {
            VISIT: {"partner_id": self.strategic.id, "company_id": self.company.id},
            PLAN: {"name": "x", "date_from": "2031-01-01", "date_to": "2031-01-31"},
            ANOMALY: {
                "partner_id": self.customer.id,
                "category": "delivery",
                "description": "x",
            },
        }
        users = {VISIT: self.user_cs, PLAN: self.user_manager, ANOMALY: self.user_cs}
        for model_name, base in vals.items():
            Model = self.env[model_name].with_user(users[model_name])
            count = Model.search_count([])
            workflow = [name for name in self.protected(Model) if not Model._fields[name].compute]
            self.assertTrue(workflow, model_name)
            for name in workflow:
                field = Model._fields[name]
                value = self.sample(Model.new(base), field)
                with self.subTest(model=model_name, field=name):
                    with self.assertRaises(UserError):
                        Model.create(dict(base, **{name: value}))
            self.assertEqual(Model.search_count([]), count)
            # Defaults given in the context do not apply to them: the new
            # record starts from its first state and draws its reference.
            starting = Model._fields["state"].default(Model)
            record = Model.with_context(
                default_state="closed", default_name="FAKE-1", default_closed_at="2020-01-01"
            ).create(base)
            self.assertEqual(record.state, starting)
            if model_name != PLAN:
                self.assertNotEqual(record.name, "FAKE-1")

    def test_the_workflow_still_writes_them(self):
        visit = self.visit.with_user(self.user_cs)
        visit.write({"satisfaction": "4"})
        visit.action_done()
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.done_date)
        visit.report = "<p>客户满意</p>"
        self.visit.review_comment = "Good call."
        self.visit.with_user(self.user_manager).action_review()
        self.assertEqual(self.visit.reviewer_id, self.user_manager)
        plan = self.plan.with_user(self.user_manager)
        plan.action_submit()
        self.assertEqual(plan.state, "submitted")
        anomaly = self.anomaly_record.with_user(self.user_cs)
        anomaly.action_report()
        self.assertEqual(anomaly.state, "reported")
