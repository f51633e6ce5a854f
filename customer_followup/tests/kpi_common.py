from datetime import date, datetime

from freezegun import freeze_time

from .anomaly_common import AnomalyCase


class KpiCase(AnomalyCase):
    """A hand-built October 2025 (Shanghai time) whose KPIs are known:

    follow-ups planned 7 (one more cancelled; the closed anomaly's
    verification follow-up is one of them), done 4 → follow-up rate 57.1 %;
    scores 5, 4, 2, 0 → satisfaction 50 %, average 2.75;
    problems: 2 found on follow-ups (1 solved) + 2 anomalies (1 handled) → 50 %;
    the handled anomaly was accepted by the customer → confirmation 100 %;
    4 deliveries and 2 anomalies → incidence 50 per 100 deliveries;
    the handled anomaly took 24 hours from discovery to closing.
    September 2025 has one follow-up, done with a 5.

    Holiday greetings are no follow-ups of service: two were sent in
    October (one of them holding a 0 recorded before greetings were kept
    apart) and one is still to send; none of them moves a figure above."""

    PERIOD = (date(2025, 10, 1), date(2025, 10, 31))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.Visit = cls.env["customer.followup.visit"]
        cls.Kpi = cls.env["customer.followup.kpi"]
        cls.cust_a = cls._kpi_customer("甲 Strategic Co", cls.tier_strategic, cls.user_cs)
        cls.cust_b = cls._kpi_customer("乙 Key Co", cls.tier_key, cls.user_manager)
        cls.cust_c = cls._kpi_customer("丙 Normal Co", cls.tier_normal, cls.user_cs)

        v1 = cls._kpi_visit(cls.cust_a, datetime(2025, 10, 8, 2, 0), score=5)
        cls._kpi_visit(cls.cust_a, datetime(2025, 10, 15, 2, 0), score=4)
        v3 = cls._kpi_visit(cls.cust_b, datetime(2025, 10, 9, 6, 0), score=2)
        cls._kpi_visit(cls.cust_b, datetime(2025, 10, 20, 2, 0), state="unreachable")
        # 01:00 on 1 October in Shanghai is still 30 September in UTC: October's.
        cls._kpi_visit(cls.cust_c, datetime(2025, 9, 30, 17, 0))
        v6 = cls._kpi_visit(cls.cust_c, datetime(2025, 10, 21, 2, 0), state="cancelled")
        cls._kpi_visit(cls.cust_c, datetime(2025, 10, 28, 2, 0), score=0)
        # 00:30 on 1 November in Shanghai, still 31 October in UTC: November's.
        cls._kpi_visit(cls.cust_a, datetime(2025, 10, 31, 16, 30))
        cls.september = cls._kpi_visit(cls.cust_a, datetime(2025, 9, 10, 2, 0), score=5)
        # Greetings of the National Day (国庆节): sent, sent with an old 0, to send.
        cls.greeting_sent = cls._kpi_visit(
            cls.cust_a, datetime(2025, 10, 7, 2, 0), trigger="holiday", state="done"
        )
        cls._kpi_visit(cls.cust_b, datetime(2025, 10, 7, 3, 0), score=0, trigger="holiday")
        cls.greeting_to_send = cls._kpi_visit(
            cls.cust_c, datetime(2025, 10, 7, 6, 0), trigger="holiday"
        )

        Problem = cls.env["customer.followup.visit.problem"]
        cls.problem_solved = Problem.create(
            {
                "visit_id": v3.id,
                "name": "交货延迟 Late delivery",
                "category": "delivery",
                "result": "已加急补发 Sent by express",
            }
        )
        cls.problem_solved.action_done()
        cls.problem_open = Problem.create(
            {
                "visit_id": v3.id,
                "name": "备件不足 Spare parts missing",
                "category": "aftersales",
                "user_id": cls.user_manager.id,
                "date_deadline": date(2025, 10, 20),
            }
        )
        # Neither a cancelled problem nor one found on a cancelled follow-up counts.
        Problem.create({"visit_id": v1.id, "name": "Withdrawn", "state": "cancelled"})
        Problem.create({"visit_id": v6.id, "name": "On a cancelled follow-up"})

        # Tuesday 14 October 2025, 10:00 in Shanghai.
        with freeze_time("2025-10-14 02:00:00"):
            cls.handled = cls._kpi_anomaly(cls.cust_a, "delivery")
            cls.pending = cls._kpi_anomaly(cls.cust_c, "installation")
        with freeze_time("2025-10-14 02:05:00"):
            cls.handled_report = cls._advance_cls(cls.handled, "reported")
        with freeze_time("2025-10-15 02:00:00"):
            cls._advance_cls(cls.handled, "closed")

        for partner, day in ((cls.cust_a, 3), (cls.cust_a, 17), (cls.cust_b, 9), (cls.cust_c, 24)):
            cls._kpi_delivery(partner, datetime(2025, 10, day, 3, 0))
        # A delivery of September does not count in October.
        cls._kpi_delivery(cls.cust_b, datetime(2025, 9, 12, 3, 0))

    @classmethod
    def _kpi_customer(cls, name, tier, owner):
        partner = cls._customer(name, customer_rank=1)
        partner.with_company(cls.company).sudo().write(
            {
                "followup_tier_id": tier.id,
                "followup_tier_manual": True,
                "followup_tier_manual_reason": "test",
                "followup_user_id": owner.id,
            }
        )
        return partner

    @classmethod
    def _kpi_visit(cls, partner, when, score=None, state=None, trigger="routine"):
        visit = cls.Visit.create(
            {
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "channel": "phone",
                "trigger": trigger,
                "scheduled_date": when,
                "user_id": partner.with_company(cls.company).followup_user_id.id,
            }
        )
        if score is not None:
            visit.write({"satisfaction": str(score), "state": "done", "done_date": when})
        elif state == "done":
            visit.write({"state": state, "done_date": when})
        elif state:
            visit.write({"state": state})
        return visit

    @classmethod
    def _kpi_anomaly(cls, partner, category):
        return cls.env["customer.followup.anomaly"].create(
            {
                "partner_id": partner.id,
                "category": category,
                "severity": "general",
                "description": "KPI test",
                "company_id": cls.company.id,
                "user_id": partner.with_company(cls.company).followup_user_id.id,
            }
        )

    @classmethod
    def _advance_cls(cls, anomaly, target):
        # AnomalyCase.advance only reads class attributes (users, policies).
        return AnomalyCase.advance(cls, anomaly, target)

    @classmethod
    def _kpi_delivery(cls, partner, when):
        order = cls._sell(partner, 100.0)
        picking = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        picking.date_done = when
        return picking

    def kpis(self, **kwargs):
        return self.Kpi._compute(self.company, *self.PERIOD, **kwargs)
