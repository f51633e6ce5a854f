"""What a careless or hostile integration sends over XML-RPC: wrong types,
unknown choices, scores out of range, huge texts, script in every text field,
writes to read-only and computed fields, private methods, another company's
records. Each call gets a clean fault (a user or access error, never a server
error with a traceback) and the database is read back unchanged; scripts are
stored harmlessly and printed escaped."""

import json
import uuid
import xmlrpc.client
from datetime import datetime, timedelta
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from rpc_world import new_customer

SCRIPT = "<script>alert('cf')</script><img src=x onerror=alert(1)>"
VISIT = "customer.followup.visit"
ANOMALY = "customer.followup.anomaly"
PLAN = "customer.followup.plan"
PROBLEM = "customer.followup.visit.problem"

VISIT_FIELDS = [
    "name",
    "state",
    "partner_id",
    "channel",
    "trigger",
    "satisfaction",
    "score_quality",
    "scheduled_date",
    "notes",
    "done_date",
    "reviewer_id",
    "by_phone",
    "user_id",
    "participant_ids",
    "signed_by",
    "would_recommend",
    "company_id",
    "attempt_count",
]
ANOMALY_FIELDS = [
    "name",
    "state",
    "severity",
    "category",
    "description",
    "keywords",
    "closed_at",
    "next_deadline",
    "plan_approved_by",
    "clock_ids",
    "is_escalated",
    "member_ids",
    "partner_id",
    "customer_satisfaction",
    "plan_deadline",
    "company_id",
    "retain_until",
]


def clean_fault(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as error:
        call(*args, **kwargs)
    fault = error.value
    # 2: user or validation error, 4: access error; 1 would be a crash.
    assert fault.faultCode in (2, 4), fault.faultString[-3000:]
    assert "Traceback" not in fault.faultString
    return fault


@pytest.fixture(scope="module")
def world(rpc, team, odoo_server):
    """Company A is the suite's own (conftest's team), company B one more."""
    admin, manager, specialist = team["admin"], team["manager"], team["specialist"]
    tag = uuid.uuid4().hex[:8]
    customer = new_customer(manager, team["company"], f"RPC 对抗客户 {tag}")
    manager.call("res.partner", "write", [customer], {"followup_user_id": specialist.uid})
    visit = specialist.call(
        VISIT,
        "create",
        {
            "partner_id": customer,
            "scheduled_date": (datetime.utcnow() + timedelta(days=3)).strftime("%Y-%m-%d 02:00:00"),
            "channel": "phone",
        },
    )
    problem = specialist.call(PROBLEM, "create", {"visit_id": visit, "name": "问题"})
    anomaly = specialist.call(
        ANOMALY,
        "create",
        {
            "partner_id": customer,
            "category": "delivery",
            "severity": "general",
            "description": "原始描述",
        },
    )
    plan = manager.call(
        PLAN,
        "create",
        {"name": f"RPC plan {tag}", "date_from": "2031-01-01", "date_to": "2031-12-31"},
    )
    # Submitted, not draft.
    manager.call(PLAN, "action_submit", [plan])
    # A second company, with its own manager and records.
    company_b = admin.call("res.company", "create", {"name": f"RPC 第二公司 {tag}"})
    groups = [
        admin.call("ir.model.data", "check_object_reference", module, name)[1]
        for module, name in (
            ("base", "group_user"),
            ("customer_followup", "group_customer_followup_manager"),
            ("sales_team", "group_sale_salesman"),
        )
    ]
    login = f"cf_rpc_b_{tag}"
    admin.call(
        "res.users",
        "create",
        {
            "name": "第二公司经理",
            "login": login,
            "password": login,
            "company_id": company_b,
            "company_ids": [(6, 0, [company_b])],
            "groups_id": [(6, 0, groups)],
        },
    )
    # Creating a company gave it to the admin: give it back.
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(3, company_b)]})
    manager_b = rpc(login)
    customer_b = manager_b.call(
        "res.partner",
        "create",
        {"name": f"B 客户 {tag}", "is_company": True, "customer_rank": 1, "company_id": company_b},
    )
    visit_b = manager_b.call(
        VISIT, "create", {"partner_id": customer_b, "scheduled_date": "2031-03-03 02:00:00"}
    )
    anomaly_b = manager_b.call(
        ANOMALY,
        "create",
        {"partner_id": customer_b, "category": "other", "severity": "general", "description": "B"},
    )
    plan_b = manager_b.call(
        PLAN,
        "create",
        {"name": f"B plan {tag}", "date_from": "2031-01-01", "date_to": "2031-12-31"},
    )
    return {
        "server": odoo_server,
        "admin": admin,
        "manager": manager,
        "specialist": specialist,
        "leader": team["leader"],
        "company": team["company"],
        "manager_b": manager_b,
        "customer": customer,
        "visit": visit,
        "problem": problem,
        "anomaly": anomaly,
        "plan": plan,
        "customer_b": customer_b,
        "visit_b": visit_b,
        "anomaly_b": anomaly_b,
        "plan_b": plan_b,
    }


