"""The load test's users (make load): 35 customer-service specialists, 10
managers and 5 portal customers using Odoo as they do all day, through
OdooLocust (JSON-RPC, as the web client calls the server) and plain HTTP
for what a browser downloads (PDFs, portal pages).

Each user action is reported to Locust as one request of type ACTION (the
RPC calls it is made of are reported too, by OdooLocust); tests/load/report.py
checks the ACTION rows against the targets: 0 errors, p95 at most 1 s for
list and form reads, 2 s for writes, 5 s for a PDF.

Settings come from the environment (tools/load.sh sets them): LOAD_DB,
LOAD_PORT (the server, or the balancer), LOAD_THINK (seconds between two
actions of one person, "MIN-MAX"), LOAD_SPECIALISTS, LOAD_MANAGERS,
LOAD_PORTAL.
"""

import itertools
import os
import random
import re
import time
from contextlib import contextmanager

import gevent
import httpx
from locust import between, task
from locust.clients import HttpSession
from OdooLocust.OdooLocustUser import OdooLocustUser

# odoolib posts each call with httpx's default 5 s timeout: a slow answer
# would count as an error, not as a slow answer. The targets judge speed.
_httpx_post = httpx.post


def _post_patiently(*args, **kwargs):
    kwargs.setdefault("timeout", 120)
    return _httpx_post(*args, **kwargs)


httpx.post = _post_patiently

DB = os.environ.get("LOAD_DB", "cf_load")
# Seconds a person takes between two actions (reading, typing, calling).
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "5-15").split("-"))
PORT = int(os.environ.get("LOAD_PORT", "8069"))
VISIT_REPORT = "customer_followup.report_customer_followup_visit"
OPEN = ["planned", "prepared", "postponed", "unreachable"]
VISIT_LIST = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "scheduled_date": {},
    "channel": {},
    "state": {},
    "user_id": {"fields": {"display_name": {}}},
}
VISIT_FORM = dict(
    VISIT_LIST,
    tier_id={"fields": {"display_name": {}}},
    deadline={},
    satisfaction={},
    notes={},
    preparation_summary={},
    message_ids={},
    activity_ids={},
)
ANOMALY_CARD = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "severity": {},
    "state": {},
    "next_deadline": {},
    "user_id": {"fields": {"display_name": {}}},
}

_logins = {kind: itertools.count() for kind in ("load_specialist", "load_manager", "load_portal")}


class Action:
    """One user action, timed as the user waits for it."""

    def __init__(self, user):
        self.user = user

    @contextmanager
    def __call__(self, name):
        start = time.perf_counter()
        error = None
        try:
            yield
        except Exception as exc:  # the action failed: reported, the user goes on
            error = exc
        self.user.environment.events.request.fire(
            request_type="ACTION",
            name=name,
            response_time=(time.perf_counter() - start) * 1000,
            response_length=0,
            exception=error,
            context={},
        )


class LoadUser(OdooLocustUser):
    abstract = True
    database = DB
    port = PORT
    protocol = "jsonrpc"
    wait_time = between(*THINK)
    kind = None

    def on_start(self):
        self.login = self.password = f"{self.kind}_{next(_logins[self.kind]):02d}"
        # The browser's session, beside OdooLocust's RPC client.
        self.web = HttpSession(
            base_url=f"http://{self.host}:{PORT}",
            request_event=self.environment.events.request,
            user=self,
        )
        res = super().on_start()
        self.action = Action(self)
        reply = self.web.post(
            "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": DB, "login": self.login, "password": self.password},
            },
            name="login (web session)",
        )
        reply.raise_for_status()
        return res

    def model(self, name):
        return self.client.get_model(name)


