"""The scheduled jobs in production conditions: Odoo started with
``--workers=2 --max-cron-threads=2`` against a copy of the test database,
two copies of the generation cron and two of the escalation cron due at
once, so that both cron workers run the same job on the same records.

The result must be the one of a single process: every follow-up of the plan
once, every missed deadline escalated once (one message, one to-do per
person told), and no error, serialization failure or deadlock in the log.
"""

import json
import os
import socket
import subprocess
import sys
import time

import psycopg2
import pytest

PREPARE = r"""
import json, sys
from datetime import date, datetime, timedelta
import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

conf, db, out = sys.argv[1:4]
odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    company = env.company
    # Only the jobs under test run.
    env["ir.cron"].search([]).write({"active": False})
    Partner = env["res.partner"].with_context(tracking_disable=True)
    customers = Partner.create([
        {"name": f"Two workers Co {n:03d}", "is_company": True, "customer_rank": 1,
         "company_id": company.id}
        for n in range(240)
    ])
    customers.sudo()._followup_recompute_tiers()
    today = date.today()
    plan = env["customer.followup.plan"].create({
        "name": "Two workers", "date_from": date(today.year + 1, 1, 1),
        "date_to": date(today.year + 1, 12, 31), "partner_ids": [(6, 0, customers.ids)],
    })
    plan.write({"state": "approved", "generation_pending": True, "generation_cursor": 0,
                "generation_date": today})
    # What one process plans, taken in a transaction rolled back.
    env.flush_all()
    cr.execute("SAVEPOINT reference")
    plan._generate_visits(batch_size=40)
    env.flush_all()
    cr.execute(SQL("SELECT partner_id, period_key, scheduled_date::text "
                   "FROM customer_followup_visit WHERE plan_id = %s ORDER BY 1, 2", plan.id))
    reference = cr.fetchall()
    cr.execute("ROLLBACK TO SAVEPOINT reference")
    env.invalidate_all()
    # Anomalies whose report deadline passed: due for escalation.
    found = datetime.now() - timedelta(days=10)
    Anomaly = env["customer.followup.anomaly"].with_context(tracking_disable=True)
    anomalies = Anomaly.create([
        {"partner_id": customers[n].id, "category": "delivery", "severity": "general",
         "description": "two workers", "discovered_at": found, "company_id": company.id}
        for n in range(120)
    ])
    policy = anomalies[0].policy_id
    group = policy.escalation_group_id or policy.notify_group_id
    told = env["customer.followup.escalation.policy"]._role_users(group, company)
    model = env["ir.model"]._get("customer.followup.plan")
    amodel = env["ir.model"]._get("customer.followup.anomaly")
    due = datetime.now() - timedelta(minutes=1)
    for name, model_id, code in (
        ("generation A", model.id, "model._cron_generate_visits(batch_size=20)"),
        ("generation B", model.id, "model._cron_generate_visits(batch_size=20)"),
        ("escalation A", amodel.id, "model._cron_escalate(batch_size=15)"),
        ("escalation B", amodel.id, "model._cron_escalate(batch_size=15)"),
    ):
        env["ir.cron"].create({"name": f"Two workers: {name}", "model_id": model_id,
                               "state": "code", "code": code, "interval_number": 1,
                               "interval_type": "days", "nextcall": due,
                               "user_id": SUPERUSER_ID})
    with open(out, "w") as fh:
        json.dump({"plan": plan.id, "reference": reference, "anomalies": anomalies.ids,
                   "told": len(told)}, fh)
"""


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test`", pytrace=False)
    return value


def _connect(dbname):
    return psycopg2.connect(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "odoo"),
        dbname=dbname,
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def copy_db():
    """A copy of the test database (pg_dump, as other sessions hold it open)."""
    source = _env("CF_TEST_DB")
    target = f"{source}_2w"[:63]
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        cr.execute(f'CREATE DATABASE "{target}"')
    dump = subprocess.Popen(["pg_dump", "--no-owner", source], stdout=subprocess.PIPE)
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", target],
        stdin=dump.stdout,
        check=True,
    )
    assert dump.wait() == 0
    yield target
    with admin.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    admin.close()


def test_generation_and_escalation_with_two_cron_workers(copy_db, tmp_path):
    conf = _env("CF_ODOO_CONF")
    facts = tmp_path / "facts.json"
    subprocess.run([_env("CF_PYTHON"), "-c", PREPARE, conf, copy_db, str(facts)], check=True)
    facts = json.loads(facts.read_text())
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [
            _env("CF_PYTHON"),
            _env("CF_ODOO_BIN"),
            "-c",
            conf,
            "-d",
            copy_db,
            "--db-filter",
            f"^{copy_db}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(_free_port()),
            "--gevent-port",
            str(_free_port()),
            "--workers=2",
            "--max-cron-threads=2",
            "--log-level=info",
            "--logfile",
            str(log),
        ]
    )
    conn = _connect(copy_db)
    conn.autocommit = True
    # Cron workers listen on the "postgres" database for their wake-up call.
    bell = _connect("postgres")
    bell.autocommit = True
    try:
        deadline = time.monotonic() + 90
        done = False
        while time.monotonic() < deadline and server.poll() is None:
            time.sleep(1)
            with bell.cursor() as cr:
                # Wake the cron workers (they otherwise poll every minute).
                cr.execute("NOTIFY cron_trigger, %s", [copy_db])
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT generation_pending FROM customer_followup_plan WHERE id = %s",
                    [facts["plan"]],
                )
                pending = cr.fetchone()[0]
                cr.execute(
                    "SELECT count(*) FROM customer_followup_anomaly_clock "
                    "WHERE anomaly_id = ANY(%s) AND step = 'report' "
                    "AND NOT COALESCE(escalated, FALSE)",
                    [facts["anomalies"]],
                )
                left = cr.fetchone()[0]
            if not pending and not left:
                done = True
                break
        # Let batches still running finish before reading the results.
        time.sleep(3)
    finally:
        bell.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    text = log.read_text() if log.exists() else ""
    assert done, f"the jobs did not finish in time:\n{text[-3000:]}"
    with conn.cursor() as cr:
        cr.execute(
            "SELECT partner_id, period_key, scheduled_date::text FROM customer_followup_visit "
            "WHERE plan_id = %s ORDER BY 1, 2",
            [facts["plan"]],
        )
        visits = [list(row) for row in cr.fetchall()]
        cr.execute(
            "SELECT res_id, count(*) FROM mail_activity "
            "WHERE res_model = 'customer.followup.anomaly' "
            "AND res_id = ANY(%s) AND summary LIKE '%%not reported%%' GROUP BY res_id",
            [facts["anomalies"]],
        )
        todos = dict(cr.fetchall())
        # The chatter's note (the notification of the people told may be
        # linked to the anomaly too when it is alone in its batch).
        cr.execute(
            "SELECT res_id, count(*) FROM mail_message WHERE model = 'customer.followup.anomaly' "
            "AND res_id = ANY(%s) AND body LIKE '%%not reported%%' "
            "AND message_type != 'user_notification' GROUP BY res_id",
            [facts["anomalies"]],
        )
        messages = dict(cr.fetchall())
    conn.close()
    # Log lines: "<date> <time> <pid> INFO <db> odoo.addons.base.models.ir_cron:
    # Job 'Two workers: ...' (id) starting"
    workers = {
        line.split()[2]
        for line in text.splitlines()
        if "Two workers" in line and "starting" in line
    }
    # Same follow-ups as one process, none twice.
    assert visits == [list(row) for row in facts["reference"]]
    assert len({(p, k) for p, k, _d in visits}) == len(visits)
    # Each anomaly escalated once: one message, one to-do per person told.
    assert set(messages) == set(facts["anomalies"])
    assert set(messages.values()) == {1}
    assert set(todos.values()) == {facts["told"]}
    assert len(workers) == 2, f"both cron workers took part: {workers}"
    for bad in ("deadlock detected", "could not serialize", " ERROR ", " CRITICAL ", "Traceback"):
        assert bad not in text, f"{bad!r} in the server log:\n{text[-3000:]}"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
