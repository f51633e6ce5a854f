from odoo import api, fields, models
from odoo.exceptions import UserError

from .customer_followup_anomaly import RETENTION_YEARS

ANOMALY = "customer.followup.anomaly"


class CustomerFollowupAnomaly(models.Model):
    """The file of an anomaly (003 第八条 (七)): its timeline, chatter
    messages, attached documents and recoveries are kept from discovery
    until 3 years after closing. Nothing of it is deleted or rewritten in
    between, by anyone; the anomaly may be archived. An anomaly raised by
    mistake is cancelled with its reason: a cancelled anomaly, never
    handled, keeps no file and may be deleted by a manager, as may one
    closed more than 3 years ago, with its whole file."""

    _inherit = ANOMALY

    def _file_kept(self):
        """The anomalies among these whose file is kept today."""
        today = fields.Date.context_today(self)
        return self.filtered(
            lambda a: (
                a.state != "cancelled"
                and (a.state != "closed" or not a.retain_until or a.retain_until > today)
            )
        )

    @api.model
    def _check_file_kept(self, ids):
        """Refuse to delete or rewrite anything of the file of the anomalies
        ``ids`` while it is kept."""
        # sudo: whether a file is kept depends on its anomaly (archived ones
        # too), not on who asks.
        anomalies = self.sudo().with_context(active_test=False).browse(ids).exists()
        kept = anomalies._file_kept()[:1]
        if not kept or self._addon_being_removed():
            return
        if kept.state == "closed":
            raise UserError(
                self.env._(
                    "%(anomaly)s was closed on %(closed)s: its file (timeline, messages, "
                    "documents, recoveries) is kept until %(until)s, at least %(years)s years "
                    "(003 第八条 (七)); nothing of it can be deleted or rewritten. Archive the "
                    "anomaly to hide it.",
                    anomaly=kept.name,
                    closed=kept.closed_at.date(),
                    until=kept.retain_until,
                    years=RETENTION_YEARS,
                )
            )
        raise UserError(
            self.env._(
                "%(anomaly)s is being handled: its file (timeline, messages, documents, "
                "recoveries) is kept until %(years)s years after closing (003 第八条 (七)); "
                "nothing of it can be deleted or rewritten. Post a correction instead; "
                "cancel the anomaly, with its reason, if it was raised by mistake.",
                anomaly=kept.name,
                years=RETENTION_YEARS,
            )
        )

    @api.model
    def _addon_being_removed(self):
        """Whether this addon is being uninstalled, when its data may go.

        The checks of the file do not use ``@api.ondelete(at_uninstall=False)``:
        that skips them whenever the caller's context holds Odoo's uninstall
        flag, which any RPC call can send. They run always and stand aside only
        while the addon is really being removed."""
        # sudo: the addon's state, which every user's deletion may need to know.
        return bool(
            self.env["ir.module.module"]
            .sudo()
            .search_count(
                [("name", "=", "customer_followup"), ("state", "=", "to remove")], limit=1
            )
        )

    @api.ondelete(at_uninstall=True)
    def _unlink_except_file_kept(self):
        self._check_file_kept(self.ids)

    def _message_update_content(
        self, message, body, attachment_ids=None, partner_ids=None, strict=True, **kwargs
    ):
        # Editing a message or emptying it (the chatter's Delete) rewrites the file.
        self._check_file_kept(self.ids)
        return super()._message_update_content(
            message,
            body,
            attachment_ids=attachment_ids,
            partner_ids=partner_ids,
            strict=strict,
            **kwargs,
        )
