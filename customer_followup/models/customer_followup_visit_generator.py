import logging
from collections import Counter, defaultdict
from datetime import date, timedelta

import psycopg2
import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.models import MAGIC_COLUMNS as _MAGIC_COLUMNS
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# (kind, trigger, tier field with the interval in months). The kind is the
# prefix of the slot's period key: an executive visit and a routine call of
# the same quarter are two different follow-ups.
CADENCES = (
    ("routine", "routine", "routine_interval_months"),
    ("executive", "executive", "executive_interval_months"),
    ("onsite", "routine", "onsite_interval_months"),
)
# Stored computed fields of the follow-up that the bulk insert computes
# itself (the preparation date comes with the values).
BULK_COMPUTED = frozenset({"by_phone", "report_due_date"})
MAGIC_COLUMNS = frozenset(_MAGIC_COLUMNS)


class CustomerFollowupVisitGenerator(models.AbstractModel):
    """Plans the routine follow-ups of a period from each tier's cadence.

    Used by the plan's approval and by the scheduled action (same code
    path). Idempotent and safe with several workers: every generated
    follow-up carries a period key and a unique index refuses a second one
    for the same customer and slot."""

    _name = "customer.followup.visit.generator"
    _description = "Follow-up Visit Generator"

    # ------------------------------------------------------------------
    # Slots and dates
    # ------------------------------------------------------------------
    @api.model
    def _tier_slots(self, tier, date_from, date_to):
        """The cadence slots of ``tier`` overlapping the period, aligned on
        the calendar year (quarters start in January, April, July, October).

        :return: list of ``(kind, trigger, slot_start, slot_end)``
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
                    slots.append((kind, trigger, start, end))
                start += relativedelta(months=months)
        return slots

    @api.model
    def _pick_channel(self, mix, counts, fewer_calls=False):
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
        if fewer_calls:
            # 001 篇一: customers who dislike calls get fewer phone follow-ups.
            candidates = [m for m in mix if m[0] != "phone"] or [("message", 100.0)]
        channel = max(
            candidates,
            key=lambda m: (m[1] * total / 100.0 - counts[m[0]], m[1]),
        )[0]
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
    ):
        """Plan the follow-ups of the next ``batch_size`` customers (by id,
        after ``after_id``) matching ``partner_domain`` for the period.

        A bounded number of queries per batch, whatever its size: the
        customers, their company-dependent fields, the channel counts so far,
        the existing period keys, the references and the insert.

        :param channel_counts: routine follow-ups per tier and channel
            planned so far in the period (``{tier id: Counter}``), carried
            from batch to batch and updated; read from the follow-ups when
            not given
        :return: ``(partners processed, last partner id, created visits)``
        """
        Partner = self.env["res.partner"].sudo().with_company(company)
        partners = Partner.search(
            partner_domain + [("id", ">", after_id)], order="id", limit=batch_size
        )
        if not partners:
            return 0, after_id, self.env["customer.followup.visit"]
        calendar = company.resource_calendar_id
        WorkingTime = self.env["customer.followup.working.time"].with_company(company)
        Visit = self.env["customer.followup.visit"].with_company(company)
        dates = WorkingTime.working_dates(
            date_from - timedelta(days=40), date_to + timedelta(days=20), calendar=calendar
        )
        period_dates = [d for d in dates if date_from <= d <= date_to]
        calling_slots = Visit._calling_slots()
        tiers = partners.followup_tier_id
        counts = channel_counts
        if counts is None:
            counts = self._channel_counts(company, tiers, date_from, date_to)
        # Slots already planned (a top-up run, a worker killed after its
        # insert) take no channel: the mix continues with the new ones.
        slots = {tier.id: self._tier_slots(tier, date_from, date_to) for tier in tiers}
        holidays = self._holidays(calendar, date_from, date_to, dates) if greetings else []
        keys = {
            f"{kind}/{start:%Y-%m}"
            for tier_slots in slots.values()
            for kind, _trigger, start, _end in tier_slots
        } | {f"holiday/{first_day:%Y-%m-%d}" for first_day, _name, _day in holidays}
        existing = self._existing_keys(company, partners.ids, keys)
        mixes = {
            tier.id: [(line.channel, line.share) for line in tier.channel_mix_ids] for tier in tiers
        }
        # Windows, preparation days and UTC times are shared by the batch's
        # customers: computed once each, not per follow-up.
        memo = {"windows": {}, "prep": {}, "utc": {}}
        vals_list = []
        for partner in partners:
            try:
                vals_list += self._partner_visit_vals(
                    partner,
                    company,
                    plan,
                    slots,
                    mixes,
                    counts,
                    period_dates,
                    dates,
                    calling_slots,
                    calendar,
                    memo,
                    existing,
                )
                vals_list += self._partner_holiday_vals(
                    partner, company, plan, holidays, calling_slots, calendar
                )
            except Exception:
                # One broken customer must not stop the batch of the others.
                _logger.exception(
                    "Follow-up generation: customer %s (id %s) skipped",
                    partner.display_name,
                    partner.id,
                )
        # Tiers and plan were checked against the company above.
        visits = self.with_context(followup_generated=True)._insert_visits(
            vals_list, existing={(company.id, *key) for key in existing}
        )
        return len(partners), partners[-1].id, visits

    @api.model
    def _existing_keys(self, company, partner_ids, period_keys):
        """``{(partner id, period key)}`` of these customers' follow-ups."""
        if not partner_ids or not period_keys:
            return set()
        self.env["customer.followup.visit"].flush_model(["company_id", "partner_id", "period_key"])
        # One index look-up per customer, whatever the statistics say: while
        # a plan is generated the table grows faster than it is analyzed, and
        # the plain ``partner_id = ANY(...)`` turned into a scan of the whole
        # table (50-300 ms per batch at 200,000 follow-ups). ``OFFSET 0``
        # keeps the lateral subquery a per-customer index scan; the join's
        # inflated estimate must not make PostgreSQL JIT-compile it (100 ms).
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        rows = self.env.execute_query(
            SQL(
                "SELECT v.partner_id, v.period_key FROM unnest(%s::int4[]) AS p(id) "
                "CROSS JOIN LATERAL (SELECT partner_id, period_key FROM customer_followup_visit "
                "WHERE partner_id = p.id AND company_id = %s AND period_key = ANY(%s) "
                "OFFSET 0) AS v",
                list(partner_ids),
                company.id,
                sorted(period_keys),
            )
        )
        return set(rows)

    @api.model
    def _channel_counts(self, company, tiers, date_from, date_to):
        """Routine follow-ups already planned per tier and channel in the
        period: a batch continues the mix where the previous one stopped."""
        counts = defaultdict(Counter)
        if not tiers:
            return counts
        Visit = self.env["customer.followup.visit"].with_company(company)
        data = Visit.sudo()._read_group(
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
    def _partner_visit_vals(
        self,
        partner,
        company,
        plan,
        slots,
        mixes,
        counts,
        period_dates,
        dates,
        calling_slots,
        calendar,
        memo=None,
        existing=(),
    ):
        tier = partner.followup_tier_id
        if not tier:
            return []
        if tier.company_id != company:
            raise ValueError(f"tier {tier.id} belongs to another company")
        Visit = self.env["customer.followup.visit"]
        memo = memo if memo is not None else {"windows": {}, "prep": {}, "utc": {}}
        windows, preps, utc = memo["windows"], memo["prep"], memo["utc"]

        def to_utc(day, hour):
            if (day, hour) not in utc:
                utc[day, hour] = Visit._local_to_utc(day, hour, calendar)
            return utc[day, hour]

        result = []
        for offset, (kind, trigger, slot_start, slot_end) in enumerate(slots[tier.id]):
            window = windows.get((slot_start, slot_end))
            if window is None:
                window = windows[slot_start, slot_end] = [
                    d for d in period_dates if slot_start <= d <= slot_end
                ]
            if not window or (partner.id, f"{kind}/{slot_start:%Y-%m}") in existing:
                continue
            # Spread the customers over the working days and calling slots of
            # the slot, deterministically (the same customer lands on the same
            # day whichever worker plans it).
            day = window[(partner.id + offset) % len(window)]
            hour = calling_slots[(partner.id // len(window) + offset) % len(calling_slots)]
            if kind == "routine":
                channel = self._pick_channel(
                    mixes[tier.id], counts[tier.id], partner.followup_fewer_calls
                )
            else:
                channel = "onsite"
            # Preparation: 3 working days before, from the dates read once.
            prep = preps.get(day)
            if prep is None:
                before = [d for d in dates if d < day]
                prep = preps[day] = (
                    before[-3] if len(before) >= 3 else (before[0] if before else day)
                )
            result.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "tier_id": tier.id,
                    "plan_id": plan.id if plan else False,
                    "trigger": trigger,
                    "channel": channel,
                    "by_phone": channel == "phone",
                    "report_due_date": False,
                    "scheduled_date": to_utc(day, hour),
                    "deadline": to_utc(window[-1], 24),
                    "preparation_date": prep,
                    "user_id": partner.followup_user_id.id or False,
                    "period_key": f"{kind}/{slot_start:%Y-%m}",
                }
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
    def _partner_holiday_vals(self, partner, company, plan, holidays, calling_slots, calendar):
        """Holiday greetings (001 篇一): an online message for every
        customer, a phone call for strategic and key customers."""
        tier = partner.followup_tier_id
        if not tier or not holidays:
            return []
        Visit = self.env["customer.followup.visit"]
        channel = "phone" if tier.code in ("strategic", "key") else "message"
        result = []
        for first_day, _name, greeting_day in holidays:
            hour = calling_slots[partner.id % len(calling_slots)]
            result.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "tier_id": tier.id,
                    "plan_id": plan.id if plan else False,
                    "trigger": "holiday",
                    "channel": channel,
                    "by_phone": channel == "phone",
                    "report_due_date": False,
                    "scheduled_date": Visit._local_to_utc(greeting_day, hour, calendar),
                    "deadline": Visit._local_to_utc(greeting_day, 24, calendar),
                    "preparation_date": greeting_day,
                    "user_id": partner.followup_user_id.id or False,
                    "period_key": f"holiday/{first_day:%Y-%m-%d}",
                }
            )
        return result

    @api.model
    def _insert_visits(self, vals_list, existing=None):
        """Create the follow-ups whose (company, customer, period key) does
        not exist yet. Keys already there are filtered in one query (so that
        no reference is drawn for them); a concurrent worker that inserted
        the same key in the meantime makes the unique index skip it.

        Generated follow-ups are thousands per batch: they are inserted with
        one ``INSERT ... SELECT FROM unnest()`` whose every stored field is
        computed here, as the ORM would (see :meth:`_bulk_insert_visits`).
        Values the bulk path cannot compute go through the ORM.

        :param set existing: ``(company id, customer id, period key)`` of the
            follow-ups already there, when the caller read them (then every
            key of ``vals_list`` must have been looked up)
        """
        Visit = self._visit_model()
        if not vals_list:
            return Visit.browse()
        keyed = [v for v in vals_list if v.get("period_key")]
        if existing is not None:
            existing = set(existing)
        elif not keyed:
            existing = set()
        else:
            Visit.flush_model(["company_id", "partner_id", "period_key"])
            rows = self.env.execute_query(
                SQL(
                    "SELECT company_id, partner_id, period_key FROM customer_followup_visit "
                    "WHERE partner_id = ANY(%s) AND period_key = ANY(%s)",
                    list({v["partner_id"] for v in keyed}),
                    list({v["period_key"] for v in keyed}),
                )
            )
            existing = set(rows)
        todo = []
        for vals in vals_list:
            key = (vals["company_id"], vals["partner_id"], vals.get("period_key"))
            if vals.get("period_key"):
                if key in existing:
                    continue
                existing.add(key)
            todo.append(vals)
        if not todo:
            return Visit.browse()
        bulk, orm = [], []
        computed_here = self._bulk_computed_fields(Visit)
        for vals in todo:
            if vals.get("period_key") and computed_here <= set(vals) | BULK_COMPUTED:
                bulk.append(vals)
            else:
                orm.append(vals)
        visits = self._bulk_insert_visits(Visit, bulk) if bulk else Visit.browse()
        if orm:
            visits |= self._create_visits_orm(Visit, orm)
        return visits

    @api.model
    def _visit_model(self):
        return (
            self.env["customer.followup.visit"]
            .sudo()
            .with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                tracking_disable=True,
                followup_defaults_cache={},
            )
        )

    @api.model
    def _bulk_computed_fields(self, Visit):
        """Stored computed fields of the follow-up: each must be given in
        the values or computed by :meth:`_bulk_insert_visits`; a field added
        by another module sends the follow-ups through the ORM instead."""
        return {
            name
            for name, field in Visit._fields.items()
            if field.store and field.column_type and (field.compute or field.related)
        }

    @api.model
    def _bulk_insert_visits(self, Visit, vals_list):
        """Insert ``vals_list`` (each with a period key and the stored
        computed fields not in ``BULK_COMPUTED``) in one query, skipping the
        keys the unique index refuses, as ``create`` would have stored them:
        defaults once per call, reference from the sequence, the computed
        ``by_phone`` and ``report_due_date``, creation and write stamps. No
        creation message, follower or tracking (the generator's ORM path
        disables them too). Python constraints are not run: the generator
        plans customers of the scope inside the plan's period, and key
        events check the customer themselves.

        :return: the inserted follow-ups
        """
        fields_ = Visit._fields
        given = set().union(*vals_list)
        # Defaults of the stored fields not given, read once (the ORM reads
        # them per record, from the same context).
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
        columns = sorted((given | set(defaults) | {"name"} | BULK_COMPUTED) - MAGIC_COLUMNS)
        references = Visit.with_company(vals_list[0]["company_id"])._next_references(len(vals_list))
        arrays = {name: [] for name in columns}
        for vals, reference in zip(vals_list, references, strict=True):
            row = {**defaults, **vals, "name": reference}
            row.setdefault("by_phone", row.get("channel") == "phone")
            # Not done yet: no report due.
            row.setdefault("report_due_date", False)
            for name in columns:
                value = row.get(name)
                arrays[name].append(
                    None if value is None else fields_[name].convert_to_column(value, Visit)
                )
        now = self.env.cr.now()
        uid = self.env.uid
        query = SQL(
            "INSERT INTO customer_followup_visit (%s, create_uid, create_date, write_uid, "
            "write_date) SELECT *, %s, %s, %s, %s FROM unnest(%s) "
            "ON CONFLICT (company_id, partner_id, period_key) WHERE period_key IS NOT NULL "
            "DO NOTHING RETURNING id",
            SQL(", ").join(SQL.identifier(name) for name in columns),
            uid,
            now,
            uid,
            now,
            SQL(", ").join(
                SQL("%s::%s[]", arrays[name], SQL(fields_[name].column_type[1])) for name in columns
            ),
        )
        try:
            with self.env.cr.savepoint():
                ids = [row[0] for row in self.env.execute_query(query)]
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.UniqueViolation):
            # A key committed by another worker after this transaction's
            # snapshot: PostgreSQL refuses to skip what it cannot see
            # (repeatable read). The batch is retried visit by visit.
            _logger.info("Follow-up generation: concurrent insert detected, retrying one by one")
            return self._create_visits_orm(Visit, vals_list)
        if len(ids) < len(vals_list):
            _logger.info(
                "Follow-up generation: %s follow-ups already planned skipped",
                len(vals_list) - len(ids),
            )
        # The rows were written behind the ORM's back: nothing it cached
        # about follow-ups (a plan's list, a customer's figures) is current.
        Visit.invalidate_model()
        self.env["customer.followup.plan"].invalidate_model(["visit_ids"])
        visits = Visit.browse(ids)
        # Stored fields of other models computed from follow-ups (none in
        # this module today) are recomputed as after a create; the
        # follow-up's own were computed above.
        triggers = self.pool.get_trigger_tree([fields_[name] for name in columns])
        if self._stored_dependents_elsewhere(triggers, Visit._name):
            visits.modified(columns, create=True)
            for name in self._bulk_computed_fields(Visit):
                self.env.remove_to_compute(fields_[name], visits)
        return visits

    @api.model
    def _stored_dependents_elsewhere(self, tree, model_name):
        """Whether a stored field of another model must be recomputed when
        follow-ups are created: as in ``modified(create=True)``, nothing
        refers to a new record through a many2one yet (a problem's related
        company, say), so those branches are skipped."""
        if any(field.store and field.model_name != model_name for field in tree.root):
            return True
        return any(
            self._stored_dependents_elsewhere(subtree, model_name)
            for key, subtree in tree.items()
            if key.type not in ("many2one", "many2one_reference")
        )

    @api.model
    def _create_visits_orm(self, Visit, todo):
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
                    visit = Visit.create([dict(vals, name="/")])
                    visit.flush_recordset()
                visits |= visit
            except psycopg2.errors.UniqueViolation:
                continue
        return Visit.browse(visits.ids)
