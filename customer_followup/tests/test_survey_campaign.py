from datetime import date

from odoo.tests import tagged

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestSurveyCampaign(VisitCase):
    """003 第十五条: the quarterly satisfaction survey; a customer scoring
    under 3 of 5 gets a named owner and an improvement to-do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.happy = cls._tiered(
            "Happy Co", cls.tier_key, owner=cls.user_cs, email="buyer@happy.example.com"
        )
        cls.unhappy = cls._tiered(
            "Unhappy Co", cls.tier_normal, owner=cls.user_manager, email="boss@unhappy.example.com"
        )
        cls.survey = cls.env.ref("customer_followup.survey_followup")
        cls.Campaign = cls.env["customer.followup.survey.campaign"]

    def campaign(self):
        return self.Campaign.search(
            [("company_id", "=", self.company.id), ("date_from", "=", date(2027, 1, 1))]
        )

    def answer(self, visit, score):
        answer = visit.sudo().survey_user_input_id
        question = self.survey.question_ids.filtered(lambda q: q.followup_field == "satisfaction")
        answer._save_lines(question, str(score))
        answer._mark_done()
        visit.invalidate_recordset()

    def test_quarterly_survey_and_low_satisfaction(self):
        # Not on the second working day of the quarter; on the first one.
        self.Campaign._cron_run(today=date(2027, 1, 4))
        self.assertFalse(self.campaign())
        self.Campaign._cron_run(today=date(2027, 1, 1))
        campaign = self.campaign()
        self.assertEqual(len(campaign), 1)
        self.assertEqual(campaign.date_to, date(2027, 3, 31))
        self.assertEqual(campaign.threshold, 3)
        self.assertEqual(campaign.state, "done")
        visits = self.Visit.search(
            [("partner_id", "in", (self.happy | self.unhappy).ids), ("trigger", "=", "survey")]
        )
        self.assertEqual(len(visits), 2)
        self.assertEqual(set(visits.mapped("channel")), {"survey"})
        self.assertTrue(all(visits.mapped("survey_user_input_id")), "the questionnaire was sent")
        # Once a quarter.
        self.Campaign._cron_run(today=date(2027, 1, 1))
        self.assertEqual(
            self.Visit.search_count(
                [("partner_id", "in", (self.happy | self.unhappy).ids), ("trigger", "=", "survey")]
            ),
            2,
        )
        happy = visits.filtered(lambda v: v.partner_id == self.happy)
        unhappy = visits.filtered(lambda v: v.partner_id == self.unhappy)
        self.answer(happy, 3)
        self.answer(unhappy, 2)
        # The answers are the customers' scores.
        self.assertEqual((happy.state, happy.satisfaction), ("done", "3"))
        # 3 of 5 is not low; 2 is: its owner gets an improvement to-do.
        self.assertFalse(happy.low_satisfaction)
        self.assertTrue(unhappy.low_satisfaction)
        todo = unhappy.activity_ids.filtered(lambda a: a.user_id == self.user_manager)
        self.assertEqual(len(todo), 1)
        self.assertIn("2/5", todo.note)
        self.assertEqual((campaign.answered_count, campaign.low_count), (2, 1))
        low = self.Visit.search([("low_satisfaction", "=", True)])
        self.assertIn(unhappy, low)
        self.assertNotIn(happy, low)

    def test_tiers_can_be_chosen(self):
        campaign = self.Campaign.create(
            {
                "name": "Key customers only",
                "company_id": self.company.id,
                "date_from": date(2027, 4, 1),
                "date_to": date(2027, 6, 30),
                "tier_ids": [(6, 0, self.tier_key.ids)],
            }
        )
        campaign.action_start()
        campaign._send_batch()
        invited = self.Visit.search([("period_key", "=", "survey/2027-04-01")]).partner_id
        self.assertIn(self.happy, invited)
        self.assertNotIn(self.unhappy, invited)
