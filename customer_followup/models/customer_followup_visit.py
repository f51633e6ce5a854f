import logging
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.models import READ_GROUP_AGGREGATE, parse_read_group_spec
from odoo.tools import SQL, format_datetime, html_escape, is_html_empty

from .customer_followup_tier_channel import CHANNELS
from .sent_values import check_date_range, check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields, without_context_defaults

_logger = logging.getLogger(__name__)

TRIGGERS = [
    ("routine", "Routine"),
    ("delivery", "After delivery"),
    ("service", "After service"),
    ("anomaly", "After anomaly closure"),
    ("sale", "After a sale"),
    ("problem", "Problem result"),
    ("survey", "Satisfaction survey"),
    ("executive", "Executive / milestone"),
    ("holiday", "Holiday greeting"),
    ("adhoc", "Ad hoc"),
]
STATES = [
    ("planned", "Planned"),
    ("prepared", "Prepared"),
    ("postponed", "Postponed"),
    ("unreachable", "Unreachable"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("planned", "prepared", "postponed", "unreachable")
# The columns the open-schedule index carries besides its keys (see init()).
OPEN_SCHEDULE_INCLUDE = "INCLUDE (company_id, partner_id, id)"
# The 0–5 scale of the renovation sample (001): 5 very satisfied … 0 extremely
# bad. A choice rather than a number: 0 is the worst answer, so a follow-up
# nobody answered must stay empty (NULL), which an integer column written
# through the ORM never is.
SCORES = [
    ("0", "0 - Extremely bad"),
    ("1", "1 - Very dissatisfied"),
    ("2", "2 - Dissatisfied"),
    ("3", "3 - Neutral"),
    ("4", "4 - Satisfied"),
    ("5", "5 - Very satisfied"),
]
SCORE_FIELDS = (
    "satisfaction",
    "score_quality",
    "score_delivery",
    "score_attitude",
    "score_speed",
)
# The averaged measure of each score (pivot, graph, read_group), see
# _read_group_select: only answered service follow-ups count.
SCORE_MEASURES = {f"{fname}_avg": fname for fname in SCORE_FIELDS}
# Holiday greetings (节日问候) are courtesy, not follow-ups of service: they
# are done without scores and count neither in the follow-up rate nor in
# satisfaction (issue 14).
GREETING = "holiday"
# Preparation starts this many working days before the visit (SPEC §5).
PREPARATION_WORKING_DAYS = 3
# The texts and dates people write on a follow-up (length and range limits).
TEXT_FIELDS = (
    "notes",
    "opinions",
    "content",
    "signed_by",
    "report",
    "review_comment",
)
DATE_FIELDS = ("scheduled_date", "deadline", "signed_on", "preparation_date")


class CustomerFollowupVisit(models.Model):
    """One follow-up (回访) of a customer: planned from the tier's cadence or
    a key event, prepared, performed, recorded, reported and reviewed."""

    _name = "customer.followup.visit"
    _description = "Customer Follow-up Visit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _rec_name = "name"
    _rec_names_search = ["name", "partner_id"]
    _order = "scheduled_date desc, id desc"
    _check_company_auto = True

    # A plain index: references are looked up whole (links, integrations);
    # a trigram index for searches on parts of them wrote a third of the
    # database's journal for every generated follow-up.
    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    # No index of its own: a company is most of the table, and the unique
    # index of generated follow-ups starts with it. Each index costs every
    # generated follow-up (200,000 for a year of 100,000 customers).
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    plan_id = fields.Many2one(
        "customer.followup.plan",
        string="Plan",
        index=True,
        ondelete="set null",
        check_company=True,
    )
    tier_id = fields.Many2one(
        "customer.followup.tier",
        string="Tier at creation",
        readonly=True,
        # A duplicate takes the customer's tier of its own creation.
        copy=False,
        check_company=True,
        help="The customer's tier when the follow-up was planned.",
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="adhoc", tracking=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    scheduled_date = fields.Datetime(
        "Scheduled", required=True, tracking=True, default=fields.Datetime.now, index=True
    )
    deadline = fields.Datetime(tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    participant_ids = fields.Many2many(
        "res.users",
        "customer_followup_visit_participant_rel",
        "visit_id",
        "user_id",
        string="Participants",
        domain="[('share', '=', False)]",
        help="Sales and technical support joining the follow-up.",
    )
    # Open follow-ups are found through the partial index of init(); an
    # index on five values would serve no other list.
    # Changed by the follow-up's buttons only: write() refuses it. Kanban
    # columns show every state, in the order of the loop.
    state = fields.Selection(
        STATES,
        required=True,
        default="planned",
        readonly=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    # Not stored: generated follow-ups are inserted in bulk, and this is
    # only scheduled_date > deadline.
    planned_after_deadline = fields.Boolean(
        "Planned after its deadline",
        compute="_compute_planned_after_deadline",
        search="_search_planned_after_deadline",
        help="The first calling window on a working day comes after the deadline.",
    )
    # Generated visits carry a key of their slot, e.g. "routine/2026-03": a
    # unique index makes generation idempotent across runs and workers.
    period_key = fields.Char(readonly=True, copy=False)
    attempt_count = fields.Integer("Attempts", readonly=True, copy=False)
    reschedule_reason = fields.Char(readonly=True, copy=False, tracking=True)

    # Preparation (SPEC §5: 3 working days before).
    preparation_date = fields.Date(
        "Prepare by",
        compute="_compute_preparation_date",
        store=True,
        readonly=False,
        help="Three working days before the follow-up.",
    )
    preparation_summary = fields.Html(readonly=True, copy=False, sanitize=True)
    notes = fields.Html("Preparation notes", help="Key facts and recent news from sales.")

    # Outcome: empty until the customer answers.
    satisfaction = fields.Selection(
        SCORES,
        "Overall satisfaction",
        tracking=True,
        copy=False,
        help="5 very satisfied, 4 satisfied, 3 neutral, 2 dissatisfied, "
        "1 very dissatisfied, 0 extremely bad; empty while the customer has not answered.",
    )
    satisfaction_recorded = fields.Boolean(
        "Outcome recorded",
        compute="_compute_satisfaction_recorded",
        search="_search_satisfaction_recorded",
        help="The customer gave the overall satisfaction.",
    )
    score_quality = fields.Selection(SCORES, "Product quality", copy=False)
    score_delivery = fields.Selection(SCORES, "Delivery", copy=False)
    score_attitude = fields.Selection(SCORES, "Service attitude", copy=False)
    score_speed = fields.Selection(SCORES, "Response speed", copy=False)
    # Measures of the pivot and graph views: averages of the answered scores
    # of service follow-ups, computed in SQL by _read_group_select.
    satisfaction_avg = fields.Float(
        "Average satisfaction", compute="_compute_score_avg", aggregator="avg", digits=(3, 2)
    )
    score_quality_avg = fields.Float(
        "Average product quality", compute="_compute_score_avg", aggregator="avg", digits=(3, 2)
    )
    score_delivery_avg = fields.Float(
        "Average delivery", compute="_compute_score_avg", aggregator="avg", digits=(3, 2)
    )
    score_attitude_avg = fields.Float(
        "Average service attitude",
        compute="_compute_score_avg",
        aggregator="avg",
        digits=(3, 2),
    )
    score_speed_avg = fields.Float(
        "Average response speed", compute="_compute_score_avg", aggregator="avg", digits=(3, 2)
    )
    would_recommend = fields.Boolean("Would recommend us", copy=False)
    opinions = fields.Html("Opinions and suggestions", copy=False)
    content = fields.Html("Follow-up content", copy=False)
    problem_ids = fields.One2many(
        "customer.followup.visit.problem", "visit_id", string="Problems found", copy=False
    )
    problem_open_count = fields.Integer("Open problems", compute="_compute_problem_open_count")
    # Travel, meals, gifts... reimbursed within the tier's limit (001 篇二).
    expense_ids = fields.One2many(
        "customer.followup.visit.expense", "visit_id", string="Expenses", copy=False
    )
    # The customer's handwriting: follow-up staff only, even where a visit is shared.
    signature = fields.Binary(
        copy=False, attachment=True, groups="customer_followup.group_customer_followup_user"
    )
    signed_by = fields.Char(copy=False)
    signed_on = fields.Datetime(copy=False)
    by_phone = fields.Boolean(
        "Recorded by phone",
        compute="_compute_by_phone",
        store=True,
        help="Phone follow-ups are marked as such instead of signed (property management 1.7).",
    )
    done_date = fields.Datetime("Done on", readonly=True, copy=False)

    # Report of the next day and the supervisor's review (SPEC §5).
    report = fields.Html("Visit report", copy=False)
    report_due_date = fields.Date(
        "Report due", compute="_compute_report_due_date", store=True, copy=False
    )
    low_satisfaction = fields.Boolean(
        readonly=True,
        copy=False,
        help="Answered the quarterly satisfaction survey under its threshold: the owner "
        "has an improvement to-do.",
    )
    report_escalated = fields.Boolean(
        "Missing report escalated",
        readonly=True,
        copy=False,
        help="The report was not written by its due date and the supervisor was told, once.",
    )
    reviewer_id = fields.Many2one("res.users", "Reviewed by", readonly=True, copy=False)
    review_date = fields.Datetime("Reviewed on", readonly=True, copy=False)
    review_comment = fields.Text("Supervisor's comment", copy=False)

    # Online questionnaire channel.
    # Only questionnaire follow-ups carry one: a questionnaire on every
    # call and visit meant nothing to the user and cost every generated
    # follow-up a foreign-key check.
    survey_id = fields.Many2one(
        "survey.survey",
        string="Questionnaire",
        compute="_compute_survey_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    survey_user_input_id = fields.Many2one(
        "survey.user_input", string="Questionnaire answer", readonly=True, copy=False
    )
    # Computed as superuser: follow-up staff send the questionnaire's link
    # without survey rights (answers are the Surveys app's).
    survey_url = fields.Char(compute="_compute_survey_url", compute_sudo=True)

    script_id = fields.Many2one(
        "customer.followup.script",
        string="Script",
        compute="_compute_script_id",
        help="The standard script (规范话术) for this trigger and channel.",
    )
    # Computed with the script rather than related: the script is chosen,
    # not stored, so nothing could be recomputed through it.
    script_opening = fields.Html("Opening", compute="_compute_script_id")
    script_questions = fields.Html("Questions", compute="_compute_script_id")
    script_closing = fields.Html("Closing", compute="_compute_script_id")

    color = fields.Integer(compute="_compute_color")

    # ------------------------------------------------------------------
    # Database
    # ------------------------------------------------------------------
    def init(self):
        res = super().init()
        open_schedule = "customer_followup_visit_open_schedule_idx"
        definition = self.env.execute_query(
            SQL("SELECT pg_get_indexdef(to_regclass(%s))", open_schedule)
        )
        if definition[0][0] and OPEN_SCHEDULE_INCLUDE not in definition[0][0]:
            # Built by an earlier version without its included columns.
            self.env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(open_schedule)))
        indexes = (
            # The guard against duplicate generated visits lives in the
            # database: two generations in two transactions cannot both
            # insert a slot.
            (
                "customer_followup_visit_period_key_uniq",
                "UNIQUE",
                "(company_id, partner_id, period_key) WHERE period_key IS NOT NULL",
            ),
            # "My follow-ups today": open follow-ups of a day, by owner, read
            # all day long by every specialist. Its count asks of each open
            # follow-up of the day whether the user owns it, takes part in it
            # (by id) or owns its customer, in their companies: with company,
            # customer and id in the index PostgreSQL answers from the index
            # alone (10,000,000 follow-ups: 196 pages read instead of 9,150,
            # one table page per follow-up of the day; 150 ms when those
            # pages were not in memory).
            (
                open_schedule,
                "",
                f"(scheduled_date, user_id) {OPEN_SCHEDULE_INCLUDE} "
                "WHERE state IN ('planned', 'prepared', 'postponed', 'unreachable')",
            ),
            # The KPIs' "done in the period" (satisfaction answers,
            # greetings), from the index alone: without it each month of the
            # overview was a scan of every follow-up. Only follow-ups done
            # are in it, so plan generation, which inserts open ones, never
            # writes it.
            (
                "customer_followup_visit_done_date_idx",
                "",
                "(done_date) INCLUDE (company_id, trigger, satisfaction) WHERE state = 'done'",
            ),
        )
        for name, unique, definition in indexes:
            self.env.cr.execute(
                SQL(
                    "CREATE %s INDEX IF NOT EXISTS %s ON %s %s",
                    SQL(unique),
                    SQL.identifier(name),
                    SQL.identifier(self._table),
                    SQL(definition),
                )
            )
        return res

    def _read_group_select(self, aggregate_spec, query):
        """Aggregates of the scores count the answers of service follow-ups
        only: an unanswered score is NULL, and a holiday greeting is no
        follow-up of service, whatever it holds. ``satisfaction_avg:avg``
        (the pivot's measure) and ``satisfaction:avg`` are the same figure."""
        if aggregate_spec == "__count":
            return super()._read_group_select(aggregate_spec, query)
        fname, _property, func = parse_read_group_spec(aggregate_spec)
        score = SCORE_MEASURES.get(fname)
        if not score and fname in SCORE_FIELDS and func == "avg":
            score = fname
        if not score or func not in ("avg", "sum", "min", "max", "count"):
            return super()._read_group_select(aggregate_spec, query)
        answered = SQL(
            "CASE WHEN %s <> %s THEN CAST(%s AS integer) END",
            self._field_to_sql(self._table, "trigger", query),
            GREETING,
            self._field_to_sql(self._table, score, query),
        )
        return READ_GROUP_AGGREGATE[func](self._table, answered)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("scheduled_date", "company_id")
    def _compute_preparation_date(self):
        WorkingTime = self.env["customer.followup.working.time"]
        for visit in self:
            if not visit.scheduled_date:
                visit.preparation_date = False
                continue
            calendar = visit.company_id.resource_calendar_id
            day = visit._local_date(visit.scheduled_date)
            visit.preparation_date = WorkingTime.with_company(visit.company_id).add_working_dates(
                day, -PREPARATION_WORKING_DAYS, calendar=calendar
            )

    @api.depends("done_date", "company_id", "trigger")
    def _compute_report_due_date(self):
        WorkingTime = self.env["customer.followup.working.time"]
        for visit in self:
            # A greeting is no follow-up of service: no visit report.
            if not visit.done_date or visit.trigger == GREETING:
                visit.report_due_date = False
                continue
            visit.report_due_date = WorkingTime.with_company(visit.company_id).add_working_dates(
                visit._local_date(visit.done_date),
                1,
                calendar=visit.company_id.resource_calendar_id,
            )

    @api.depends("channel")
    def _compute_by_phone(self):
        for visit in self:
            visit.by_phone = visit.channel == "phone"

    @api.depends("state", "deadline", "scheduled_date")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for visit in self:
            limit = visit.deadline or visit.scheduled_date
            visit.is_overdue = bool(visit.state in OPEN_STATES and limit and limit < now)

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        now = fields.Datetime.now()
        domain = [
            ("state", "in", OPEN_STATES),
            "|",
            "&",
            ("deadline", "!=", False),
            ("deadline", "<", now),
            "&",
            ("deadline", "=", False),
            ("scheduled_date", "<", now),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    @api.depends("state", "deadline", "scheduled_date")
    def _compute_planned_after_deadline(self):
        for visit in self:
            visit.planned_after_deadline = bool(
                visit.state in OPEN_STATES
                and visit.deadline
                and visit.scheduled_date
                and visit.scheduled_date > visit.deadline
            )

    def _search_planned_after_deadline(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        late = SQL(
            "(SELECT id FROM customer_followup_visit"
            " WHERE scheduled_date > deadline AND state IN %s)",
            OPEN_STATES,
        )
        return [("id", "in" if (operator == "=") == value else "not in", late)]

    @api.depends("satisfaction")
    def _compute_satisfaction_recorded(self):
        for visit in self:
            # "0" (extremely bad) is an answer: only empty is unrecorded.
            visit.satisfaction_recorded = bool(visit.satisfaction)

    def _search_satisfaction_recorded(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        recorded = (operator == "=") == value
        return [("satisfaction", "!=" if recorded else "=", False)]

    @api.depends("trigger", *SCORE_FIELDS)
    def _compute_score_avg(self):
        # One follow-up's share of the measures; views only show their
        # averages, which _read_group_select computes in SQL.
        for visit in self:
            counted = visit.trigger != GREETING
            for measure, fname in SCORE_MEASURES.items():
                visit[measure] = int(visit[fname]) if counted and visit[fname] else 0.0

    @api.depends("problem_ids.state")
    def _compute_problem_open_count(self):
        for visit in self:
            visit.problem_open_count = len(visit.problem_ids.filtered(lambda a: a.state == "open"))

    @api.depends("state", "is_overdue", "planned_after_deadline")
    def _compute_color(self):
        for visit in self:
            visit.color = (
                10
                if visit.state == "done"
                else 1
                if visit.is_overdue
                else 2
                if visit.planned_after_deadline
                else 3
                if visit.state in ("postponed", "unreachable")
                else 0
            )

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for visit in self:
            visit.display_name = (
                f"{visit.name} - {visit.partner_id.name}" if visit.partner_id else visit.name
            )

    @api.model
    def _default_survey_id(self):
        """The follow-up questionnaire shipped with the module, by id from
        the cached xmlid map (``env.ref`` would read it once per follow-up)."""
        return self.env["ir.model.data"]._xmlid_to_res_id(
            "customer_followup.survey_followup", raise_if_not_found=False
        )

    @api.depends("channel")
    def _compute_survey_id(self):
        default = self._default_survey_id() or False
        for visit in self:
            if visit.channel == "survey":
                visit.survey_id = visit.survey_id or default
            elif not visit.survey_user_input_id:
                # An answer already sent keeps its questionnaire.
                visit.survey_id = False

    @api.depends("survey_user_input_id")
    def _compute_survey_url(self):
        for visit in self:
            answer = visit.survey_user_input_id
            visit.survey_url = visit.get_base_url() + answer.get_start_url() if answer else False

    @api.depends("trigger", "channel", "company_id")
    def _compute_script_id(self):
        Script = self.env["customer.followup.script"]
        scripts = Script.search([])  # a handful: matched in Python, one query
        for visit in self:
            script = Script._match(scripts, visit.trigger, visit.channel, visit.company_id)
            visit.script_id = script
            visit.script_opening = script.opening
            visit.script_questions = script.questions
            visit.script_closing = script.closing

    def _local_date(self, value):
        """The date of a naive UTC datetime in the company calendar's timezone."""
        tz = pytz.timezone(self.company_id.resource_calendar_id.tz or "UTC")
        return pytz.utc.localize(value).astimezone(tz).date()

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("state", "trigger", "satisfaction", "signature", "channel")
    def _check_done_outcome(self):
        # A holiday greeting asks nothing of the customer: it is done once sent.
        for visit in self.filtered(lambda v: v.state == "done" and v.trigger != GREETING):
            if not visit.satisfaction:
                raise ValidationError(
                    self.env._(
                        "%(visit)s: record the customer's satisfaction before marking "
                        "the follow-up done.",
                        visit=visit.display_name,
                    )
                )
            if visit.channel == "onsite" and not visit.signature:
                raise ValidationError(
                    self.env._(
                        "%(visit)s: an on-site follow-up needs the customer's signature.",
                        visit=visit.display_name,
                    )
                )

    @api.constrains("scheduled_date", "plan_id")
    def _check_plan_period(self):
        for visit in self.filtered("plan_id"):
            plan = visit.plan_id
            day = visit._local_date(visit.scheduled_date)
            if not plan.date_from <= day <= plan.date_to:
                raise ValidationError(
                    self.env._(
                        "%(visit)s: the date %(date)s is outside the period of plan "
                        "%(plan)s (%(from)s to %(to)s).",
                        visit=visit.display_name,
                        date=day,
                        plan=plan.name,
                        **{"from": plan.date_from, "to": plan.date_to},
                    )
                )

    @api.constrains(*TEXT_FIELDS)
    def _check_text_lengths(self):
        check_text_lengths(self, TEXT_FIELDS)

    @api.constrains(*DATE_FIELDS)
    def _check_date_range(self):
        check_date_range(self, DATE_FIELDS)

    @api.constrains("partner_id", "company_id")
    def _check_partner_customer(self):
        # Generated batches hold many follow-ups per customer: each checked once.
        checked = set()
        for visit in self:
            if (visit.partner_id, visit.company_id) in checked:
                continue
            checked.add((visit.partner_id, visit.company_id))
            partner = visit.partner_id.with_company(visit.company_id)
            if partner.parent_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is a contact; follow-ups are made for the customer "
                        "company (%(company)s), with the contact as contact person.",
                        partner=partner.display_name,
                        company=partner.commercial_partner_id.display_name,
                    )
                )
            if not partner._followup_is_customer():
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a customer: follow-ups are made for customers only.",
                        partner=partner.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def _workflow_fields(self):
        """Fields only the follow-up's own steps set (its buttons, the
        generator, the questionnaire): refused to every other writer."""
        return (
            "name",
            "state",
            "tier_id",
            "period_key",
            "attempt_count",
            "reschedule_reason",
            "preparation_summary",
            "done_date",
            "reviewer_id",
            "review_date",
            "survey_user_input_id",
            "report_escalated",
            "low_satisfaction",
        )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._signed_now(self._scores_as_choices(vals)) for vals in vals_list]
        for vals in vals_list:
            if vals.get("state", "planned") != "planned" and not self.env.su:
                raise UserError(self.env._("A new follow-up starts as planned."))
            refuse_workflow_fields(self, vals, new=True)
            check_sent_values(self, vals)
        missing = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        if missing:
            for vals, ref in zip(missing, self._next_references(len(missing)), strict=True):
                vals["name"] = ref
        Partner = self.env["res.partner"]
        for vals in vals_list:
            if vals.get("partner_id") and "tier_id" not in vals:
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                # Tier fields are read by every internal user (README, rights).
                vals["tier_id"] = (
                    Partner.browse(vals["partner_id"]).with_company(company).followup_tier_id.id
                )
        Visit = without_context_defaults(self, self._workflow_fields())
        return super(CustomerFollowupVisit, Visit).create(vals_list)

    def write(self, vals):
        vals = self._signed_now(self._scores_as_choices(vals))
        if "state" in vals and not self.env.su:
            # Each step has its button and its checks (done needs the
            # outcome and stamps the date, a done follow-up is not cancelled).
            raise UserError(self.env._("Change the state of a follow-up with its buttons."))
        refuse_workflow_fields(self, vals)
        check_sent_values(self, vals)
        return super().write(vals)

    def _write_workflow(self, vals):
        """Write what the follow-up's own steps set (state, dates, who
        reviewed), after their checks. The ORM checks the user's access as
        for any write; only write()'s refusal of these fields is skipped.
        Private: no client can call it."""
        return super().write(vals)

    @api.model
    def _signed_now(self, vals):
        """A signature drawn on the screen is dated when it is recorded,
        unless the date of signing is given with it."""
        if vals.get("signature") and not vals.get("signed_on"):
            return {**vals, "signed_on": fields.Datetime.now()}
        return vals

    @api.model
    def _scores_as_choices(self, vals):
        """Scores given as the integers 0–5 (questionnaires, the portal,
        integrations written before the scores became choices) as their
        choice; anything else is left to check_sent_values."""
        ints = {
            fname: str(value)
            for fname, value in vals.items()
            if fname in SCORE_FIELDS and isinstance(value, int) and not isinstance(value, bool)
        }
        return {**vals, **ints} if ints else vals

    @api.model
    def _next_references(self, count):
        """``count`` references from the visit sequence in one query (the
        generator creates thousands at once)."""
        sequence = self.env["ir.sequence"].search(
            [
                ("code", "=", "customer.followup.visit"),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _i in range(count)]
        rows = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        # The prefix and suffix are interpolated once, not per reference.
        prefix, suffix = sequence._get_prefix_suffix()
        padding = sequence.padding
        return [f"{prefix}{row[0]:0{padding}d}{suffix}" for row in rows]

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_prepare(self):
        """Pull the customer file into the visit (orders, deliveries, past
        follow-ups) and mark it prepared."""
        for visit in self:
            if visit.state not in ("planned", "postponed", "unreachable", "prepared"):
                raise UserError(
                    self.env._(
                        "%(visit)s cannot be prepared in its current state.",
                        visit=visit.display_name,
                    )
                )
            visit._write_workflow(
                {
                    # sudo: the summary pulls the customer's orders, deliveries
                    # and past follow-ups, which the preparer may not read
                    # themselves; only the summary is shown.
                    "preparation_summary": visit.sudo()._build_preparation_summary(),
                    "state": "prepared",
                }
            )
        self._schedule_owner_activity()
        return True

    def _schedule_owner_activity(self):
        """Put the follow-up on its owner's to-do list: a call, or an on-site
        visit, due on the scheduled day."""
        call = self.env.ref(
            "customer_followup.mail_activity_type_followup_call", raise_if_not_found=False
        )
        onsite = self.env.ref(
            "customer_followup.mail_activity_type_followup_onsite", raise_if_not_found=False
        )
        for visit in self.filtered(lambda v: v.user_id and v.state in OPEN_STATES):
            activity_type = onsite if visit.channel == "onsite" else call
            if not activity_type or visit.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            visit.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=visit._local_date(visit.scheduled_date),
                user_id=visit.user_id.id,
            )

    def _build_preparation_summary(self, limit=5):
        """The customer's file as the preparer needs it: called as superuser
        by :meth:`action_prepare`, whatever the preparer may read."""
        self.ensure_one()
        _ = self.env._
        partner = self.partner_id
        company = self.company_id
        sections = []
        orders = self.env["sale.order"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("company_id", "=", company.id),
                ("state", "=", "sale"),
            ],
            order="date_order desc",
            limit=limit,
        )
        sections.append(
            (
                _("Recent orders"),
                [
                    f"{o.name} · {o.date_order.date()} · "
                    f"{o.amount_untaxed:,.2f} {o.currency_id.name}"
                    for o in orders
                ],
            )
        )
        pickings = self.env["stock.picking"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("company_id", "=", company.id),
                ("picking_type_code", "=", "outgoing"),
                ("state", "=", "done"),
            ],
            order="date_done desc",
            limit=limit,
        )
        sections.append(
            (
                _("Recent deliveries"),
                [
                    f"{p.name} · {p.date_done and p.date_done.date()} · {p.origin or ''}"
                    for p in pickings
                ],
            )
        )
        visits = self.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("id", "!=", self.id),
            ],
            order="done_date desc",
            limit=limit,
        )
        channels = dict(self._fields["channel"]._description_selection(self.env))
        triggers = dict(self._fields["trigger"]._description_selection(self.env))

        def past(v):
            # A greeting was never scored; an unanswered score is no 0.
            if v.trigger == GREETING:
                outcome = triggers[GREETING]
            elif v.satisfaction:
                outcome = _("satisfaction %(score)s/5", score=v.satisfaction)
            else:
                outcome = _("no score recorded")
            return _(
                "%(ref)s · %(date)s · %(channel)s · %(outcome)s",
                ref=v.name,
                date=v.done_date and v.done_date.date(),
                channel=channels.get(v.channel),
                outcome=outcome,
            )

        sections.append((_("Past follow-ups"), [past(v) for v in visits]))
        open_problems = self.env["customer.followup.visit.problem"].search(
            [
                ("partner_id", "=", partner.id),
                ("state", "=", "open"),
                ("company_id", "=", company.id),
            ],
            limit=limit,
        )
        sections.append(
            (_("Open problems"), [f"{p.name} ({p.visit_id.name})" for p in open_problems])
        )
        parts = []
        for title, lines in sections:
            items = "".join(f"<li>{html_escape(line)}</li>" for line in lines) or (
                f"<li><i>{html_escape(_('None'))}</i></li>"
            )
            parts.append(f"<p><b>{html_escape(title)}</b></p><ul>{items}</ul>")
        return "".join(parts)

    def action_done(self):
        for visit in self:
            if visit.state in ("done", "cancelled"):
                raise UserError(
                    self.env._("%(visit)s is already closed.", visit=visit.display_name)
                )
        # The constraint refuses the write without an outcome: nothing changes.
        self._write_workflow({"state": "done", "done_date": fields.Datetime.now()})
        for visit in self.filtered(lambda v: v.report_due_date and v.user_id):
            # 001 篇二/四: the visit report (回访报告表) is due the next working day.
            visit.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=visit.report_due_date,
                summary=self.env._("Write the visit report"),
                note=self.env._(
                    "Summarise and evaluate %(visit)s for your supervisor's review.",
                    visit=visit.display_name,
                ),
                user_id=visit.user_id.id,
            )
        return True

    def action_cancel(self):
        if self.filtered(lambda v: v.state == "done"):
            raise UserError(self.env._("A follow-up that is done cannot be cancelled."))
        self._write_workflow({"state": "cancelled"})
        return True

    def action_reset(self):
        self.filtered(lambda v: v.state == "cancelled")._write_workflow({"state": "planned"})
        return True

    def action_send_appointment(self):
        """Book the time with the customer (SPEC §5) by e-mail."""
        self.ensure_one()
        template = self.env.ref(
            "customer_followup.mail_template_visit_appointment", raise_if_not_found=False
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    def action_send_survey(self):
        """Invite the customer to the follow-up questionnaire; their answer
        fills the scores and closes the follow-up (survey.user_input)."""
        template = self.env.ref(
            "customer_followup.mail_template_visit_survey", raise_if_not_found=False
        )
        for visit in self:
            if visit.state in ("done", "cancelled"):
                raise UserError(self.env._("%(visit)s is closed.", visit=visit.display_name))
            if not visit.survey_id:
                raise UserError(
                    self.env._(
                        "%(visit)s: choose the questionnaire to send.", visit=visit.display_name
                    )
                )
            if not visit.survey_user_input_id:
                # sudo: specialists need no survey rights; the visit's own
                # access was checked by reading it.
                answer = visit.survey_id.sudo()._create_answer(
                    partner=visit.contact_id or visit.partner_id,
                    check_attempts=False,
                    followup_visit_id=visit.id,
                )
                visit._write_workflow({"survey_user_input_id": answer.id})
            if template:
                visit.message_post_with_source(
                    template, message_type="comment", subtype_xmlid="mail.mt_comment"
                )
        return True

    def action_open_reschedule(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reschedule"),
            "res_model": "customer.followup.visit.reschedule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_visit_id": self.id},
        }

    def _reschedule(self, new_date, reason, unreachable=False, customer_time=False):
        """Move the follow-up to ``new_date`` (naive UTC) for ``reason``,
        counting the attempt; ``unreachable`` when the customer did not answer.

        The new time must be in a calling window of a working day (001: no
        calls outside 10:00–11:30 and 15:30–17:00, none on public holidays),
        unless ``customer_time``: the customer asked for that time, and
        ``reason`` records their words."""
        self.ensure_one()
        if self.state in ("done", "cancelled"):
            raise UserError(
                self.env._(
                    "%(visit)s is closed and cannot be rescheduled.", visit=self.display_name
                )
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for rescheduling."))
        self._check_new_time(new_date, customer_time)
        vals = {
            **self._new_time_vals(new_date),
            "reschedule_reason": reason,
            "attempt_count": self.attempt_count + 1,
            "state": "unreachable" if unreachable else "postponed",
        }
        self._write_workflow(vals)
        if customer_time:
            body = self.env._(
                "Rescheduled to %(date)s (attempt %(n)s) at the customer's request: %(reason)s",
                date=format_datetime(self.env, new_date),
                n=self.attempt_count,
                reason=reason,
            )
        else:
            body = self.env._(
                "Rescheduled to %(date)s (attempt %(n)s): %(reason)s",
                date=format_datetime(self.env, new_date),
                n=self.attempt_count,
                reason=reason,
            )
        self.message_post(body=body)
        return True

    def _check_new_time(self, new_date, customer_time=False, in_calendar=False):
        """Refuse ``new_date`` (naive UTC) for this follow-up: in the past,
        or outside the calling windows of a working day unless
        ``customer_time`` (the customer asked for it). Shared by the
        *Reschedule* wizard and the Odoo calendar (``in_calendar``: the
        follow-up's event was dragged there)."""
        self.ensure_one()
        if not new_date or new_date <= fields.Datetime.now():
            raise UserError(self.env._("A follow-up cannot be rescheduled into the past."))
        if customer_time or self._in_calling_window(new_date):
            return
        windows = ", ".join(
            f"{int(a):02d}:{round(a % 1 * 60):02d}–{int(b):02d}:{round(b % 1 * 60):02d}"
            for a, b in self._calling_windows()
        )
        date = format_datetime(
            self.env,
            new_date,
            tz=self.company_id.resource_calendar_id.tz or "UTC",
            dt_format="yyyy-MM-dd HH:mm",
        )
        if in_calendar:
            raise UserError(
                self.env._(
                    "%(date)s is not in a calling window (%(windows)s) of a working day: "
                    "move the event of %(visit)s into one. When the customer asked for "
                    "this time, use Reschedule on the follow-up and write down their words.",
                    date=date,
                    windows=windows,
                    visit=self.display_name,
                )
            )
        raise UserError(
            self.env._(
                "%(date)s is not in a calling window (%(windows)s) of a working day. "
                "Choose one of the proposed times, or tick that the customer asked "
                "for this time and write down their words.",
                date=date,
                windows=windows,
            )
        )

    def _new_time_vals(self, new_date):
        """The values that move the follow-up to ``new_date``: a deadline
        before it moves with it."""
        self.ensure_one()
        vals = {"scheduled_date": new_date}
        if self.deadline and self.deadline < new_date:
            vals["deadline"] = new_date
        return vals

    def _in_calling_window(self, when):
        """Whether ``when`` (naive UTC) falls in a calling window of a working
        day of the company's calendar, in its timezone."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        local = pytz.utc.localize(when).astimezone(pytz.timezone(calendar.tz or "UTC"))
        hours = local.hour + local.minute / 60.0 + local.second / 3600.0
        if not any(start <= hours < end for start, end in self._calling_windows()):
            return False
        return (
            self.env["customer.followup.working.time"]
            .with_company(self.company_id)
            .is_working_date(local.date(), calendar=calendar)
        )

    def _free_calling_slots(self, count=5, after=None):
        """The next ``count`` calling-window slots (30 minutes) of working
        days after ``after`` (now by default) at which the owner has no
        other open follow-up, as naive UTC datetimes."""
        self.ensure_one()
        after = after or fields.Datetime.now()
        calendar = self.company_id.resource_calendar_id
        tz = pytz.timezone(calendar.tz or "UTC")
        first = pytz.utc.localize(after).astimezone(tz).date()
        dates = (
            self.env["customer.followup.working.time"]
            .with_company(self.company_id)
            .working_dates(first, first + timedelta(days=60), calendar=calendar)
        )
        # sudo: the owner's agenda counts follow-ups of customers the user
        # rescheduling may not see; only their times are read.
        busy = (
            set(
                self.sudo()
                .search(
                    [
                        ("user_id", "=", self.user_id.id),
                        ("state", "in", OPEN_STATES),
                        ("scheduled_date", ">=", after),
                        ("id", "!=", self.id),
                    ]
                )
                .mapped("scheduled_date")
            )
            if self.user_id
            else set()
        )
        slots = []
        for day in dates:
            for start in self._calling_slots():
                candidate = self._local_to_utc(day, start, calendar, tz=tz)
                if candidate > after and candidate not in busy:
                    slots.append(candidate)
                    if len(slots) >= count:
                        return slots
        return slots

    def action_review(self):
        if not self.env.user.has_group("customer_followup.group_customer_followup_manager"):
            raise UserError(self.env._("Only Customer Follow-up managers can review follow-ups."))
        for visit in self:
            if visit.state != "done":
                raise UserError(
                    self.env._(
                        "%(visit)s: only a follow-up that is done can be reviewed.",
                        visit=visit.display_name,
                    )
                )
            if visit.report_due_date and is_html_empty(visit.report):
                raise UserError(
                    self.env._(
                        "%(visit)s: the owner's visit report is missing; the supervisor "
                        "reviews the report (主管批阅).",
                        visit=visit.display_name,
                    )
                )
            if not (visit.review_comment or "").strip():
                raise UserError(
                    self.env._(
                        "%(visit)s: write the review comment first.", visit=visit.display_name
                    )
                )
        self._write_workflow(
            {"reviewer_id": self.env.user.id, "review_date": fields.Datetime.now()}
        )
        return True

    @api.model
    def _cron_escalate_missing_reports(self, batch_size=500):
        """A visit report not written by its due date goes to the owner's
        supervisor, once (001 篇二/四: the report the next day, 主管批阅)."""
        today = fields.Date.context_today(self)
        # The scheduled job runs as the superuser: every owner's follow-ups.
        Visit = self
        domain = [
            ("state", "=", "done"),
            ("report_due_date", "<", today),
            ("report_escalated", "=", False),
            ("trigger", "!=", GREETING),
        ]
        candidates = Visit.search(domain, limit=batch_size + 1, order="report_due_date, id")
        more = len(candidates) > batch_size
        candidates = candidates[:batch_size]
        late = candidates.filtered(lambda v: is_html_empty(v.report))
        (candidates - late).write({"report_escalated": True})
        heads = {}
        for visit in late:
            for user in visit._owner_supervisors(heads):
                visit.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    summary=self.env._("Visit report missing"),
                    note=self.env._(
                        "%(owner)s has not written the report of %(visit)s, due %(due)s.",
                        owner=visit.user_id.name or "-",
                        visit=visit.display_name,
                        due=visit.report_due_date,
                    ),
                    user_id=user.id,
                )
        late.write({"report_escalated": True})
        self.env["ir.cron"]._notify_progress(
            done=len(candidates), remaining=Visit.search_count(domain) if more else 0
        )
        return late

    # ------------------------------------------------------------------
    # Scheduling helpers shared by the generator and event triggers
    # ------------------------------------------------------------------
    @api.model
    def _calling_windows(self):
        """Calling windows as ``[(start hours, end hours)]`` in local time
        (001: 10:00–11:30 and 15:30–17:00), configurable with the system
        parameter ``customer_followup.calling_windows``."""
        # sudo: system parameters are read by administrators only.
        raw = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_followup.calling_windows", "10:00-11:30,15:30-17:00")
        )
        windows = []
        try:
            for part in raw.split(","):
                start, end = part.strip().split("-")
                h1, m1 = (int(x) for x in start.split(":"))
                h2, m2 = (int(x) for x in end.split(":"))
                if (h1, m1) < (h2, m2):
                    windows.append((h1 + m1 / 60.0, h2 + m2 / 60.0))
        except ValueError:
            _logger.warning("Invalid customer_followup.calling_windows %r", raw)
            windows = []
        return sorted(windows) or [(10.0, 11.5), (15.5, 17.0)]

    @api.model
    def _calling_slots(self, step_minutes=30):
        """Start times (hours) of ``step_minutes`` slots inside the windows."""
        slots = []
        for start, end in self._calling_windows():
            current = start
            while current + step_minutes / 60.0 <= end + 1e-9:
                slots.append(current)
                current += step_minutes / 60.0
        return slots

    @api.model
    def _local_to_utc(self, day, hours, calendar, tz=None):
        """``hours`` after midnight of ``day`` in the calendar's timezone
        (or ``tz``, when the caller has it), as naive UTC."""
        tz = tz or pytz.timezone(calendar.tz or "UTC")
        local = tz.localize(datetime.combine(day, time()) + timedelta(hours=hours))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _next_calling_slot(self, after, calendar, until=None, working_dates=None):
        """First calling-window start on a working date at or after ``after``
        (naive UTC); ``until`` caps the result.

        :param list working_dates: the calendar's sorted working dates over
            at least the 60 days from ``after`` (read when not given)
        """
        WorkingTime = self.env["customer.followup.working.time"]
        tz = pytz.timezone(calendar.tz or "UTC")
        local_after = pytz.utc.localize(after).astimezone(tz)
        day = local_after.date()
        if working_dates is None:
            working_dates = WorkingTime.working_dates(
                day, day + timedelta(days=60), calendar=calendar
            )
        else:
            working_dates = [d for d in working_dates if day <= d <= day + timedelta(days=60)]
        for day_ in working_dates:
            for start, _end in self._calling_windows():
                candidate = self._local_to_utc(day_, start, calendar)
                if candidate >= after:
                    if until and candidate > until:
                        return until
                    return candidate
        return until or after

    # ------------------------------------------------------------------
    # Event triggers
    # ------------------------------------------------------------------
    @api.model
    def _create_event_visits(self, events):
        """Create the follow-ups of key events at most once each.

        :param list events: dicts with ``partner`` (commercial partner),
            ``company``, ``trigger``, ``key`` (unique per event, e.g.
            ``delivery/WH-OUT-0042``), ``start`` (naive UTC) and optional
            ``contact``, ``hours`` (due within, else the tier's delay) or
            ``deadline`` (naive UTC, a calendar delay such as 10 days)

        Called by whoever validates the event (a warehouse user, a repair
        technician, the handler closing an anomaly), who needs no follow-up
        rights: the follow-ups are created by the generator as the
        application, for each customer's follow-up owner.
        """
        WorkingTime = self.env["customer.followup.working.time"]
        # A validation of many deliveries at once: one working clock per
        # calendar places every deadline and calling slot, instead of
        # reading the calendar twice per delivery.
        spans = {}
        for event in events:
            calendar = event["company"].resource_calendar_id
            first, last = spans.get(calendar, (event["start"], event["start"]))
            spans[calendar] = (min(first, event["start"]), max(last, event["start"]))
        clocks = {}

        def clock_of(company, calendar):
            if calendar not in clocks:
                first, last = spans[calendar]
                clock = WorkingTime.with_company(company)._clock(
                    calendar, first - timedelta(days=30), last + timedelta(days=90)
                )
                tz = pytz.timezone(calendar.tz or "UTC")
                clocks[calendar] = (clock, clock.dates(tz))
            return clocks[calendar]

        # The customers' company-dependent tiers, read once per company.
        customers = {}
        for company in {event["company"] for event in events}:
            partners = self.env["res.partner"].browse(
                {event["partner"].id for event in events if event["company"] == company}
            )
            for partner in partners.with_company(company):
                customers[company, partner.id] = partner
        vals_list = []
        for event in events:
            company = event["company"]
            partner = customers[company, event["partner"].id]
            if not partner._followup_is_customer():
                continue
            tier = partner.followup_tier_id
            hours = event.get("hours") or tier.delivery_followup_hours or 24
            calendar = company.resource_calendar_id
            clock, dates = clock_of(company, calendar)
            deadline = event.get("deadline")
            if not deadline and tier.delay_in_working_time:
                deadline = clock.add(event["start"], hours * 3600.0) or WorkingTime.with_company(
                    company
                ).plan_hours(event["start"], hours, calendar=calendar)
            elif not deadline:
                # The regulation's delays are clock time (000 第三条: within
                # 24 hours; 第七条: within 1 week): elapsed, nights included.
                deadline = event["start"] + timedelta(hours=hours)
            # The call itself waits for a calling window on a working day,
            # even past the deadline: _warn_planned_after_deadline asks the
            # supervisor whether to call outside hours or accept the delay.
            scheduled = self._next_calling_slot(event["start"], calendar, working_dates=dates)
            vals = {
                "company_id": company.id,
                "partner_id": partner.id,
                "contact_id": event.get("contact") and event["contact"].id,
                "tier_id": tier.id,
                "trigger": event["trigger"],
                "channel": "phone",
                # The stored computed fields, known here: create() would
                # compute them one follow-up at a time.
                "by_phone": True,
                "survey_id": False,
                "report_due_date": False,
                "scheduled_date": scheduled,
                "deadline": deadline,
                "user_id": partner.followup_user_id.id
                or (event.get("fallback_user") and event["fallback_user"].id)
                or False,
                "period_key": event["key"],
            }
            # Preparation 3 working days before, from the clock's dates.
            tz = pytz.timezone(calendar.tz or "UTC")
            day = pytz.utc.localize(scheduled).astimezone(tz).date() if scheduled else None
            before = [d for d in dates if day and d < day]
            if len(before) >= PREPARATION_WORKING_DAYS:
                vals["preparation_date"] = before[-PREPARATION_WORKING_DAYS]
            vals_list.append(vals)
        visits = self.env["customer.followup.visit.generator"]._create_visits(vals_list)
        # Key events are few and urgent: their owners get an activity at once.
        visits._schedule_owner_activity()
        visits.filtered("planned_after_deadline")._warn_planned_after_deadline()
        return visits

    def _expense_tier(self):
        """The tier whose expense limit applies: the customer's tier when the
        follow-up was planned, else its tier now."""
        self.ensure_one()
        return self.tier_id or self.partner_id.with_company(self.company_id).followup_tier_id

    def _expense_total(self):
        """Submitted and approved expenses of the follow-up (refused and
        draft ones do not count against the limit)."""
        self.ensure_one()
        # sudo: the limit counts every owner's expenses of the follow-up,
        # including those the submitter may not read.
        expenses = (
            self.env["customer.followup.visit.expense"]
            .sudo()
            .search([("visit_id", "=", self.id), ("state", "in", ("to_approve", "approved"))])
        )
        return sum(expenses.mapped("amount"))

    def _owner_supervisors(self, heads):
        """The owner's supervisor, or the department heads of the company
        when none is set.

        :param dict heads: department heads already looked up, by company
        """
        self.ensure_one()
        return self._supervisors_of(self.user_id, self.company_id, heads)

    @api.model
    def _supervisors_of(self, user, company, heads):
        """``user``'s follow-up supervisor, or the department heads of
        ``company`` when none is set (also who approves visit expenses
        above their limit).

        :param dict heads: department heads already looked up, by company
        """
        supervisor = user.followup_supervisor_id
        if supervisor:
            return supervisor
        if company not in heads:
            dept_head = self.env.ref("customer_followup.group_customer_followup_dept_head")
            heads[company] = self.env["customer.followup.escalation.policy"]._role_users(
                dept_head, company
            )
        return heads[company]

    def _warn_planned_after_deadline(self):
        """A follow-up whose first calling window comes after its deadline
        (a delivery validated on a Friday evening, due within 24 hours)
        puts a to-do on the owner's supervisor: call outside the windows,
        or accept the delay."""
        heads = {}
        for visit in self:
            tz = visit.company_id.resource_calendar_id.tz or "UTC"
            for user in visit._owner_supervisors(heads):
                visit.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=visit._local_date(visit.deadline),
                    summary=self.env._("Follow-up planned after its deadline"),
                    note=self.env._(
                        "%(visit)s is due by %(deadline)s but the first calling window "
                        "is %(scheduled)s: call outside the calling windows, or accept "
                        "the delay.",
                        visit=visit.display_name,
                        deadline=format_datetime(
                            self.env, visit.deadline, tz=tz, dt_format="yyyy-MM-dd HH:mm"
                        ),
                        scheduled=format_datetime(
                            self.env, visit.scheduled_date, tz=tz, dt_format="yyyy-MM-dd HH:mm"
                        ),
                    ),
                    user_id=user.id,
                )