def snapshot(world):
    """Everything the calls could touch, read back by each company's own
    administrator or manager."""
    ctx = {"context": {"active_test": False}}
    state = {}
    for side, reader in (("", world["admin"]), ("_b", world["manager_b"])):
        state[side] = {
            "visit": reader.call(VISIT, "read", [world["visit" + side]], VISIT_FIELDS),
            "anomaly": reader.call(ANOMALY, "read", [world["anomaly" + side]], ANOMALY_FIELDS),
            "plan": reader.call(
                PLAN, "read", [world["plan" + side]], ["name", "state", "visit_count"]
            ),
            "counts": [
                reader.call(model, "search_count", [], **ctx)
                for model in (VISIT, ANOMALY, PLAN, PROBLEM)
            ],
        }
    state["problem"] = world["admin"].call(
        PROBLEM, "read", [world["problem"]], ["name", "state", "result"]
    )
    return state


def assert_refused_and_unchanged(world, call, *args, **kwargs):
    before = snapshot(world)
    fault = clean_fault(call, *args, **kwargs)
    assert snapshot(world) == before
    return fault


# (model key, values) written by the specialist on their own records.
BAD_WRITES = {
    # Wrong types.
    "satisfaction is text": ("visit", {"satisfaction": "very good"}),
    "score is a list": ("visit", {"score_quality": [5]}),
    "date is not a date": ("visit", {"scheduled_date": "next Tuesday"}),
    "date is a number": ("visit", {"scheduled_date": 20260101}),
    "month 13": ("visit", {"scheduled_date": "2026-13-01 10:00:00"}),
    "customer is text": ("visit", {"partner_id": "三一重工"}),
    "customer does not exist": ("visit", {"partner_id": 2_000_000_000}),
    "participants not a list": ("visit", {"participant_ids": "1,2"}),
    "bad x2many command": ("visit", {"participant_ids": [(9, 0, 0)]}),
    "boolean is text": ("visit", {"would_recommend": "yes"}),
    "html is a number": ("visit", {"notes": 12345}),
    "text is a dict": ("anomaly", {"description": {"zh": "x"}}),
    "unknown field": ("visit", {"x_backdoor": 1}),
    "many2many unknown id": ("anomaly", {"member_ids": [(6, 0, [2_000_000_000])]}),
    # Unknown choices.
    "channel fax": ("visit", {"channel": "fax"}),
    "trigger unknown": ("visit", {"trigger": "whim"}),
    "severity unknown": ("anomaly", {"severity": "apocalyptic"}),
    "category unknown": ("anomaly", {"category": "marketing"}),
    "satisfaction 9 in a selection": ("anomaly", {"customer_satisfaction": "9"}),
    "selection given as int": ("anomaly", {"customer_satisfaction": 4}),
    "state unknown": ("anomaly", {"state": "teleported"}),
    "state skipped": ("anomaly", {"state": "closed"}),
    # Out of range.
    "satisfaction 9": ("visit", {"satisfaction": 9}),
    "satisfaction -1": ("visit", {"satisfaction": -1}),
    "score 6": ("visit", {"score_speed": 6}),
    "integer overflow": ("visit", {"satisfaction": 1e12}),
    # Huge texts.
    "huge html": ("visit", {"notes": "<p>" + "长" * 200_000 + "</p>"}),
    "huge char": ("visit", {"signed_by": "x" * 5000}),
    "huge text": ("anomaly", {"description": "y" * 200_000}),
    "huge keywords": ("anomaly", {"keywords": "关键词" * 1000}),
    # Read-only and computed fields.
    "visit reference": ("visit", {"name": "HACK-0001"}),
    "done date": ("visit", {"done_date": "2020-01-01 00:00:00"}),
    "reviewer": ("visit", {"reviewer_id": 2}),
    "computed by_phone": ("visit", {"by_phone": False}),
    "computed overdue": ("visit", {"is_overdue": True}),
    "attempts": ("visit", {"attempt_count": 99}),
    "anomaly reference": ("anomaly", {"name": "YC-FAKE"}),
    "closed at": ("anomaly", {"closed_at": "2020-01-01 00:00:00"}),
    "computed deadline": ("anomaly", {"next_deadline": "2099-01-01 00:00:00"}),
    "plan approved by": ("anomaly", {"plan_approved_by": 2}),
    "escalation flag": ("anomaly", {"is_escalated": True}),
    "retention": ("anomaly", {"retain_until": "2020-01-01"}),
    # Its own company's id, as it holds: the field is not written at all.
    "problem's company": ("problem", {"company_id": "company"}),
    "plan approved by hand": ("plan", {"approved_by_id": 2}),
    "plan approved by state": ("plan", {"state": "approved"}),
    "visit done without its button": ("visit", {"state": "done", "satisfaction": 5}),
    "plan closed without its button": ("plan", {"state": "closed"}),
    # Another company's records linked into ours.
    "customer of another company": ("anomaly", {"partner_id": "customer_b"}),
}


