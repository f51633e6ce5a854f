from odoo import api, models

ANOMALY = "customer.followup.anomaly"


class MailMessage(models.Model):
    """The chatter of an anomaly is part of its file (003 第八条 (七)): its
    messages are neither deleted nor rewritten while the file is kept."""

    _inherit = "mail.message"

    def _followup_anomaly_ids(self):
        # Whoever deletes or changes a message may read it.
        return list(
            {message.res_id for message in self if message.model == ANOMALY and message.res_id}
        )

    @api.ondelete(at_uninstall=True)
    def _unlink_except_anomaly_file(self):
        ids = self._followup_anomaly_ids()
        if ids:
            self.env[ANOMALY]._check_file_kept(ids)

    def write(self, vals):
        # Rewriting a message, or moving it to another record, changes the file.
        if {"body", "model", "res_id"} & set(vals):
            changed = self.filtered(
                lambda m: (
                    m.model == ANOMALY
                    and any(
                        vals[name] != m[name]
                        for name in ("body", "model", "res_id")
                        if name in vals
                    )
                )
            )
            if changed:
                self.env[ANOMALY]._check_file_kept(changed._followup_anomaly_ids())
        return super().write(vals)
