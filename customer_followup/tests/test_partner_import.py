import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from .common import CustomerFollowupCase

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPTIONS = {
    "quoting": '"',
    "separator": ",",
    "has_headers": True,
    "encoding": "utf-8",
    "date_format": "%Y-%m-%d",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "advanced": False,
}
FOLLOWUP_COLUMNS = {
    "Customer tier": "followup_tier_id",
    "Tier set by hand": "followup_tier_manual",
    "Reason for the manual tier": "followup_tier_manual_reason",
    "Follow-up owner": "followup_user_id",
    "Tier flags": "followup_flag_ids",
    "Cooperation since": "followup_cooperation_start",
    "Preferred contact window": "followup_contact_window",
    "Prefers fewer calls": "followup_fewer_calls",
}


def _csv(rows):
    return "\n".join(
        ",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in rows
    ).encode()


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@tagged("post_install", "-at_install")
class TestPartnerImport(CustomerFollowupCase):
    """Customers' tiers, owners and contact windows through Odoo's importer
    (base_import), as an office imports a spreadsheet of customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.existing = cls._customer("宁波精工仪表有限公司")
        cls.env["ir.model.data"].create(
            {
                "module": "__import__",
                "name": "jinggong",
                "model": "res.partner",
                "res_id": cls.existing.id,
            }
        )
        cls.flag_scattered = cls.env.ref("customer_followup.tier_flag_scattered_orders")

    def _import(self, user, rows, file_type=CSV, lang="en_US", dryrun=False):
        """Upload ``rows`` as a user would, keep the columns the importer
        matched, run the import. Returns (matched fields, result)."""
        content = _xlsx(rows) if file_type == XLSX else _csv(rows)
        wizard = (
            self.env["base_import.import"]
            .with_user(user)
            .with_context(lang=lang)
            .create(
                {
                    "res_model": "res.partner",
                    "file": content,
                    "file_type": file_type,
                    "file_name": "customers.xlsx" if file_type == XLSX else "customers.csv",
                }
            )
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        fields = [
            "/".join(preview["matches"][index]) if index in preview["matches"] else False
            for index in range(len(preview["headers"]))
        ]
        result = wizard.execute_import(fields, preview["headers"], dict(OPTIONS), dryrun=dryrun)
        return fields, result

    def _errors(self, result):
        return [m["message"] for m in result["messages"] if m["type"] == "error"]

    def _partner(self, name):
        return self.env["res.partner"].with_company(self.company).search([("name", "=", name)])

    # ------------------------------------------------------------------
    # Column titles
    # ------------------------------------------------------------------
    def test_english_labels_map_to_the_followup_fields(self):
        header = ["Name", *FOLLOWUP_COLUMNS]
        row = ["标签客户", "key", "1", "样板", "", "", "", "", "0"]
        fields, _result = self._import(self.user_manager, [header, row], dryrun=True)
        self.assertEqual(fields, ["name", *FOLLOWUP_COLUMNS.values()])

    def test_chinese_labels_map_for_a_chinese_user(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_CN"], overwrite=True
        )
        # Odoo's own Chinese label of Customer Rank (account's zh_CN.po): the
        # importer takes the first field whose label matches a column title.
        Fields = self.env["ir.model.fields"].with_context(lang="zh_CN")
        Fields._get("res.partner", "customer_rank").field_description = "客户等级"
        self.env.registry.clear_cache()
        tier_label = Fields._get("res.partner", "followup_tier_id").field_description
        self.assertNotEqual(
            tier_label,
            "客户等级",
            "'Customer tier' needs a Chinese label of its own: 客户等级 is Odoo's "
            "label of Customer Rank, which the importer would take (e.g. 客户分级)",
        )
        header = [
            "Name",
            tier_label,
            "手动定级",
            "手动设置等级的原因",
            "回访负责人",
            "分级标记",
            "合作起始日期",
            "偏好联系时段",
            "不喜频繁来电",
        ]
        row = ["标签客户", "key", "1", "样板", "", "", "", "", "0"]
        fields, _result = self._import(self.user_manager, [header, row], lang="zh_CN", dryrun=True)
        self.assertEqual(fields, ["name", *FOLLOWUP_COLUMNS.values()])

    # ------------------------------------------------------------------
    # Importing
    # ------------------------------------------------------------------
    def test_csv_import_sets_tiers_owners_and_contact_windows(self):
        rows = [
            ["External ID", "Name", "Is a Company", *FOLLOWUP_COLUMNS],
            [
                "__import__.jinggong",
                "宁波精工仪表有限公司",
                "1",
                "key",
                "1",
                "框架协议客户",
                self.user_cs.login,
                "industry_leader,core_distributor",
                "2019-03-01",
                "周二、周四 10:00-11:30",
                "1",
            ],
            [
                "",
                "杭州新客户有限公司",
                "1",
                "Tier 3 - Normal customer",
                "1",
                "试点客户",
                self.user_cs.name,
                "scattered_orders",
                "",
                "工作日 14:00-17:00",
                "0",
            ],
        ]
        _fields, result = self._import(self.user_manager, rows)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(len(result["ids"]), 2)

        updated = self.existing.with_company(self.company)
        self.assertIn(updated.id, result["ids"], "the External ID updated the existing customer")
        self.assertRecordValues(
            updated,
            [
                {
                    "followup_tier_id": self.tier_key.id,
                    "followup_tier_manual": True,
                    "followup_tier_manual_reason": "框架协议客户",
                    "followup_user_id": self.user_cs.id,
                    "followup_cooperation_start": date(2019, 3, 1),
                    "followup_contact_window": "周二、周四 10:00-11:30",
                    "followup_fewer_calls": True,
                }
            ],
        )
        self.assertEqual(updated.followup_flag_ids, self.flag_leader | self.flag_distributor)
        self.assertIn("框架协议客户", updated.followup_tier_rule, "the reason decides the tier")

        created = self._partner("杭州新客户有限公司")
        self.assertEqual(created.id, next(i for i in result["ids"] if i != updated.id))
        self.assertRecordValues(
            created,
            [
                {
                    "is_company": True,
                    "followup_tier_id": self.tier_normal.id,
                    "followup_tier_manual": True,
                    "followup_user_id": self.user_cs.id,
                    "followup_contact_window": "工作日 14:00-17:00",
                    "followup_fewer_calls": False,
                }
            ],
        )
        self.assertEqual(created.followup_flag_ids, self.flag_scattered)

        # The imported tiers hold when the rules run again.
        self.env["res.partner"].with_company(self.company).browse(
            [updated.id, created.id]
        ).sudo()._followup_recompute_tiers()
        self.assertEqual(updated.followup_tier_id, self.tier_key)
        self.assertEqual(created.followup_tier_id, self.tier_normal)

    def test_xlsx_import(self):
        # No "Tier set by hand" column: a tier given in the file is kept at
        # the nightly recomputation, as one chosen on the form.
        rows = [
            [
                "Name",
                "Is a Company",
                "Customer tier",
                "Reason for the manual tier",
                "Follow-up owner",
                "Cooperation since",
                "Preferred contact window",
                "Prefers fewer calls",
            ],
            [
                "苏州表计有限公司",
                True,
                "strategic",
                "集团战略合作",
                self.user_cs.login,
                date(2018, 5, 20),
                "周一 9:00-10:00",
                True,
            ],
        ]
        _fields, result = self._import(self.user_manager, rows, file_type=XLSX)
        self.assertEqual(self._errors(result), [])
        self.assertRecordValues(
            self._partner("苏州表计有限公司"),
            [
                {
                    "followup_tier_id": self.tier_strategic.id,
                    "followup_tier_manual": True,
                    "followup_user_id": self.user_cs.id,
                    "followup_cooperation_start": date(2018, 5, 20),
                    "followup_contact_window": "周一 9:00-10:00",
                    "followup_fewer_calls": True,
                }
            ],
        )

    def test_a_tier_code_matches_the_tier_of_the_import_company(self):
        # A manager of two companies imports into the test company: the main
        # company has a tier with the same code and name.
        main = self.env.ref("base.main_company")
        manager = new_test_user(
            self.env,
            login="cf_two_companies",
            groups="base.group_user,base.group_partner_manager,"
            "customer_followup.group_customer_followup_manager",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | main).ids)],
        )
        rows = [
            ["Name", "Customer tier", "Reason for the manual tier"],
            ["两公司客户", "key", "总部指定"],
            ["两公司客户二", "Tier 1 - Strategic customer", "总部指定"],
        ]
        wizard_env = self.env(
            context=dict(self.env.context, allowed_company_ids=[self.company.id, main.id])
        )
        self.env = wizard_env
        _fields, result = self._import(manager, rows)
        self.assertEqual(self._errors(result), [])
        self.assertFalse(result["messages"], "no 'multiple matches' warning")
        self.assertEqual(self._partner("两公司客户").followup_tier_id, self.tier_key)
        self.assertEqual(self._partner("两公司客户二").followup_tier_id, self.tier_strategic)

    # ------------------------------------------------------------------
    # Errors
    # ------------------------------------------------------------------
    def test_unknown_tier_is_named_in_the_error(self):
        rows = [
            ["Name", "Customer tier", "Reason for the manual tier"],
            ["未知等级客户", "platinum", "大客户"],
        ]
        _fields, result = self._import(self.user_manager, rows)
        errors = self._errors(result)
        self.assertTrue(errors)
        self.assertIn("platinum", errors[0])
        self.assertIn("Customer tier", errors[0])
        self.assertFalse(result["ids"])
        self.assertFalse(self._partner("未知等级客户"), "nothing was imported")

    def test_unknown_owner_and_flag_are_named_in_the_error(self):
        rows = [
            ["Name", "Follow-up owner", "Tier flags"],
            ["未知负责人客户", "nobody_here", "industry_leader,unicorn"],
        ]
        _fields, result = self._import(self.user_manager, rows)
        errors = " ".join(self._errors(result))
        self.assertIn("nobody_here", errors)
        self.assertIn("unicorn", errors)
        self.assertFalse(self._partner("未知负责人客户"))

    def test_a_tier_without_reason_is_refused_naming_the_customer(self):
        rows = [["Name", "Customer tier"], ["无理由客户", "key"]]
        _fields, result = self._import(self.user_manager, rows)
        errors = self._errors(result)
        self.assertEqual(len(errors), 1)
        self.assertIn("无理由客户", errors[0])
        self.assertIn("reason", errors[0])
        self.assertFalse(self._partner("无理由客户"))

    def test_rights_decide_which_columns_can_be_imported(self):
        tier_rows = [
            ["Name", "Customer tier", "Reason for the manual tier"],
            ["越权客户", "strategic", "想要"],
        ]
        for user in (self.user_sales, self.user_cs):
            _fields, result = self._import(user, tier_rows)
            self.assertIn(
                "Only Customer Follow-up managers can set a customer's tier by hand.",
                self._errors(result),
                user.login,
            )
        self.assertFalse(self._partner("越权客户"))

        _fields, result = self._import(
            self.user_sales, [["Name", "Follow-up owner"], ["越权负责人", self.user_cs.login]]
        )
        self.assertTrue(self._errors(result), "a salesperson cannot assign follow-up owners")

        # Contact preferences are anyone's to keep up to date.
        rows = [
            ["External ID", "Preferred contact window", "Prefers fewer calls"],
            ["__import__.jinggong", "周三下午", "1"],
        ]
        _fields, result = self._import(self.user_sales, rows)
        self.assertEqual(self._errors(result), [])
        self.assertRecordValues(
            self.existing,
            [{"followup_contact_window": "周三下午", "followup_fewer_calls": True}],
        )

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------
    def test_the_template_is_offered_and_imports_as_it_is(self):
        path = "/customer_followup/static/xls/customer_followup_customers.csv"
        templates = self.env["res.partner"].get_import_templates()
        self.assertIn(path, [t["template"] for t in templates])
        with file_open(path.lstrip("/"), "rb") as template:
            content = template.read().decode()
        rows = [line.split(",") for line in content.splitlines()]
        header = rows[0]
        self.assertEqual(header[:2], ["Name", "Is a Company"])
        self.assertEqual(set(header[2:]), set(FOLLOWUP_COLUMNS))
        wizard = (
            self.env["base_import.import"]
            .with_user(self.user_manager)
            .create(
                {
                    "res_model": "res.partner",
                    "file": content.encode(),
                    "file_type": CSV,
                    "file_name": "customer_followup_customers.csv",
                }
            )
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        fields = ["/".join(preview["matches"][i]) for i in range(len(header))]
        self.assertEqual(fields[2:], [FOLLOWUP_COLUMNS[title] for title in header[2:]])
        result = wizard.execute_import(fields, preview["headers"], dict(OPTIONS), dryrun=True)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(len(result["ids"]), 2)
