from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .visit_common import VisitCase


@tagged("post_install", "-at_install")
class TestVisitLists(VisitCase):
    """The lists specialists open all day stay fast over 10,000,000
    follow-ups (issue 18): the count of *My follow-ups today* reads the
    open-schedule index and no table row, whatever the user's record rules
    ask (company, owner, participant, customer's owner)."""

    def plan(self, sql):
        cr = self.env.cr
        # Only an index-only scan is left to the planner: any column the
        # index lacks shows as a disabled plan instead.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_indexscan"):
            cr.execute(SQL("SET LOCAL %s = off", SQL.identifier(setting)))
        try:
            cr.execute(SQL("EXPLAIN %s", sql))
            return "\n".join(row[0] for row in cr.fetchall())
        finally:
            cr.execute(SQL("RESET ALL"))

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
        plan = self.plan(query.select(SQL("count(*)")))
        scan = plan.splitlines()[1]
        self.assertIn("Index Only Scan using customer_followup_visit_open_schedule_idx", scan, plan)
