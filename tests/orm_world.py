"""Records the browser tests (HttpCase) build for themselves through the
ORM, in their transaction: a company of their own (CNY, Shanghai working
hours) and its people. Nothing is read from the demo data, which may sit in
any company or not be installed at all (rpc_world does the same over
XML-RPC for the tests that drive a started server)."""

from odoo import Command


def chinese(env, code="zh_CN"):
    """``code`` active with the addon's terms (the demo loads them; a
    database without demo may not have them)."""
    Lang = env["res.lang"].with_context(active_test=False)
    if not Lang.search([("code", "=", code), ("active", "=", True)]):
        Lang._activate_lang(code)
        env["ir.module.module"]._load_module_terms(["customer_followup"], [code])
    return code


def new_company(env, name):
    """A company of its own in CNY, working Monday to Friday 8:00-17:30 in
    Shanghai, with its copies of the tiers and escalation policies."""
    cny = env.ref("base.CNY")
    cny.active = True
    company = env["res.company"].create({"name": name, "currency_id": cny.id})
    company.resource_calendar_id = env["resource.calendar"].create(
        {
            "name": f"{name} 工时",
            "tz": "Asia/Shanghai",
            "company_id": company.id,
            "hours_per_day": 8,
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": label,
                        "dayofweek": str(day),
                        "hour_from": start,
                        "hour_to": stop,
                        "day_period": period,
                    }
                )
                for day in range(5)
                for label, start, stop, period in (
                    ("上午", 8.0, 12.0, "morning"),
                    ("午休", 12.0, 13.5, "lunch"),
                    ("下午", 13.5, 17.5, "afternoon"),
                )
            ],
        }
    )
    return company


def tier(env, company, code):
    return env["customer.followup.tier"].search(
        [("company_id", "=", company.id), ("code", "=", code)]
    )


def new_user(env, company, login, groups, **vals):
    """A user of ``company`` only, holding ``groups`` (xml ids); the
    password is the login, as the tours log in. Given a ``partner_id``,
    the user is that contact, name and e-mail as they are."""
    if "partner_id" not in vals:
        vals = {"name": login, "email": f"{login}@example.com", **vals}
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "login": login,
                "password": login,
                "tz": "Asia/Shanghai",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref(group).id for group in groups])],
                **vals,
            }
        )
    )


SALESMAN = "sales_team.group_sale_salesman"
SPECIALIST = ["customer_followup.group_customer_followup_user", SALESMAN]
MANAGER = ["customer_followup.group_customer_followup_manager", SALESMAN]
