"""A customer in the portal, in a real browser (Odoo tours in headless
Chromium): files a complaint, and confirms its resolution once handled;
asks for another time of an upcoming follow-up from the paged list. The
company, its specialist and its customer with a portal user are the test's
own (orm_world)."""

from datetime import timedelta

from orm_world import SPECIALIST, new_company, new_user
from tour_screenshots import TourScreenshotMixin

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserPortal(TourScreenshotMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = new_company(cls.env, "门户测试公司")
        cls.handler = new_user(
            cls.env, cls.company, "cf_portal_handler", SPECIALIST, followup_department="客户服务部"
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "海尔智家股份有限公司 (portal)",
                "is_company": True,
                "customer_rank": 1,
                "company_id": cls.company.id,
            }
        )
        cls.customer.with_company(cls.company).followup_user_id = cls.handler
        contact = cls.env["res.partner"].create(
            {
                "name": "吴总",
                "parent_id": cls.customer.id,
                "function": "设备部",
                "email": "wuzong@portal-customer.example.com",
            }
        )
        cls.portal_user = new_user(
            cls.env, cls.company, "cf_portal_customer", ["base.group_portal"], partner_id=contact.id
        )

    def test_customer_files_a_complaint_and_confirms_its_resolution(self):
        user = self.portal_user
        self.assertTrue(user.share, "吴总 of the customer is a portal user")
        customer = user.partner_id.commercial_partner_id
        self.assertEqual(customer, self.customer)
        Anomaly = self.env["customer.followup.anomaly"]
        before = Anomaly.search([]).ids
        self.start_tour(
            "/my/service-issues", "customer_followup_portal_complaint", login=user.login
        )
        anomaly = Anomaly.search([("id", "not in", before)])
        self.assertEqual(len(anomaly), 1)
        self.assertEqual(anomaly.partner_id, customer)
        self.assertEqual((anomaly.source, anomaly.state), ("online", "discovered"))
        self.assertTrue(
            anomaly._clock_deadline("report"), "the report clock runs in the back office"
        )

        # The company handles it (as the approvers would) and tells the customer.
        handler = self.handler
        anomaly.write(
            {
                "user_id": handler.id,
                "findings": "显示模块松动",
                "root_cause": "运输振动",
                "plan_measures": "上门更换显示模块",
                "plan_owner_ids": [Command.set(handler.ids)],
                "plan_deadline": anomaly._clock_deadline("resolve"),
                "customer_told": "已更换显示模块",
            }
        )
        while anomaly.state != "feedback":
            anomaly.action_next_step()
        request = (
            self.env["mail.mail"]
            .search([("model", "=", anomaly._name), ("res_id", "=", anomaly.id)])
            .filtered(lambda m: user.partner_id in m.recipient_ids)
        )
        self.assertTrue(request, "the confirmation request is in the mail queue")

        self.start_tour_and_screenshot(
            "/my/service-issues",
            "customer_followup_portal_confirm",
            "portal_customer_confirms",
            login=user.login,
        )
        anomaly.invalidate_recordset()
        self.assertEqual(anomaly.customer_confirmation, "confirmed")
        self.assertEqual(anomaly.customer_rating, 5)

    def test_customer_asks_another_time_from_the_paged_list(self):
        user = self.portal_user
        Visit = self.env["customer.followup.visit"]
        # The customer's next phone follow-up, which 吴总 may ask to move.
        Visit.create(
            {
                "partner_id": self.customer.id,
                "contact_id": user.partner_id.id,
                "company_id": self.company.id,
                "trigger": "routine",
                "channel": "phone",
                "user_id": self.handler.id,
                "scheduled_date": fields.Datetime.now() + timedelta(days=10),
            }
        )
        upcoming = Visit.search(
            [
                ("partner_id", "=", user.partner_id.commercial_partner_id.id),
                ("state", "=", "planned"),
            ]
        )
        self.assertTrue(upcoming, "the customer has an upcoming follow-up")
        self.start_tour_and_screenshot(
            "/my/follow-ups",
            "customer_followup_portal_another_time",
            "portal_customer_asks_another_time",
            login=user.login,
        )
        upcoming.invalidate_recordset()
        asked = upcoming.activity_ids.filtered(lambda a: "下周二 10:00" in str(a.note))
        self.assertEqual(len(asked), 1, "a to-do for the follow-up owner")
