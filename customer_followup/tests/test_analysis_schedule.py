from datetime import date, datetime, time, timedelta

import pytz

from odoo.tests import tagged

from .kpi_common import KpiCase

SHANGHAI = pytz.timezone("Asia/Shanghai")


@tagged("post_install", "-at_install")
class TestAnalysisOnSchedule(KpiCase):
    """000 第五条: the 客户回访分析报告 of each month and quarter, drafted on
    the first working day after it for the customer-service head, filed to
    management."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.Analysis = cls.env["customer.followup.analysis"]

    def drafts(self, today):
        drafted = self.Analysis._cron_draft_scheduled_reports(today=today)
        return drafted.filtered(lambda a: a.company_id == self.company)

    def test_monthly_report_on_the_first_working_day(self):
        # Tuesday 1 December 2026: November's report.
        drafted = self.drafts(date(2026, 12, 1))
        self.assertEqual(len(drafted), 1)
        self.assertEqual(
            (drafted.date_from, drafted.date_to), (date(2026, 11, 1), date(2026, 11, 30))
        )
        self.assertTrue(drafted.scheduled)
        self.assertEqual(drafted.state, "draft")
        todo = drafted.activity_ids.filtered(lambda a: a.user_id == self.user_deputy)
        self.assertEqual(len(todo), 1, "the customer-service head completes it")
        # Once per period, and nothing on the other days.
        self.assertFalse(self.drafts(date(2026, 12, 1)))
        self.assertFalse(self.drafts(date(2026, 12, 2)))

    def test_quarterly_report_after_a_public_holiday(self):
        # 国庆节 on Thursday 1 October: the first working day is Friday 2.
        start = SHANGHAI.localize(datetime.combine(date(2026, 10, 1), time())).astimezone(pytz.utc)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "国庆节",
                "calendar_id": self.company.resource_calendar_id.id,
                "company_id": self.company.id,
                "date_from": start.replace(tzinfo=None),
                "date_to": (start + timedelta(days=1, seconds=-1)).replace(tzinfo=None),
            }
        )
        self.assertFalse(self.drafts(date(2026, 10, 1)))
        drafted = self.drafts(date(2026, 10, 2))
        periods = sorted((a.date_from, a.date_to) for a in drafted)
        self.assertEqual(
            periods,
            [(date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 9, 1), date(2026, 9, 30))],
        )

    def test_filing_sends_the_pdf_to_management(self):
        analysis = self.drafts(date(2026, 12, 1))
        deputy = analysis.with_user(self.user_deputy)
        deputy.improvements = "<p>提前确认发货日期</p>"
        deputy.action_file()
        sent = analysis.message_ids.filtered(
            lambda m: self.user_manager.partner_id in m.partner_ids
        )
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.attachment_ids.name, f"{analysis.name}.pdf")
        self.assertTrue(sent.attachment_ids.raw)
