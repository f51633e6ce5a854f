from datetime import datetime, time, timedelta

import pytz

from odoo import api, models

from .customer_followup_visit import GREETING

# The steps whose timeliness the regulation measures (003 第十九条), with the
# clock each one answers.
TIMED_STEPS = [("reported", "report"), ("in_progress", "plan"), ("feedback", "resolve")]

# Scores from 4 up count as satisfied (满意 and 非常满意 on the 0–5 scale).
SATISFIED_SCORE = 4

# One deduction step of the follow-up-rate assessment (001: 以5%为一个档次):
# a rate less than one step under its target is a warning, more is a miss.
WARNING_STEP = 5.0


class CustomerFollowupKpi(models.AbstractModel):
    """Computes the follow-up and anomaly KPIs of SPEC §7 for a period.

    Every figure is read with the caller's rights, so a specialist's overview
    covers only the customers they may see. Counts come from `_read_group`;
    nothing is computed per record in Python except durations."""

    _name = "customer.followup.kpi"
    _description = "Customer Follow-up KPIs"

    @api.model
    def _kpi_definitions(self):
        """(key, label, unit, target field on res.company, higher is better)."""
        _ = self.env._
        return [
            ("followup_rate", _("Follow-up rate"), "%", "followup_target_followup_rate", True),
            ("satisfaction_rate", _("Satisfaction"), "%", "followup_target_satisfaction", True),
            ("satisfaction_avg", _("Average satisfaction (0–5)"), "", False, True),
            # Counted on their own: greetings are not follow-ups of service.
            ("greetings_sent", _("Holiday greetings sent"), "", False, True),
            (
                "resolution_rate",
                _("Problem resolution rate"),
                "%",
                "followup_target_resolution_rate",
                True,
            ),
            (
                "confirmation_rate",
                _("Customer confirmation rate"),
                "%",
                "followup_target_confirmation_rate",
                True,
            ),
            (
                "anomaly_incidence",
                _("Anomaly incidence (per 100 deliveries)"),
                "",
                "followup_target_anomaly_incidence",
                False,
            ),
            ("report_on_time", _("Reported on time"), "%", "followup_target_on_time", True),
            ("plan_on_time", _("Plan on time"), "%", "followup_target_on_time", True),
            ("resolve_on_time", _("Resolved on time"), "%", "followup_target_on_time", True),
            (
                "avg_handling_hours",
                _("Average handling time (hours)"),
                "h",
                "followup_target_handling_hours",
                False,
            ),
            # After-sales (002 七): response time and satisfaction after
            # handling from the anomalies; the repair figures are added by
            # report/customer_followup_repair_report.py.
            ("response_hours", _("Average response time (hours)"), "h", False, False),
            (
                "handling_satisfaction",
                _("Satisfaction after handling"),
                "%",
                "followup_target_satisfaction",
                True,
            ),
        ]

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    @api.model
    def _period_bounds(self, date_from, date_to):
        """UTC datetimes bounding [date_from, date_to] in the user's timezone:
        a follow-up at 07:00 on 1 October in Shanghai is October's."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    @api.model
    def _previous_period(self, date_from, date_to):
        """The period of the same length just before; whole months map to the
        same number of whole months, so last quarter compares with the one before."""
        if date_from.day == 1 and (date_to + timedelta(days=1)).day == 1:
            months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
            year, month = divmod(date_from.year * 12 + date_from.month - 1 - months, 12)
            prev_from = date_from.replace(year=year, month=month + 1)
            return prev_from, date_from - timedelta(days=1)
        length = (date_to - date_from).days + 1
        return date_from - timedelta(days=length), date_from - timedelta(days=1)

    # ------------------------------------------------------------------
    # Domains
    # ------------------------------------------------------------------
    @api.model
    def _visit_domain(self, company, tiers=None, users=None):
        domain = [("company_id", "=", company.id)]
        if tiers:
            domain.append(("tier_id", "in", tiers.ids))
        if users:
            domain.append(("user_id", "in", users.ids))
        return domain

    @api.model
    def _anomaly_domain(self, company, tiers=None, users=None):
        domain = [("company_id", "=", company.id), ("state", "!=", "cancelled")]
        if tiers:
            domain.append(("partner_id.followup_tier_id", "in", tiers.ids))
        if users:
            domain.append(("user_id", "in", users.ids))
        return domain

    @api.model
    def _scheduled_domain(self, visit_domain, start, stop):
        """Follow-ups and greetings scheduled in [start, stop), the cancelled
        ones left out: where the problems of the period were found."""
        return visit_domain + [
            ("scheduled_date", ">=", start),
            ("scheduled_date", "<", stop),
            ("state", "!=", "cancelled"),
        ]

    @api.model
    def _planned_domain(self, visit_domain, start, stop):
        """Follow-ups of service scheduled in [start, stop), the cancelled
        ones, the holiday greetings and the survey invitations left out: the
        denominator of the follow-up rate."""
        # The quarterly survey's questionnaires are invitations, not follow-ups
        # the department owes: their answers count in satisfaction only.
        return self._scheduled_domain(visit_domain, start, stop) + [
            ("trigger", "not in", (GREETING, "survey"))
        ]

    @api.model
    def _answered_domain(self, visit_domain, start, stop):
        """Follow-ups of service done in [start, stop) whose customer gave
        the overall satisfaction (an unanswered one is empty, not 0)."""
        return visit_domain + [
            ("state", "=", "done"),
            ("trigger", "!=", GREETING),
            ("satisfaction", "!=", False),
            ("done_date", ">=", start),
            ("done_date", "<", stop),
        ]

    @api.model
    def _greetings_domain(self, visit_domain, start, stop):
        """Holiday greetings sent (done) in [start, stop)."""
        return visit_domain + [
            ("trigger", "=", GREETING),
            ("state", "=", "done"),
            ("done_date", ">=", start),
            ("done_date", "<", stop),
        ]

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _compute(self, company, date_from, date_to, tiers=None, users=None):
        """Every KPI of the period, as {key: {"value", "numerator", "denominator"}}
        plus the raw figures the analysis report prints."""
        # Tiers are company-dependent on partners: filters by tier read the
        # report's company's values, whichever company the reader is in.
        self = self.with_company(company)
        start, stop = self._period_bounds(date_from, date_to)
        Visit = self.env["customer.followup.visit"]
        Problem = self.env["customer.followup.visit.problem"]
        Anomaly = self.env["customer.followup.anomaly"].with_context(active_test=False)
        visit_domain = self._visit_domain(company, tiers, users)
        anomaly_domain = self._anomaly_domain(company, tiers, users)

        # Follow-up rate: planned follow-ups of the period that are done.
        planned_domain = self._planned_domain(visit_domain, start, stop)
        by_state = dict(Visit._read_group(planned_domain, ["state"], ["__count"]))
        planned = sum(by_state.values())
        done = by_state.get("done", 0)

        # Satisfaction: outcomes recorded on follow-ups done in the period.
        scores = dict(
            Visit._read_group(
                self._answered_domain(visit_domain, start, stop),
                ["satisfaction"],
                ["__count"],
            )
        )
        distribution = {score: scores.get(str(score), 0) for score in range(6)}
        greetings = Visit.search_count(self._greetings_domain(visit_domain, start, stop))
        answers = sum(distribution.values())
        satisfied = sum(n for score, n in distribution.items() if score >= SATISFIED_SCORE)
        score_sum = sum(score * n for score, n in distribution.items())

        # Problems raised in the period: those found on its follow-ups and
        # the anomalies discovered in it; solved ones over all of them.
        # A problem the customer raised during a greeting call counts too.
        problem_domain = [
            ("visit_id", "any", self._scheduled_domain(visit_domain, start, stop)),
            ("state", "!=", "cancelled"),
        ]
        found = dict(Problem._read_group(problem_domain, ["state"], ["__count"]))
        period_anomalies = anomaly_domain + [
            ("discovered_at", ">=", start),
            ("discovered_at", "<", stop),
        ]
        anomaly_categories = dict(Anomaly._read_group(period_anomalies, ["category"], ["__count"]))
        anomaly_count = sum(anomaly_categories.values())
        anomaly_resolved = Anomaly.search_count(period_anomalies + [("resolved_at", "!=", False)])
        problems = sum(found.values()) + anomaly_count
        resolved = found.get("done", 0) + anomaly_resolved

        # Customer confirmation: anomalies handled in the period whose result
        # the customer confirmed, in the portal or to the handler who
        # recorded the acceptance; a refusal is never a confirmation.
        handled_domain = anomaly_domain + [("resolved_at", ">=", start), ("resolved_at", "<", stop)]
        handled = Anomaly.search_count(handled_domain)
        confirmed = Anomaly.search_count(
            handled_domain
            + [
                "|",
                ("customer_confirmation", "=", "confirmed"),
                "&",
                ("customer_accepted", "=", True),
                ("customer_confirmation", "!=", "rejected"),
            ]
        )

        # Incidence: anomalies per 100 deliveries made in the period.
        picking_domain = [
            ("company_id", "=", company.id),
            ("picking_type_code", "=", "outgoing"),
            ("state", "=", "done"),
            ("date_done", ">=", start),
            ("date_done", "<", stop),
        ]
        if tiers:
            picking_domain.append(
                ("partner_id.commercial_partner_id.followup_tier_id", "in", tiers.ids)
            )
        # sudo: the KPI counts deliveries, which follow-up staff may not read.
        deliveries = self.env["stock.picking"].sudo().search_count(picking_domain)

        # Timeliness of each clock over the steps taken in the period.
        steps = self.env["customer.followup.anomaly.step"]._read_group(
            [
                ("anomaly_id", "any", anomaly_domain),
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
            timeliness[clock] = (
                sum(n for s, on, n in steps if s == state and on),
                sum(n for s, _on, n in steps if s == state),
            )

        closed = Anomaly.search_read(
            anomaly_domain + [("closed_at", ">=", start), ("closed_at", "<", stop)],
            ["discovered_at", "closed_at"],
        )
        hours = [(r["closed_at"] - r["discovered_at"]).total_seconds() / 3600 for r in closed]

        # After-sales (002 七): hours from discovery to response, and the
        # customers' ratings of the anomalies handled in the period.
        waits = [
            (responded - discovered).total_seconds() / 3600
            for discovered, responded in self._anomaly_response_times(anomaly_domain, start, stop)
        ]
        ratings = dict(
            Anomaly._read_group(
                handled_domain + [("customer_satisfaction", "!=", False)],
                ["customer_satisfaction"],
                ["__count"],
            )
        )
        rated = sum(ratings.values())
        rated_satisfied = sum(n for score, n in ratings.items() if int(score) >= SATISFIED_SCORE)
        rating_sum = sum(int(score) * n for score, n in ratings.items())

        ratio = self._ratio

        return {
            "followup_rate": ratio(done, planned),
            "satisfaction_rate": ratio(satisfied, answers),
            "satisfaction_avg": {
                "value": round(score_sum / answers, 2) if answers else None,
                "numerator": score_sum,
                "denominator": answers,
            },
            "greetings_sent": {"value": greetings, "numerator": greetings, "denominator": 0},
            "resolution_rate": ratio(resolved, problems),
            "confirmation_rate": ratio(confirmed, handled),
            "anomaly_incidence": ratio(anomaly_count, deliveries),
            "report_on_time": ratio(*timeliness["report"]),
            "plan_on_time": ratio(*timeliness["plan"]),
            "resolve_on_time": ratio(*timeliness["resolve"]),
            "avg_handling_hours": {
                "value": round(sum(hours) / len(hours), 1) if hours else None,
                "numerator": round(sum(hours), 1),
                "denominator": len(hours),
            },
            "response_hours": {
                "value": round(sum(waits) / len(waits), 1) if waits else None,
                "numerator": round(sum(waits), 1),
                "denominator": len(waits),
            },
            "handling_satisfaction": ratio(rated_satisfied, rated),
            "_figures": {
                "planned": planned,
                "done": done,
                "by_state": by_state,
                "distribution": distribution,
                "answers": answers,
                "greetings": greetings,
                "problems": problems,
                "resolved": resolved,
                "anomalies": anomaly_count,
                "anomaly_categories": anomaly_categories,
                "deliveries": deliveries,
                "responded": len(waits),
                "handling_ratings": rated,
                "handling_satisfaction_avg": round(rating_sum / rated, 2) if rated else None,
            },
        }

    @api.model
    def _ratio(self, numerator, denominator):
        """A percentage KPI with the figures it is based on (none without any)."""
        return {
            "value": round(100.0 * numerator / denominator, 1) if denominator else None,
            "numerator": numerator,
            "denominator": denominator,
        }

    @api.model
    def _anomaly_response_times(self, anomaly_domain, start, stop):
        """(discovered, responded) UTC datetimes of the anomalies of
        ``anomaly_domain`` responded to in [start, stop), elapsed time from
        the discovery (the response: ``_compute_responded_at``)."""
        Anomaly = self.env["customer.followup.anomaly"].with_context(active_test=False)
        return [
            (anomaly["discovered_at"], anomaly["responded_at"])
            for anomaly in Anomaly.search_read(
                anomaly_domain + [("responded_at", ">=", start), ("responded_at", "<", stop)],
                ["discovered_at", "responded_at"],
            )
        ]

    @api.model
    def _status(self, key, value, company):
        """ok / warning / miss for a KPI value against the company's target;
        none without a value, no_target when the company set none."""
        definition = {d[0]: d for d in self._kpi_definitions()}[key]
        target_field, higher_is_better = definition[3], definition[4]
        if value is None:
            return "none"
        if not target_field:
            return "no_target"
        target = company[target_field]
        if higher_is_better:
            if value >= target:
                return "ok"
            floor = (
                company.followup_satisfaction_warning
                if key in ("satisfaction_rate", "handling_satisfaction")
                else target - WARNING_STEP
            )
            return "warning" if value >= floor else "miss"
        if not target:
            return "no_target"
        if value <= target:
            return "ok"
        return "warning" if value <= target * 1.25 else "miss"
