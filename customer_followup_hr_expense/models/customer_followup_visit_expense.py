from odoo import Command, fields, models


class CustomerFollowupVisitExpense(models.Model):
    _inherit = "customer.followup.visit.expense"

    hr_expense_id = fields.Many2one(
        "hr.expense",
        "Expense",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The expense line filed for the owner's employee when approved.",
    )
    hr_expense_sheet_id = fields.Many2one(related="hr_expense_id.sheet_id", string="Expense report")

    def _workflow_fields(self):
        return (*super()._workflow_fields(), "hr_expense_id")

    def _on_approved(self):
        res = super()._on_approved()
        self._file_hr_expenses()
        return res

    def _file_hr_expenses(self):
        """File approved expenses as expense lines of the owner's employee,
        gathered in one expense report per owner, company and month, still
        a draft that the owner submits to finance with the month's other
        expenses (001 篇二: the vouchers of the visits are summed and
        reimbursed)."""
        product = self.env.ref("customer_followup_hr_expense.product_followup_visit_expense")
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        # sudo: the approver (a supervisor, not an Expenses officer) files the
        # approved amounts for the owner's employee, with the follow-up's
        # reference and customer (another specialist's customer, which the
        # approver need not read) and the receipt; the owner sees them in
        # Expenses with their own rights. Everything filed goes through this
        # one environment.
        filing = self.sudo().env
        Employee = filing["hr.employee"]
        Expense = filing["hr.expense"]
        Sheet = filing["hr.expense.sheet"]
        sheets = {}
        for expense in self.filtered(lambda e: e.state == "approved" and not e.hr_expense_id):
            company = expense.company_id
            employee = Employee.search(
                [("user_id", "=", expense.user_id.id), ("company_id", "=", company.id)], limit=1
            )
            if not employee:
                expense.message_post(
                    body=self.env._(
                        "%(owner)s has no employee in %(company)s: the expense is not filed "
                        "in Expenses.",
                        owner=expense.user_id.name,
                        company=company.name,
                    )
                )
                continue
            month = expense.date.strftime("%Y-%m")
            key = (employee, month)
            if key not in sheets:
                sheets[key] = Sheet.search(
                    [
                        ("employee_id", "=", employee.id),
                        ("company_id", "=", company.id),
                        ("followup_month", "=", month),
                        ("state", "=", "draft"),
                    ],
                    limit=1,
                ) or Sheet.with_company(company).create(
                    {
                        "name": self.env._("Follow-up visit expenses %(month)s", month=month),
                        "employee_id": employee.id,
                        "company_id": company.id,
                        "followup_month": month,
                    }
                )
            sheet = sheets[key]
            visit = expense.visit_id.with_env(filing)
            line = Expense.with_company(company).create(
                {
                    "name": f"{kinds[expense.kind]}: {expense.name} ({visit.name})",
                    "employee_id": employee.id,
                    "company_id": company.id,
                    "product_id": product.id,
                    "date": expense.date,
                    "total_amount_currency": expense.amount,
                    "currency_id": company.currency_id.id,
                    "payment_mode": "own_account",
                    "description": visit.partner_id.display_name,
                }
            )
            sheet.expense_line_ids = [Command.link(line.id)]
            if expense.receipt:
                filing["ir.attachment"].create(
                    {
                        "name": expense.receipt_name or expense.name,
                        "datas": expense.receipt,
                        "res_model": "hr.expense",
                        "res_id": line.id,
                    }
                )
            expense._write_workflow({"hr_expense_id": line.id})
            expense.message_post(
                body=self.env._(
                    "Filed in the expense report %(report)s.", report=sheet.display_name
                )
            )
