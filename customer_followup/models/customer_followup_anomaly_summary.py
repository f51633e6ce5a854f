from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models

from .customer_followup_anomaly import OPEN_STATES


class CustomerFollowupAnomaly(models.Model):
    """The periodic summaries of a severity's anomalies sent to the people
    its policy reports to (003 第九条 weekly 一般, 第十条 monthly 较大)."""

    # Split from the anomaly's main file by concern (issue 17).
    _inherit = "customer.followup.anomaly"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_post_summaries(self, period):
        return self._post_summaries(period)

    @api.model
    def _post_summaries(self, period, today=None):
        """Send the summary of the last full week or month to the people
        each policy with this ``period`` reports to. Returns the messages."""
        today = today or fields.Date.context_today(self)
        if period == "weekly":
            date_to = today - timedelta(days=today.weekday())
            date_from = date_to - timedelta(days=7)
        else:
            date_to = today.replace(day=1)
            date_from = date_to - relativedelta(months=1)
        Policy = self.env["customer.followup.escalation.policy"]
        messages = self.env["mail.message"]
        # Run by the superuser (ir.cron's user): every company's policies.
        for policy in Policy.search([("summary_period", "=", period)]):
            messages |= self._post_summary(policy, date_from, date_to)
        return messages

    @api.model
    def _post_summary(self, policy, date_from, date_to):
        Anomaly = self.with_context(active_test=False)
        base = [("company_id", "=", policy.company_id.id), ("severity", "=", policy.severity)]
        start = fields.Datetime.to_datetime(date_from)
        stop = fields.Datetime.to_datetime(date_to)
        new = Anomaly._read_group(
            base + [("discovered_at", ">=", start), ("discovered_at", "<", stop)],
            ["category"],
            ["__count"],
        )
        closed = Anomaly.search_count(base + [("closed_at", ">=", start), ("closed_at", "<", stop)])
        still_open = Anomaly.search_count(base + [("state", "in", OPEN_STATES)])
        escalated = Anomaly.search_count(
            base + [("state", "in", OPEN_STATES), ("is_escalated", "=", True)]
        )
        users = self.env["customer.followup.escalation.policy"]._role_users(
            policy.notify_group_id, policy.company_id
        )
        if not users:
            return self.env["mail.message"]
        categories = dict(self._fields["category"]._description_selection(self.env))
        lines = Markup("").join(
            Markup("<li>%s: %s</li>") % (categories.get(category, category), count)
            for category, count in new
        )
        # Markup's % escapes every value put into the translated template.
        body = Markup(
            self.env._(
                "<p>%(severity)s anomalies from %(date_from)s to %(date_to)s: %(new)s new, "
                "%(closed)s closed; %(open)s still open, %(escalated)s of them escalated.</p>"
                "<ul>%(lines)s</ul>"
            )
        ) % {
            "severity": policy.display_name,
            "date_from": date_from,
            "date_to": date_to - timedelta(days=1),
            "new": sum(count for _category, count in new),
            "closed": closed,
            "open": still_open,
            "escalated": escalated,
            "lines": lines,
        }
        return self.with_company(policy.company_id).message_notify(
            partner_ids=users.partner_id.ids,
            author_id=self.env.ref("base.partner_root").id,
            subject=self.env._(
                "Service anomaly summary: %(severity)s", severity=policy.display_name
            ),
            body=body,
        )
