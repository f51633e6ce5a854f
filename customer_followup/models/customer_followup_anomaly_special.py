from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from .customer_followup_anomaly import LEADER_GROUP, OPEN_STATES

LOSS_GROUP = "customer_followup.group_customer_followup_loss"
# The large-loss part of the file: leaders, and the finance and legal people
# who assess the loss (003 第十二条 (三)).
LOSS_GROUPS = f"{LEADER_GROUP},{LOSS_GROUP}"

APPROVAL_FIELDS = {
    "finance": "compensation_finance_user_id",
    "legal": "compensation_legal_user_id",
}


class CustomerFollowupAnomaly(models.Model):
    """Special handling of 003 第十二条: a quality problem brings in R&D and
    supply chain, a contract dispute legal, a large loss finance and legal,
    who approve the compensation; losses caused by others are recovered."""

    # Split from the anomaly's main file by concern (issue 17), like its
    # after-sales and portal parts.
    _inherit = "customer.followup.anomaly"  # pylint: disable=consider-merging-classes-inherited

    loss_amount = fields.Monetary(groups=LOSS_GROUPS)
    compensation_proposal = fields.Text(groups=LOSS_GROUPS)
    compensation_finance_user_id = fields.Many2one(groups=LOSS_GROUPS)
    compensation_legal_user_id = fields.Many2one(groups=LOSS_GROUPS)
    can_approve_finance = fields.Boolean(compute="_compute_can_approve")
    can_approve_legal = fields.Boolean(compute="_compute_can_approve")
    recovery_ids = fields.One2many(
        "customer.followup.anomaly.recovery",
        "anomaly_id",
        string="Recoveries from third parties",
        groups=LOSS_GROUPS,
        copy=False,
    )

    @api.depends("company_id")
    @api.depends_context("uid")
    def _compute_can_approve(self):
        user = self.env.user
        for anomaly in self:
            company = anomaly.company_id
            anomaly.can_approve_finance = user in company.followup_finance_user_ids
            anomaly.can_approve_legal = user in company.followup_legal_user_ids

    # ------------------------------------------------------------------
    # Flagging reaches people
    # ------------------------------------------------------------------
    def _special_flags(self):
        """Each flag of 第十二条: the company's contacts it brings in, what
        they are asked to do, and the setting that names them."""
        return {
            "is_quality_problem": (
                ("followup_rnd_user_ids", "followup_supply_user_ids"),
                self.env._("Quality problem in %(anomaly)s"),
                self.env._(
                    "R&D and supply chain: find the root cause together, have the products "
                    "replaced or repaired and trace the supply chain's responsibility "
                    "(003 第十二条 (一))."
                ),
            ),
            "is_contract_dispute": (
                ("followup_legal_user_ids",),
                self.env._("Contract dispute in %(anomaly)s"),
                self.env._(
                    "Legal: go through the contract, give your legal opinion and guide the "
                    "handling; negotiate a supplementary agreement with the customer if "
                    "needed (003 第十二条 (二))."
                ),
            ),
            "is_large_loss": (
                ("followup_finance_user_ids", "followup_legal_user_ids"),
                self.env._("Large loss in %(anomaly)s"),
                self.env._(
                    "Finance and legal: assess the loss together, draw up the compensation "
                    "proposal and approve it; recover what third parties owe "
                    "(003 第十二条 (三))."
                ),
            ),
        }

    @api.model_create_multi
    def create(self, vals_list):
        anomalies = super().create(vals_list)
        for flag in self._special_flags():
            anomalies.filtered(flag)._notify_flag(flag)
        return anomalies

    def write(self, vals):
        # Only a change from unflagged to flagged brings people in: saving a
        # flag again does not tell them twice.
        newly = {
            flag: self.filtered(lambda a, flag=flag: not a[flag])
            for flag in self._special_flags()
            if vals.get(flag)
        }
        # Whoever may change the loss or the proposal holds a loss group,
        # and reads the approvals (the write is refused to anyone else).
        approved = self.browse()
        if {"loss_amount", "compensation_proposal"} & set(vals):
            approved = self.filtered(
                lambda a: a.compensation_finance_user_id or a.compensation_legal_user_id
            )
        before = {a.id: (a.loss_amount, a.compensation_proposal) for a in approved}
        res = super().write(vals)
        for flag, anomalies in newly.items():
            anomalies.filtered(flag)._notify_flag(flag)
        changed = approved.filtered(
            lambda a: (a.loss_amount, a.compensation_proposal) != before[a.id]
        )
        if changed:
            changed._withdraw_approvals()
        return res

    def _notify_flag(self, flag):
        """Tell the company's contacts of ``flag``: a note addressed to them
        (inbox or e-mail, as each chose) and a to-do each. They join the
        team, so that they can open the anomaly and work on it."""
        settings, summary, note = self._special_flags()[flag]
        for anomaly in self:
            company = anomaly.company_id
            users = self.env["res.users"].union(*(company[name] for name in settings))
            text = note
            if not users:
                # Nobody named: the handler passes it on rather than nobody knowing.
                users = anomaly.user_id or self.env.user
                text = self.env._(
                    "%(note)s Nobody is named for this in Settings › Customer Follow-up "
                    "(%(settings)s) of %(company)s: pass it on yourself.",
                    note=note,
                    settings=", ".join(
                        company._fields[name]._description_string(self.env) for name in settings
                    ),
                    company=company.name,
                )
            else:
                anomaly.write({"member_ids": [Command.link(user.id) for user in users]})
                # Followers are part of the notification the flag triggers;
                # the flagging user may write the anomaly, so subscribe others.
                anomaly.message_subscribe(partner_ids=users.partner_id.ids)
            anomaly._notify_users(users, summary % {"anomaly": anomaly.name}, text)

    # ------------------------------------------------------------------
    # Large loss: finance and legal approve the compensation
    # ------------------------------------------------------------------
    def action_approve_compensation_finance(self):
        return self._approve_compensation("finance")

    def action_approve_compensation_legal(self):
        return self._approve_compensation("legal")

    def _check_compensation_approver(self, role):
        """Only the company's finance (legal) contacts record the finance
        (legal) approval: not a leader, not a manager, and not code run as
        superuser, whose user approves nothing."""
        self.ensure_one()
        company = self.company_id
        approvers = (
            company.followup_finance_user_ids
            if role == "finance"
            else company.followup_legal_user_ids
        )
        if self.env.user not in approvers:
            setting = (
                "followup_finance_user_ids" if role == "finance" else "followup_legal_user_ids"
            )
            raise AccessError(
                self.env._(
                    "Only the %(approvers)s of %(company)s set in Settings › Customer "
                    "Follow-up can record this approval of %(anomaly)s (003 第十二条).",
                    approvers=company._fields[setting]._description_string(self.env),
                    company=company.name,
                    anomaly=self.name,
                )
            )

    def _approve_compensation(self, role):
        field = APPROVAL_FIELDS[role]
        for anomaly in self:
            anomaly._check_compensation_approver(role)
            # The approvers hold a loss group (Settings checks it): they
            # read the loss fields.
            if not anomaly.is_large_loss or anomaly.state not in OPEN_STATES:
                raise UserError(
                    self.env._(
                        "%(anomaly)s has no open large-loss compensation to approve.",
                        anomaly=anomaly.name,
                    )
                )
            missing = [
                anomaly._field_label(name)
                for name in ("loss_amount", "compensation_proposal")
                if not anomaly[name]
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "Fill in %(missing)s of %(anomaly)s before approving the compensation.",
                        missing=", ".join(missing),
                        anomaly=anomaly.name,
                    )
                )
            if anomaly[field]:
                raise UserError(
                    self.env._(
                        "The compensation of %(anomaly)s was already approved by %(user)s.",
                        anomaly=anomaly.name,
                        user=anomaly[field].name,
                    )
                )
            anomaly._write_workflow({field: self.env.uid})
            anomaly.message_post(
                body=(
                    self.env._("Compensation approved by finance.")
                    if role == "finance"
                    else self.env._("Compensation approved by legal.")
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _withdraw_approvals(self):
        """A changed loss or proposal was not what finance and legal approved."""
        # Approvals are set by the approvers' buttons only; a change of what
        # they approved clears them.
        self._write_workflow({name: False for name in APPROVAL_FIELDS.values()})
        for anomaly in self:
            company = anomaly.company_id
            users = company.followup_finance_user_ids | company.followup_legal_user_ids
            anomaly._notify_users(
                users or anomaly.user_id or self.env.user,
                self.env._("Approve the compensation of %(anomaly)s again", anomaly=anomaly.name),
                self.env._("The loss amount or the compensation proposal changed after approval."),
            )
