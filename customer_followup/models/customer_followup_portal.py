from odoo import api, models
from odoo.exceptions import AccessError

# What a portal user reads of a follow-up or a service issue, whatever way it
# asks (its pages, JSON-RPC): the public part the pages show. Internal notes,
# findings, causes, losses, owners' names and the workflow stay hidden.
PORTAL_READABLE_FIELDS = {
    "id",
    "active",
    "display_name",
    "name",
    "partner_id",
    "contact_id",
    "company_id",
    "state",
    "access_url",
    "access_token",
    "access_warning",
}


class CustomerFollowupPortal(models.AbstractModel):
    """What follow-ups and service issues share in Odoo's portal: a page per
    record (``access_url``), reachable without login through its
    ``access_token`` (the links of e-mails); read access for the portal users
    of its customer (record rule ``*_rule_portal``), limited to the public
    fields (``_portal_readable_fields``); and a notification button with the
    token for every contact of the customer who may see the record."""

    _name = "customer.followup.portal"
    _inherit = ["portal.mixin"]
    _description = "Customer Follow-up portal page"

    # ------------------------------------------------------------------
    # What a portal user reads (as project.task does for its portal users)
    # ------------------------------------------------------------------
    @api.model
    def _portal_readable_fields(self):
        """Fields portal users may read; each model adds what its pages show."""
        return PORTAL_READABLE_FIELDS

    def _portal_user_reads(self):
        return not self.env.su and self.env.user.share

    @api.model
    def check_field_access_rights(self, operation, field_names):
        if operation != "read" or not self._portal_user_reads():
            return super().check_field_access_rights(operation, field_names)
        readable = self._portal_readable_fields()
        if not field_names:
            return [
                name
                for name in super().check_field_access_rights(operation, field_names)
                if name in readable
            ]
        hidden = set(field_names) - readable
        if hidden:
            raise AccessError(
                self.env._(
                    "You cannot read %(fields)s of %(document)s.",
                    fields=", ".join(sorted(hidden)),
                    document=self._description,
                )
            )
        return super().check_field_access_rights(operation, field_names)

    def _determine_fields_to_fetch(self, field_names, ignore_when_in_cache=False):
        if self._portal_user_reads():
            readable = self._portal_readable_fields()
            field_names = [name for name in field_names if name in readable]
        return super()._determine_fields_to_fetch(field_names, ignore_when_in_cache)

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------
    def _portal_allows(self, partner):
        """Whether this contact sees the record on its portal pages: the same
        rule as the portal users' record rule."""
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
        # _portal_ensure_token writes the token as superuser: whoever posts (a
        # specialist, the mail gateway) gives the customer's people their link.
        link = self._notify_get_action_link("view", access_token=self._portal_ensure_token())
        partners = self.env["res.partner"]

        def allowed(pdata):
            return pdata["share"] and self._portal_allows(partners.browse(pdata["id"]))

        group = (
            "followup_portal_contact",
            allowed,
            {"active": True, "has_button_access": True, "button_access": {"url": link}},
        )
        # After Odoo's own group of the customer company, which also signs the
        # link for the portal chatter; before the generic portal and customer groups.
        position = 1 if groups and groups[0][0] == "portal_customer" else 0
        return groups[:position] + [group] + groups[position:]
