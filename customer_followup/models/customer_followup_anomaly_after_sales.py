from odoo import api, fields, models
from odoo.models import READ_GROUP_AGGREGATE, parse_read_group_spec
from odoo.tools import SQL

from .customer_followup_kpi import SATISFIED_SCORE

# A measure holds a figure only once the anomaly has one: the response time
# once responded to, the satisfaction once the customer rated the handling.
# The ORM stores an empty float as 0, which an average must not count.
MEASURE_GIVEN_BY = {
    "response_hours": "responded_at",
    "satisfied_after_handling": "customer_satisfaction",
}


class CustomerFollowupAnomaly(models.Model):
    """After-sales figures of an anomaly (002 七): how long the customer
    waited for a response and whether the handling satisfied them. Stored,
    so that *Anomaly Analysis* averages them in its pivot and graph; the
    KPIs read the same fields."""

    # One model split by concern (issue 17: files named after what they hold).
    _inherit = "customer.followup.anomaly"  # pylint: disable=consider-merging-classes-inherited

    responded_at = fields.Datetime(
        "Responded on", compute="_compute_responded_at", store=True, copy=False
    )
    response_hours = fields.Float(
        "Response time (hours)",
        compute="_compute_response_hours",
        store=True,
        aggregator="avg",
        help="Elapsed hours from the discovery to the response.",
    )
    satisfied_after_handling = fields.Float(
        "Satisfied after handling (%)",
        compute="_compute_satisfied_after_handling",
        store=True,
        aggregator="avg",
        help="100 when the customer rated the handling 4 or 5, 0 below, empty until "
        "rated: the average is the share of satisfied customers.",
    )

    @api.depends("step_ids.state", "step_ids.date")
    def _compute_responded_at(self):
        """The first step *Responding* of the timeline (003 第八条 (三)):
        the one place that knows where the response is kept."""
        for anomaly in self:
            dates = anomaly.step_ids.filtered(lambda step: step.state == "responding").mapped(
                "date"
            )
            anomaly.responded_at = min(dates) if dates else False

    @api.depends("discovered_at", "responded_at")
    def _compute_response_hours(self):
        for anomaly in self:
            anomaly.response_hours = (
                (anomaly.responded_at - anomaly.discovered_at).total_seconds() / 3600
                if anomaly.responded_at and anomaly.discovered_at
                else False
            )

    @api.depends("customer_satisfaction")
    def _compute_satisfied_after_handling(self):
        for anomaly in self:
            score = anomaly.customer_satisfaction
            anomaly.satisfied_after_handling = (
                (100.0 if int(score) >= SATISFIED_SCORE else 0.0) if score else False
            )

    def _read_group_select(self, aggregate_spec, query):
        """Aggregates of the after-sales measures leave out the anomalies
        that have no figure yet (not responded to, not rated)."""
        if aggregate_spec == "__count":
            return super()._read_group_select(aggregate_spec, query)
        fname, _property, func = parse_read_group_spec(aggregate_spec)
        given_by = MEASURE_GIVEN_BY.get(fname)
        if not given_by or func not in ("avg", "sum", "min", "max", "count"):
            return super()._read_group_select(aggregate_spec, query)
        value = SQL(
            "CASE WHEN %s IS NOT NULL THEN %s END",
            self._field_to_sql(self._table, given_by, query),
            self._field_to_sql(self._table, fname, query),
        )
        return READ_GROUP_AGGREGATE[func](self._table, value)
