"""Odoo's portal pattern on the customer's pages (issue 16): a record opens
for its customer's contacts, or for whoever holds its own access token (the
link of an e-mail), and for nobody else whatever id or token is tried; the
lists are paged so that every record is reachable."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_portal_customer import PortalCase

VISIT_LINK = re.compile(r'class="o_cf_visit_link" href="[^"]*">([^<]+)</a>')
ISSUE_LINK = re.compile(r'<tr class="o_cf_issue">\s*<td><a href="[^"]*">([^<]+)</a>')


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalCase):
    def _post(self, url, **data):
        return self.url_open(url, data={"csrf_token": self._csrf(), **data})

    # ------------------------------------------------------------------
    # Id guessing
    # ------------------------------------------------------------------
    def test_another_customers_records_are_not_found_by_id(self):
        """Each customer, logged in, tries the other's follow-up and service
        issue, and ids that do not exist: the same 404 for all."""
        records = {
            "cf_portal_a": (self.visit_a_planned, self.anomaly_a),
            "cf_portal_b": (self.visit_b_planned, self.anomaly_b),
        }
        for login, other in (("cf_portal_a", "cf_portal_b"), ("cf_portal_b", "cf_portal_a")):
            self.authenticate(login, login)
            for record in records[login]:
                self.assertEqual(self.url_open(record.access_url).status_code, 200, login)
            for record in records[other]:
                last = record.with_context(active_test=False).search([], order="id desc", limit=1)
                base = record.access_url.rsplit("/", 1)[0]
                for record_id in (record.id, last.id + 1000):
                    url = f"{base}/{record_id}"
                    self.assertEqual(self.url_open(url).status_code, 404, f"{login} {url}")
        # The answers of a follow-up of 乙 by 甲: refused, nothing recorded.
        self.authenticate("cf_portal_a", "cf_portal_a")
        visit = self.visit_b_planned
        reply = self._post(f"{visit.access_url}/another-time", preferred="明天")
        self.assertEqual(reply.status_code, 404)
        reply = self._post(f"{visit.access_url}/answer", answer="solved", rating="5")
        self.assertEqual(reply.status_code, 404)
        self.assertFalse(visit.activity_ids)
        self.assertEqual(visit.state, "planned")

    def test_contact_opens_only_what_its_company_shares(self):
        self.customer_a.followup_portal_share = False
        self.authenticate("cf_portal_a2", "cf_portal_a2")
        self.assertEqual(self.url_open(self.visit_a_planned.access_url).status_code, 404)
        page = self.url_open("/my/follow-ups")
        self.assertNotIn(self.visit_a_planned.name, page.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["followup_anomaly_count", "followup_visit_count"]}
        )
        self.assertEqual(counters, {"followup_anomaly_count": 1, "followup_visit_count": 0})
        self.customer_a.followup_portal_share = True
        self.assertEqual(self.url_open(self.visit_a_planned.access_url).status_code, 200)

    # ------------------------------------------------------------------
    # Access tokens
    # ------------------------------------------------------------------
    def test_a_record_opens_without_login_with_its_own_token_only(self):
        """The link of an e-mail (``get_portal_url``) opens the page without
        login; no token, a wrong one, or another record's does not. Links
        sent before 18.0.2.0.0 have the same form and keep working."""
        self.authenticate(None, None)
        pairs = (
            (self.visit_b_planned, self.visit_a_planned),
            (self.anomaly_b, self.anomaly_a),
        )
        for record, other in pairs:
            self.assertEqual(
                record.get_portal_url(),
                f"{record.access_url}?access_token={record.access_token}",
            )
            page = self.url_open(record.get_portal_url())
            self.assertEqual(page.status_code, 200, record.access_url)
            self.assertIn(record.name, page.text)
            for query in ("", "?access_token=", "?access_token=wrong"):
                reply = self.url_open(f"{record.access_url}{query}")
                self.assertEqual(reply.status_code, 404, f"{record.access_url}{query}")
            reply = self.url_open(
                f"{record.access_url}?access_token={other._portal_ensure_token()}"
            )
            self.assertEqual(reply.status_code, 404, "the token of 甲's record on 乙's")
        self.assertNotEqual(self.visit_a_planned.access_token, self.visit_b_planned.access_token)

    def test_token_answers_a_followup_without_login(self):
        visit = self.visit_b_planned
        url = f"{visit.access_url}/another-time"
        self.authenticate(None, None)
        for token in (None, "wrong", self.visit_a_planned._portal_ensure_token()):
            data = {"preferred": "周三下午"}
            if token:
                data["access_token"] = token
            self.assertEqual(self._post(url, **data).status_code, 404, token)
        self.assertFalse(visit.activity_ids)
        reply = self._post(url, preferred="周三下午", access_token=visit._portal_ensure_token())
        self.assertEqual(reply.status_code, 200)
        self.assertIn("o_cf_requested", reply.text, "back on the page, still with the token")
        self.assertEqual(visit.activity_ids.user_id, self.owner)
        self.assertIn("周三下午", str(visit.activity_ids.note))
        note = visit.message_ids.filtered(lambda m: "周三下午" in str(m.body))
        self.assertEqual(note.author_id, self.customer_b, "the customer, not the public user")

    def test_notifications_give_the_customers_contacts_a_token_link(self):
        """A message on a follow-up mailed to the customer's contacts carries
        the token button; another customer's contact gets none, nor does a
        contact the customer does not share the follow-up with."""
        visit = self.visit_a_planned
        self.customer_a.followup_portal_share = False
        visit.with_context(mail_notify_force_send=False).message_post(
            body="请确认回访时间",
            partner_ids=(self.contact_a | self.contact_a2 | self.contact_b).ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        mails = self.env["mail.mail"].search(
            [("model", "=", visit._name), ("res_id", "=", visit.id)]
        )
        token = f"access_token={visit.access_token}"

        def body(partner):
            return str(mails.filtered(lambda m: partner in m.recipient_ids).body_html)

        self.assertIn(token, body(self.contact_a))
        self.assertNotIn(token, body(self.contact_a2))
        self.assertNotIn(token, body(self.contact_b))
        link = re.search(r'href="[^"]*(/mail/view\?[^"]*access_token=[^"]*)"', body(self.contact_a))
        self.authenticate(None, None)
        page = self.url_open(link.group(1).replace("&amp;", "&"))
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"{visit.access_url}?access_token={visit.access_token}", page.url)
        self.assertIn(visit.name, page.text)

    # ------------------------------------------------------------------
    # Pager
    # ------------------------------------------------------------------
    def _walk(self, url, pattern, **query):
        """Every page of a list, as the pager links them: the names per page."""
        pages = []
        suffix = "&".join(f"{key}={value}" for key, value in query.items())
        page = 1
        while True:
            path = url if page == 1 else f"{url}/page/{page}"
            reply = self.url_open(f"{path}?{suffix}")
            self.assertEqual(reply.status_code, 200)
            pages.append(pattern.findall(reply.text))
            if f"{url}/page/{page + 1}" not in reply.text:
                return pages
            page += 1

    def test_every_followup_is_reachable_page_after_page(self):
        """More past follow-ups than the old page showed (50): all of them
        are on some page, 20 a page, none twice."""
        now = fields.Datetime.now()
        visits = self.visit_b_planned | self.env["customer.followup.visit"].create(
            [
                {
                    "partner_id": self.customer_b.id,
                    "channel": "phone",
                    "user_id": self.owner.id,
                    # the same date for several: the order still ends on the id
                    "scheduled_date": now - timedelta(days=1 + i // 3),
                    "state": "done",
                    "done_date": now - timedelta(days=1 + i // 3),
                    "satisfaction": "4",
                }
                for i in range(55)
            ]
        )
        self.authenticate("cf_portal_b", "cf_portal_b")
        for sortby in ("date", "date_asc", "name"):
            pages = self._walk("/my/follow-ups", VISIT_LINK, sortby=sortby)
            self.assertEqual([len(names) for names in pages], [20, 20, 16], sortby)
            names = [name for names in pages for name in names]
            self.assertCountEqual(names, visits.mapped("name"), sortby)
        pages = self._walk("/my/follow-ups", VISIT_LINK, filterby="done")
        self.assertEqual(sum(len(names) for names in pages), 55)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["followup_visit_count"]})
        self.assertEqual(counters, {"followup_visit_count": 56})

    def test_every_service_issue_is_reachable_page_after_page(self):
        anomalies = self.anomaly_b | self.env["customer.followup.anomaly"].create(
            [
                {
                    "partner_id": self.customer_b.id,
                    "contact_id": self.contact_b.id,
                    "category": "delivery",
                    "description": f"乙: 第{i}批延期",
                }
                for i in range(25)
            ]
        )
        self.authenticate("cf_portal_b", "cf_portal_b")
        for sortby in ("date", "name"):
            pages = self._walk("/my/service-issues", ISSUE_LINK, sortby=sortby)
            self.assertEqual([len(names) for names in pages], [20, 6], sortby)
            names = [name for names in pages for name in names]
            self.assertCountEqual(names, anomalies.mapped("name"), sortby)
        pages = self._walk("/my/service-issues", ISSUE_LINK, filterby="closed")
        self.assertEqual(pages, [[]])
