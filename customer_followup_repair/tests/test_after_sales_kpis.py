from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.customer_followup.tests.anomaly_common import AnomalyCase


@tagged("post_install", "-at_install")
class TestAfterSalesKpis(AnomalyCase):
    """After-sales KPIs of 002 七 (服务响应时间, 维修及时率, 维修成功率,
    处理后满意度) on a hand-built November 2026, Shanghai time:

    repairs finished in November: 甲/pressure gauge on its scheduled day
    (20:00 on the 5th, scheduled 17:00 that day), 乙/flowmeter the day before
    its scheduled date, 甲/flowmeter two days late → 2 of 3 on time, 66.7 %.
    甲's pressure gauge is repaired again on 5 December, day 30 after its
    repair: a failure; 乙's flowmeter on 10 December, day 31: none →
    2 of 3 successful, 66.7 %.

    anomalies responded to in November: one 2 hours after its discovery,
    one 65 hours after (a weekend in between: elapsed time) → 33.5 h; one
    responded to on 1 December does not count. Handled in November and
    rated by the customer: 4 and 2 → 1 of 2 satisfied, 50 %."""

    PERIOD = (date(2026, 11, 1), date(2026, 11, 30))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.Kpi = cls.env["customer.followup.kpi"]
        cls.Report = cls.env["customer.followup.repair.report"]
        cls.gauge = cls.env["product.product"].create({"name": "数显压力表 Gauge", "type": "consu"})
        cls.jia = cls._customer("甲 Repair Co")
        cls.yi = cls._customer("乙 Repair Co")
        cls.jia.with_company(cls.company).sudo().followup_user_id = cls.user_cs

        cls.on_day = cls._repair(
            cls.jia, cls.gauge, datetime(2026, 11, 5, 17, 0), datetime(2026, 11, 5, 20, 0)
        )
        cls.early = cls._repair(
            cls.yi, cls.product, datetime(2026, 11, 10, 12, 0), datetime(2026, 11, 9, 15, 0)
        )
        cls.late = cls._repair(
            cls.jia, cls.product, datetime(2026, 11, 12, 17, 0), datetime(2026, 11, 14, 10, 0)
        )
        # Repaired again: day 30 after the gauge's repair, day 31 after the flowmeter's.
        cls.back_day_30 = cls._repair(cls.jia, cls.gauge, datetime(2026, 12, 5, 9, 0))
        cls.back_day_31 = cls._repair(cls.yi, cls.product, datetime(2026, 12, 10, 9, 0))

        # Anomalies: discovered Monday 16 November 09:00, responded 11:00;
        # discovered Friday 20 November 16:00, responded Monday 09:00.
        cls.quick = cls._anomaly(datetime(2026, 11, 16, 9, 0), datetime(2026, 11, 16, 11, 0))
        cls.slow = cls._anomaly(datetime(2026, 11, 20, 16, 0), datetime(2026, 11, 23, 9, 0))
        cls.december = cls._anomaly(datetime(2026, 11, 30, 22, 0), datetime(2026, 12, 1, 8, 0))
        with freeze_time(cls.utc(datetime(2026, 11, 17, 10, 0))):
            cls._advance_cls(cls.quick, "review")  # the customer rates it 4
        with freeze_time(cls.utc(datetime(2026, 11, 24, 10, 0))):
            cls._advance_cls(cls.slow, "feedback")
            cls.slow.customer_satisfaction = "2"

    @classmethod
    def _repair(cls, partner, product, scheduled, done=None, lot=None):
        """A repair order scheduled and finished at Shanghai wall-clock
        times, registered the day before it is scheduled (a repeat repair
        is dated by its scheduled date)."""
        with freeze_time(cls.utc(scheduled - timedelta(days=1))):
            repair = cls.env["repair.order"].create(
                {
                    "partner_id": partner.id,
                    "product_id": product.id,
                    "company_id": cls.company.id,
                    "schedule_date": cls.utc(scheduled),
                    "lot_id": lot and lot.id,
                }
            )
        if done:
            with freeze_time(cls.utc(done)):
                repair.action_validate()
                repair.action_repair_start()
                repair.action_repair_end()
        return repair

    @classmethod
    def _anomaly(cls, discovered, responded):
        with freeze_time(cls.utc(discovered)):
            anomaly = cls.Anomaly.create(
                {
                    "partner_id": cls.customer.id,
                    "category": "aftersales",
                    "severity": "general",
                    "description": "压力表读数漂移",
                    "company_id": cls.company.id,
                    "discovered_at": cls.utc(discovered),
                    "user_id": cls.user_cs.id,
                }
            )
        with freeze_time(cls.utc(responded)):
            cls._advance_cls(anomaly, "responding")
        return anomaly

    @classmethod
    def _advance_cls(cls, anomaly, target):
        return AnomalyCase.advance(cls, anomaly, target)

    def kpis(self, **kwargs):
        return self.Kpi._compute(self.company, *self.PERIOD, **kwargs)

    def line(self, repair):
        # The analysis is a query: what the cache holds of it is stale after a change.
        self.Report.invalidate_model()
        return self.Report.search([("repair_id", "=", repair.id)])

    def test_on_time_repair_rate(self):
        self.assertEqual(self.on_day.followup_repaired_at, datetime(2026, 11, 5, 12, 0))
        # Finished at 20:00 on its scheduled day: on time, as the day before.
        self.assertTrue(self.line(self.on_day).on_time)
        self.assertTrue(self.line(self.early).on_time)
        self.assertFalse(self.line(self.late).on_time)
        kpi = self.kpis()["repair_on_time"]
        self.assertEqual((kpi["numerator"], kpi["denominator"]), (2, 3))
        self.assertEqual(kpi["value"], 66.7)
        # Repairs not finished are not judged yet.
        self.assertFalse(self.line(self.back_day_30).repaired_at)

    def test_repeat_within_30_days_is_a_failure(self):
        self.assertEqual(self.line(self.on_day).repeat_repair_id, self.back_day_30)
        self.assertFalse(self.line(self.on_day).successful)
        # Day 31 is outside the 30 days.
        self.assertFalse(self.line(self.early).repeat_repair_id)
        self.assertTrue(self.line(self.early).successful)
        kpi = self.kpis()["repair_success"]
        self.assertEqual((kpi["numerator"], kpi["denominator"]), (2, 3))
        self.assertEqual(kpi["value"], 66.7)
        self.assertEqual(self.kpis()["_figures"]["repairs_repeated"], 1)

    def test_repeat_days_are_set_per_company_in_settings(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.followup_repeat_repair_days, 30)
        settings.followup_repeat_repair_days = 31
        settings.save().execute()
        self.assertEqual(self.company.followup_repeat_repair_days, 31)
        # Within 31 days, the flowmeter brought back on day 31 fails too.
        self.assertEqual(self.kpis()["repair_success"]["value"], 33.3)
        self.company.followup_repeat_repair_days = 29
        self.assertEqual(self.kpis()["repair_success"]["value"], 100.0)
        with self.assertRaises(ValidationError):
            settings = Form(self.env["res.config.settings"])
            settings.followup_repeat_repair_days = 0
            settings.save()

    def test_other_customer_or_cancelled_repair_is_no_repeat(self):
        # The late flowmeter of 甲 (14 November): 丙 repairs a flowmeter
        # too, and 甲's own new repair of it is cancelled.
        bing = self._customer("丙 Repair Co")
        self._repair(bing, self.product, datetime(2026, 11, 21, 17, 0))
        again = self._repair(self.jia, self.product, datetime(2026, 11, 21, 17, 0))
        self.assertEqual(self.line(self.late).repeat_repair_id, again)
        self.assertEqual(self.kpis()["repair_success"]["value"], 33.3)
        again.action_repair_cancel()
        self.assertFalse(self.line(self.late).repeat_repair_id)
        self.assertEqual(self.kpis()["repair_success"]["value"], 66.7)

    def test_repeat_days_are_counted_by_date(self):
        # The late flowmeter of 甲 was finished at 10:00 on 14 November; a
        # repeat at 17:00 on 14 December is on day 30 (30 days and 7 hours).
        again = self._repair(self.jia, self.product, datetime(2026, 12, 14, 17, 0))
        self.assertEqual(self.line(self.late).repeat_repair_id, again)
        again.schedule_date = self.utc(datetime(2026, 12, 15, 8, 0))  # day 31
        self.assertFalse(self.line(self.late).repeat_repair_id)

    def test_another_serial_number_is_no_repeat(self):
        meter = self.env["product.product"].create(
            {"name": "超声波流量计 Ultrasonic", "is_storable": True, "tracking": "serial"}
        )
        sn1, sn2 = (
            self.env["stock.lot"].create(
                {"name": name, "product_id": meter.id, "company_id": self.company.id}
            )
            for name in ("SN-001", "SN-002")
        )
        first = self._repair(
            self.yi, meter, datetime(2026, 11, 16, 17, 0), datetime(2026, 11, 16, 15, 0), lot=sn1
        )
        other = self._repair(self.yi, meter, datetime(2026, 11, 20, 17, 0), lot=sn2)
        self.assertFalse(self.line(first).repeat_repair_id)
        other.lot_id = sn1
        self.assertEqual(self.line(first).repeat_repair_id, other)

    def test_response_time_in_elapsed_hours(self):
        kpi = self.kpis()["response_hours"]
        # 2 h and 65 h elapsed (over the weekend); the one of 1 December is December's.
        self.assertEqual(kpi["denominator"], 2)
        self.assertEqual(kpi["numerator"], 67.0)
        self.assertEqual(kpi["value"], 33.5)
        self.assertEqual(self.Kpi._status("response_hours", 33.5, self.company), "no_target")
        december = self.Kpi._compute(self.company, date(2026, 12, 1), date(2026, 12, 31))
        self.assertEqual(december["response_hours"]["value"], 10.0)

    def test_anomaly_analysis_averages_response_and_satisfaction(self):
        """The pivot of Anomaly Analysis: response time and the share of
        customers satisfied after handling, averaged per group."""
        self.assertEqual(self.quick.responded_at, datetime(2026, 11, 16, 3, 0))
        self.assertEqual(self.quick.response_hours, 2.0)
        self.assertEqual(self.slow.response_hours, 65.0)
        self.assertEqual(self.december.response_hours, 10.0)
        self.assertEqual(self.quick.satisfied_after_handling, 100.0)
        self.assertEqual(self.slow.satisfied_after_handling, 0.0)
        anomalies = self.quick | self.slow | self.december
        [(hours, satisfied)] = self.Anomaly._read_group(
            [("id", "in", anomalies.ids)],
            [],
            ["response_hours:avg", "satisfied_after_handling:avg"],
        )
        # (2 + 65 + 10) / 3 hours; the unrated one of December is no 0.
        self.assertEqual(round(hours, 1), 25.7)
        self.assertEqual(satisfied, 50.0)

    def test_satisfaction_after_handling(self):
        kpis = self.kpis()
        kpi = kpis["handling_satisfaction"]
        self.assertEqual((kpi["numerator"], kpi["denominator"]), (1, 2))
        self.assertEqual(kpi["value"], 50.0)
        self.assertEqual(kpis["_figures"]["handling_satisfaction_avg"], 3.0)
        # Below the 70 % warning of the satisfaction target (90 %).
        self.assertEqual(self.Kpi._status("handling_satisfaction", 50.0, self.company), "miss")

    def test_kpi_overview_and_analysis_report(self):
        with freeze_time(self.utc(datetime(2026, 12, 2, 10, 0))):
            lines = self.env["customer.followup.kpi.line"]._build(
                self.company, today=date(2026, 12, 2)
            )
        by_kpi = {line.kpi: line for line in lines}
        self.assertEqual(by_kpi["repair_on_time"].previous_display, "66.7 %")
        self.assertEqual(by_kpi["repair_success"].previous_display, "66.7 %")
        self.assertEqual(by_kpi["response_hours"].previous_display, "33.5 h")
        self.assertEqual(by_kpi["handling_satisfaction"].previous_display, "50.0 %")
        self.assertEqual(by_kpi["repair_on_time"].target_display, "≥ 100.0 %")

        analysis = self.env["customer.followup.analysis"].create(
            {"company_id": self.company.id, "date_from": self.PERIOD[0], "date_to": self.PERIOD[1]}
        )
        data = analysis._report_data()
        values = {k["key"]: k["value"] for k in data["kpis"]}
        self.assertEqual(values["repair_on_time"], 66.7)
        self.assertEqual(values["repair_success"], 66.7)
        self.assertEqual(values["response_hours"], 33.5)
        self.assertEqual(values["handling_satisfaction"], 50.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("customer_followup.report_followup_analysis", analysis.ids)[0]
            .decode()
        )
        self.assertIn('data-kpi="repair_success"', html)
        self.assertIn('class="o_cf_repairs">3<', html)

    def test_pivot_rates_per_customer(self):
        groups = self.Report._read_group(
            [("repaired_at", "!=", False)],
            ["partner_id"],
            ["on_time_rate:avg", "success_rate:avg", "__count"],
        )
        rates = {partner: (on_time, success, n) for partner, on_time, success, n in groups}
        # 甲: one on time, one late; the gauge came back, the flowmeter did not.
        self.assertEqual(rates[self.jia], (50.0, 50.0, 2))
        self.assertEqual(rates[self.yi], (100.0, 100.0, 1))

    def test_specialist_measures_own_customers(self):
        """A specialist's figures cover the customers they own (甲 here)."""
        kpis = self.Kpi.with_user(self.user_cs)._compute(self.company, *self.PERIOD)
        self.assertEqual(kpis["repair_on_time"]["value"], 50.0)
        self.assertEqual(self.Report.with_user(self.user_cs).search([]).partner_id, self.jia)
        self.assertEqual(len(self.Report.with_user(self.user_dept_head).search([])), 5)
