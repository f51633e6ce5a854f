from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .kpi_common import KpiCase


@tagged("post_install", "-at_install")
class TestKpi(KpiCase):
    """KPIs of SPEC §7 on a hand-built month with known answers."""

    def test_followup_rate_and_satisfaction(self):
        kpis = self.kpis()
        # Seven planned follow-ups (the cancelled one excluded, the one of
        # 01:00 on 1 October local time and the verification follow-up of
        # the closed anomaly included), four done.
        self.assertEqual(kpis["_figures"]["planned"], 7)
        self.assertEqual(kpis["followup_rate"]["value"], 57.1)
        self.assertEqual(kpis["satisfaction_rate"]["value"], 50.0)
        self.assertEqual(kpis["satisfaction_avg"]["value"], 2.75)
        self.assertEqual(kpis["_figures"]["distribution"], {0: 1, 1: 0, 2: 1, 3: 0, 4: 1, 5: 1})

    def test_greetings_move_neither_the_rate_nor_satisfaction(self):
        """Issue 14: a holiday greeting is done without a score or a
        signature, and counts apart as a greeting sent."""
        kpis = self.kpis()
        self.assertEqual(kpis["greetings_sent"]["value"], 2)
        greeting = self.greeting_to_send.with_user(self.user_cs)
        greeting.channel = "onsite"  # a gift brought in person: nothing to sign
        with freeze_time("2025-10-07 07:00:00"):
            greeting.action_done()
        self.assertEqual(greeting.state, "done")
        self.assertFalse(greeting.satisfaction)
        kpis = self.kpis()
        self.assertEqual(kpis["greetings_sent"]["value"], 3)
        # The same figures as without any greeting: 4 done of 7 planned,
        # scores 5, 4, 2, 0 (the greeting's old 0 is not one of them).
        self.assertEqual(kpis["_figures"]["planned"], 7)
        self.assertEqual(kpis["_figures"]["done"], 4)
        self.assertEqual(kpis["followup_rate"]["value"], 57.1)
        self.assertEqual(kpis["_figures"]["answers"], 4)
        self.assertEqual(kpis["satisfaction_rate"]["value"], 50.0)
        self.assertEqual(kpis["satisfaction_avg"]["value"], 2.75)
        self.assertEqual(kpis["_figures"]["distribution"], {0: 1, 1: 0, 2: 1, 3: 0, 4: 1, 5: 1})
        self.assertEqual(self.Kpi._status("greetings_sent", 3, self.company), "no_target")

    def test_unanswered_follow_ups_are_not_scores(self):
        """Issue 14: the planned and unreachable follow-ups hold no score;
        only the four answers are averaged, not a 0 per unanswered one."""
        october = self.Visit.search(
            self.Kpi._planned_domain(
                self.Kpi._visit_domain(self.company), *self.Kpi._period_bounds(*self.PERIOD)
            )
        )
        unanswered = october.filtered(lambda v: v.state != "done")
        self.assertEqual(len(unanswered), 3)
        self.assertEqual(set(unanswered.mapped("satisfaction")), {False})
        (average,) = self.Visit._read_group(
            [("id", "in", october.ids)], [], ["satisfaction_avg:avg"]
        )[0]
        self.assertEqual(average, 2.75)

    def test_problems_confirmation_incidence_and_clocks(self):
        kpis = self.kpis()
        self.assertEqual(
            (kpis["resolution_rate"]["numerator"], kpis["resolution_rate"]["denominator"]), (2, 4)
        )
        self.assertEqual(kpis["resolution_rate"]["value"], 50.0)
        self.assertEqual(kpis["confirmation_rate"]["value"], 100.0)
        self.assertEqual(kpis["_figures"]["deliveries"], 4)
        self.assertEqual(kpis["anomaly_incidence"]["value"], 50.0)
        self.assertEqual(kpis["report_on_time"]["value"], 100.0)
        self.assertEqual(kpis["avg_handling_hours"]["value"], 24.0)

    def test_unconfirmed_result_lowers_the_confirmation_rate(self):
        self.handled.sudo().write({"customer_accepted": False})
        self.assertEqual(self.kpis()["confirmation_rate"]["value"], 0.0)
        # Confirmed by the customer in the portal.
        self.handled.sudo().write({"customer_confirmation": "confirmed"})
        self.assertEqual(self.kpis()["confirmation_rate"]["value"], 100.0)
        # Refused: not a confirmation, whatever was recorded before.
        self.handled.sudo().write({"customer_confirmation": "rejected", "customer_accepted": True})
        self.assertEqual(self.kpis()["confirmation_rate"]["value"], 0.0)

    def test_filters_by_tier_and_owner(self):
        strategic = self.kpis(tiers=self.tier_strategic)
        self.assertEqual(strategic["_figures"]["planned"], 3)
        self.assertEqual(strategic["followup_rate"]["value"], 66.7)
        self.assertEqual(strategic["_figures"]["anomalies"], 1)
        self.assertEqual(strategic["_figures"]["deliveries"], 2)
        owner = self.kpis(users=self.user_manager)
        # Customer 乙's two follow-ups: one done with a 2, one unreachable.
        self.assertEqual(owner["followup_rate"]["value"], 50.0)
        self.assertEqual(owner["satisfaction_avg"]["value"], 2.0)

    def test_reader_rights_apply(self):
        # A specialist sees only the customers they own: 甲 and 丙.
        kpis = (
            self.Kpi.with_user(self.user_cs)
            .with_context(tz="Asia/Shanghai")
            ._compute(self.company, *self.PERIOD)
        )
        self.assertEqual(kpis["_figures"]["planned"], 5)
        self.assertEqual(kpis["_figures"]["done"], 3)

    def test_empty_period_has_no_value(self):
        kpis = self.Kpi._compute(self.company, date(2024, 1, 1), date(2024, 1, 31))
        self.assertIsNone(kpis["followup_rate"]["value"])
        self.assertIsNone(kpis["satisfaction_avg"]["value"])
        self.assertEqual(self.Kpi._status("followup_rate", None, self.company), "none")

    def test_previous_period(self):
        previous = self.Kpi._previous_period
        self.assertEqual(previous(*self.PERIOD), (date(2025, 9, 1), date(2025, 9, 30)))
        self.assertEqual(
            previous(date(2025, 7, 1), date(2025, 9, 30)), (date(2025, 4, 1), date(2025, 6, 30))
        )
        self.assertEqual(
            previous(date(2025, 1, 1), date(2025, 3, 31)), (date(2024, 10, 1), date(2024, 12, 31))
        )
        self.assertEqual(
            previous(date(2025, 10, 5), date(2025, 10, 14)), (date(2025, 9, 25), date(2025, 10, 4))
        )

    def test_status_against_targets(self):
        status = self.Kpi._status
        self.assertEqual(status("followup_rate", 100.0, self.company), "ok")
        # Less than one 5 % step under the target warns, more misses (001).
        self.assertEqual(status("followup_rate", 96.0, self.company), "warning")
        self.assertEqual(status("followup_rate", 94.0, self.company), "miss")
        # Satisfaction: bonus from 90 %, warning down to 70 %, a miss below.
        self.assertEqual(status("satisfaction_rate", 91.0, self.company), "ok")
        self.assertEqual(status("satisfaction_rate", 75.0, self.company), "warning")
        self.assertEqual(status("satisfaction_rate", 65.0, self.company), "miss")
        # Lower is better for incidence and handling time.
        self.assertEqual(status("anomaly_incidence", 1.5, self.company), "ok")
        self.assertEqual(status("anomaly_incidence", 50.0, self.company), "miss")
        self.company.followup_target_followup_rate = 70.0
        self.assertEqual(status("followup_rate", 66.7, self.company), "warning")


