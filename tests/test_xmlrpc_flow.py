"""The whole follow-up and anomaly flow driven over XML-RPC as an integration
would, each step by the role that takes it in the regulations: a salesperson
sells, the warehouse delivers, the specialist follows up and raises the
anomaly, the deputy leader approves its plan, the manager runs the
escalation and reads the figures."""

import uuid
import xmlrpc.client
from datetime import datetime, timedelta

import pytest
from rpc_world import in_company, new_customer

NOW = datetime.utcnow()


def fmt(value):
    return value.strftime("%Y-%m-%d %H:%M:%S")


def refused(call, *args, **kwargs):
    """The XML-RPC fault of a refused call: a user or access error, never a
    server error."""
    with pytest.raises(xmlrpc.client.Fault) as error:
        call(*args, **kwargs)
    assert error.value.faultCode in (2, 4), error.value.faultString[-2000:]
    return error.value


@pytest.fixture(scope="module")
def people(team):
    """The people of the suite's own company (conftest's team)."""
    return team


@pytest.fixture(scope="module")
def customer(people):
    """A new customer, sold to and delivered; the specialist owns it."""
    manager, sales, admin = people["manager"], people["sales"], people["admin"]
    name = f"RPC 流程客户 {uuid.uuid4().hex[:8]}"
    customer_id = new_customer(manager, people["company"], name)
    manager.call(
        "res.partner", "write", [customer_id], {"followup_user_id": people["specialist"].uid}
    )
    product_id = admin.call(
        "product.product", "create", {"name": "RPC 流量计", "type": "consu", "list_price": 1.0}
    )
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": customer_id,
            "order_line": [
                (0, 0, {"product_id": product_id, "product_uom_qty": 2, "price_unit": 600000.0})
            ],
        },
    )
    sales.call("sale.order", "action_confirm", [order_id])
    ctx = in_company(people["company"])
    pickings = admin.call(
        "stock.picking",
        "search",
        [["sale_id", "=", order_id], ["state", "not in", ["done", "cancel"]]],
        context=ctx,
    )
    assert pickings, "the confirmed order has a delivery"
    admin.call("stock.picking", "button_validate", pickings, context=ctx)
    state = admin.call("stock.picking", "read", pickings, ["state"], context=ctx)[0]["state"]
    assert state == "done"
    return {"id": customer_id, "name": name, "order": order_id}


