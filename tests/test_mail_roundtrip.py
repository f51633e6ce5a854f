"""E-mail through real mail servers on this machine (issue 19).

Postfix (SMTP) and Dovecot (IMAP) are started on loopback by
tools/mail_servers.py, for the domains cf-company.test (the company: Odoo's
catchall, bounce and complaint addresses, the staff) and cf-customer.test
(the customer); nothing else is delivered, nothing leaves the machine.

On a copy of the test database, Odoo sends through that Postfix (an
outgoing mail server on 127.0.0.1) and fetches its mailbox on Dovecot (an
incoming IMAP server), the layout of README's production section. Then:

- the customer's contact e-mails the complaint address with an attachment;
  Odoo's incoming mail server fetches it and it becomes an anomaly of that
  customer, the attachment on it;
- missing the report deadline escalates it, and 72 hours (elapsed time)
  without telling the customer remind the owner and their head: the people
  told by e-mail find the notices in their mailboxes;
- the owner answers from the chatter, the customer a recipient: the answer
  is in the contact's mailbox, threaded on the complaint (In-Reply-To and
  References name its Message-Id).

The servers must start: if they cannot, the test fails with the reason.
"""

import base64
import email
import email.policy
import html
import imaplib
import re
import shutil
import smtplib
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from odoo_db import pg_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import mail_servers  # noqa: E402
from rpc_world import in_company, new_company, new_customer, new_user, xmlid  # noqa: E402

COMPANY_DOMAIN = "cf-company.test"
CUSTOMER_DOMAIN = "cf-customer.test"
ODOO_MAILBOX = f"odoo@{COMPANY_DOMAIN}"
COMPLAINTS = f"roundtrip-complaints@{COMPANY_DOMAIN}"
BUYER = f"buyer@{CUSTOMER_DOMAIN}"
HANDLER = f"handler@{COMPANY_DOMAIN}"
ATTACHMENT = b"gauge;reading;expected\nPG-100;1.27 MPa;1.00 MPa\n"


def _prepare(admin, servers):
    """Odoo of the copy on the mail servers, over XML-RPC as the
    administrator, and a company of the test's own (rpc_world) that takes
    complaints by e-mail: returns the records the test uses."""
    # Mail of the demo and of other tests is not sent from this copy.
    queued = admin.call("mail.mail", "search", [("state", "in", ("outgoing", "exception"))])
    admin.call("mail.mail", "write", queued, {"state": "cancel"})
    for model in ("ir.mail_server", "fetchmail.server"):
        admin.call(model, "write", admin.call(model, "search", []), {"active": False})
    # The company's mail domain: catchall@, bounce@, notifications@.
    domain = admin.call(
        "mail.alias.domain",
        "create",
        {
            "name": COMPANY_DOMAIN,
            "catchall_alias": "catchall",
            "bounce_alias": "bounce",
            "default_from": "notifications",
        },
    )
    company = new_company(admin, "Roundtrip Instruments Works")
    ctx = in_company(company)
    admin.call("res.company", "write", [company], {"alias_domain_id": domain})
    # Its complaint mailbox (the first alias domain may have given other
    # companies' mailboxes "complaints@" of this domain: its own address).
    admin.call(
        "customer.followup.complaint.mailbox",
        "create",
        {
            "company_id": company,
            "alias_name": COMPLAINTS.split("@")[0],
            "alias_domain_id": domain,
        },
        context=ctx,
    )
    admin.call(
        "ir.mail_server",
        "create",
        {
            "name": "Postfix on loopback",
            "smtp_host": "127.0.0.1",
            "smtp_port": servers["smtp_port"],
            "smtp_encryption": "none",
            "sequence": 1,
        },
    )
    fetch = admin.call(
        "fetchmail.server",
        "create",
        {
            "name": "Dovecot on loopback",
            "server_type": "imap",
            "server": "127.0.0.1",
            "port": servers["imap_port"],
            "is_ssl": False,
            "user": ODOO_MAILBOX,
            "password": servers["password"],
        },
    )
    admin.call("fetchmail.server", "button_confirm_login", [fetch])
    # The people told: the head of the handler's department (the 72-hour
    # reminder) and the deputy leader (a missed report deadline).
    department = {"followup_department": "客户服务部", "lang": "en_US"}
    new_user(admin, company, "dept_head", "mail_dept_head", **department)
    new_user(admin, company, "deputy", "mail_deputy", **department)
    handler = new_user(
        admin,
        company,
        "specialist",
        "mail_handler",
        name="Mail Handler",
        email=HANDLER,
        notification_type="email",
        **department,
    )
    # Everyone in the company is told by e-mail, in a mailbox of the domain.
    staff = admin.call(
        "res.users",
        "search",
        [("share", "=", False), ("company_ids", "in", [company]), ("id", "!=", handler)],
    )
    for user in staff:
        admin.call(
            "res.users",
            "write",
            [user],
            {"email": f"staff{user}@{COMPANY_DOMAIN}", "notification_type": "email"},
        )
    customer = new_customer(
        admin, company, "Roundtrip Instruments Co", email=f"office@{CUSTOMER_DOMAIN}"
    )
    admin.call("res.partner", "write", [customer], {"followup_user_id": handler}, context=ctx)
    contact = admin.call(
        "res.partner",
        "create",
        {"name": "Roundtrip Buyer", "parent_id": customer, "email": BUYER},
        context=ctx,
    )
    crons = (
        "mail.ir_cron_mail_gateway_action",
        "mail.ir_cron_mail_scheduler_action",
        "customer_followup.ir_cron_anomaly_escalate",
        "customer_followup.ir_cron_anomaly_followthrough",
    )
    return {
        "customer": customer,
        "contact": contact,
        "crons": {ref: xmlid(admin, ref) for ref in crons},
    }