@tagged("post_install", "-at_install")
class TestKpiOverview(KpiCase):
    def test_overview_this_month_and_last(self):
        Line = self.env["customer.followup.kpi.line"]
        lines = Line._build(self.company, today=date(2025, 11, 20))
        by_kpi = {line.kpi: line for line in lines}
        self.assertEqual(len(lines), len(self.Kpi._kpi_definitions()))
        rate = by_kpi["followup_rate"]
        # November's only follow-up (00:30 on 1 November local time) is
        # not done yet; October is last month.
        self.assertEqual(rate.value_display, "0.0 %")
        self.assertEqual(rate.basis, "0 / 1")
        self.assertEqual(rate.status, "miss")
        self.assertEqual(by_kpi["satisfaction_avg"].value_display, "—")
        self.assertEqual(by_kpi["satisfaction_avg"].status, "none")
        # Greetings are counted on their own line: none in November, two in October.
        self.assertEqual(by_kpi["greetings_sent"].value_display, "0")
        self.assertEqual(by_kpi["greetings_sent"].previous_display, "2")
        self.assertEqual(by_kpi["greetings_sent"].status, "no_target")
        self.assertEqual(rate.previous_display, "57.1 %")
        self.assertEqual(rate.previous_status, "miss")
        self.assertEqual(rate.target_display, "≥ 100.0 %")
        lines = Line._build(self.company, today=date(2025, 10, 31))
        by_kpi = {line.kpi: line for line in lines}
        satisfaction = by_kpi["satisfaction_rate"]
        self.assertEqual(satisfaction.value_display, "50.0 %")
        self.assertEqual(satisfaction.basis, "2 / 4")
        # September's only answer was a 5: October is worse.
        self.assertEqual(satisfaction.previous_display, "100.0 %")
        self.assertEqual(satisfaction.trend, "worse")
        self.assertEqual(by_kpi["anomaly_incidence"].target_display, "≤ 2")

    def test_overview_action_for_a_specialist(self):
        Line = self.env["customer.followup.kpi.line"].with_user(self.user_cs)
        action = Line.action_open_overview()
        self.assertEqual(action["res_model"], "customer.followup.kpi.line")
        lines = Line.search(action["domain"])
        self.assertEqual(len(lines), len(self.Kpi._kpi_definitions()))
        # Reopening replaces the lines; another user never sees them.
        again = Line.action_open_overview()
        self.assertFalse(Line.browse(lines.ids).exists())
        self.assertFalse(
            self.env["customer.followup.kpi.line"]
            .with_user(self.user_manager)
            .search(again["domain"])
        )

    def test_overview_menu_opens(self):
        action = self.env.ref("customer_followup.customer_followup_kpi_overview_action")
        result = action.with_user(self.user_manager).run()
        self.assertEqual(result["res_model"], "customer.followup.kpi.line")


