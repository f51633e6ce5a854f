"""The customer's portal pages over HTTP: each customer sees its own
follow-ups and service issues only, whatever id it types; files complaints;
confirms or refuses the result."""

import re
from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged


class PortalCase(HttpCase):
    """Two customers, 甲 (two contacts) and 乙, each with portal users, and
    follow-ups and service issues of both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        Partner = cls.env["res.partner"]
        cls.owner = new_test_user(
            cls.env,
            login="cf_portal_owner",
            groups="base.group_user,customer_followup.group_customer_followup_user",
        )
        cls.customer_a = Partner.create(
            {"name": "甲公司 Customer A", "is_company": True, "customer_rank": 1}
        )
        cls.customer_a.followup_user_id = cls.owner
        cls.contact_a = Partner.create(
            {"name": "甲 张工", "parent_id": cls.customer_a.id, "email": "zhang@a.example.com"}
        )
        cls.contact_a2 = Partner.create(
            {"name": "甲 钱工", "parent_id": cls.customer_a.id, "email": "qian@a.example.com"}
        )
        cls.customer_b = Partner.create(
            {"name": "乙公司 Customer B", "is_company": True, "customer_rank": 1}
        )
        cls.contact_b = Partner.create(
            {"name": "乙 赵工", "parent_id": cls.customer_b.id, "email": "zhao@b.example.com"}
        )
        for login, contact in (
            ("cf_portal_a", cls.contact_a),
            ("cf_portal_a2", cls.contact_a2),
            ("cf_portal_b", cls.contact_b),
        ):
            new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                partner_id=contact.id,
                name=contact.name,
                email=contact.email,
            )
        Visit = cls.env["customer.followup.visit"]
        now = fields.Datetime.now()
        cls.visit_a_done = Visit.create(
            {
                "partner_id": cls.customer_a.id,
                "contact_id": cls.contact_a.id,
                "channel": "phone",
                "user_id": cls.owner.id,
                "scheduled_date": now - timedelta(days=5),
                "satisfaction": "4",
                "score_quality": "5",
                "state": "done",
                "done_date": now - timedelta(days=5),
            }
        )
        cls.visit_a_planned = Visit.create(
            {
                "partner_id": cls.customer_a.id,
                "contact_id": cls.contact_a.id,
                "channel": "phone",
                "user_id": cls.owner.id,
                "scheduled_date": now + timedelta(days=5),
            }
        )
        cls.visit_b_planned = Visit.create(
            {
                "partner_id": cls.customer_b.id,
                "channel": "phone",
                "user_id": cls.owner.id,
                "scheduled_date": now + timedelta(days=3),
            }
        )
        Anomaly = cls.env["customer.followup.anomaly"]
        cls.anomaly_a = Anomaly.create(
            {
                "partner_id": cls.customer_a.id,
                "contact_id": cls.contact_a.id,
                "category": "delivery",
                "description": "甲: 交付延期",
                "source": "phone",
                "findings": "INTERNAL-FINDINGS",
            }
        )
        cls.anomaly_a2 = Anomaly.create(
            {
                "partner_id": cls.customer_a.id,
                "contact_id": cls.contact_a2.id,
                "category": "technical",
                "description": "甲: 钱工的问题",
            }
        )
        cls.anomaly_b = Anomaly.create(
            {
                "partner_id": cls.customer_b.id,
                "contact_id": cls.contact_b.id,
                "category": "aftersales",
                "description": "乙: 售后回电慢",
            }
        )
        cls.anomaly_a.message_post(
            body="INTERNAL-NOTE", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        cls.anomaly_a.message_post(
            body="PUBLIC-REPLY", message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def _csrf(self):
        return http.Request.csrf_token(self)

    def url_open(self, *args, **kwargs):
        reply = super().url_open(*args, **kwargs)
        self.env.invalidate_all()  # the request changed records behind the cache
        return reply

    def _to_feedback(self, anomaly):
        anomaly.write(
            {
                "findings": "x",
                "root_cause": "y",
                "plan_measures": "更换部件",
                "plan_owner_ids": [Command.set(self.owner.ids)],
                "plan_deadline": anomaly._clock_deadline("resolve"),
                "customer_told": "已更换",
            }
        )
        while anomaly.state != "feedback":
            anomaly.action_next_step()
        return anomaly


@tagged("post_install", "-at_install")
class TestPortalCustomer(PortalCase):
    # ------------------------------------------------------------------
    # Ownership of every record
    # ------------------------------------------------------------------
    def test_past_followups_show_no_zero_for_unrated_aspects(self):
        """Issue 14: the customer gave the overall score and the quality
        only; the other aspects stay empty rather than read 0 (extremely bad)."""
        self.authenticate("cf_portal_a", "cf_portal_a")
        page = self.url_open("/my/follow-ups")
        row = re.search(r'<tr class="o_cf_past">(.*?)</tr>', page.text, re.S).group(1)
        scores = re.findall(r'<td class="text-end[^"]*">(.*?)</td>', row, re.S)
        self.assertEqual([cell.strip() for cell in scores], ["4/5", "5", "", "", ""])

    def test_customer_sees_its_own_followups_and_issues_only(self):
        self.authenticate("cf_portal_a", "cf_portal_a")
        page = self.url_open("/my/follow-ups")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.visit_a_done.name, page.text)
        self.assertIn(self.visit_a_planned.name, page.text)
        self.assertNotIn(self.visit_b_planned.name, page.text)
        page = self.url_open("/my/service-issues")
        self.assertIn(self.anomaly_a.name, page.text)
        self.assertIn(self.anomaly_a2.name, page.text, "the company shares with its contacts")
        self.assertNotIn(self.anomaly_b.name, page.text)
        page = self.url_open(f"/my/service-issues/{self.anomaly_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("甲: 交付延期", page.text)
        self.assertNotIn("INTERNAL-FINDINGS", page.text)
        self.assertNotIn("INTERNAL-NOTE", page.text)
        self.assertNotIn(self.owner.name, page.text, "handlers' names are hidden by default")
        home = self.url_open("/my/home")
        self.assertIn("/my/service-issues/new", home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["followup_anomaly_count", "followup_visit_count"]}
        )
        self.assertEqual(counters, {"followup_anomaly_count": 2, "followup_visit_count": 2})
        # The public part of the thread, as the portal chatter loads it.
        token = self.anomaly_a.access_token
        self.assertTrue(token)
        thread = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": self.anomaly_a._name, "thread_id": self.anomaly_a.id, "token": token},
        )
        bodies = " ".join(str(m["body"]) for m in thread["data"]["mail.message"])
        self.assertIn("PUBLIC-REPLY", bodies)
        self.assertNotIn("INTERNAL-NOTE", bodies)

    def test_guessed_ids_of_another_customer_are_not_found(self):
        self.authenticate("cf_portal_a", "cf_portal_a")
        for url in (
            f"/my/service-issues/{self.anomaly_b.id}",
            f"/my/service-issues/{self.anomaly_b.id + 100000}",
        ):
            self.assertIn(self.url_open(url).status_code, (403, 404), url)
        reply = self.url_open(
            f"/my/follow-ups/{self.visit_b_planned.id}/another-time",
            data={"csrf_token": self._csrf(), "preferred": "明天"},
        )
        self.assertIn(reply.status_code, (403, 404))
        self.assertFalse(self.visit_b_planned.activity_ids)
        self._to_feedback(self.anomaly_b)
        reply = self.url_open(
            f"/my/service-issues/{self.anomaly_b.id}/answer",
            data={"csrf_token": self._csrf(), "answer": "reject", "rating": "0", "comment": "x"},
        )
        self.assertIn(reply.status_code, (403, 404))
        self.assertEqual(self.anomaly_b.state, "feedback")
        self.assertEqual(self.anomaly_b.customer_confirmation, "pending")
        # A wrong token is no key either; the right one is (the e-mail link).
        self.authenticate(None, None)
        url = f"/my/service-issues/{self.anomaly_b.id}"
        self.assertIn(self.url_open(f"{url}?access_token=wrong").status_code, (403, 404))
        self.assertIn(self.url_open(url).status_code, (403, 404))
        page = self.url_open(f"{url}?access_token={self.anomaly_b.access_token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("乙: 售后回电慢", page.text)

    def test_contact_sees_what_its_company_allows(self):
        self.customer_a.followup_portal_share = False
        self.authenticate("cf_portal_a2", "cf_portal_a2")
        page = self.url_open("/my/service-issues")
        self.assertIn(self.anomaly_a2.name, page.text)
        self.assertNotIn(self.anomaly_a.name, page.text)
        self.assertEqual(self.url_open(f"/my/service-issues/{self.anomaly_a.id}").status_code, 404)

    def test_handlers_names_shown_when_the_company_allows(self):
        self.company.followup_portal_show_handlers = True
        self.anomaly_a.with_user(self.owner).action_report()
        self.authenticate("cf_portal_a", "cf_portal_a")
        page = self.url_open(f"/my/service-issues/{self.anomaly_a.id}")
        self.assertIn(self.owner.name, page.text)

    def test_ask_for_another_time_reaches_the_owner(self):
        self.authenticate("cf_portal_a", "cf_portal_a")
        reply = self.url_open(
            f"/my/follow-ups/{self.visit_a_planned.id}/another-time",
            data={
                "csrf_token": self._csrf(),
                "preferred": "下周二 10:00",
                "message": "<b>出差</b>",
            },
        )
        self.assertEqual(reply.status_code, 200)
        activity = self.visit_a_planned.activity_ids
        self.assertEqual(activity.user_id, self.owner)
        self.assertIn("下周二 10:00", str(activity.note))
        self.assertNotIn("<b>出差", str(activity.note))

    # ------------------------------------------------------------------
    # Online complaint form
    # ------------------------------------------------------------------
    def test_complaint_form_creates_an_online_anomaly_with_its_clock(self):
        self.authenticate("cf_portal_a", "cf_portal_a")
        form = self.url_open("/my/service-issues/new")
        self.assertEqual(form.status_code, 200)
        for name in ("category", "description", "impact", "attachments"):
            self.assertIn(f'name="{name}"', form.text)
        before = self.env["customer.followup.anomaly"].search([]).ids
        reply = self.url_open(
            "/my/service-issues/new",
            data={
                "csrf_token": self._csrf(),
                "category": "aftersales",
                "description": "仪表<script>alert('x')</script>无显示",
                "impact": "停线两小时",
            },
            files={"attachments": ("photo.txt", b"photo bytes", "text/plain")},
        )
        self.assertEqual(reply.status_code, 200)
        anomaly = self.env["customer.followup.anomaly"].search([("id", "not in", before)])
        self.assertEqual(len(anomaly), 1)
        self.assertEqual(anomaly.partner_id, self.customer_a)
        self.assertEqual(anomaly.contact_id, self.contact_a)
        self.assertEqual(anomaly.source, "online")
        self.assertEqual(anomaly.state, "discovered")
        self.assertEqual(anomaly.category, "aftersales")
        self.assertEqual(anomaly.production_impact, "停线两小时")
        self.assertTrue(anomaly._clock_deadline("report"), "the report clock runs")
        self.assertLess(anomaly.discovered_at, anomaly._clock_deadline("report"))
        self.assertEqual(anomaly.user_id, self.owner, "handled by the customer's owner")
        self.assertNotIn("<script", anomaly.description)
        self.assertNotIn("alert", anomaly.description)
        self.assertIn("仪表", anomaly.description)
        # acknowledged with its reference, nothing executable rendered
        self.assertIn(anomaly.name, reply.text)
        self.assertNotIn("<script>alert", reply.text)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", anomaly._name), ("res_id", "=", anomaly.id)]
        )
        self.assertEqual(attachment.name, "photo.txt")
        # The attachment follows Odoo's attachment rules: no portal user
        # reads it by its id.
        self.authenticate("cf_portal_b", "cf_portal_b")
        self.assertIn(self.url_open(f"/web/content/{attachment.id}").status_code, (403, 404))
        self.authenticate("cf_portal_a", "cf_portal_a")
        self.assertIn(self.url_open(f"/web/content/{attachment.id}").status_code, (403, 404))

    def test_complaint_form_refuses_bad_input(self):
        self.authenticate("cf_portal_a", "cf_portal_a")
        count = self.env["customer.followup.anomaly"].search_count([])
        reply = self.url_open(
            "/my/service-issues/new",
            data={"csrf_token": self._csrf(), "category": "nonsense", "description": "原样保留"},
        )
        self.assertEqual(reply.status_code, 400)
        self.assertIn("原样保留", reply.text, "the form keeps what was typed")
        reply = self.url_open(
            "/my/service-issues/new",
            data={
                "csrf_token": self._csrf(),
                "category": "delivery",
                "description": "<script></script>",
            },
        )
        self.assertEqual(reply.status_code, 400)
        self.assertEqual(self.env["customer.followup.anomaly"].search_count([]), count)

    def test_complaint_form_is_rate_limited(self):
        self.env["ir.config_parameter"].set_param(
            "customer_followup.portal_complaints_per_hour", "2"
        )
        self.authenticate("cf_portal_a", "cf_portal_a")
        Anomaly = self.env["customer.followup.anomaly"]
        statuses = []
        for i in range(3):
            reply = self.url_open(
                "/my/service-issues/new",
                data={
                    "csrf_token": self._csrf(),
                    "category": "delivery",
                    "description": f"第{i}次",
                },
            )
            statuses.append(reply.status_code)
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(
            Anomaly.search_count(
                [("partner_id", "=", self.customer_a.id), ("source", "=", "online")]
            ),
            2,
        )

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    def test_customer_rejects_then_confirms_the_result(self):
        anomaly = self._to_feedback(self.anomaly_a)
        self.assertEqual(anomaly.customer_confirmation, "pending")
        self.authenticate("cf_portal_a", "cf_portal_a")
        page = self.url_open(f"/my/service-issues/{anomaly.id}")
        self.assertIn("o_cf_confirmation", page.text)
        self.assertIn("更换部件", page.text, "what the company promised")
        url = f"/my/service-issues/{anomaly.id}/answer"
        reply = self.url_open(
            url, data={"csrf_token": self._csrf(), "answer": "reject", "rating": "1", "comment": ""}
        )
        self.assertEqual(reply.status_code, 400, "a refusal says what is not solved")
        self.assertEqual(anomaly.state, "feedback")
        reply = self.url_open(
            url,
            data={
                "csrf_token": self._csrf(),
                "answer": "reject",
                "rating": "1",
                "comment": "还是漏液",
            },
        )
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(anomaly.state, "in_progress")
        self.assertEqual(anomaly.customer_confirmation, "rejected")
        self.assertEqual(anomaly.customer_comment, "还是漏液")
        self.assertIn("o_cf_rejected", reply.text)

        anomaly.action_done()
        self.assertEqual(anomaly.customer_confirmation, "pending")
        reply = self.url_open(
            url,
            data={"csrf_token": self._csrf(), "answer": "confirm", "rating": "5", "comment": ""},
        )
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(anomaly.customer_confirmation, "confirmed")
        self.assertEqual(anomaly.customer_rating, 5)
        self.assertEqual(anomaly.customer_rejection_count, 1)
        kpi = anomaly._customer_confirmation_rate([("id", "=", anomaly.id)])
        self.assertEqual(kpi["rate"], 1.0)

    def test_confirmation_through_the_mail_link_without_login(self):
        anomaly = self._to_feedback(self.anomaly_b)
        self.authenticate(None, None)
        reply = self.url_open(
            f"/my/service-issues/{anomaly.id}/answer",
            data={
                "csrf_token": self._csrf(),
                "answer": "confirm",
                "rating": "4",
                "access_token": anomaly.access_token,
            },
        )
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(anomaly.customer_confirmation, "confirmed")
        answer = anomaly.message_ids.filtered(lambda m: "Confirmed solved" in (m.body or ""))
        self.assertEqual(answer.author_id, self.contact_b)

    # ------------------------------------------------------------------
    # Verification follow-up after closing
    # ------------------------------------------------------------------
    def _verification(self, anomaly):
        visit = self.env["customer.followup.visit"].create(
            {
                "partner_id": anomaly.partner_id.id,
                "contact_id": anomaly.contact_id.id,
                "trigger": "anomaly",
                "channel": "phone",
                "user_id": self.owner.id,
                "scheduled_date": fields.Datetime.now() + timedelta(days=3),
            }
        )
        anomaly.verification_visit_id = visit
        return visit

    def test_verification_followup_answered_still_solved(self):
        visit = self._verification(self.anomaly_a)
        self.authenticate("cf_portal_a", "cf_portal_a")
        page = self.url_open("/my/follow-ups")
        self.assertIn(f'class="badge text-bg-warning" href="{visit.access_url}"', page.text)
        page = self.url_open(visit.access_url)
        self.assertIn("o_cf_verification", page.text)
        reply = self.url_open(
            f"/my/follow-ups/{visit.id}/answer",
            data={"csrf_token": self._csrf(), "answer": "solved", "rating": "5"},
        )
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.satisfaction, "5")

    def test_verification_followup_not_solved_raises_a_new_anomaly(self):
        visit = self._verification(self.anomaly_a)
        Anomaly = self.env["customer.followup.anomaly"]
        self.authenticate("cf_portal_b", "cf_portal_b")
        reply = self.url_open(
            f"/my/follow-ups/{visit.id}/answer",
            data={
                "csrf_token": self._csrf(),
                "answer": "not_solved",
                "rating": "1",
                "comment": "x",
            },
        )
        self.assertIn(reply.status_code, (403, 404), "another customer cannot answer it")
        self.assertEqual(visit.state, "planned")
        self.authenticate("cf_portal_a", "cf_portal_a")
        reply = self.url_open(
            f"/my/follow-ups/{visit.id}/answer",
            data={"csrf_token": self._csrf(), "answer": "not_solved", "rating": "1", "comment": ""},
        )
        self.assertEqual(reply.status_code, 400, "say what is not solved")
        self.assertEqual(visit.state, "planned")
        reply = self.url_open(
            f"/my/follow-ups/{visit.id}/answer",
            data={
                "csrf_token": self._csrf(),
                "answer": "not_solved",
                "rating": "1",
                "comment": "又坏了",
            },
        )
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.satisfaction, "1")
        reopened = Anomaly.search([("visit_id", "=", visit.id)])
        self.assertEqual(len(reopened), 1)
        self.assertEqual(reopened.partner_id, self.customer_a)
        self.assertEqual(reopened.state, "discovered")
        self.assertIn("又坏了", reopened.description)
