"""A demo customer in the portal, in a real browser (Odoo tours in headless
Chromium): files a complaint, and confirms its resolution once handled;
asks for another time of an upcoming follow-up from the paged list."""

from tour_screenshots import TourScreenshotMixin

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserPortal(TourScreenshotMixin, HttpCase):
    def test_customer_files_a_complaint_and_confirms_its_resolution(self):
        user = self.env["res.users"].search([("login", "=", "portal_customer")])
        self.assertTrue(user.share, "demo data: 吴总 of 海尔 is a portal user")
        customer = user.partner_id.commercial_partner_id
        Anomaly = self.env["customer.followup.anomaly"]
        before = Anomaly.search([]).ids
        self.start_tour(
            "/my/service-issues", "customer_followup_portal_complaint", login="portal_customer"
        )
        anomaly = Anomaly.search([("id", "not in", before)])
        self.assertEqual(len(anomaly), 1)
        self.assertEqual(anomaly.partner_id, customer)
        self.assertEqual((anomaly.source, anomaly.state), ("online", "discovered"))
        self.assertTrue(
            anomaly._clock_deadline("report"), "the report clock runs in the back office"
        )

        # The company handles it (as the approvers would) and tells the customer.
        handler = self.env["res.users"].search([("login", "=", "wangfang")])
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
            login="portal_customer",
        )
        anomaly.invalidate_recordset()
        self.assertEqual(anomaly.customer_confirmation, "confirmed")
        self.assertEqual(anomaly.customer_rating, 5)

    def test_customer_asks_another_time_from_the_paged_list(self):
        user = self.env["res.users"].search([("login", "=", "portal_customer")])
        Visit = self.env["customer.followup.visit"]
        upcoming = Visit.search(
            [
                ("partner_id", "=", user.partner_id.commercial_partner_id.id),
                ("state", "=", "planned"),
            ]
        )
        self.assertTrue(upcoming, "demo data: 海尔 has an upcoming follow-up")
        self.start_tour_and_screenshot(
            "/my/follow-ups",
            "customer_followup_portal_another_time",
            "portal_customer_asks_another_time",
            login="portal_customer",
        )
        upcoming.invalidate_recordset()
        asked = upcoming.activity_ids.filtered(lambda a: "下周二 10:00" in str(a.note))
        self.assertEqual(len(asked), 1, "a to-do for the follow-up owner")
