import calendar as pycalendar
from collections import Counter, defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .claims import claim_rows
from .sent_values import check_date_range, check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields, without_context_defaults

# Customers planned per batch, by the plan's approval and by the cron alike:
# about 10,000 follow-ups in under a second for the usual mix of tiers. A
# batch also stops at GENERATION_VISITS follow-ups (about 60 us each), so
# that it stays within a few seconds even if every customer were strategic
# (16 a year).
GENERATION_BATCH = 5000
GENERATION_VISITS = 40000


class CustomerFollowupPlan(models.Model):
    """A yearly or monthly follow-up plan of a company (000 第八条, 002 二):
    its period, its scope (tiers, owners, customers) and objectives.
    Approval by a manager (SPEC §2) schedules the follow-ups of the period."""

    _name = "customer.followup.plan"
    _description = "Customer Follow-up Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    plan_type = fields.Selection(
        [("yearly", "Yearly"), ("monthly", "Monthly")],
        string="Type",
        required=True,
        default="yearly",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date("From", required=True, tracking=True)
    date_to = fields.Date("To", required=True, tracking=True)
    tier_ids = fields.Many2many(
        "customer.followup.tier",
        string="Tiers",
        check_company=True,
        help="Leave empty for every tier.",
    )
    user_ids = fields.Many2many(
        "res.users",
        "customer_followup_plan_user_rel",
        "plan_id",
        "user_id",
        string="Owners",
        help="Only the customers of these follow-up owners; empty for all.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "customer_followup_plan_partner_rel",
        "plan_id",
        "partner_id",
        string="Customers",
        domain="[('parent_id', '=', False)]",
        help="Only these customers; empty for all customers in scope.",
    )
    objectives = fields.Html()
    holiday_greetings = fields.Boolean(
        default=True,
        help="Greet customers before the public holidays of the company calendar: "
        "an online message for all, a phone call for strategic and key customers.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("running", "Running"),
            ("closed", "Closed"),
        ],
        default="draft",
        required=True,
        # Changed by the plan's buttons only: write() refuses it.
        readonly=True,
        tracking=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", "Approved by", readonly=True, copy=False)
    approved_date = fields.Datetime("Approved on", readonly=True, copy=False)
    visit_ids = fields.One2many("customer.followup.visit", "plan_id", string="Follow-ups")
    # Position of the generation: the last customer planned (0 = not started).
    generation_cursor = fields.Integer(readonly=True, copy=False)
    generation_pending = fields.Boolean(readonly=True, copy=False)
    # Routine follow-ups per tier and channel planned so far in the period
    # ({"tier id": {"channel": count}}), carried from batch to batch so that
    # each batch continues the channel mix without counting the period's
    # follow-ups again; read afresh when the generation starts over.
    generation_channel_counts = fields.Json(readonly=True, copy=False)
    thinned_count = fields.Integer(
        "Calls thinned",
        readonly=True,
        copy=False,
        help="Routine calls that became a message or a questionnaire because the "
        "customer prefers fewer calls (001 篇一).",
    )
    generation_date = fields.Date("Last generation", readonly=True, copy=False)

    visit_count = fields.Integer("Planned", compute="_compute_counts")
    done_count = fields.Integer("Done", compute="_compute_counts")
    overdue_count = fields.Integer("Overdue", compute="_compute_counts")
    followup_rate = fields.Float(
        "Follow-up rate (%)",
        compute="_compute_counts",
        digits=(5, 1),
        help="Share of the planned follow-ups that are done (回访率), cancelled ones excluded.",
    )

    @api.depends("visit_ids.state")
    def _compute_counts(self):
        Visit = self.env["customer.followup.visit"]
        base = [("plan_id", "in", self.ids), ("state", "!=", "cancelled")]
        totals = dict(Visit._read_group(base, ["plan_id"], ["__count"]))
        done = dict(Visit._read_group(base + [("state", "=", "done")], ["plan_id"], ["__count"]))
        overdue = dict(
            Visit._read_group(base + [("is_overdue", "=", True)], ["plan_id"], ["__count"])
        )
        for plan in self:
            plan.visit_count = totals.get(plan, 0)
            plan.done_count = done.get(plan, 0)
            plan.overdue_count = overdue.get(plan, 0)
            plan.followup_rate = (
                100.0 * plan.done_count / plan.visit_count if plan.visit_count else 0.0
            )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for plan in self:
            if plan.date_from > plan.date_to:
                raise ValidationError(
                    self.env._("Plan %(plan)s: the period ends before it starts.", plan=plan.name)
                )

    @api.constrains("name", "objectives")
    def _check_text_lengths(self):
        check_text_lengths(self, ["name", "objectives"])

    @api.constrains("date_from", "date_to")
    def _check_date_range(self):
        check_date_range(self, ["date_from", "date_to"])

    @api.onchange("plan_type", "date_from")
    def _onchange_plan_type(self):
        if not self.date_from:
            return
        if self.plan_type == "yearly":
            self.date_to = date(self.date_from.year, 12, 31)
        else:
            last = pycalendar.monthrange(self.date_from.year, self.date_from.month)[1]
            self.date_to = self.date_from.replace(day=last)

    @api.model
    def _workflow_fields(self):
        """Fields only the plan's buttons and its generation set: refused
        to every other writer."""
        return (
            "state",
            "approved_by_id",
            "approved_date",
            "generation_cursor",
            "generation_pending",
            "generation_channel_counts",
            "generation_date",
            "thinned_count",
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") != "draft" and not self.env.su:
                raise UserError(self.env._("A new plan starts as a draft."))
            refuse_workflow_fields(self, vals, new=True)
            check_sent_values(self, vals)
        Plan = without_context_defaults(self, self._workflow_fields())
        return super(CustomerFollowupPlan, Plan).create(vals_list)

    def write(self, vals):
        if "state" in vals and not self.env.su:
            # Submitting, approving (managers) and closing are buttons with checks.
            raise UserError(self.env._("Change the state of a plan with its buttons."))
        refuse_workflow_fields(self, vals)
        check_sent_values(self, vals)
        return super().write(vals)

    def _write_workflow(self, vals):
        """Write what the plan's buttons and generation set (state, who
        approved, the generation's position), after their checks. The ORM
        checks the user's access as for any write; only write()'s refusal
        of these fields is skipped. Private: no client can call it."""
        return super().write(vals)

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_submit(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only draft plans can be submitted."))
        self._write_workflow({"state": "submitted"})
        return True

    def action_draft(self):
        for plan in self:
            if plan.state not in ("submitted", "approved"):
                raise UserError(self.env._("Only submitted or approved plans go back to draft."))
            if plan.visit_ids.filtered(lambda v: v.state == "done"):
                raise UserError(
                    self.env._("Plan %(plan)s already has follow-ups done.", plan=plan.name)
                )
        self._write_workflow({"state": "draft"})
        return True

    def action_approve(self):
        """Approve (managers only, SPEC §2) and schedule the follow-ups of
        the period with the cron's own code path."""
        if not self.env.user.has_group("customer_followup.group_customer_followup_manager"):
            raise UserError(
                self.env._("Only Customer Follow-up managers can approve follow-up plans.")
            )
        for plan in self:
            if plan.state not in ("draft", "submitted"):
                raise UserError(
                    self.env._("Plan %(plan)s is not waiting for approval.", plan=plan.name)
                )
        today = fields.Date.context_today(self)
        for plan in self:
            plan._write_workflow(
                {
                    "state": "running" if plan.date_from <= today else "approved",
                    "approved_by_id": self.env.user.id,
                    "approved_date": fields.Datetime.now(),
                    "generation_pending": True,
                    "generation_cursor": 0,
                    "generation_date": today,
                }
            )
        # sudo: the generation plans every owner's customers of the company,
        # as the scheduled job does, whoever approves.
        self.sudo()._generate_visits()
        return True

    def action_start(self):
        self.filtered(lambda p: p.state == "approved")._write_workflow({"state": "running"})
        return True

    def action_close(self):
        for plan in self:
            if plan.state not in ("approved", "running"):
                raise UserError(self.env._("Only approved or running plans can be closed."))
        self._write_workflow({"state": "closed"})
        return True

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_followup.customer_followup_visit_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id, "search_default_filter_mine": 0}
        return action

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------
    def _scope_domain(self, id_window=None):
        """The plan's customers; with ``id_window`` ``(after, before)``,
        those whose id lies strictly between, their orders looked up among
        the window's only (see ``_followup_tier_candidate_domain``)."""
        self.ensure_one()
        domain = (
            self.env["res.partner"]
            .with_company(self.company_id)
            ._followup_tier_candidate_domain(id_window=id_window)
        )
        # Customers without a tier get no follow-up, and are skipped by the
        # generator: "has a tier" is not asked of the database, whose
        # estimate for it (a company-dependent column) made it sort every
        # remaining customer at each batch instead of walking the ids.
        if self.tier_ids:
            domain += [("followup_tier_id", "in", self.tier_ids.ids)]
        if self.user_ids:
            domain += [("followup_user_id", "in", self.user_ids.ids)]
        if self.partner_ids:
            domain += [("id", "in", self.partner_ids.ids)]
        return domain

    def _generate_visits_batch(self, batch_size=GENERATION_BATCH, max_visits=GENERATION_VISITS):
        """Plan the customers among the next ``batch_size`` partners
        (companies and individuals, by id; those the plan names, when it
        names some) of this plan, as the tier pass walks them: each batch
        asks its window's orders only, so that a customer never invoiced
        costs an index look-up, not a pass over the company's whole sales
        history.

        :return: partners looked at (the cron's progress)
        """
        self.ensure_one()
        Generator = self.env["customer.followup.visit.generator"]
        after = self.generation_cursor or 0
        # A plan of named customers walks them alone: a few customers in a
        # large database are one batch, not thousands of empty windows.
        named = SQL(" AND id = ANY(%s)", self.partner_ids.ids) if self.partner_ids else SQL()
        window = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE id > %s AND parent_id IS NULL%s "
                "ORDER BY id LIMIT %s",
                after,
                named,
                batch_size + 1,
            )
        )
        # The first partner after the window, if any: the pass goes on.
        before = window[batch_size][0] if len(window) > batch_size else None
        saved = self.generation_cursor and self.generation_channel_counts
        if saved:
            counts = defaultdict(
                Counter, {int(tier_id): Counter(per) for tier_id, per in saved.items()}
            )
        else:
            tiers = (
                self.env["customer.followup.tier"]
                .with_context(active_test=False)
                .search([("company_id", "=", self.company_id.id)])
            )
            counts = Generator._channel_counts(self.company_id, tiers, self.date_from, self.date_to)
            for tier in tiers:
                counts.setdefault(tier.id, Counter())  # counted: none yet
        stats = {"thinned": 0}
        done, last_id, visits = Generator._generate_batch(
            self.company_id,
            self.date_from,
            self.date_to,
            self._scope_domain(id_window=(after, before)),
            plan=self,
            after_id=after,
            batch_size=batch_size,
            greetings=self.holiday_greetings,
            channel_counts=counts,
            max_visits=max_visits,
            stats=stats,
        )
        # A batch cut at the follow-ups' limit goes on after its last
        # customer; otherwise after its window.
        cut = len(visits) >= max_visits
        self._write_workflow(
            {
                "thinned_count": self.thinned_count + stats["thinned"],
                "generation_cursor": last_id if cut or not before else before - 1,
                "generation_pending": cut or bool(before),
                # Every tier's, none planned yet included: a pass's windows
                # before its first customer must not count them again.
                "generation_channel_counts": {
                    str(tier_id): dict(per) for tier_id, per in counts.items()
                },
            }
        )
        return done if cut else min(len(window), batch_size)

    def _generate_visits(self, batch_size=GENERATION_BATCH, max_batches=None):
        """Generate every pending batch of these plans (all of them unless
        ``max_batches``): the cron goes on with whatever is left."""
        batches = 0
        for plan in self:
            while plan.generation_pending and (max_batches is None or batches < max_batches):
                plan.with_company(plan.company_id)._generate_visits_batch(batch_size)
                batches += 1
        return True

    @api.model
    def _cron_generate_visits(self, batch_size=GENERATION_BATCH):
        """Scheduled entry point: start the plans whose period began, then
        plan one batch of the first plan still pending; Odoo calls again at
        once while ``remaining`` is above zero."""
        today = fields.Date.context_today(self)
        # Run by the superuser (ir.cron's user): every company's plans.
        plans = self.search([("state", "in", ("approved", "running"))])
        plans.filtered(lambda p: p.state == "approved" and p.date_from <= today)._write_workflow(
            {"state": "running"}
        )
        # Once a day, running plans are topped up with the customers that
        # came into scope (existing slots are skipped by their period key).
        plans.filtered(
            lambda p: (
                p.state == "running"
                and not p.generation_pending
                and p.date_to >= today
                and p.generation_date != today
            )
        )._write_workflow(
            {"generation_pending": True, "generation_cursor": 0, "generation_date": today}
        )
        pending = plans.filtered("generation_pending")
        done = 0
        for plan in pending:
            # One worker per plan at a time: a plan another worker (or an
            # approval) is generating is left to it.
            self.env.flush_all()
            if not claim_rows(
                self.env,
                SQL(
                    "SELECT id FROM customer_followup_plan WHERE id = %s "
                    "FOR NO KEY UPDATE SKIP LOCKED",
                    plan.id,
                ),
            ):
                continue
            done = plan.with_company(plan.company_id)._generate_visits_batch(batch_size)
            break
        remaining = len(plans.filtered("generation_pending"))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
