from freezegun import freeze_time

from odoo.tests import tagged

from .anomaly_common import AnomalyCase

REPORT = "customer_followup.report_customer_followup_anomaly"


@tagged("post_install", "-at_install")
class TestAnomalyReport(AnomalyCase):
    """The document of each severity: 一般记录表, 较大报告, 重大总结报告."""

    def _html(self, anomaly, lang=None):
        Report = self.env["ir.actions.report"]
        if lang:
            Report = Report.with_context(lang=lang)
        return Report._render_qweb_html(REPORT, anomaly.ids)[0].decode()

    def test_title_and_content_follow_the_severity(self):
        titles = {
            "general": "General Service Anomaly Handling Record",
            "major": "Major Service Anomaly Handling Report",
            "critical": "Critical Service Anomaly Handling Summary Report",
        }
        for severity, title in titles.items():
            with freeze_time("2026-11-24 02:00:00"):
                anomaly = self.anomaly(severity=severity)
                self.advance(anomaly, "closed")
            html = self._html(anomaly)
            self.assertIn(title, html, severity)
            for other in set(titles.values()) - {title}:
                self.assertNotIn(other, html)
            self.assertIn(anomaly.name, html)
            self.assertIn(self.company.name, html)
            self.assertIn("设备延期交付", html)
            # Every step of the loop is in the timeline, with who did it.
            self.assertGreaterEqual(
                html.count("<tr", html.index("o_customer_followup_timeline")), 9
            )
            self.assertIn(anomaly.plan_approved_by.name, html)
            self.assertEqual("Review meeting by" in html, severity == "critical", severity)

    def test_a_new_anomaly_says_what_is_missing(self):
        html = self._html(self.anomaly(severity="major"))
        self.assertIn("Nothing recorded.", html)
        self.assertIn("Major Service Anomaly Handling Report", html)

    def test_chinese_title(self):
        # The PDF made of this HTML, its embedded CJK font and Chinese glyphs,
        # are checked on a started server (tests/test_report_pdf.py).
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_CN"], overwrite=True
        )
        anomaly = self.anomaly(severity="critical")
        html = self._html(anomaly, lang="zh_CN")
        self.assertIn("重大客户服务异常处置总结报告", html)
        self.assertIn(anomaly.name, html)
