from odoo import api, fields, models
from odoo.exceptions import UserError

from .customer_followup_anomaly import CATEGORIES
from .sent_values import check_date_range, check_sent_values, check_text_lengths
from .workflow_fields import refuse_workflow_fields


class CustomerFollowupVisitProblem(models.Model):
    """A problem found on a follow-up, passed the same day to the department
    that owns it and tracked to closure (SPEC §5, 记录→处理→反馈→验证)."""

    _name = "customer.followup.visit.problem"
    _description = "Problem Found on a Follow-up"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_deadline, id"
    _check_company_auto = True

    name = fields.Char("Problem", required=True, tracking=True)
    # The anomaly categories (003 第六条), so that the analysis report can
    # count the most frequent problems across follow-ups and anomalies.
    category = fields.Selection(CATEGORIES, tracking=True)
    visit_id = fields.Many2one(
        "customer.followup.visit", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="visit_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="visit_id.partner_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Owner", tracking=True, domain="[('share', '=', False)]"
    )
    department = fields.Char(
        "Responsible department",
        tracking=True,
        help="The department the problem is passed to the same day (001 篇五); its "
        "people (Follow-up department on their user) are told at once.",
    )
    # 001 篇五: problems found are passed on, and dealt with, the same day.
    date_deadline = fields.Date(
        "Due date", tracking=True, default=lambda self: fields.Date.context_today(self)
    )
    result_visit_id = fields.Many2one(
        "customer.followup.visit",
        "Result follow-up",
        readonly=True,
        copy=False,
        help="The follow-up that tells the customer the result.",
    )
    state = fields.Selection(
        [("open", "Open"), ("done", "Solved"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
    )
    result = fields.Text("Result fed back to the customer")

    @api.constrains("name", "result")
    def _check_text_lengths(self):
        check_text_lengths(self, ["name", "result"])

    @api.constrains("date_deadline")
    def _check_date_range(self):
        check_date_range(self, ["date_deadline"])

    @api.model
    def _workflow_fields(self):
        """The problem's company and customer are its follow-up's (related
        fields, refused as computed); the follow-up that tells the customer
        the result is planned by *Solved*: people set the rest."""
        return ("result_visit_id",)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_fields(self, vals, new=True)
            check_sent_values(self, vals)
        problems = super().create(vals_list)
        problems._pass_on()
        return problems

    def _pass_on(self):
        """Pass each problem to its owner and department at once (001 篇五:
        logged and passed to the responsible department the same day)."""
        Users = self.env["res.users"]
        for problem in self:
            department = (problem.department or "").strip()
            # Colleagues of other departments, by their follow-up department.
            people = problem.user_id | (
                Users.search(
                    [
                        ("followup_department", "=", department),
                        ("share", "=", False),
                        ("company_ids", "in", problem.company_id.ids),
                    ]
                )
                if department
                else Users
            )
            people -= self.env.user
            if problem.user_id and problem.user_id != self.env.user:
                problem.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=problem.date_deadline or fields.Date.context_today(self),
                    summary=problem.name,
                    note=self.env._(
                        "Found on %(visit)s with %(customer)s: deal with it and record the "
                        "result for the customer.",
                        visit=problem.visit_id.name,
                        customer=problem.partner_id.display_name,
                    ),
                    user_id=problem.user_id.id,
                )
            if people:
                problem.message_post(
                    body=self.env._(
                        "Problem found on %(visit)s with %(customer)s, passed to %(department)s: "
                        "%(problem)s",
                        visit=problem.visit_id.name,
                        customer=problem.partner_id.display_name,
                        department=department or "-",
                        problem=problem.name,
                    ),
                    partner_ids=people.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )

    def write(self, vals):
        refuse_workflow_fields(self, vals)
        check_sent_values(self, vals)
        return super().write(vals)

    def _write_workflow(self, vals):
        """Write what *Solved* sets (the result follow-up), after its checks.
        The ORM checks the user's access as for any write; only write()'s
        refusal of these fields is skipped. Private: no client can call it."""
        return super().write(vals)

    def action_done(self):
        """Solved: the result is followed up with the customer (001 篇五), by
        a follow-up due within the customer's tier delay."""
        for problem in self:
            if not (problem.result or "").strip():
                raise UserError(
                    self.env._(
                        "%(problem)s: write the result to feed back to the customer first.",
                        problem=problem.display_name,
                    )
                )
        self.write({"state": "done"})
        events = [
            {
                "partner": problem.partner_id,
                "contact": problem.visit_id.contact_id or None,
                "company": problem.company_id,
                "trigger": "problem",
                "key": f"problem/{problem.id}",
                "start": fields.Datetime.now(),
                "fallback_user": problem.visit_id.user_id or self.env.user,
            }
            for problem in self.filtered(lambda p: not p.result_visit_id)
        ]
        # Planned by the application for the customer's follow-up owner,
        # whoever solves the problem (see _create_event_visits).
        visits = self.env["customer.followup.visit"]._create_event_visits(events)
        for visit in visits:
            problem = self.filtered(lambda p, v=visit: f"problem/{p.id}" == v.period_key)
            problem._write_workflow({"result_visit_id": visit.id})
            visit.message_post(
                body=self.env._(
                    "Tell the customer the result of %(problem)s: %(result)s",
                    problem=problem.name,
                    result=problem.result,
                )
            )
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reopen(self):
        self.write({"state": "open"})
        return True

    def _prepare_anomaly_vals(self):
        """What a service anomaly raised from this problem starts with."""
        self.ensure_one()
        visit = self.visit_id
        return {
            "partner_id": self.partner_id.id,
            "contact_id": visit.contact_id.id,
            "company_id": self.company_id.id,
            "source": "visit",
            "visit_id": visit.id,
            "visit_problem_id": self.id,
            "description": self.name,
            "category": self.category,
            "user_id": self.user_id.id or self.env.uid,
        }

    def action_create_anomaly(self):
        """Open a new service anomaly filled from this problem: the
        specialist chooses its category and severity, and saving it starts
        the clocks."""
        self.ensure_one()
        context = {f"default_{key}": value for key, value in self._prepare_anomaly_vals().items()}
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a service anomaly"),
            "res_model": "customer.followup.anomaly",
            "view_mode": "form",
            "target": "current",
            "context": context,
        }

    @api.depends("name", "visit_id")
    def _compute_display_name(self):
        for problem in self:
            problem.display_name = f"{problem.visit_id.name or ''}: {problem.name or ''}"
