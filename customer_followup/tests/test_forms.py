"""The forms as a user fills them in: defaults and onchanges through
odoo.tests.Form, which runs them the way the web client does."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .anomaly_common import AnomalyCase
from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestPlanForm(VisitCase):
    def test_new_plan_is_a_yearly_draft_with_holiday_greetings(self):
        form = Form(self.Plan.with_user(self.user_manager))
        self.assertEqual(form.plan_type, "yearly")
        self.assertEqual(form.state, "draft")
        self.assertTrue(form.holiday_greetings)
        self.assertFalse(form.date_to)

    def test_period_ends_with_the_year_or_the_month_of_its_start(self):
        form = Form(self.Plan.with_user(self.user_manager))
        form.name = "2027 follow-up plan"
        form.date_from = date(2027, 3, 15)
        # Yearly: to the 31st of December of the start's year.
        self.assertEqual(form.date_to, date(2027, 12, 31))
        form.plan_type = "monthly"
        self.assertEqual(form.date_to, date(2027, 3, 31))
        # A monthly plan of February of a leap year ends on the 29th.
        form.date_from = date(2028, 2, 10)
        self.assertEqual(form.date_to, date(2028, 2, 29))
        form.plan_type = "yearly"
        self.assertEqual(form.date_to, date(2028, 12, 31))
        plan = form.save()
        self.assertEqual((plan.date_from, plan.date_to), (date(2028, 2, 10), date(2028, 12, 31)))

    def test_end_typed_by_hand_stays_until_the_start_or_type_changes(self):
        form = Form(self.Plan.with_user(self.user_manager))
        form.name = "Half year"
        form.date_from = date(2027, 1, 1)
        form.date_to = date(2027, 6, 30)
        plan = form.save()
        self.assertEqual(plan.date_to, date(2027, 6, 30))


@tagged("post_install", "-at_install")
class TestVisitForm(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._tiered("Form key Co", cls.tier_key, owner=cls.user_cs)

    # Wednesday 2026-12-02 10:00 in Shanghai.
    @freeze_time("2026-12-02 02:00:00")
    def test_new_follow_up_is_an_adhoc_call_of_its_author_now(self):
        form = Form(self.Visit.with_user(self.user_cs))
        self.assertEqual(form.trigger, "adhoc")
        self.assertEqual(form.channel, "phone")
        self.assertEqual(form.state, "planned")
        self.assertEqual(form.user_id, self.user_cs)
        self.assertEqual(form.scheduled_date, datetime(2026, 12, 2, 2, 0))
        self.assertFalse(form.survey_id)
        form.partner_id = self.customer
        visit = form.save()
        self.assertEqual(visit.state, "planned")
        self.assertNotEqual(visit.name, "/")  # a reference drawn on saving

    @freeze_time("2026-12-02 02:00:00")
    def test_prepare_by_three_working_days_before(self):
        form = Form(self.Visit.with_user(self.user_cs))
        form.partner_id = self.customer
        # Monday 2026-12-14 10:00 local: three working days before is
        # Wednesday the 9th, the weekend not counted.
        form.scheduled_date = datetime(2026, 12, 14, 2, 0)
        self.assertEqual(form.preparation_date, date(2026, 12, 9))
        # Friday 2026-12-18: Tuesday the 15th.
        form.scheduled_date = datetime(2026, 12, 18, 2, 0)
        self.assertEqual(form.preparation_date, date(2026, 12, 15))
        visit = form.save()
        self.assertEqual(visit.preparation_date, date(2026, 12, 15))

    @freeze_time("2026-12-02 02:00:00")
    def test_questionnaire_only_on_the_questionnaire_channel(self):
        survey = self.env.ref("customer_followup.survey_followup")
        form = Form(self.Visit.with_user(self.user_cs))
        form.partner_id = self.customer
        form.channel = "survey"
        self.assertEqual(form.survey_id, survey)
        form.channel = "onsite"
        self.assertFalse(form.survey_id)
        form.channel = "survey"
        visit = form.save()
        self.assertEqual(visit.survey_id, survey)


@tagged("post_install", "-at_install")
class TestRescheduleForm(VisitCase):
    @freeze_time("2026-12-02 02:00:00")
    def test_the_proposed_time_is_the_first_free_time_listed(self):
        customer = self._tiered("Reschedule Co", self.tier_key, owner=self.user_cs)
        visit = self._visit(customer, scheduled_date=datetime(2026, 12, 2, 2, 0))
        Wizard = self.env["customer.followup.visit.reschedule"].with_user(self.user_cs)
        form = Form(Wizard.with_context(default_visit_id=visit.id))
        self.assertTrue(form.new_date)
        self.assertGreater(form.new_date, datetime(2026, 12, 2, 2, 0))
        slots = form.proposed_slots.splitlines()
        self.assertTrue(slots)
        # Shown in the company's time (Asia/Shanghai, UTC+8).
        local = form.new_date + timedelta(hours=8)
        self.assertIn(local.strftime("%Y-%m-%d %H:%M"), slots[0])
        self.assertFalse(form.unreachable)
        self.assertFalse(form.customer_time)


@tagged("post_install", "-at_install")
class TestTierForm(VisitCase):
    def test_new_tier_needs_share_and_years_and_offers_the_sale_series_offsets(self):
        form = Form(self.Tier.with_user(self.user_manager))
        self.assertEqual(form.level, 3)
        self.assertEqual(form.figures_match, "all")  # 000 第六条: share and years
        # 1 week, 1 month, 3 months and 6 months after the order (001 篇四).
        self.assertEqual(form.sale_series_days, "7,30,90,180")
        self.assertFalse(form.sale_series)


@tagged("post_install", "-at_install")
class TestAnalysisForm(VisitCase):
    # Thursday 2026-11-19 in Shanghai.
    @freeze_time("2026-11-19 02:00:00")
    def test_new_analysis_covers_last_quarter_and_presets_fill_the_dates(self):
        Analysis = self.env["customer.followup.analysis"].with_user(self.user_manager)
        form = Form(Analysis)
        self.assertEqual(form.period, "last_quarter")
        self.assertEqual((form.date_from, form.date_to), (date(2026, 7, 1), date(2026, 9, 30)))
        form.period = "this_month"
        self.assertEqual((form.date_from, form.date_to), (date(2026, 11, 1), date(2026, 11, 30)))
        form.period = "last_month"
        self.assertEqual((form.date_from, form.date_to), (date(2026, 10, 1), date(2026, 10, 31)))
        form.period = "this_quarter"
        self.assertEqual((form.date_from, form.date_to), (date(2026, 10, 1), date(2026, 12, 31)))
        form.period = "last_year"
        self.assertEqual((form.date_from, form.date_to), (date(2025, 1, 1), date(2025, 12, 31)))
        # Dates typed by hand make it a custom period.
        form.date_to = date(2025, 6, 30)
        self.assertEqual(form.period, "custom")
        analysis = form.save()
        self.assertEqual(analysis.state, "draft")
        self.assertEqual(
            (analysis.date_from, analysis.date_to), (date(2025, 1, 1), date(2025, 6, 30))
        )


@tagged("post_install", "-at_install")
class TestAnomalyStatisticsForm(VisitCase):
    @freeze_time("2026-11-19 02:00:00")
    def test_statistics_of_last_month_by_default(self):
        Wizard = self.env["customer.followup.anomaly.statistics"].with_user(self.user_manager)
        form = Form(Wizard)
        self.assertEqual((form.date_from, form.date_to), (date(2026, 10, 1), date(2026, 10, 31)))


@tagged("post_install", "-at_install")
class TestAnomalyForm(AnomalyCase):
    # Wednesday 2026-12-02 10:00 in Shanghai.
    @freeze_time("2026-12-02 02:00:00")
    def test_new_anomaly_is_a_general_phone_report_of_its_author_now(self):
        form = Form(self.Anomaly.with_user(self.user_cs))
        self.assertEqual(form.severity, "general")
        self.assertEqual(form.source, "phone")
        self.assertEqual(form.state, "discovered")
        self.assertEqual(form.user_id, self.user_cs)
        self.assertEqual(form.discovered_at, datetime(2026, 12, 2, 2, 0))

    @freeze_time("2026-12-02 02:00:00")
    def test_report_deadline_follows_the_severity_chosen(self):
        # 003 第八至十一条: reported within 60 minutes (general), 120 minutes
        # (major), 30 minutes (critical) of elapsed time from discovery.
        found = datetime(2026, 12, 2, 2, 0)
        form = Form(self.Anomaly.with_user(self.user_cs))
        form.partner_id = self.customer
        form.category = "delivery"
        form.description = "设备延期交付"
        self.assertEqual(form.next_deadline, found + timedelta(minutes=60))
        form.severity = "major"
        self.assertEqual(form.next_deadline, found + timedelta(minutes=120))
        form.severity = "critical"
        self.assertEqual(form.next_deadline, found + timedelta(minutes=30))
        anomaly = form.save()
        self.assertEqual(anomaly.next_deadline, found + timedelta(minutes=30))

    def test_hand_over_opens_on_the_complaint(self):
        anomaly = self.anomaly(source="phone")
        action = anomaly.with_user(self.user_cs).action_open_handover()
        Wizard = self.env[action["res_model"]].with_user(self.user_cs)
        form = Form(Wizard.with_context(**action["context"]))
        self.assertEqual(form.anomaly_id, anomaly)
        self.assertFalse(form.user_id)
        form.user_id = self.user_dept_head
        form.note = "技术问题"
        form.save().action_confirm()
        self.assertEqual(anomaly.owner_id, self.user_dept_head)
