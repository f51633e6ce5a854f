"""The tier as people see it, in a real browser (Odoo tours in headless
Chromium): a salesperson of a company of the test's own (orm_world) on a
customer the tier engine placed."""

from datetime import date

from orm_world import SALESMAN, new_company, new_user
from tour_screenshots import TourScreenshotMixin

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserTiers(TourScreenshotMixin, HttpCase):
    def test_salesperson_sees_tier_but_cannot_change_it(self):
        company = new_company(self.env, "分级浏览测试公司")
        salesperson = new_user(self.env, company, "cf_tour_sales", [SALESMAN])
        # Its one customer for six years: all of the year's sales.
        partner = self.env["res.partner"].create(
            {
                "name": "浙江中控自动化仪表有限公司 (tour)",
                "is_company": True,
                "customer_rank": 1,
                "company_id": company.id,
            }
        )
        today = date.today()
        partner.with_company(company).followup_cooperation_start = today.replace(
            year=today.year - 6
        )
        product = self.env["product.product"].create(
            {"name": "仪表维保服务", "type": "service", "list_price": 1.0}
        )
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "price_unit": 800000.0, "tax_id": []}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        partner.with_company(company).sudo()._followup_recompute_tiers()
        partner = partner.with_company(company)
        self.assertEqual(partner.followup_tier_id.code, "strategic", "a strategic customer")
        self.assertTrue(partner.followup_tier_rule)
        self.start_tour_and_screenshot(
            f"/odoo/action-contacts.action_contacts/{partner.id}",
            "customer_followup_salesperson_tier",
            "salesperson_partner_tier",
            login=salesperson.login,
        )
