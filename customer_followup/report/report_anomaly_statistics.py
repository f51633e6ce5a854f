from collections import Counter
from datetime import datetime, time, timedelta

from odoo import api, models

from ..models.customer_followup_anomaly import CATEGORIES
from ..models.customer_followup_escalation_policy import SEVERITIES
from .svg_charts import bar_chart

# The steps whose timeliness the regulation measures (003 第十九条), with the
# deadline each one answers.
TIMED_STEPS = [
    ("reported", "report"),
    ("responding", "respond"),
    ("in_progress", "plan"),
    ("feedback", "resolve"),
]


class ReportAnomalyStatistics(models.AbstractModel):
    """Monthly statistics of service anomalies (003 第十五条): how many, of
    which kind and severity, how often each clock was met, how long the
    handling took, the most frequent types and the weakest steps."""

    _name = "report.customer_followup.report_anomaly_statistics"
    _description = "Service Anomaly Statistics Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["customer.followup.anomaly.statistics"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "customer.followup.anomaly.statistics",
            "docs": wizards,
            "stats": {wizard.id: self._statistics(wizard) for wizard in wizards},
        }

    @api.model
    def _statistics(self, wizard):
        start = datetime.combine(wizard.date_from, time.min)
        stop = datetime.combine(wizard.date_to + timedelta(days=1), time.min)
        domain = [
            ("company_id", "=", wizard.company_id.id),
            ("discovered_at", ">=", start),
            ("discovered_at", "<", stop),
        ]
        Anomaly = self.env["customer.followup.anomaly"].with_context(active_test=False)
        matrix = {
            (c, s): n
            for c, s, n in Anomaly._read_group(domain, ["category", "severity"], ["__count"])
        }
        by_category = Counter()
        by_severity = Counter()
        for (category, severity), count in matrix.items():
            by_category[category] += count
            by_severity[severity] += count
        steps = self.env["customer.followup.anomaly.step"]._read_group(
            [
                ("company_id", "=", wizard.company_id.id),
                ("date", ">=", start),
                ("date", "<", stop),
                ("state", "in", [state for state, _clock in TIMED_STEPS]),
                ("deadline", "!=", False),
            ],
            ["state", "on_time"],
            ["__count"],
        )
        timeliness = {}
        for state, clock in TIMED_STEPS:
            total = sum(n for s, _on, n in steps if s == state)
            met = sum(n for s, on, n in steps if s == state and on)
            timeliness[clock] = {
                "total": total,
                "met": met,
                "rate": round(100.0 * met / total, 1) if total else None,
            }
        closed = Anomaly.search_read(
            domain + [("closed_at", "!=", False)], ["discovered_at", "closed_at"]
        )
        hours = [(r["closed_at"] - r["discovered_at"]).total_seconds() / 3600 for r in closed]
        category_labels = dict(CATEGORIES)
        weak = sorted(
            (t for t in timeliness.items() if t[1]["rate"] is not None and t[1]["rate"] < 100),
            key=lambda t: t[1]["rate"],
        )
        labels = dict(
            self.env["customer.followup.anomaly"]
            ._fields["category"]
            ._description_selection(self.env)
        )
        clocks = {
            "report": self.env._("Report"),
            "respond": self.env._("Respond"),
            "plan": self.env._("Plan"),
            "resolve": self.env._("Resolve"),
        }
        charts = {
            "by_category": bar_chart(
                [(labels.get(c, c), by_category[c]) for c, _label in CATEGORIES],
                css_class="o_cf_chart_categories",
            ),
            "timeliness": bar_chart(
                [(clocks[clock], timeliness[clock]["rate"]) for _state, clock in TIMED_STEPS],
                max_value=100,
                unit=" %",
                target=wizard.company_id.followup_target_on_time,
                target_label=self.env._("Target"),
                css_class="o_cf_chart_timeliness",
            ),
        }
        return {
            "charts": charts,
            "total": sum(matrix.values()),
            "matrix": matrix,
            "by_category": by_category,
            "by_severity": by_severity,
            "categories": CATEGORIES,
            "severities": SEVERITIES,
            "timeliness": timeliness,
            "closed": len(closed),
            "avg_hours": round(sum(hours) / len(hours), 1) if hours else None,
            "top_categories": [
                (category_labels.get(c, c), n) for c, n in by_category.most_common(3)
            ],
            "weak_steps": [clock for clock, _t in weak],
        }
