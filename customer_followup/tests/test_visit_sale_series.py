from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestVisitSaleSeries(VisitCase):
    """001 篇四 要点3: after a sale, follow-ups at 1 week, 1 month, 3 months
    and 6 months, for the tiers whose manager asks for it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls._tiered("Series Co", cls.tier_key, owner=cls.user_cs)

    def series(self, partner):
        return self.Visit.search(
            [("partner_id", "=", partner.id), ("trigger", "=", "sale")], order="scheduled_date"
        )

    def wall(self, utc):
        return self._local(utc).replace(tzinfo=None)

    def test_no_series_when_the_tier_has_none(self):
        # The shipped tiers have none (the demo turns it on for key customers).
        self.tier_key.sale_series = False
        with freeze_time("2026-11-18 02:00:00"):
            self._sell(self.key, 1000.0)
        self.assertFalse(self.series(self.key))

    # Wednesday 18 November 2026, 10:00 in Shanghai.
    @freeze_time("2026-11-18 02:00:00")
    def test_series_after_the_first_order(self):
        self.tier_key.write({"sale_series": "first", "sale_series_days": "7,30,90,180"})
        self._sell(self.key, 1000.0)
        visits = self.series(self.key)
        # 1 week, 1 month, 3 months, 6 months later, on working days, at
        # the first calling window (10:00); 16 May 2027 is a Sunday.
        self.assertEqual(
            [self.wall(v.scheduled_date) for v in visits],
            [
                datetime(2026, 11, 25, 10, 0),
                datetime(2026, 12, 18, 10, 0),
                datetime(2027, 2, 16, 10, 0),
                datetime(2027, 5, 17, 10, 0),
            ],
        )
        self.assertEqual(visits.user_id, self.user_cs)
        self.assertFalse(visits.filtered("planned_after_deadline"))
        # A second order starts no second series.
        self._sell(self.key, 1000.0)
        self.assertEqual(len(self.series(self.key)), 4)

    @freeze_time("2026-11-18 02:00:00")
    def test_series_after_every_order_above_an_amount(self):
        self.tier_key.write(
            {"sale_series": "amount", "sale_series_days": "7,30", "sale_series_min_amount": 1000}
        )
        self._sell(self.key, 999.0)
        self.assertFalse(self.series(self.key))
        self._sell(self.key, 1000.0)
        self._sell(self.key, 5000.0)
        self.assertEqual(len(self.series(self.key)), 4)
        self.assertEqual(
            sorted({self._local(v.scheduled_date).date() for v in self.series(self.key)}),
            [date(2026, 11, 25), date(2026, 12, 18)],
        )

    def test_offsets_are_checked(self):
        for bad in ("7,a", "0,30", "", "-7"):
            with self.assertRaises(ValidationError, msg=bad):
                self.tier_key.write({"sale_series": "first", "sale_series_days": bad})
