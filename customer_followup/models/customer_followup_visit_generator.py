import logging
from collections import Counter, defaultdict
from datetime import date, timedelta

import psycopg2
import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.models import MAGIC_COLUMNS as _MAGIC_COLUMNS
from odoo.tools import SQL

from .candidate_reads import tune_candidate_reads
from .generation_batch import CUSTOMER_FIELDS, BatchCustomer, GenerationBatch, PlannedVisit
from .sql_arrays import array_param

_logger = logging.getLogger(__name__)

# (kind, trigger, tier field with the interval in months). The kind is the
# prefix of the slot's period key: an executive visit and a routine call of
# the same quarter are two different follow-ups.
CADENCES = (
    ("routine", "routine", "routine_interval_months"),
    ("executive", "executive", "executive_interval_months"),
    ("onsite", "routine", "onsite_interval_months"),
)
MAGIC_COLUMNS = frozenset(_MAGIC_COLUMNS)
# Milestone visits are made in the two weeks before the milestone.
MILESTONE_DAYS = 14


# The columns the planned-row insert writes (the rest take their defaults);
# ``report_due_date`` stays empty, as computed for a follow-up not done.
PLANNED_COLUMNS = frozenset(
    {
        "company_id",
        "plan_id",
        "partner_id",
        "tier_id",
        "trigger",
        "period_key",
        "deadline",
        "channel",
        "by_phone",
        "scheduled_date",
        "preparation_date",
        "user_id",
        "name",
        "report_due_date",
        "survey_id",
    }
)


