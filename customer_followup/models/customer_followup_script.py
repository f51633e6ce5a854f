from odoo import api, fields, models

from .customer_followup_tier_channel import CHANNELS
from .customer_followup_visit import TRIGGERS


class CustomerFollowupScript(models.Model):
    """The standard script (规范话术, 001 篇一/三/五) of a follow-up: what to
    say at the opening, which questions to ask, how to close. Managers keep
    one per trigger and channel (or more general ones) in every language."""

    _name = "customer.followup.script"
    _description = "Follow-up Script"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty for every company.")
    trigger = fields.Selection(TRIGGERS, help="Empty for every trigger.")
    channel = fields.Selection(CHANNELS, help="Empty for every channel.")
    opening = fields.Html(translate=True)
    questions = fields.Html(translate=True)
    closing = fields.Html(translate=True)

    @api.model
    def _match(self, scripts, trigger, channel, company):
        """The most specific of ``scripts`` for a follow-up: same trigger and
        channel first, then same trigger, then same channel, then general."""
        best, best_rank = self.browse(), None
        for script in scripts:
            if script.company_id and script.company_id != company:
                continue
            if script.trigger and script.trigger != trigger:
                continue
            if script.channel and script.channel != channel:
                continue
            rank = (
                not script.trigger,
                not script.channel,
                not script.company_id,
                script.sequence,
                script.id,
            )
            if best_rank is None or rank < best_rank:
                best, best_rank = script, rank
        return best
