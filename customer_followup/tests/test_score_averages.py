from datetime import datetime

from lxml import etree

from odoo.tests import tagged

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestScoreAverages(VisitCase):
    """Issue 14: the Follow-up Analysis pivot and graph, the customer's
    average and every read_group average only the scores customers gave on
    follow-ups of service; an unanswered follow-up is no 0 and a holiday
    greeting is not scored."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.answered = cls._tiered("评分客户 Scored Co", cls.tier_key, owner=cls.user_cs)
        cls.silent = cls._tiered("未答客户 Silent Co", cls.tier_key, owner=cls.user_cs)
        when = datetime(2026, 3, 10, 2, 0)

        def visit(partner, trigger="routine", **outcome):
            record = cls.Visit.create(
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "trigger": trigger,
                    "channel": "phone",
                    "scheduled_date": when,
                    "user_id": cls.user_cs.id,
                }
            )
            if outcome:
                record.write(dict(outcome, state="done", done_date=when))
            return record

        visit(cls.answered, satisfaction="4", score_quality="2")
        visit(cls.answered, satisfaction="2")
        visit(cls.answered)  # planned: nothing answered yet
        # A greeting holding a 0 written before greetings were kept apart.
        visit(cls.answered, trigger="holiday", satisfaction="0", score_quality="0")
        visit(cls.silent)

    def test_pivot_measures_average_the_answers_only(self):
        Visit = self.Visit.with_user(self.user_cs)
        measures = [
            "satisfaction_avg",
            "score_quality_avg",
            "score_delivery_avg",
            "score_attitude_avg",
            "score_speed_avg",
        ]
        # The pivot and graph offer them as averages.
        described = Visit.fields_get(measures, ["aggregator", "type"])
        self.assertEqual({d["aggregator"] for d in described.values()}, {"avg"})
        pivot = etree.fromstring(Visit.get_views([(False, "pivot")])["views"]["pivot"]["arch"])
        self.assertEqual(pivot.xpath("//field[@type='measure']/@name"), ["satisfaction_avg"])
        # What the pivot asks: (4 + 2) / 2 and the one quality given, 2.
        groups = Visit.web_read_group(
            [("partner_id", "=", self.answered.id)],
            [f"{name}:avg" for name in measures],
            ["state"],
            lazy=False,
        )["groups"]
        by_state = {group["state"]: group for group in groups}
        self.assertEqual(by_state["done"]["__count"], 3)
        self.assertEqual(by_state["done"]["satisfaction_avg"], 3.0)
        self.assertEqual(by_state["done"]["score_quality_avg"], 2.0)
        self.assertIs(by_state["done"]["score_delivery_avg"], False)
        self.assertIs(by_state["planned"]["satisfaction_avg"], False)
        # The score itself averages the same way for integrations.
        ((average,),) = Visit._read_group(
            [("partner_id", "=", self.answered.id), ("state", "=", "done")],
            [],
            ["satisfaction:avg"],
        )
        self.assertEqual(average, 3.0)

    def test_customer_average_counts_answers_only(self):
        answered = self.answered.with_user(self.user_cs)
        self.assertEqual(answered.followup_satisfaction, 3.0)
        self.assertEqual(answered.followup_satisfaction_count, 2)
        silent = self.silent.with_user(self.user_cs)
        self.assertEqual(silent.followup_satisfaction_count, 0)
        # The partner form shows no average until the customer answered.
        form = etree.fromstring(
            self.env["res.partner"]
            .with_user(self.user_cs)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        (average,) = form.xpath("//field[@name='followup_satisfaction']")
        self.assertEqual(average.get("invisible"), "not followup_satisfaction_count")
