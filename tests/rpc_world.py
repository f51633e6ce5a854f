"""Records the end-to-end tests build for themselves over XML-RPC, as the
administrator: a company of their own (CNY, Shanghai working hours), its
people by role and its customers. Nothing is read from the demo data, which
may sit in any company or not be installed at all."""

import uuid

# Each role's groups, as the regulations' people hold them (a salesperson
# besides, as in a manufacturer's customer-service department).
SALESMAN = "sales_team.group_sale_salesman"
ROLES = {
    "specialist": ["customer_followup.group_customer_followup_user", SALESMAN],
    "dept_head": ["customer_followup.group_customer_followup_dept_head", SALESMAN],
    "deputy": ["customer_followup.group_customer_followup_deputy_leader", SALESMAN],
    "leader": ["customer_followup.group_customer_followup_leader", SALESMAN],
    "manager": ["customer_followup.group_customer_followup_manager", SALESMAN],
    "sales": [SALESMAN],
    "portal": ["base.group_portal"],
}


def tag():
    """A suffix that keeps names and logins unique in a database the suite
    (or someone by hand) ran on before."""
    return uuid.uuid4().hex[:8]


def xmlid(admin, ref):
    """The id of the record ``ref`` names (archived ones too)."""
    module, name = ref.split(".")
    rows = admin.call(
        "ir.model.data", "search_read", [["module", "=", module], ["name", "=", name]], ["res_id"]
    )
    assert rows, f"no record {ref}"
    return rows[0]["res_id"]


def new_company(admin, name):
    """A company of its own: CNY, its working time Monday to Friday 8:00-17:30
    in Shanghai (where its follow-up slots are read). Creating it gives it
    to the administrator, who builds its records with ``in_company``."""
    cny = xmlid(admin, "base.CNY")
    admin.call("res.currency", "write", [cny], {"active": True})
    company = admin.call("res.company", "create", {"name": name, "currency_id": cny})
    attendances = [
        (0, 0, {"name": label, "dayofweek": str(day), "hour_from": start, "hour_to": stop,
                "day_period": period})
        for day in range(5)
        for label, start, stop, period in (
            ("上午", 8.0, 12.0, "morning"),
            ("午休", 12.0, 13.5, "lunch"),
            ("下午", 13.5, 17.5, "afternoon"),
        )
    ]  # fmt: skip
    calendar = admin.call(
        "resource.calendar",
        "create",
        {
            "name": f"{name} 工时",
            "tz": "Asia/Shanghai",
            "company_id": company,
            "hours_per_day": 8,
            "attendance_ids": [(5, 0, 0), *attendances],
        },
    )
    admin.call("res.company", "write", [company], {"resource_calendar_id": calendar})
    # Odoo makes a new company's warehouse in its own tests only: its
    # orders ship from here.
    admin.call(
        "stock.warehouse",
        "create",
        {"name": name, "code": "CF", "company_id": company},
        context=in_company(company),
    )
    return company


def in_company(company):
    """The context that makes ``company`` the current one of a call."""
    return {"allowed_company_ids": [company]}


def new_user(admin, company, role, login, **vals):
    """A user of ``company`` holding ``role`` (ROLES); the password is the login."""
    groups = [xmlid(admin, ref) for ref in ROLES[role]]
    values = {
        "name": login,
        "login": login,
        "password": login,
        "email": f"{login}@example.com",
        "tz": "Asia/Shanghai",
        "company_id": company,
        "company_ids": [(6, 0, [company])],
        "groups_id": [(6, 0, groups)],
        **vals,
    }
    return admin.call(
        "res.users", "create", values, context={"no_reset_password": True, **in_company(company)}
    )


def new_customer(user, company, name, **vals):
    """A customer company of ``company``, created by ``user`` (an RpcUser)."""
    return user.call(
        "res.partner",
        "create",
        {"name": name, "is_company": True, "customer_rank": 1, "company_id": company, **vals},
        context=in_company(company),
    )


def tier_ids(user, company):
    """``{code: id}`` of the company's tiers (every company has its own)."""
    tiers = user.call(
        "customer.followup.tier",
        "search_read",
        [["company_id", "=", company]],
        fields=["code"],
        context=in_company(company),
    )
    return {t["code"]: t["id"] for t in tiers}


def people(rpc, admin, company, roles, prefix):
    """``{name: RpcUser}`` of new users of ``company``: ``roles`` maps each
    name to its role; logins are ``<prefix>_<name>``."""
    uids = {
        name: new_user(admin, company, role, f"{prefix}_{name}") for name, role in roles.items()
    }
    return {name: rpc(f"{prefix}_{name}") for name in uids}


def done_visit(specialist, customer, **outcome):
    """A phone follow-up of ``customer`` the specialist (an RpcUser) made
    today and recorded: prepared, scored, done. Returns its id."""
    visit = specialist.call(
        "customer.followup.visit",
        "create",
        {"partner_id": customer, "trigger": "routine", "channel": "phone"},
    )
    specialist.call("customer.followup.visit", "action_prepare", [visit])
    specialist.call(
        "customer.followup.visit",
        "write",
        [visit],
        {
            "satisfaction": 4,
            "score_quality": 4,
            "score_delivery": 3,
            "score_attitude": 5,
            "score_speed": 4,
            "would_recommend": True,
            "opinions": "<p>交货及时，希望加强培训</p>",
            **outcome,
        },
    )
    specialist.call("customer.followup.visit", "action_done", [visit])
    return visit


def chinese(admin, code="zh_CN"):
    """``code`` active with its terms, as Odoo's language wizard installs it
    (the demo does; a database without demo may not have it)."""
    langs = admin.call(
        "res.lang",
        "search_read",
        [["code", "=", code], ["active", "in", [True, False]]],
        ["active"],
    )
    if not langs[0]["active"]:
        wizard = admin.call(
            "base.language.install",
            "create",
            {"lang_ids": [(6, 0, [langs[0]["id"]])], "overwrite": False},
        )
        admin.call("base.language.install", "lang_install", [wizard])
    return code


def chinese_number(digits=4):
    """A number in Chinese numerals: keeps names unique where Latin text and
    digits could not be read back from a printed page."""
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(uuid.uuid4().int)[:digits])