class Specialist(LoadUser):
    kind = "load_specialist"
    fixed_count = int(os.environ.get("LOAD_SPECIALISTS", "35"))

    def my_followups(self):
        today = time.strftime("%Y-%m-%d")
        domain = [
            ("user_id", "=", self.client.user_id),
            ("state", "in", OPEN),
            ("scheduled_date", ">=", f"{today} 00:00:00"),
            ("scheduled_date", "<=", f"{today} 23:59:59"),
        ]
        Visit = self.model("customer.followup.visit")
        page = Visit.web_search_read(domain, VISIT_LIST, limit=80, order="scheduled_date")
        return page["records"]

    @task(6)
    def open_my_followups(self):
        with self.action("my follow-ups (list)"):
            self.my_followups()

    @task(4)
    def open_a_followup(self):
        with self.action("open a follow-up (form)"):
            Visit = self.model("customer.followup.visit")
            ids = Visit.search([("user_id", "=", self.client.user_id)], limit=200)
            Visit.web_read([random.choice(ids)], VISIT_FORM)

    @task(2)
    def record_a_followup(self):
        with self.action("record a follow-up (write)"):
            records = (
                self.my_followups()
                or self.model("customer.followup.visit").web_search_read(
                    [
                        ("user_id", "=", self.client.user_id),
                        ("state", "in", OPEN),
                        ("channel", "!=", "onsite"),
                    ],
                    VISIT_LIST,
                    limit=1,
                )["records"]
            )
            visit = next((r for r in records if r["channel"] != "onsite"), None)
            if visit:
                Visit = self.model("customer.followup.visit")
                Visit.write(
                    [visit["id"]],
                    {
                        "satisfaction": str(random.randint(3, 5)),
                        "notes": "<p>Load test: called.</p>",
                    },
                )
                Visit.action_done([visit["id"]])


class Manager(LoadUser):
    kind = "load_manager"
    fixed_count = int(os.environ.get("LOAD_MANAGERS", "10"))

    @task(3)
    def kpi_overview(self):
        with self.action("KPI overview (read)"):
            action = self.model("customer.followup.kpi.line").action_open_overview()
            self.model("customer.followup.kpi.line").web_search_read(
                action["domain"], {"name": {}, "value": {}, "target": {}, "status": {}}
            )

    @task(3)
    def anomaly_kanban(self):
        with self.action("anomaly kanban (read)"):
            Anomaly = self.model("customer.followup.anomaly")
            domain = [("state", "not in", ["closed", "cancelled"])]
            groups = Anomaly.web_read_group(domain, ["state"], ["state"], lazy=True)
            # The web client loads the open columns' cards at once (its
            # relational model awaits them together), not one after another.
            columns = [
                gevent.spawn(Anomaly.web_search_read, group["__domain"], ANOMALY_CARD, limit=40)
                for group in groups["groups"][:6]
                if group["state_count"]
            ]
            gevent.joinall(columns, raise_error=True)

    @task(1)
    def print_a_followup(self):
        with self.action("print a follow-up (PDF)"):
            ids = self.model("customer.followup.visit").search([("state", "=", "done")], limit=50)
            if not ids:
                ids = self.model("customer.followup.visit").search([], limit=50)
            reply = self.web.get(
                f"/report/pdf/{VISIT_REPORT}/{random.choice(ids)}", name="PDF download"
            )
            reply.raise_for_status()
            if not reply.content.startswith(b"%PDF"):
                raise ValueError("not a PDF")


class PortalCustomer(LoadUser):
    kind = "load_portal"
    fixed_count = int(os.environ.get("LOAD_PORTAL", "5"))

    @task(3)
    def list_my_issues(self):
        with self.action("portal: my service issues (read)"):
            reply = self.web.get("/my/service-issues", name="/my/service-issues")
            reply.raise_for_status()

    @task(1)
    def file_a_complaint(self):
        with self.action("portal: file a complaint (write)"):
            form = self.web.get("/my/service-issues/new", name="/my/service-issues/new (form)")
            form.raise_for_status()
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
            reply = self.web.post(
                "/my/service-issues/new",
                data={
                    "csrf_token": token,
                    "category": "delivery",
                    "description": "Load test: the delivery arrived one day late.",
                    "impact": "Production waited.",
                },
                name="/my/service-issues/new (submit)",
            )
            reply.raise_for_status()
