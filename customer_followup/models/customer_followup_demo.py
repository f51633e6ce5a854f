from datetime import date, datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

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
# months: with their cooperation start and flags (res_partner_demo.xml),
# they decide their tiers, as the rules of 000 第六条 read (share and years,
# or a flag; a customer between tiers is placed by its share). Shares are
# of the 22,100,000 total.
DEMO_SALES = {
    "demo_customer_zhongkong": 7_000_000,  # 31.7 %, since 2016 -> strategic by share and years
    "demo_customer_sinopec": 600_000,  # industry leader -> strategic by flag
    "demo_customer_baosteel": 800_000,  # industry leader -> strategic by flag (3.6 %, since 2019)
    "demo_customer_haier": 3_000_000,  # 13.6 %, since 2021 -> key by share and years
    "demo_customer_midea": 2_400_000,  # 10.9 %, first order this year -> key by share
    "demo_customer_gree": 2_300_000,  # 10.4 %, first order this year -> key by share
    "demo_customer_huadong": 500_000,  # core distributor -> key by flag
    "demo_customer_weichai": 2_300_000,  # 10.4 %, since 2023 -> key by share and years
    # 1.5 % since 2017: years alone make nobody strategic -> normal
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

# The demo anomalies' handling (003 第八条), step by step: the button, who
# pressed it, and when: minutes after the discovery, or (days after the day
# of discovery, "HH:MM" in Shanghai). Then, optionally, what that user filled
# in just before (a plan deadline given the same way). The handler reports
# and handles; whom the severity's policy tells responds, approves the plan
# and closes: the department head (陈静) for 一般, the head of customer
# service (刘洋) for 较大, the vice president (赵敏) for 重大.
DEMO_ANOMALY_STORIES = {
    # 一般, reported 25 minutes after the e-mail came in.
    "demo_anomaly_a02": [("action_report", "demo_user_sunli", 25)],
    # 一般, plan approved the day of discovery.
    "demo_anomaly_a03": [
        ("action_report", "demo_user_wangfang", 20),
        ("action_respond", "demo_user_chenjing", 55),
        ("action_investigate", "demo_user_wangfang", 75),
        ("action_submit_plan", "demo_user_wangfang", 300),
        ("action_approve_plan", "demo_user_chenjing", 340),
    ],
    # 一般, closed: found on Monday morning three weeks ago, resolved the
    # same afternoon, the customer's acceptance on Wednesday, closed Thursday.
    "demo_anomaly_a04": [
        ("action_report", "demo_user_sunli", (0, "09:30")),
        ("action_respond", "demo_user_chenjing", (0, "10:05")),
        ("action_investigate", "demo_user_sunli", (0, "10:20")),
        (
            "action_submit_plan",
            "demo_user_sunli",
            (0, "14:40"),
            {"plan_deadline": (0, "17:00")},
        ),
        ("action_approve_plan", "demo_user_chenjing", (0, "15:10")),
        ("action_done", "demo_user_sunli", (0, "16:45")),
        ("action_start_review", "demo_user_sunli", (2, "10:00")),
        ("action_close", "demo_user_chenjing", (3, "16:20")),
    ],
    # 较大, the head of customer service responding.
    "demo_anomaly_a05": [
        ("action_report", "demo_user_wangfang", 40),
        ("action_respond", "demo_user_liuyang", 95),
    ],
    # 较大, the plan waiting for approval.
    "demo_anomaly_a06": [
        ("action_report", "demo_user_sunli", 30),
        ("action_respond", "demo_user_liuyang", 70),
        ("action_investigate", "demo_user_sunli", 90),
        ("action_submit_plan", "demo_user_sunli", 1200),
    ],
    # 较大, found on a Tuesday afternoon two weeks ago, plan the next
    # morning, solved on Friday: waiting for the customer's feedback.
    "demo_anomaly_a07": [
        ("action_report", "demo_user_wangfang", (0, "14:45")),
        ("action_respond", "demo_user_liuyang", (0, "15:30")),
        ("action_investigate", "demo_user_wangfang", (0, "16:05")),
        (
            "action_submit_plan",
            "demo_user_wangfang",
            (1, "10:30"),
            {"plan_deadline": (3, "17:00")},
        ),
        ("action_approve_plan", "demo_user_liuyang", (1, "11:15")),
        ("action_done", "demo_user_wangfang", (3, "15:40")),
    ],
    # 重大, the vice president responding, under investigation.
    "demo_anomaly_a09": [
        ("action_report", "demo_user_sunli", 20),
        ("action_respond", "demo_user_zhaomin", 45),
        ("action_investigate", "demo_user_sunli", 120),
    ],
    # 重大, four weeks ago: reported within the half hour, the vice
    # president's emergency meeting, the plan approved on Tuesday, solved
    # the next Monday; the review meeting, due within a month, still to hold.
    "demo_anomaly_a10": [
        ("action_report", "demo_user_wangfang", (0, "08:55")),
        ("action_respond", "demo_user_zhaomin", (0, "09:20")),
        ("action_investigate", "demo_user_wangfang", (0, "11:00")),
        (
            "action_submit_plan",
            "demo_user_wangfang",
            (1, "16:00"),
            {"plan_deadline": (7, "17:30")},
        ),
        ("action_approve_plan", "demo_user_zhaomin", (1, "17:30")),
        ("action_done", "demo_user_wangfang", (7, "17:00")),
        ("action_start_review", "demo_user_wangfang", (8, "10:00")),
    ],
    # Complaints from the portal (customer_followup_portal_demo.xml).
    "demo_anomaly_portal_open": [("action_report", "demo_user_wangfang", 30)],
    "demo_anomaly_portal_feedback": [
        ("action_report", "demo_user_wangfang", 15),
        ("action_respond", "demo_user_chenjing", 40),
        ("action_investigate", "demo_user_wangfang", 60),
        ("action_submit_plan", "demo_user_wangfang", 180),
        ("action_approve_plan", "demo_user_chenjing", 210),
        ("action_done", "demo_user_wangfang", 1560),
    ],
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
        # Odoo loads an addon's own translations once it is installed, after
        # its demo: the demo's calendar events and messages, written in
        # their people's language, need them now.
        self.env["ir.module.module"]._load_module_terms(
            ["customer_followup"], ["zh_CN", "zh_TW"], overwrite=False
        )

    @api.model
    def _load_demo_company(self):
        """The demo company's partner in its own words, its chart of
        accounts, the copies of the shipped tiers it got when it was created
        named for the demo (customer_followup_visit_expense_demo.xml), and
        the administrator working in it."""
        company = self.env.ref("customer_followup.demo_company")
        company.partner_id.write(
            {
                "comment": "Suzhou Jingheng Instrument & Meter Co., Ltd. "
                "(苏州精衡仪器仪表有限公司): flowmeters, pressure transmitters and "
                "level gauges for process industries.",
                "tz": "Asia/Shanghai",
                "lang": "zh_CN",
            }
        )
        if not company.chart_template:
            # The generic chart (_load() is what try_loading() runs once the
            # registry is loaded, which it is not while a module installs).
            # It is the United States' and sets their currency: the company
            # takes its own back, which its invoiced sales then keep
            # (_load_demo_sales; account refuses to change the currency of a
            # company with journal items, as a later load of the chart by an
            # installed module would).
            self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
            company.write(
                {
                    "currency_id": self.env.ref("base.CNY").id,
                    "account_fiscal_country_id": self.env.ref("base.cn").id,
                }
            )
        tiers = self.env["customer.followup.tier"].search([("company_id", "=", company.id)])
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": f"customer_followup.demo_company_tier_{tier.code}",
                    "record": tier,
                    "noupdate": True,
                }
                for tier in tiers
            ]
        )
        self.env.ref("base.user_admin").write(
            {
                "company_ids": [Command.link(company.id)],
                "company_id": company.id,
                "tz": "Asia/Shanghai",
            }
        )

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
        calendar.company_id.resource_calendar_id = calendar

    @api.model
    def _load_demo_sales(self):
        """Orders, deliveries and tiers in the demo company, in its CNY."""
        company = self.env.ref("customer_followup.demo_company")
        return self.with_company(company)._load_demo_company_sales()

    @api.model
    def _load_demo_company_sales(self):
        product = self.env.ref("customer_followup.demo_product_flowmeter")
        salesperson = self.env.ref("customer_followup.demo_user_zhangwei")
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
                        "user_id": salesperson.id,
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
        pickings = orders.filtered(lambda o: (today - order_dates[o.id]).days > 60).picking_ids
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()
        # Shipped a few days after each order, so that deliveries spread over
        # the year as the orders do (anomaly incidence per 100 deliveries).
        for picking in pickings:
            shipped = order_dates[picking.sale_id.id] + timedelta(days=5)
            picking.date_done = datetime.combine(shipped, time(8, 0))
        # Invoiced when shipped, one invoice per order, in CNY.
        invoices = pickings.sale_id._create_invoices(grouped=True)
        for invoice in invoices:
            order = invoice.invoice_line_ids.sale_line_ids.order_id
            invoice.invoice_date = order_dates[order.id] + timedelta(days=5)
        invoices.action_post()
        self.env["res.partner"].search(
            self.env["res.partner"]._followup_tier_candidate_domain()
        )._followup_recompute_tiers()

    @api.model
    def _load_demo_visit_history(self, months=6):
        company = self.env.ref("customer_followup.demo_company")
        return self.with_company(company)._load_demo_company_visit_history(months)

    @api.model
    def _load_demo_company_visit_history(self, months=6):
        """Six months of routine follow-ups, so that the KPI overview and the
        analysis report of last quarter have something to say: most done and
        scored, some missed, a few problems found, some still open. The
        pattern is fixed, so the figures are the same on every install."""
        Visit = self.env["customer.followup.visit"].with_context(
            mail_create_nolog=True, tracking_disable=True
        )
        today = fields.Date.context_today(self)
        first = today.replace(day=1)
        channels = ["phone", "phone", "video", "message", "email"]
        scores = [5, 4, 5, 3, 4, 5, 2, 4, 5, 4, 1, 5]
        problems = [
            ("delivery", "交货延迟两天 Delivery two days late"),
            ("aftersales", "备件等待时间长 Waiting long for spare parts"),
            ("installation", "调试文件不全 Commissioning documents incomplete"),
            ("delivery", "包装破损 Damaged packaging"),
            ("technical", "通讯协议说明不清 Protocol manual unclear"),
        ]
        vals_list, outcomes = [], []
        for month_back in range(months, 0, -1):
            month = first - relativedelta(months=month_back)
            for index, xmlid in enumerate(DEMO_SALES):
                # Strategic and key customers monthly, the others every other month.
                if index >= 8 and (month.month + index) % 2:
                    continue
                partner = self.env.ref(f"customer_followup.{xmlid}")
                day = month + timedelta(days=3 + (index * 2) % 22)
                seed = month.month * 7 + index
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "company_id": self.env.company.id,
                        "trigger": "routine",
                        "channel": channels[seed % len(channels)],
                        "user_id": partner.followup_user_id.id or self.env.uid,
                        "scheduled_date": datetime.combine(day, time(2, 30)),
                        "period_key": f"demo/{month:%Y-%m}/{xmlid}",
                    }
                )
                outcomes.append(seed)
        visits = Visit.create(vals_list)
        found = []
        for visit, seed in zip(visits, outcomes, strict=True):
            if seed % 9 == 4:
                # Could not be reached: the follow-up was missed.
                visit.write({"state": "unreachable", "attempt_count": 3})
                continue
            score = scores[seed % len(scores)]
            visit.write(
                {
                    "satisfaction": str(score),
                    "score_quality": str(min(5, score + 1) if seed % 2 else score),
                    "score_delivery": str(max(0, score - 1) if seed % 3 == 0 else score),
                    "score_attitude": str(5 if score >= 3 else score + 1),
                    "score_speed": str(score),
                    "would_recommend": score >= 4,
                    "content": (
                        "<p>例行回访：设备运行情况、使用反馈、后续需求。Routine follow-up.</p>"
                    ),
                    "state": "done",
                    "done_date": visit.scheduled_date + timedelta(minutes=20),
                }
            )
            if score <= 3 or seed % 7 == 0:
                category, name = problems[seed % len(problems)]
                found.append(
                    {
                        "visit_id": visit.id,
                        "name": name,
                        "category": category,
                        "user_id": visit.user_id.id,
                        "date_deadline": visit.scheduled_date.date() + timedelta(days=7),
                        # Problems of the older months are solved, the recent ones not all.
                        "state": "done" if seed % 4 else "open",
                        "result": "已处理并告知客户 Handled and told the customer"
                        if seed % 4
                        else False,
                    }
                )
        self.env["customer.followup.visit.problem"].with_context(
            mail_create_nolog=True, tracking_disable=True
        ).create(found)
        # Holiday greetings to the first eight customers three months ago
        # (always last quarter): sent without scores, counted apart.
        greeting_month = first - relativedelta(months=3)
        greetings = Visit.create(
            [
                {
                    "partner_id": self.env.ref(f"customer_followup.{xmlid}").id,
                    "company_id": self.env.company.id,
                    "trigger": "holiday",
                    "channel": "message",
                    "user_id": self.env.ref(f"customer_followup.{xmlid}").followup_user_id.id
                    or self.env.uid,
                    "scheduled_date": datetime.combine(greeting_month + timedelta(days=8), time(1)),
                    "period_key": f"demo/holiday/{greeting_month:%Y-%m}/{xmlid}",
                }
                for xmlid in list(DEMO_SALES)[:8]
            ]
        )
        for greeting in greetings:
            greeting.write(
                {
                    "content": "<p>节日问候已发送。Holiday greeting sent.</p>",
                    "state": "done",
                    "done_date": greeting.scheduled_date + timedelta(minutes=5),
                }
            )

    # ------------------------------------------------------------------
    # Service anomalies: each step by the person of the regulation, at the
    # time it was taken
    # ------------------------------------------------------------------
    @api.model
    def _demo_local_time(self, start, when):
        """The UTC time of ``when`` after ``start`` (naive UTC): minutes
        after it, or ``(days, "HH:MM")``, that clock time in Shanghai
        ``days`` days after the day of ``start``."""
        if isinstance(when, int):
            return start + timedelta(minutes=when)
        days, clock = when
        tz = pytz.timezone("Asia/Shanghai")
        day = pytz.utc.localize(start).astimezone(tz).date() + timedelta(days=days)
        hour, minute = map(int, clock.split(":"))
        local = tz.localize(datetime.combine(day, time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _load_demo_anomaly_timelines(self, xmlids):
        """Move the demo anomalies ``xmlids`` along DEMO_ANOMALY_STORIES: each
        step by its user's own button, then dated when the story says that
        user took it (the timeline, the clocks, what the step stamped and
        its chatter). The anomaly was recorded by its handler when it was
        discovered."""
        Step = self.env["customer.followup.anomaly.step"]
        for xmlid in xmlids:
            anomaly = self.env.ref(f"customer_followup.{xmlid}")
            recorder = anomaly.user_id
            recorded = anomaly.discovered_at + timedelta(minutes=2)
            Step.search([("anomaly_id", "=", anomaly.id)]).write({"user_id": recorder.id})
            messages = self.env["mail.message"].search(
                [("model", "=", anomaly._name), ("res_id", "=", anomaly.id)], order="id"
            )
            messages.write({"date": recorded})
            messages[:1].author_id = recorder.partner_id
            for method, login, when, *vals in DEMO_ANOMALY_STORIES.get(xmlid, []):
                user = self.env.ref(f"customer_followup.{login}")
                at = self._demo_local_time(anomaly.discovered_at, when)
                self._demo_anomaly_step(anomaly, method, user, at, vals and vals[0])

    @api.model
    def _demo_anomaly_step(self, anomaly, method, user, at, vals=None):
        """``user`` presses the button ``method`` of ``anomaly``, done with
        the to-dos it gave them; what the step stamped with the time of the
        install is moved to ``at``."""
        last = {
            model: self.env[model].search([], order="id desc", limit=1).id
            for model in ("customer.followup.anomaly.step", "mail.message")
        }
        stamps = [
            name
            for name, field in anomaly._fields.items()
            if field.type == "datetime"
            and field.store
            and not field.compute
            and name not in ("create_date", "write_date", "discovered_at", "plan_deadline")
        ]
        before = {name: anomaly[name] for name in stamps}
        met = {clock.step: clock.met_at for clock in anomaly.clock_ids}
        if vals:
            anomaly.with_user(user).write(
                {
                    name: self._demo_local_time(anomaly.discovered_at, value)
                    if name == "plan_deadline"
                    else value
                    for name, value in vals.items()
                }
            )
        now = fields.Datetime.now()
        # Acting on the anomaly, the user marks the to-dos it gave them done
        # (told of the report, asked to approve the plan).
        anomaly.activity_ids.filtered(lambda a: a.user_id == user).with_user(user).action_feedback()
        getattr(anomaly.with_user(user), method)()
        anomaly.invalidate_recordset()
        shift = at - now
        moved = {
            name: anomaly[name] + shift
            for name in stamps
            if anomaly[name] and anomaly[name] != before[name]
        }
        if moved.get("progress_deadline"):
            moved["progress_deadline"] = anomaly._next_progress_deadline(at)
        if moved:
            anomaly._write_workflow(moved)
        if "resolved_at" in moved:
            # The review meeting's clock runs from the resolution.
            anomaly._place_clocks()
        for clock in anomaly.clock_ids:
            if clock.met_at and clock.met_at != met.get(clock.step):
                clock.met_at = at
        for step in self.env["customer.followup.anomaly.step"].search(
            [("id", ">", last["customer.followup.anomaly.step"]), ("anomaly_id", "=", anomaly.id)]
        ):
            step.write({"date": at, "deadline": anomaly._step_deadline(step.state)})
        self.env["mail.message"].search(
            [
                ("id", ">", last["mail.message"]),
                ("model", "=", anomaly._name),
                ("res_id", "=", anomaly.id),
            ]
        ).write({"date": at})
