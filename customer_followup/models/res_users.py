from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Odoo's hr module is no dependency: the department a user handles
    # anomalies for is a plain name, matched against the anomaly's handling
    # department (e.g. 客户服务部, 技术支持部, 质量控制部).
    followup_department = fields.Char(
        "Follow-up department",
        help="The department this user handles service anomalies for; the "
        "'My department' filter of service anomalies shows that department's.",
    )
    # Who decides when a follow-up can only be made after its deadline
    # (a delivery validated on a Friday evening): the owner's supervisor,
    # or the company's department heads when none is set.
    followup_supervisor_id = fields.Many2one(
        "res.users",
        "Follow-up supervisor",
        domain="[('share', '=', False)]",
        help="Gets a to-do when one of this user's follow-ups is planned after its deadline.",
    )
