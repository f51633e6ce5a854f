"""Customer tiers seen from outside, over XML-RPC, on the demo data that
`make run` shows: a manager, a follow-up specialist and a salesperson."""

import xmlrpc.client

import pytest

TIER_FIELDS = ["name", "followup_tier_id", "followup_sales_share", "followup_sales_amount",
               "followup_tier_rule", "followup_cooperation_years", "followup_flag_ids"]


def _tiered_customers(user):
    return user.call(
        "res.partner", "search_read", [["followup_tier_id", "!=", False]], fields=TIER_FIELDS
    )


def _tiers(user):
    return {t["id"]: t for t in user.call(
        "customer.followup.tier", "search_read", [],
        fields=["code", "level", "min_sales_share", "min_cooperation_years", "flag_ids", "is_default"],
    )}


def test_demo_customers_have_the_tiers_their_sales_justify(rpc):
    admin = rpc("admin", "admin")
    tiers = _tiers(admin)
    customers = _tiered_customers(admin)
    by_code = {}
    for customer in customers:
        tier = tiers[customer["followup_tier_id"][0]]
        by_code.setdefault(tier["code"], []).append(customer["name"])
        share, years = customer["followup_sales_share"], customer["followup_cooperation_years"]
        flags = set(customer["followup_flag_ids"])
        higher = [t for t in tiers.values() if t["level"] < tier["level"] and not t["is_default"]]
        for other in higher:  # no rule of a higher tier holds
            assert share < other["min_sales_share"] or not other["min_sales_share"], customer
            assert years < other["min_cooperation_years"] or not other["min_cooperation_years"], customer
            assert not flags & set(other["flag_ids"]), customer
        if not tier["is_default"]:  # and one rule of its own tier does
            assert (
                (tier["min_sales_share"] and share >= tier["min_sales_share"])
                or (tier["min_cooperation_years"] and years >= tier["min_cooperation_years"])
                or flags & set(tier["flag_ids"])
                or "5,000,000" in customer["followup_tier_rule"]
            ), customer
    # The demo shows all three tiers, each with several customers.
    assert len(by_code.get("strategic", [])) >= 3
    assert len(by_code.get("key", [])) >= 4
    assert len(by_code.get("normal", [])) >= 10
    assert "浙江中控自动化仪表有限公司" in by_code["strategic"]


def test_salesperson_reads_tiers_but_cannot_set_them(rpc):
    sales = rpc("zhangwei")
    customers = _tiered_customers(sales)
    assert customers, "a salesperson sees customers' tiers"
    target = next(c for c in customers if c["name"] == "三一重工股份有限公司")
    before = target["followup_tier_id"]
    tiers = sales.call("customer.followup.tier", "search_read", [["code", "=", "strategic"]], fields=["id"])
    with pytest.raises(xmlrpc.client.Fault) as err:
        sales.call("res.partner", "write", [target["id"]],
                   {"followup_tier_id": tiers[0]["id"], "followup_tier_manual_reason": "VIP"})
    assert "managers" in err.value.faultString
    after = sales.call("res.partner", "read", [target["id"]], ["followup_tier_id"])[0]
    assert after["followup_tier_id"] == before
    # Tier configuration is out of reach too.
    with pytest.raises(xmlrpc.client.Fault):
        sales.call("customer.followup.tier", "write", [tiers[0]["id"]], {"response_hours": 1})


def test_manager_overrides_a_tier_with_a_reason(rpc):
    manager = rpc("zhoujie")
    customer = manager.call("res.partner", "search_read",
                            [["name", "=", "正泰电器股份有限公司"]], fields=["followup_tier_id"])[0]
    key = manager.call("customer.followup.tier", "search_read", [["code", "=", "key"]], fields=["id"])[0]
    with pytest.raises(xmlrpc.client.Fault) as err:  # no reason given
        manager.call("res.partner", "write", [customer["id"]], {"followup_tier_id": key["id"]})
    assert "reason" in err.value.faultString
    manager.call("res.partner", "write", [customer["id"]],
                 {"followup_tier_id": key["id"], "followup_tier_manual_reason": "新品试点"})
    after = manager.call("res.partner", "read", [customer["id"]],
                         ["followup_tier_id", "followup_tier_manual", "followup_tier_rule"])[0]
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
