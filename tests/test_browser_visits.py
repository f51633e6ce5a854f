"""Follow-up work as people do it, in a real browser (Odoo tours in headless
Chromium), on the demo data: the specialist's day and the manager's plan
approval. Each tour leaves a screenshot of its end state."""

from tour_screenshots import TourScreenshotMixin

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "customer_followup_browser")
class TestBrowserVisits(TourScreenshotMixin, HttpCase):
    def test_specialist_records_a_visit_and_raises_an_anomaly(self):
        visit = self.env.ref("customer_followup.demo_visit_sinopec_planned")
        specialist = self.env.ref("customer_followup.demo_user_wangfang")
        self.assertRecordValues(
            visit, [{"state": "planned", "channel": "phone", "user_id": specialist.id}]
        )
        self.assertFalse(visit.action_ids)

        self.start_tour_and_screenshot(
            "/odoo", "customer_followup_specialist_day", "specialist_day_anomaly", login="wangfang"
        )

        self.env.invalidate_all()
        self.assertRecordValues(
            visit,
            [
                {
                    "state": "done",
                    "satisfaction": 3,
                    "satisfaction_recorded": True,
                    "score_quality": 2,
                    "score_delivery": 4,
                    "score_attitude": 5,
                    "score_speed": 3,
                }
            ],
        )
        self.assertTrue(visit.done_date)
        problem = visit.action_ids
        self.assertRecordValues(
            problem, [{"name": "仪表读数漂移 Flowmeter reading drifts", "state": "open"}]
        )
        anomaly = self.env["customer.followup.anomaly"].search(
            [("visit_action_id", "=", problem.id)]
        )
        self.assertRecordValues(
            anomaly,
            [
                {
                    "state": "reported",
                    "source": "visit",
                    "visit_id": visit.id,
                    "partner_id": visit.partner_id.id,
                    "category": "technical",
                    "severity": "general",
                    "description": problem.name,
                    "user_id": specialist.id,
                }
            ],
        )
        self.assertTrue(anomaly.deadline_report, "the report clock started when it was saved")
        self.assertTrue(anomaly.next_deadline)
        self.assertEqual(
            anomaly.step_ids.sorted("id").mapped("state"),
            ["discovered", "reported"],
            "the timeline holds both steps",
        )

    def test_manager_approves_the_plan(self):
        plan = self.env.ref("customer_followup.demo_plan_yearly")
        specialist = self.env.ref("customer_followup.demo_user_wangfang")
        plan.with_user(specialist).action_submit()
        self.assertFalse(plan.visit_ids)

        self.start_tour_and_screenshot(
            "/odoo",
            "customer_followup_manager_plan_approval",
            "manager_plan_approved",
            login="zhoujie",
        )

        self.env.invalidate_all()
        manager = self.env.ref("customer_followup.demo_user_zhoujie")
        self.assertRecordValues(plan, [{"state": "approved", "approved_by_id": manager.id}])
        self.assertTrue(plan.visit_ids, "approving scheduled the follow-ups of the year")