@pytest.mark.parametrize("case", sorted(BAD_WRITES))
def test_bad_write_is_refused_and_changes_nothing(world, case):
    key, vals = BAD_WRITES[case]
    vals = {k: world[v] if v in ("customer_b", "company") else v for k, v in vals.items()}
    # Plans are written by their manager, the rest by the specialist who owns it.
    user = world["manager"] if key == "plan" else world["specialist"]
    model = {"visit": VISIT, "anomaly": ANOMALY, "problem": PROBLEM, "plan": PLAN}[key]
    assert_refused_and_unchanged(world, user.call, model, "write", [world[key]], vals)


@pytest.mark.parametrize(
    "case",
    [
        "no customer",
        "unknown severity",
        "state given",
        "reference given",
        "score out of range",
        "visit created done",
        "plan created approved",
    ],
)
def test_bad_create_is_refused_and_creates_nothing(world, case):
    base = {"partner_id": world["customer"], "category": "delivery", "description": "x"}
    model, vals = {
        "no customer": (ANOMALY, {"category": "delivery", "description": "x"}),
        "unknown severity": (ANOMALY, dict(base, severity="huge")),
        "state given": (ANOMALY, dict(base, state="closed")),
        "reference given": (ANOMALY, dict(base, name="YC2020-99999")),
        "score out of range": (VISIT, {"partner_id": world["customer"], "satisfaction": 11}),
        "visit created done": (
            VISIT,
            {"partner_id": world["customer"], "state": "done", "satisfaction": 5},
        ),
        "plan created approved": (
            PLAN,
            {"name": "x", "date_from": "2031-01-01", "date_to": "2031-01-31", "state": "approved"},
        ),
    }[case]
    assert_refused_and_unchanged(world, world["specialist"].call, model, "create", vals)


