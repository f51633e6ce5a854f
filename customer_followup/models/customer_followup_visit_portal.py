from odoo import api, models


class CustomerFollowupVisit(models.Model):
    """A follow-up as its customer sees it: ``/my/follow-ups/<id>``."""

    _name = "customer.followup.visit"
    _inherit = ["customer.followup.visit", "customer.followup.portal"]

    @api.model
    def _portal_readable_fields(self):
        # What the customer's pages show of its follow-ups: when, how, its own scores.
        return super()._portal_readable_fields() | {
            "scheduled_date",
            "done_date",
            "channel",
            "trigger",
            "satisfaction",
            "score_quality",
            "score_delivery",
            "score_attitude",
            "score_speed",
        }

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for visit in self:
            visit.access_url = f"/my/follow-ups/{visit.id}"
        return res

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        return self._portal_contact_groups(groups)
