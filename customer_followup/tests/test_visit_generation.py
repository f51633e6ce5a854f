import logging
from collections import Counter
from datetime import date, datetime
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.customer_followup.models.customer_followup_visit_generator import (
    PLANNED_COLUMNS,
    CustomerFollowupVisitGenerator,
)

from .visit_common import VisitCase

YEAR_FROM, YEAR_TO = date(2027, 1, 1), date(2027, 12, 31)


@tagged("post_install", "-at_install")
class TestVisitGeneration(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.strategic = cls._tiered("Strategic Co", cls.tier_strategic, owner=cls.user_cs)
        cls.key = cls._tiered("Key Co", cls.tier_key, owner=cls.user_cs)
        cls.normal = cls._tiered("Normal Co", cls.tier_normal)
        cls.customers = cls.strategic | cls.key | cls.normal

    def _generate(self, date_from=YEAR_FROM, date_to=YEAR_TO, partners=None, **kw):
        partners = partners if partners is not None else self.customers
        return self.Generator._generate_batch(
            self.company, date_from, date_to, [("id", "in", partners.ids)], **kw
        )

    def _visits(self, partner):
        return self.Visit.search([("partner_id", "=", partner.id)])

    def test_cadence_per_tier_over_a_year(self):
        self._generate()
        # 000 第七条, written out: strategic monthly routine + quarterly
        # executive visit (12 + 4), key quarterly routine + half-yearly
        # on-site (4 + 2), normal half-yearly (2).
        expected = {
            self.tier_strategic: {"routine": 12, "executive": 4, "onsite": 0},
            self.tier_key: {"routine": 4, "executive": 0, "onsite": 2},
            self.tier_normal: {"routine": 2, "executive": 0, "onsite": 0},
        }
        for partner, tier in (
            (self.strategic, self.tier_strategic),
            (self.key, self.tier_key),
            (self.normal, self.tier_normal),
        ):
            visits = self._visits(partner)
            per_trigger = Counter((v.trigger, v.period_key.split("/")[0]) for v in visits)
            counts = expected[tier]
            self.assertEqual(per_trigger[("routine", "routine")], counts["routine"], tier.code)
            self.assertEqual(per_trigger[("executive", "executive")], counts["executive"])
            self.assertTrue(all(v.channel == "onsite" for v in visits if v.trigger == "executive"))
            self.assertEqual(per_trigger[("routine", "onsite")], counts["onsite"], tier.code)
            # Each routine slot gets one visit inside the slot's months.
            months = {
                self._local(v.scheduled_date).month
                for v in visits
                if v.period_key.startswith("routine/")
            }
            self.assertEqual(len(months), expected[tier]["routine"])
            self.assertTrue(all(v.tier_id == tier for v in visits))
            self.assertTrue(all(v.state == "planned" for v in visits))
        self.assertEqual(self._visits(self.strategic).user_id, self.user_cs)

    def test_milestone_visits_before_each_milestone(self):
        """000 第七条: strategic customers get a special visit before a new
        product launch or a trade fair, in the two weeks before it."""
        Milestone = self.env["customer.followup.milestone"]
        launch = Milestone.create(
            {"name": "新品发布会", "kind": "product_launch", "date": date(2027, 4, 20)}
        )
        fair = Milestone.create({"name": "工博会", "kind": "trade_fair", "date": date(2027, 9, 15)})
        self._generate()
        visits = self._visits(self.strategic).filtered(
            lambda v: v.period_key.startswith("milestone/")
        )
        self.assertEqual(
            sorted(visits.mapped("period_key")),
            sorted([f"milestone/{launch.id}", f"milestone/{fair.id}"]),
        )
        windows = self.Visit._calling_windows()
        for visit, milestone_day in (
            (
                visits.filtered(lambda v: v.period_key == f"milestone/{launch.id}"),
                date(2027, 4, 20),
            ),
            (visits.filtered(lambda v: v.period_key == f"milestone/{fair.id}"), date(2027, 9, 15)),
        ):
            local = self._local(visit.scheduled_date)
            # 14 days before, at the latest the day before.
            self.assertTrue(
                milestone_day.toordinal() - 14
                <= local.date().toordinal()
                < milestone_day.toordinal()
            )
            self.assertTrue(self.WorkingTime.is_working_date(local.date(), calendar=self.calendar))
            hours = local.hour + local.minute / 60.0
            self.assertTrue(any(start <= hours < end for start, end in windows))
            self.assertEqual((visit.trigger, visit.channel), ("executive", "onsite"))
        # Key and normal customers' tiers ask for no milestone visits.
        for partner in (self.key, self.normal):
            self.assertFalse(
                self._visits(partner).filtered(lambda v: v.period_key.startswith("milestone/"))
            )
        # Idempotent like the routine follow-ups.
        _n, _l, again = self._generate()
        self.assertFalse(again)

    def test_dates_on_working_days_within_calling_windows(self):
        # 国庆节: a week off, then a Saturday worked (调休).
        for day in range(1, 8):
            self._holiday(date(2027, 10, day))
        makeup = date(2027, 10, 9)
        self.env["customer.followup.makeup.day"].create(
            {"calendar_id": self.calendar.id, "date": makeup, "name": "国庆调休"}
        )
        many = self.customers
        for i in range(12):
            many |= self._tiered(f"Strategic {i}", self.tier_strategic)
        self._generate(date(2027, 10, 1), date(2027, 10, 31), partners=many)
        visits = self.Visit.search([("partner_id", "in", many.ids)])
        self.assertTrue(visits)
        windows = self.Visit._calling_windows()
        for visit in visits:
            local = self._local(visit.scheduled_date)
            self.assertTrue(
                self.WorkingTime.is_working_date(local.date(), calendar=self.calendar),
                local,
            )
            self.assertFalse(date(2027, 10, 1) <= local.date() <= date(2027, 10, 7))
            hours = local.hour + local.minute / 60.0
            self.assertTrue(any(start <= hours < end for start, end in windows), local)
            self.assertLessEqual(visit.preparation_date, local.date())
        # The make-up Saturday is a working day like the others.
        self.assertIn(
            makeup,
            self.WorkingTime.working_dates(
                date(2027, 10, 1), date(2027, 10, 31), calendar=self.calendar
            ),
        )

    def test_calling_windows_follow_calendar_timezone(self):
        self._generate(date(2027, 3, 1), date(2027, 3, 31), partners=self.strategic)
        visit = self._visits(self.strategic)[:1]
        local = self._local(visit.scheduled_date)
        # A Shanghai calling window is 02:00-03:30 or 07:30-09:00 UTC.
        self.assertIn(visit.scheduled_date.hour, (2, 3, 7, 8))
        self.assertIn(local.hour, (10, 11, 15, 16))
        # The windows are configurable.
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_followup.calling_windows", "14:00-15:00"
        )
        self._generate(date(2027, 4, 1), date(2027, 4, 30), partners=self.strategic)
        april = self._visits(self.strategic).filtered(
            lambda v: self._local(v.scheduled_date).month == 4
        )
        self.assertTrue(april)
        for v in april:
            self.assertEqual(self._local(v.scheduled_date).hour, 14)

    def test_holiday_greetings(self):
        # 国庆节 2027: Friday 1 to Thursday 7 October, one leave per day.
        for day in range(1, 8):
            self._holiday(date(2027, 10, day), name="国庆节")
        self._generate(date(2027, 9, 1), date(2027, 9, 30))
        greetings = self.Visit.search(
            [("partner_id", "in", self.customers.ids), ("trigger", "=", "holiday")]
        )
        # One greeting per customer for the whole holiday, on the last
        # working day before it; a call for strategic and key customers.
        self.assertEqual(greetings.partner_id, self.customers)
        self.assertEqual(len(greetings), len(self.customers))
        last_working = self.WorkingTime.add_working_dates(
            date(2027, 10, 1), -1, calendar=self.calendar
        )
        for visit in greetings:
            self.assertEqual(self._local(visit.scheduled_date).date(), last_working)
            expected = "message" if visit.partner_id == self.normal else "phone"
            self.assertEqual(visit.channel, expected)
        # October's plan does not greet again; a plan without greetings neither.
        _n, _l, created = self._generate(date(2027, 10, 1), date(2027, 10, 31))
        self.assertFalse(created.filtered(lambda v: v.trigger == "holiday"))
        _n, _l, created = self._generate(date(2027, 9, 1), date(2027, 9, 30), greetings=False)
        self.assertFalse(created)

    def test_channel_mix_over_the_period(self):
        partners = self.env["res.partner"]
        for i in range(10):
            partners |= self._tiered(f"Normal {i}", self.tier_normal)
        for i in range(5):
            partners |= self._tiered(f"Key {i}", self.tier_key)
        # Two batches: the second one continues the mix of the first.
        count, last_id, _visits = self._generate(partners=partners, batch_size=7)
        self._generate(partners=partners, after_id=last_id, batch_size=100)
        # 000 第七条: key phone 50 %, on-site 30 %, online 20 %; normal
        # phone 70 %, online questionnaire 30 %.
        shares = {
            self.tier_key: {"phone": 50, "onsite": 30, "message": 20},
            self.tier_normal: {"phone": 70, "survey": 30},
        }
        for tier in (self.tier_normal, self.tier_key):
            routine = self.Visit.search(
                [
                    ("partner_id", "in", partners.ids),
                    ("tier_id", "=", tier.id),
                    ("period_key", "=like", "routine/%"),
                ]
            )
            counts = Counter(routine.mapped("channel"))
            total = len(routine)
            self.assertEqual(set(counts), set(shares[tier]), tier.code)
            for channel, share in shares[tier].items():
                self.assertAlmostEqual(
                    counts[channel] * 100.0 / total,
                    share,
                    delta=100.0 / total,
                    msg=f"{tier.code} {channel}: {counts}",
                )

    def test_strategic_customers_are_visited_on_site_at_least_60_percent(self):
        partners = self.env["res.partner"]
        for i in range(5):
            partners |= self._tiered(f"Strategic mix {i}", self.tier_strategic)
        self._generate(partners=partners)
        visits = self.Visit.search([("partner_id", "in", partners.ids)])
        counts = Counter(visits.mapped("channel"))
        # 000 第七条: on-site ≥ 60 %, plus phone and video.
        self.assertGreaterEqual(counts["onsite"] * 100.0 / len(visits), 60)
        self.assertLessEqual(set(counts), {"onsite", "phone", "video"})

    def test_calling_windows_of_the_regulation(self):
        # 001 (real estate): 10:00–11:30 and 15:30–17:00, unless configured.
        self.assertEqual(self.Visit._calling_windows(), [(10.0, 11.5), (15.5, 17.0)])

    def test_channel_counts_carried_between_plan_batches(self):
        """A plan's batches carry the channel counts: the period's follow-ups
        are counted once, at the first batch, and the mix still holds."""
        partners = self.env["res.partner"]
        for i in range(12):
            partners |= self._tiered(f"Carried {i}", self.tier_normal)
        plan = self._plan(YEAR_FROM, YEAR_TO, partner_ids=[(6, 0, partners.ids)])
        plan.sudo().write({"generation_pending": True, "generation_cursor": 0})
        original = CustomerFollowupVisitGenerator._channel_counts
        calls = []

        def counted(self_, *args):
            calls.append(args)
            return original(self_, *args)

        with patch.object(CustomerFollowupVisitGenerator, "_channel_counts", counted):
            plan.sudo()._generate_visits(batch_size=5)
        self.assertEqual(len(calls), 1)
        routine = plan.visit_ids.filtered(lambda v: v.period_key.startswith("routine/"))
        counts = Counter(routine.mapped("channel"))
        carried = {tier: per for tier, per in plan.generation_channel_counts.items() if per}
        self.assertEqual(carried, {str(self.tier_normal.id): counts})
        for line in self.tier_normal.channel_mix_ids:
            self.assertAlmostEqual(
                counts[line.channel] * 100.0 / len(routine),
                line.share,
                delta=100.0 / len(routine),
                msg=f"{line.channel}: {counts}",
            )

    def test_batch_stops_at_the_visits_limit(self):
        """A batch of customers with many follow-ups each (strategic ones
        only, say) stops once the limit is reached, without splitting a
        customer; the plan's next batches plan the rest."""
        count, last, created = self._generate(max_visits=1)
        first = self.customers.sorted("id")[0]
        self.assertEqual((count, last), (1, first.id))
        self.assertEqual(created.partner_id, first)
        self.assertEqual(created, self._visits(first))

        plan = self._plan(YEAR_FROM, YEAR_TO, partner_ids=[(6, 0, self.customers.ids)])
        plan.sudo().write({"generation_pending": True, "generation_cursor": 0})
        # A window of every partner, so that the limit is what stops it.
        done = plan.sudo()._generate_visits_batch(batch_size=100_000, max_visits=1)
        # The first customer, planned above, adds nothing: the batch goes on
        # to the second one and stops after it.
        second = self.customers.sorted("id")[1]
        self.assertEqual(done, 2)
        self.assertEqual(plan.generation_cursor, second.id)
        self.assertTrue(plan.generation_pending)
        plan.sudo()._generate_visits(batch_size=10)
        self.assertFalse(plan.generation_pending)
        planned = self.Visit.search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(planned.partner_id, self.customers)
        keys = [(v.partner_id.id, v.period_key) for v in planned]
        self.assertEqual(len(keys), len(set(keys)))

    def test_plan_walks_windows_of_partners(self):
        """A plan's batches walk the partners by id (those it names, when
        it names some), a window of ``batch_size`` at a time, as the tier
        pass does: each batch moves on (progress above zero) even when its
        window holds no customer, and a customer whose orders were confirmed
        but never invoiced in Odoo (customer rank 0) is planned like the
        others."""
        ordered = self._customer("Ordered, never invoiced", customer_rank=0)
        self._sell(ordered, 5000)
        prospect = self._customer("Prospect, no order", customer_rank=0)
        for partner in ordered | prospect:
            partner.with_company(self.company).sudo().followup_tier_id = self.tier_normal
        self.assertEqual(ordered.customer_rank, 0)
        plan = self._plan(
            YEAR_FROM, YEAR_TO, partner_ids=[(6, 0, (ordered | prospect | self.normal).ids)]
        )
        plan.sudo().write({"generation_pending": True, "generation_cursor": 0})
        progress = []
        while plan.generation_pending and len(progress) < 10:
            progress.append(plan.sudo()._generate_visits_batch(batch_size=1))
        # One window per named partner, the prospect's without a customer.
        self.assertEqual(progress, [1, 1, 1])
        self.assertTrue(self._visits(ordered))
        self.assertTrue(self._visits(self.normal))
        self.assertFalse(self._visits(prospect), "no confirmed order, never invoiced")

    def _routine_channels(self, partner):
        return (
            self._visits(partner)
            .filtered(lambda v: v.period_key.startswith("routine/"))
            .mapped("channel")
        )

    def test_key_customer_gets_two_calls_a_year(self):
        # Quarterly routine, phone 50 %, on-site 30 %, online 20 % (000 第七条).
        stats = {}
        self._generate(partners=self.key, stats=stats)
        channels = self._routine_channels(self.key)
        self.assertEqual(len(channels), 4)
        self.assertEqual(channels.count("phone"), 2)
        self.assertEqual(stats["thinned"], 0)

    def test_fewer_calls_keeps_every_other_call(self):
        """001 篇一: a key customer who prefers fewer calls keeps every other
        call: 1 call a year, the other becomes an online message."""
        self.assertEqual(self.company.followup_fewer_calls_keep, 2)
        shy = self._tiered("Shy Co", self.tier_key, followup_fewer_calls=True)
        stats = {}
        self._generate(partners=shy, stats=stats)
        channels = self._routine_channels(shy)
        self.assertEqual(len(channels), 4, "as many follow-ups, fewer calls")
        self.assertEqual(channels.count("phone"), 1)
        self.assertEqual(channels.count("message"), 2)
        self.assertEqual(stats["thinned"], 1)

    def test_fewer_calls_channel_is_the_companys_choice(self):
        self.company.followup_fewer_calls_channel = "survey"
        quiet = self._tiered("Quiet Co", self.tier_key, followup_fewer_calls=True)
        self._generate(partners=quiet)
        channels = self._routine_channels(quiet)
        self.assertEqual((channels.count("phone"), channels.count("survey")), (1, 1))

    def test_plan_counts_the_thinned_calls(self):
        shy = self._tiered("Shy plan Co", self.tier_key, followup_fewer_calls=True)
        plan = self._plan(YEAR_FROM, YEAR_TO, partner_ids=[(6, 0, shy.ids)])
        plan.sudo().write({"generation_pending": True, "generation_cursor": 0})
        plan.sudo()._generate_visits()
        self.assertEqual(plan.thinned_count, 1)

    def test_second_run_creates_nothing(self):
        self._generate()
        first = self.Visit.search_count([("partner_id", "in", self.customers.ids)])
        self.assertTrue(first)
        _count, _last, created = self._generate()
        self.assertFalse(created)
        self.assertEqual(self.Visit.search_count([("partner_id", "in", self.customers.ids)]), first)
        # A quarter's plan overlapping the year adds nothing either.
        _count, _last, created = self._generate(date(2027, 4, 1), date(2027, 6, 30))
        self.assertFalse(created)

    def test_unique_index_rejects_a_duplicate_slot(self):
        self._generate(partners=self.key)
        visit = self._visits(self.key)[:1]
        self.env.flush_all()
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO customer_followup_visit"
                        " (name, company_id, partner_id, trigger,"
                        " channel, scheduled_date, state, period_key)"
                        " VALUES ('dup', %s, %s, 'routine', 'phone', now(), 'planned', %s)",
                        visit.company_id.id,
                        visit.partner_id.id,
                        visit.period_key,
                    )
                )
        # Without a period key (ad hoc follow-ups) there is no limit.
        self._visit(self.key)
        self._visit(self.key)

    def test_concurrent_insert_is_skipped(self):
        """A worker that planned the same slot in the meantime (its rows are
        invisible to our pre-check) makes the index refuse ours: the batch
        goes on without the duplicates."""
        self._generate(partners=self.key)
        existing = self._visits(self.key)
        vals = [
            {
                "company_id": self.company.id,
                "partner_id": self.key.id,
                "trigger": "routine",
                "channel": "phone",
                "scheduled_date": v.scheduled_date,
                "period_key": v.period_key,
            }
            for v in existing
        ] + [
            {
                "company_id": self.company.id,
                "partner_id": self.key.id,
                "trigger": "routine",
                "channel": "phone",
                "scheduled_date": existing[0].scheduled_date,
                "period_key": "routine/2099-01",
            }
        ]
        real_query = self.env.execute_query

        def blind_precheck(query):
            # The pre-check of the other worker's snapshot saw nothing.
            if "SELECT company_id, partner_id, period_key" in str(query.code):
                return []
            return real_query(query)

        with (
            patch.object(
                type(self.env), "execute_query", side_effect=blind_precheck, autospec=False
            ),
            mute_logger("odoo.sql_db"),
        ):
            created = self.Generator._create_visits(vals)
        self.assertEqual(created.mapped("period_key"), ["routine/2099-01"])
        self.assertEqual(len(self._visits(self.key)), len(existing) + 1)

    def test_concurrent_insert_during_a_batch(self):
        """Another worker planned some of the batch's slots after the batch
        read the keys: the index refuses the batch's insert, which is redone
        visit by visit without the other worker's slots."""
        self._generate(partners=self.key)
        theirs = self._visits(self.key)
        self.assertTrue(theirs)
        with (
            patch.object(CustomerFollowupVisitGenerator, "_existing_keys", return_value=set()),
            mute_logger("odoo.sql_db"),
            self.assertLogs(
                "odoo.addons.customer_followup.models.customer_followup_visit_generator",
                logging.INFO,
            ),
        ):
            _count, _last, created = self._generate()
        self.assertTrue(created)
        self.assertFalse(created & theirs)
        self.assertEqual(self._visits(self.key), theirs)
        self.assertEqual(created.partner_id, self.strategic | self.normal)
        keys = [
            (v.partner_id.id, v.period_key)
            for v in self.Visit.search([("partner_id", "in", self.customers.ids)])
        ]
        self.assertEqual(len(keys), len(set(keys)))

    def test_broken_customer_is_logged_and_skipped(self):
        original = CustomerFollowupVisitGenerator._customer_visits

        def broken(self_, customer, *args):
            if customer.id == self.key.id:
                raise ValueError("broken data")
            return original(self_, customer, *args)

        with (
            patch.object(CustomerFollowupVisitGenerator, "_customer_visits", broken),
            self.assertLogs(
                "odoo.addons.customer_followup.models.customer_followup_visit_generator",
                logging.ERROR,
            ) as logs,
        ):
            count, _last, created = self._generate()
        self.assertEqual(count, 3)
        self.assertIn("Key Co", logs.output[0])
        self.assertFalse(self._visits(self.key))
        self.assertTrue(self._visits(self.strategic))
        self.assertTrue(self._visits(self.normal))
        self.assertTrue(created)

    def test_bulk_insert_stores_what_create_would(self):
        """Generated follow-ups are inserted in bulk: every stored column
        holds what ``create`` would have stored for the same plan."""
        plan = self._plan(YEAR_FROM, YEAR_TO)
        for day in range(1, 8):
            self._holiday(date(2027, 10, day), name="国庆节")
        columns = sorted(
            name
            for name, field in self.Visit._fields.items()
            if field.store and field.column_type and name not in ("id", "name")
        )

        def rows(visits):
            self.env.flush_all()
            return self.env.execute_query(
                SQL(
                    "SELECT %s FROM customer_followup_visit WHERE id = ANY(%s) "
                    "ORDER BY partner_id, period_key",
                    SQL(", ").join(SQL.identifier(name) for name in columns),
                    visits.ids,
                )
            )

        _n, _l, bulk = self._generate(plan=plan)
        self.assertGreater(len(bulk), 20)
        self.assertIn("holiday", bulk.mapped("trigger"))
        self.assertTrue(all(v.name.startswith("HF") for v in bulk))
        self.assertEqual(len(set(bulk.mapped("name"))), len(bulk))
        self.assertEqual(plan.visit_ids, bulk)
        # Only the questionnaire follow-ups carry the questionnaire.
        self.assertIn("survey", bulk.mapped("channel"))
        for visit in bulk:
            self.assertEqual(bool(visit.survey_id), visit.channel == "survey")
        bulk_rows = rows(bulk)
        bulk.unlink()
        self.maxDiff = None

        def assert_same(created):
            self.assertEqual(len(created), len(bulk_rows))
            for bulk_row, row in zip(bulk_rows, rows(created), strict=True):
                self.assertEqual(
                    dict(zip(columns, bulk_row, strict=True)), dict(zip(columns, row, strict=True))
                )
            created.unlink()

        # The same plan through create(), as key events and a batch that
        # met a concurrent worker are created.
        def through_orm(self_, batch, planned):
            return self_._create_visits(self_._planned_vals(batch, planned))

        with patch.object(CustomerFollowupVisitGenerator, "_insert_planned", through_orm):
            _n, _l, created = self._generate(plan=plan)
        assert_same(created)

    def test_bulk_insert_covers_every_stored_field(self):
        """The bulk insert writes every stored computed field of the
        follow-up and nothing else is computed from a new follow-up: a
        module adding one (here or in an addon installed beside it) must
        extend the insert, or its new follow-ups would miss the value."""
        fields_ = self.Visit._fields
        computed = {
            name
            for name, field in fields_.items()
            if field.store and field.column_type and (field.compute or field.related)
        }
        self.assertLessEqual(computed, PLANNED_COLUMNS)
        self.assertEqual(computed, {"by_phone", "preparation_date", "report_due_date", "survey_id"})

        def stored_elsewhere(tree):
            # As modified(create=True): nothing refers to a new follow-up
            # through a many2one yet, so those branches are skipped.
            found = {f"{f.model_name}.{f.name}" for f in tree.root if f.store}
            found -= {f"customer.followup.visit.{name}" for name in fields_}
            for key, subtree in tree.items():
                if key.type not in ("many2one", "many2one_reference"):
                    found |= stored_elsewhere(subtree)
            return found

        columns = [fields_[name] for name in PLANNED_COLUMNS]
        self.assertEqual(stored_elsewhere(self.registry.get_trigger_tree(columns)), set())

    def test_bulk_columns_keep_every_value(self):
        """The bulk insert sends each column as one array literal: texts
        with quotes, backslashes, commas, braces or Chinese, empty texts,
        dates, datetimes, booleans and NULLs come back as they were."""
        fields_ = self.Visit._fields
        cases = {
            "period_key": ['a"b', "c\\d", "e,f", "{g}", "回访 NULL", "", " sp ", None, "NULL"],
            "scheduled_date": [
                datetime(2027, 3, 1, 2, 30),
                None,
                datetime(2027, 12, 31, 23, 59, 59),
            ],
            "preparation_date": [date(2027, 2, 26), None],
            "by_phone": [True, False, None],
            "attempt_count": [0, 3, False],
            "partner_id": [self.key.id, False, None],
            # Columns whose values are all plain take a shorter path.
            "plan_id": [self.key.id, self.normal.id],
            "name": ["HF2027-000001", "回访 {1}, 2", " "],
        }

        def read(column):
            return [row[0] for row in self.env.execute_query(SQL("SELECT unnest(%s)", column))]

        for name, values in cases.items():
            field = fields_[name]
            got = read(self.Generator._column_array(field, values, self.Visit))
            # What psycopg2 sends for the same values converted by the field.
            expected = read(
                SQL(
                    "%s::%s[]",
                    [None if v is None else field.convert_to_column(v, self.Visit) for v in values],
                    SQL(field.column_type[1]),
                )
            )
            self.assertEqual(got, expected, name)
            self.assertEqual(len(got), len(values))
        self.assertEqual(
            read(self.Generator._column_array(fields_["period_key"], ['a"b', "c\\d"], self.Visit)),
            ['a"b', "c\\d"],
        )

    def test_bounded_queries_per_batch(self):
        """The number of queries of a batch does not grow with its size."""
        small = self.env["res.partner"]
        large = self.env["res.partner"]
        for i in range(2):
            small |= self._tiered(f"Small {i}", self.tier_normal)
        for i in range(12):
            large |= self._tiered(f"Large {i}", self.tier_normal)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._generate(partners=small)
        small_queries = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._generate(partners=large)
        large_queries = self.env.cr.sql_log_count - before
        self.assertLessEqual(
            large_queries,
            small_queries + 10,
            f"{small_queries} queries for 2 customers, {large_queries} for 12",
        )


