"""The rights matrix of README (section *Access rights*), checked cell by
cell: the tables are read from README itself, so that the documentation and
what is enforced cannot drift apart."""

import re
from datetime import date
from pathlib import Path

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.modules.module import get_module_path
from odoo.tests import new_test_user, tagged

from odoo.addons.base.models.ir_qweb import QWebException

from .anomaly_common import AnomalyCase

ROLES = [
    "salesperson",
    "user",
    "dept head",
    "deputy leader",
    "leader",
    "manager",
    "portal",
    "public",
    "other company",
]
OPERATIONS = {"c": "create", "r": "read", "w": "write", "d": "delete"}


class _Undo(Exception):
    """Rolls back the savepoint of an operation that succeeded."""


CELL = re.compile(r"^(?P<ops>[crwd]*|–)\s*(?:\((?P<scope>own|shared|team)\))?$")


def readme_tables():
    """The tables of README's *Access rights* section, as lists of rows
    (dicts keyed by the header's cells)."""
    readme = Path(get_module_path("customer_followup")).parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Access rights", 1)[1].split("\n## ", 1)[0]
    tables, current = [], None
    for line in section.splitlines():
        if not line.startswith("|"):
            current = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if current is None:
            current = {"header": cells, "rows": []}
            tables.append(current)
        elif not set("".join(cells)) <= set("-: "):
            current["rows"].append(dict(zip(current["header"], cells, strict=True)))
    return tables


def parse_cell(text):
    match = CELL.match(text)
    if not match:
        raise AssertionError(f"README: cannot read the rights cell {text!r}")
    ops = match["ops"]
    return set() if ops == "–" else set(ops), match["scope"] or "company"


