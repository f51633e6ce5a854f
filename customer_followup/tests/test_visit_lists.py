from datetime import date, datetime, timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestVisitLists(VisitCase):
    """The lists specialists open all day stay fast over 10,000,000
    follow-ups (issue 18): the count of *My follow-ups today* reads the
    open-schedule index and no table row, whatever the user's record rules
    ask (company, owner, participant, customer's owner)."""

    def plan(self, sql, without=()):
        """PostgreSQL's plan for ``sql`` with neither a table scan nor a
        bitmap, and without the indexes ``without``: for each index left it
        plans an index-only scan whenever the index holds every column the
        query asks, an index scan otherwise, so that the plan says which.
        Everything is undone after."""
        cr = self.env.cr
        cr.execute(SQL("SAVEPOINT cf_plan"))
        try:
            for index in without:
                cr.execute(SQL("DROP INDEX %s", SQL.identifier(index)))
            for setting in ("enable_seqscan", "enable_bitmapscan"):
                cr.execute(SQL("SET LOCAL %s = off", SQL.identifier(setting)))
            cr.execute(SQL("EXPLAIN %s", sql))
            return "\n".join(row[0] for row in cr.fetchall())
        finally:
            cr.execute(SQL("ROLLBACK TO SAVEPOINT cf_plan"))

    def test_my_follow_ups_today_counted_from_the_index_alone(self):
        today = datetime.combine(datetime.now().date(), datetime.min.time())
        Visit = self.env["customer.followup.visit"].with_user(self.user_cs)
        domain = [
            "|",
            ("user_id", "=", self.user_cs.id),
            ("participant_ids", "in", self.user_cs.id),
            ("scheduled_date", ">=", today),
            ("scheduled_date", "<", today + timedelta(days=1)),
            ("state", "in", ("planned", "prepared", "postponed", "unreachable")),
        ]
        query = Visit._search(domain)
        # The specialist's rules are part of the query.
        self.assertIn("company_id", query.where_clause.code)
        self.assertIn("followup_user_id", query.where_clause.code)
        # The day's plain index on the date would do as well on an empty
        # table: the question is what the open-schedule index can answer.
        plan = self.plan(
            query.select(SQL("count(*)")),
            without=["customer_followup_visit__scheduled_date_index"],
        )
        scan = plan.splitlines()[1]
        self.assertIn("Index Only Scan using customer_followup_visit_open_schedule_idx", scan, plan)

    def test_kpis_count_follow_ups_done_in_a_month_from_the_index_alone(self):
        """The KPI overview, opened by managers all day, counts the
        satisfaction answers and the holiday greetings of follow-ups done in
        this month and the last: from the done-date index, no table row."""
        Kpi = self.env["customer.followup.kpi"].with_user(self.user_manager)
        start, stop = Kpi._period_bounds(date(2026, 11, 1), date(2026, 11, 30))
        Visit = self.env["customer.followup.visit"].with_user(self.user_manager)
        visits = Kpi._visit_domain(self.company, None, None)
        for domain in (
            Kpi._answered_domain(visits, start, stop),
            Kpi._greetings_domain(visits, start, stop),
        ):
            query = Visit._search(domain)
            self.assertIn("company_id", query.where_clause.code)
            plan = self.plan(query.select(SQL("count(*)")))
            self.assertIn(
                "Index Only Scan using customer_followup_visit_done_date_idx",
                plan.splitlines()[1],
                plan,
            )
