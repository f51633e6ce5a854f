from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .anomaly_common import AnomalyCase


@tagged("post_install", "-at_install")
class TestAnomalyAccess(AnomalyCase):
    def test_salesperson_cannot_read_anomalies(self):
        anomaly = self.anomaly()
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_sales).read(["description"])
        with self.assertRaises(AccessError):
            self.Anomaly.with_user(self.user_sales).search([])
        with self.assertRaises(AccessError):
            self.anomaly(user=self.user_sales)
        # The partner form still opens for them, without the anomaly count.
        self.customer.with_user(self.user_sales).read(["name"])
        self.assertNotIn(
            "followup_anomaly_count",
            self.env["res.partner"].with_user(self.user_sales).fields_get(),
        )

    def test_my_department_filter(self):
        service = self.anomaly(department="客户服务部")
        technical = self.anomaly(department="技术支持部")
        self.user_cs.followup_department = "技术支持部"
        Anomaly = self.Anomaly.with_user(self.user_cs)
        mine = Anomaly.search([("is_my_department", "=", True)])
        self.assertIn(technical, mine)
        self.assertNotIn(service, mine)
        self.assertTrue(technical.with_user(self.user_cs).is_my_department)
        self.assertIn(service, Anomaly.search([("is_my_department", "=", False)]))
        # Without a department of their own, the filter shows nothing.
        self.user_cs.followup_department = False
        self.assertFalse(Anomaly.search([("is_my_department", "=", True)]))

    def test_a_new_company_has_its_policies_at_once(self):
        other = self.env["res.company"].create({"name": "Company with its own clocks"})
        Policy = self.env["customer.followup.escalation.policy"]
        policies = Policy.search([("company_id", "=", other.id)])
        self.assertEqual(sorted(policies.mapped("severity")), ["critical", "general", "major"])
        # Reading an anomaly's policy creates nothing.
        self.assertEqual(
            Policy._get(other, "major"), policies.filtered(lambda p: p.severity == "major")
        )
        self.assertEqual(Policy.search_count([("company_id", "=", other.id)]), 3)

    def test_other_company_anomalies_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other company"})
        theirs = (
            self.env["customer.followup.anomaly"]
            .with_company(other)
            .create(
                {
                    "partner_id": self._customer("Other customer").id,
                    "category": "other",
                    "severity": "general",
                    "description": "x",
                    "company_id": other.id,
                }
            )
        )
        self.assertTrue(theirs.policy_id, "the other company gets its own policies")
        self.assertEqual(theirs.policy_id.company_id, other)
        mine = self.anomaly()
        visible = self.Anomaly.with_user(self.user_cs).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)

    def test_loss_fields_for_leaders_only(self):
        anomaly = self.anomaly(is_large_loss=True)
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_cs).read(["loss_amount"])
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_deputy).write({"loss_amount": 1000})
        anomaly.with_user(self.user_leader).write({"loss_amount": 250000})
        self.assertEqual(anomaly.with_user(self.user_manager).loss_amount, 250000)

    def test_partner_anomaly_count(self):
        self.anomaly()
        self.anomaly(contact_id=self.contact.id)
        customer = self.customer.with_user(self.user_cs)
        self.assertEqual(customer.followup_anomaly_count, 2)
        action = customer.action_view_followup_anomalies()
        self.assertEqual(self.Anomaly.with_user(self.user_cs).search_count(action["domain"]), 2)


@tagged("post_install", "-at_install")
class TestAnomalyViews(AnomalyCase):
    def test_views_load_for_a_specialist(self):
        self.anomaly(severity="major")
        Anomaly = self.Anomaly.with_user(self.user_cs)
        views = Anomaly.get_views(
            [(False, v) for v in ("kanban", "list", "form", "pivot", "graph", "search")]
        )["views"]
        kanban = etree.fromstring(views["kanban"]["arch"])
        for bar in kanban.iter("progressbar"):
            # The column bars are grouped reads: their field must be stored.
            Anomaly.read_progress_bar(
                [], "state", {"field": bar.get("field"), "colors": {"general": "success"}}
            )
        # The grouped reads the web client makes for the kanban, pivot and graph.
        groups = Anomaly.web_read_group(
            [], ["__count"], ["state", "severity", "category"], lazy=False
        )
        self.assertTrue(groups["groups"])
        pivot = Anomaly.web_read_group(
            [], ["__count"], ["discovered_at:month", "severity"], lazy=False
        )
        self.assertTrue(pivot["groups"])
