from datetime import datetime, time, timedelta

import pytz

from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        res = super().action_confirm()
        self._customer_followup_sale_series()
        return res

    def _customer_followup_sale_series(self):
        """The follow-up series after a sale (001 篇四 要点3: 1 week, 1 month,
        3 months, 6 months) for customers whose tier asks for one: after
        their first order, or after every order above the tier's amount.
        Each follow-up is due on the working day of its offset, placed in
        its first calling window; once per order and offset."""
        WorkingTime = self.env["customer.followup.working.time"]
        events = []
        for order in self.filtered(lambda o: o.state == "sale" and o.partner_id):
            company = order.company_id
            customer = order.partner_id.commercial_partner_id
            # Every internal user reads the tier (README, partner tier fields).
            tier = customer.with_company(company).followup_tier_id
            offsets = tier._sale_series_offsets() if tier else []
            if not offsets or not order._customer_followup_starts_series(tier):
                continue
            calendar = company.resource_calendar_id
            tz = pytz.timezone(calendar.tz or "UTC")
            ordered = pytz.utc.localize(order.date_order).astimezone(tz).date()
            for days in offsets:
                day = WorkingTime.with_company(company).add_working_dates(
                    ordered + timedelta(days=days), 0, calendar=calendar
                )
                start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc)
                events.append(
                    {
                        "partner": customer,
                        "contact": order.partner_id if order.partner_id != customer else None,
                        "company": company,
                        "trigger": "sale",
                        "key": f"sale/{order.id}/{days}",
                        "start": start.replace(tzinfo=None),
                        # Due on that working day: the series keeps its rhythm.
                        "deadline": (start + timedelta(days=1, seconds=-1)).replace(tzinfo=None),
                        "fallback_user": order.user_id,
                    }
                )
        if events:
            # Planned by the application for the customer's follow-up owner,
            # whoever sells (see _create_event_visits).
            self.env["customer.followup.visit"]._create_event_visits(events)

    def _customer_followup_starts_series(self, tier):
        self.ensure_one()
        if tier.sale_series == "amount":
            amount = self.currency_id._convert(
                self.amount_untaxed, self.company_id.currency_id, self.company_id, self.date_order
            )
            return amount >= tier.sale_series_min_amount
        # sudo: counting the customer's confirmed orders, whoever sells.
        return (
            self.env["sale.order"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "sale"),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
            == 0
        )
