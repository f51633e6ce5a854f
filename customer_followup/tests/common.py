from datetime import datetime, time

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user


class CustomerFollowupCase(TransactionCase):
    """Builds its own company (CNY), customers and users: never relies on
    demo data or on whatever partners the database already holds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.cny = cls.env.ref("base.CNY")
        cls.cny.active = True
        cls.company = cls.env["res.company"].create(
            {"name": "仪器仪表厂 Test", "currency_id": cls.cny.id}
        )
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.Tier = cls.env["customer.followup.tier"]
        tiers = cls.Tier.search([("company_id", "=", cls.company.id)])
        cls.tier_strategic = tiers.filtered(lambda t: t.code == "strategic")
        cls.tier_key = tiers.filtered(lambda t: t.code == "key")
        cls.tier_normal = tiers.filtered(lambda t: t.code == "normal")
        cls.product = cls.env["product.product"].create(
            {"name": "Flowmeter", "type": "consu", "list_price": 100.0}
        )
        cls.flag_leader = cls.env.ref("customer_followup.tier_flag_industry_leader")
        cls.flag_distributor = cls.env.ref("customer_followup.tier_flag_core_distributor")
        groups = "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman"
        cls.user_cs = new_test_user(
            cls.env,
            login="cf_user",
            groups=groups + ",customer_followup.group_customer_followup_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="cf_manager",
            groups=groups + ",customer_followup.group_customer_followup_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user_sales = new_test_user(
            cls.env,
            login="cf_sales",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create(dict({"name": name, "is_company": True}, **vals))

    @classmethod
    def _sell(cls, partner, amount, when=None, currency=None, company=None):
        """A confirmed sale of ``amount`` (untaxed) on ``when`` (a date)."""
        company = company or cls.company
        vals = {
            "partner_id": partner.id,
            "company_id": company.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "product_uom_qty": 1,
                        "price_unit": amount,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
        }
        if currency:
            vals["pricelist_id"] = (
                cls.env["product.pricelist"]
                .create(
                    {
                        "name": f"{currency.name} list",
                        "currency_id": currency.id,
                        "company_id": company.id,
                    }
                )
                .id
            )
        order = cls.env["sale.order"].with_company(company).create(vals)
        order.action_confirm()
        when = when or fields.Date.context_today(order)
        order.date_order = datetime.combine(when, time(10, 0))
        return order

    def _recompute(self, partners, company=None):
        partners.with_company(company or self.company).sudo()._followup_recompute_tiers()
        # Tracking messages are written when the transaction commits.
        self.env.cr.precommit.run()
        partners.invalidate_recordset()
