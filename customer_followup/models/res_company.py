from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    followup_portal_show_handlers = fields.Boolean(
        "Show handlers' names to customers",
        help="Customers see who moved their service issues from step to step in the portal.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Every company classifies its own customers with its own tiers.
        self.env["customer.followup.tier"].sudo()._setup_company_tiers(companies)
        return companies
