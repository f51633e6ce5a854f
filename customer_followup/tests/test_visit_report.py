from datetime import date, timedelta

from odoo.tests import new_test_user, tagged

from .visit_common import VisitCase

REPORT = "customer_followup.report_customer_followup_visit"


@tagged("post_install", "-at_install")
class TestVisitReport(VisitCase):
    """客户回访记录表: what a manager prints and files for one follow-up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._tiered("浙江测试仪表有限公司", cls.tier_key, owner=cls.user_cs)

    def _html(self, visit, lang=None):
        Report = self.env["ir.actions.report"]
        if lang:
            Report = Report.with_context(lang=lang)
        html, _kind = Report._render_qweb_html(REPORT, visit.ids)
        return html.decode()

    def _recorded_visit(self):
        visit = self._visit(self.customer)
        visit.write(
            {
                "content": "<p>设备运行稳定，客户询问新款流量计的交期。</p>",
                "satisfaction": "4",
                "score_quality": "5",
                "score_delivery": "3",
                "score_attitude": "4",
                "score_speed": "2",
                "would_recommend": True,
                "opinions": "<p>" + "希望缩短交货周期。" * 80 + "</p>",
            }
        )
        self.env["customer.followup.visit.problem"].create(
            {
                "visit_id": visit.id,
                "name": "交货周期过长 <script>alert(1)</script>",
                "user_id": self.user_manager.id,
                "date_deadline": date.today() + timedelta(days=3),
            }
        )
        return visit

    def test_record_holds_what_was_said_and_found(self):
        visit = self._recorded_visit()
        html = self._html(visit)
        for expected in (
            self.company.name,
            "Customer Follow-up Record",
            visit.name,
            "浙江测试仪表有限公司",
            "设备运行稳定",
            "希望缩短交货周期",
            self.user_manager.name,
            "Not reviewed yet",
        ):
            self.assertIn(expected, html)
        # Scores per aspect, in their rows.
        for label, score in (("Product quality", 5), ("Delivery", 3), ("Response speed", 2)):
            self.assertRegex(html, rf"{label}</th>\s*<td>{score}</td>")
        # Text from users is printed, never run.
        self.assertNotIn("<script>alert(1)</script>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)

    def test_empty_sections_say_so(self):
        html = self._html(self._visit(self.customer))
        self.assertIn("No scores recorded yet.", html)
        self.assertIn("No problem found.", html)
        self.assertIn("Phone follow-up: no signature.", html)

    def test_unrated_aspects_print_no_zero(self):
        """Issue 14: an aspect the customer did not rate is no 0 ("extremely
        bad"); a 0 they gave is printed as such."""
        visit = self._visit(self.customer)
        visit.write({"satisfaction": "3", "score_delivery": "0"})
        html = self._html(visit)
        self.assertRegex(html, r"Overall satisfaction</th>\s*<td>3</td>")
        self.assertRegex(html, r"Delivery</th>\s*<td>0</td>")
        for label in ("Product quality", "Service attitude", "Response speed"):
            self.assertRegex(html, rf"{label}</th>\s*<td>—</td>")

    def test_greeting_record_asks_for_no_score(self):
        greeting = self._visit(self.customer, trigger="holiday")
        greeting.action_done()
        html = self._html(greeting)
        self.assertIn("A holiday greeting asks the customer for no score.", html)
        self.assertNotIn("No scores recorded yet.", html)

    def test_printed_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_CN"], overwrite=True
        )
        html = self._html(self._recorded_visit(), lang="zh_CN")
        self.assertIn("客户回访记录表", html)
        self.assertIn("发现的问题", html)

    def test_only_followup_users_print_it(self):
        salesperson = new_test_user(self.env, login="cf_report_sales", groups="base.group_user")
        report = self.env.ref("customer_followup.action_report_customer_followup_visit")
        self.assertFalse(salesperson.has_group("customer_followup.group_customer_followup_user"))
        self.assertIn(
            self.env.ref("customer_followup.group_customer_followup_user"), report.groups_id
        )
