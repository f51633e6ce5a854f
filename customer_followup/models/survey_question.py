from odoo import fields, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    # Where the answer goes on the follow-up when a customer answers the
    # follow-up questionnaire (online-questionnaire channel).
    followup_field = fields.Selection(
        [
            ("satisfaction", "Overall satisfaction"),
            ("score_quality", "Product quality"),
            ("score_delivery", "Delivery"),
            ("score_attitude", "Service attitude"),
            ("score_speed", "Response speed"),
            ("would_recommend", "Would recommend us"),
            ("opinions", "Opinions and suggestions"),
        ],
        string="Follow-up field",
        help="The answer fills this field of the follow-up that sent the questionnaire.",
    )
