from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .visit_common import VisitCase


class ExpenseCase(VisitCase):
    """Visit expenses: the specialist's supervisor is a plain follow-up
    user; key customers' follow-ups have a limit of 500.00 per follow-up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supervisor = new_test_user(
            cls.env,
            login="cf_exp_supervisor",
            groups="base.group_user,customer_followup.group_customer_followup_user",
            **cls._member(),
        )
        cls.user_cs.followup_supervisor_id = cls.supervisor
        cls.tier_key.expense_limit = 500.00
        cls.customer = cls._tiered("青岛海纳电气有限公司", cls.tier_key, owner=cls.user_cs)
        cls.Expense = cls.env["customer.followup.visit.expense"]

    @classmethod
    def _member(cls):
        return {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}

    def setUp(self):
        super().setUp()
        self.visit = self._visit(self.customer)

    def _expense(self, amount, user=None, kind="travel", visit=None, day=None, **vals):
        """An expense of ``amount`` recorded by ``user`` (the specialist)."""
        user = user or self.user_cs
        values = {
            "visit_id": (visit or self.visit).id,
            "kind": kind,
            "name": f"{kind} {amount}",
            "amount": amount,
            "date": day or date(2026, 3, 12),
        }
        return self.Expense.with_user(user).create(dict(values, **vals)).with_user(user)
