"""003 第十二条: special handling of quality problems, contract disputes and
large losses reaches the people the company names for them."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .anomaly_common import AnomalyCase

USER = "customer_followup.group_customer_followup_user"
LOSS = "customer_followup.group_customer_followup_loss"


class SpecialCase(AnomalyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        member = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.user_rnd = new_test_user(
            cls.env, login="cf_rnd", groups=f"base.group_user,{USER}", **member
        )
        cls.user_supply = new_test_user(
            cls.env, login="cf_supply", groups=f"base.group_user,{USER}", **member
        )
        cls.user_legal = new_test_user(
            cls.env, login="cf_legal", groups=f"base.group_user,{LOSS}", **member
        )
        cls.user_finance = new_test_user(
            cls.env, login="cf_finance", groups=f"base.group_user,{LOSS}", **member
        )
        cls.company.write(
            {
                "followup_rnd_user_ids": [Command.set(cls.user_rnd.ids)],
                "followup_supply_user_ids": [Command.set(cls.user_supply.ids)],
                "followup_legal_user_ids": [Command.set(cls.user_legal.ids)],
                "followup_finance_user_ids": [Command.set(cls.user_finance.ids)],
            }
        )

    def todos(self, anomaly, user):
        return anomaly.activity_ids.filtered(lambda a: a.user_id == user)

    def notices(self, anomaly, user):
        """Notes of the anomaly addressed to ``user`` (their inbox or e-mail)."""
        return anomaly.message_ids.filtered(
            lambda m: (
                user.partner_id in m.partner_ids and m.subtype_id == self.env.ref("mail.mt_note")
            )
        )


@tagged("post_install", "-at_install")
class TestFlagsReachPeople(SpecialCase):
    def test_quality_problem_flagged_at_discovery_tells_rnd_and_supply_chain(self):
        anomaly = self.anomaly(
            severity="major", is_quality_problem=True, product_ids=[Command.set(self.product.ids)]
        )
        self.assertEqual(anomaly.state, "discovered")
        for user in (self.user_rnd, self.user_supply):
            self.assertEqual(len(self.todos(anomaly, user)), 1, user.login)
            self.assertEqual(len(self.notices(anomaly, user)), 1, user.login)
            # They join the team: the to-do leads to a record they can open.
            self.assertIn(user, anomaly.member_ids)
            anomaly.with_user(user).read(["description"])
        self.assertFalse(self.todos(anomaly, self.user_legal))
        plain = self.anomaly(severity="major")
        plain.action_report()
        self.assertFalse(self.todos(plain, self.user_rnd))

    def test_quality_problem_flagged_later_at_any_step(self):
        anomaly = self.anomaly(severity="major")
        self.advance(anomaly, "in_progress")
        self.assertFalse(self.todos(anomaly, self.user_rnd))
        anomaly.with_user(self.user_cs).write({"is_quality_problem": True})
        self.assertEqual(len(self.todos(anomaly, self.user_rnd)), 1)
        self.assertEqual(len(self.todos(anomaly, self.user_supply)), 1)
        self.assertIn(self.user_rnd.partner_id, self.notices(anomaly, self.user_rnd).partner_ids)

    def test_each_flagging_tells_once(self):
        anomaly = self.anomaly(is_quality_problem=True)
        anomaly.write({"is_quality_problem": True, "description": "设备延期交付，质量待查"})
        self.assertEqual(len(self.todos(anomaly, self.user_rnd)), 1)
        anomaly.write({"is_quality_problem": False})
        anomaly.write({"is_quality_problem": True})
        self.assertEqual(len(self.todos(anomaly, self.user_rnd)), 2)

    def test_contract_dispute_tells_legal(self):
        anomaly = self.anomaly()
        self.advance(anomaly, "reported")
        anomaly.with_user(self.user_cs).write({"is_contract_dispute": True})
        self.assertEqual(len(self.todos(anomaly, self.user_legal)), 1)
        self.assertEqual(len(self.notices(anomaly, self.user_legal)), 1)
        self.assertFalse(self.todos(anomaly, self.user_rnd))
        self.assertFalse(self.todos(anomaly, self.user_finance))
        # Legal writes the opinion closing needs.
        anomaly.with_user(self.user_legal).write({"legal_opinion": "依合同第5条，可签补充协议"})

    def test_large_loss_tells_finance_and_legal(self):
        anomaly = self.anomaly(severity="critical", is_large_loss=True)
        for user in (self.user_finance, self.user_legal):
            self.assertEqual(len(self.todos(anomaly, user)), 1, user.login)
            self.assertIn(user, anomaly.member_ids)

    def test_nobody_named_the_handler_passes_it_on(self):
        self.company.followup_legal_user_ids = False
        anomaly = self.anomaly(user_id=self.user_cs.id, is_contract_dispute=True)
        todo = self.todos(anomaly, self.user_cs).filtered(
            lambda a: a.summary.startswith("Contract dispute")
        )
        self.assertEqual(len(todo), 1)
        self.assertIn("Settings", todo.note)


@tagged("post_install", "-at_install")
class TestLargeLossApproval(SpecialCase):
    def large_loss(self):
        anomaly = self.anomaly(severity="critical", is_large_loss=True)
        anomaly.with_user(self.user_finance).write(
            {"loss_amount": 300000, "compensation_proposal": "赔偿备件及工时"}
        )
        return anomaly

    def test_only_the_configured_contacts_approve(self):
        anomaly = self.large_loss()
        for user in (self.user_leader, self.user_manager, self.user_cs, self.user_legal):
            with self.assertRaises(AccessError, msg=user.login):
                anomaly.with_user(user).action_approve_compensation_finance()
        for user in (self.user_leader, self.user_manager, self.user_finance):
            with self.assertRaises(AccessError, msg=user.login):
                anomaly.with_user(user).action_approve_compensation_legal()
        # Neither sudo nor a context key makes a leader an approver.
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_leader).sudo().action_approve_compensation_finance()
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_leader).with_context(
                _force_unlink=True, install_mode=True, tracking_disable=True
            ).action_approve_compensation_legal()
        # Nor can anyone write the approval itself.
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_leader).write(
                {"compensation_finance_user_id": self.user_leader.id}
            )
        anomaly.with_user(self.user_finance).action_approve_compensation_finance()
        anomaly.with_user(self.user_legal).action_approve_compensation_legal()
        record = anomaly.sudo()
        self.assertEqual(record.compensation_finance_user_id, self.user_finance)
        self.assertEqual(record.compensation_legal_user_id, self.user_legal)

    def test_approval_buttons_offered_to_the_contacts_only(self):
        anomaly = self.large_loss()
        self.assertTrue(anomaly.with_user(self.user_finance).can_approve_finance)
        self.assertFalse(anomaly.with_user(self.user_finance).can_approve_legal)
        self.assertFalse(anomaly.with_user(self.user_leader).can_approve_finance)

    def test_closing_needs_both_approvals(self):
        anomaly = self.large_loss()
        self.advance(anomaly, "review")
        anomaly.write({"review_root_cause": "r", "lessons": "l", "improvement_actions": "i"})
        labels = {
            name: anomaly._fields[name].string
            for name in ("compensation_finance_user_id", "compensation_legal_user_id")
        }
        with self.assertRaises(UserError) as error:
            anomaly.with_user(self.user_leader).action_close()
        for label in labels.values():
            self.assertIn(label, str(error.exception))
        anomaly.with_user(self.user_finance).action_approve_compensation_finance()
        with self.assertRaises(UserError) as error:
            anomaly.with_user(self.user_leader).action_close()
        self.assertIn(labels["compensation_legal_user_id"], str(error.exception))
        self.assertNotIn(labels["compensation_finance_user_id"], str(error.exception))
        anomaly.with_user(self.user_legal).action_approve_compensation_legal()
        self.advance(anomaly, "closed")
        self.assertEqual(anomaly.state, "closed")

    def test_nothing_to_approve_without_amount_and_proposal(self):
        anomaly = self.anomaly(severity="critical", is_large_loss=True)
        with self.assertRaises(UserError):
            anomaly.with_user(self.user_finance).action_approve_compensation_finance()

    def test_a_changed_proposal_is_approved_again(self):
        anomaly = self.large_loss()
        anomaly.with_user(self.user_finance).action_approve_compensation_finance()
        anomaly.with_user(self.user_legal).action_approve_compensation_legal()
        anomaly.with_user(self.user_leader).write({"loss_amount": 450000})
        record = anomaly.sudo()
        self.assertFalse(record.compensation_finance_user_id)
        self.assertFalse(record.compensation_legal_user_id)
        # Asked again: a second to-do each.
        self.assertEqual(len(self.todos(anomaly, self.user_finance)), 2)
        self.assertEqual(len(self.todos(anomaly, self.user_legal)), 2)

    def test_finance_and_legal_read_the_loss_specialists_do_not(self):
        anomaly = self.large_loss()
        self.assertEqual(anomaly.with_user(self.user_legal).loss_amount, 300000)
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_cs).read(["loss_amount"])
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_rnd).read(["compensation_proposal"])


@tagged("post_install", "-at_install")
class TestRecovery(SpecialCase):
    def setUp(self):
        super().setUp()
        self.anomaly_record = self.anomaly(severity="critical", is_large_loss=True)
        self.subcontractor = self._customer("苏州恒通安装工程有限公司")
        self.Recovery = self.env["customer.followup.anomaly.recovery"]

    def claim(self, user=None, **vals):
        values = {
            "anomaly_id": self.anomaly_record.id,
            "party_id": self.subcontractor.id,
            "amount_claimed": 60000,
            "state": "claimed",
        }
        values.update(vals)
        return self.Recovery.with_user(user or self.user_finance).create(values)

    def test_recovery_recorded_and_followed_in_the_anomaly_chatter(self):
        recovery = self.claim()
        self.assertEqual(self.anomaly_record.sudo().recovery_ids, recovery)
        recovery.write({"amount_recovered": 20000, "state": "partial"})
        recovery.write({"amount_recovered": 60000, "state": "recovered"})
        self.assertEqual(recovery.currency_id, self.company.currency_id)
        logged = self.anomaly_record.sudo().message_ids.filtered(lambda m: m.tracking_value_ids)
        recovered = logged.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "amount_recovered"
        )
        self.assertEqual(sorted(recovered.mapped("new_value_float")), [20000, 60000])
        # The amounts show in the chatter to the loss groups only.
        values = logged.tracking_value_ids
        self.assertFalse(values._filter_has_field_access(self.env(user=self.user_cs)))
        self.assertEqual(values._filter_has_field_access(self.env(user=self.user_legal)), values)

    def test_recovered_cannot_exceed_claimed_or_be_negative(self):
        with self.assertRaises(ValidationError):
            self.claim(amount_recovered=60001, state="partial")
        with self.assertRaises(ValidationError):
            self.claim(amount_recovered=-1, state="partial")
        with self.assertRaises(ValidationError):
            self.claim(amount_claimed=-60000)
        recovery = self.claim()
        with self.assertRaises(ValidationError):
            recovery.write({"amount_recovered": 70000, "state": "recovered"})
        # The state says what came back.
        with self.assertRaises(ValidationError):
            recovery.write({"amount_recovered": 30000, "state": "recovered"})
        with self.assertRaises(ValidationError):
            recovery.write({"amount_recovered": 60000, "state": "partial"})
        recovery.write({"amount_recovered": 30000, "state": "abandoned"})

    def test_recovery_form_sets_the_state_from_the_amount(self):
        recovery = self.claim()
        with Form(recovery.with_user(self.user_finance)) as form:
            form.amount_recovered = 20000
            self.assertEqual(form.state, "partial")
            form.amount_recovered = 60000
            self.assertEqual(form.state, "recovered")

    def test_recoveries_for_leaders_finance_and_legal_only(self):
        recovery = self.claim(user=self.user_legal)
        recovery.with_user(self.user_leader).read(["amount_claimed"])
        with self.assertRaises(AccessError):
            recovery.with_user(self.user_cs).read(["amount_claimed"])
        with self.assertRaises(AccessError):
            self.claim(user=self.user_dept_head)
        other = self.env["res.company"].create({"name": "Other company"})
        outsider = new_test_user(
            self.env,
            login="cf_other_finance",
            groups=f"base.group_user,{LOSS}",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        Recovery = self.Recovery.with_user(outsider).with_context(allowed_company_ids=other.ids)
        self.assertFalse(Recovery.search([("id", "=", recovery.id)]))


@tagged("post_install", "-at_install")
class TestSpecialSettings(SpecialCase):
    def test_settings_name_the_contacts_per_company(self):
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertEqual(settings.followup_rnd_user_ids, self.user_rnd)
        settings.followup_supply_user_ids = self.user_supply | self.user_rnd
        settings.execute()
        self.assertEqual(self.company.followup_supply_user_ids, self.user_supply | self.user_rnd)
        other = self.env["res.company"].create({"name": "Other company"})
        self.assertFalse(other.followup_supply_user_ids)

    def test_contacts_must_be_able_to_act(self):
        with self.assertRaises(ValidationError):
            # A salesperson cannot open service anomalies.
            self.company.followup_rnd_user_ids = self.user_sales
        with self.assertRaises(ValidationError):
            # Approving a compensation needs to read the loss.
            self.company.followup_finance_user_ids = self.user_cs
        other = self.env["res.company"].create({"name": "Other company"})
        with self.assertRaises(ValidationError):
            other.followup_legal_user_ids = self.user_legal
