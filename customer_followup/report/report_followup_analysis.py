from odoo import api, models


class ReportFollowupAnalysis(models.AbstractModel):
    """Values of the printed 客户回访分析报告: the figures are computed when
    printing, with the reader's rights, from the report's period and filters."""

    _name = "report.customer_followup.report_followup_analysis"
    _description = "Customer Follow-up Analysis Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        analyses = self.env["customer.followup.analysis"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "customer.followup.analysis",
            "docs": analyses,
            "analysis_data": {analysis.id: analysis._report_data() for analysis in analyses},
        }
