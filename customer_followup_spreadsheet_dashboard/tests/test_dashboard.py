import json
import re

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval
from odoo.tools.translate import extract_spreadsheet_terms

from odoo.addons.spreadsheet.utils.validate_data import (
    fields_in_spreadsheet,
    menus_xml_ids_in_spreadsheet,
    odoo_charts,
)

ADDON = "customer_followup_spreadsheet_dashboard"
JSON_PATH = f"{ADDON}/data/files/customer_followup_dashboard.json"


@tagged("post_install", "-at_install")
class TestCustomerFollowupDashboard(TransactionCase):
    """The Customer Follow-up dashboard of Odoo's Dashboards app: who sees
    it, that every figure names models and fields that exist, and that it
    opens in Chinese for a Chinese department head."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(f"{ADDON}.spreadsheet_dashboard_customer_followup")
        cls.company = cls.env["res.company"].create({"name": "仪器仪表厂 Dashboard Test"})
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms([ADDON], ["zh_CN"], overwrite=True)
        role = "customer_followup.group_customer_followup_"
        cls.dept_head = new_test_user(
            cls.env,
            login="cf_dash_dept_head",
            lang="zh_CN",
            groups=f"base.group_user,{role}dept_head",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.specialist = new_test_user(
            cls.env,
            login="cf_dash_user",
            lang="zh_CN",
            groups=f"base.group_user,{role}user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        with file_open(JSON_PATH, "rb") as fh:
            cls.data = json.load(fh)

    def _eval_domain(self, domain, user):
        """A domain of the dashboard as the web client evaluates it for ``user``:
        lists as they are, strings with the reader's context (today, companies)."""
        if isinstance(domain, list):
            return domain
        return safe_eval(
            domain,
            {
                "context_today": lambda: fields.Date.context_today(
                    self.env["res.users"].with_user(user)
                ),
                "relativedelta": relativedelta,
                "datetime": safe_datetime,
                "uid": user.id,
                "allowed_company_ids": user.company_ids.ids,
            },
        )

    def test_published_for_department_heads_in_a_group_of_its_own(self):
        self.assertTrue(self.dashboard.is_published)
        self.assertEqual(
            self.dashboard.group_ids,
            self.env.ref("customer_followup.group_customer_followup_dept_head"),
        )
        group = self.dashboard.dashboard_group_id
        self.assertEqual(group.name, "Customer Service")
        self.assertEqual(group.dashboard_ids, self.dashboard)

    def test_every_model_field_and_measure_exists(self):
        # What Odoo checks when a dashboard is saved: every model and field
        # chain (pivots, lists, charts, filters) and menu exists.
        self.dashboard._check_spreadsheet_data()
        self.assertIn("customer.followup.visit", fields_in_spreadsheet(self.data))
        for xml_id in menus_xml_ids_in_spreadsheet(self.data):
            self.assertTrue(self.env.ref(xml_id).action, xml_id)
        # Groupings and measures as read_group takes them.
        for pivot in self.data["pivots"].values():
            model = self.env[pivot["model"]]
            described = model.fields_get()
            for dim in pivot["rows"] + pivot["columns"]:
                self.assertTrue(described[dim["fieldName"]]["groupable"], dim)
            for measure in pivot["measures"]:
                name = measure["fieldName"]
                if name != "__count":
                    self.assertTrue(described[name]["store"], name)
                    self.assertTrue(described[name]["aggregator"], name)
            # Every pivot reads: its domain evaluates and selects.
            domain = self._eval_domain(pivot["domain"], self.dept_head)
            groupby = [
                f"{d['fieldName']}:{d['granularity']}" if d.get("granularity") else d["fieldName"]
                for d in pivot["rows"] + pivot["columns"]
            ]
            model.with_user(self.dept_head)._read_group(domain, groupby, ["__count"])
        for chart in odoo_charts(self.data):
            model = self.env[chart["metaData"]["resModel"]]
            self.assertEqual(chart["metaData"]["measure"], "__count")
            domain = self._eval_domain(chart["searchParams"]["domain"], self.dept_head)
            model.with_user(self.dept_head)._read_group(domain, chart["metaData"]["groupBy"])
        for list_def in self.data["lists"].values():
            model = self.env[list_def["model"]].with_user(self.dept_head)
            domain = self._eval_domain(list_def["domain"], self.dept_head)
            # The reader's current company: its KPI targets.
            self.assertEqual(model.search(domain), self.company)
            self.assertEqual(model.search(domain).followup_target_followup_rate, 100.0)
            model.search_read(domain, list_def["columns"])

    def test_formulas_name_pivots_and_lists_that_exist(self):
        formulas = " ".join(
            cell.get("content", "")
            for sheet in self.data["sheets"]
            for cell in sheet["cells"].values()
        )
        pivot_ids = set(re.findall(r"PIVOT\.(?:VALUE|HEADER)\((\d+)", formulas))
        self.assertEqual(pivot_ids, set(self.data["pivots"]))
        self.assertEqual(set(re.findall(r"ODOO\.LIST\((\d+)", formulas)), set(self.data["lists"]))

    def test_department_head_opens_it_in_chinese(self):
        # The web client sends the user's language in the context.
        env = self.env(user=self.dept_head, context=dict(self.env.context, lang="zh_CN"))
        Group = env["spreadsheet.dashboard.group"]
        # What the Dashboards app reads first: the groups with dashboards.
        groups = Group.search([("published_dashboard_ids", "!=", False)])
        group = groups.filtered(lambda g: self.dashboard in g.published_dashboard_ids)
        self.assertEqual(group.name, "客户服务")
        dashboard = self.dashboard.with_env(env)
        self.assertEqual(dashboard.name, "客户回访")
        # Then the dashboard itself, with the reader's locale.
        result = dashboard.get_readonly_dashboard()
        self.assertEqual(result["snapshot"]["settings"]["locale"]["code"], "zh_CN")
        self.assertFalse(result.get("is_sample"))
        self.assertEqual([s["name"] for s in result["snapshot"]["sheets"]], ["Dashboard", "Data"])
        # The web client translates the dashboard's texts (titles, headings,
        # filter labels) with the translations it loads for the user.
        with file_open(JSON_PATH, "rb") as fh:
            terms = {
                term for _line, _func, term, _comments in extract_spreadsheet_terms(fh, [], [], {})
            }
        self.assertIn("KPIs against targets", terms)
        translations, _lang = self.env["ir.http"].get_translations_for_webclient([ADDON], "zh_CN")
        chinese = {m["id"]: m["string"] for m in translations[ADDON]["messages"]}
        self.assertFalse(sorted(terms - set(chinese)), "texts the web client cannot translate")
        self.assertEqual(chinese["KPIs against targets"], "关键指标与目标")
        self.assertEqual(chinese["Follow-up rate by tier"], "各级客户回访率")

    def test_a_specialist_does_not_see_it(self):
        dashboard = self.dashboard.with_user(self.specialist)
        with self.assertRaises(AccessError):
            dashboard.check_access("read")
        with self.assertRaises(AccessError):
            dashboard.read(["name", "spreadsheet_data"])
        self.assertFalse(dashboard.search([("id", "=", self.dashboard.id)]))
        groups = self.env["spreadsheet.dashboard.group"].with_user(self.specialist).search([])
        self.assertNotIn(self.dashboard, groups.published_dashboard_ids)
