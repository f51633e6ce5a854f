"""What customers do on service anomalies without staff in between: the
complaint mailbox (mail gateway), first-contact ownership, the 72-hour
follow-through and the customer's confirmation of the result."""

import ast
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .anomaly_common import AnomalyCase

MAIL = """Return-Path: <{sender}>
To: {to}
From: {name} <{sender}>
Subject: {subject}
Message-ID: <{msgid}@customer.example.com>
{extra}Date: Mon, 23 Nov 2026 09:00:00 +0800
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<p>{body}</p>
"""


class TestAnomalyCustomer(AnomalyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact.email = "ligong@customer.example.com"
        cls.domain = cls.env["mail.alias.domain"].create(
            {"name": "cf-test.example.com", "bounce_alias": "bounce", "catchall_alias": "catchall"}
        )
        cls.mailbox = cls.env["customer.followup.complaint.mailbox"].create(
            {
                "company_id": cls.company.id,
                "alias_name": "cf-complaints",
                "alias_domain_id": cls.domain.id,
            }
        )
        cls.customer.with_company(cls.company).followup_user_id = cls.user_cs
        cls.user_cs.followup_department = "客户服务部"
        cls.head = new_test_user(
            cls.env,
            login="cf_cs_head",
            groups="base.group_user,customer_followup.group_customer_followup_dept_head",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.head.followup_department = "客户服务部"
        cls.user_dept_head.followup_department = "技术支持部"

    def receive(self, sender, subject="流量计读数异常", body="读数跳变", msgid="m1", extra=""):
        raw = MAIL.format(
            sender=sender,
            to=self.mailbox.alias_email,
            name="Sender",
            subject=subject,
            body=body,
            msgid=msgid,
            extra=extra,
        )
        thread_id = self.env["mail.thread"].message_process(None, raw.encode())
        return self.Anomaly.browse(thread_id)

    # ------------------------------------------------------------------
    # Complaint mailbox
    # ------------------------------------------------------------------
    def test_mail_from_a_contact_becomes_the_customers_anomaly(self):
        self.assertEqual(self.mailbox.alias_email, "cf-complaints@cf-test.example.com")
        anomaly = self.receive(
            "ligong@customer.example.com", body="读数<script>alert(1)</script>跳变"
        )
        self.assertEqual(anomaly._name, "customer.followup.anomaly")
        self.assertEqual(anomaly.partner_id, self.customer)
        self.assertEqual(anomaly.contact_id, self.contact)
        self.assertEqual(anomaly.company_id, self.company)
        self.assertEqual(anomaly.source, "email")
        self.assertEqual(anomaly.state, "discovered")
        self.assertEqual(anomaly.user_id, self.user_cs, "handled by the customer's owner")
        self.assertFalse(anomaly.needs_review)
        self.assertIn("流量计读数异常", anomaly.description)
        self.assertNotIn("<script", anomaly.description)
        self.assertNotIn("alert(1)", anomaly.description)
        # The report clock runs from the e-mail's arrival.
        self.assertTrue(anomaly._clock_deadline("report"))
        self.assertGreater(anomaly._clock_deadline("report"), anomaly.discovered_at)
        self.assertTrue(anomaly.followthrough_deadline)
        self.assertIn(self.contact, anomaly.message_partner_ids, "replies go back to the sender")
        mail = anomaly.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(mail.author_id, self.contact)

        # The customer's reply lands on the same anomaly, not a new one.
        count = self.Anomaly.search_count([])
        reply = self.receive(
            "ligong@customer.example.com",
            subject="Re: 流量计读数异常",
            body="补充照片",
            msgid="m2",
            extra="In-Reply-To: <m1@customer.example.com>\nReferences: <m1@customer.example.com>\n",
        )
        self.assertEqual(reply, anomaly)
        self.assertEqual(self.Anomaly.search_count([]), count)
        self.assertIn("补充照片", "".join(anomaly.message_ids.mapped("body")))

    def test_answer_from_the_chatter_threads_on_the_customers_mail(self):
        """The e-mail to the customer names their complaint in In-Reply-To
        and References, not the note of the anomaly's creation (the
        delivery through real servers: tests/test_mail_roundtrip.py)."""
        self.contact.lang = "en_US"
        anomaly = self.receive("ligong@customer.example.com")
        original = "<m1@customer.example.com>"
        answer = anomaly.with_user(self.user_cs).message_post(
            body="我们周一派工程师到现场",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.contact.ids,
            # Kept once sent: a run that sends at once (odoo-bin
            # --test-enable) would otherwise delete it before it is read.
            mail_auto_delete=False,
        )
        self.assertEqual(answer.parent_id.message_id, original)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", answer.id)])
        self.assertTrue(mail, "the customer is e-mailed")
        self.assertIn(original, mail.references.split())
        self.assertEqual(ast.literal_eval(mail.headers)["In-Reply-To"], original)
        # A note stays under the same e-mail (one thread per complaint).
        note = anomaly.message_post(body="内部备注", subtype_xmlid="mail.mt_note")
        self.assertEqual(note.parent_id, answer.parent_id)

    def test_unknown_sender_is_kept_for_review(self):
        anomaly = self.receive("stranger@nowhere.example.com", subject="设备漏液")
        self.assertTrue(anomaly)
        self.assertFalse(anomaly.partner_id)
        self.assertTrue(anomaly.needs_review)
        self.assertIn("stranger@nowhere.example.com", anomaly.email_from)
        self.assertEqual(anomaly.company_id, self.company)
        reviewable = self.Anomaly.with_user(self.user_manager).search([("needs_review", "=", True)])
        self.assertIn(anomaly, reviewable)
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_cs).action_report()
        # Once the customer is identified, the loop goes on.
        anomaly.with_user(self.user_cs).write({"partner_id": self.customer.id})
        self.assertFalse(anomaly.needs_review, "the sender is identified")
        anomaly.with_user(self.user_cs).action_report()
        self.assertEqual(anomaly.state, "reported")

    def test_staff_cannot_create_an_anomaly_without_customer(self):
        with self.assertRaises(UserError):
            self.anomaly(partner_id=False)

    # ------------------------------------------------------------------
    # First-contact ownership
    # ------------------------------------------------------------------
    def test_whoever_records_a_complaint_owns_it_until_handing_it_over(self):
        anomaly = self.anomaly(source="phone")
        self.assertEqual(anomaly.owner_id, self.user_cs)
        # Someone else working on it does not take it over.
        anomaly.with_user(self.user_dept_head).write({"department": "技术支持部"})
        self.assertEqual(anomaly.owner_id, self.user_cs)
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_dept_head).action_take_ownership()
        wizard = (
            self.env["customer.followup.anomaly.handover"]
            .with_user(self.user_cs)
            .create(
                {"anomaly_id": anomaly.id, "user_id": self.user_dept_head.id, "note": "技术问题"}
            )
        )
        wizard.action_confirm()
        self.assertEqual(anomaly.owner_id, self.user_dept_head)
        log = anomaly.message_ids.filtered(lambda m: "Handed over" in (m.body or ""))
        self.assertTrue(log, "the handover is logged")
        self.assertIn("技术问题", log[0].body)
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_cs)._hand_over(self.user_cs, " ")

    def test_first_employee_acting_on_a_mailed_complaint_owns_it(self):
        anomaly = self.receive("ligong@customer.example.com")
        self.assertFalse(anomaly.owner_id, "nobody took it up yet")
        anomaly.with_user(self.user_cs).action_report()
        self.assertEqual(anomaly.owner_id, self.user_cs)
        anomaly.with_user(self.user_dept_head).action_respond()
        self.assertEqual(anomaly.owner_id, self.user_cs)

    # ------------------------------------------------------------------
    # 72 hours
    # ------------------------------------------------------------------
    def test_owner_and_head_told_once_when_customer_not_told_in_72_hours(self):
        now = fields.Datetime.now()
        late = self.anomaly(source="phone", discovered_at=now - timedelta(hours=73))
        told = self.anomaly(source="phone", discovered_at=now - timedelta(hours=80))
        recent = self.anomaly(source="online", discovered_at=now - timedelta(hours=10))
        internal = self.anomaly(source="internal", discovered_at=now - timedelta(hours=100))
        self.advance(told, "feedback")
        self.assertTrue(told.customer_informed_at)

        notified = self.Anomaly._notify_followthrough()
        # Whatever else the database holds (demo complaints), of these four
        # only the late one is notified.
        self.assertEqual(notified & (late | told | recent | internal), late)
        self.assertTrue(late.followthrough_notified_at)
        for anomaly in (told, recent, internal):
            self.assertFalse(anomaly.followthrough_notified_at)
        activities = late.activity_ids.filtered(lambda a: "72 hours" in a.summary)
        self.assertEqual(activities.user_id, self.user_cs | self.head)

        again = self.Anomaly._notify_followthrough(now=now + timedelta(days=2))
        self.assertNotIn(late, again, "notified once")
        self.assertEqual(len(late.activity_ids.filtered(lambda a: "72 hours" in a.summary)), 2)

    # ------------------------------------------------------------------
    # The customer's confirmation
    # ------------------------------------------------------------------
    def _to_feedback(self, **vals):
        anomaly = self.anomaly(contact_id=self.contact.id, **vals)
        # the plan's fields, as the handler fills them
        return self.advance(anomaly, "in_progress")

    def _done(self, anomaly):
        anomaly.with_user(self.user_cs).action_done()
        return anomaly

    def test_feedback_asks_the_customer_by_mail_and_portal(self):
        anomaly = self._done(self._to_feedback())
        self.assertEqual(anomaly.state, "feedback")
        self.assertEqual(anomaly.customer_confirmation, "pending")
        self.assertTrue(anomaly.access_token)
        self.assertTrue(anomaly.customer_informed_at)
        mails = self.env["mail.mail"].search(
            [("model", "=", anomaly._name), ("res_id", "=", anomaly.id)]
        )
        request = mails.filtered(lambda m: self.contact in m.recipient_ids)
        self.assertTrue(request, "the contact gets the confirmation request")
        self.assertIn(anomaly.access_token, request[0].body_html)
        self.assertIn(f"/my/service-issues/{anomaly.id}", request[0].body_html)

    def test_confirm_records_rating_and_counts_in_the_rate(self):
        before = self.Anomaly._customer_confirmation_rate([("company_id", "=", self.company.id)])
        self.assertIsNone(before["rate"])
        anomaly = self._done(self._to_feedback())
        anomaly._customer_confirm(5, "谢谢", author=self.contact)
        self.assertEqual(anomaly.customer_confirmation, "confirmed")
        self.assertEqual(anomaly.customer_rating, 5)
        self.assertTrue(anomaly.customer_confirmed_on)
        self.assertTrue(anomaly.customer_accepted)
        self.assertEqual(anomaly.customer_satisfaction, "5")
        self.assertEqual(anomaly.state, "feedback", "staff still close the loop with a review")
        kpi = self.Anomaly._customer_confirmation_rate([("company_id", "=", self.company.id)])
        self.assertEqual(kpi["asked"], 1)
        self.assertEqual(kpi["confirmed"], 1)
        self.assertEqual(kpi["rate"], 1.0)
        self.assertEqual(kpi["average_rating"], 5)
        with self.assertRaises(UserError):
            anomaly._customer_confirm(4)  # answered already

    def test_reject_reopens_escalates_and_lowers_the_rate(self):
        other = self._done(self._to_feedback())
        other._customer_confirm(4)
        anomaly = self._done(self._to_feedback())
        with self.assertRaises(UserError):
            anomaly._customer_reject(2, "  ")  # says what is not solved
        with self.assertRaises(UserError):
            anomaly._customer_reject(7, "仍然漏液")
        self.assertEqual(anomaly.customer_confirmation, "pending")

        anomaly._customer_reject(1, "仍然漏液", author=self.contact)
        self.assertEqual(anomaly.state, "in_progress")
        self.assertEqual(anomaly.customer_confirmation, "rejected")
        self.assertEqual(anomaly.customer_rejection_count, 1)
        self.assertFalse(anomaly.customer_accepted)
        self.assertEqual(anomaly.step_ids[0].state, "in_progress")
        escalation = anomaly.activity_ids.filtered(lambda a: "not solved" in a.summary)
        # 一般: escalated to the head of customer service (deputy leader).
        self.assertEqual(escalation.user_id, self.user_deputy)
        kpi = self.Anomaly._customer_confirmation_rate([("company_id", "=", self.company.id)])
        self.assertEqual((kpi["asked"], kpi["confirmed"], kpi["rejected"]), (2, 1, 1))
        self.assertEqual(kpi["rate"], 0.5)

        # Handled again, asked again, confirmed this time.
        self._done(anomaly)
        self.assertEqual(anomaly.customer_confirmation, "pending")
        anomaly._customer_confirm(4)
        kpi = self.Anomaly._customer_confirmation_rate([("company_id", "=", self.company.id)])
        self.assertEqual(kpi["rate"], 1.0)
        self.assertEqual(kpi["refusals"], 1)