@tagged("post_install", "-at_install")
class TestVisitGenerationTwoCursors(VisitCase):
    """Two transactions plan the same customer at once: the second one,
    whose snapshot predates the first's commit, creates no duplicate."""

    def test_two_cursors(self):
        registry = self.registry
        with registry.cursor() as setup_cr:
            env = api.Environment(setup_cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            tier = env["customer.followup.tier"].search(
                [("company_id", "=", company.id), ("code", "=", "normal")], limit=1
            )
            partner = env["res.partner"].create(
                {"name": "Two cursors Co", "is_company": True, "customer_rank": 1}
            )
            partner.with_company(company).write(
                {
                    "followup_tier_id": tier.id,
                    "followup_tier_manual": True,
                    "followup_tier_manual_reason": "test",
                }
            )
            partner_id, company_id = partner.id, company.id
        try:
            cr1, cr2 = registry.cursor(), registry.cursor()
            try:
                for cr in (cr1, cr2):
                    cr.execute("SET LOCAL lock_timeout = '10s'")
                env1 = api.Environment(cr1, SUPERUSER_ID, {"allowed_company_ids": [company_id]})
                env2 = api.Environment(cr2, SUPERUSER_ID, {"allowed_company_ids": [company_id]})
                # Both snapshots start before either inserts.
                for env_ in (env1, env2):
                    env_.cr.execute("SELECT count(*) FROM customer_followup_visit")
                args = (YEAR_FROM, YEAR_TO, [("id", "=", partner_id)])
                _n, _l, first = env1["customer.followup.visit.generator"]._generate_batch(
                    env1["res.company"].browse(company_id), *args
                )
                self.assertTrue(first)
                cr1.commit()
                with mute_logger("odoo.sql_db"):
                    _n, _l, second = env2["customer.followup.visit.generator"]._generate_batch(
                        env2["res.company"].browse(company_id), *args
                    )
                self.assertFalse(second)
                cr2.commit()
            finally:
                cr1.close()
                cr2.close()
            with registry.cursor() as check_cr:
                check_cr.execute(
                    "SELECT period_key, count(*) FROM customer_followup_visit "
                    "WHERE partner_id = %s GROUP BY period_key",
                    [partner_id],
                )
                rows = check_cr.fetchall()
            self.assertEqual(len(rows), len(first))
            self.assertTrue(all(count == 1 for _key, count in rows))
        finally:
            with registry.cursor() as clean_cr:
                clean_cr.execute(
                    "DELETE FROM customer_followup_visit WHERE partner_id = %s", [partner_id]
                )
                clean_cr.execute("DELETE FROM res_partner WHERE id = %s", [partner_id])
