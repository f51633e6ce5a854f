from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from .kpi_common import KpiCase

TITLES = {
    "general": "一般客户服务异常处置记录表",
    "major": "较大客户服务异常处置报告",
    "critical": "重大客户服务异常处置总结报告",
}


@tagged("post_install", "-at_install")
class TestPrintedDocuments(KpiCase):
    """Every printed document renders for a manager who reads Simplified
    Chinese, with the record's own figures, on the test's own records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_CN"], overwrite=True
        )
        cls.manager = new_test_user(
            cls.env,
            login="cf_zh_manager",
            groups="base.group_user,customer_followup.group_customer_followup_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        cls.menv = cls.env(
            user=cls.manager,
            context={
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
                "allowed_company_ids": cls.company.ids,
            },
        )

    def render(self, report, records):
        html = self.menv["ir.actions.report"]._render_qweb_html(report, records.ids)[0].decode()
        self.assertIn(self.company.name, html)
        return html

    def test_each_anomaly_document(self):
        anomalies = self.handled | self.pending
        anomalies |= self.anomaly(severity="major", description="整批流量计无法使用")
        anomalies |= self.anomaly(severity="critical", description="整条产线停产")
        self.assertEqual(set(anomalies.mapped("severity")), set(TITLES))
        for anomaly in anomalies.with_env(self.menv):
            html = self.render("customer_followup.report_customer_followup_anomaly", anomaly)
            self.assertIn(TITLES[anomaly.severity], html, anomaly.name)
            self.assertIn(anomaly.name, html)
            self.assertIn(anomaly.partner_id.name, html)

    def test_follow_up_record(self):
        visit = self.september.with_env(self.menv)
        html = self.render("customer_followup.report_customer_followup_visit", visit)
        self.assertIn("客户回访记录表", html)
        self.assertIn(visit.name, html)
        self.assertIn(visit.partner_id.name, html)

    def test_analysis_report_of_october(self):
        analysis = (
            self.env["customer.followup.analysis"]
            .create(
                {
                    "company_id": self.company.id,
                    "date_from": date(2025, 10, 1),
                    "date_to": date(2025, 10, 31),
                    "improvements": "<p>交付问题最多：与物流确认发货日期并提前通知客户。</p>",
                }
            )
            .with_env(self.menv)
        )
        html = self.render("customer_followup.report_followup_analysis", analysis)
        self.assertIn("客户回访分析报告", html)
        # The hand-built October: 7 follow-ups planned, 4 done.
        self.assertIn('<span class="o_cf_planned">7</span>', html)
        self.assertIn('<span class="o_cf_done">4</span>', html)
        # What the manager wrote.
        self.assertIn("交付问题最多", html)
