from odoo import models


class CustomerFollowupPortal(models.AbstractModel):
    """What follow-ups and service issues share in Odoo's portal: a page per
    record (``access_url``), reachable without login through its
    ``access_token`` (the links of e-mails), and a notification button with
    that token for every contact of the customer who may see the record."""

    _name = "customer.followup.portal"
    _inherit = ["portal.mixin"]
    _description = "Customer Follow-up portal page"

    def _portal_allows(self, partner):
        """Whether this contact sees the record on its portal pages: the same
        rule as the lists (its customer's records, or only its own ones when
        the customer does not share them)."""
        self.ensure_one()
        if not partner or not self.partner_id:
            return False
        return bool(self.filtered_domain(partner._followup_portal_domain()))

    def _portal_contact_groups(self, groups):
        """Odoo gives the token button to the record's ``partner_id`` only, the
        customer company; the people who read the mails are its contacts.
        Called by each model's ``_notify_get_recipients_groups`` (mail.thread
        comes before this mixin in their method order)."""
        if len(self) != 1 or not self.partner_id:
            return groups
        # sudo: whoever posts (a specialist, the mail gateway) may not write the
        # token; the customer's people need it in their link.
        record = self.sudo()
        link = record._notify_get_action_link("view", access_token=record._portal_ensure_token())
        partners = record.env["res.partner"]

        def allowed(pdata):
            return pdata["share"] and record._portal_allows(partners.browse(pdata["id"]))

        group = (
            "followup_portal_contact",
            allowed,
            {"active": True, "has_button_access": True, "button_access": {"url": link}},
        )
        # After Odoo's own group of the customer company, which also signs the
        # link for the portal chatter; before the generic portal and customer groups.
        position = 1 if groups and groups[0][0] == "portal_customer" else 0
        return groups[:position] + [group] + groups[position:]
