"""Visit expenses within a limit (001 篇二: 回访费用的报销额度应限制在公司限定的
范围内): a follow-up's expenses up to its tier's limit are approved when
submitted; above it they wait for the owner's follow-up supervisor (or the
department heads when none is set), who approves or refuses them."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .expense_common import ExpenseCase


@tagged("post_install", "-at_install")
class TestVisitExpense(ExpenseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user_groups = "base.group_user,customer_followup.group_customer_followup_user"
        cls.colleague = new_test_user(
            cls.env, login="cf_exp_colleague", groups=user_groups, **cls._member()
        )
        cls.dept_head = new_test_user(
            cls.env,
            login="cf_exp_dept_head",
            groups="base.group_user,customer_followup.group_customer_followup_dept_head",
            **cls._member(),
        )

    def _todos(self, expense, user):
        return expense.activity_ids.filtered(lambda a: a.user_id == user)

    def test_within_limit_approved_at_once(self):
        """300 + 150 = 450 within 500.00: approved when submitted, by nobody."""
        travel = self._expense(300)
        meals = self._expense(150, kind="meals")
        (travel | meals).action_submit()
        self.assertEqual((travel | meals).mapped("state"), ["approved", "approved"])
        self.assertFalse((travel | meals).approver_id)
        self.assertFalse((travel | meals).activity_ids)
        self.assertEqual(travel.expense_limit, 500.00)

    def test_within_limit_one_after_the_other(self):
        first = self._expense(300)
        first.action_submit()
        second = self._expense(150)
        second.action_submit()
        self.assertEqual(second.state, "approved")
        self.assertEqual(self.visit._expense_total(), 450.00)

    def test_above_limit_waits_for_the_supervisor(self):
        """300 + 250 = 550 above 500.00: the supervisor gets a to-do and a
        message; the owner cannot approve it, the supervisor can."""
        first = self._expense(300)
        first.action_submit()
        self.assertEqual(first.state, "approved")
        second = self._expense(250, kind="gifts")
        second.action_submit()
        self.assertEqual(second.state, "to_approve")
        todo = self._todos(second, self.supervisor)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.summary, "Approve a visit expense")
        self.assertIn("550.00", str(todo.note))
        self.assertIn("500.00", str(todo.note))
        message = second.message_ids.filtered(lambda m: self.supervisor.partner_id in m.partner_ids)
        self.assertEqual(len(message), 1)
        # Not by the owner, nor by writing the state.
        with self.assertRaises(UserError):
            second.action_approve()
        with self.assertRaises(UserError):
            second.write({"state": "approved"})
        self.assertEqual(second.state, "to_approve")
        second.with_user(self.supervisor).action_approve()
        self.assertEqual(second.state, "approved")
        self.assertEqual(second.approver_id, self.supervisor)
        self.assertFalse(second.activity_ids)
        self.assertEqual(self.visit._expense_total(), 550.00)

    def test_a_colleague_cannot_approve(self):
        expense = self._expense(550)
        expense.action_submit()
        self.assertEqual(expense.state, "to_approve")
        # The colleague does not even see it.
        with self.assertRaises(AccessError):
            expense.with_user(self.colleague).action_approve()
        self.assertEqual(expense.state, "to_approve")

    def test_refused_ones_do_not_count(self):
        """300 approved, 250 refused: a later 150 makes 450, approved at once."""
        self._expense(300).action_submit()
        gift = self._expense(250, kind="gifts")
        gift.action_submit()
        gift.with_user(self.supervisor).action_refuse()
        self.assertEqual(gift.state, "refused")
        self.assertEqual(gift.approver_id, self.supervisor)
        self.assertFalse(gift.activity_ids)
        self.assertEqual(self.visit._expense_total(), 300.00)
        taxi = self._expense(150)
        taxi.action_submit()
        self.assertEqual(taxi.state, "approved")
        # The refused one may be corrected and submitted again: 450 + 250 > 500.
        gift.action_draft()
        gift.action_submit()
        self.assertEqual(gift.state, "to_approve")

    def test_department_heads_approve_without_a_supervisor(self):
        self.user_cs.followup_supervisor_id = False
        expense = self._expense(800)
        expense.action_submit()
        self.assertTrue(self._todos(expense, self.dept_head))
        with self.assertRaises(UserError):
            expense.action_approve()
        expense.with_user(self.dept_head).action_approve()
        self.assertEqual(expense.approver_id, self.dept_head)

    def test_managers_approve_too(self):
        expense = self._expense(800)
        expense.action_submit()
        expense.with_user(self.user_manager).action_approve()
        self.assertEqual(expense.state, "approved")

    def test_no_limit_when_zero(self):
        self.tier_key.expense_limit = 0
        expense = self._expense(5000)
        expense.action_submit()
        self.assertEqual(expense.state, "approved")

    def test_only_drafts_change(self):
        expense = self._expense(300)
        expense.action_submit()
        with self.assertRaises(UserError):
            expense.write({"amount": 30000})
        with self.assertRaises(UserError):
            expense.unlink()
        self.assertEqual(expense.amount, 300.00)
        draft = self._expense(100)
        draft.write({"amount": 120})
        draft.unlink()

    def test_rights(self):
        """Own expenses, the supervisor's team, managers; not colleagues,
        not a second company; no expense on a follow-up one cannot read."""
        expense = self._expense(300)
        self.assertEqual(expense.with_user(self.supervisor).read(["amount"])[0]["amount"], 300.0)
        self.assertTrue(expense.with_user(self.user_manager).read(["amount"]))
        with self.assertRaises(AccessError):
            expense.with_user(self.colleague).read(["amount"])
        others = self._visit(
            self._tiered("宁波精工仪表有限公司", self.tier_key, owner=self.colleague)
        )
        others.user_id = self.colleague
        with self.assertRaises(AccessError):
            self._expense(100, visit=others)
        company_b = self.env["res.company"].create({"name": "Second company"})
        manager_b = new_test_user(
            self.env,
            login="cf_exp_manager_b",
            groups="base.group_user,customer_followup.group_customer_followup_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        found = (
            self.Expense.with_user(manager_b)
            .with_context(allowed_company_ids=company_b.ids)
            .search([("id", "=", expense.id)])
        )
        self.assertFalse(found)

    def test_expenses_per_month_and_owner(self):
        self._expense(300).action_submit()
        self._expense(120, visit=self._visit(self.customer)).action_submit()
        groups = self.Expense._read_group(
            [("user_id", "=", self.user_cs.id)], ["date:month", "user_id"], ["amount:sum"]
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0][2], 420.00)
