from datetime import timedelta

from odoo import fields, models

# Days after a repair within which the customer is asked how it went
# (001 篇六: 维修后 10 天内回访); ir.config_parameter overrides it.
SERVICE_FOLLOWUP_DAYS = 10


class RepairOrder(models.Model):
    _inherit = "repair.order"

    # Repair orders keep no date of their end: the on-time repair rate
    # (002 七 维修及时率) compares this one with the scheduled date.
    followup_repaired_at = fields.Datetime("Repaired on", readonly=True, copy=False)

    def action_repair_done(self):
        res = super().action_repair_done()
        self.write({"followup_repaired_at": fields.Datetime.now()})
        self._customer_followup_service_visits()
        return res

    def _customer_followup_service_visits(self):
        """A finished service is a key node (000 第三条): plan its follow-up,
        due within the service follow-up delay (10 days by default). Once
        per repair order."""
        # sudo: system parameters are read by administrators only.
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_followup.service_followup_days", SERVICE_FOLLOWUP_DAYS)
        )
        now = fields.Datetime.now()
        events = [
            {
                "partner": repair.partner_id.commercial_partner_id,
                "contact": repair.partner_id
                if repair.partner_id != repair.partner_id.commercial_partner_id
                else None,
                "company": repair.company_id,
                "trigger": "service",
                "key": f"service/{repair.id}",
                "start": now,
                "deadline": now + timedelta(days=days),
            }
            for repair in self.filtered(lambda r: r.state == "done" and r.partner_id)
        ]
        if events:
            self.env["customer.followup.visit"]._create_event_visits(events)
