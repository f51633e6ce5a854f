from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .anomaly_common import AnomalyCase

REPORT = "customer_followup.report_anomaly_statistics"


@tagged("post_install", "-at_install")
class TestAnomalyStatistics(AnomalyCase):
    """Monthly statistics (003 第十五条) on a hand-built month with known answers."""

    def setUp(self):
        super().setUp()
        # Tuesday 24 November 2026, 10:00 in Shanghai.
        with freeze_time("2026-11-24 02:00:00"):
            on_time = self.anomaly()
            late = self.anomaly()
            self.anomaly(category="presales", severity="major")
            self.advance(on_time, "reported")
        # Four hours later the 1-hour report clock of 一般 has run out.
        with freeze_time("2026-11-24 06:00:00"):
            self.advance(late, "reported")
        # Closed a day after it was discovered.
        with freeze_time("2026-11-25 02:00:00"):
            self.advance(on_time, "closed")
        self.wizard = self.env["customer.followup.anomaly.statistics"].create(
            {
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
                "company_id": self.company.id,
            }
        )

    def test_figures(self):
        stats = self.env["report.customer_followup.report_anomaly_statistics"]._statistics(
            self.wizard
        )
        self.assertEqual(stats["total"], 3)
        self.assertEqual(stats["matrix"][("delivery", "general")], 2)
        self.assertEqual(stats["matrix"][("presales", "major")], 1)
        self.assertEqual(stats["by_severity"]["general"], 2)
        self.assertEqual(stats["timeliness"]["report"], {"total": 2, "met": 1, "rate": 50.0})
        self.assertEqual(stats["closed"], 1)
        self.assertEqual(stats["avg_hours"], 24.0)
        self.assertEqual(stats["top_categories"][0][1], 2)
        self.assertIn("report", stats["weak_steps"])

    def test_another_month_is_empty(self):
        self.wizard.write({"date_from": date(2026, 10, 1), "date_to": date(2026, 10, 31)})
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.wizard.ids)[0].decode()
        self.assertIn("No anomaly in this period.", html)

    def test_printed_figures(self):
        # A company that chose its document layout prints at once.
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        action = self.wizard.action_print()
        self.assertEqual(action["report_name"], REPORT)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.wizard.ids)[0].decode()
        self.assertIn("Service Anomaly Statistics", html)
        self.assertRegex(html, r'o_cf_total">3<')
        self.assertIn("50.0 %", html)
        self.assertRegex(html, r'o_cf_avg_hours">24.0<')

    def test_charts(self):
        """Anomalies by category and the on-time rate of each clock against
        the target, drawn as SVG in the printed statistics."""
        self.company.followup_target_on_time = 100
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, self.wizard.ids)[0].decode()
        categories = html[html.index("o_cf_chart_categories") :]
        categories = categories[: categories.index("</svg>")]
        # The six categories of 003 第六条, one bar each.
        self.assertEqual(categories.count('class="o_cf_bar"'), 6)
        timeliness = html[html.index("o_cf_chart_timeliness") :]
        timeliness = timeliness[: timeliness.index("</svg>")]
        self.assertIn("50 %", timeliness)  # the report clock, 1 of 2 on time
        self.assertIn('class="o_cf_target"', timeliness)
        self.assertIn("100 %", timeliness)
