from odoo import fields, models


class CustomerFollowupTierFlag(models.Model):
    """A qualitative fact about a customer that can place it in a tier on its
    own, whatever its sales: 行业头部企业 (industry leader), 区域核心代理商
    (regional core distributor), 零散订单客户 (scattered orders)."""

    _name = "customer.followup.tier.flag"
    _description = "Customer Tier Flag"
    _order = "sequence, id"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key for imports and integrations.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of a tier flag must be unique."),
    ]
