import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_compare

from .candidate_reads import tune_candidate_reads
from .claims import claim_rows

_logger = logging.getLogger(__name__)

# ir.config_parameter key prefix holding, per company, the last partner id
# the batched tier recomputation reached ("" when no pass is under way).
CURSOR_KEY = "customer_followup.tier_cursor.%s"
# Partners looked at per batch: under a second of reading on two cores when
# nothing changed, about two when every customer is classified for the first
# time; a fixed twenty queries whatever the size, and an UPDATE only of the
# customers that changed.
TIER_BATCH = 30000


class CustomerFollowupTier(models.Model):
    """A customer tier of the instrument-factory regulation (000 第六、七条):
    一级 战略客户, 二级 重点客户, 三级 普通客户. A customer belongs to the
    highest tier (lowest level) whose rules it meets (see
    :class:`TierClassifier`); customers that meet none are placed by their
    sales share, or fall into the company's default tier."""

    _name = "customer.followup.tier"
    _description = "Customer Tier"
    _order = "company_id, level, id"
    _check_company_auto = True
    # Imports and integrations name tiers by their stable code as well.
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable key for imports and integrations, e.g. strategic, key, normal.",
    )
    level = fields.Integer(
        required=True,
        default=3,
        help="1 is the highest tier. Rules are tried from the highest tier down.",
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    is_default = fields.Boolean(
        "Default tier",
        help="Customers that meet no other tier's rules and reach no other "
        "tier's sales share get this tier.",
    )

    # Rules: the figures (share, years) as ``figures_match`` says, or the
    # amount, or a flag; 0 switches a figure off.
    figures_match = fields.Selection(
        [("all", "All of them"), ("any", "Any of them")],
        string="Share and years required",
        required=True,
        # The regulation's reading (000 第六条: share and years): also what
        # the tiers of a database upgraded from an older version get.
        default="all",
        help="All of them: a customer needs the sales share and the cooperation "
        "years (the regulation, 000 第六条). Any of them: either one is enough. "
        "Purchases above the amount and the flags are alternatives in both cases.",
    )
    min_sales_share = fields.Float(
        "Sales share at least (%)",
        digits=(5, 2),
        help="Share of the company's confirmed sales over the last 12 months.",
    )
    min_cooperation_years = fields.Float(
        "Cooperation at least (years)",
        digits=(4, 1),
        help="Years since the first confirmed order (or the cooperation start "
        "entered on the customer).",
    )
    min_sales_amount = fields.Monetary(
        "Yearly purchases above",
        help="Confirmed sales over the last 12 months, in company currency: "
        "purchases above it place a customer in this tier whatever its share "
        "and years, e.g. 5,000,000 CNY for strategic customers (000 第五条: "
        "战略级客户, 年度采购额超500万元).",
    )
    flag_ids = fields.Many2many(
        "customer.followup.tier.flag",
        string="Or flagged as",
        help="Customers carrying any of these flags belong to this tier, whatever their figures.",
    )
    rule_summary = fields.Char("Rules", compute="_compute_rule_summary")

    # Follow-up strategy of the tier.
    routine_interval_months = fields.Integer(
        "Routine follow-up every (months)",
        help="1 = monthly, 3 = quarterly, 6 = half-yearly; 0 = no routine follow-up.",
    )
    executive_interval_months = fields.Integer(
        "Executive visit every (months)",
        help="高层互访: 3 = quarterly; 0 = none.",
    )
    onsite_interval_months = fields.Integer(
        "On-site visit every (months)",
        help="Extra on-site visits, e.g. 6 = half-yearly for key customers; 0 = none.",
    )
    milestone_visits = fields.Boolean(
        "Special visits at milestones",
        help="New product launches, trade fairs and other major events.",
    )
    delivery_followup_hours = fields.Integer(
        "Follow up key nodes within (hours)",
        help="After a key node (a validated delivery, a closed service anomaly) "
        "the follow-up is due within this many hours: 24 for key nodes "
        "(000 第三条), 168 = 1 week for normal customers' deliveries "
        "(000 第七条). Elapsed hours unless counted in working time below.",
    )
    delay_in_working_time = fields.Boolean(
        "Count the delay in working time",
        help="The regulation gives the delay in clock time (24 hours, 1 week): "
        "it runs through nights, weekends and holidays. Tick to count it in "
        "working hours of the company's calendar instead.",
    )
    # 001 篇四 要点3: after a sale, follow up at 1 week, 1 month, 3 months
    # and 6 months. Off in the shipped tiers: the company chooses.
    sale_series = fields.Selection(
        [("first", "After the first order"), ("amount", "After every order above an amount")],
        "Follow-up series after a sale",
        help="Empty: no series. The series plans one follow-up per offset below, counted "
        "in calendar days from the order's confirmation.",
    )
    sale_series_days = fields.Char(
        "Series offsets (days)",
        default="7,30,90,180",
        help="Days after the order, comma-separated: 7, 30, 90, 180 are 1 week, 1 month, "
        "3 months and 6 months (001 篇四).",
    )
    sale_series_min_amount = fields.Monetary(
        "Series for orders above",
        help="With 'After every order above an amount': orders of at least this untaxed "
        "amount, in company currency.",
    )
    # 001 篇二: visit expenses are reimbursed within the company's limit.
    expense_limit = fields.Monetary(
        "Expense limit per follow-up",
        help="Expenses of one follow-up of this tier's customers up to this amount, in "
        "company currency, are approved when submitted; above it the owner's "
        "supervisor approves them. 0 = no limit.",
    )
    response_hours = fields.Integer(
        "Response promise (hours)",
        help="A service anomaly of this tier's customers must be answered "
        "(step Responding) within this many elapsed hours of its discovery: "
        "48 for key customers (000 第七条); 0 = no promise. Missing it "
        "escalates once.",
    )
    round_the_clock = fields.Boolean(
        "7×24 response",
        help="Requests of this tier are answered around the clock: the "
        "anomaly clocks counted in working time (plan) run in elapsed time.",
    )
    channel_mix_ids = fields.One2many(
        "customer.followup.tier.channel", "tier_id", string="Channel mix"
    )
    channel_mix_total = fields.Float(
        "Channel mix total (%)", compute="_compute_channel_mix_total", store=True
    )
    service_promise = fields.Text(translate=True, help="What customers of this tier are offered.")
    partner_count = fields.Integer("Customers", compute="_compute_partner_count")
    preview_count = fields.Integer(
        "After recomputing",
        compute="_compute_preview_count",
        groups="customer_followup.group_customer_followup_manager",
        help="Customers this tier would hold if tiers were recomputed now under "
        "the rules as edited (not yet saved included); customers tiered by "
        "hand stay where they are.",
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "Each tier code can be used only once per company.",
        ),
        (
            "level_company_unique",
            "unique(level, company_id)",
            "Two tiers of the same company cannot have the same level.",
        ),
    ]

    @api.depends(
        "figures_match",
        "min_sales_share",
        "min_cooperation_years",
        "min_sales_amount",
        "flag_ids",
        "is_default",
    )
    def _compute_rule_summary(self):
        for tier in self:
            figures = []
            if tier.min_sales_share:
                figures.append(self.env._("share ≥ %(v)s %%", v=format(tier.min_sales_share, "g")))
            if tier.min_cooperation_years:
                figures.append(
                    self.env._("≥ %(v)s years", v=format(tier.min_cooperation_years, "g"))
                )
            both = len(figures) > 1 and tier.figures_match == "all"
            parts = [self.env._(" and ").join(figures)] if both else figures
            if tier.min_sales_amount:
                parts.append(
                    self.env._(
                        "purchases > %(v)s %(cur)s",
                        v=format(tier.min_sales_amount, ",.0f"),
                        cur=tier.currency_id.name or "",
                    )
                )
            parts += tier.flag_ids.mapped("name")
            if tier.is_default:
                parts.append(self.env._("all other customers"))
            # "share and years, or purchases, or a flag": the comma keeps
            # the "and" together.
            separator = self.env._(", or ") if both else self.env._(" or ")
            tier.rule_summary = separator.join(parts)

    def _compute_partner_count(self):
        counts = {}
        for company in self.company_id:
            data = (
                self.env["res.partner"]
                .with_company(company)
                ._read_group(
                    [("followup_tier_id", "in", self.ids)],
                    ["followup_tier_id"],
                    ["__count"],
                )
            )
            counts.update({tier.id: count for tier, count in data})
        for tier in self:
            tier.partner_count = counts.get(tier.id, 0)

    @api.depends(
        "figures_match",
        "min_sales_share",
        "min_cooperation_years",
        "min_sales_amount",
        "flag_ids",
        "is_default",
        "level",
        "active",
        "company_id",
    )
    def _compute_preview_count(self):
        """Customers per tier if the rules were applied now: one pass of
        the nightly engine's reads and classification over each company's
        customers, with the tiers being edited (onchange) in place of their
        saved versions."""
        counts = {}
        for company in self.company_id:
            edited = self.filtered(lambda t, c=company: t.company_id == c)
            saved = self.search([("company_id", "=", company.id)])
            tiers = (saved - edited._origin).with_env(edited.env) | edited.filtered("active")
            # sudo: every customer counts, with sales the reader may not see,
            # as in the nightly pass (the field is for managers).
            Partner = self.env["res.partner"].sudo().with_company(company)
            _today, since = Partner._followup_sales_window()
            tune_candidate_reads(self.env.cr)
            query = Partner._search(Partner._followup_tier_candidate_domain(), order="id")
            states = Partner._followup_tier_states(query, since)
            counts.update(Partner._followup_apply_tier_states(states, tiers=tiers, dry_run=True))
        for tier in self:
            count = counts.get(tier.id, 0)
            if tier._origin.id and tier._origin.id != tier.id:
                # Customers tiered by hand stay with the saved tier's id.
                count += counts.get(tier._origin.id, 0)
            tier.preview_count = count

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        if self.env.context.get("import_file"):
            # An imported tier is stored for the company the import runs in
            # (a customer's tier is company-dependent): the same code or name
            # in another company must not match.
            domain = expression.AND([domain, [("company_id", "=", self.env.company.id)]])
        return domain

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.res_partner_action_customer_followup"
        )
        action["domain"] = [("followup_tier_id", "=", self.id)]
        action["context"] = {"default_is_company": True}
        return action

    @api.constrains(
        "min_sales_share",
        "min_cooperation_years",
        "min_sales_amount",
        "routine_interval_months",
        "executive_interval_months",
        "onsite_interval_months",
        "delivery_followup_hours",
        "response_hours",
    )
    def _check_numbers(self):
        for tier in self:
            if not 0 <= tier.min_sales_share <= 100:
                raise ValidationError(
                    self.env._(
                        "%(tier)s: the sales share must be between 0 %% and 100 %%.",
                        tier=tier.name,
                    )
                )
            negatives = [
                tier._fields[fname].get_description(self.env)["string"]
                for fname in (
                    "min_cooperation_years",
                    "min_sales_amount",
                    "routine_interval_months",
                    "executive_interval_months",
                    "onsite_interval_months",
                    "delivery_followup_hours",
                    "response_hours",
                )
                if tier[fname] < 0
            ]
            if negatives:
                raise ValidationError(
                    self.env._(
                        "%(tier)s: these values cannot be negative: %(fields)s.",
                        tier=tier.name,
                        fields=", ".join(negatives),
                    )
                )

    @api.depends("channel_mix_ids.share")
    def _compute_channel_mix_total(self):
        for tier in self:
            tier.channel_mix_total = sum(tier.channel_mix_ids.mapped("share"))

    # On the stored total rather than on the lines: Odoo checks it when the
    # total is recomputed, once every line of a write (from the tier form or
    # on the lines directly) is in place, not after each line.
    @api.constrains("channel_mix_total")
    def _check_channel_mix(self):
        for tier in self.filtered("channel_mix_ids"):
            total = tier.channel_mix_total
            if float_compare(total, 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "%(tier)s: the channel mix adds up to %(total)s %%; it must "
                        "add up to 100 %%.",
                        tier=tier.name,
                        total=format(total, "g"),
                    )
                )

    def _sale_series_offsets(self):
        """The series' offsets in days, sorted; [] when the tier has none."""
        self.ensure_one()
        if not self.sale_series:
            return []
        try:
            days = sorted(
                {int(part) for part in (self.sale_series_days or "").split(",") if part.strip()}
            )
        except ValueError:
            days = None
        if not days or days[0] <= 0 or days[-1] > 3660:
            raise ValidationError(
                self.env._(
                    "%(tier)s: write the series offsets as whole days after the order, "
                    "separated by commas, e.g. 7,30,90,180.",
                    tier=self.name,
                )
            )
        return days

    @api.constrains("sale_series", "sale_series_days", "sale_series_min_amount")
    def _check_sale_series(self):
        for tier in self:
            tier._sale_series_offsets()
            if tier.sale_series_min_amount < 0:
                raise ValidationError(
                    self.env._("%(tier)s: the series' amount cannot be negative.", tier=tier.name)
                )

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for company in self.filtered("is_default").company_id:
            defaults = self.search_count(
                [("company_id", "=", company.id), ("is_default", "=", True)]
            )
            if defaults > 1:
                raise ValidationError(
                    self.env._(
                        "Company %(company)s already has a default tier; a company "
                        "has exactly one.",
                        company=company.name,
                    )
                )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _classifier(self):
        """A :class:`TierClassifier` for these tiers (one company's)."""
        _ = self.env._
        # Translated once per batch; formatted per customer.
        texts = {
            "share": _("%(tier)s: sales share %(share)s %% ≥ %(min)s %%"),
            "years": _("%(tier)s: cooperation %(years)s years ≥ %(min)s"),
            "share_years": _(
                "%(tier)s: sales share %(share)s %% ≥ %(min_share)s %% and "
                "cooperation %(years)s years ≥ %(min_years)s"
            ),
            "by_share": _(
                "%(tier)s: placed by its sales share %(share)s %% ≥ %(min_share)s %% "
                "(cooperation %(years)s years, under %(min_years)s)"
            ),
            "amount": _("%(tier)s: purchases %(amount)s > %(min)s %(currency)s"),
            "flags": _("%(tier)s: flagged %(flags)s"),
            "default": _("%(tier)s: no rule of a higher tier met"),
            "manual": _("%(tier)s: set by hand (%(reason)s)"),
        }
        # By the saved id: tiers being edited in a form (the preview) have
        # a new id that does not compare with others.
        return TierClassifier(self.sorted(lambda t: (t.level, t._origin.id or 0)), texts)

    # ------------------------------------------------------------------
    # Company defaults
    # ------------------------------------------------------------------
    @api.model
    def _setup_company_tiers(self, companies=None):
        """Give every company without tiers a copy of the tiers shipped for
        the main company (their translations come along). Run as superuser:
        by the data file, and when a company is created."""
        companies = companies or self.env["res.company"].search([])
        templates = self.env["ir.model.data"]._xmlid_to_res_model_res_id
        template_ids = []
        for xmlid in ("tier_strategic", "tier_key", "tier_normal"):
            try:
                template_ids.append(templates(f"customer_followup.{xmlid}")[1])
            except ValueError:
                continue
        Tier = self.with_context(active_test=False)
        template_tiers = Tier.browse(template_ids)
        if not template_tiers:
            return
        with_tiers = set(Tier.search([("company_id", "in", companies.ids)]).company_id.ids)
        for company in companies.filtered(lambda c: c.id not in with_tiers):
            for template in template_tiers:
                new_tier = template.copy({"company_id": company.id, "channel_mix_ids": False})
                new_tier.channel_mix_ids = [
                    (0, 0, {"channel": line.channel, "share": line.share})
                    for line in template.channel_mix_ids
                ]

    # ------------------------------------------------------------------
    # Recomputation
    # ------------------------------------------------------------------
    def action_recompute_now(self):
        """Restart the tier pass of the current companies and wake the cron."""
        if not self.env.user.has_group("customer_followup.group_customer_followup_manager"):
            raise UserError(self.env._("Only Customer Follow-up managers can recompute tiers."))
        # sudo: the pass's position is a system parameter, which only
        # administrators write; the manager's right was checked above.
        params = self.env["ir.config_parameter"].sudo()
        start = self._tier_pass_start()
        for company in self.env.companies:
            params.set_param(CURSOR_KEY % company.id, start)
        cron = self.env.ref(
            "customer_followup.ir_cron_recompute_partner_tiers", raise_if_not_found=False
        )
        if cron:
            cron._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("Customer tiers are being recomputed in the background."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _tier_pass_start(self):
        """The position of a new pass: before the first partner, with the
        partners it will look at (those without a parent, by id). Counting
        the customers among them instead asked for every partner's orders
        at once: seconds of one batch at 1,000,000 customers."""
        self.env["res.partner"].flush_model(["parent_id"])
        count = self.env.execute_query(
            SQL("SELECT count(*) FROM res_partner WHERE parent_id IS NULL")
        )[0][0]
        return f"0,{count}"

    @api.model
    def _cron_recompute_partner_tiers(self, batch_size=TIER_BATCH):
        """Scheduled entry point: one batch per call; Odoo calls again at
        once while ``remaining`` is above zero."""
        done, remaining = self._recompute_partner_tiers_batch(batch_size=batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _recompute_partner_tiers_batch(self, batch_size=TIER_BATCH):
        """Recompute the tiers of the customers among the next
        ``batch_size`` partners (companies and individuals, by id).

        Each company's pass keeps ``last partner id,partners left`` in a
        config parameter, locked with SKIP LOCKED so that a manual run and
        the cron never work on the same batch. Partners are counted once,
        when a pass starts, not at every batch. A new pass starts when none
        is under way.

        Run as superuser, by the scheduled job: every company's customers.

        :return: ``(done, remaining)`` partners looked at and left (the
            cron's progress)
        """
        params = self.env["ir.config_parameter"]
        tiers = self.search([])
        companies = tiers.company_id.sorted("id")
        if not companies:
            return 0, 0
        tune_candidate_reads(self.env.cr)
        # Read in SQL rather than with get_param: batches move the position
        # with a plain UPDATE of the locked row (set_param would clear every
        # ORM cache of the registry at each batch).
        stored = dict(
            self.env.execute_query(
                SQL(
                    "SELECT key, value FROM ir_config_parameter WHERE key IN %s",
                    tuple(CURSOR_KEY % c.id for c in companies),
                )
            )
        )
        positions = {c.id: stored.get(CURSOR_KEY % c.id) or "" for c in companies}
        if not any(positions.values()):
            start = self._tier_pass_start()
            for company in companies:
                positions[company.id] = start
                params.set_param(CURSOR_KEY % company.id, start)
        done = 0
        for company in companies:
            if not positions[company.id]:
                continue
            key = CURSOR_KEY % company.id
            self.env.flush_all()
            locked = claim_rows(
                self.env,
                SQL(
                    "SELECT value FROM ir_config_parameter WHERE key = %s "
                    "FOR NO KEY UPDATE SKIP LOCKED",
                    key,
                ),
            )
            if not locked or not locked[0][0]:
                continue  # another worker is on this company's batch
            # "last id,partners left[,company sales total]": the total is
            # taken once per pass, so that shares are comparable across it.
            parts = locked[0][0].split(",")
            last_id, left = int(parts[0]), int(parts[1])
            Partner = self.env["res.partner"].with_company(company)
            _today, since = Partner._followup_sales_window()
            total = (
                float(parts[2]) if len(parts) > 2 else Partner._followup_company_sales_total(since)
            )
            # Keyset pagination over a window of ids: the next ``batch_size``
            # companies and individuals by id (the primary key's order), then
            # the candidates among them with their stored state and sales;
            # only the customers whose state changed are written. Asked for
            # "the next N candidates" directly, PostgreSQL sorted every
            # remaining partner at each batch once updates had scattered them
            # over the table.
            window = self.env.execute_query(
                SQL(
                    "SELECT id FROM res_partner WHERE id > %s AND parent_id IS NULL "
                    "ORDER BY id OFFSET %s LIMIT 1",
                    last_id,
                    batch_size,
                )
            )
            # The first partner after the window tells whether the pass goes
            # on: the last batch closes it, without an empty batch after it.
            more = bool(window)
            query = Partner._search(
                Partner._followup_tier_candidate_domain(
                    id_window=(last_id, window[0][0] if more else None)
                ),
                order="id",
            )
            states = Partner._followup_tier_states(query, since)
            Partner._followup_apply_tier_states(
                states, total=total, tiers=tiers.filtered(lambda t, c=company: t.company_id == c)
            )
            # Progress counts the partners looked at, customers or not: a
            # window without a customer (a block of suppliers) still moves
            # the pass on, where reporting 0 done would end the cron's run.
            looked = batch_size if more else max(left, 1)
            done += looked
            positions[company.id] = (
                f"{window[0][0] - 1},{max(left - looked, 0)},{total!r}" if more else ""
            )
            if positions[company.id]:
                self.env.execute_query(
                    SQL(
                        "UPDATE ir_config_parameter SET value = %s, write_date = %s WHERE key = %s",
                        positions[company.id],
                        self.env.cr.now(),
                        key,
                    )
                )
            else:
                params.set_param(key, "")
            break
        # An open pass reports at least one partner left, so that the cron
        # comes back to close it.
        remaining = sum(
            max(int(position.split(",")[1]), 1) for position in positions.values() if position
        )
        return done, remaining


def _at_least(value, threshold):
    """``round(value - threshold, 4) >= 0``, rounding only near the
    threshold."""
    if value >= threshold:
        return True
    return value > threshold - 0.001 and round(value - threshold, 4) >= 0


class TierClassifier:
    """The tier rules of one company compiled into plain Python values, so
    that classifying a batch of customers touches no ORM record per
    customer.

    Tiers are tried from level 1 down; a customer belongs to the first
    whose rules it meets:

    - its figures: the sales share and the cooperation years, both (``all``,
      the regulation's reading of 000 第六条: "占比≥30%，合作年限≥5年") or
      either (``any``); a figure at 0 is switched off, and a tier with no
      figure has no figure rule;
    - or purchases strictly above the tier's amount (000 第五条: strategic
      customers buy over 5,000,000 CNY a year), whatever the figures;
    - or one of the tier's flags (行业头部企业...), whatever the figures.

    Share and years count from the threshold up. A customer that meets no
    tier's rules but reaches a tier's sales share (35 % after one year of
    cooperation) is placed by its share, the regulation's first criterion:
    in the highest tier whose share it reaches, so that no large customer
    drops to the default tier. The default tier takes the rest.
    """

    def __init__(self, tiers, texts):
        self.texts = texts
        self.rules = []
        self.default = None
        for tier in tiers:
            compiled = {
                "id": tier.id,
                "name": tier.name,
                "all": tier.figures_match != "any",
                "share": tier.min_sales_share,
                "years": tier.min_cooperation_years,
                "amount": tier.min_sales_amount,
                "digits": tier.currency_id.decimal_places,
                "currency": tier.currency_id.name or "",
                "flags": {flag.id: flag.name for flag in tier.flag_ids},
            }
            if tier.is_default:
                self.default = self.default or compiled
            else:
                self.rules.append(compiled)

    def classify(self, amount, share, years, flag_ids):
        """``(tier id, rule text)`` of a customer's facts: 12-month sales in
        company currency, share of company sales in %, years of
        cooperation, set of flag ids."""
        texts = self.texts
        # Thresholds are compared as rounded (4 decimals for share and
        # years, the currency's for amounts); the plain comparison first,
        # so that the rounding runs only near a threshold.
        for rule in self.rules:
            min_share = rule["share"]
            min_years = rule["years"]
            share_met = min_share and _at_least(share, min_share)
            between = False
            if rule["all"]:
                if share_met or not min_share:
                    if not min_years:
                        if share_met:
                            return rule["id"], self._text("share", rule, share, years)
                    elif _at_least(years, min_years):
                        return rule["id"], self._text(
                            "share_years" if min_share else "years", rule, share, years
                        )
                    elif share_met:
                        between = True
            else:
                if share_met:
                    return rule["id"], self._text("share", rule, share, years)
                if min_years and _at_least(years, min_years):
                    return rule["id"], self._text("years", rule, share, years)
            if (
                rule["amount"]
                and amount > rule["amount"]
                and round(amount - rule["amount"], rule["digits"]) > 0
            ):
                return rule["id"], texts["amount"] % {
                    "tier": rule["name"],
                    "amount": format(amount, ",.0f"),
                    "min": format(rule["amount"], ",.0f"),
                    "currency": rule["currency"],
                }
            matched = flag_ids and [name for fid, name in rule["flags"].items() if fid in flag_ids]
            if matched:
                return rule["id"], texts["flags"] % {
                    "tier": rule["name"],
                    "flags": ", ".join(matched),
                }
            if between:
                # Between tiers (the share of this tier, too few years): placed
                # by its share, the regulation's first criterion, here rather
                # than in a lower tier whose figures it meets, so that a
                # customer never moves down as its years of cooperation grow.
                return rule["id"], self._text("by_share", rule, share, years)
        if self.default:
            return self.default["id"], texts["default"] % {"tier": self.default["name"]}
        return False, ""

    def _text(self, key, rule, share, years):
        return self.texts[key] % {
            "tier": rule["name"],
            "share": format(share, ".2f"),
            "years": format(years, ".1f"),
            "min_share": format(rule["share"], "g"),
            "min_years": format(rule["years"], "g"),
            # The texts of a single figure name its threshold "min".
            "min": format(rule["years"] if key == "years" else rule["share"], "g"),
        }

    def manual(self, tier_name, reason):
        return self.texts["manual"] % {"tier": tier_name, "reason": reason or ""}
