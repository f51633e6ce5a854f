"""Faults that must lose nothing, the quick ones (the slow ones, PostgreSQL
restarted and a worker killed in the middle of a job, are in tests/faults/,
run by `make faults`).

* The outgoing mail server is down while escalations go out: the e-mails
  stay in the database, and once it is back they leave, each exactly once to
  each recipient, counted by a mail server of the test's own on a loopback
  port.
* A portal complaint whose upload is cut off half-way leaves no anomaly and
  no attachment behind, and the next complete one is filed.
"""

import contextlib
import email
import json
import re
import socket
import socketserver
import subprocess
import threading
import time
import uuid

import pytest
import requests
from odoo_db import pg_connect
from rpc_world import new_customer, new_user

ESCALATE = r"""
import json, sys
from datetime import datetime, timedelta
import odoo
from odoo import SUPERUSER_ID, api

conf, db, port, out = sys.argv[1:5]
odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=critical"])
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    # A company of the test's own: its people alone are told.
    company = env["res.company"].create({"name": "SMTP fault works"})
    # Only what the test runs: no scheduled job, no earlier e-mail.
    env["ir.cron"].search([]).write({"active": False})
    env["mail.mail"].search([("state", "in", ("outgoing", "exception"))]).cancel()
    env["ir.mail_server"].search([]).write({"active": False})
    env["ir.mail_server"].create({"name": "Fault test sink", "smtp_host": "127.0.0.1",
                                  "smtp_port": int(port), "smtp_encryption": "none"})
    Partner = env["res.partner"].with_context(tracking_disable=True)
    customers = Partner.create([{"name": f"SMTP fault Co {n}", "is_company": True,
                                 "customer_rank": 1, "company_id": company.id}
                                for n in range(5)])
    found = datetime.now() - timedelta(days=10)
    anomalies = env["customer.followup.anomaly"].with_context(tracking_disable=True).create([
        {"partner_id": customer.id, "category": "delivery", "severity": "general",
         "description": "SMTP fault", "discovered_at": found, "company_id": company.id}
        for customer in customers
    ])
    policy = anomalies[0].policy_id
    group = policy.escalation_group_id or policy.notify_group_id
    # Two people of the role told by e-mail (not in Odoo's inbox).
    bosses = env["res.users"].with_context(no_reset_password=True).create([
        {"name": f"SMTP fault boss {n}", "login": f"smtp_fault_boss_{n}",
         "email": f"smtp.fault.boss.{n}@example.com", "notification_type": "email",
         "company_id": company.id, "company_ids": [(6, 0, company.ids)],
         "groups_id": [(6, 0, group.ids)]}
        for n in range(2)
    ])
    cr.commit()
    # The scheduled escalation, a batch of 1 then batches of 2 (the notice of
    # one anomaly is linked to it, of several is a digest); each batch's
    # e-mails leave when it commits, and the server is down.
    size = 1
    while env["customer.followup.anomaly.clock"].search_count([
            ("anomaly_id", "in", anomalies.ids), ("step", "=", "report"),
            ("escalated", "=", False)]):
        env["customer.followup.anomaly"]._cron_escalate(batch_size=size)
        cr.commit()
        size = 2
    # What the queue's job does then: tries the server again.
    env["mail.mail"].process_email_queue()
    cr.commit()
    mails = env["mail.mail"].search([("create_date", ">=", found), ("state", "!=", "cancel")])
    with open(out, "w") as fh:
        json.dump({
            "bosses": bosses.mapped("email"),
            "mails": [{"id": m.id, "state": m.state, "message_id": m.message_id,
                       "to": sorted(filter(None, m.recipient_ids.mapped("email")))} for m in mails],
        }, fh)
"""

RETRY = r"""
import sys
import odoo
from odoo import SUPERUSER_ID, api

conf, db = sys.argv[1:3]
odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=critical"])
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    # The two scheduled jobs: the addon's retry, then Odoo's queue.
    env["mail.mail"]._cron_retry_connection_failures()
    cr.commit()
    env["mail.mail"].process_email_queue()
    cr.commit()
"""


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every message is kept, once per
    recipient, as (Message-Id, recipient)."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        self.reply("220 fault-sink ESMTP")
        recipients = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-fault-sink\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb in (b"HELO", b"NOOP"):
                self.reply("250 OK")
            elif verb in (b"MAIL", b"RSET"):
                recipients = []
                self.reply("250 OK")
            elif verb == b"RCPT":
                recipients.append(re.search(rb"<(.*)>", line).group(1).decode())
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = email.message_from_bytes(b"".join(lines))
                self.server.received.extend((message["Message-Id"], to) for to in recipients)
                self.reply("250 OK queued")
            elif verb == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SmtpSink(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), _SmtpHandler)
        self.received = []
        threading.Thread(target=self.serve_forever, daemon=True).start()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_escalation_emails_wait_for_the_mail_server_then_leave_once(copy_db, odoo_env, tmp_path):
    port = _free_port()  # nothing listens there yet: the server is down
    facts = tmp_path / "facts.json"
    run = odoo_env["python"]
    subprocess.run(
        [run, "-c", ESCALATE, odoo_env["conf"], copy_db, str(port), str(facts)], check=True
    )
    facts = json.loads(facts.read_text())
    mails = facts["mails"]
    # Every escalation e-mail failed, none is lost: still in the database.
    assert mails, "the escalation sent e-mails"
    assert {m["state"] for m in mails} == {"exception"}
    expected = sorted((m["message_id"], to) for m in mails for to in m["to"])
    for boss in facts["bosses"]:
        assert any(to == boss for _id, to in expected), f"{boss} is told by e-mail"

    sink = SmtpSink(port)
    try:
        subprocess.run([run, "-c", RETRY, odoo_env["conf"], copy_db], check=True)
        # Each e-mail delivered once to each of its recipients.
        assert sorted(sink.received) == expected
        # The jobs run again: nothing more leaves.
        subprocess.run([run, "-c", RETRY, odoo_env["conf"], copy_db], check=True)
        assert sorted(sink.received) == expected
    finally:
        sink.shutdown()
        sink.server_close()
    with pg_connect(copy_db) as conn, conn.cursor() as cr:
        # Sent and deleted (notifications are auto-deleted), none left failed
        # for a recipient who has an address; one without an address keeps
        # Odoo's own "no e-mail address" failure, which a retry cannot mend.
        cr.execute("SELECT count(*) FROM mail_mail WHERE id = ANY(%s)", [[m["id"] for m in mails]])
        assert cr.fetchone()[0] == 0
        cr.execute(
            "SELECT n.failure_type, coalesce(p.email, '') <> ''"
            "  FROM mail_notification n JOIN res_partner p ON p.id = n.res_partner_id"
            " WHERE n.notification_status = 'exception'"
            "   AND n.mail_message_id IN (SELECT id FROM mail_message WHERE message_id = ANY(%s))",
            [[m["message_id"] for m in mails]],
        )
        left = cr.fetchall()
        assert [row for row in left if row[1]] == [], "a recipient with an address is still failed"
        assert {row[0] for row in left} <= {"mail_email_missing", "mail_email_invalid"}


