from odoo import fields, models


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    followup_yes = fields.Boolean(
        "Means yes",
        help="For the 'would recommend us' question of the follow-up questionnaire.",
    )
