from odoo.tests import tagged

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestVisitSurvey(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._tiered(
            "Survey Co", cls.tier_normal, owner=cls.user_cs, email="buyer@survey.example.com"
        )
        cls.survey = cls.env.ref("customer_followup.survey_followup")

    def _question(self, fname):
        return self.survey.question_ids.filtered(lambda q: q.followup_field == fname)

    def test_questionnaire_round_trip(self):
        visit = self._visit(self.customer, channel="survey").with_user(self.user_cs)
        self.assertEqual(visit.survey_id, self.survey)
        visit.action_send_survey()
        answer = visit.sudo().survey_user_input_id
        self.assertTrue(answer)
        self.assertEqual(answer.partner_id, self.customer)
        self.assertIn(answer.access_token, visit.survey_url)
        # The invitation is in the chatter, addressed to the customer.
        invitation = visit.sudo().message_ids.filtered(
            lambda m: answer.access_token in (m.body or "")
        )
        self.assertEqual(len(invitation), 1)
        self.assertIn(self.customer, invitation.partner_ids)
        # Sending again reuses the same answer.
        visit.action_send_survey()
        self.assertEqual(visit.sudo().survey_user_input_id, answer)
        self.assertEqual(
            self.env["survey.user_input"].search_count([("followup_visit_id", "=", visit.id)]), 1
        )
        # The customer answers.
        answer = answer.sudo()
        scores = {
            "satisfaction": 4,
            "score_quality": 5,
            "score_delivery": 3,
            "score_attitude": 4,
            "score_speed": 2,
        }
        for fname, score in scores.items():
            answer._save_lines(self._question(fname), str(score))
        recommend = self._question("would_recommend")
        yes = recommend.suggested_answer_ids.filtered("followup_yes")
        answer._save_lines(recommend, yes.id)
        answer._save_lines(self._question("opinions"), "Shorter lead times please")
        self.assertEqual(visit.state, "planned")
        answer._mark_done()
        visit.invalidate_recordset()
        self.assertEqual(visit.state, "done")
        for fname, score in scores.items():
            self.assertEqual(visit[fname], str(score))
        self.assertTrue(visit.would_recommend)
        self.assertIn("Shorter lead times", visit.opinions)
        self.assertTrue(visit.done_date)

    def test_only_questionnaire_followups_carry_one(self):
        call = self._visit(self.customer, channel="phone")
        self.assertFalse(call.survey_id)
        call.channel = "survey"
        self.assertEqual(call.survey_id, self.survey)
        call.channel = "onsite"
        self.assertFalse(call.survey_id)
        # Once sent, the answer keeps its questionnaire whatever the channel.
        sent = self._visit(self.customer, channel="survey")
        sent.action_send_survey()
        sent.channel = "phone"
        self.assertEqual(sent.survey_id, self.survey)
        self.assertEqual(sent.survey_user_input_id.survey_id, self.survey)

    def test_skipped_questions_stay_empty(self):
        """Issue 14: an answered 0 is "extremely bad"; a skipped question is
        no answer, not a 0."""
        visit = self._visit(self.customer, channel="survey")
        visit.action_send_survey()
        answer = visit.survey_user_input_id.sudo()
        answer._save_lines(self._question("satisfaction"), "0")
        answer._save_lines(self._question("score_quality"), "3")
        answer._mark_done()
        self.assertEqual(visit.state, "done")
        self.assertEqual((visit.satisfaction, visit.score_quality), ("0", "3"))
        self.assertEqual(
            [visit.score_delivery, visit.score_attitude, visit.score_speed], [False] * 3
        )

    def test_answer_without_satisfaction_keeps_visit_open(self):
        visit = self._visit(self.customer, channel="survey")
        visit.action_send_survey()
        answer = visit.survey_user_input_id.sudo()
        answer._save_lines(self._question("opinions"), "No time")
        answer._mark_done()
        self.assertEqual(visit.state, "planned")
        self.assertFalse(visit.satisfaction_recorded)
