from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        self._customer_followup_delivery_visits()
        return res

    def _customer_followup_delivery_visits(self):
        """A delivery to a customer is a key node (000 第三条): plan its
        confirmation follow-up, due within the tier's delay. Once per
        delivery, whatever the number of validations."""
        events = []
        for picking in self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing" and p.partner_id
        ):
            partner = picking.partner_id.commercial_partner_id
            events.append(
                {
                    "partner": partner,
                    "contact": picking.partner_id if picking.partner_id != partner else None,
                    "company": picking.company_id,
                    "trigger": "delivery",
                    "key": f"delivery/{picking.id}",
                    "start": picking.date_done,
                }
            )
        if events:
            self.env["customer.followup.visit"]._create_event_visits(events)