@pytest.fixture
def servers():
    """Postfix and Dovecot on loopback; a failure to start fails the test."""
    # Their unprivileged processes must reach the queue and the mail
    # folders: not under a directory only root may enter (a clone in
    # /root, pytest's tmp_path).
    root = Path(tempfile.mkdtemp(prefix="cf-mail-"))
    root.chmod(0o755)
    try:
        info = mail_servers.start(
            root,
            [COMPANY_DOMAIN, CUSTOMER_DOMAIN],
            odoo_mailbox=ODOO_MAILBOX,
            odoo_addresses=[
                COMPLAINTS,
                f"catchall@{COMPANY_DOMAIN}",
                f"bounce@{COMPANY_DOMAIN}",
            ],
        )
    except mail_servers.MailServerError as exc:
        mail_servers.stop(root)
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"the mail servers could not start: {exc}", pytrace=False)
    yield info
    mail_servers.stop(root)
    shutil.rmtree(root, ignore_errors=True)


def _mailbox(servers, address):
    """The messages of ``address``'s inbox on Dovecot, read over IMAP."""
    imap = imaplib.IMAP4("127.0.0.1", servers["imap_port"])
    try:
        imap.login(address, servers["password"])
        imap.select("INBOX", readonly=True)
        _status, data = imap.search(None, "ALL")
        messages = []
        for num in data[0].split():
            _status, parts = imap.fetch(num, "(RFC822)")
            messages.append(email.message_from_bytes(parts[0][1], policy=email.policy.default))
        return messages
    finally:
        imap.logout()


def _wait_mail(servers, address, match, what, timeout=30):
    """The first message of ``address``'s inbox for which ``match`` holds,
    waiting for Postfix to deliver it."""
    deadline = time.monotonic() + timeout
    while True:
        found = [msg for msg in _mailbox(servers, address) if match(msg)]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            log = Path(servers["root"], "postfix/mail.log")
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            pytest.fail(f"{what} did not arrive in {address}'s mailbox. Postfix's log:\n{tail}")
        time.sleep(0.5)


