"""The tier as people see it, in a real browser (Odoo tours in headless
Chromium), on the demo data."""

from tour_screenshots import TourScreenshotMixin

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserTiers(TourScreenshotMixin, HttpCase):
    def _partner(self, name):
        # The demo's customers are the demo company's, their tiers too.
        company = self.env.ref("customer_followup.demo_company")
        return self.env["res.partner"].with_company(company).search([("name", "=", name)], limit=1)

    def test_salesperson_sees_tier_but_cannot_change_it(self):
        partner = self._partner("浙江中控自动化仪表有限公司")
        self.assertTrue(partner.followup_tier_id, "demo data: a strategic customer")
        self.start_tour_and_screenshot(
            f"/odoo/action-contacts.action_contacts/{partner.id}",
            "customer_followup_salesperson_tier",
            "salesperson_partner_tier",
            login="zhangwei",
        )
