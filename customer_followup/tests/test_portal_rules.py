"""Portal users read their customer's follow-ups and service issues through
record rules (no sudo in the lists): only their own customer's, only in their
companies, only the public fields, and nothing else however they ask — the
ORM, JSON-RPC (``/web/dataset/call_kw``), another record's token."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from .test_portal_customer import PortalCase

ANOMALY = "customer.followup.anomaly"
VISIT = "customer.followup.visit"


@tagged("post_install", "-at_install")
class TestPortalRules(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 甲 is a customer of a second company too: that company's records
        # stay out of reach of 甲's portal users, who belong to the first.
        cls.company_b = cls.env["res.company"].create({"name": "第二公司 Company B"})
        cls.owner.write({"company_ids": [Command.link(cls.company_b.id)]})
        cls.anomaly_a_company_b = (
            cls.env[ANOMALY]
            .with_company(cls.company_b)
            .create(
                {
                    "partner_id": cls.customer_a.id,
                    "contact_id": cls.contact_a.id,
                    "company_id": cls.company_b.id,
                    "category": "delivery",
                    "description": "甲 in B: 交付延期",
                }
            )
        )
        cls.portal_a = cls.env["res.users"].search([("login", "=", "cf_portal_a")])

    def _call_kw(self, model, method, args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def _refused(self, model, method, args, **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self._call_kw(model, method, args, **kwargs)
        self.assertIn("AccessError", str(caught.exception), f"{model}.{method}{args}")

    # ------------------------------------------------------------------
    # The ORM as the portal user
    # ------------------------------------------------------------------
    def test_rule_gives_the_customers_records_of_the_users_companies_only(self):
        Anomaly = self.env[ANOMALY].with_user(self.portal_a)
        mine = self.anomaly_a | self.anomaly_a2
        self.assertEqual(Anomaly.search([]), mine)
        self.assertEqual(
            self.env[VISIT].with_user(self.portal_a).search([]),
            self.visit_a_done | self.visit_a_planned,
        )
        for other in (self.anomaly_b, self.anomaly_a_company_b):
            with self.assertRaises(AccessError, msg=other.description):
                other.with_user(self.portal_a).read(["name"])
        # Unshared: a contact sees only where it is the contact.
        self.customer_a.followup_portal_share = False
        self.assertEqual(Anomaly.search([]), self.anomaly_a)
        with self.assertRaises(AccessError):
            self.anomaly_a2.with_user(self.portal_a).read(["name"])

    def test_only_the_public_fields_are_read(self):
        anomaly = self.anomaly_a.with_user(self.portal_a)
        values = anomaly.read(["name", "description", "state"])[0]
        self.assertEqual(values["description"], "甲: 交付延期")
        for fname in ("findings", "user_id", "owner_id", "severity", "step_ids", "message_ids"):
            with self.assertRaises(AccessError, msg=fname):
                anomaly.read([fname])
        with self.assertRaises(AccessError):
            anomaly.search([("findings", "=", "INTERNAL-FINDINGS")])
        with self.assertRaises(AccessError):
            anomaly._read_group([], ["severity"], ["__count"])
        everything = anomaly.read()[0]
        self.assertNotIn("findings", everything)
        self.assertLessEqual(set(everything), anomaly._portal_readable_fields())
        visit = self.visit_a_done.with_user(self.portal_a)
        self.assertEqual(visit.read(["satisfaction"])[0]["satisfaction"], "4")
        for fname in ("notes", "user_id", "preparation_summary"):
            with self.assertRaises(AccessError, msg=fname):
                visit.read([fname])

    def test_portal_users_write_create_and_delete_nothing(self):
        anomaly = self.anomaly_a.with_user(self.portal_a)
        with self.assertRaises(AccessError):
            anomaly.write({"description": "改了"})
        # Refused either way (AccessError is a UserError): by the access rights,
        # or first by the anomaly's file, whose chatter mail.thread clears first.
        with self.assertRaises(UserError):
            anomaly.unlink()
        self.assertTrue(self.anomaly_a.exists())
        with self.assertRaises(AccessError):
            self.env[ANOMALY].with_user(self.portal_a).create(
                {"partner_id": self.customer_a.id, "category": "delivery", "description": "x"}
            )
        with self.assertRaises(AccessError):
            self.visit_a_planned.with_user(self.portal_a).write({"satisfaction": "5"})

    # ------------------------------------------------------------------
    # JSON-RPC as the portal user
    # ------------------------------------------------------------------
    def test_json_rpc_reads_the_customers_own_public_fields_only(self):
        self.authenticate("cf_portal_a", "cf_portal_a")
        found = self._call_kw(ANOMALY, "search_read", [[]], fields=["name", "description"])
        self.assertCountEqual([row["id"] for row in found], (self.anomaly_a | self.anomaly_a2).ids)
        # Ids guessed: another customer's, another company's, one that does not exist.
        for record in (self.anomaly_b, self.anomaly_a_company_b):
            self._refused(ANOMALY, "read", [record.ids, ["name"]])
        last = (
            self.env[ANOMALY].with_context(active_test=False).search([], order="id desc", limit=1)
        )
        try:
            rows = self._call_kw(ANOMALY, "read", [[last.id + 1000], ["name"]])
        except JsonRpcException as error:
            self.assertIn("Error", str(error))
        else:
            self.assertEqual(rows, [])
        self._refused(VISIT, "read", [self.visit_b_planned.ids, ["name"]])
        found = self._call_kw(
            ANOMALY, "search_read", [[("id", "in", self.anomaly_b.ids)]], fields=["name"]
        )
        self.assertEqual(found, [])
        # Internal fields of its own record, read or searched or grouped.
        self._refused(ANOMALY, "read", [self.anomaly_a.ids, ["findings"]])
        self._refused(
            ANOMALY,
            "web_search_read",
            [[]],
            specification={"name": {}, "findings": {}},
        )
        self._refused(ANOMALY, "search", [[("findings", "ilike", "INTERNAL")]])
        self._refused(ANOMALY, "read_group", [[], ["severity"], ["severity"]])
        self._refused(ANOMALY, "write", [self.anomaly_a.ids, {"description": "改了"}])
        self._refused(ANOMALY, "message_post", [self.anomaly_a.ids], body="x")
        rows = self._call_kw(ANOMALY, "read", [self.anomaly_a.ids])
        self.assertNotIn("findings", rows[0])
        self.assertEqual(rows[0]["description"], "甲: 交付延期")

    def test_another_records_token_opens_nothing_over_rpc_or_page(self):
        """A token is a key to its own record's page only; it gives no RPC
        access, nor the page of another company's record."""
        self.authenticate("cf_portal_a", "cf_portal_a")
        token = self.anomaly_a._portal_ensure_token()
        for record in (self.anomaly_b, self.anomaly_a_company_b):
            url = f"{record.access_url}?access_token={token}"
            self.assertEqual(self.url_open(url).status_code, 404, url)
        self.assertEqual(self.url_open(self.anomaly_a_company_b.access_url).status_code, 404)
        self._refused(
            ANOMALY, "read", [self.anomaly_b.ids, ["name"]], context={"access_token": token}
        )