# ----------------------------------------------------------------------
# Portal complaint whose upload is cut off
# ----------------------------------------------------------------------
ANOMALY = "customer.followup.anomaly"


@pytest.fixture
def portal_customer(team):
    """A customer of the test's own, in the suite's company (conftest's
    team), and its portal user, logged in."""
    admin, company = team["admin"], team["company"]
    tag = uuid.uuid4().hex[:8]
    customer = new_customer(admin, company, f"Cut upload Co {tag}")
    login = f"cut_upload_{tag}"
    user = new_user(admin, company, "portal", login, name=f"Cut upload contact {tag}")
    contact = admin.call("res.users", "read", [user], ["partner_id"])[0]["partner_id"][0]
    admin.call("res.partner", "write", [contact], {"parent_id": customer})
    yield {"admin": admin, "customer": customer, "login": login, "tag": tag}
    admin.call("res.users", "write", [user], {"active": False})


def _portal_session(server, login):
    session = requests.Session()
    reply = session.post(
        f"{server['url']}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": server["db"], "login": login, "password": login}},
        timeout=60,
    )
    assert reply.json().get("result", {}).get("uid"), reply.text[-2000:]
    form = session.get(f"{server['url']}/my/service-issues/new", timeout=60)
    assert form.status_code == 200, form.text[-2000:]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return session, token


def _cut_upload(server, session, token, filename):
    """POST a complaint whose body stops half-way through its attachment:
    the declared Content-Length is never reached, the connection closes."""
    boundary = uuid.uuid4().hex
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (
            ("csrf_token", token),
            ("category", "delivery"),
            ("description", "Cut off upload"),
        )
    ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    sent = head + b"x" * 200_000
    declared = len(sent) + 1_000_000 + len(f"\r\n--{boundary}--\r\n")
    host = server["url"].removeprefix("http://")
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    request = (
        f"POST /my/service-issues/new HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {declared}\r\nConnection: close\r\n\r\n"
    ).encode()
    address, port = host.split(":")
    with socket.create_connection((address, int(port)), timeout=30) as sock:
        sock.sendall(request + sent)
        sock.shutdown(socket.SHUT_WR)
        # Whatever the server answers (or not), the client is gone.
        sock.settimeout(30)
        with contextlib.suppress(OSError):
            while sock.recv(65536):
                pass


def test_cut_off_complaint_upload_leaves_nothing_and_the_next_one_is_filed(
    odoo_server, portal_customer
):
    admin, customer = portal_customer["admin"], portal_customer["customer"]
    session, token = _portal_session(odoo_server, portal_customer["login"])
    cut_name = f"cut-{portal_customer['tag']}.bin"
    _cut_upload(odoo_server, session, token, cut_name)
    time.sleep(2)  # elapsed time for the server to give up the request
    assert (
        admin.call(
            ANOMALY, "search_count", [("partner_id", "=", customer)], context={"active_test": False}
        )
        == 0
    )
    assert admin.call("ir.attachment", "search_count", [("name", "=", cut_name)]) == 0

    # The customer tries again: the complete complaint is filed.
    whole_name = f"whole-{portal_customer['tag']}.bin"
    reply = session.post(
        f"{odoo_server['url']}/my/service-issues/new",
        data={"csrf_token": token, "category": "delivery", "description": "Complete upload"},
        files={"attachments": (whole_name, b"y" * 200_000, "application/octet-stream")},
        allow_redirects=False, timeout=60,
    )  # fmt: skip
    assert reply.status_code in (302, 303), reply.text[-2000:]
    anomalies = admin.call(
        ANOMALY,
        "search_read",
        [("partner_id", "=", customer)],
        ["description", "source"],
        context={"active_test": False},
    )
    assert [(a["description"], a["source"]) for a in anomalies] == [("Complete upload", "online")]
    attached = admin.call(
        "ir.attachment",
        "search_read",
        [("res_model", "=", ANOMALY), ("res_id", "=", anomalies[0]["id"])],
        ["name", "file_size"],
    )
    assert [(a["name"], a["file_size"]) for a in attached] == [(whole_name, 200_000)]
    assert admin.call("ir.attachment", "search_count", [("name", "=", cut_name)]) == 0
