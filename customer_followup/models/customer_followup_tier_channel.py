from odoo import api, fields, models

# The follow-up channels of the regulations (000 第七条, 001, 002): shared by
# tiers (channel mix targets) and visits.
CHANNELS = [
    ("onsite", "On-site visit"),
    ("phone", "Phone"),
    ("video", "Video call"),
    ("email", "E-mail"),
    ("survey", "Online questionnaire"),
    ("message", "Online message"),
]


class CustomerFollowupTierChannel(models.Model):
    """One line of a tier's channel mix target, e.g. 现场走访 ≥ 60 %."""

    _name = "customer.followup.tier.channel"
    _description = "Customer Tier Channel Mix"
    _order = "tier_id, share desc, id"

    tier_id = fields.Many2one(
        "customer.followup.tier", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="tier_id.company_id", store=True)
    channel = fields.Selection(CHANNELS, required=True)
    share = fields.Float(
        "Target share (%)",
        digits=(5, 2),
        required=True,
        help="Share of the tier's follow-ups of the period to make on this channel.",
    )

    _sql_constraints = [
        (
            "channel_unique",
            "unique(tier_id, channel)",
            "A channel can appear only once in a tier's channel mix.",
        ),
        (
            "share_range",
            "CHECK(share > 0 AND share <= 100)",
            "A channel's target share must be above 0 % and at most 100 %.",
        ),
    ]

    @api.depends("channel", "share")
    def _compute_display_name(self):
        labels = dict(self._fields["channel"]._description_selection(self.env))
        for line in self:
            line.display_name = f"{labels.get(line.channel, '')} {line.share:g} %"
