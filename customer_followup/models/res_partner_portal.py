from odoo import fields, models


class ResPartner(models.Model):
    # The customer-facing part of res.partner, split from res_partner.py by
    # concern like the follow-up's and the anomaly's portal files.
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Set on the customer company; its contacts with a portal user see
    # either all of it or only what concerns them.
    followup_portal_share = fields.Boolean(
        "Contacts see all follow-ups in the portal",
        default=True,
        help="Every contact of this customer with portal access sees the company's "
        "follow-ups and service issues; unticked, each contact sees only those "
        "where they are the contact.",
    )

    def _followup_portal_domain(self):
        """Domain of the follow-ups and service issues this portal contact
        may see: its commercial entity's, or only its own when the company
        does not share them. The portal users' record rules
        (``customer_followup_*_rule_portal``) say the same."""
        self.ensure_one()
        return [
            ("partner_id", "=", self.commercial_partner_id.id),
            "|",
            "|",
            ("partner_id.followup_portal_share", "=", True),
            ("partner_id", "=", self.id),
            ("contact_id", "=", self.id),
        ]
