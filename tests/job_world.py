"""A world for the scheduled jobs under stress (two cron workers, faults),
and the check that they did their work exactly once.

Run as a script, with the installation's Python, against a database the test
owns (it commits)::

    python job_world.py CONF DB NAME CUSTOMERS ANOMALIES OUT [CRON ...]

builds CUSTOMERS customers named after NAME, a plan of next year pending
generation, ANOMALIES anomalies whose report deadline passed (due for
escalation), switches every other scheduled job off and adds each CRON
("<label>=<model>:<code>", due now); writes to OUT, as JSON, the plan's id,
the follow-ups one uninterrupted run plans (reference), the anomalies' ids
and how many people each escalation tells.
"""

import json
import sys
from datetime import date, datetime, timedelta

ANOMALY = "customer.followup.anomaly"
GENERATION = "customer.followup.plan:model._cron_generate_visits(batch_size=20)"
ESCALATION = f"{ANOMALY}:model._cron_escalate(batch_size=15)"


def build(conf, db, name, customers, anomalies, out, crons):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import SQL

    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        # Only the jobs under test run.
        env["ir.cron"].search([]).write({"active": False})
        Partner = env["res.partner"].with_context(tracking_disable=True)
        partners = Partner.create(
            [
                {
                    "name": f"{name} Co {n:03d}",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": company.id,
                }
                for n in range(customers)
            ]
        )
        partners.sudo()._followup_recompute_tiers()
        today = date.today()
        plan = env["customer.followup.plan"].create(
            {
                "name": name,
                "date_from": date(today.year + 1, 1, 1),
                "date_to": date(today.year + 1, 12, 31),
                "partner_ids": [(6, 0, partners.ids)],
            }
        )
        plan.write(
            {
                "state": "approved",
                "generation_pending": True,
                "generation_cursor": 0,
                "generation_date": today,
            }
        )
        # What one uninterrupted run plans, in a transaction rolled back.
        env.flush_all()
        cr.execute("SAVEPOINT reference")
        plan._generate_visits(batch_size=40)
        env.flush_all()
        cr.execute(
            SQL(
                "SELECT partner_id, period_key, scheduled_date::text FROM customer_followup_visit "
                "WHERE plan_id = %s ORDER BY 1, 2",
                plan.id,
            )
        )
        reference = cr.fetchall()
        cr.execute("ROLLBACK TO SAVEPOINT reference")
        env.invalidate_all()
        # Anomalies whose report deadline passed: due for escalation.
        found = datetime.now() - timedelta(days=10)
        overdue = (
            env[ANOMALY]
            .with_context(tracking_disable=True)
            .create(
                [
                    {
                        "partner_id": partners[n % customers].id,
                        "category": "delivery",
                        "severity": "general",
                        "description": name,
                        "discovered_at": found,
                        "company_id": company.id,
                    }
                    for n in range(anomalies)
                ]
            )
        )
        policy = overdue[0].policy_id
        group = policy.escalation_group_id or policy.notify_group_id
        Policy = env["customer.followup.escalation.policy"]
        if not Policy._role_users(group, company):
            # A database without demo data: someone to tell.
            env["res.users"].with_context(no_reset_password=True).create(
                {
                    "name": f"{name} boss",
                    "login": f"{name} boss".lower().replace(" ", "_"),
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, group.ids)],
                }
            )
        told = Policy._role_users(group, company)
        due = datetime.now() - timedelta(minutes=1)
        for cron in crons:
            label, target = cron.split("=", 1)
            model, code = target.split(":", 1)
            env["ir.cron"].create(
                {
                    "name": f"{name}: {label}",
                    "model_id": env["ir.model"]._get(model).id,
                    "state": "code",
                    "code": code,
                    "interval_number": 1,
                    "interval_type": "days",
                    "nextcall": due,
                    "user_id": SUPERUSER_ID,
                }
            )
        facts = {
            "plan": plan.id,
            "reference": reference,
            "anomalies": overdue.ids,
            "told": len(told),
        }
    with open(out, "w") as fh:
        json.dump(facts, fh)


def left_to_do(cr, facts):
    """(the plan still pending generation, anomalies not escalated yet)"""
    cr.execute(
        "SELECT generation_pending FROM customer_followup_plan WHERE id = %s", [facts["plan"]]
    )
    pending = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM customer_followup_anomaly_clock "
        "WHERE anomaly_id = ANY(%s) AND step = 'report' AND NOT COALESCE(escalated, FALSE)",
        [facts["anomalies"]],
    )
    return pending, cr.fetchone()[0]


def assert_done_once(conn, facts):
    """The plan holds exactly the follow-ups of one uninterrupted run, none
    twice; every anomaly was escalated once: one chatter note, one to-do per
    person told."""
    with conn.cursor() as cr:
        cr.execute(
            "SELECT partner_id, period_key, scheduled_date::text FROM customer_followup_visit "
            "WHERE plan_id = %s ORDER BY 1, 2",
            [facts["plan"]],
        )
        visits = [list(row) for row in cr.fetchall()]
        cr.execute(
            "SELECT res_id, count(*) FROM mail_activity WHERE res_model = %s "
            "AND res_id = ANY(%s) AND summary LIKE '%%not reported%%' GROUP BY res_id",
            [ANOMALY, facts["anomalies"]],
        )
        todos = dict(cr.fetchall())
        # The chatter's note (the notification of the people told may be
        # linked to the anomaly too when it is alone in its batch).
        cr.execute(
            "SELECT res_id, count(*) FROM mail_message WHERE model = %s "
            "AND res_id = ANY(%s) AND body LIKE '%%not reported%%' "
            "AND message_type != 'user_notification' GROUP BY res_id",
            [ANOMALY, facts["anomalies"]],
        )
        notes = dict(cr.fetchall())
        pending, not_escalated = left_to_do(cr, facts)
    assert not pending and not not_escalated, "the jobs finished"
    assert visits == [list(row) for row in facts["reference"]]
    assert len({(partner, key) for partner, key, _date in visits}) == len(visits)
    assert set(notes) == set(facts["anomalies"])
    assert set(notes.values()) == {1}
    assert set(todos) == set(facts["anomalies"])
    assert set(todos.values()) == {facts["told"]}


if __name__ == "__main__":
    conf, db, name, customers, anomalies, out, *crons = sys.argv[1:]
    build(conf, db, name, int(customers), int(anomalies), out, crons)
