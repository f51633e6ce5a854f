import logging

from markupsafe import Markup, escape

from odoo import fields, models

_logger = logging.getLogger(__name__)


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    followup_visit_id = fields.Many2one(
        "customer.followup.visit", string="Follow-up", index="btree_not_null", ondelete="set null"
    )

    def _mark_done(self):
        res = super()._mark_done()
        for user_input in self.filtered("followup_visit_id"):
            user_input._customer_followup_close_visit()
        return res

    def _customer_followup_close_visit(self):
        """The customer answered: the follow-up gets the scores and is done."""
        self.ensure_one()
        # sudo: the customer who answers (portal or public) has no access
        # to the follow-up; the survey's token was checked by the survey.
        visit = self.followup_visit_id.sudo()
        if visit.state in ("done", "cancelled"):
            return
        vals = {}
        for line in self.user_input_line_ids.filtered(lambda line: line.question_id.followup_field):
            fname = line.question_id.followup_field
            if fname == "opinions":
                if line.value_text_box:
                    vals[fname] = Markup("<p>%s</p>") % escape(line.value_text_box)
            elif fname == "would_recommend":
                vals[fname] = bool(line.suggested_answer_id.followup_yes)
            elif line.answer_type == "numerical_box":
                # Scores outside 0–5 are refused by the question's validation;
                # clamp anyway so that a badly set-up survey cannot block.
                vals[fname] = str(min(5, max(0, round(line.value_numerical_box))))
            elif line.answer_type == "scale":
                vals[fname] = str(min(5, max(0, line.value_scale)))
        if "satisfaction" not in vals:
            visit.message_post(
                body=visit.env._(
                    "The customer answered the questionnaire without a satisfaction score."
                )
            )
            return
        visit.write(vals)
        visit._write_workflow({"state": "done", "done_date": fields.Datetime.now()})
        visit.message_post(
            body=visit.env._(
                "The customer answered the online questionnaire: satisfaction %(score)s/5.",
                score=visit.satisfaction,
            )
        )
        if visit.trigger == "survey":
            campaign = visit.env["customer.followup.survey.campaign"].search(
                [
                    ("company_id", "=", visit.company_id.id),
                    ("date_from", "=", (visit.period_key or "").removeprefix("survey/") or False),
                ],
                limit=1,
            )
            campaign._answered(visit) if campaign else None
