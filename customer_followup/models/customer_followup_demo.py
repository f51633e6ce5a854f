from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models

# China's 2026 public-holiday schedule (国务院办公厅 2026 年部分节假日安排):
# (name, first day off, last day off, make-up working days).
CN_HOLIDAYS_2026 = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3), [date(2026, 1, 4)]),
    ("春节", date(2026, 2, 15), date(2026, 2, 23), [date(2026, 2, 14), date(2026, 2, 28)]),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6), []),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5), [date(2026, 5, 9)]),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21), []),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27), []),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7), [date(2026, 9, 20), date(2026, 10, 10)]),
    ("元旦", date(2027, 1, 1), date(2027, 1, 1), []),
]

# Demo customers' yearly purchases (CNY, untaxed) spread over the last 12
# months: the figures decide their tiers, as the rules of 000 第六条 read.
DEMO_SALES = {
    "demo_customer_zhongkong": 7_000_000,  # 35 % -> strategic by share
    "demo_customer_sinopec": 600_000,  # industry leader -> strategic by flag
    "demo_customer_baosteel": 800_000,  # since 2019 -> strategic by years
    "demo_customer_haier": 3_000_000,  # 15 % -> key by share
    "demo_customer_midea": 2_400_000,  # 12 % -> key by share
    "demo_customer_gree": 2_100_000,  # 10.5 % -> key by share
    "demo_customer_huadong": 500_000,  # core distributor -> key by flag
    "demo_customer_weichai": 400_000,  # since 2023 -> key by years
    "demo_customer_sany": 330_000,
    "demo_customer_xugong": 310_000,
    "demo_customer_liugong": 300_000,
    "demo_customer_yutong": 290_000,
    "demo_customer_byd": 280_000,
    "demo_customer_chint": 270_000,
    "demo_customer_delixi": 260_000,
    "demo_customer_hikvision": 250_000,
    "demo_customer_sunny": 240_000,
    "demo_customer_tongwei": 230_000,
    "demo_customer_longi": 220_000,
    "demo_customer_jinko": 220_000,
}


class CustomerFollowupDemo(models.AbstractModel):
    """Builds the demo data that cannot be written as plain XML records:
    holidays in the company's timezone and confirmed, delivered sales
    spread over the past year."""

    _name = "customer.followup.demo"
    _description = "Customer Follow-up Demo Data"

    @api.model
    def _load_demo_languages(self):
        langs = (
            self.env["res.lang"]
            .with_context(active_test=False)
            .search([("code", "in", ["zh_CN", "zh_TW"]), ("active", "=", False)])
        )
        if langs:
            self.env["base.language.install"].create(
                {"lang_ids": [(6, 0, langs.ids)], "overwrite": False}
            ).lang_install()

    @api.model
    def _load_demo_calendar(self):
        calendar = self.env.ref("customer_followup.demo_calendar_cn")
        tz = pytz.timezone(calendar.tz or "Asia/Shanghai")
        leaves, makeup = [], []
        for name, first, last, workdays in CN_HOLIDAYS_2026:
            start = tz.localize(datetime.combine(first, time.min))
            stop = tz.localize(datetime.combine(last, time(23, 59, 59)))
            leaves.append(
                {
                    "name": name,
                    "calendar_id": calendar.id,
                    "date_from": start.astimezone(pytz.utc).replace(tzinfo=None),
                    "date_to": stop.astimezone(pytz.utc).replace(tzinfo=None),
                    "time_type": "leave",
                }
            )
            makeup += [
                {"calendar_id": calendar.id, "date": day, "name": f"{name}调休上班"}
                for day in workdays
            ]
        self.env["resource.calendar.leaves"].create(leaves)
        self.env["customer.followup.makeup.day"].create(makeup)
        self.env.company.resource_calendar_id = calendar

    @api.model
    def _load_demo_sales(self):
        product = self.env.ref("customer_followup.demo_product_flowmeter")
        today = fields.Date.context_today(self)
        orders = self.env["sale.order"]
        order_dates = {}
        for index, (xmlid, amount) in enumerate(DEMO_SALES.items()):
            partner = self.env.ref(f"customer_followup.{xmlid}")
            # Two to four orders per customer, the last one recent.
            count = 2 + index % 3
            for n in range(count):
                order = self.env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 1,
                                    "price_unit": amount / count,
                                    "tax_id": [(5, 0, 0)],
                                },
                            )
                        ],
                    }
                )
                days_ago = 20 + (330 * n) // count + index
                order_dates[order.id] = today - timedelta(days=days_ago)
                orders |= order
        orders.action_confirm()
        for order in orders:
            order.date_order = datetime.combine(order_dates[order.id], time(10, 0))
        # Deliver every order but the most recent of each customer.
        pickings = orders.filtered(
            lambda o: (today - order_dates[o.id]).days > 60
        ).picking_ids
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()
        self.env["res.partner"].search(
            self.env["res.partner"]._followup_tier_candidate_domain()
        )._followup_recompute_tiers()
