"""Customer tiers seen from outside, over XML-RPC, on the demo data that
`make run` shows: a manager, a follow-up specialist and a salesperson."""

import xmlrpc.client

import pytest

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


# The tier each demo customer's figures justify under 000 第六条 (share and
# years, or a flag; between tiers, placed by the share), with the figures:
# (tier, share %, at least these years of cooperation).
DEMO_TIERS = {
    "浙江中控自动化仪表有限公司": ("strategic", 31.67, 5),  # >= 30 % and >= 5 years
    "中国石化镇海炼化分公司": ("strategic", 2.71, 0),  # industry leader
    "宝山钢铁股份有限公司": ("strategic", 3.62, 5),  # industry leader
    "海尔智家股份有限公司": ("key", 13.57, 2),  # >= 10 % and >= 2 years
    "美的集团股份有限公司": ("key", 10.86, 0),  # >= 10 % in its first year: by share
    "珠海格力电器股份有限公司": ("key", 10.41, 0),  # >= 10 % in its first year: by share
    "华东仪表销售有限公司": ("key", 2.26, 0),  # regional core distributor
    "潍柴动力股份有限公司": ("key", 10.41, 2),  # >= 10 % and >= 2 years
    "三一重工股份有限公司": ("normal", 1.49, 5),  # years alone place nobody
}


def test_demo_customers_have_the_tiers_their_sales_justify(rpc):
    admin = rpc("admin", "admin")
    tiers = _tiers(admin)
    # The shipped tiers read the regulation: share and years, both.
    matches = {t["code"]: t["figures_match"] for t in tiers.values()}
    assert matches["strategic"] == matches["key"] == "all"
    customers = _tiered_customers(admin)
    by_code = {}
    for customer in customers:
        code = tiers[customer["followup_tier_id"][0]]["code"]
        by_code.setdefault(code, []).append(customer["name"])
    for customer in customers:
        if customer["name"] not in DEMO_TIERS:
            continue
        code, share, years = DEMO_TIERS[customer["name"]]
        assert tiers[customer["followup_tier_id"][0]]["code"] == code, customer
        # Odoo's own sales demo adds a few orders to the company's total.
        assert abs(customer["followup_sales_share"] - share) < 0.1, customer
        assert customer["followup_cooperation_years"] >= years, customer
    assert set(DEMO_TIERS) <= {c["name"] for c in customers}
    # The demo shows all three tiers, each with several customers.
    assert len(by_code.get("strategic", [])) >= 3
    assert len(by_code.get("key", [])) >= 4
    assert len(by_code.get("normal", [])) >= 10


def test_salesperson_reads_tiers_but_cannot_set_them(rpc):
    sales = rpc("zhangwei")
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


def test_manager_overrides_a_tier_with_a_reason(rpc):
    manager = rpc("zhoujie")
    customer = manager.call(
        "res.partner",
        "search_read",
        [["name", "=", "正泰电器股份有限公司"]],
        fields=["followup_tier_id"],
    )[0]
    key = manager.call(
        "customer.followup.tier", "search_read", [["code", "=", "key"]], fields=["id"]
    )[0]
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
