"""Upgrading and uninstalling the addon as an administrator does it: with
odoo-bin, in separate processes, on a throwaway copy of the test database.

- An upgrade (``-u customer_followup``) reloads the addon's data files but
  keeps what users changed in the records shipped as ``noupdate`` data:
  tiers, tier flags, escalation policies, mail templates, scripts and
  scheduled actions, in every language.
- Uninstalling leaves customers and sales as they were and removes the
  addon's models, tables, columns and groups.
"""

import configparser
import json
import os
import shutil
import subprocess
import textwrap

import pytest

MARK = "CF_RESULT "
ADDON = "customer_followup"


def _required_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test`", pytrace=False)
    return value


def _options():
    parser = configparser.ConfigParser()
    parser.read(_required_env("CF_ODOO_CONF"))
    return parser["options"]


def _filestore(db):
    return os.path.join(_options().get("data_dir"), "filestore", db)


@pytest.fixture(scope="module")
def throwaway_db(databases):
    """A copy of the test database as installed (conftest's pristine copy,
    which nobody holds open: a template copy even while the suite's server
    runs) and of its filestore."""
    source = _required_env("CF_TEST_DB")
    target = databases.clone(f"{source}_lifecycle_{os.getpid()}"[-63:])
    if os.path.isdir(_filestore(source)):
        shutil.copytree(_filestore(source), _filestore(target))
    try:
        yield target
    finally:
        databases.drop(target)
        shutil.rmtree(_filestore(target), ignore_errors=True)


def _odoo_cmd(db, *args):
    return [
        _required_env("CF_PYTHON"),
        _required_env("CF_ODOO_BIN"),
        *args,
        "-c",
        _required_env("CF_ODOO_CONF"),
        "-d",
        db,
        "--no-http",
        "--log-level=warn",
    ]


def _shell(db, script):
    """Run ``script`` in ``odoo-bin shell`` and return what it printed after
    MARK (JSON). The script commits what it wants to keep."""
    done = subprocess.run(
        _odoo_cmd(db, "shell"),
        input=SNAPSHOT + textwrap.dedent(script),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    results = [line[len(MARK) :] for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert done.returncode == 0 and results, f"odoo-bin shell failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(results[-1])


def _upgrade(db, tmp_path):
    log = tmp_path / "upgrade.log"
    done = subprocess.run(
        [*_odoo_cmd(db), "-u", ADDON, "--stop-after-init", f"--logfile={log}"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    text = log.read_text() if log.exists() else ""
    assert done.returncode == 0, f"the upgrade failed:\n{text}\n{done.stderr}"
    errors_logged = [
        line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line
    ]
    assert not errors_logged, "the upgrade logged errors:\n" + "\n".join(errors_logged)


# Records the addon ships for companies to tune.
USER_TUNED_MODELS = [
    "customer.followup.tier",
    "customer.followup.tier.flag",
    "customer.followup.escalation.policy",
    "customer.followup.script",
    "mail.template",
    "mail.activity.type",
    "survey.survey",
    "survey.question",
    "survey.question.answer",
    "ir.cron",
    "ir.sequence",
    "ir.rule",
    "ir.actions.server",
]

# What users may change in the addon's noupdate data, read in both languages.
SNAPSHOT = """
import json
MARK = "CF_RESULT "
LANGS = ("en_US", "zh_CN")


def tr(record, fname):
    return {lang: str(record.with_context(lang=lang)[fname] or "") for lang in LANGS}


def edited_data():
    ref = env.ref
    tier = ref("customer_followup.tier_strategic")
    flag = ref("customer_followup.tier_flag_industry_leader")
    policy = ref("customer_followup.escalation_policy_general")
    template = ref("customer_followup.mail_template_visit_appointment")
    script = ref("customer_followup.script_general")
    cron = ref("customer_followup.ir_cron_recompute_partner_tiers")
    return {
        "tier": {
            "name": tr(tier, "name"),
            "service_promise": tr(tier, "service_promise"),
            "min_sales_share": tier.min_sales_share,
            "min_sales_amount": tier.min_sales_amount,
            "response_hours": tier.response_hours,
            "round_the_clock": tier.round_the_clock,
            "channel_mix": sorted([line.channel, line.share] for line in tier.channel_mix_ids),
            "flags": sorted(tier.flag_ids.mapped("code")),
        },
        "flag": tr(flag, "name"),
        "policy": {
            "report_within_minutes": policy.report_within_minutes,
            "resolve_within_working_days": policy.resolve_within_working_days,
            "daily_progress_required": policy.daily_progress_required,
            "notify_group": policy.notify_group_id.get_external_id()[policy.notify_group_id.id],
        },
        "template": {"subject": tr(template, "subject"), "body_html": tr(template, "body_html")},
        "script": tr(script, "opening"),
        "cron": [cron.interval_number, cron.interval_type],
    }


def menu_name():
    return env.ref("customer_followup.customer_followup_menu_root").with_context(lang="en_US").name


def sales_and_customers():
    # Partners the addon's own (demo) data did not create.
    own = env["ir.model.data"].search(
        [("module", "=", "customer_followup"), ("model", "=", "res.partner")]
    )
    Partner = env["res.partner"].with_context(active_test=False)
    orders = env["sale.order"].search([], order="id")
    return {
        "partner_ids": Partner.search([("id", "not in", own.mapped("res_id"))], order="id").ids,
        "partners_with_sales": sorted(set(orders.partner_id.ids)),
        "orders": [
            [o.id, o.name, o.state, o.partner_id.id, o.amount_total, len(o.order_line)]
            for o in orders
        ],
    }


def sample(partner_id, order_id):
    partner = env["res.partner"].browse(partner_id)
    order = env["sale.order"].browse(order_id)
    return {
        "partner": partner.read(
            ["name", "is_company", "email", "phone", "city", "vat", "comment", "child_ids"]
        )[0],
        "order": [order.name, order.state, order.partner_id.id, order.amount_untaxed,
                  order.order_line.mapped("product_uom_qty"),
                  order.order_line.mapped("price_unit")],
        "order_contact": order.partner_invoice_id.id,
    }
"""


def test_upgrade_keeps_users_edits_to_noupdate_data(throwaway_db, tmp_path):
    before = _shell(
        throwaway_db,
        """
        from odoo import Command
        env["res.lang"]._activate_lang("zh_CN")  # its terms load on upgrade
        # What companies tune must be shipped noupdate, or an upgrade resets it.
        updatable = env["ir.model.data"].search([
            ("module", "=", "customer_followup"), ("noupdate", "=", False),
            ("model", "in", USER_TUNED_MODELS),
        ]).mapped("complete_name")
        tier = env.ref("customer_followup.tier_strategic")
        # Chinese first: where English is not an active language, Odoo
        # writes a Chinese edit to English too.
        tier.with_context(lang="zh_CN").write(
            {"name": "一级（核心客户）", "service_promise": "客户经理随叫随到。"}
        )
        tier.with_context(lang="en_US").write({
            "name": "Tier 1 - Core account",
            "service_promise": "Account manager on call.",
        })
        shares = {"onsite": 50, "phone": 30, "video": 20}
        tier.write({
            "min_sales_share": 25,
            "min_sales_amount": 8000000,
            "response_hours": 12,
            "round_the_clock": False,
            "flag_ids": [Command.clear()],
            "channel_mix_ids": [Command.update(line.id, {"share": shares[line.channel]})
                                for line in tier.channel_mix_ids],
        })
        flag = env.ref("customer_followup.tier_flag_industry_leader")
        flag.with_context(lang="zh_CN").name = "行业龙头"
        env.ref("customer_followup.escalation_policy_general").write({
            "report_within_minutes": 45,
            "resolve_within_working_days": 2,
            "daily_progress_required": True,
            "notify_group_id": env.ref(
                "customer_followup.group_customer_followup_deputy_leader"
            ).id,
        })
        template = env.ref("customer_followup.mail_template_visit_appointment")
        template.with_context(lang="zh_CN").write({
            "subject": "回访预约 {{ object.name }}",
            "body_html": "<p>尊敬的客户：我们将很快致电。</p>",
        })
        template.with_context(lang="en_US").write({
            "subject": "Your follow-up appointment {{ object.name }}",
            "body_html": "<p>Dear customer, we will call you soon.</p>",
        })
        script = env.ref("customer_followup.script_general")
        script.with_context(lang="zh_CN").opening = "<p>您好，我是客服部的[姓名]。</p>"
        env.ref("customer_followup.ir_cron_recompute_partner_tiers").write(
            {"interval_number": 2, "interval_type": "days"}
        )
        # Not noupdate: the upgrade puts it back, which shows it reloaded the data.
        menu = env.ref("customer_followup.customer_followup_menu_root")
        menu.with_context(lang="en_US").name = "Renamed by hand"
        env.cr.commit()
        print(MARK + json.dumps(
            {"data": edited_data(), "menu": menu_name(), "updatable": updatable}
        ))
        """.replace("USER_TUNED_MODELS", json.dumps(USER_TUNED_MODELS)),
    )
    assert before["updatable"] == [], "shipped without noupdate: an upgrade would reset them"
    edited = before["data"]
    assert edited["tier"]["name"] == {"en_US": "Tier 1 - Core account", "zh_CN": "一级（核心客户）"}
    assert edited["tier"]["channel_mix"] == [["onsite", 50], ["phone", 30], ["video", 20]]
    assert edited["policy"]["report_within_minutes"] == 45
    assert before["menu"] == "Renamed by hand"

    _upgrade(throwaway_db, tmp_path)

    after = _shell(
        throwaway_db, 'print(MARK + json.dumps({"data": edited_data(), "menu": menu_name()}))'
    )
    assert after["menu"] == "Customer Follow-up", "the upgrade reloaded the addon's data files"
    for part in edited:
        assert after["data"][part] == edited[part], f"the upgrade changed the edited {part}"


def test_uninstall_leaves_customers_and_sales(throwaway_db):
    before = _shell(
        throwaway_db,
        """
        from odoo import Command, fields
        # A company of the test's own, whichever holds the demo (if any).
        cny = env.ref("base.CNY")
        cny.active = True
        company = env["res.company"].create(
            {"name": "宁波回访测试公司 (lifecycle)", "currency_id": cny.id}
        )
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        # Odoo makes a new company's warehouse in its own tests only.
        env["stock.warehouse"].create(
            {"name": company.name, "code": "CF", "company_id": company.id}
        )
        key = env["customer.followup.tier"].search(
            [("company_id", "=", company.id), ("code", "=", "key")]
        )
        specialist = env["res.users"].create({
            "name": "Lifecycle specialist", "login": "lifecycle_specialist",
            "company_id": company.id, "company_ids": [Command.set(company.ids)],
            "groups_id": [
                Command.link(env.ref("customer_followup.group_customer_followup_user").id)
            ],
        })
        customer = env["res.partner"].create({
            "name": "宁波精工仪表有限公司 (lifecycle)", "is_company": True,
            "email": "qc@jinggong.example.com",
            "phone": "+86 574 8800 1234", "city": "宁波", "vat": "91330200MA2LIFE01X",
            "comment": "<p>Key account since 2019.</p>", "company_id": company.id,
            "followup_tier_id": key.id,
            "followup_tier_manual": True, "followup_tier_manual_reason": "Framework contract",
            "followup_user_id": specialist.id, "followup_contact_window": "周二 10:00-11:30",
            "followup_fewer_calls": True,
            "child_ids": [Command.create({"name": "李工", "function": "Quality"})],
        })
        product = env["product.product"].create(
            {"name": "Pressure transmitter (lifecycle)", "type": "consu"}
        )
        order = env["sale.order"].create({
            "partner_id": customer.id, "company_id": company.id,
            "order_line": [Command.create(
                {"product_id": product.id, "product_uom_qty": 3, "price_unit": 1200.0}
            )],
        })
        order.action_confirm()
        visit = env["customer.followup.visit"].create(
            {"partner_id": customer.id, "user_id": specialist.id, "company_id": company.id}
        )
        env["customer.followup.anomaly"].create({
            "partner_id": customer.id, "category": "delivery", "description": "Late delivery",
            "visit_id": visit.id, "company_id": company.id,
        })
        env.cr.commit()
        addon_groups = env["ir.model.data"].search(
            [("module", "=", "customer_followup"), ("model", "=", "res.groups")]).mapped("res_id")
        result = dict(
            sales_and_customers(), customer=customer.id, order=order.id,
            sample=sample(customer.id, order.id),
            addon_models=env["ir.model"].search(
                [("model", "like", "customer.followup.")]
            ).mapped("model"),
            addon_groups=addon_groups,
        )
        print(MARK + json.dumps(result, default=str))
        env.cr.commit()
        addon = env["ir.module.module"].search([("name", "=", "customer_followup")])
        addon.button_immediate_uninstall()
        """,
    )
    assert "customer.followup.visit" in before["addon_models"]
    assert before["customer"] in before["partner_ids"]
    assert before["addon_groups"]

    after = _shell(
        throwaway_db,
        """
        cr = env.cr
        cr.execute("SELECT table_name FROM information_schema.tables WHERE table_name LIKE %s",
                   ["customer_followup%"])
        tables = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT column_name FROM information_schema.columns "
                   "WHERE table_name = 'res_partner' AND column_name LIKE %s", ["followup_%"])
        columns = [row[0] for row in cr.fetchall()]
        customer = env["res.partner"].search([("name", "=", "宁波精工仪表有限公司 (lifecycle)")])
        order = env["sale.order"].search([("partner_id", "=", customer.id)])
        # The forms of what stays still open (no view left pointing at removed fields).
        for model in ("res.partner", "sale.order"):
            env[model].get_views([(False, "form"), (False, "list")])
        result = dict(
            sales_and_customers(),
            customer=customer.id, order=order.id, sample=sample(customer.id, order.id),
            state=env["ir.module.module"].search([("name", "=", "customer_followup")]).state,
            addon_models=env["ir.model"].search(
                [("model", "like", "customer.followup.")]
            ).mapped("model"),
            groups_left=env["res.groups"].browse(ADDON_GROUPS).exists().ids,
            tables=tables, columns=columns,
        )
        print(MARK + json.dumps(result, default=str))
        """.replace("ADDON_GROUPS", json.dumps(before["addon_groups"])),
    )
    assert after["state"] == "uninstalled"
    # Customers and sales untouched: the same partners (but the addon's own
    # demo data), the same orders with the same amounts, the sample as it was.
    assert after["partner_ids"] == before["partner_ids"]
    assert after["orders"] == before["orders"]
    assert after["partners_with_sales"] == before["partners_with_sales"]
    assert [after["customer"], after["order"]] == [before["customer"], before["order"]]
    assert after["sample"] == before["sample"]
    # The addon is gone: models, tables, partner columns, groups.
    assert after["addon_models"] == []
    assert after["tables"] == []
    assert after["columns"] == []
    assert after["groups_left"] == []
