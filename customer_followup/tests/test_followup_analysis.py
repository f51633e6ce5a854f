from datetime import date

import pytz

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .kpi_common import KpiCase

REPORT = "customer_followup.report_followup_analysis"


def render(env, analyses, lang=None):
    Report = env["ir.actions.report"]
    if lang:
        Report = Report.with_context(lang=lang)
    return Report._render_qweb_html(REPORT, analyses.ids)[0].decode()


@tagged("post_install", "-at_install")
class TestFollowupAnalysis(KpiCase):
    """客户回访分析报告 on the hand-built October 2025 of KpiCase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.analysis = cls.env["customer.followup.analysis"].create(
            {
                "company_id": cls.company.id,
                "date_from": date(2025, 10, 1),
                "date_to": date(2025, 10, 31),
                "improvements": "<p>提前确认发货日期 Confirm shipping dates early</p>"
                "<script>alert('x')</script>",
            }
        )

    def test_headline_figures_on_the_form(self):
        self.assertTrue(self.analysis.name.startswith("HFFX"))
        self.assertEqual(self.analysis.period, "custom")
        self.assertEqual(self.analysis.planned_count, 7)
        self.assertEqual(self.analysis.done_count, 4)
        self.assertEqual(self.analysis.followup_rate, 57.1)
        self.assertEqual(self.analysis.satisfaction_avg, 2.75)
        self.assertEqual(self.analysis.answer_count, 4)
        self.assertEqual(self.analysis.resolution_rate, 50.0)
        self.assertEqual(self.analysis.open_problem_count, 1)
        # Holiday greetings: counted apart, in none of the figures above.
        self.assertEqual(self.analysis.greeting_count, 2)

    def test_report_by_tier_owner_and_previous_period(self):
        data = self.analysis._report_data()
        by_tier = {row["name"]: row for row in data["by_tier"]}
        strategic = by_tier[self.tier_strategic.display_name]
        self.assertEqual((strategic["planned"], strategic["done"], strategic["rate"]), (3, 2, 66.7))
        self.assertEqual(strategic["satisfaction"], 4.5)
        # 乙's greeting with an old 0 leaves the key tier's average at its one answer.
        self.assertEqual(by_tier[self.tier_key.display_name]["satisfaction"], 2.0)
        # 丙 answered once, with a 0 ("extremely bad"): an average of 0, not none.
        self.assertEqual(by_tier[self.tier_normal.display_name]["satisfaction"], 0.0)
        # Tiers print in their own order: strategic, key, normal.
        self.assertEqual(
            [row["name"] for row in data["by_tier"]],
            [t.display_name for t in (self.tier_strategic, self.tier_key, self.tier_normal)],
        )
        by_owner = {row["name"]: row for row in data["by_owner"]}
        self.assertEqual(by_owner[self.user_manager.name]["rate"], 50.0)
        self.assertEqual(by_owner[self.user_manager.name]["status"], "miss")
        self.assertEqual(
            (data["previous_from"], data["previous_to"]), (date(2025, 9, 1), date(2025, 9, 30))
        )
        rate = next(k for k in data["kpis"] if k["key"] == "satisfaction_rate")
        self.assertEqual((rate["value"], rate["previous"], rate["delta"]), (50.0, 100.0, -50.0))
        problems = {p["name"]: p for p in data["problems"]}
        # One problem found on a follow-up, one anomaly.
        self.assertEqual(problems["Delivery (交付)"]["total"], 2)
        self.assertEqual(problems["After-sales (售后)"]["followups"], 1)
        self.assertEqual(data["open_problems"], self.problem_open)

    def test_printed_report_shows_the_figures(self):
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        html = render(self.env, self.analysis)
        for text in (
            "Customer Follow-up Analysis Report",
            self.company.name,
            self.analysis.name,
            "2025-10-01",
            "2025-09-01",  # the previous period it is compared with
            "57.1 %",
            "66.7 %",
            '<span class="o_cf_greetings">2</span>',
            "Holiday greetings sent",
            "备件不足 Spare parts missing",
            "overdue",
            "Confirm shipping dates early",
        ):
            self.assertIn(text, html)
        # The manager's text is sanitised: no script reaches the page.
        self.assertNotIn("alert('x')", html)
        self.assertIn("Draft", html)

    def test_charts_are_drawn_in_the_document(self):
        """The follow-up rate by tier against the target and the 0–5
        distribution are drawn as SVG in the document wkhtmltopdf prints."""
        self.company.followup_target_followup_rate = 90
        html = render(self.env, self.analysis, lang="zh_CN")
        rate = html[html.index('class="o_cf_chart o_cf_chart_rate"') :]
        rate = rate[: rate.index("</svg>")]
        # One bar per tier: 66.7 % strategic, the others as in the table.
        self.assertEqual(rate.count('class="o_cf_bar"'), 3)
        self.assertIn("66.7 %", rate)
        self.assertIn('class="o_cf_target"', rate)
        self.assertIn("90 %", rate)
        dist = html[html.index('class="o_cf_chart o_cf_chart_distribution"') :]
        dist = dist[: dist.index("</svg>")]
        # Six scores, 5 to 0, with their Chinese labels; bars only for answers.
        self.assertEqual(dist.count("<text"), 6 + dist.count('class="o_cf_bar"'))
        self.assertIn("非常满意", dist)

    def test_empty_period_says_so(self):
        self.analysis.write({"date_from": date(2024, 1, 1), "date_to": date(2024, 1, 31)})
        html = render(self.env, self.analysis)
        self.assertIn("No follow-up was planned in this period.", html)
        self.assertIn("No satisfaction was recorded in this period.", html)
        self.assertIn("No problem was raised in this period.", html)

    def test_filters_narrow_the_report(self):
        self.analysis.write({"tier_ids": [(6, 0, self.tier_key.ids)]})
        data = self.analysis._report_data()
        self.assertEqual([row["name"] for row in data["by_tier"]], [self.tier_key.display_name])
        self.assertEqual(data["figures"]["planned"], 2)

    def test_a_filed_report_no_longer_changes(self):
        deputy = self.analysis.with_user(self.user_deputy)
        deputy.action_file()
        self.assertEqual(self.analysis.state, "filed")
        self.assertEqual(self.analysis.filed_by_id, self.user_deputy)
        with self.assertRaises(UserError):
            deputy.write({"improvements": "<p>changed</p>"})
        with self.assertRaises(UserError):
            deputy.action_file()
        self.analysis.with_user(self.user_manager).action_draft()
        self.assertEqual(self.analysis.state, "draft")
        deputy.write({"improvements": "<p>changed</p>"})

    def test_specialists_read_but_do_not_write(self):
        self.analysis.with_user(self.user_cs).read(["name"])
        with self.assertRaises(AccessError):
            self.analysis.with_user(self.user_cs).write({"improvements": "<p>x</p>"})
        with self.assertRaises(AccessError):
            self.env["customer.followup.analysis"].with_user(self.user_cs).create(
                {"date_from": date(2025, 1, 1), "date_to": date(2025, 1, 31)}
            )

    def test_period_ends_before_it_starts(self):
        with self.assertRaises(ValidationError):
            self.analysis.write({"date_from": date(2025, 11, 1)})

    def test_period_presets(self):
        presets = self.env["customer.followup.analysis"]._preset_dates
        today = date(2026, 11, 23)
        self.assertEqual(presets("last_quarter", today), (date(2026, 7, 1), date(2026, 9, 30)))
        self.assertEqual(presets("this_quarter", today), (date(2026, 10, 1), date(2026, 12, 31)))
        self.assertEqual(presets("last_month", today), (date(2026, 10, 1), date(2026, 10, 31)))
        self.assertEqual(presets("last_year", today), (date(2025, 1, 1), date(2025, 12, 31)))
        self.assertEqual(
            presets("last_quarter", date(2026, 2, 10)), (date(2025, 10, 1), date(2025, 12, 31))
        )

    def test_printed_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_CN"], overwrite=True
        )
        html = render(self.env, self.analysis, lang="zh_CN")
        self.assertIn("客户回访分析报告", html)
        self.assertIn("回访率", html)
        self.assertIn("未解决问题", html)

    def test_printed_in_traditional_chinese(self):
        self.env["res.lang"]._activate_lang("zh_TW")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_TW"], overwrite=True
        )
        html = render(self.env, self.analysis, lang="zh_TW")
        self.assertIn("客戶回訪分析報告", html)
        self.assertIn("回訪率", html)

    def test_report_matches_the_list(self):
        """The report prints the figures a manager finds in the follow-up
        list for the same dates (local dates, Asia/Shanghai)."""
        manager = self.user_manager
        analysis = self.analysis.with_user(manager).with_context(tz="Asia/Shanghai")
        tz = pytz.timezone("Asia/Shanghai")
        visits = (
            self.env["customer.followup.visit"]
            .with_user(manager)
            .search([("company_id", "=", analysis.company_id.id), ("state", "!=", "cancelled")])
        )
        in_period = visits.filtered(
            lambda v: (
                analysis.date_from
                <= pytz.utc.localize(v.scheduled_date).astimezone(tz).date()
                <= analysis.date_to
            )
        )
        # Holiday greetings are counted apart from the follow-ups of service,
        # those sent only.
        greetings = in_period.filtered(lambda v: v.trigger == "holiday")
        in_period -= greetings
        done = in_period.filtered(lambda v: v.state == "done")
        sent = greetings.filtered(lambda v: v.state == "done")
        # The hand-built October 2025: 7 planned, 4 done, 3 greetings, 2 sent.
        self.assertEqual((len(in_period), len(done), len(greetings), len(sent)), (7, 4, 3, 2))
        data = analysis._report_data()
        self.assertEqual(data["figures"]["planned"], len(in_period))
        self.assertEqual(data["figures"]["done"], len(done))
        self.assertEqual(data["figures"]["greetings"], len(sent))
        html = render(
            self.env(user=manager, context=dict(self.env.context, tz="Asia/Shanghai")), analysis
        )
        # 4 of 7: 57.1 %.
        self.assertIn("57.1 %", html)
        self.assertIn(analysis.company_id.name, html)
