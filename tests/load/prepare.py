"""Prepares the load test's database and checks it afterwards.

    python tests/load/prepare.py setup DB CONFIG URL [JOBS_IN]  # users, follow-ups, jobs due
    python tests/load/prepare.py check DB CONFIG SINCE UNTIL  # no duplicate, escalated once

Run with the project's virtualenv (it opens the database through Odoo's
registry, as tests/benchmark/bench.py does). The database is the benchmark's
(`bench.py --keep`): customers in tiers, a year's plan of follow-ups and
10,000 open anomalies. Setup adds the people of the load test, each with
a password equal to the login: 35 specialists with follow-ups planned
today, 10 managers, 5 portal customers; it lets portal customers file as
many complaints as the test makes, points wkhtmltopdf at the server, and
makes the two jobs that run during the load due: the yearly plan is topped
up (generation) and 1,000 anomalies miss their report deadline
(escalation), with both scheduled actions called every minute from
JOBS_IN seconds on (30 by default; make load: once everyone has arrived),
when the calendar job also starts putting the plan's coming follow-ups in
the calendar.
"""

import json
import sys
from datetime import datetime, timedelta

SPECIALISTS = 35
MANAGERS = 10
PORTAL_CUSTOMERS = 5
DUE_ANOMALIES = 1000


def say(text):
    sys.stdout.write(f"{text}\n")


def registry(db, conf):
    import odoo

    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    return odoo.modules.registry.Registry(db)


def env_of(cr):
    from odoo import SUPERUSER_ID, api

    return api.Environment(cr, SUPERUSER_ID, {})


def users(env, prefix, count, group_xmlids, share=False, partners=None):
    Users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True)
    groups = [env.ref(x).id for x in group_xmlids]
    result = Users.browse()
    for k in range(count):
        login = f"{prefix}_{k:02d}"
        user = Users.search([("login", "=", login)])
        if not user:
            vals = {
                "name": f"Load {prefix} {k:02d}",
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "groups_id": [(6, 0, groups)],
                "followup_department": "Service",
            }
            if share:
                vals.pop("followup_department")
                vals["partner_id"] = partners[k]
            user = Users.create(vals)
        result |= user
    return result