@pytest.mark.parametrize(
    "model, method, args",
    [
        (VISIT, "_reschedule", ["visit", "2031-01-01 02:00:00", "x"]),
        (VISIT, "_write_workflow", ["visit", {"reviewer_id": 2}]),
        (ANOMALY, "_action_move", ["anomaly", "discovered", "closed"]),
        (ANOMALY, "_escalate", ["anomaly", "report"]),
        (ANOMALY, "_log_steps", ["anomaly", {}, "closed"]),
        (PLAN, "_generate_visits", ["plan"]),
        ("customer.followup.tier", "_recompute_partner_tiers_batch", []),
        ("res.partner", "_followup_recompute_tiers", ["customer"]),
    ],
)
def test_private_methods_are_refused(world, model, method, args):
    args = [[world[a]] if a in ("visit", "anomaly", "plan", "customer") else a for a in args]
    for user in (world["specialist"], world["manager"]):
        fault = assert_refused_and_unchanged(world, user.call, model, method, *args)
        assert fault.faultCode == 4


@pytest.mark.parametrize(
    "model, key, method, args",
    [
        (VISIT, "visit_b", "read", [["name"]]),
        (VISIT, "visit_b", "write", [{"satisfaction": 3}]),
        (VISIT, "visit_b", "unlink", []),
        (VISIT, "visit_b", "action_done", []),
        (ANOMALY, "anomaly_b", "read", [["description"]]),
        (ANOMALY, "anomaly_b", "write", [{"description": "改写"}]),
        (ANOMALY, "anomaly_b", "action_report", []),
        (ANOMALY, "anomaly_b", "action_escalate_overdue", []),
        (PLAN, "plan_b", "action_approve", []),
        (PLAN, "plan_b", "unlink", []),
    ],
)
def test_records_of_another_company_are_out_of_reach(world, model, key, method, args):
    fault = assert_refused_and_unchanged(
        world, world["manager"].call, model, method, [world[key]], *args
    )
    assert fault.faultCode == 4
    # And the other way round.
    mine = {"visit_b": "visit", "anomaly_b": "anomaly", "plan_b": "plan"}[key]
    if method in ("read", "write", "unlink"):
        assert_refused_and_unchanged(
            world, world["manager_b"].call, model, method, [world[mine]], *args
        )


def test_escalation_time_cannot_be_chosen_by_a_caller(world):
    for user in (world["specialist"], world["manager"]):
        assert_refused_and_unchanged(
            world, user.call, ANOMALY, "action_escalate_overdue", [], "2099-01-01 00:00:00"
        )


