"""18.0.2.1.0, after the new models are loaded:

- escalation policies are made with the company now: the companies that had
  none yet (they were copied the first time one of their anomalies needed
  them) get theirs;
- an anomaly's clocks become one line per clock (deadline, met at,
  escalated) instead of a pair of columns per clock: every deadline and
  every escalation flag is kept; a clock is met when its anomaly last
  entered the step that meets it, unless the anomaly went back since. Odoo
  drops the old columns after this script. Running it twice changes nothing.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

TABLE = "customer_followup_anomaly"
# clock: (old deadline column, old escalation flag, the state that meets
# it, the states in which it runs)
OLD_CLOCKS = {
    "report": ("deadline_report", "escalated_report", "reported", ("discovered",)),
    "respond": ("deadline_respond", "escalated_respond", "responding", ("discovered", "reported")),
    "plan": (
        "deadline_plan",
        "escalated_plan",
        "in_progress",
        ("discovered", "reported", "responding", "investigating", "plan"),
    ),
    "resolve": (
        "deadline_resolve",
        "escalated_resolve",
        "feedback",
        ("discovered", "reported", "responding", "investigating", "plan", "in_progress"),
    ),
    "review": ("deadline_review", "escalated_review", "closed", ("feedback", "review")),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer.followup.escalation.policy"]._setup_company_policies()
    _clocks_to_lines(cr)


def _column_exists(cr, name):
    cr.execute(
        SQL(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
            TABLE,
            name,
        )
    )
    return bool(cr.fetchone())


def _clocks_to_lines(cr):
    for step, (deadline, flag, meets, running) in OLD_CLOCKS.items():
        if not (_column_exists(cr, deadline) and _column_exists(cr, flag)):
            continue
        cr.execute(
            SQL(
                """
                INSERT INTO customer_followup_anomaly_clock
                       (anomaly_id, company_id, step, deadline, escalated, met_at, running,
                        on_time, create_uid, write_uid, create_date, write_date)
                SELECT a.id, a.company_id, %(step)s, a.%(deadline)s, COALESCE(a.%(flag)s, FALSE),
                       met.date, a.state IN %(running)s,
                       met.date IS NOT NULL AND met.date <= a.%(deadline)s,
                       %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                  FROM customer_followup_anomaly a
                  LEFT JOIN LATERAL (
                        SELECT max(s.date) AS date FROM customer_followup_anomaly_step s
                         WHERE s.anomaly_id = a.id AND s.state = %(meets)s
                           AND a.state NOT IN %(running)s) met ON TRUE
                 WHERE a.%(deadline)s IS NOT NULL
                ON CONFLICT (anomaly_id, step) DO UPDATE
                   SET deadline = EXCLUDED.deadline, escalated = EXCLUDED.escalated,
                       met_at = EXCLUDED.met_at, running = EXCLUDED.running,
                       on_time = EXCLUDED.on_time
                """,
                step=step,
                deadline=SQL.identifier(deadline),
                flag=SQL.identifier(flag),
                meets=meets,
                running=running,
                uid=SUPERUSER_ID,
            )
        )
