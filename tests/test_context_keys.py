"""No context key changes a security or integrity decision.

The context belongs to the caller: XML-RPC and JSON-RPC send any key. Every
key the addon reads or sets (found in its sources by the patterns below, so
a key added tomorrow is covered too), and the keys earlier versions let
switch off a check, is sent with each refused call below, over both
protocols: each call must still be refused and change nothing."""

import json
import re
import uuid
import xmlrpc.client
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from rpc_world import new_customer

ROOT = Path(__file__).resolve().parent.parent
# The core and its bridges: every addon of the repository.
ADDONS = sorted(path.parent for path in ROOT.glob("*/__manifest__.py"))
VISIT = "customer.followup.visit"
ANOMALY = "customer.followup.anomaly"
PLAN = "customer.followup.plan"
CHANNEL = "customer.followup.tier.channel"
# Keys that once opened a check (issue 16): kept here so that they stay shut.
HISTORICAL_KEYS = {"followup_generated", "customer_followup_tier_write"}


def addon_context_keys():
    keys = set(HISTORICAL_KEYS)
    for path in (path for addon in ADDONS for path in addon.rglob("*.py")):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""context\.get\(\s*["'](\w+)["']""", text))
        keys |= set(re.findall(r"""context\[\s*["'](\w+)["']\s*\]""", text))
        for arguments in re.findall(r"with_context\(([^()]*)\)", text):
            keys |= set(re.findall(r"(\w+)\s*=(?!=)", arguments))
    return sorted(keys)


KEYS = addon_context_keys()


class Transport:
    def __init__(self, server, protocol):
        self.server = server
        self.protocol = protocol

    def call(self, user, model, method, args, context):
        """Call as ``user`` (RpcUser); return (ok, result or error text)."""
        params = [self.server["db"], user.uid, user.password, model, method, args]
        kwargs = {"context": context}
        if self.protocol == "xmlrpc":
            try:
                return True, user.models.execute_kw(*params, kwargs)
            except xmlrpc.client.Fault as fault:
                return False, fault.faultString
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": "object", "method": "execute_kw", "args": [*params, kwargs]},
        }
        request = Request(
            f"{self.server['url']}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            return False, json.dumps(answer["error"])[-2000:]
        return True, answer["result"]


@pytest.fixture(scope="module")
def world(rpc, team, odoo_server):
    """Company A is the suite's own (conftest's team), company B one more."""
    admin, manager, specialist = team["admin"], team["manager"], team["specialist"]
    tag = uuid.uuid4().hex[:8]
    company_a = team["company"]
    company_b = admin.call("res.company", "create", {"name": f"上下文第二公司 {tag}"})
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(3, company_b)]})
    groups = [
        admin.call("ir.model.data", "check_object_reference", module, name)[1]
        for module, name in (
            ("base", "group_user"),
            ("base", "group_multi_company"),
            ("customer_followup", "group_customer_followup_manager"),
            ("sales_team", "group_sale_salesman"),
        )
    ]
    login = f"cf_ctx_ab_{tag}"
    admin.call(
        "res.users",
        "create",
        {
            "name": "两家公司的经理",
            "login": login,
            "password": login,
            "company_id": company_a,
            "company_ids": [(6, 0, [company_a, company_b])],
            "groups_id": [(6, 0, groups)],
        },
    )
    both = rpc(login)
    both_companies = {"allowed_company_ids": [company_a, company_b]}
    plan_b = both.call(
        PLAN,
        "create",
        {
            "name": f"B plan {tag}",
            "date_from": "2031-01-01",
            "date_to": "2031-12-31",
            "company_id": company_b,
        },
        context={"allowed_company_ids": [company_b, company_a]},
    )
    customer = new_customer(manager, company_a, f"上下文客户 {tag}")
    manager.call("res.partner", "write", [customer], {"followup_user_id": specialist.uid})
    visit = specialist.call(
        VISIT,
        "create",
        {"partner_id": customer, "scheduled_date": "2031-03-04 02:00:00", "channel": "phone"},
    )
    tier = manager.call(
        "customer.followup.tier", "search", [["code", "=", "key"], ["company_id", "=", company_a]]
    )[0]
    line = manager.call(CHANNEL, "search_read", [["tier_id", "=", tier]], ["share"])[0]
    return {
        "server": odoo_server,
        "admin": admin,
        "manager": manager,
        "specialist": specialist,
        "both": both,
        "both_companies": both_companies,
        "company_a": company_a,
        "customer": customer,
        "plan_b": plan_b,
        "visit": visit,
        "line": line,
    }


def refused_calls(world):
    """(name, user, model, method, args, base context, read-back check)."""
    manager, specialist, both = world["manager"], world["specialist"], world["both"]
    visit, line = world["visit"], world["line"]

    def visit_unchanged():
        state = manager.call(VISIT, "read", [visit], ["state", "satisfaction"])[0]
        return state["state"] == "planned"

    def line_unchanged():
        share = manager.call(CHANNEL, "read", [line["id"]], ["share"])[0]["share"]
        return share == line["share"]

    def no_cross_company_visit():
        return not manager.call(
            VISIT, "search", [["plan_id", "=", world["plan_b"]]], context={"active_test": False}
        )

    return [
        (
            "a follow-up of company A on company B's plan",
            both,
            VISIT,
            "create",
            [
                {
                    "partner_id": world["customer"],
                    "company_id": world["company_a"],
                    "plan_id": world["plan_b"],
                    "scheduled_date": "2031-05-05 02:00:00",
                }
            ],
            world["both_companies"],
            no_cross_company_visit,
        ),
        (
            "a channel mix that no longer adds up to 100 %",
            manager,
            CHANNEL,
            "write",
            [[line["id"]], {"share": 1}],
            {},
            line_unchanged,
        ),
        (
            "a follow-up done without its button",
            specialist,
            VISIT,
            "write",
            [[visit], {"state": "done"}],
            {},
            visit_unchanged,
        ),
        (
            "an anomaly created closed",
            specialist,
            ANOMALY,
            "create",
            [
                {
                    "partner_id": world["customer"],
                    "category": "other",
                    "severity": "critical",
                    "description": "上下文",
                    "state": "closed",
                }
            ],
            {},
            lambda: not manager.call(ANOMALY, "search", [["description", "=", "上下文"]]),
        ),
        (
            "an escalation run by a specialist",
            specialist,
            ANOMALY,
            "action_escalate_overdue",
            [[]],
            {},
            lambda: True,
        ),
        (
            "a satisfaction score of 9 on the 0-5 scale",
            specialist,
            VISIT,
            "write",
            [[visit], {"satisfaction": 9}],
            {},
            visit_unchanged,
        ),
    ]


def test_the_addon_reads_context_keys_we_know():
    # The grep must find something, or the test below would prove nothing.
    assert "active_test" in KEYS and "followup_generated" in KEYS


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_no_context_key_opens_a_check(world, protocol):
    transport = Transport(world["server"], protocol)
    for name, user, model, method, args, base, unchanged in refused_calls(world):
        ok, _result = transport.call(user, model, method, args, dict(base))
        assert not ok, f"{name}: accepted without any key"
        for key in KEYS:
            for value in (True, {}):
                context = dict(base, **{key: value})
                ok, _result = transport.call(user, model, method, args, context)
                assert not ok, f"{name}: accepted with context {{{key!r}: {value!r}}} ({protocol})"
        assert unchanged(), f"{name}: the database changed"