def _session(world, login):
    """A browser-like session: JSON-RPC login, then plain HTTP pages."""
    server = world["server"]
    opener = build_opener(HTTPCookieProcessor())
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"db": server["db"], "login": login, "password": login},
    }
    request = Request(
        f"{server['url']}/web/session/authenticate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    result = json.loads(opener.open(request).read())
    assert result.get("result", {}).get("uid"), result
    return lambda path: opener.open(f"{server['url']}{path}").read().decode()


def test_script_in_every_text_field_is_stored_harmlessly_and_printed_escaped(world):
    specialist = world["specialist"]
    admin = world["admin"]
    tag = uuid.uuid4().hex[:6]
    visit = specialist.call(
        VISIT,
        "create",
        {
            "partner_id": world["customer"],
            "scheduled_date": "2031-02-03 02:00:00",
            "channel": "onsite",
        },
    )
    anomaly = specialist.call(
        ANOMALY,
        "create",
        {
            "partner_id": world["customer"],
            "category": "other",
            "severity": "major",
            "description": SCRIPT,
        },
    )
    text_fields = {}
    for model in (VISIT, ANOMALY, PROBLEM):
        described = specialist.call(model, "fields_get", [], attributes=["type", "readonly"])
        text_fields[model] = sorted(
            name
            for name, info in described.items()
            if info["type"] in ("char", "text", "html")
            and not info["readonly"]
            and not name.startswith(("message_", "activity_", "website_"))
            and name not in ("survey_url",)
        )
    # Every text field people write, as the role that writes it.
    specialist.call(
        VISIT, "write", [visit], {name: f"{SCRIPT}{tag}" for name in text_fields[VISIT]}
    )
    problem = specialist.call(
        PROBLEM,
        "create",
        dict({name: f"{SCRIPT}{tag}" for name in text_fields[PROBLEM]}, visit_id=visit),
    )
    anomaly_text = [n for n in text_fields[ANOMALY] if n != "compensation_proposal"]
    specialist.call(ANOMALY, "write", [anomaly], {name: f"{SCRIPT}{tag}" for name in anomaly_text})
    world["leader"].call(ANOMALY, "write", [anomaly], {"compensation_proposal": f"{SCRIPT}{tag}"})

    for model, record, names in (
        (VISIT, visit, text_fields[VISIT]),
        (ANOMALY, anomaly, text_fields[ANOMALY] + ["compensation_proposal"]),
        (PROBLEM, problem, text_fields[PROBLEM]),
    ):
        described = admin.call(model, "fields_get", names, attributes=["type"])
        values = admin.call(model, "read", [record], names)[0]
        for name in names:
            value = values[name]
            assert tag in value, (model, name, value)
            if described[name]["type"] == "html":
                # Sanitised when stored.
                assert "<script" not in value and "onerror" not in value, (model, name, value)
            else:
                # Kept as typed: it is text, escaped wherever it is shown.
                assert value == f"{SCRIPT}{tag}", (model, name)

    # A plan's texts, as its manager writes them.
    world["manager"].call(PLAN, "write", [world["plan"]], {"objectives": f"<p>{SCRIPT}{tag}</p>"})
    objectives = admin.call(PLAN, "read", [world["plan"]], ["objectives"])[0]["objectives"]
    assert tag in objectives and "<script" not in objectives and "onerror" not in objectives

    # Printed: escaped, never executed.
    page = _session(world, specialist.login)
    for report, record in (
        ("customer_followup.report_customer_followup_visit", visit),
        ("customer_followup.report_customer_followup_anomaly", anomaly),
    ):
        html = page(f"/report/html/{report}/{record}")
        assert tag in html
        assert "<script>alert('cf')</script>" not in html
        assert "onerror=alert(1)>" not in html
        assert "&lt;script&gt;alert(" in html

    # The chatter: a reschedule reason is posted as text.
    wizard = specialist.call(
        "customer.followup.visit.reschedule",
        "create",
        {"visit_id": visit, "new_date": "2031-02-10 02:00:00", "reason": f"{SCRIPT}{tag}"},
    )
    specialist.call("customer.followup.visit.reschedule", "action_confirm", [wizard])
    bodies = admin.call(
        "mail.message",
        "search_read",
        [["model", "=", VISIT], ["res_id", "=", visit], ["body", "ilike", tag]],
        fields=["body"],
    )
    assert bodies
    for message in bodies:
        # Posted as text: the markup is escaped, no tag survives.
        assert "<script" not in message["body"] and "<img" not in message["body"]
        assert "&lt;script&gt;" in message["body"]


@pytest.mark.parametrize(
    "vals",
    [{"satisfaction": "abc"}, {"channel": "fax"}, {"name": "HACK"}, {"notes": "x" * 200_000}],
)
def test_json_rpc_errors_are_clean_too(world, vals):
    """The same refusals over JSON-RPC, the web client's transport."""
    server = world["server"]
    specialist = world["specialist"]
    before = snapshot(world)
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [
                server["db"],
                specialist.uid,
                specialist.password,
                VISIT,
                "write",
                [[world["visit"]], vals],
            ],
        },
    }
    request = Request(
        f"{server['url']}/jsonrpc",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    answer = json.loads(build_opener().open(request).read())
    assert "result" not in answer
    assert answer["error"]["data"]["name"] in (
        "odoo.exceptions.ValidationError",
        "odoo.exceptions.UserError",
        "odoo.exceptions.AccessError",
    ), answer["error"]["data"]["name"]
    assert snapshot(world) == before
