"""Follow-up plans and visits seen from outside, over XML-RPC, in a company
of the suite's own (conftest's team): the acceptance path of issue 3 as a
new user would try it."""

import xmlrpc.client
from datetime import date, datetime, timedelta, timezone

import pytest
from rpc_world import new_customer, tag, tier_ids

SHANGHAI = timezone(timedelta(hours=8))  # no daylight saving in China
WINDOWS = [(10.0, 11.5), (15.5, 17.0)]


def _local(value):
    return (
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        .replace(tzinfo=timezone.utc)
        .astimezone(SHANGHAI)
    )


def _customers(team, count, suffix):
    """Key customers (a framework contract) of the team's specialist."""
    manager, company = team["manager"], team["company"]
    key = tier_ids(manager, company)["key"]
    ids = [new_customer(manager, company, f"回访客户 {suffix} {n}") for n in range(count)]
    manager.call(
        "res.partner",
        "write",
        ids,
        {
            "followup_tier_id": key,
            "followup_tier_manual_reason": "新签框架协议",
            "followup_user_id": team["specialist"].uid,
        },
    )
    return ids


def test_manager_approves_the_yearly_plan(team):
    manager = team["manager"]
    suffix = tag()
    next_year = date.today().year + 1
    plan_id = manager.call(
        "customer.followup.plan",
        "create",
        {
            "name": f"重点客户年度回访计划 {suffix}",
            "plan_type": "yearly",
            "date_from": f"{next_year}-01-01",
            "date_to": f"{next_year}-12-31",
            "partner_ids": [(6, 0, _customers(team, 6, suffix))],
        },
    )
    plan = manager.call(
        "customer.followup.plan",
        "read",
        [plan_id],
        fields=["name", "date_from", "date_to", "visit_count", "state"],
    )[0]
    assert plan["state"] == "draft", "the yearly plan waits for approval"
    assert plan["visit_count"] == 0
    # A specialist cannot approve it.
    with pytest.raises(xmlrpc.client.Fault):
        team["specialist"].call("customer.followup.plan", "action_approve", [plan["id"]])
    manager.call("customer.followup.plan", "action_approve", [plan["id"]])
    visits = manager.call(
        "customer.followup.visit",
        "search_read",
        [["plan_id", "=", plan["id"]]],
        fields=["scheduled_date", "channel", "trigger", "partner_id"],
    )
    assert len(visits) > 20
    # Week-ends are off except China's make-up working days (调休).
    makeup = {
        d["date"]
        for d in manager.call("customer.followup.makeup.day", "search_read", [], fields=["date"])
    }
    for visit in visits:
        local = _local(visit["scheduled_date"])
        assert local.weekday() < 5 or local.date().isoformat() in makeup, visit
        hours = local.hour + local.minute / 60.0
        assert any(start <= hours < end for start, end in WINDOWS), visit
        assert plan["date_from"] <= local.date().isoformat() <= plan["date_to"]
    # Approving again is refused and adds nothing.
    with pytest.raises(xmlrpc.client.Fault):
        manager.call("customer.followup.plan", "action_approve", [plan["id"]])
    assert manager.call(
        "customer.followup.visit", "search_count", [["plan_id", "=", plan["id"]]]
    ) == len(visits)


def test_salesperson_reads_no_followup(team):
    sales = team["sales"]
    with pytest.raises(xmlrpc.client.Fault):
        sales.call("customer.followup.visit", "search_read", [], fields=["name"])
    with pytest.raises(xmlrpc.client.Fault):
        sales.call("customer.followup.plan", "search_read", [], fields=["name"])


def test_specialist_records_a_visit_and_the_supervisor_reviews_it(team):
    specialist = team["specialist"]
    (customer,) = _customers(team, 1, tag())
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    specialist.call(
        "customer.followup.visit",
        "create",
        {
            "partner_id": customer,
            "trigger": "routine",
            "channel": "phone",
            "scheduled_date": tomorrow.strftime("%Y-%m-%d 02:30:00"),
        },
    )
    open_visits = specialist.call(
        "customer.followup.visit",
        "search_read",
        [
            ["state", "in", ["planned", "prepared"]],
            ["channel", "=", "phone"],
            ["partner_id", "=", customer],
        ],
        fields=["name", "partner_id", "user_id"],
        limit=1,
    )
    assert open_visits, "the specialist has follow-ups to make"
    visit_id = open_visits[0]["id"]
    specialist.call("customer.followup.visit", "action_prepare", [visit_id])
    # Done without an outcome is refused.
    with pytest.raises(xmlrpc.client.Fault):
        specialist.call("customer.followup.visit", "action_done", [visit_id])
    specialist.call(
        "customer.followup.visit",
        "write",
        [visit_id],
        {
            "satisfaction": 4,
            "score_quality": 5,
            "score_delivery": 3,
            "score_attitude": 4,
            "score_speed": 4,
            "would_recommend": True,
            "opinions": "<p>交货期希望缩短</p>",
            "problem_ids": [(0, 0, {"name": "Lead time too long"})],
        },
    )
    with pytest.raises(xmlrpc.client.Fault):
        specialist.call("customer.followup.visit", "write", [visit_id], {"satisfaction": 9})
    specialist.call("customer.followup.visit", "action_done", [visit_id])
    specialist.call(
        "customer.followup.visit",
        "write",
        [visit_id],
        {"review_comment": "Follow the lead time with sales.", "report": "<p>Lead time</p>"},
    )
    with pytest.raises(xmlrpc.client.Fault):
        specialist.call("customer.followup.visit", "action_review", [visit_id])
    manager = team["manager"]
    manager.call("customer.followup.visit", "action_review", [visit_id])
    visit = manager.call(
        "customer.followup.visit",
        "read",
        [visit_id],
        fields=["state", "satisfaction", "reviewer_id", "problem_ids", "partner_id"],
    )[0]
    # Scores are the choices "0"–"5" (empty while unanswered); integers are accepted.
    assert visit["state"] == "done" and visit["satisfaction"] == "4"
    assert visit["reviewer_id"][0] == manager.uid
    assert len(visit["problem_ids"]) == 1
    partner = manager.call(
        "res.partner",
        "read",
        [visit["partner_id"][0]],
        fields=["followup_visit_count", "followup_last_visit", "followup_satisfaction"],
    )[0]
    assert partner["followup_visit_count"] >= 1
    assert partner["followup_last_visit"]
    assert 0 < partner["followup_satisfaction"] <= 5
