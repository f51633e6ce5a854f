from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

from .customer_followup_anomaly_special import LOSS_GROUPS
from .sent_values import check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields

STATES = [
    ("draft", "To claim"),
    ("claimed", "Claimed"),
    ("partial", "Partially recovered"),
    ("recovered", "Recovered"),
    ("abandoned", "Abandoned"),
]
# Changes shown in the anomaly's chatter, where the file is kept.
TRACKED = ["party_id", "amount_claimed", "amount_recovered", "state"]


class CustomerFollowupAnomalyRecovery(models.Model):
    """What the company claims back from a third party, or a member of staff,
    whose fault caused a loss it compensated (003 第十二条 (三) 损失追偿).
    A claim often outlives its anomaly: it can still be updated once the
    anomaly is closed, and it belongs to the anomaly's file."""

    _name = "customer.followup.anomaly.recovery"
    _description = "Service Anomaly Recovery"
    _order = "anomaly_id, id"
    _check_company_auto = True

    anomaly_id = fields.Many2one(
        "customer.followup.anomaly", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="anomaly_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    party_id = fields.Many2one(
        "res.partner",
        string="Liable party",
        required=True,
        check_company=True,
        groups=LOSS_GROUPS,
        help="The supplier, subcontractor, carrier or person whose fault caused the loss.",
    )
    amount_claimed = fields.Monetary(groups=LOSS_GROUPS)
    amount_recovered = fields.Monetary(groups=LOSS_GROUPS)
    state = fields.Selection(STATES, required=True, default="draft", groups=LOSS_GROUPS)
    note = fields.Text(groups=LOSS_GROUPS, help="Grounds of the claim, agreement, payments.")

    @api.constrains("amount_claimed", "amount_recovered", "state")
    def _check_amounts(self):
        for recovery in self:
            currency = recovery.currency_id
            claimed, recovered = recovery.amount_claimed, recovery.amount_recovered
            # -1, 0, 1 as amounts in the company's currency compare.
            back = currency.compare_amounts(recovered, claimed)
            if (
                currency.compare_amounts(claimed, 0) < 0
                or currency.compare_amounts(recovered, 0) < 0
            ):
                raise ValidationError(
                    self.env._("Claimed and recovered amounts cannot be negative.")
                )
            if back > 0:
                raise ValidationError(
                    self.env._(
                        "%(party)s cannot pay back more than was claimed: %(recovered)s "
                        "recovered, %(claimed)s claimed.",
                        party=recovery.party_id.display_name,
                        recovered=format_amount(self.env, recovered, currency),
                        claimed=format_amount(self.env, claimed, currency),
                    )
                )
            state = recovery.state
            if state in ("claimed", "partial", "recovered") and currency.is_zero(claimed):
                raise ValidationError(self.env._("Enter the amount claimed before claiming it."))
            if state in ("draft", "claimed") and not currency.is_zero(recovered):
                raise ValidationError(
                    self.env._(
                        "Money was recovered: the recovery is partially recovered, "
                        "recovered or abandoned."
                    )
                )
            if state == "partial" and (currency.is_zero(recovered) or back == 0):
                raise ValidationError(
                    self.env._("Partially recovered means some, not all, of the claim came back.")
                )
            if state == "recovered" and back != 0:
                raise ValidationError(
                    self.env._(
                        "Recovered means the whole claim came back; otherwise it is "
                        "partially recovered or abandoned."
                    )
                )

    @api.constrains("note")
    def _check_text_lengths(self):
        check_text_lengths(self, ["note"])

    @api.onchange("amount_recovered")
    def _onchange_amount_recovered(self):
        if (
            not self.currency_id
            or self.state == "abandoned"
            or self.currency_id.is_zero(self.amount_recovered)
        ):
            return
        whole = not self.currency_id.compare_amounts(self.amount_recovered, self.amount_claimed)
        self.state = "recovered" if whole else "partial"

    @api.model
    def _workflow_fields(self):
        """The claim's company and currency are its anomaly's (related
        fields, refused as computed): the loss groups set the rest."""
        return ()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_fields(self, vals, new=True)
            check_sent_values(self, vals)
        recoveries = super().create(vals_list)
        recoveries._log_on_anomaly({recovery.id: {} for recovery in recoveries})
        return recoveries

    def write(self, vals):
        refuse_workflow_fields(self, vals)
        check_sent_values(self, vals)
        tracked = [name for name in TRACKED if name in vals]
        before = {recovery.id: {name: recovery[name] for name in tracked} for recovery in self}
        res = super().write(vals)
        if tracked:
            self._log_on_anomaly(before)
        return res

    @api.ondelete(at_uninstall=True)
    def _unlink_except_file_kept(self):
        """A claim is part of its anomaly's file: it is abandoned, not
        deleted; it goes with its anomaly."""
        self.env["customer.followup.anomaly"]._check_file_kept(self.anomaly_id.ids)

    def _log_on_anomaly(self, before):
        """Log the claim's changes in its anomaly's chatter with Odoo's
        tracking values (as res.partner.bank does on its partner): the case
        keeps its whole history in one place. Tracking values follow the
        fields' groups: only the loss groups read the amounts there."""
        fields_info = self.fields_get(TRACKED)
        for recovery in self:
            created = not before[recovery.id]
            initial = dict.fromkeys(TRACKED, False) if created else before[recovery.id]
            _changed, tracking = recovery._mail_track(fields_info, initial)
            if not tracking:
                continue
            body = (
                self.env._("Recovery #%(id)s recorded", id=recovery.id)
                if created
                else self.env._("Recovery #%(id)s updated", id=recovery.id)
            )
            recovery.anomaly_id._message_log(body=body, tracking_value_ids=tracking)

    def _compute_display_name(self):
        for recovery in self:
            recovery.display_name = self.env._(
                "Recovery #%(id)s of %(anomaly)s", id=recovery.id, anomaly=recovery.anomaly_id.name
            )
