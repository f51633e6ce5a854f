"""Customer tiers seen from outside, over XML-RPC: a company of the test's
own sells to its customers, and its manager, salesperson and the tier engine
are driven as `make run` shows them."""

import xmlrpc.client
from datetime import date

import pytest
from rpc_world import in_company, new_company, new_customer, new_user, tag, tier_ids, xmlid

TIER_FIELDS = [
    "name",
    "followup_tier_id",
    "followup_sales_share",
    "followup_sales_amount",
    "followup_tier_rule",
    "followup_cooperation_years",
    "followup_flag_ids",
]


def _tiered_customers(user):
    return user.call(
        "res.partner", "search_read", [["followup_tier_id", "!=", False]], fields=TIER_FIELDS
    )


def _tiers(user):
    tiers = user.call("customer.followup.tier", "search_read", [], fields=["code", "figures_match"])
    return {t["id"]: t for t in tiers}


# The company sells 1,000,000 CNY in the year. Each customer: what it bought,
# since when it buys (years ago, None: its first year), its flag, and the tier
# these figures justify under 000 第六条 (share and years, or a flag; between
# tiers, placed by the share).
CUSTOMERS = {
    "浙江中控自动化仪表有限公司": (320_000, 6, None, "strategic"),  # >= 30 % and >= 5 years
    "中国石化镇海炼化分公司": (27_000, None, "industry_leader", "strategic"),
    "宝山钢铁股份有限公司": (36_000, 6, "industry_leader", "strategic"),
    "海尔智家股份有限公司": (136_000, 3, None, "key"),  # >= 10 % and >= 2 years
    "美的集团股份有限公司": (109_000, None, None, "key"),  # >= 10 % in its first year: by share
    "珠海格力电器股份有限公司": (104_000, None, None, "key"),  # the same
    "华东仪表销售有限公司": (23_000, None, "core_distributor", "key"),  # regional core distributor
    "潍柴动力股份有限公司": (104_000, 3, None, "key"),  # >= 10 % and >= 2 years
    "三一重工股份有限公司": (15_000, 6, None, "normal"),  # years alone place nobody
}
# Ten small buyers make up the rest of the year's sales: normal customers.
SMALL = {f"正泰电器股份有限公司 {n}": (12_600, None, None, "normal") for n in range(10)}
FLAGS = {
    "industry_leader": "customer_followup.tier_flag_industry_leader",
    "core_distributor": "customer_followup.tier_flag_core_distributor",
}


@pytest.fixture(scope="module")
def world(rpc):
    """The company, its manager and salesperson, its customers sold to and
    tiered by the engine: ``{"ids": {name: id}, ...}``."""
    admin = rpc("admin", "admin")
    suffix = tag()
    company = new_company(admin, f"分级测试公司 {suffix}")
    ctx = in_company(company)
    for role in ("manager", "sales"):
        new_user(admin, company, role, f"cf_tiers_{role}_{suffix}")
    manager = rpc(f"cf_tiers_manager_{suffix}")
    sales = rpc(f"cf_tiers_sales_{suffix}")
    cny = xmlid(admin, "base.CNY")
    pricelist = admin.call(
        "product.pricelist",
        "create",
        {"name": f"CNY {suffix}", "currency_id": cny, "company_id": company},
        context=ctx,
    )
    product = admin.call(
        "product.product",
        "create",
        {"name": f"仪表维保服务 {suffix}", "type": "service", "list_price": 1.0},
        context=ctx,
    )
    today = date.today()
    ids, orders = {}, []
    for name, (amount, years, flag, _code) in {**CUSTOMERS, **SMALL}.items():
        vals = {}
        if years:
            vals["followup_cooperation_start"] = today.replace(year=today.year - years).isoformat()
        if flag:
            vals["followup_flag_ids"] = [(6, 0, [xmlid(admin, FLAGS[flag])])]
        ids[name] = new_customer(manager, company, name)
        if vals:
            manager.call("res.partner", "write", [ids[name]], vals)
        orders.append(
            admin.call(
                "sale.order",
                "create",
                {
                    "partner_id": ids[name],
                    "company_id": company,
                    "pricelist_id": pricelist,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": product,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [(5, 0, 0)],
                            },
                        )
                    ],
                },  # fmt: skip
                context=ctx,
            )
        )
    admin.call("sale.order", "action_confirm", orders, context=ctx)
    # The tier engine's pass (the nightly job's), on the company's customers.
    manager.call("res.partner", "action_followup_recompute_tier", list(ids.values()))
    return {"company": company, "manager": manager, "sales": sales, "ids": ids}


