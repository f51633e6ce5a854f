from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

ADDON = "customer_followup_spreadsheet_dashboard"

# Waits until the dashboard is drawn, then checks what a reader sees: the 10
# key figures (the charts below are drawn when scrolled to), the dashboard and its group in the side
# panel and the filters' labels, in Chinese. Any console error fails the test.
CHECK_DASHBOARD = """
(async () => {
    const deadline = Date.now() + 60000;
    const figures = () => document.querySelectorAll(".o_spreadsheet_dashboard_action .o-figure");
    while (figures().length < 10) {
        if (Date.now() > deadline) {
            console.error(`the dashboard shows ${figures().length} figures of the 10 key figures`);
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const panel = document.querySelector(".o_spreadsheet_dashboard_search_panel").textContent;
    const filters = [...document.querySelectorAll(".o_control_panel input[placeholder]")].map(
        (input) => input.placeholder.trim()
    );
    const errors = document.querySelectorAll(".o_spreadsheet_dashboard_action .error");
    if (!panel.includes("客户服务") || !panel.includes("客户回访")) {
        console.error(`side panel not in Chinese: ${panel}`);
    } else if (!filters.includes("负责人") || !filters.includes("客户分级")) {
        console.error(`filters not in Chinese: ${filters}`);
    } else if (errors.length) {
        console.error(`the dashboard did not load: ${errors[0].textContent}`);
    } else {
        console.log("test successful");
    }
})();
"""


@tagged("post_install", "-at_install")
class TestDashboardInBrowser(HttpCase):
    def test_department_head_sees_the_dashboard_in_chinese(self):
        company = self.env["res.company"].create({"name": "仪器仪表厂 Dashboard Browser"})
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms([ADDON], ["zh_CN"], overwrite=True)
        new_test_user(
            self.env,
            login="cf_dash_browser",
            password="cf_dash_browser",
            lang="zh_CN",
            groups="base.group_user,customer_followup.group_customer_followup_dept_head",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        dashboard = self.env.ref(f"{ADDON}.spreadsheet_dashboard_customer_followup")
        self.browser_js(
            f"/odoo/dashboards?dashboard_id={dashboard.id}",
            CHECK_DASHBOARD,
            ready="odoo.isReady",
            login="cf_dash_browser",
            timeout=120,
        )
