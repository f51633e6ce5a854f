"""Follow-up work as people do it, in a real browser (Odoo tours in headless
Chromium), as the demo users: the specialist's day and the manager's plan
approval. Each test makes the visit or plan its tour works on, whatever other
tests did to the demo's; each tour leaves a screenshot of its end state."""

from datetime import date, timedelta

from tour_screenshots import TourScreenshotMixin

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

# Names the tours look for (customer_followup/static/tests/tours/).
TOUR_CUSTOMER = "嘉兴巡检仪表有限公司"
TOUR_PLAN = "重点客户年度回访计划 Key customer yearly plan"


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserVisits(TourScreenshotMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.specialist = cls.env.ref("customer_followup.demo_user_wangfang")
        cls.manager = cls.env.ref("customer_followup.demo_user_zhoujie")
        cls.company = cls.env.ref("base.main_company")
        cls.tier_key = cls.env.ref("customer_followup.tier_key")

    def _tour_customer(self):
        """A key customer of the specialist's, new to the follow-up records."""
        customer = self.env["res.partner"].create(
            {"name": TOUR_CUSTOMER, "is_company": True, "customer_rank": 1, "city": "嘉兴"}
        )
        customer.with_company(self.company).write(
            {
                "followup_tier_id": self.tier_key.id,
                "followup_tier_manual": True,
                "followup_tier_manual_reason": "新签框架协议",
                "followup_user_id": self.specialist.id,
            }
        )
        return customer

    def test_specialist_records_a_visit_and_raises_an_anomaly(self):
        customer = self._tour_customer()
        visit = self.env["customer.followup.visit"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "user_id": self.specialist.id,
                "trigger": "routine",
                "channel": "phone",
                "scheduled_date": fields.Datetime.now() + timedelta(days=1),
            }
        )

        self.start_tour_and_screenshot(
            "/odoo", "customer_followup_specialist_day", "specialist_day_anomaly", login="wangfang"
        )

        self.env.invalidate_all()
        self.assertRecordValues(
            visit,
            [
                {
                    "state": "done",
                    "satisfaction": "3",
                    "satisfaction_recorded": True,
                    "score_quality": "2",
                    "score_delivery": "4",
                    "score_attitude": "5",
                    "score_speed": "3",
                }
            ],
        )
        self.assertTrue(visit.done_date)
        problem = visit.problem_ids
        self.assertRecordValues(
            problem, [{"name": "仪表读数漂移 Flowmeter reading drifts", "state": "open"}]
        )
        anomaly = self.env["customer.followup.anomaly"].search(
            [("visit_problem_id", "=", problem.id)]
        )
        self.assertRecordValues(
            anomaly,
            [
                {
                    "state": "reported",
                    "source": "visit",
                    "visit_id": visit.id,
                    "partner_id": customer.id,
                    "category": "technical",
                    "severity": "general",
                    "description": problem.name,
                    "user_id": self.specialist.id,
                }
            ],
        )
        self.assertTrue(
            anomaly._clock_deadline("report"), "the report clock started when it was saved"
        )
        self.assertTrue(anomaly.next_deadline)
        self.assertEqual(
            anomaly.step_ids.sorted("id").mapped("state"),
            ["discovered", "reported"],
            "the timeline holds both steps",
        )

    def test_manager_approves_the_plan(self):
        customer = self._tour_customer()
        next_year = date.today().year + 1
        plan = self.env["customer.followup.plan"].create(
            {
                "name": TOUR_PLAN,
                "plan_type": "yearly",
                "company_id": self.company.id,
                "date_from": date(next_year, 1, 1),
                "date_to": date(next_year, 12, 31),
                "tier_ids": [Command.set(self.tier_key.ids)],
                "partner_ids": [Command.set(customer.ids)],
            }
        )
        plan.with_user(self.specialist).action_submit()

        self.start_tour_and_screenshot(
            "/odoo",
            "customer_followup_manager_plan_approval",
            "manager_plan_approved",
            login="zhoujie",
        )

        self.env.invalidate_all()
        self.assertRecordValues(plan, [{"state": "approved", "approved_by_id": self.manager.id}])
        self.assertTrue(plan.visit_ids, "approving scheduled the follow-ups of the year")
        self.assertEqual(plan.visit_ids.partner_id, customer)

        # Then the manager wrote and printed last quarter's analysis report.
        analysis = self.env["customer.followup.analysis"].search(
            [("create_uid", "=", self.manager.id)], order="id desc", limit=1
        )
        self.assertEqual(
            (analysis.date_from, analysis.date_to),
            analysis._preset_dates("last_quarter"),
            "last quarter by default",
        )
        self.assertIn("Tell customers about shipping dates earlier", analysis.improvements)
        # What the printed report says, in the manager's Chinese; the PDF
        # itself (embedded CJK font, Chinese glyphs) is downloaded from a
        # started server in test_report_pdf.py.
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(lang="zh_CN")
            ._render_qweb_html("customer_followup.report_followup_analysis", analysis.ids)[0]
            .decode()
        )
        self.assertIn("客户回访分析报告", html)
        self.assertIn(analysis.name, html)
        self.assertIn("Tell customers about shipping dates earlier", html)
