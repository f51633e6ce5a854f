from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

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
class TestAnomalySpecialHandling(AnomalyCase):
    """003 第十二条: quality problems, contract disputes, large losses."""

    def test_quality_problem_notifies_rnd_and_supply_chain(self):
        rnd = new_test_user(
            self.env,
            login="cf_rnd",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.policy("major").quality_notify_user_ids = rnd
        anomaly = self.anomaly(
            severity="major", is_quality_problem=True, product_ids=[Command.set(self.product.ids)]
        )
        anomaly.action_report()
        self.assertIn(rnd, anomaly.activity_ids.user_id)
        self.assertIn(rnd.partner_id, anomaly.message_partner_ids)
        plain = self.anomaly(severity="major")
        plain.action_report()
        self.assertNotIn(rnd, plain.activity_ids.user_id)

    def test_contract_dispute_needs_legal_opinion_before_closing(self):
        anomaly = self.anomaly(is_contract_dispute=True)
        self.advance(anomaly, "review")
        anomaly.write({"review_root_cause": "r", "lessons": "l", "improvement_actions": "i"})
        anomaly = anomaly.with_user(self.user_dept_head)
        with self.assertRaises(UserError) as error:
            anomaly.action_close()
        self.assertIn(anomaly._fields["legal_opinion"].string, str(error.exception))
        anomaly.legal_opinion = "依合同第5条，补充协议可行"
        anomaly.action_close()
        self.assertEqual(anomaly.state, "closed")

    def test_large_loss_needs_compensation_approved_by_finance_and_legal(self):
        anomaly = self.anomaly(severity="critical", is_large_loss=True)
        self.advance(anomaly, "review")
        anomaly.write(
            {
                "review_root_cause": "r",
                "lessons": "l",
                "improvement_actions": "i",
                "review_meeting_at": "2026-11-20 08:00:00",
            }
        )
        leader = anomaly.with_user(self.user_leader)
        with self.assertRaises(UserError):
            leader.action_close()
        leader.write({"loss_amount": 300000, "compensation_proposal": "赔偿备件及工时"})
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_cs).action_approve_compensation_finance()
        leader.action_approve_compensation_finance()
        with self.assertRaises(UserError):
            leader.action_close()
        leader.action_approve_compensation_legal()
        leader.action_close()
        self.assertEqual(anomaly.state, "closed")
        self.assertEqual(anomaly.sudo().compensation_legal_user_id, self.user_leader)


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
