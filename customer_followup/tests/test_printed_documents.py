from odoo.tests import TransactionCase, tagged

TITLES = {
    "general": "一般客户服务异常处置记录表",
    "major": "较大客户服务异常处置报告",
    "critical": "重大客户服务异常处置总结报告",
}


@tagged("post_install", "-at_install")
class TestDemoReports(TransactionCase):
    """Every printed document renders on the demo data for the demo manager,
    who reads Simplified Chinese, with the record's own figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env.ref("customer_followup.demo_user_zhoujie")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], [cls.manager.lang], overwrite=True
        )
        cls.menv = cls.env(
            user=cls.manager, context={"lang": cls.manager.lang, "tz": cls.manager.tz}
        )

    def render(self, report, records):
        html = self.menv["ir.actions.report"]._render_qweb_html(report, records.ids)[0].decode()
        self.assertIn(records.company_id[:1].name, html)
        return html

    def test_each_anomaly_document(self):
        anomalies = self.menv["customer.followup.anomaly"].search(
            [
                (
                    "id",
                    "in",
                    [
                        self.env.ref(f"customer_followup.demo_anomaly_a{n:02d}").id
                        for n in range(1, 11)
                    ],
                )
            ]
        )
        self.assertEqual(set(anomalies.mapped("severity")), set(TITLES))
        for anomaly in anomalies:
            html = self.render("customer_followup.report_customer_followup_anomaly", anomaly)
            self.assertIn(TITLES[anomaly.severity], html, anomaly.name)
            self.assertIn(anomaly.name, html)
            self.assertIn(anomaly.partner_id.name, html)

    def test_follow_up_record(self):
        visit = self.env.ref("customer_followup.demo_visit_haier_done").with_env(self.menv)
        html = self.render("customer_followup.report_customer_followup_visit", visit)
        self.assertIn("客户回访记录表", html)
        self.assertIn(visit.name, html)
        self.assertIn(visit.partner_id.name, html)

    def test_analysis_report_of_last_quarter(self):
        analysis = self.env.ref("customer_followup.demo_analysis_last_quarter").with_env(self.menv)
        html = self.render("customer_followup.report_followup_analysis", analysis)
        self.assertIn("客户回访分析报告", html)
        self.assertIn(f'<span class="o_cf_planned">{analysis.planned_count}</span>', html)
        self.assertIn(f'<span class="o_cf_done">{analysis.done_count}</span>', html)
        # Delivery problems: the demo's manager wrote about them.
        self.assertIn("交付问题最多", html)
