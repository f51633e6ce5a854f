"""Follow-up work as people do it, in a real browser (Odoo tours in headless
Chromium), as the people of a company of the test's own (orm_world): the
specialist's day, on a desktop and on a phone, and the manager's plan
approval. Each test makes the visit or plan its tour works on; each tour
leaves a screenshot of its end state."""

import base64
import io
from datetime import date, timedelta

from orm_world import MANAGER, SPECIALIST, chinese, new_company, new_user, tier
from PIL import Image
from tour_screenshots import TourScreenshotMixin

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

# Names the tours look for (customer_followup/static/tests/tours/).
TOUR_CUSTOMER = "嘉兴巡检仪表有限公司"
TOUR_PLAN = "重点客户年度回访计划 Key customer yearly plan"
PHONE_CUSTOMER = "嘉兴现场仪表有限公司"
PHONE_SIGNER = "李建国"


def make_people(env):
    """The company of the tours and its specialist and manager (Chinese
    speakers, as at a manufacturer's in China)."""
    company = new_company(env, "嘉兴仪表回访测试公司")
    lang = chinese(env)
    service = {"lang": lang, "followup_department": "客户服务部"}
    manager = new_user(env, company, "cf_tour_manager", MANAGER, **service)
    specialist = new_user(
        env, company, "cf_tour_specialist", SPECIALIST, followup_supervisor_id=manager.id, **service
    )
    return company, specialist, manager


def make_tour_customer(env, name, specialist):
    """A key customer of the specialist's, new to the follow-up records."""
    company = specialist.company_id
    customer = env["res.partner"].create(
        {
            "name": name,
            "is_company": True,
            "customer_rank": 1,
            "city": "嘉兴",
            "company_id": company.id,
        }
    )
    customer.with_company(company).write(
        {
            "followup_tier_id": tier(env, company, "key").id,
            "followup_tier_manual": True,
            "followup_tier_manual_reason": "新签框架协议",
            "followup_user_id": specialist.id,
        }
    )
    return customer


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserVisits(TourScreenshotMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, cls.specialist, cls.manager = make_people(cls.env)
        cls.tier_key = tier(cls.env, cls.company, "key")

    def _tour_customer(self):
        return make_tour_customer(self.env, TOUR_CUSTOMER, self.specialist)

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
            "/odoo",
            "customer_followup_specialist_day",
            "specialist_day_anomaly",
            login=self.specialist.login,
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
            login=self.manager.login,
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


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserVisitsPhone(TourScreenshotMixin, HttpCase):
    """The specialist on site with a phone: a 390×844 touch screen, where Odoo
    shows the kanban and the mobile form (actions under the cog menu)."""

    browser_size = "390x844"
    touch_enabled = True
    phone_screen = (390, 844)

    def test_specialist_records_an_onsite_visit_signed_on_the_phone(self):
        company, specialist, _manager = make_people(self.env)
        customer = make_tour_customer(self.env, PHONE_CUSTOMER, specialist)
        visit = self.env["customer.followup.visit"].create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "user_id": specialist.id,
                "trigger": "routine",
                "channel": "onsite",
                "scheduled_date": fields.Datetime.now(),
            }
        )

        self.start_tour_and_screenshot(
            "/odoo",
            "customer_followup_specialist_phone",
            "specialist_phone_signed",
            login=specialist.login,
        )

        self.env.invalidate_all()
        self.assertRecordValues(
            visit,
            [
                {
                    "state": "done",
                    "satisfaction": "4",
                    "score_quality": "5",
                    "signed_by": PHONE_SIGNER,
                }
            ],
        )
        self.assertTrue(visit.done_date)
        self.assertTrue(visit.signed_on, "the signature is dated when it was drawn")
        self.assertEqual(visit.problem_ids.mapped("name"), ["现场压力表指针抖动"])
        signature = base64.b64decode(visit.signature)
        self.assertTrue(signature.startswith(b"\x89PNG"), "the drawn signature is stored as a PNG")
        image = Image.open(io.BytesIO(signature)).convert("RGBA")
        inked = sum(1 for pixel in image.getdata() if pixel[3])
        self.assertGreater(inked, 100, "the signature holds the strokes drawn on the screen")