def _plain(text):
    """Text of an HTML body, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _text(msg):
    """Subject and text of a message, HTML included."""
    parts = [str(msg["Subject"] or "")]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def test_complaint_by_mail_answered_from_the_chatter(servers, copy_db, start_odoo, tmp_path):
    from conftest import RpcUser

    # The customer's contact writes to the complaint address, with a file.
    complaint = EmailMessage()
    complaint["From"] = f"Roundtrip Buyer <{BUYER}>"
    complaint["To"] = COMPLAINTS
    complaint["Subject"] = "Pressure gauges read 27 % high"
    complaint["Message-Id"] = original_id = make_msgid(domain=CUSTOMER_DOMAIN)
    complaint.set_content("The PG-100 gauges of our last delivery read high, see the readings.")
    complaint.add_attachment(ATTACHMENT, maintype="text", subtype="csv", filename="readings.csv")
    with smtplib.SMTP("127.0.0.1", servers["smtp_port"], timeout=30) as smtp:
        smtp.send_message(complaint)
    # Postfix hands it to Odoo's mailbox (the complaint address is one of Odoo's).
    _wait_mail(servers, ODOO_MAILBOX, lambda m: m["Message-Id"] == original_id, "the complaint")

    with start_odoo(copy_db, tmp_path / "server.log") as server:
        admin = RpcUser(server, "admin", "admin")
        facts = _prepare(admin, servers)
        handler = RpcUser(server, "mail_handler", "mail_handler")

        def run_cron(xmlid):
            admin.call("ir.cron", "method_direct_trigger", [facts["crons"][xmlid]])

        # Odoo's incoming mail server fetches it (the scheduled job's work).
        run_cron("mail.ir_cron_mail_gateway_action")
        anomalies = admin.call(
            "customer.followup.anomaly",
            "search_read",
            [("email_from", "ilike", BUYER)],
            ["partner_id", "contact_id", "source", "name", "description"],
        )
        assert len(anomalies) == 1, "the complaint e-mail did not become one anomaly"
        anomaly = anomalies[0]
        assert anomaly["partner_id"][0] == facts["customer"]
        assert anomaly["contact_id"][0] == facts["contact"]
        assert anomaly["source"] == "email"
        assert "27 %" in anomaly["description"]
        files = admin.call(
            "ir.attachment",
            "search_read",
            [("res_model", "=", "customer.followup.anomaly"), ("res_id", "=", anomaly["id"])],
            ["name", "datas"],
        )
        assert [(f["name"], base64.b64decode(f["datas"])) for f in files] == [
            ("readings.csv", ATTACHMENT)
        ]

        # The report deadline passed, and 72 hours of elapsed time without
        # telling the customer: the scheduled jobs tell people by e-mail.
        conn = pg_connect(copy_db)
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(
                "UPDATE customer_followup_anomaly_clock SET deadline = now() at time zone 'utc'"
                " - interval '1 hour' WHERE anomaly_id = %s AND step = 'report'",
                [anomaly["id"]],
            )
            assert cr.rowcount == 1, "the anomaly has no report clock"
            cr.execute(
                "UPDATE customer_followup_anomaly SET followthrough_deadline = now() at time zone"
                " 'utc' - interval '1 hour' WHERE id = %s",
                [anomaly["id"]],
            )
            assert cr.rowcount == 1
        conn.close()
        run_cron("customer_followup.ir_cron_anomaly_escalate")
        run_cron("customer_followup.ir_cron_anomaly_followthrough")

        # The owner answers from the chatter, the customer's contact a recipient.
        answer_id = handler.call(
            "customer.followup.anomaly",
            "message_post",
            [anomaly["id"]],
            body="We are sending a technician with calibrated gauges on Monday.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=[facts["contact"]],
        )
        # Odoo's outgoing queue (the scheduled job) sends through Postfix.
        run_cron("mail.ir_cron_mail_scheduler_action")

        # The answer, in the contact's mailbox, threaded on the complaint.
        answer = _wait_mail(
            servers, BUYER, lambda m: "technician" in _text(m), "the answer from the chatter"
        )
        threading = {key: answer[key] for key in ("Message-Id", "In-Reply-To", "References")}
        assert threading["In-Reply-To"] == original_id, threading
        assert original_id in threading["References"].split(), threading
        assert str(answer["From"]).endswith(f"@{COMPANY_DOMAIN}>")

        # The customer answers it: back to Odoo's catchall, on the same anomaly.
        reply = EmailMessage()
        reply["From"] = f"Roundtrip Buyer <{BUYER}>"
        reply["To"] = answer["Reply-To"]
        reply["Subject"] = f"Re: {answer['Subject']}"
        reply["In-Reply-To"] = answer["Message-Id"]
        reply["References"] = f"{answer['References']} {answer['Message-Id']}"
        reply["Message-Id"] = reply_id = make_msgid(domain=CUSTOMER_DOMAIN)
        reply.set_content("Monday suits us, the gate opens at 8.")
        with smtplib.SMTP("127.0.0.1", servers["smtp_port"], timeout=30) as smtp:
            smtp.send_message(reply)
        _wait_mail(servers, ODOO_MAILBOX, lambda m: m["Message-Id"] == reply_id, "the reply")
        run_cron("mail.ir_cron_mail_gateway_action")
        replied = admin.call(
            "mail.message",
            "search_read",
            [("message_id", "=", reply_id)],
            ["model", "res_id"],
        )
        assert [(m["model"], m["res_id"]) for m in replied] == [
            ("customer.followup.anomaly", anomaly["id"])
        ]
        assert (
            admin.call(
                "customer.followup.anomaly", "search_count", [("email_from", "ilike", BUYER)]
            )
            == 1
        )

        # The escalation and the 72-hour reminder, in the mailboxes of those told.
        assert admin.call(
            "customer.followup.anomaly.clock",
            "search_read",
            [("anomaly_id", "=", anomaly["id"]), ("step", "=", "report"), ("escalated", "=", True)],
            ["deadline"],
        ), "the missed report deadline was not escalated"
        notices = admin.call(
            "mail.message",
            "search_read",
            [
                ("model", "=", "customer.followup.anomaly"),
                ("res_id", "=", anomaly["id"]),
                ("id", "!=", answer_id),
                ("partner_ids", "!=", False),
            ],
            ["body", "partner_ids"],
        )
        partners = admin.call(
            "res.partner",
            "read",
            sorted({p for notice in notices for p in notice["partner_ids"]}),
            ["email"],
        )
        emails = {p["id"]: p["email"] for p in partners}

    escalation = [n for n in notices if "not reported" in n["body"]]
    reminder = [n for n in notices if "72 hours" in n["body"]]
    assert escalation, f"no escalation notice among {[n['body'] for n in notices]}"
    assert reminder, f"no 72-hour reminder among {[n['body'] for n in notices]}"
    assert HANDLER in {emails[p] for n in reminder for p in n["partner_ids"]}
    for notice in escalation + reminder:
        fragment = _plain(notice["body"])[:60]
        for partner in notice["partner_ids"]:
            _wait_mail(
                servers,
                emails[partner],
                lambda m, fragment=fragment: fragment in _plain(_text(m)),
                f"the notice {fragment!r}",
            )