def test_customers_have_the_tiers_their_sales_justify(world):
    manager = world["manager"]
    tiers = _tiers(manager)
    assert {t["id"] for t in tiers.values()} == set(tier_ids(manager, world["company"]).values())
    # The shipped tiers read the regulation: share and years, both.
    matches = {t["code"]: t["figures_match"] for t in tiers.values()}
    assert matches["strategic"] == matches["key"] == "all"
    customers = [c for c in _tiered_customers(manager) if c["id"] in world["ids"].values()]
    by_code = {}
    for customer in customers:
        code = tiers[customer["followup_tier_id"][0]]["code"]
        by_code.setdefault(code, []).append(customer["name"])
        amount, years, _flag, expected = {**CUSTOMERS, **SMALL}[customer["name"]]
        assert code == expected, customer
        assert abs(customer["followup_sales_share"] - amount / 10_000) < 0.01, customer
        assert customer["followup_cooperation_years"] >= (years or 0), customer
    assert {c["name"] for c in customers} == set(CUSTOMERS) | set(SMALL)
    # All three tiers, each with several customers.
    assert len(by_code.get("strategic", [])) >= 3
    assert len(by_code.get("key", [])) >= 4
    assert len(by_code.get("normal", [])) >= 10


def test_salesperson_reads_tiers_but_cannot_set_them(world):
    sales = world["sales"]
    customers = _tiered_customers(sales)
    assert customers, "a salesperson sees customers' tiers"
    target = next(c for c in customers if c["name"] == "三一重工股份有限公司")
    before = target["followup_tier_id"]
    tiers = sales.call(
        "customer.followup.tier", "search_read", [["code", "=", "strategic"]], fields=["id"]
    )
    with pytest.raises(xmlrpc.client.Fault) as err:
        sales.call(
            "res.partner",
            "write",
            [target["id"]],
            {"followup_tier_id": tiers[0]["id"], "followup_tier_manual_reason": "VIP"},
        )
    assert "managers" in err.value.faultString
    after = sales.call("res.partner", "read", [target["id"]], ["followup_tier_id"])[0]
    assert after["followup_tier_id"] == before
    # Tier configuration is out of reach too.
    with pytest.raises(xmlrpc.client.Fault):
        sales.call("customer.followup.tier", "write", [tiers[0]["id"]], {"response_hours": 1})


def test_manager_overrides_a_tier_with_a_reason(world):
    manager = world["manager"]
    customer = manager.call(
        "res.partner",
        "read",
        [world["ids"]["正泰电器股份有限公司 0"]],
        ["followup_tier_id"],
    )[0]
    key = manager.call(
        "customer.followup.tier", "search_read", [["code", "=", "key"]], fields=["id"]
    )[0]
    assert customer["followup_tier_id"][0] != key["id"]
    with pytest.raises(xmlrpc.client.Fault) as err:  # no reason given
        manager.call("res.partner", "write", [customer["id"]], {"followup_tier_id": key["id"]})
    assert "reason" in err.value.faultString
    manager.call(
        "res.partner",
        "write",
        [customer["id"]],
        {"followup_tier_id": key["id"], "followup_tier_manual_reason": "新品试点"},
    )
    after = manager.call(
        "res.partner",
        "read",
        [customer["id"]],
        ["followup_tier_id", "followup_tier_manual", "followup_tier_rule"],
    )[0]
    assert after["followup_tier_id"][0] == key["id"]
    assert after["followup_tier_manual"] is True
    assert "新品试点" in after["followup_tier_rule"]
    # The nightly job keeps it.
    manager.call("res.partner", "action_followup_recompute_tier", [customer["id"]])
    again = manager.call("res.partner", "read", [customer["id"]], ["followup_tier_id"])[0]
    assert again["followup_tier_id"][0] == key["id"]
    # Back to the rules.
    manager.call("res.partner", "write", [customer["id"]], {"followup_tier_manual": False})
    restored = manager.call("res.partner", "read", [customer["id"]], ["followup_tier_id"])[0]
    assert restored["followup_tier_id"] == customer["followup_tier_id"]
