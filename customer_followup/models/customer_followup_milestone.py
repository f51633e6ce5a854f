from odoo import fields, models

KINDS = [
    ("product_launch", "New product launch"),
    ("trade_fair", "Trade fair"),
    ("other", "Other major event"),
]


class CustomerFollowupMilestone(models.Model):
    """A milestone of the company (000 第七条: 新品发布、展会): strategic
    customers get a special visit before it. Plans covering its date
    schedule one on-site visit per customer of the tiers that ask for
    milestone visits, in the two weeks before it."""

    _name = "customer.followup.milestone"
    _description = "Follow-up Milestone"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(KINDS, required=True, default="product_launch", tracking=True)
    date = fields.Date(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    note = fields.Html(help="What the customers are shown or invited to.")
