"""Approved follow-up expenses become expense lines of the owner's employee,
gathered in one draft expense report per owner and month."""

import base64
from datetime import date

from odoo.tests import tagged

from odoo.addons.customer_followup.tests.expense_common import ExpenseCase


@tagged("post_install", "-at_install")
class TestFollowupHrExpense(ExpenseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = cls.env["hr.employee"].create(
            {"name": "王芳 Test", "user_id": cls.user_cs.id, "company_id": cls.company.id}
        )

    def test_approved_within_limit_filed_for_the_employee(self):
        """300 + 150 = 450 within 500.00: two lines of one report of 450.00."""
        receipt = base64.b64encode(b"%PDF-1.4 receipt")
        travel = self._expense(300, name="高铁 300", receipt=receipt, receipt_name="车票.pdf")
        meals = self._expense(150, kind="meals")
        (travel | meals).action_submit()
        lines = (travel | meals).hr_expense_id
        self.assertEqual(len(lines), 2)
        self.assertEqual(travel.hr_expense_id.total_amount_currency, 300.00)
        self.assertEqual(meals.hr_expense_id.total_amount_currency, 150.00)
        self.assertEqual(lines.employee_id, self.employee)
        sheet = lines.sheet_id
        self.assertEqual(len(sheet), 1)
        self.assertEqual(sheet.employee_id, self.employee)
        self.assertEqual(sheet.followup_month, "2026-03")
        self.assertEqual(sheet.state, "draft")
        self.assertEqual(sheet.total_amount, 450.00)
        self.assertEqual(travel.hr_expense_sheet_id, sheet)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "hr.expense"), ("res_id", "=", travel.hr_expense_id.id)]
        )
        self.assertEqual(attachment.name, "车票.pdf")

    def test_waiting_ones_filed_when_the_supervisor_approves(self):
        """300 + 250 = 550 above 500.00: nothing filed until approved."""
        expense = self._expense(550)
        expense.action_submit()
        self.assertEqual(expense.state, "to_approve")
        self.assertFalse(expense.hr_expense_id)
        expense.with_user(self.supervisor).action_approve()
        self.assertEqual(expense.hr_expense_id.total_amount_currency, 550.00)
        self.assertEqual(expense.hr_expense_id.employee_id, self.employee)

    def test_refused_ones_are_not_filed(self):
        expense = self._expense(550)
        expense.action_submit()
        expense.with_user(self.supervisor).action_refuse()
        self.assertFalse(expense.hr_expense_id)

    def test_one_report_per_month(self):
        march = self._expense(300)
        march.action_submit()
        april = self._expense(100, day=date(2026, 4, 2))
        april.action_submit()
        march_2 = self._expense(50, day=date(2026, 3, 30))
        march_2.action_submit()
        self.assertEqual(march.hr_expense_sheet_id, march_2.hr_expense_sheet_id)
        self.assertNotEqual(march.hr_expense_sheet_id, april.hr_expense_sheet_id)
        self.assertEqual(march.hr_expense_sheet_id.total_amount, 350.00)
        self.assertEqual(april.hr_expense_sheet_id.followup_month, "2026-04")

    def test_owner_without_employee(self):
        self.employee.user_id = False
        expense = self._expense(300)
        expense.action_submit()
        self.assertEqual(expense.state, "approved")
        self.assertFalse(expense.hr_expense_id)
        self.assertIn("no employee", expense.message_ids[0].body)
