from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Every company classifies its own customers with its own tiers.
        self.env["customer.followup.tier"].sudo()._setup_company_tiers(companies)
        return companies