@tagged("post_install", "-at_install")
class TestRightsMatrix(AnomalyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        member = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.user_other = new_test_user(
            cls.env,
            login="cf_matrix_other",
            groups="base.group_user,customer_followup.group_customer_followup_user",
            **member,
        )
        cls.user_portal = new_test_user(
            cls.env, login="cf_matrix_portal", groups="base.group_portal", **member
        )
        cls.company_b = cls.env["res.company"].create({"name": "Second company"})
        cls.user_company_b = new_test_user(
            cls.env,
            login="cf_matrix_b",
            groups="base.group_user,customer_followup.group_customer_followup_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        # Finance and legal: outside the chain, they see the large-loss part
        # of the anomalies they work on.
        cls.user_loss = new_test_user(
            cls.env,
            login="cf_matrix_loss",
            groups="base.group_user,customer_followup.group_customer_followup_loss",
            **member,
        )
        cls.users = {
            "salesperson": cls.user_sales,
            "user": cls.user_cs,
            "dept head": cls.user_dept_head,
            "deputy leader": cls.user_deputy,
            "leader": cls.user_leader,
            "manager": cls.user_manager,
            "portal": cls.user_portal,
            "public": cls.env.ref("base.public_user"),
            "other company": cls.user_company_b,
            "loss assessor": cls.user_loss,
        }
        # Every role owns a customer of the first company; another
        # specialist owns the rest and handles everything.
        cls.own_customer = {}
        for role, user in cls.users.items():
            customer = cls._customer(f"Customer of {role}", customer_rank=1)
            customer.with_company(company).followup_user_id = user
            cls.own_customer[role] = customer
        cls.foreign_customer = cls._customer("Customer of another", customer_rank=1)
        cls.foreign_customer.with_company(company).followup_user_id = cls.user_other
        cls.tables = readme_tables()
        cls.Visit = cls.env["customer.followup.visit"]

    # ------------------------------------------------------------------
    # Records per model: (own, other) of the first company, values to
    # create one, values to write, a fresh one to delete.
    # ------------------------------------------------------------------
    def _visit_vals(self, customer, user):
        return {
            "partner_id": customer.id,
            "company_id": self.company.id,
            "scheduled_date": "2030-01-02 03:00:00",
            "channel": "phone",
            "trigger": "adhoc",
            "user_id": user.id,
        }

    def _anomaly_vals(self, customer, user):
        return {
            "partner_id": customer.id,
            "company_id": self.company.id,
            "category": "delivery",
            "severity": "general",
            "description": "matrix",
            "user_id": user.id,
        }

    def _specs(self):
        env = self.env
        company = self.company
        tier = self.tier_key
        Visit = env["customer.followup.visit"]
        Anomaly = env["customer.followup.anomaly"]

        counter = iter(range(10**6))

        def fresh_tier():
            number = next(counter)
            return env["customer.followup.tier"].create(
                {
                    "name": f"Matrix tier {number}",
                    "code": f"matrix{number}",
                    "level": 20 + number,
                    "company_id": company.id,
                }
            )

        def visit(customer):
            return Visit.create(self._visit_vals(customer, self.user_other))

        def anomaly(customer):
            return Anomaly.create(self._anomaly_vals(customer, self.user_other))

        def cancelled(customer):
            # Only an anomaly without a file to keep can be deleted: one
            # cancelled (or closed more than 3 years ago).
            record = anomaly(customer)
            record.write({"cancel_reason": "matrix"})
            record.action_cancel()
            return record

        def recovery(record):
            return env["customer.followup.anomaly.recovery"].create(
                {
                    "anomaly_id": record.id,
                    "party_id": self.foreign_customer.id,
                    "amount_claimed": 1000,
                    "state": "claimed",
                }
            )

        def wizard(user):
            return (
                env["customer.followup.anomaly.statistics"]
                .with_user(user)
                .with_context(allowed_company_ids=user.company_ids.ids)
                .sudo()
                .create({"company_id": company.id})
            )

        def analysis():
            return env["customer.followup.analysis"].create(
                {
                    "company_id": company.id,
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 3, 31),
                }
            )

        def repair_line(customer):
            repair = env["repair.order"].create(
                {"partner_id": customer.id, "company_id": company.id}
            )
            return env["customer.followup.repair.report"].browse(repair.id)

        def expense(customer, user):
            return env["customer.followup.visit.expense"].create(
                {
                    "visit_id": visit(customer).id,
                    "user_id": user.id,
                    "name": "matrix",
                    "amount": 100,
                }
            )

        flag_vals = {"name": "Matrix flag", "code": "matrix_flag"}
        return {
            "customer tier": dict(
                records=lambda role, user: (tier, tier),
                create=lambda role, user: {
                    "name": "New tier",
                    "code": "new",
                    "level": 9,
                    "company_id": company.id,
                },
                write={"response_hours": 30},
                fresh=lambda role, user: fresh_tier(),
            ),
            "tier channel mix": dict(
                records=lambda role, user: (tier.channel_mix_ids[:1],) * 2,
                create=lambda role, user: {
                    "tier_id": fresh_tier().id,
                    "channel": "phone",
                    "share": 100,
                },
                write_fn=lambda rec: {"share": rec.share},
                fresh=lambda role, user: env["customer.followup.tier.channel"].create(
                    {"tier_id": fresh_tier().id, "channel": "phone", "share": 100}
                ),
            ),
            "tier flag": dict(
                records=lambda role, user: (self.flag_leader,) * 2,
                create=lambda role, user: flag_vals,
                write={"sequence": 11},
                fresh=lambda role, user: env["customer.followup.tier.flag"].create(
                    {"name": "Fresh flag", "code": "fresh_flag"}
                ),
            ),
            "make-up working day": dict(
                records=lambda role, user: (self.makeup_day,) * 2,
                create=lambda role, user: {
                    "calendar_id": self.calendar.id,
                    "date": date(2027, 2, 20),
                    "name": "调休",
                },
                write={"name": "春节调休上班"},
                fresh=lambda role, user: env["customer.followup.makeup.day"].create(
                    {"calendar_id": self.calendar.id, "date": date(2027, 9, 26), "name": "x"}
                ),
            ),
            "milestone": dict(
                records=lambda role, user: (self.milestone,) * 2,
                create=lambda role, user: {
                    "name": "工博会",
                    "kind": "trade_fair",
                    "company_id": company.id,
                    "date": date(2027, 9, 15),
                },
                write={"name": "工博会 2027"},
                fresh=lambda role, user: env["customer.followup.milestone"].create(
                    {"name": "x", "company_id": company.id, "date": date(2027, 10, 1)}
                ),
            ),
            "follow-up plan": dict(
                records=lambda role, user: (self.plan,) * 2,
                create=lambda role, user: {
                    "name": "Plan 2027",
                    "company_id": company.id,
                    "date_from": date(2027, 1, 1),
                    "date_to": date(2027, 12, 31),
                },
                write={"name": "Plan 2026 (revised)"},
                fresh=lambda role, user: env["customer.followup.plan"].create(
                    {
                        "name": "Fresh plan",
                        "company_id": company.id,
                        "date_from": date(2027, 1, 1),
                        "date_to": date(2027, 1, 31),
                    }
                ),
            ),
            "follow-up visit": dict(
                records=lambda role, user: (
                    visit(self.own_customer[role]),
                    visit(self.foreign_customer),
                ),
                create=lambda role, user: self._visit_vals(self.own_customer[role], user),
                create_other=lambda role, user: self._visit_vals(
                    self.foreign_customer, self.user_other
                ),
                write={"notes": "<p>matrix</p>"},
                fresh=lambda role, user: visit(self.own_customer[role]),
            ),
            "problem found": dict(
                records=lambda role, user: (
                    env["customer.followup.visit.problem"].create(
                        {"visit_id": visit(self.own_customer[role]).id, "name": "own"}
                    ),
                    env["customer.followup.visit.problem"].create(
                        {"visit_id": visit(self.foreign_customer).id, "name": "other"}
                    ),
                ),
                create=lambda role, user: {
                    "visit_id": visit(self.own_customer[role]).id,
                    "name": "new",
                },
                create_other=lambda role, user: {
                    "visit_id": visit(self.foreign_customer).id,
                    "name": "new",
                },
                write={"result": "matrix"},
                fresh=lambda role, user: env["customer.followup.visit.problem"].create(
                    {"visit_id": visit(self.own_customer[role]).id, "name": "fresh"}
                ),
            ),
            # The other record is another specialist's, who has no
            # supervisor: department heads approve it, so it is their team's.
            "visit expense": dict(
                records=lambda role, user: (
                    expense(self.own_customer[role], user),
                    expense(self.foreign_customer, self.user_other),
                ),
                create=lambda role, user: {
                    "visit_id": visit(self.own_customer[role]).id,
                    "user_id": user.id,
                    "name": "new",
                    "amount": 200,
                },
                create_other=lambda role, user: {
                    "visit_id": visit(self.foreign_customer).id,
                    "user_id": user.id,
                    "name": "new",
                    "amount": 200,
                },
                write={"name": "matrix (corrected)"},
                fresh=lambda role, user: expense(self.own_customer[role], user),
            ),
            "follow-up script": dict(
                records=lambda role, user: (self.script,) * 2,
                create=lambda role, user: {"name": "New script", "company_id": company.id},
                write={"sequence": 12},
                fresh=lambda role, user: env["customer.followup.script"].create(
                    {"name": "Fresh script", "company_id": company.id}
                ),
            ),
            "service anomaly": dict(
                records=lambda role, user: (
                    anomaly(self.own_customer[role]),
                    anomaly(self.foreign_customer),
                ),
                # Whoever discovers an anomaly raises it, for any customer
                # (003 第八条); they then see what they raised.
                create=lambda role, user: self._anomaly_vals(self.own_customer[role], user),
                write={"customer_request": "matrix"},
                fresh=lambda role, user: cancelled(self.own_customer[role]),
            ),
            "anomaly step": dict(
                records=lambda role, user: (
                    anomaly(self.own_customer[role]).step_ids,
                    anomaly(self.foreign_customer).step_ids,
                ),
                create=lambda role, user: {
                    "anomaly_id": anomaly(self.own_customer[role]).id,
                    "state": "reported",
                    "user_id": user.id,
                },
                write={"note": "matrix"},
                fresh=lambda role, user: anomaly(self.own_customer[role]).step_ids,
            ),
            "anomaly clock": dict(
                records=lambda role, user: (
                    anomaly(self.own_customer[role]).clock_ids,
                    anomaly(self.foreign_customer).clock_ids,
                ),
                create=lambda role, user: {
                    "anomaly_id": anomaly(self.own_customer[role]).id,
                    "step": "review",
                },
                write={"escalated": True},
                fresh=lambda role, user: anomaly(self.own_customer[role]).clock_ids,
            ),
            "recovery from third parties": dict(
                records=lambda role, user: (recovery(anomaly(self.own_customer[role])),) * 2,
                create=lambda role, user: {
                    "anomaly_id": anomaly(self.own_customer[role]).id,
                    "party_id": self.foreign_customer.id,
                    "amount_claimed": 2000,
                },
                write={"note": "matrix"},
                fresh=lambda role, user: recovery(cancelled(self.own_customer[role])),
            ),
            "escalation policy": dict(
                records=lambda role, user: (self.policy("general"),) * 2,
                # One policy per severity and company: make room for the new one.
                prepare_create=lambda: self.policy("major").unlink(),
                create=lambda role, user: dict(
                    self.policy("general").copy_data()[0], severity="major"
                ),
                write={"report_within_minutes": 45},
                fresh=lambda role, user: self.policy("critical"),
            ),
            "complaint mailbox": dict(
                records=lambda role, user: (self.mailbox,) * 2,
                # One mailbox per company: make room for the new one.
                prepare_create=lambda: self.mailbox.unlink(),
                create=lambda role, user: {"name": "投诉", "company_id": company.id},
                write={"name": "客户投诉"},
                fresh=lambda role, user: self.mailbox,
            ),
            "anomaly statistics": dict(
                records=lambda role, user: (wizard(user),) * 2,
                create=lambda role, user: {"company_id": company.id},
                # Both ends: the default period follows today's date.
                write={"date_from": date(2026, 10, 1), "date_to": date(2026, 10, 31)},
                fresh=lambda role, user: wizard(user),
            ),
            "after-sales repair analysis": dict(
                records=lambda role, user: (
                    repair_line(self.own_customer[role]),
                    repair_line(self.foreign_customer),
                ),
                create=lambda role, user: {"name": "matrix"},
                write={"name": "matrix"},
                fresh=lambda role, user: repair_line(self.own_customer[role]),
            ),
            "follow-up analysis report": dict(
                records=lambda role, user: (analysis(),) * 2,
                create=lambda role, user: {
                    "company_id": company.id,
                    "date_from": date(2026, 4, 1),
                    "date_to": date(2026, 6, 30),
                },
                write={"improvements": "<p>matrix</p>"},
                fresh=lambda role, user: analysis(),
            ),
        }

    @classmethod
    def _model_of(cls, label):
        return {
            "customer tier": "customer.followup.tier",
            "tier channel mix": "customer.followup.tier.channel",
            "tier flag": "customer.followup.tier.flag",
            "make-up working day": "customer.followup.makeup.day",
            "follow-up plan": "customer.followup.plan",
            "follow-up visit": "customer.followup.visit",
            "problem found": "customer.followup.visit.problem",
            "visit expense": "customer.followup.visit.expense",
            "follow-up script": "customer.followup.script",
            "service anomaly": "customer.followup.anomaly",
            "anomaly step": "customer.followup.anomaly.step",
            "anomaly clock": "customer.followup.anomaly.clock",
            "recovery from third parties": "customer.followup.anomaly.recovery",
            "escalation policy": "customer.followup.escalation.policy",
            "milestone": "customer.followup.milestone",
            "complaint mailbox": "customer.followup.complaint.mailbox",
            "anomaly statistics": "customer.followup.anomaly.statistics",
            "follow-up analysis report": "customer.followup.analysis",
            "after-sales repair analysis": "customer.followup.repair.report",
        }[label]

    def setUp(self):
        super().setUp()
        self.makeup_day = self.env["customer.followup.makeup.day"].search(
            [("calendar_id", "=", self.calendar.id)], limit=1
        )
        self.milestone = self.env["customer.followup.milestone"].create(
            {"name": "新品发布会", "company_id": self.company.id, "date": date(2027, 4, 20)}
        )
        self.plan = self.env["customer.followup.plan"].create(
            {
                "name": "Plan 2026",
                "company_id": self.company.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
            }
        )
        Mailbox = self.env["customer.followup.complaint.mailbox"]
        self.mailbox = Mailbox.search([("company_id", "=", self.company.id)]) or Mailbox.create(
            {"name": "Complaints", "company_id": self.company.id}
        )
        self.script = self.env["customer.followup.script"].create(
            {"name": "Matrix script", "company_id": self.company.id}
        )

    # ------------------------------------------------------------------
    # The checks
    # ------------------------------------------------------------------
    def _attempt(self, operation):
        """'allowed' or 'denied' (AccessError), undone either way, so that
        every cell starts from the same records; any other error fails."""
        try:
            with self.env.cr.savepoint():
                operation()
                self.env.flush_all()
                raise _Undo()
        except _Undo:
            return "allowed"
        except AccessError:
            return "denied"
        except QWebException as error:
            # A printed document that reads what the user may not.
            if isinstance(error.__cause__, AccessError):
                return "denied"
            raise

    def _read(self, record, user):
        def operation():
            record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids).read(
                ["display_name"]
            )
            found = (
                record.with_user(user)
                .with_context(allowed_company_ids=user.company_ids.ids)
                .search([("id", "in", record.ids)])
            )
            if found != record.with_user(user).with_context(
                allowed_company_ids=user.company_ids.ids
            ):
                # The matrix's own signal for "denied", never shown to a user.
                # pylint: disable-next=translation-required
                raise AccessError("search does not find it")

        return operation

    def _check_cell(self, label, spec, role, expected_ops, scope, failures):
        user = self.users[role]
        Model = self.env[self._model_of(label)]
        own, other = spec["records"](role, user)
        self.assertTrue(own and other, f"{label}: no record to check")

        def expect(operation_name, expected, outcome):
            wanted = "allowed" if expected else "denied"
            if outcome != wanted:
                failures.append(
                    f"{label} × {role} × {operation_name}: README says {wanted}, got {outcome}"
                )

        write_vals = spec.get("write_fn", lambda rec: spec["write"])
        # read and write: the own record, and the other one when scoped.
        expect("read", "r" in expected_ops, self._attempt(self._read(own, user)))
        expect(
            "write",
            "w" in expected_ops,
            self._attempt(
                lambda: (
                    own.with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                    .write(write_vals(own))
                )
            ),
        )
        if scope == "own":
            expect("read others'", False, self._attempt(self._read(other, user)))
            expect(
                "write others'",
                False,
                self._attempt(
                    lambda: (
                        other.with_user(user)
                        .with_context(allowed_company_ids=user.company_ids.ids)
                        .write(write_vals(other))
                    )
                ),
            )
        elif "r" in expected_ops:
            expect("read others'", True, self._attempt(self._read(other, user)))

        def create(make_vals):
            def operation():
                if spec.get("prepare_create"):
                    spec["prepare_create"]()
                Model.with_user(user).with_context(allowed_company_ids=user.company_ids.ids).create(
                    make_vals(role, user)
                )

            return operation

        expect("create", "c" in expected_ops, self._attempt(create(spec["create"])))
        if scope == "own" and spec.get("create_other"):
            expect("create for others", False, self._attempt(create(spec["create_other"])))
        expect(
            "delete",
            "d" in expected_ops,
            self._attempt(
                lambda: (
                    spec["fresh"](role, user)
                    .with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                    .unlink()
                )
            ),
        )

    def test_models_match_readme(self):
        table = next(t for t in self.tables if t["header"][0] == "model")
        self.assertEqual(table["header"][1:], ROLES, "README: the roles of the rights matrix")
        specs = self._specs()
        self.assertEqual(
            {row["model"] for row in table["rows"]},
            set(specs),
            "README's matrix and this test cover the same models",
        )
        failures = []
        for row in table["rows"]:
            for role in ROLES:
                ops, scope = parse_cell(row[role])
                self._check_cell(row["model"], specs[row["model"]], role, ops, scope, failures)
        self.assertFalse(failures, "\n".join(failures))

    def test_reports_match_readme(self):
        table = next(t for t in self.tables if t["header"][0] == "report")
        self.assertEqual(table["header"][1:], ROLES)
        reports = {
            "follow-up record": (
                "customer_followup.action_report_customer_followup_visit",
                lambda role, user: self.Visit.create(
                    self._visit_vals(self.own_customer[role], self.user_other)
                ),
            ),
            "anomaly handling document": (
                "customer_followup.action_report_customer_followup_anomaly",
                lambda role, user: self.Anomaly.create(
                    self._anomaly_vals(self.own_customer[role], self.user_other)
                ),
            ),
            "anomaly statistics": (
                "customer_followup.action_report_customer_followup_anomaly_statistics",
                lambda role, user: (
                    self.env["customer.followup.anomaly.statistics"]
                    .with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                    .sudo()
                    .create({"company_id": self.company.id})
                ),
            ),
            "follow-up analysis report": (
                "customer_followup.action_report_customer_followup_analysis",
                lambda role, user: self.env["customer.followup.analysis"].create(
                    {"company_id": self.company.id}
                ),
            ),
        }
        self.assertEqual({row["report"] for row in table["rows"]}, set(reports))
        failures = []
        for row in table["rows"]:
            xmlid, make = reports[row["report"]]
            report = self.env.ref(xmlid)
            self.assertTrue(report.groups_id, f"{xmlid}: a printed document names its groups")
            for role in ROLES:
                user = self.users[role]
                expected = row[role] == "print"
                self.assertIn(row[role], ("print", "–"))
                offered = bool(report.groups_id & user.groups_id)
                records = make(role, user)
                # What the test just created is in memory: printing must read it.
                self.env.invalidate_all()
                printed = self._attempt(
                    lambda report=report, records=records, user=user: (
                        self.env["ir.actions.report"]
                        .with_user(user)
                        .with_context(allowed_company_ids=user.company_ids.ids)
                        ._render_qweb_html(report.report_name, records.ids)
                    )
                )
                if expected and not (offered and printed == "allowed"):
                    failures.append(f"{row['report']} × {role}: not printable")
                if not expected and (printed != "denied" or (offered and role != "other company")):
                    failures.append(f"{row['report']} × {role}: printable ({printed}, {offered})")
        self.assertFalse(failures, "\n".join(failures))

    def test_sensitive_fields_match_readme(self):
        table = next(t for t in self.tables if t["header"][0] == "field")
        fields_of = {
            "follow-up: customer signature": ("customer.followup.visit", ["signature"]),
            "anomaly: loss amount, compensation proposal, finance and legal approval, "
            "recoveries from third parties": (
                "customer.followup.anomaly",
                [
                    "loss_amount",
                    "compensation_proposal",
                    "compensation_finance_user_id",
                    "compensation_legal_user_id",
                    "recovery_ids",
                ],
            ),
        }
        self.assertEqual({row["field"] for row in table["rows"]}, set(fields_of))
        follow_up_roles = [
            "user",
            "dept head",
            "deputy leader",
            "leader",
            "manager",
            "loss assessor",
        ]
        for row in table["rows"]:
            model, names = fields_of[row["field"]]
            allowed = {role.strip() for role in row["roles"].split(",")}
            self.assertLessEqual(allowed, set(follow_up_roles))
            for role in follow_up_roles:
                user = self.users[role]
                Model = (
                    self.env[model]
                    .with_user(user)
                    .with_context(allowed_company_ids=user.company_ids.ids)
                )
                if model == "customer.followup.visit":
                    record = (
                        self.Visit.create(self._visit_vals(self.own_customer[role], user))
                        .with_user(user)
                        .with_context(allowed_company_ids=user.company_ids.ids)
                    )
                else:
                    record = (
                        self.Anomaly.create(
                            dict(
                                self._anomaly_vals(self.own_customer[role], user),
                                is_large_loss=True,
                            )
                        )
                        .with_user(user)
                        .with_context(allowed_company_ids=user.company_ids.ids)
                    )
                visible = set(names) <= set(Model.fields_get(names))
                read = self._attempt(lambda record=record, names=names: record.read(names))
                self.assertEqual(visible, role in allowed, f"{row['field']} × {role}: fields_get")
                self.assertEqual(
                    read, "allowed" if role in allowed else "denied", f"{row['field']} × {role}"
                )
                # Every view still opens for them, without the field when hidden.
                views = Model.get_views([(False, "form"), (False, "list"), (False, "search")])
                form = etree.fromstring(views["views"]["form"]["arch"])
                shown = {node.get("name") for node in form.iter("field")}
                if role not in allowed:
                    self.assertFalse(shown & set(names), f"{row['field']} × {role}: form")

    def test_salesperson_sees_tier_and_summary_until_granted(self):
        """SPEC §2 (001 篇五): the salesperson reads the customer's tier and
        summary, no follow-up record, until an administrator grants them a
        follow-up group; then they see their own customers' follow-ups."""
        customer = self.own_customer["salesperson"]
        customer.with_company(self.company).sudo().write(
            {
                "followup_tier_id": self.tier_key.id,
                "followup_tier_manual": True,
                "followup_tier_manual_reason": "matrix",
            }
        )
        visit = self.Visit.create(self._visit_vals(customer, self.user_other))
        sales = self.user_sales
        as_sales = (
            customer.with_user(sales)
            .with_context(allowed_company_ids=sales.company_ids.ids)
            .with_company(self.company)
        )
        summary = as_sales.read(
            [
                "followup_tier_id",
                "followup_tier_rule",
                "followup_sales_amount",
                "followup_cooperation_years",
                "followup_visit_count",
            ]
        )[0]
        self.assertEqual(summary["followup_tier_id"][0], self.tier_key.id)
        self.assertEqual(summary["followup_visit_count"], 0)
        with self.assertRaises(AccessError):
            visit.with_user(sales).with_context(allowed_company_ids=sales.company_ids.ids).read(
                ["name"]
            )
        # The partner form opens, without the follow-up records' smart buttons.
        arch = (
            self.env["res.partner"]
            .with_user(sales)
            .with_context(allowed_company_ids=sales.company_ids.ids)
            .get_views([(False, "form")])["views"]
        )
        form = etree.fromstring(arch["form"]["arch"])
        buttons = {node.get("name") for node in form.iter("button")}
        self.assertNotIn("action_followup_view_visits", buttons)
        self.assertNotIn("action_view_followup_anomalies", buttons)
        # Granted by an administrator.
        sales.groups_id = [Command.link(self.ref("customer_followup.group_customer_followup_user"))]
        self.assertEqual(
            visit.with_user(sales)
            .with_context(allowed_company_ids=sales.company_ids.ids)
            .read(["name"])[0]["name"],
            visit.name,
        )
        self.assertEqual(
            customer.with_user(sales)
            .with_context(allowed_company_ids=sales.company_ids.ids)
            .with_company(self.company)
            .followup_visit_count,
            1,
        )

    def test_second_company_sees_nothing_of_the_first(self):
        """The manager of a second company: no record of the first company,
        and the shared customers show that company's own (empty) tier."""
        customer = self.own_customer["user"]
        customer.with_company(self.company).sudo().write(
            {
                "followup_tier_id": self.tier_key.id,
                "followup_tier_manual": True,
                "followup_tier_manual_reason": "matrix",
            }
        )
        self.Visit.create(self._visit_vals(customer, self.user_cs))
        self.Anomaly.create(self._anomaly_vals(customer, self.user_cs))
        self.env["customer.followup.visit.expense"].create(
            {
                "visit_id": self.Visit.create(self._visit_vals(customer, self.user_cs)).id,
                "user_id": self.user_cs.id,
                "name": "matrix",
                "amount": 100,
            }
        )
        user = self.user_company_b
        for label in (
            "customer tier",
            "follow-up plan",
            "follow-up visit",
            "problem found",
            "visit expense",
            "service anomaly",
            "anomaly step",
            "anomaly clock",
            "escalation policy",
            "follow-up analysis report",
        ):
            model = self._model_of(label)
            found = (
                self.env[model]
                .with_user(user)
                .with_context(allowed_company_ids=user.company_ids.ids)
                .search([("company_id", "=", self.company.id)])
            )
            self.assertFalse(found, f"{label}: the second company sees the first's")
        as_b = customer.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        self.assertFalse(as_b.followup_tier_id)
        self.assertEqual(as_b.followup_visit_count, 0)

    def test_specialist_duplicates_own_follow_up(self):
        """Read-only fields are refused to writers, not to the Duplicate
        button: nothing read-only is copied."""
        visit = self.Visit.create(self._visit_vals(self.own_customer["user"], self.user_cs))
        copy = visit.with_user(self.user_cs).copy()
        self.assertEqual(copy.partner_id, visit.partner_id)
        self.assertNotEqual(copy.name, visit.name)
        anomaly = self.Anomaly.create(self._anomaly_vals(self.own_customer["user"], self.user_cs))
        self.assertTrue(anomaly.with_user(self.user_cs).copy().name.startswith("YC"))
