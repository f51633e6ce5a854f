from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, split_every

from .sql_arrays import array_param

# Written only by the tier engine (as superuser): rules decide them.
_ENGINE_FIELDS = {
    "followup_tier_rule",
    "followup_sales_amount",
    "followup_sales_share",
}
# A manager's override of the rules.
_MANUAL_FIELDS = {
    "followup_tier_id",
    "followup_tier_manual",
    "followup_tier_manual_reason",
}
# The customer's state as the tier engine reads and writes it.
_ENGINE_COLUMNS = [
    "followup_tier_id",
    "followup_tier_rule",
    "followup_sales_amount",
    "followup_sales_share",
    "followup_cooperation_start",
]
_STATE_COLUMNS = _ENGINE_COLUMNS + ["followup_tier_manual", "followup_tier_manual_reason"]
_STATE_FIELDS = _STATE_COLUMNS + ["followup_flag_ids"]
# The tier engine's view of a customer, in the order of the tuples
# ResPartner._followup_tier_states returns.
TIER_STATE = ("id", *_STATE_COLUMNS, "followup_flag_ids", "amount", "first_order")
# Writes by people that change the outcome of the rules at once.
_RECOMPUTE_ON = _MANUAL_FIELDS | {"followup_flag_ids", "followup_cooperation_start"}
# Facts the rules read: maintained by follow-up staff.
_FACT_FIELDS = {
    "followup_flag_ids",
    "followup_cooperation_start",
    "followup_user_id",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Tiers are per company: one customer can be strategic for one company of
    # the group and normal for another, so these fields are company-dependent.
    followup_tier_id = fields.Many2one(
        "customer.followup.tier",
        string="Customer tier",
        company_dependent=True,
        check_company=True,
        tracking=True,
        help="Computed from the tier rules every night, unless set by hand.",
    )
    followup_tier_level = fields.Integer(related="followup_tier_id.level", string="Tier level")
    followup_tier_color = fields.Integer(related="followup_tier_id.color")
    followup_tier_rule = fields.Char(
        "Tier decided by",
        company_dependent=True,
        tracking=True,
        readonly=True,
    )
    followup_tier_manual = fields.Boolean(
        "Tier set by hand",
        company_dependent=True,
        help="Keep the tier chosen by hand when tiers are recomputed.",
    )
    followup_tier_manual_reason = fields.Char("Reason for the manual tier", company_dependent=True)
    followup_sales_amount = fields.Float(
        "Sales, last 12 months",
        company_dependent=True,
        readonly=True,
        digits="Product Price",
        help="Confirmed sales orders of the last 12 months, untaxed, in company currency.",
    )
    followup_sales_share = fields.Float(
        "Share of company sales (%)",
        company_dependent=True,
        readonly=True,
        digits=(5, 2),
    )
    followup_currency_id = fields.Many2one("res.currency", compute="_compute_followup_currency_id")
    followup_cooperation_start = fields.Date(
        "Cooperation since",
        company_dependent=True,
        help="Filled with the first confirmed order; change it when the "
        "cooperation started before.",
    )
    followup_cooperation_years = fields.Float(
        "Years of cooperation",
        compute="_compute_followup_cooperation_years",
        digits=(4, 1),
    )
    followup_flag_ids = fields.Many2many(
        "customer.followup.tier.flag",
        "res_partner_customer_followup_tier_flag_rel",
        "partner_id",
        "flag_id",
        string="Tier flags",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up owner",
        company_dependent=True,
        domain="[('share', '=', False)]",
        help="Customer-service specialist in charge of this customer's follow-ups.",
    )
    followup_contact_window = fields.Char(
        "Preferred contact window",
        help="When the customer prefers to be called, e.g. 周二、周四 10:00-11:30.",
    )
    followup_fewer_calls = fields.Boolean(
        "Prefers fewer calls",
        help="The customer dislikes frequent calls: phone follow-ups are made "
        "less often (001 篇一).",
    )

    def _compute_followup_currency_id(self):
        self.followup_currency_id = self.env.company.currency_id

    @api.depends("followup_cooperation_start")
    @api.depends_context("company")
    def _compute_followup_cooperation_years(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.followup_cooperation_years = _years_between(
                partner.followup_cooperation_start, today
            )

    @api.constrains("followup_tier_manual", "followup_tier_manual_reason", "followup_tier_id")
    def _check_followup_manual_tier(self):
        for partner in self.filtered("followup_tier_manual"):
            if not partner.followup_tier_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: choose the tier to keep when setting it by hand.",
                        partner=partner.display_name,
                    )
                )
            if not (partner.followup_tier_manual_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(partner)s: give the reason for setting the tier by hand.",
                        partner=partner.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Writes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_followup_write_rights(vals)
            if vals.get("followup_tier_id") and not self.env.su:
                # As in write: a tier given by a person (form, import, RPC)
                # is an override the nightly rules must keep.
                vals.setdefault("followup_tier_manual", True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_followup_write_rights(vals)
        if "followup_tier_id" in vals and not self.env.su:
            # Choosing a tier by hand is an override that rules must keep.
            vals = dict(vals, followup_tier_manual=vals.get("followup_tier_manual", True))
        res = super().write(vals)
        if not self.env.su and _RECOMPUTE_ON.intersection(vals):
            # Show at once which rule (or which reason) decides the tier.
            self._followup_refresh_tiers()
        return res

    @api.model
    def get_import_templates(self):
        return super().get_import_templates() + [
            {
                "label": self.env._("Import Template for Customer Tiers and Follow-up"),
                "template": "/customer_followup/static/xls/customer_followup_customers.csv",
            }
        ]

    def _check_followup_write_rights(self, vals):
        if self.env.su:
            return
        user = self.env.user
        written = set(vals)
        if written & _ENGINE_FIELDS:
            raise AccessError(
                self.env._(
                    "Sales figures and the rule that decided a customer's tier are "
                    "computed; they cannot be written."
                )
            )
        if written & _MANUAL_FIELDS and not user.has_group(
            "customer_followup.group_customer_followup_manager"
        ):
            raise AccessError(
                self.env._("Only Customer Follow-up managers can set a customer's tier by hand.")
            )
        if written & _FACT_FIELDS and not user.has_group(
            "customer_followup.group_customer_followup_user"
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Follow-up users can change a customer's tier "
                    "flags, cooperation start or follow-up owner."
                )
            )

    # ------------------------------------------------------------------
    # Tier engine
    # ------------------------------------------------------------------
    @api.model
    def _followup_tier_candidate_domain(self, id_window=None):
        """Customers that get a tier in the current company: commercial
        entities that were invoiced or have a confirmed order (themselves or
        through a contact), or that someone tiered by hand.

        :param id_window: ``(after, before)``: only the partners whose id
            lies strictly between (``before`` None: no upper bound), with the
            order look-ups narrowed to them.
            Unnarrowed, PostgreSQL hashes the customer of every confirmed
            order of the company for each batch as soon as one partner of
            the batch was never invoiced (orders confirmed but invoiced
            elsewhere): a cost that grows with the whole sales history at
            every batch of a pass.
        """
        confirmed = [("state", "=", "sale"), ("company_id", "=", self.env.company.id)]
        own_orders = [("sale_order_ids", "any", confirmed)]
        contacts = [("sale_order_ids", "any", confirmed)]
        window = []
        if id_window:
            after, before = id_window
            window = [("id", ">", after)] + ([("id", "<", before)] if before else [])
            orders_of = [("partner_id", ">", after)]
            orders_of += [("partner_id", "<", before)] if before else []
            own_orders = [("sale_order_ids", "any", confirmed + orders_of)]
            contacts += [("parent_id", ">", after)]
            contacts += [("parent_id", "<", before)] if before else []
        return [
            *window,
            ("parent_id", "=", False),
            ("company_id", "in", [False, self.env.company.id]),
            "|",
            "|",
            "|",
            ("customer_rank", ">", 0),
            ("followup_tier_manual", "=", True),
            *own_orders,
            ("child_ids", "any", contacts),
        ]

    @api.model
    def _followup_sales_window(self):
        today = fields.Date.context_today(self)
        return today, today - relativedelta(years=1)

    @api.model
    def _followup_company_sales_total(self, since):
        """Confirmed untaxed sales of the current company since ``since``, in
        company currency."""
        self.env["sale.order"].flush_model(
            ["amount_untaxed", "currency_rate", "state", "date_order", "company_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(
                           SUM(amount_untaxed / COALESCE(NULLIF(currency_rate, 0), 1)), 0
                       )::float8
                  FROM sale_order
                 WHERE company_id = %s AND state = 'sale' AND date_order >= %s
                """,
                self.env.company.id,
                since,
            )
        )
        return rows[0][0]

    def _followup_tier_states(self, query, since):
        """The tier engine's view of the customers ``query`` selects (a
        res.partner :class:`~odoo.tools.query.Query`, in its order): their
        stored state in the current company, their flags and their sales
        figures (12-month amount in company currency, first order), in two
        queries, so that a batch costs the same few queries whatever its
        size.

        :return: list of tuples of the values named in :data:`TIER_STATE`
        """
        self.env["sale.order"].flush_model(
            ["amount_untaxed", "currency_rate", "state", "date_order", "company_id", "partner_id"]
        )
        self.flush_model(["commercial_partner_id", *_STATE_FIELDS])
        table = query.table
        # Company-dependent columns read as the ORM reads them (jsonb by
        # company, with the field's fallback).
        # Floats read as float8: numeric would go through Python's Decimal.
        columns = [SQL.identifier(table, "id")] + [
            SQL(
                "%s%s",
                self._field_to_sql(table, fname, query),
                SQL("::float8") if self._fields[fname].type == "float" else SQL(),
            )
            for fname in _STATE_COLUMNS
        ]
        rows = self.env.execute_query(query.select(*columns))
        if not rows:
            return []
        # Flags and sales in one query each for the whole batch, not a
        # subquery per customer. A batch of the nightly pass is a range of
        # ids: read through one range of the index (one look-up per
        # customer cost three times more).
        ids = [row[0] for row in rows]
        low, high = min(ids), max(ids)
        if high - low < 4 * len(ids):
            flagged = SQL("r.partner_id BETWEEN %s AND %s", low, high)
            customers = SQL("c.commercial_partner_id BETWEEN %s AND %s", low, high)
        else:
            flagged = SQL("r.partner_id = ANY(%s)", ids)
            customers = SQL("c.commercial_partner_id = ANY(%s)", ids)
        flags = defaultdict(set)
        for partner_id, flag_id in self.env.execute_query(
            SQL(
                "SELECT r.partner_id, r.flag_id FROM res_partner_customer_followup_tier_flag_rel r "
                "WHERE %s",
                flagged,
            )
        ):
            flags[partner_id].add(flag_id)
        sales = {
            partner_id: (amount, first_order)
            for partner_id, amount, first_order in self.env.execute_query(
                SQL(
                    """
                    SELECT c.commercial_partner_id,
                           SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                               FILTER (WHERE so.date_order >= %(since)s)::float8,
                           MIN(so.date_order)
                      FROM res_partner c
                      JOIN sale_order so ON so.partner_id = c.id
                     WHERE %(customers)s
                       AND so.company_id = %(company)s
                       AND so.state = 'sale'
                  GROUP BY c.commercial_partner_id
                    """,
                    customers=customers,
                    since=since,
                    company=self.env.company.id,
                )
            )
        }
        no_sales = (None, None)
        no_flags = frozenset()
        # Plain tuples (see TIER_STATE): a named tuple per customer cost
        # more than the classification itself.
        result = []
        for row in rows:
            amount, first_order = sales.get(row[0], no_sales)
            result.append((*row, flags.get(row[0], no_flags), amount or 0.0, first_order))
        return result

    def _followup_recompute_tiers(self):
        """Classify these customers in the current company and store what
        changed (see :meth:`_followup_apply_tier_states`). Called as
        superuser (the tier engine reads every customer's sales and logs
        on every re-tiered customer): the nightly job, and the writes and
        buttons that sudo into it."""
        if not self:
            return
        query = self.with_context(active_test=False)._search([("id", "in", self.ids)], order="id")
        today, since = self._followup_sales_window()
        self._followup_apply_tier_states(self._followup_tier_states(query, since))

    def _followup_apply_tier_states(self, states, total=None, tiers=None, dry_run=False):
        """Classify the customers of ``states`` (see
        :meth:`_followup_tier_states`) and store what changed. A change from
        one tier to another is logged in the chatter with the rule that
        decided; first classifications and figures that merely moved are
        stored silently.

        A fixed number of queries whatever the number of customers: the
        company total (unless given), one UPDATE of the changed customers
        and, for tier changes, one batch of chatter entries. Nothing is
        written when nothing changed.

        :param total: the company's 12-month sales (read when not given)
        :param tiers: the company's active tiers (searched when not given);
            the tier list's preview passes tiers being edited
        :param dry_run: classify only, write nothing (the tier list's preview)
        :return: number of customers whose stored state changed, or with
            ``dry_run`` the number of customers per tier id
        """
        if not states:
            return {} if dry_run else 0
        company = self.env.company
        if tiers is None:
            tiers = self.env["customer.followup.tier"].search([("company_id", "=", company.id)])
        if not tiers:
            return {} if dry_run else 0
        classifier = tiers._classifier()
        today, since = self._followup_sales_window()
        if total is None:
            total = self._followup_company_sales_total(since)
        tier_names = {tier.id: tier.name for tier in tiers}
        # Customers share few distinct cooperation starts: relativedelta once each.
        years_cache = {}
        rows, changes = [], []
        placed = defaultdict(int)
        for (
            partner_id,
            stored_tier,
            stored_rule,
            stored_amount,
            stored_share,
            stored_start,
            manual,
            manual_reason,
            flag_ids,
            amount,
            first_order,
        ) in states:
            start = stored_start or (first_order and first_order.date())
            share = amount * 100.0 / total if total else 0.0
            old_tier = stored_tier or False
            if manual and old_tier:
                tier = old_tier
                rule = classifier.manual(tier_names.get(tier, ""), manual_reason)
            else:
                years = years_cache.get(start)
                if years is None:
                    years = years_cache[start] = _years_between(start, today)
                tier, rule = classifier.classify(amount, share, years, flag_ids)
            if dry_run:
                placed[tier] += 1
                continue
            stored_amount = stored_amount or 0.0
            stored_share = stored_share or 0.0
            # Figures are compared as displayed (2 decimals); the exact
            # comparison first spares the rounding when nothing moved.
            if (
                tier != old_tier
                or rule != (stored_rule or "")
                or (amount != stored_amount and round(amount, 2) != round(stored_amount, 2))
                or (share != stored_share and round(share, 2) != round(stored_share, 2))
                or (start or None) != (stored_start or None)
            ):
                rows.append((partner_id, tier or None, rule, amount, share, start or None))
            if old_tier and tier != old_tier:
                changes.append((partner_id, old_tier, tier, stored_rule, rule))
        if dry_run:
            return dict(placed)
        self._followup_log_tier_changes(changes)
        self._followup_store_tier_state(rows)
        return len(rows)

    def _followup_store_tier_state(self, rows):
        """Store the engine's results in one UPDATE.

        The columns are company-dependent (jsonb keyed by company id) and
        belong to the engine alone: nothing reacts to them, so this skips
        the ORM's per-record write path (res.partner's write syncs users and
        children record by record) and invalidates the cache instead.

        :param list rows: ``(id, tier id, rule, amount, share, start)``
        """
        if not rows:
            return
        self.flush_model(_ENGINE_COLUMNS)
        company = str(self.env.company.id)
        types = ("int4", "int4", "varchar", "float8", "float8", "date")
        for chunk in split_every(20000, rows):
            columns = list(zip(*chunk, strict=True))
            self.env.execute_query(
                SQL(
                    """
                    UPDATE res_partner AS p
                       SET followup_tier_id = COALESCE(p.followup_tier_id, '{}')
                               || jsonb_build_object(%(c)s, v.tier_id),
                           followup_tier_rule = COALESCE(p.followup_tier_rule, '{}')
                               || jsonb_build_object(%(c)s, v.rule),
                           followup_sales_amount = COALESCE(p.followup_sales_amount, '{}')
                               || jsonb_build_object(%(c)s, v.amount),
                           followup_sales_share = COALESCE(p.followup_sales_share, '{}')
                               || jsonb_build_object(%(c)s, v.share),
                           followup_cooperation_start = COALESCE(p.followup_cooperation_start, '{}')
                               || jsonb_build_object(%(c)s, v.start),
                           write_date = %(now)s,
                           write_uid = %(uid)s
                      FROM unnest(%(values)s) AS v(id, tier_id, rule, amount, share, start)
                     WHERE p.id = v.id
                    """,
                    c=company,
                    now=self.env.cr.now(),
                    uid=self.env.uid,
                    values=SQL(", ").join(
                        array_param(column, sql_type)
                        for column, sql_type in zip(columns, types, strict=True)
                    ),
                )
            )
        self.browse([row[0] for row in rows]).invalidate_recordset(
            _ENGINE_COLUMNS + ["write_date", "write_uid"]
        )

    def _followup_log_tier_changes(self, changes):
        """Log each change from one tier to another in the customer's chatter
        (old and new tier, the rule that decided), for the whole batch in one
        call of the mail API's batched log.

        :param list changes: ``(partner id, old tier id, new tier id, old rule, new rule)``
        """
        if not changes:
            return
        Tier = self.env["customer.followup.tier"]
        names = dict(
            Tier.browse({tier for change in changes for tier in change[1:3] if tier})
            .with_context(active_test=False)
            .mapped(lambda tier: (tier.id, tier.name))
        )
        label = self._fields["followup_tier_id"]._description_string(self.env)
        bodies = {
            partner_id: Markup("<p>%s: %s → <b>%s</b></p><p>%s</p>")
            % (label, names.get(old_tier, "—"), names.get(new_tier, "—"), new_rule or "")
            for partner_id, old_tier, new_tier, _old_rule, new_rule in changes
        }
        self.browse(list(bodies))._message_log_batch(bodies)

    def action_followup_recompute_tier(self):
        self._followup_refresh_tiers()
        return True

    def _followup_refresh_tiers(self):
        """The tiers of these customers, recomputed now for whoever changed
        their figures or asks (the nightly pass does the rest)."""
        # sudo: the tier engine reads the company's sales, which the user (a
        # specialist, a salesperson) may not.
        self.sudo()._followup_recompute_tiers()

    # ------------------------------------------------------------------
    # Follow-up visits
    # ------------------------------------------------------------------
    followup_visit_count = fields.Integer("Follow-ups", compute="_compute_followup_visit_stats")
    followup_last_visit = fields.Datetime("Last follow-up", compute="_compute_followup_visit_stats")
    followup_next_visit = fields.Datetime("Next follow-up", compute="_compute_followup_visit_stats")
    followup_satisfaction = fields.Float(
        "Average satisfaction",
        compute="_compute_followup_visit_stats",
        digits=(3, 1),
        help="Average of the overall satisfaction the customer gave on follow-ups of service; "
        "unanswered follow-ups and holiday greetings do not count.",
    )
    followup_satisfaction_count = fields.Integer(
        "Satisfaction answers", compute="_compute_followup_visit_stats"
    )

    @api.depends_context("company", "uid")
    def _compute_followup_visit_stats(self):
        # Salespeople without follow-up rights read no follow-up figures
        # (001 篇五 confidentiality): the visit record rules decide.
        Visit = self.env["customer.followup.visit"]
        stats = {}
        if Visit.has_access("read"):
            partners = self.commercial_partner_id
            base = [("partner_id", "in", partners.ids), ("state", "!=", "cancelled")]
            for partner, count in Visit._read_group(base, ["partner_id"], ["__count"]):
                stats.setdefault(partner.id, {})["count"] = count
            # The average measure counts answered follow-ups of service only.
            for partner, last, avg, answers in Visit._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "done")],
                ["partner_id"],
                ["done_date:max", "satisfaction_avg:avg", "satisfaction_avg:count"],
            ):
                stats.setdefault(partner.id, {}).update(last=last, avg=avg, answers=answers)
            for partner, nxt in Visit._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("state", "in", ("planned", "prepared", "postponed", "unreachable")),
                ],
                ["partner_id"],
                ["scheduled_date:min"],
            ):
                stats.setdefault(partner.id, {})["next"] = nxt
        for partner in self:
            data = stats.get(partner.commercial_partner_id.id, {})
            partner.followup_visit_count = data.get("count", 0)
            partner.followup_last_visit = data.get("last", False)
            partner.followup_next_visit = data.get("next", False)
            partner.followup_satisfaction = data.get("avg") or 0.0
            partner.followup_satisfaction_count = data.get("answers", 0)

    def _followup_is_customer(self):
        """A customer of the current company: ranked as customer or tiered."""
        self.ensure_one()
        return bool(self.customer_rank > 0 or self.followup_tier_id)

    def action_followup_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.customer_followup_visit_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
        }
        return action

    # ------------------------------------------------------------------
    # Service anomalies
    # ------------------------------------------------------------------
    followup_anomaly_count = fields.Integer(
        "Service anomalies",
        compute="_compute_followup_anomaly_count",
        groups="customer_followup.group_customer_followup_user",
    )

    def _compute_followup_anomaly_count(self):
        data = self.env["customer.followup.anomaly"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {}
        for partner, count in data:
            key = partner.commercial_partner_id.id
            counts[key] = counts.get(key, 0) + count
        for partner in self:
            partner.followup_anomaly_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_followup_anomalies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.customer_followup_anomaly_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action


def _years_between(start, today):
    """Years from ``start`` to ``today`` as a float: whole years exactly on
    anniversaries, so that the 2- and 5-year rules hold on the day."""
    if not start or start > today:
        return 0.0
    delta = relativedelta(today, start)
    return delta.years + delta.months / 12.0 + delta.days / 365.25