@tagged("post_install", "-at_install")
class TestKpiSettings(KpiCase):
    def _settings(self, **vals):
        return self.env["res.config.settings"].with_company(self.company).create(vals)

    def test_targets_saved_per_company(self):
        self._settings(
            followup_target_followup_rate=90.0, followup_target_handling_hours=48.0
        ).execute()
        self.assertEqual(self.company.followup_target_followup_rate, 90.0)
        self.assertEqual(self.company.followup_target_handling_hours, 48.0)
        self.assertEqual(self.Kpi._status("followup_rate", 90.0, self.company), "ok")

    def test_defaults_come_from_the_regulations(self):
        company = self.env["res.company"].create({"name": "Defaults Co"})
        self.assertEqual(company.followup_target_followup_rate, 100.0)
        self.assertEqual(company.followup_target_satisfaction, 90.0)
        self.assertEqual(company.followup_satisfaction_warning, 70.0)
        self.assertEqual(company.followup_target_confirmation_rate, 100.0)

    def test_bad_targets_are_refused(self):
        before = self.company.followup_target_satisfaction
        with self.assertRaises(ValidationError):
            self._settings(followup_target_satisfaction=120.0)
        with self.assertRaises(ValidationError):
            self._settings(followup_target_satisfaction=60.0, followup_satisfaction_warning=80.0)
        with self.assertRaises(ValidationError):
            self._settings(followup_target_handling_hours=-1.0)
        with self.assertRaises(ValidationError):
            self._settings(followup_calling_windows="morning")
        self.assertEqual(self.company.followup_target_satisfaction, before)

    def test_calling_windows_setting_drives_generation(self):
        self._settings(followup_calling_windows="09:00-10:00").execute()
        self.assertEqual(self.Visit._calling_windows(), [(9.0, 10.0)])