class CustomerFollowupVisitGenerator(models.AbstractModel):
    """Plans the routine follow-ups of a period from each tier's cadence,
    and creates the follow-ups of key events.

    A plan's follow-ups (thousands per batch, by the plan's approval and
    the scheduled action, same code path) are inserted in bulk
    (:meth:`_insert_planned`); a key event's few follow-ups go through
    ``create`` (:meth:`_create_visits`). Idempotent and safe with several
    workers: every generated follow-up carries a period key and a unique
    index refuses a second one for the same customer and slot."""

    _name = "customer.followup.visit.generator"
    _description = "Follow-up Visit Generator"

    # ------------------------------------------------------------------
    # Slots and dates
    # ------------------------------------------------------------------
    @api.model
    def _tier_slots(self, tier, date_from, date_to, milestones=()):
        """The cadence slots of ``tier`` overlapping the period, aligned on
        the calendar year (quarters start in January, April, July, October),
        and for tiers with milestone visits the two weeks before each of
        ``milestones`` (000 第七条).

        :param list milestones: ``(id, date)`` of the company's milestones
        :return: list of ``(kind, trigger, slot_start, slot_end, period key)``
        """
        slots = []
        for kind, trigger, fname in CADENCES:
            months = tier[fname]
            if months <= 0:
                continue
            start = date(date_from.year, 1, 1)
            while start <= date_to:
                end = start + relativedelta(months=months) - timedelta(days=1)
                if end >= date_from:
                    slots.append((kind, trigger, start, end, f"{kind}/{start:%Y-%m}"))
                start += relativedelta(months=months)
        if tier.milestone_visits:
            for milestone_id, day in milestones:
                start, end = day - timedelta(days=MILESTONE_DAYS), day - timedelta(days=1)
                if end >= date_from and start <= date_to:
                    slots.append(
                        ("milestone", "executive", start, end, f"milestone/{milestone_id}")
                    )
        return slots

    @api.model
    def _milestones(self, company, date_from, date_to):
        """``(id, date)`` of the company's milestones whose visit window
        meets the period."""
        # sudo: specialists approve no plans, but the job reads configuration.
        milestones = (
            self.env["customer.followup.milestone"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("date", ">", date_from),
                    ("date", "<=", date_to + timedelta(days=MILESTONE_DAYS)),
                ]
            )
        )
        return [(milestone.id, milestone.date) for milestone in milestones]

    @api.model
    def _pick_channel(self, mix, counts):
        """Smooth weighted round robin: the channel furthest below its share
        of the follow-ups made so far (ties by the mix order), so that every
        prefix of the sequence keeps close to the tier's mix.

        :param list mix: ``[(channel, share %)]`` in the tier's order
        :param Counter counts: follow-ups per channel so far (updated)
        """
        if not mix:
            return "phone"
        total = sum(counts.values()) + 1
        candidates = mix
        # max() with a key function, written out: called for every
        # generated follow-up.
        channel, best = None, None
        for name, share in candidates:
            score = (share * total / 100.0 - counts[name], share)
            if best is None or score > best:
                channel, best = name, score
        counts[channel] += 1
        return channel

    # ------------------------------------------------------------------
    # Batches
    # ------------------------------------------------------------------
    @api.model
    def _generate_batch(
        self,
        company,
        date_from,
        date_to,
        partner_domain,
        plan=None,
        after_id=0,
        batch_size=1000,
        greetings=True,
        channel_counts=None,
        max_visits=None,
        stats=None,
    ):
        """Plan the follow-ups of the next ``batch_size`` customers (by id,
        after ``after_id``) matching ``partner_domain`` for the period; with
        ``max_visits``, the batch stops after the customer whose follow-ups
        reach it (the rest are the next batch's).

        A bounded number of queries per batch, whatever its size: the
        customers with their company-dependent fields, the channel counts so
        far, the existing period keys, the references and the insert.

        :param dict stats: filled with ``thinned``, the routine calls that
            became another channel for customers who prefer fewer calls
        :param channel_counts: routine follow-ups per tier and channel
            planned so far in the period (``{tier id: Counter}``), carried
            from batch to batch and updated; read from the follow-ups when
            not given
        :return: ``(partners processed, last partner id, created visits)``

        Run as superuser (by a plan's approval and by the scheduled job):
        every customer of the scope counts, whoever approved the plan.
        """
        customers = self._batch_customers(company, partner_domain, after_id, batch_size)
        if not customers:
            return 0, after_id, self.env["customer.followup.visit"]
        batch = self._batch_context(
            company, date_from, date_to, customers, plan, greetings, channel_counts
        )
        planned = []
        for index, customer in enumerate(customers):
            try:
                planned += self._customer_visits(customer, batch)
                planned += self._customer_greetings(customer, batch)
            except Exception:
                # One broken customer must not stop the batch of the others.
                _logger.exception(
                    "Follow-up generation: customer %s (id %s) skipped",
                    self.env["res.partner"].browse(customer.id).display_name,
                    customer.id,
                )
            if max_visits and len(planned) >= max_visits:
                customers = customers[: index + 1]
                break
        if stats is not None:
            stats["thinned"] = stats.get("thinned", 0) + batch.thinned
        # Tiers and plan were checked against the company above.
        visits = self._insert_planned(batch, planned)
        return len(customers), customers[-1].id, visits

    @api.model
    def _batch_customers(self, company, partner_domain, after_id, batch_size):
        """The next customers of the scope, in id order, with the facts the
        generator needs, read in one query as plain values: the ORM's
        per-record access to company-dependent fields cost more than the
        insert of their follow-ups.

        :return: list of :class:`BatchCustomer`
        """
        Partner = self.env["res.partner"].with_company(company)
        Partner.flush_model(CUSTOMER_FIELDS)
        tune_candidate_reads(self.env.cr)
        query = Partner._search(
            partner_domain + [("id", ">", after_id)], order="id", limit=batch_size
        )
        table = query.table
        return [
            BatchCustomer(*row)
            for row in self.env.execute_query(
                query.select(
                    SQL.identifier(table, "id"),
                    *(Partner._field_to_sql(table, fname, query) for fname in CUSTOMER_FIELDS),
                )
            )
        ]

    @api.model
    def _batch_context(self, company, date_from, date_to, customers, plan, greetings, counts):
        """What every customer of a batch shares: the working dates and
        calling slots, the tiers' slots and channel mixes, the keys already
        planned."""
        calendar = company.resource_calendar_id
        WorkingTime = self.env["customer.followup.working.time"].with_company(company)
        Visit = self.env["customer.followup.visit"].with_company(company)
        dates = WorkingTime.working_dates_shared(
            date_from - timedelta(days=40), date_to + timedelta(days=20), calendar=calendar
        )
        tiers = self.env["customer.followup.tier"].browse(
            {c.tier_id for c in customers if c.tier_id}
        )
        if counts is None:
            counts = self._channel_counts(company, tiers, date_from, date_to)
        # Slots already planned (a top-up run, a worker killed after its
        # insert) take no channel: the mix continues with the new ones.
        milestones = (
            self._milestones(company, date_from, date_to)
            if any(tier.milestone_visits for tier in tiers)
            else []
        )
        slots = {tier.id: self._tier_slots(tier, date_from, date_to, milestones) for tier in tiers}
        holidays = self._holidays(calendar, date_from, date_to, dates) if greetings else []
        keys = {key for tier_slots in slots.values() for *_slot, key in tier_slots} | {
            f"holiday/{first_day:%Y-%m-%d}" for first_day, _name, _day in holidays
        }
        batch = GenerationBatch(
            company=company,
            company_id=company.id,
            plan_id=plan.id if plan else False,
            calendar=calendar,
            tz=pytz.timezone(calendar.tz or "UTC"),
            visit_model=Visit,
            dates=dates,
            period_dates=[d for d in dates if date_from <= d <= date_to],
            calling_slots=Visit._calling_slots(),
            tier_slots={},
            mixes={
                tier.id: [(line.channel, line.share) for line in tier.channel_mix_ids]
                for tier in tiers
            },
            tier_codes={tier.id: tier.code for tier in tiers},
            foreign_tiers={tier.id for tier in tiers if tier.company_id != company},
            counts=counts,
            holidays=holidays,
            existing=self._existing_keys(company, [c.id for c in customers], keys),
            keep_calls=max(company.followup_fewer_calls_keep, 1),
            thin_channel=company.followup_fewer_calls_channel or "message",
        )
        for tier_id, tier_slots in slots.items():
            batch.prepare_slots(tier_id, tier_slots)
        return batch

    @api.model
    def _existing_keys(self, company, partner_ids, period_keys):
        """``{(partner id, period key)}`` of these customers' follow-ups."""
        if not partner_ids or not period_keys:
            return set()
        self.env["customer.followup.visit"].flush_model(["company_id", "partner_id", "period_key"])
        # A batch's customers are consecutive ids: one range of the unique
        # index (company, customer, period key), whatever the statistics say
        # (while a plan is generated the table grows faster than it is
        # analyzed, and a plain ``partner_id = ANY(...)`` turned into a scan
        # of the whole table). Customers of the range outside the batch are
        # left out here.
        wanted = set(partner_ids)
        rows = [
            row
            for row in self.env.execute_query(
                SQL(
                    "SELECT partner_id, period_key FROM customer_followup_visit "
                    "WHERE company_id = %s AND partner_id BETWEEN %s AND %s "
                    "AND period_key = ANY(%s)",
                    company.id,
                    min(wanted),
                    max(wanted),
                    sorted(period_keys),
                )
            )
            if row[0] in wanted
        ]
        return set(rows)

    @api.model
    def _channel_counts(self, company, tiers, date_from, date_to):
        """Routine follow-ups already planned per tier and channel in the
        period: a batch continues the mix where the previous one stopped."""
        counts = defaultdict(Counter)
        if not tiers:
            return counts
        Visit = self.env["customer.followup.visit"].with_company(company)
        data = Visit._read_group(
            [
                ("company_id", "=", company.id),
                ("tier_id", "in", tiers.ids),
                ("trigger", "=", "routine"),
                ("period_key", "=like", "routine/%"),
                (
                    "scheduled_date",
                    ">=",
                    Visit._local_to_utc(date_from, 0, company.resource_calendar_id),
                ),
                (
                    "scheduled_date",
                    "<",
                    Visit._local_to_utc(
                        date_to + timedelta(days=1), 0, company.resource_calendar_id
                    ),
                ),
            ],
            ["tier_id", "channel"],
            ["__count"],
        )
        for tier, channel, count in data:
            counts[tier.id][channel] += count
        return counts

    @api.model
    def _customer_visits(self, customer, batch):
        """The routine and executive follow-ups of one customer, spread over
        the working days and calling slots of each cadence slot.

        :param BatchCustomer customer: the customer's facts
        :param GenerationBatch batch: what the batch's customers share
        :return: list of :class:`PlannedVisit`
        """
        tier_id = customer.tier_id
        if not tier_id:
            return []
        if tier_id in batch.foreign_tiers:
            raise ValueError(f"tier {tier_id} belongs to another company")
        customer_id, existing = customer.id, batch.existing
        calling_slots = batch.calling_slots
        calls = 0
        result = []
        for slot in batch.tier_slots[tier_id]:
            if (customer_id, slot.period_key) in existing:
                continue
            # Spread the customers over the working days and calling slots of
            # the slot, deterministically (the same customer lands on the same
            # day whichever worker plans it).
            window = slot.window
            day = window[(customer_id + slot.offset) % len(window)]
            hour = calling_slots[(customer_id // len(window) + slot.offset) % len(calling_slots)]
            if slot.routine:
                counts = batch.counts[tier_id]
                channel = self._pick_channel(batch.mixes[tier_id], counts)
                if channel == "phone" and customer.fewer_calls:
                    # 001 篇一: fewer calls, not none: the first call stays,
                    # the next ones until the N-th take another channel. The
                    # mix still counts them as calls, or it would pick the
                    # phone again for the next slot.
                    calls += 1
                    if (calls - 1) % batch.keep_calls:
                        channel = batch.thin_channel
                        batch.thinned += 1
            else:
                channel = "onsite"
            result.append(
                PlannedVisit(
                    customer_id,
                    slot.number,
                    channel,
                    batch.to_utc(day, hour),
                    # 3 working days before, from the dates read once.
                    batch.preparation_day(day),
                    customer.user_id or False,
                )
            )
        return result

    @api.model
    def _holidays(self, calendar, date_from, date_to, dates):
        """The public holidays greeted in the period, as ``[(first holiday
        day, name, greeting day)]``. Days off in a row (a holiday bridged
        to a week-end) are greeted once, on the last working day before
        them, which must fall in the period.

        :param list dates: working dates from before the period to after it
        """
        tz = pytz.timezone(calendar.tz or "UTC")
        names = {}
        for leave in calendar.global_leave_ids:
            first = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            day = first
            while day <= last:
                names.setdefault(day, leave.name)
                day += timedelta(days=1)
        working = set(dates)
        runs = set()
        result = []
        for day in sorted(names):
            if day in working or not date_from <= day <= date_to + timedelta(days=15):
                continue
            start = day
            while start - timedelta(days=1) not in working and start > day - timedelta(days=10):
                start -= timedelta(days=1)
            if start in runs:
                continue
            runs.add(start)
            before = [d for d in dates if d < start]
            if before and date_from <= before[-1] <= date_to:
                result.append((day, names[day], before[-1]))
        return result

    @api.model
    def _customer_greetings(self, customer, batch):
        """Holiday greetings (001 篇一): an online message for every
        customer, a phone call for strategic and key customers.

        :return: list of :class:`PlannedVisit`
        """
        tier_id = customer.tier_id
        if not tier_id or not batch.holidays:
            return []
        channel = "phone" if batch.tier_codes[tier_id] in ("strategic", "key") else "message"
        hour = batch.calling_slots[customer.id % len(batch.calling_slots)]
        result = []
        for first_day, _name, greeting_day in batch.holidays:
            period_key = f"holiday/{first_day:%Y-%m-%d}"
            if (customer.id, period_key) in batch.existing:
                continue
            slot = batch.slot(tier_id, "holiday", period_key, batch.to_utc(greeting_day, 24))
            result.append(
                PlannedVisit(
                    customer.id,
                    slot,
                    channel,
                    batch.to_utc(greeting_day, hour),
                    greeting_day,
                    customer.user_id or False,
                )
            )
        return result

    # ------------------------------------------------------------------
    # Insert: plans in bulk, key events through create()
    # ------------------------------------------------------------------
    @api.model
    def _planned_vals(self, batch, planned):
        """The planned follow-ups as values for ``create``."""
        result = []
        for visit in planned:
            tier_id, trigger, period_key, deadline = batch.slot_rows[visit.slot - 1]
            result.append(
                {
                    "company_id": batch.company_id,
                    "partner_id": visit.partner_id,
                    "tier_id": tier_id,
                    "plan_id": batch.plan_id,
                    "trigger": trigger,
                    "channel": visit.channel,
                    "scheduled_date": visit.scheduled_date,
                    "deadline": deadline,
                    "preparation_date": visit.preparation_date,
                    "user_id": visit.user_id,
                    "period_key": period_key,
                }
            )
        return result

    @api.model
    def _insert_planned(self, batch, planned):
        """Insert a batch's planned follow-ups (the batch already left out
        the keys it read) in one ``INSERT ... SELECT``, storing what
        ``create`` would (``test_bulk_insert_stores_what_create_would``).
        A key another worker inserts meanwhile makes the unique index
        refuse the statement and the batch goes through ``create``
        (:meth:`_create_visits`): ``ON CONFLICT DO NOTHING`` would cost
        every row a speculative insertion, and under repeatable read it
        refuses such a key too.

        The per-follow-up columns are arrays and the per-slot columns
        (tier, trigger, period key, deadline) are joined from the batch's
        few slots: building a dictionary per follow-up and sending every
        column of every row cost more than the insert itself. Defaults are
        read once, the references drawn in one query, the stored computed
        fields written here (``by_phone``, ``survey_id``; ``report_due_date``
        stays empty until the follow-up is done); no creation message,
        follower or tracking. Python constraints are not run: the batch
        plans customers of the scope inside the plan's period.
        ``test_bulk_insert_covers_every_stored_field`` fails when a module
        adds a stored computed field this insert does not write.
        """
        Visit = self._visit_model()
        if not planned:
            return Visit.browse()
        fields_ = Visit._fields
        defaults = self._insert_defaults(Visit, PLANNED_COLUMNS)
        references = Visit.with_company(batch.company)._next_references(len(planned))
        per_visit = {
            "partner_id": [v.partner_id for v in planned],
            "slot": [v.slot for v in planned],
            "channel": [v.channel for v in planned],
            "scheduled_date": [v.scheduled_date for v in planned],
            "preparation_date": [v.preparation_date for v in planned],
            "user_id": [v.user_id for v in planned],
            "name": references,
        }
        slot_columns = ("tier_id", "trigger", "period_key", "deadline")
        per_slot = {
            name: [row[i] for row in batch.slot_rows] for i, name in enumerate(slot_columns)
        }
        now, uid = self.env.cr.now(), self.env.uid
        default_names = sorted(defaults)
        query = SQL(
            """
            INSERT INTO customer_followup_visit (
                company_id, plan_id, partner_id, tier_id, trigger, period_key, deadline,
                channel, by_phone, survey_id, scheduled_date, preparation_date, user_id, name,
                %(default_columns)s create_uid, create_date, write_uid, write_date)
            SELECT %(company)s, %(plan)s, v.partner_id, s.tier_id, s.trigger, s.period_key,
                   s.deadline, v.channel, v.channel = 'phone',
                   CASE WHEN v.channel = 'survey' THEN %(survey)s END, v.scheduled_date,
                   v.preparation_date, v.user_id, v.name, %(default_values)s
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(partner)s, %(slot)s, %(channel)s, %(scheduled)s, %(preparation)s,
                          %(user)s, %(name)s) WITH ORDINALITY
                   AS v(partner_id, slot, channel, scheduled_date, preparation_date, user_id,
                        name, n)
              JOIN unnest(%(tier)s, %(trigger)s, %(period_key)s, %(deadline)s) WITH ORDINALITY
                   AS s(tier_id, trigger, period_key, deadline, n) ON s.n = v.slot
             ORDER BY v.n
            RETURNING id
            """,
            default_columns=SQL("").join(
                SQL("%s, ", SQL.identifier(name)) for name in default_names
            ),
            default_values=SQL("").join(
                SQL(
                    "%s::%s, ",
                    fields_[name].convert_to_column(defaults[name], Visit),
                    SQL(fields_[name].column_type[1]),
                )
                for name in default_names
            ),
            company=batch.company_id,
            plan=batch.plan_id or None,
            survey=SQL("%s::int4", Visit._default_survey_id() or None),
            uid=uid,
            now=now,
            slot=array_param(per_visit["slot"], "int4"),
            **{
                key: self._column_array(fields_[name], per_visit[name], Visit)
                for key, name in (
                    ("partner", "partner_id"),
                    ("channel", "channel"),
                    ("scheduled", "scheduled_date"),
                    ("preparation", "preparation_date"),
                    ("user", "user_id"),
                    ("name", "name"),
                )
            },
            **{
                key: self._column_array(fields_[name], per_slot[name], Visit)
                for key, name in (
                    ("tier", "tier_id"),
                    ("trigger", "trigger"),
                    ("period_key", "period_key"),
                    ("deadline", "deadline"),
                )
            },
        )
        try:
            with self.env.cr.savepoint():
                ids = [row[0] for row in self.env.execute_query(query)]
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.UniqueViolation):
            # A key another worker inserted since the batch read them.
            _logger.info("Follow-up generation: concurrent insert detected, retrying one by one")
            existing = {(batch.company_id, *key) for key in batch.existing}
            return self._create_visits(self._planned_vals(batch, planned), existing=existing)
        # The rows were written behind the ORM's back: nothing it cached
        # about follow-ups (a plan's list, a customer's figures) is current.
        Visit.invalidate_model()
        self.env["customer.followup.plan"].invalidate_model(["visit_ids"])
        return Visit.browse(ids)

    @api.model
    def _insert_defaults(self, Visit, given):
        """Defaults of the stored fields not ``given``, read once for the
        bulk insert (the ORM reads them per record, from the same context);
        the reference comes from the sequence."""
        fields_ = Visit._fields
        missing = [
            name
            for name, field in fields_.items()
            if field.store
            and field.column_type
            and name not in given
            and name not in MAGIC_COLUMNS
            and not (field.compute or field.related)
        ]
        defaults = {
            name: value
            for name, value in Visit.default_get(missing).items()
            if name in fields_ and fields_[name].column_type and value is not False
        }
        defaults.pop("name", None)
        return defaults

    @api.model
    def _column_array(self, field, values, record):
        """One column of the bulk insert, as a typed array parameter (see
        :mod:`.sql_arrays`), the values converted as ``create`` would
        (``convert_to_column``, once per distinct value). Ids and
        references, different on every row, need no conversion."""
        column_type = field.column_type[1]
        types = set(map(type, values))
        if (types == {int} and field.type in ("many2one", "integer") and 0 not in values) or (
            types == {str} and field.type == "char" and not field.size and not field.translate
        ):
            return array_param(values, column_type)
        converted = {
            value: None if value is None else field.convert_to_column(value, record)
            for value in set(values)
        }
        return array_param([converted[value] for value in values], column_type)

    @api.model
    def _visit_model(self):
        # sudo: follow-ups are planned by the application, for every owner,
        # whoever triggers it (a plan's approval, a delivery, a repair).
        return (
            self.env["customer.followup.visit"]
            .sudo()
            .with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                tracking_disable=True,
            )
        )

    @api.model
    def _create_visits(self, vals_list, existing=None):
        """Create the follow-ups of key events (few and urgent: a delivery,
        a repair, a closed anomaly, a problem's result, a sale's series)
        through ``create``, each (company, customer, period key) once: keys
        already there are left out in one query, so that no reference is
        drawn for them; a key a concurrent worker inserts meanwhile makes
        the unique index refuse the batch, which is then created follow-up
        by follow-up without it.

        :param set existing: ``(company id, customer id, period key)`` of the
            follow-ups already there, when the caller read them
        """
        Visit = self._visit_model()
        keyed = [vals for vals in vals_list if vals.get("period_key")]
        if existing is None:
            existing = set()
            if keyed:
                Visit.flush_model(["company_id", "partner_id", "period_key"])
                existing = set(
                    self.env.execute_query(
                        SQL(
                            "SELECT company_id, partner_id, period_key "
                            "FROM customer_followup_visit "
                            "WHERE partner_id = ANY(%s) AND period_key = ANY(%s)",
                            list({vals["partner_id"] for vals in keyed}),
                            list({vals["period_key"] for vals in keyed}),
                        )
                    )
                )
        todo = []
        for vals in vals_list:
            if vals.get("period_key"):
                key = (vals["company_id"], vals["partner_id"], vals["period_key"])
                if key in existing:
                    continue
                existing.add(key)
            todo.append(vals)
        if not todo:
            return Visit.browse()
        try:
            with self.env.cr.savepoint():
                visits = Visit.create(todo)
                visits.flush_recordset()
            return visits
        except psycopg2.errors.UniqueViolation:
            _logger.info("Follow-up generation: concurrent insert detected, retrying one by one")
        visits = Visit.browse()
        for vals in todo:
            try:
                with self.env.cr.savepoint():
                    # The failed batch drew a reference for it: draw another.
                    visit = Visit.create([dict(vals, name="/")])
                    visit.flush_recordset()
                visits |= visit
            except psycopg2.errors.UniqueViolation:
                continue
        return Visit.browse(visits.ids)
