from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .sent_values import check_date_range, check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields, without_context_defaults

KINDS = [
    ("travel", "Travel"),
    ("accommodation", "Accommodation"),
    ("meals", "Meals"),
    ("gifts", "Gifts"),
    ("other", "Other"),
]
STATES = [
    ("draft", "Draft"),
    ("to_approve", "Waiting for the supervisor"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]
# What the expense says; changed only while it is a draft.
CONTENT_FIELDS = ("visit_id", "user_id", "date", "kind", "name", "amount", "receipt")
# Expenses that count against the follow-up's limit.
COUNTED_STATES = ("to_approve", "approved")
MANAGER_GROUP = "customer_followup.group_customer_followup_manager"


class CustomerFollowupVisitExpense(models.Model):
    """An expense of a follow-up (回访费用): travel, accommodation, meals,
    gifts. The vouchers of a visit are summed and approved by the
    customer-service supervisor, within the limit the company sets (001
    篇二: 报销额度应限制在公司限定的范围内): within the limit of the customer's
    tier they are approved at submission, above it the owner's supervisor
    approves or refuses them."""

    _name = "customer.followup.visit.expense"
    _description = "Follow-up Visit Expense"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    visit_id = fields.Many2one(
        "customer.followup.visit",
        "Follow-up",
        required=True,
        ondelete="cascade",
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="visit_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="visit_id.partner_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        "Owner",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Who spent the money and is reimbursed.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    kind = fields.Selection(KINDS, required=True, default="travel", tracking=True)
    name = fields.Char("Description", required=True)
    amount = fields.Monetary(required=True, tracking=True, help="In company currency.")
    receipt = fields.Binary(attachment=True, copy=False)
    receipt_name = fields.Char("Receipt file name", copy=False)
    state = fields.Selection(
        STATES, required=True, default="draft", readonly=True, tracking=True, copy=False
    )
    approver_id = fields.Many2one(
        "res.users",
        "Decided by",
        readonly=True,
        copy=False,
        help="Who approved or refused the expense; empty when approved within the limit.",
    )
    decision_date = fields.Datetime("Decided on", readonly=True, copy=False)
    expense_limit = fields.Monetary(
        "Limit per follow-up",
        compute="_compute_expense_limit",
        help="The limit of the customer's tier for the expenses of one follow-up; 0 = none.",
    )

    @api.depends("visit_id.tier_id.expense_limit", "visit_id.partner_id")
    def _compute_expense_limit(self):
        for expense in self:
            expense.expense_limit = expense.visit_id._expense_tier().expense_limit

    @api.constrains("name")
    def _check_text_lengths(self):
        check_text_lengths(self, ["name"])

    @api.constrains("date")
    def _check_date_range(self):
        check_date_range(self, ["date"])

    @api.constrains("amount")
    def _check_amount(self):
        for expense in self:
            if expense.currency_id.compare_amounts(expense.amount, 0) <= 0:
                raise ValidationError(
                    self.env._("%(expense)s: the amount must be positive.", expense=expense.name)
                )

    @api.model
    def _workflow_fields(self):
        """The state and the decision are the buttons'."""
        return ("state", "approver_id", "decision_date")

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_fields(self, vals, new=True)
            check_sent_values(self, vals)
        Expense = without_context_defaults(self, self._workflow_fields())
        expenses = super(CustomerFollowupVisitExpense, Expense).create(vals_list)
        # Expenses belong to a follow-up the owner may read.
        expenses.visit_id.check_access("read")
        return expenses

    def write(self, vals):
        refuse_workflow_fields(self, vals)
        check_sent_values(self, vals)
        if set(CONTENT_FIELDS) & set(vals) and any(e.state != "draft" for e in self):
            raise UserError(self.env._("Only a draft expense can be changed."))
        return super().write(vals)

    def _write_workflow(self, vals):
        """Write what the buttons set (state, decision), after their
        checks; the ORM checks the user's access as for any write.
        Private: no client can call it."""
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if any(e.state not in ("draft", "refused") for e in self):
            raise UserError(self.env._("A submitted or approved expense cannot be deleted."))

    @api.depends("name", "amount", "currency_id")
    def _compute_display_name(self):
        for expense in self:
            expense.display_name = f"{expense.name or ''} ({expense.amount:.2f})"

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _approvers(self, heads):
        """Who may decide on this expense: the owner's follow-up supervisor,
        or the company's department heads when none is set."""
        self.ensure_one()
        return self.env["customer.followup.visit"]._supervisors_of(
            self.user_id, self.company_id, heads
        )

    def action_submit(self):
        """Submit drafts: the follow-up's expenses within the limit of its
        tier are approved at once; above it they wait for the supervisor."""
        if any(e.state != "draft" for e in self):
            raise UserError(self.env._("Only draft expenses can be submitted."))
        for visit in self.visit_id:
            batch = self.filtered(lambda e, v=visit: e.visit_id == v)
            limit = visit._expense_tier().expense_limit
            total = visit._expense_total() + sum(batch.mapped("amount"))
            currency = visit.company_id.currency_id
            if not limit or float_compare(total, limit, precision_rounding=currency.rounding) <= 0:
                batch._approve(within_limit=True)
            else:
                batch._write_workflow({"state": "to_approve"})
                batch._ask_approval(total, limit)
        return True

    def _ask_approval(self, total, limit):
        """A to-do and a message for each approver."""
        heads = {}
        today = fields.Date.context_today(self)
        for expense in self:
            approvers = expense._approvers(heads)
            note = self.env._(
                "%(owner)s asks to be reimbursed %(amount).2f %(currency)s (%(expense)s) for "
                "%(visit)s: the follow-up's expenses total %(total).2f, above the limit of "
                "%(limit).2f.",
                owner=expense.user_id.name,
                amount=expense.amount,
                currency=expense.currency_id.name or "",
                expense=expense.name,
                visit=expense.visit_id.display_name,
                total=total,
                limit=limit,
            )
            for user in approvers:
                expense.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    summary=self.env._("Approve a visit expense"),
                    note=note,
                    user_id=user.id,
                )
            expense.message_post(
                body=note,
                partner_ids=approvers.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _check_approver(self):
        """Only the owner's supervisor (or the department heads when none
        is set), or a Customer Follow-up manager, decides."""
        user = self.env.user
        if user.has_group(MANAGER_GROUP):
            return
        heads = {}
        for expense in self:
            if user not in expense._approvers(heads):
                raise UserError(
                    self.env._(
                        "%(expense)s: only the owner's follow-up supervisor or a manager "
                        "approves or refuses this expense.",
                        expense=expense.display_name,
                    )
                )

    def _close_approval(self, feedback):
        # sudo: the approver closes the to-dos of every approver of the expense.
        self.sudo().activity_feedback(["mail.mail_activity_data_todo"], feedback=feedback)

    def action_approve(self):
        if any(e.state != "to_approve" for e in self):
            raise UserError(self.env._("Only expenses waiting for approval can be approved."))
        self._check_approver()
        self._approve(within_limit=False)
        return True

    def _approve(self, within_limit):
        """Approve: by the limit, or by the user deciding.

        :param bool within_limit: approved at submission, within the limit
        """
        vals = {"state": "approved", "decision_date": fields.Datetime.now()}
        if not within_limit:
            vals["approver_id"] = self.env.user.id
        self._write_workflow(vals)
        if within_limit:
            for expense in self:
                expense.message_post(
                    body=self.env._(
                        "Approved: within the limit of %(limit).2f per follow-up.",
                        limit=expense.expense_limit,
                    )
                    if expense.expense_limit
                    else self.env._("Approved: the customer's tier sets no limit."),
                )
        else:
            self._close_approval(self.env._("Approved"))
            for expense in self:
                expense.message_post(
                    body=self.env._("Approved by %(user)s.", user=self.env.user.name),
                    partner_ids=expense.user_id.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
        self._on_approved()

    def _on_approved(self):
        """Hook for what follows an approval (the Expenses bridge files the
        amounts as an expense report of the owner)."""

    def action_refuse(self):
        if any(e.state != "to_approve" for e in self):
            raise UserError(self.env._("Only expenses waiting for approval can be refused."))
        self._check_approver()
        self._write_workflow(
            {
                "state": "refused",
                "approver_id": self.env.user.id,
                "decision_date": fields.Datetime.now(),
            }
        )
        self._close_approval(self.env._("Refused"))
        for expense in self:
            expense.message_post(
                body=self.env._(
                    "Refused by %(user)s: above the limit, the excess is borne by the owner "
                    "(001 篇二).",
                    user=self.env.user.name,
                ),
                partner_ids=expense.user_id.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_draft(self):
        """A refused expense back to draft, to correct and submit again."""
        if any(e.state != "refused" for e in self):
            raise UserError(self.env._("Only refused expenses go back to draft."))
        self._write_workflow({"state": "draft", "approver_id": False, "decision_date": False})
        return True
