from odoo import fields, models


class HrExpenseSheet(models.Model):
    _inherit = "hr.expense.sheet"

    # One report per owner and month gathers the approved expenses of their
    # follow-ups (001 篇二: the vouchers are summed, then reimbursed).
    followup_month = fields.Char(
        "Follow-up expenses of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The month (YYYY-MM) whose approved follow-up visit expenses this report gathers.",
    )