def test_the_whole_flow_over_xmlrpc(people, customer):
    specialist, manager = people["specialist"], people["manager"]
    cid = customer["id"]

    # The delivery planned its confirmation follow-up, for the customer's owner.
    visits = specialist.call(
        "customer.followup.visit",
        "search_read",
        [["partner_id", "=", cid], ["trigger", "=", "delivery"]],
        fields=["state", "user_id", "deadline", "channel"],
    )
    assert len(visits) == 1 and visits[0]["state"] == "planned"
    assert visits[0]["user_id"][0] == specialist.uid and visits[0]["deadline"]
    visit_id = visits[0]["id"]

    # The tier of the new customer, from its sales (the nightly job's rule).
    specialist.call("res.partner", "action_followup_recompute_tier", [cid])
    partner = manager.call(
        "res.partner",
        "read",
        [cid],
        ["followup_tier_id", "followup_sales_amount", "followup_tier_rule"],
    )[0]
    assert partner["followup_tier_id"] and partner["followup_tier_rule"]
    assert partner["followup_sales_amount"] > 0

    # A plan for the customer: the manager approves, which schedules it.
    first = (NOW.date().replace(day=1) + timedelta(days=32)).replace(day=1)
    plan_id = manager.call(
        "customer.followup.plan",
        "create",
        {
            "name": f"RPC plan {customer['name']}",
            "plan_type": "yearly",
            "date_from": first.isoformat(),
            "date_to": first.replace(year=first.year + 1).isoformat(),
            "partner_ids": [(6, 0, [cid])],
        },
    )
    refused(specialist.call, "customer.followup.plan", "action_approve", [plan_id])
    manager.call("customer.followup.plan", "action_approve", [plan_id])
    planned = specialist.call(
        "customer.followup.visit",
        "search_count",
        [["plan_id", "=", plan_id], ["partner_id", "=", cid]],
    )
    assert planned >= 1

    # The specialist records the delivery follow-up; the manager reviews it.
    specialist.call("customer.followup.visit", "action_prepare", [visit_id])
    specialist.call(
        "customer.followup.visit",
        "write",
        [visit_id],
        {
            "satisfaction": 2,
            "score_quality": 3,
            "score_delivery": 1,
            "score_attitude": 4,
            "score_speed": 2,
            "opinions": "<p>交货晚了两天，包装破损</p>",
            "problem_ids": [(0, 0, {"name": "包装破损", "category": "delivery"})],
        },
    )
    specialist.call("customer.followup.visit", "action_done", [visit_id])
    manager.call("customer.followup.visit", "write", [visit_id], {"review_comment": "跟进包装问题"})
    # The supervisor reviews the specialist's visit report (主管批阅): none yet.
    refused(manager.call, "customer.followup.visit", "action_review", [visit_id])
    specialist.call(
        "customer.followup.visit", "write", [visit_id], {"report": "<p>包装破损，已转交物流</p>"}
    )
    manager.call("customer.followup.visit", "action_review", [visit_id])
    visit = manager.call(
        "customer.followup.visit",
        "read",
        [visit_id],
        ["state", "done_date", "reviewer_id", "problem_ids", "preparation_summary"],
    )[0]
    assert visit["state"] == "done" and visit["done_date"]
    assert visit["reviewer_id"][0] == manager.uid
    assert "<p><b>" in visit["preparation_summary"]

    # The problem found becomes a major service anomaly, discovered a week ago
    # and never reported: its report deadline is long gone.
    problem_id = visit["problem_ids"][0]
    action = specialist.call(
        "customer.followup.visit.problem", "action_create_anomaly", [problem_id]
    )
    assert action["res_model"] == "customer.followup.anomaly"
    defaults = {
        key[len("default_") :]: value
        for key, value in action["context"].items()
        if key.startswith("default_")
    }
    anomaly_id = specialist.call(
        "customer.followup.anomaly",
        "create",
        dict(
            defaults,
            severity="major",
            category="delivery",
            discovered_at=fmt(NOW - timedelta(days=7)),
        ),
    )
    Anomaly = "customer.followup.anomaly"
    # Another specialist, of other customers, does not see it.
    refused(people["other_specialist"].call, Anomaly, "read", [anomaly_id], ["name"])
    # Escalation: a specialist cannot run it; the manager runs the server action.
    refused(specialist.call, Anomaly, "action_escalate_overdue", [anomaly_id])
    server_action = people["admin"].call(
        "ir.model.data",
        "search_read",
        [
            ["module", "=", "customer_followup"],
            ["name", "=", "action_server_anomaly_escalate_overdue"],
        ],
        fields=["res_id"],
    )[0]["res_id"]
    context = {"active_model": Anomaly, "active_ids": [anomaly_id], "active_id": anomaly_id}
    refused(specialist.call, "ir.actions.server", "run", [server_action], context=context)
    manager.call("ir.actions.server", "run", [server_action], context=context)
    escalated = manager.call(
        Anomaly, "read", [anomaly_id], ["is_escalated", "activity_ids", "state"]
    )[0]
    report_clock = manager.call(
        "customer.followup.anomaly.clock",
        "search_read",
        [["anomaly_id", "=", anomaly_id], ["step", "=", "report"]],
        fields=["escalated"],
    )[0]
    assert escalated["is_escalated"] and report_clock["escalated"]
    assert escalated["activity_ids"], "the next level got a to-do"
    assert escalated["state"] == "discovered"

    # The closed loop, step by step.
    for step in ("action_report", "action_respond", "action_investigate"):
        specialist.call(Anomaly, step, [anomaly_id])
    resolve_clock = specialist.call(
        "customer.followup.anomaly.clock",
        "search_read",
        [["anomaly_id", "=", anomaly_id], ["step", "=", "resolve"]],
        fields=["deadline"],
    )[0]
    specialist.call(
        Anomaly,
        "write",
        [anomaly_id],
        {
            "findings": "物流野蛮装卸",
            "root_cause": "包装强度不足",
            "plan_measures": "补发并加固包装",
            "plan_owner_ids": [(6, 0, [specialist.uid])],
            "plan_deadline": resolve_clock["deadline"],
        },
    )
    specialist.call(Anomaly, "action_submit_plan", [anomaly_id])
    # A 较大 plan is the deputy leader's to approve (003 第十条).
    refused(specialist.call, Anomaly, "action_approve_plan", [anomaly_id])
    refused(people["dept_head"].call, Anomaly, "action_approve_plan", [anomaly_id])
    people["deputy"].call(Anomaly, "action_approve_plan", [anomaly_id])
    specialist.call(Anomaly, "write", [anomaly_id], {"progress_note": "已补发，明日到货"})
    specialist.call(Anomaly, "action_log_progress", [anomaly_id])
    specialist.call(Anomaly, "action_done", [anomaly_id])
    refused(specialist.call, Anomaly, "action_start_review", [anomaly_id])  # no feedback yet
    specialist.call(
        Anomaly,
        "write",
        [anomaly_id],
        {
            "customer_told": "已补发加固包装的备件",
            "customer_satisfaction": "4",
            "customer_accepted": True,
        },
    )
    specialist.call(Anomaly, "action_start_review", [anomaly_id])
    specialist.call(
        Anomaly,
        "write",
        [anomaly_id],
        {
            "review_root_cause": "包装规范未覆盖长途运输",
            "lessons": "长途运输加木箱",
            "improvement_actions": "修订包装规范",
        },
    )
    # A 较大 anomaly is closed by the deputy leader (003 第十条), not by its handler.
    refused(specialist.call, Anomaly, "action_close", [anomaly_id])
    people["deputy"].call(Anomaly, "action_close", [anomaly_id])
    closed = manager.call(
        Anomaly,
        "read",
        [anomaly_id],
        [
            "state",
            "closed_at",
            "retain_until",
            "plan_approved_by",
            "verification_visit_id",
            "step_ids",
        ],
    )[0]
    assert closed["state"] == "closed" and closed["closed_at"] and closed["retain_until"]
    assert closed["plan_approved_by"][0] == people["deputy"].uid
    assert closed["verification_visit_id"], "a verification follow-up is planned"
    steps = manager.call(
        "customer.followup.anomaly.step",
        "search_read",
        [["anomaly_id", "=", anomaly_id]],
        fields=["state"],
    )
    assert {s["state"] for s in steps} >= {"discovered", "reported", "in_progress", "closed"}
    # A closed anomaly is kept 3 years, even from the manager.
    refused(manager.call, Anomaly, "unlink", [anomaly_id])

    # KPI-ish figures, as a dashboard would read them.
    by_state = manager.call(
        "customer.followup.visit",
        "read_group",
        [["partner_id", "=", cid]],
        ["satisfaction:avg"],
        ["state"],
        lazy=False,
    )
    done = next(group for group in by_state if group["state"] == "done")
    assert done["__count"] == 1 and done["satisfaction"] == 2
    by_severity = manager.call(
        Anomaly,
        "read_group",
        [["partner_id", "=", cid]],
        ["severity"],
        ["severity", "state"],
        lazy=False,
    )
    assert [(g["severity"], g["state"], g["__count"]) for g in by_severity] == [
        ("major", "closed", 1)
    ]
    overview = manager.call("customer.followup.kpi.line", "action_open_overview")
    lines = manager.call(
        "customer.followup.kpi.line",
        "search_read",
        overview["domain"],
        fields=["kpi", "value", "basis"],
    )
    kpis = {line["kpi"]: line for line in lines}
    assert {"followup_rate", "satisfaction_rate", "avg_handling_hours"} <= set(kpis)
    # The salesperson who sold it reads the tier, not the follow-ups.
    sales = people["sales"]
    tier = sales.call("res.partner", "read", [cid], ["followup_tier_id", "followup_visit_count"])[0]
    assert tier["followup_tier_id"] == partner["followup_tier_id"]
    assert tier["followup_visit_count"] == 0
    refused(sales.call, "customer.followup.visit", "read", [visit_id], ["name"])
    refused(sales.call, Anomaly, "search_read", [], fields=["name"])
