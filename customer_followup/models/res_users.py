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