def setup(db, conf, url, jobs_in=30):
    from odoo.tools import SQL

    with registry(db, conf).cursor() as cr:
        env = env_of(cr)
        specialists = users(
            env, "load_specialist", SPECIALISTS, ["customer_followup.group_customer_followup_user"]
        )
        users(env, "load_manager", MANAGERS, ["customer_followup.group_customer_followup_manager"])
        # Portal customers: a contact person of five bench customers.
        cr.execute(
            "SELECT id FROM res_partner WHERE name LIKE 'Bench customer %%' AND is_company "
            "ORDER BY id LIMIT %s",
            [PORTAL_CUSTOMERS],
        )
        companies = [r[0] for r in cr.fetchall()]
        contacts = []
        for k, parent in enumerate(companies):
            contact = env["res.partner"].search([("parent_id", "=", parent)], limit=1)
            contact = contact or env["res.partner"].create(
                {
                    "name": f"Load portal contact {k}",
                    "parent_id": parent,
                    "email": f"c{k}@example.com",
                }
            )
            contacts.append(contact.id)
        users(
            env,
            "load_portal",
            PORTAL_CUSTOMERS,
            ["base.group_portal"],
            share=True,
            partners=contacts,
        )
        # Each specialist owns some of today's follow-ups and of the year's.
        today = datetime.now().replace(hour=2, minute=0, second=0, microsecond=0)
        cr.execute(
            SQL(
                """
                UPDATE customer_followup_visit v
                   SET user_id = (%(users)s)[1 + mod(v.id, %(n)s)],
                       scheduled_date = CASE WHEN mod(v.id, 50) = 0
                                             THEN %(today)s + mod(v.id, 8) * interval '1 hour'
                                             ELSE v.scheduled_date END
                 WHERE v.state = 'planned'
                """,
                users=specialists.ids,
                n=len(specialists),
                today=today,
            )
        )
        env["ir.config_parameter"].set_param(
            "customer_followup.portal_complaints_per_hour", "100000"
        )
        # The generation job tops the running plans up again (existing
        # slots are skipped by their period key), the escalation job finds
        # 1,000 report deadlines missed an hour ago.
        cr.execute(
            "UPDATE customer_followup_plan SET generation_date = NULL, generation_pending = FALSE "
            "WHERE state = 'running'"
        )
        cr.execute(
            "SELECT id FROM customer_followup_anomaly WHERE state = 'discovered' "
            "ORDER BY id LIMIT %s",
            [DUE_ANOMALIES],
        )
        due = [r[0] for r in cr.fetchall()]
        cr.execute(
            SQL(
                "UPDATE customer_followup_anomaly SET next_deadline = now() at time zone 'utc' "
                "- interval '1 hour' WHERE id = ANY(%s)",
                due,
            )
        )
        # The report clock of each (customer_followup_anomaly_clock.py).
        cr.execute(
            SQL(
                "UPDATE customer_followup_anomaly_clock SET escalated = FALSE, running = TRUE, "
                "deadline = now() at time zone 'utc' - interval '1 hour' "
                "WHERE anomaly_id = ANY(%s) AND step = 'report'",
                due,
            )
        )
        for xmlid in (
            "customer_followup.ir_cron_generate_visits",
            "customer_followup.ir_cron_anomaly_escalate",
        ):
            cron = env.ref(xmlid, raise_if_not_found=False)
            if cron:
                cron.write(
                    {
                        "active": True,
                        "interval_number": 1,
                        "interval_type": "minutes",
                        "nextcall": datetime.now() + timedelta(seconds=jobs_in),
                    }
                )
        # The calendar job (hourly) catches up the plan's coming follow-ups
        # at the same time, as after a plan's approval: the events an
        # earlier run put in the calendar are taken out again.
        cr.execute(
            "DELETE FROM calendar_event WHERE followup_visit_id IN "
            "(SELECT id FROM customer_followup_visit WHERE period_key IS NOT NULL)"
        )
        calendar = env.ref("customer_followup.ir_cron_visit_calendar_events")
        calendar.write({"active": True, "nextcall": datetime.now() + timedelta(seconds=jobs_in)})
        # The started servers and the jobs read the prepared data: committed.
        cr.commit()  # pylint: disable=invalid-commit
        say(json.dumps({"specialists": len(specialists), "due_anomalies": len(due)}))


def check(db, conf, since, until):
    """The guarantees two servers with crons must keep: no follow-up planned
    twice for the same customer and period, no anomaly escalated twice for
    the same step, and every anomaly escalated that was due while the
    servers ran, but in their last two minutes (the job is called every
    minute: a complaint filed an hour before, in an earlier run, may fall
    due after its last call)."""
    with registry(db, conf).cursor() as cr:
        cr.execute(
            """
            SELECT count(*) FROM (
                SELECT 1 FROM customer_followup_visit
                 WHERE plan_id IS NOT NULL
                 GROUP BY plan_id, partner_id, period_key HAVING count(*) > 1) d
            """
        )
        duplicates = cr.fetchone()[0]
        cr.execute(
            """
            SELECT count(*) FROM (
                SELECT 1 FROM mail_activity a
                  JOIN customer_followup_anomaly an ON an.id = a.res_id
                 WHERE a.res_model = 'customer.followup.anomaly'
                   AND a.summary ILIKE '%%not reported in time%%'
                   AND a.create_date >= %s
                 GROUP BY a.res_id, a.user_id HAVING count(*) > 1) d
            """,
            [since],
        )
        twice = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM customer_followup_anomaly_clock c "
            "JOIN customer_followup_anomaly a ON a.id = c.anomaly_id "
            "WHERE a.state = 'discovered' AND c.step = 'report' AND c.running "
            "AND c.deadline < %s::timestamp - interval '2 minutes' "
            "AND c.escalated IS NOT TRUE",
            [until],
        )
        missed = cr.fetchone()[0]
        say(
            json.dumps(
                {
                    "duplicate_followups": duplicates,
                    "escalated_twice": twice,
                    "due_not_escalated": missed,
                }
            )
        )
        return duplicates == 0 and twice == 0 and missed == 0


if __name__ == "__main__":
    action, db, conf, arg = sys.argv[1:5]
    if action == "setup":
        setup(db, conf, arg, *(int(s) for s in sys.argv[5:6]))
    else:
        sys.exit(0 if check(db, conf, arg, sys.argv[5]) else 1)
