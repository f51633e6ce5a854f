from odoo import api, models

ANOMALY = "customer.followup.anomaly"


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _followup_anomaly_ids(self):
        # Whoever deletes or moves a document may read it.
        return {
            attachment.res_id
            for attachment in self
            if attachment.res_model == ANOMALY and attachment.res_id
        }

    @api.ondelete(at_uninstall=True)
    def _unlink_except_anomaly_file(self):
        """The documents of an anomaly (reports, findings, customer feedback)
        are part of its file, kept until 3 years after closing (003 第八条 (七)).
        They go with their anomaly, once it may be deleted: Odoo deletes a
        record's attachments after the record itself."""
        ids = self._followup_anomaly_ids()
        if ids:
            self.env[ANOMALY]._check_file_kept(list(ids))

    def write(self, vals):
        # Moving a document to another record takes it out of the file.
        if {"res_model", "res_id"} & set(vals):
            moved = self.filtered(
                lambda a: (
                    a.res_model == ANOMALY
                    and (
                        vals.get("res_model", a.res_model) != a.res_model
                        or vals.get("res_id", a.res_id) != a.res_id
                    )
                )
            )
            if moved:
                self.env[ANOMALY]._check_file_kept(list(moved._followup_anomaly_ids()))
        return super().write(vals)
