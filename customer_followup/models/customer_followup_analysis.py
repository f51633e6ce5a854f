from collections import Counter

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..report.svg_charts import bar_chart
from .customer_followup_anomaly import CATEGORIES

PRESETS = [
    ("last_month", "Last month"),
    ("this_month", "This month"),
    ("last_quarter", "Last quarter"),
    ("this_quarter", "This quarter"),
    ("last_year", "Last year"),
    ("custom", "Custom"),
]


class CustomerFollowupAnalysis(models.Model):
    """客户回访分析报告 (000 第五条): the customer-service department's
    report to management on a period — follow-up rate by tier and owner
    against target, satisfaction, frequent problems, what is still open,
    the previous period for comparison — and the improvements the manager
    proposes. Kept as a record so that what was filed can be found again."""

    _name = "customer.followup.analysis"
    _description = "Customer Follow-up Analysis Report"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char("Reference", readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    period = fields.Selection(PRESETS, compute="_compute_period", readonly=False)
    date_from = fields.Date(
        "From",
        required=True,
        tracking=True,
        default=lambda self: self._preset_dates("last_quarter")[0],
    )
    date_to = fields.Date(
        "To",
        required=True,
        tracking=True,
        default=lambda self: self._preset_dates("last_quarter")[1],
    )
    tier_ids = fields.Many2many(
        "customer.followup.tier",
        string="Tiers",
        check_company=True,
        help="Only these tiers; all when empty.",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Owners",
        domain="[('share', '=', False)]",
        help="Only the follow-ups and anomalies of these owners; all when empty.",
    )
    improvements = fields.Html(
        "Suggested improvements",
        help="The manager's conclusions and the improvements proposed to management.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("filed", "Filed")], default="draft", required=True, tracking=True
    )
    scheduled = fields.Boolean(
        "Drafted on schedule",
        readonly=True,
        copy=False,
        help="Drafted on the first working day of the month or quarter for the "
        "customer-service head to complete and file (000 第五条).",
    )
    filed_by_id = fields.Many2one("res.users", "Filed by", readonly=True, copy=False)
    filed_on = fields.Datetime(readonly=True, copy=False)

    # A preview of the headline figures on the form; the report has the rest.
    followup_rate = fields.Float("Follow-up rate (%)", compute="_compute_figures", digits=(5, 1))
    planned_count = fields.Integer("Planned follow-ups", compute="_compute_figures")
    done_count = fields.Integer("Follow-ups done", compute="_compute_figures")
    # Without answers the satisfaction figures are hidden: 0 is a score.
    answer_count = fields.Integer("Answers", compute="_compute_figures")
    satisfaction_avg = fields.Float(
        "Average satisfaction", compute="_compute_figures", digits=(3, 2)
    )
    satisfaction_rate = fields.Float("Satisfaction (%)", compute="_compute_figures", digits=(5, 1))
    greeting_count = fields.Integer(
        "Holiday greetings sent",
        compute="_compute_figures",
        help="Counted on their own: greetings are neither in the follow-up rate nor in "
        "satisfaction.",
    )
    resolution_rate = fields.Float(
        "Problem resolution rate (%)", compute="_compute_figures", digits=(5, 1)
    )
    open_problem_count = fields.Integer("Unresolved problems", compute="_compute_figures")

    @api.model
    def _preset_dates(self, preset, today=None):
        today = today or fields.Date.context_today(self)
        month = today.replace(day=1)
        quarter = month.replace(month=3 * ((today.month - 1) // 3) + 1)
        if preset == "this_month":
            return month, month + relativedelta(months=1, days=-1)
        if preset == "last_month":
            return month - relativedelta(months=1), month - relativedelta(days=1)
        if preset == "this_quarter":
            return quarter, quarter + relativedelta(months=3, days=-1)
        if preset == "last_quarter":
            return quarter - relativedelta(months=3), quarter - relativedelta(days=1)
        if preset == "last_year":
            return today.replace(year=today.year - 1, month=1, day=1), today.replace(
                year=today.year - 1, month=12, day=31
            )
        return False, False

    @api.depends("date_from", "date_to")
    def _compute_period(self):
        for analysis in self:
            analysis.period = next(
                (
                    preset
                    for preset, _label in PRESETS
                    if preset != "custom"
                    and self._preset_dates(preset) == (analysis.date_from, analysis.date_to)
                ),
                "custom",
            )

    @api.onchange("period")
    def _onchange_period(self):
        if self.period and self.period != "custom":
            self.date_from, self.date_to = self._preset_dates(self.period)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for analysis in self:
            if analysis.date_to < analysis.date_from:
                raise ValidationError(
                    self.env._(
                        "%(report)s: the period ends before it starts.", report=analysis.name
                    )
                )

    @api.depends("date_from", "date_to", "company_id", "tier_ids", "user_ids")
    def _compute_figures(self):
        Kpi = self.env["customer.followup.kpi"]
        for analysis in self:
            if not (analysis.date_from and analysis.date_to and analysis.company_id):
                analysis.update(
                    {
                        "followup_rate": 0.0,
                        "planned_count": 0,
                        "done_count": 0,
                        "answer_count": 0,
                        "greeting_count": 0,
                        "satisfaction_avg": 0.0,
                        "satisfaction_rate": 0.0,
                        "resolution_rate": 0.0,
                        "open_problem_count": 0,
                    }
                )
                continue
            kpis = Kpi._compute(
                analysis.company_id,
                analysis.date_from,
                analysis.date_to,
                analysis.tier_ids,
                analysis.user_ids,
            )
            analysis.update(
                {
                    "followup_rate": kpis["followup_rate"]["value"] or 0.0,
                    "planned_count": kpis["_figures"]["planned"],
                    "done_count": kpis["_figures"]["done"],
                    "answer_count": kpis["_figures"]["answers"],
                    "greeting_count": kpis["_figures"]["greetings"],
                    "satisfaction_avg": kpis["satisfaction_avg"]["value"] or 0.0,
                    "satisfaction_rate": kpis["satisfaction_rate"]["value"] or 0.0,
                    "resolution_rate": kpis["resolution_rate"]["value"] or 0.0,
                    "open_problem_count": self.env["customer.followup.visit.problem"].search_count(
                        analysis._open_problems_domain()
                    ),
                }
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("customer.followup.analysis") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        # A filed report is what management received: it no longer changes,
        # except to be sent back to draft by a manager.
        if set(vals) - {"state", "filed_by_id", "filed_on", "message_main_attachment_id"} and any(
            analysis.state == "filed" for analysis in self
        ):
            raise UserError(
                self.env._("A filed analysis report cannot be changed; set it back to draft first.")
            )
        return super().write(vals)

    def action_file(self):
        for analysis in self:
            if analysis.state == "filed":
                raise UserError(self.env._("%(report)s is already filed.", report=analysis.name))
        self.write(
            {"state": "filed", "filed_by_id": self.env.uid, "filed_on": fields.Datetime.now()}
        )
        self._send_to_management()
        return True

    def _send_to_management(self):
        """Filing hands the report to management (000 第五条): the PDF, in
        the chatter, addressed to the company's management group, who get it
        in their inbox or by e-mail as each chose."""
        Policy = self.env["customer.followup.escalation.policy"]
        managers = self.env.ref("customer_followup.group_customer_followup_manager")
        report = self.env.ref("customer_followup.action_report_customer_followup_analysis")
        for analysis in self:
            content, _kind = report._render_qweb_pdf(report.report_name, analysis.ids)
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{analysis.name}.pdf",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": analysis.id,
                    "mimetype": "application/pdf",
                }
            )
            people = Policy._role_users(managers, analysis.company_id) - self.env.user
            analysis.message_post(
                body=self.env._(
                    "%(report)s (%(date_from)s to %(date_to)s) filed for management.",
                    report=analysis.name,
                    date_from=analysis.date_from,
                    date_to=analysis.date_to,
                ),
                partner_ids=people.partner_id.ids,
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _cron_draft_scheduled_reports(self, today=None):
        """On the first working day of each month and quarter (000 第五条,
        001 篇三: monthly and quarterly reports to management), draft the
        report of the period that just ended, for the customer-service head
        (the deputy leader role) to complete and file. Once per period."""
        Policy = self.env["customer.followup.escalation.policy"]
        WorkingTime = self.env["customer.followup.working.time"]
        head = self.env.ref("customer_followup.group_customer_followup_deputy_leader")
        drafted = self.browse()
        for company in self.env["res.company"].search([]):
            calendar = company.resource_calendar_id
            day = today or fields.Date.context_today(self.with_context(tz=calendar.tz or "UTC"))
            first = WorkingTime.with_company(company).add_working_dates(
                day.replace(day=1), 0, calendar=calendar
            )
            if day != first:
                continue
            presets = ["last_month"] + (["last_quarter"] if day.month in (1, 4, 7, 10) else [])
            for preset in presets:
                date_from, date_to = self._preset_dates(preset, today=day)
                # The scheduled job runs as the superuser, for every company.
                Analysis = self.with_company(company)
                if Analysis.search_count(
                    [
                        ("company_id", "=", company.id),
                        ("date_from", "=", date_from),
                        ("date_to", "=", date_to),
                        ("scheduled", "=", True),
                    ]
                ):
                    continue
                analysis = Analysis.create(
                    {
                        "company_id": company.id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "scheduled": True,
                    }
                )
                for user in Policy._role_users(head, company):
                    analysis.activity_schedule(
                        "mail.mail_activity_data_todo",
                        date_deadline=WorkingTime.with_company(company).add_working_dates(
                            day, 3, calendar=calendar
                        ),
                        summary=self.env._("Complete and file the analysis report"),
                        note=self.env._(
                            "Write the suggested improvements of %(report)s (%(date_from)s to "
                            "%(date_to)s), then file it for management.",
                            report=analysis.name,
                            date_from=date_from,
                            date_to=date_to,
                        ),
                        user_id=user.id,
                    )
                drafted |= analysis
        return drafted

    def action_draft(self):
        self.write({"state": "draft", "filed_by_id": False, "filed_on": False})
        return True

    def action_print(self):
        return self.env.ref(
            "customer_followup.action_report_customer_followup_analysis"
        ).report_action(self)

    # ------------------------------------------------------------------
    # Report data
    # ------------------------------------------------------------------
    def _open_problems_domain(self):
        self.ensure_one()
        Kpi = self.env["customer.followup.kpi"]
        _start, stop = Kpi._period_bounds(self.date_from, self.date_to)
        visit_domain = Kpi._visit_domain(self.company_id, self.tier_ids, self.user_ids)
        return [
            ("state", "=", "open"),
            (
                "visit_id",
                "any",
                visit_domain + [("scheduled_date", "<", stop), ("state", "!=", "cancelled")],
            ),
        ]

    def _rate_rows(self, groupby, start, stop):
        """Planned, done, rate and average satisfaction per tier or owner,
        over the follow-ups of service (greetings are counted apart)."""
        Kpi = self.env["customer.followup.kpi"]
        Visit = self.env["customer.followup.visit"]
        domain = Kpi._visit_domain(self.company_id, self.tier_ids, self.user_ids)
        planned = Visit._read_group(
            Kpi._planned_domain(domain, start, stop),
            [groupby, "state"],
            ["__count"],
        )
        satisfaction = dict(
            Visit._read_group(
                Kpi._answered_domain(domain, start, stop),
                [groupby],
                ["satisfaction_avg:avg"],
            )
        )
        totals, done = Counter(), Counter()
        for group, state, count in planned:
            totals[group] += count
            if state == "done":
                done[group] += count
        rows = []
        Comodel = self.env[Visit._fields[groupby].comodel_name]
        keys = set(totals) | set(satisfaction)
        # In the model's own order (tiers by level), the unassigned last.
        ordered = list(Comodel.concat(*(group for group in keys if group)).sorted())
        ordered += [group for group in keys if not group]
        for group in ordered:
            rate = 100.0 * done[group] / totals[group] if totals[group] else None
            rows.append(
                {
                    "name": group.display_name if group else self.env._("None"),
                    "planned": totals[group],
                    "done": done[group],
                    "rate": round(rate, 1) if rate is not None else None,
                    "satisfaction": round(satisfaction[group], 2)
                    if satisfaction.get(group) is not None
                    else None,
                    "status": self.env["customer.followup.kpi"]._status(
                        "followup_rate", rate, self.company_id
                    ),
                }
            )
        return rows

    def _report_data(self):
        """Everything the printed 客户回访分析报告 shows, computed with the
        reader's rights."""
        self.ensure_one()
        Kpi = self.env["customer.followup.kpi"]
        start, stop = Kpi._period_bounds(self.date_from, self.date_to)
        prev_from, prev_to = Kpi._previous_period(self.date_from, self.date_to)
        current = Kpi._compute(
            self.company_id, self.date_from, self.date_to, self.tier_ids, self.user_ids
        )
        previous = Kpi._compute(self.company_id, prev_from, prev_to, self.tier_ids, self.user_ids)
        kpis = []
        for key, label, unit, target_field, higher in Kpi._kpi_definitions():
            value, before = current[key]["value"], previous[key]["value"]
            kpis.append(
                {
                    "key": key,
                    "label": label,
                    "unit": unit,
                    "value": value,
                    "previous": before,
                    "delta": round(value - before, 2)
                    if value is not None and before is not None
                    else None,
                    "target": self.company_id[target_field] if target_field else None,
                    "higher": higher,
                    "status": Kpi._status(key, value, self.company_id),
                    "basis": current[key],
                }
            )
        # Most frequent problems: follow-up problems and anomalies of the
        # period, by category.
        Problem = self.env["customer.followup.visit.problem"]
        scheduled_domain = Kpi._scheduled_domain(
            Kpi._visit_domain(self.company_id, self.tier_ids, self.user_ids), start, stop
        )
        problem_categories = dict(
            Problem._read_group(
                [("visit_id", "any", scheduled_domain), ("state", "!=", "cancelled")],
                ["category"],
                ["__count"],
            )
        )
        anomaly_categories = current["_figures"]["anomaly_categories"]
        labels = dict(CATEGORIES)
        problems = []
        for category in set(problem_categories) | set(anomaly_categories):
            problems.append(
                {
                    "name": labels.get(category) or self.env._("Uncategorised"),
                    "followups": problem_categories.get(category, 0),
                    "anomalies": anomaly_categories.get(category, 0),
                    "total": problem_categories.get(category, 0)
                    + anomaly_categories.get(category, 0),
                }
            )
        problems.sort(key=lambda p: (-p["total"], p["name"]))
        open_problems = Problem.search(self._open_problems_domain(), order="date_deadline, id")
        distribution = current["_figures"]["distribution"]
        answers = current["_figures"]["answers"]
        data = {
            "previous_from": prev_from,
            "previous_to": prev_to,
            "kpis": kpis,
            "figures": current["_figures"],
            "previous_figures": previous["_figures"],
            "by_tier": self._rate_rows("tier_id", start, stop),
            "by_owner": self._rate_rows("user_id", start, stop),
            "distribution": [
                {
                    "score": score,
                    "count": distribution[score],
                    "share": round(100.0 * distribution[score] / answers, 1) if answers else None,
                }
                for score in range(5, -1, -1)
            ],
            "answers": answers,
            "problems": problems[:10],
            "open_problems": open_problems,
            "today": fields.Date.context_today(self),
        }
        data["charts"] = self._report_charts(data)
        return data

    def _report_charts(self, data):
        """The report's charts as inline SVG (printed by wkhtmltopdf): the
        follow-up rate by tier against the target, the 0–5 distribution."""
        labels = dict(
            self.env["customer.followup.visit"]
            ._fields["satisfaction"]
            ._description_selection(self.env)
        )
        return {
            "rate_by_tier": bar_chart(
                [(row["name"], row["rate"]) for row in data["by_tier"]],
                max_value=100,
                unit=" %",
                target=self.company_id.followup_target_followup_rate,
                target_label=self.env._("Target"),
                css_class="o_cf_chart_rate",
            ),
            "distribution": bar_chart(
                [
                    (labels.get(str(row["score"]), row["score"]), row["count"])
                    for row in data["distribution"]
                ],
                css_class="o_cf_chart_distribution",
            ),
        }
