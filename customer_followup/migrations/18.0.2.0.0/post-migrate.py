"""18.0.2.0.0: the regulations' clocks and chain of command.

Escalation policies and tiers are noupdate data that companies tune: an
upgrade only fills what this version adds where the company left it empty,
and removes the 72-hour response promise the normal tier carried with no
regulation behind it when the company never changed it. Then the deadlines
of what is still open are placed again under the new rules: report clocks
in elapsed minutes, the tier's response clock, after-delivery follow-ups
due in elapsed hours.
"""

from datetime import timedelta

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

OPEN_VISIT_STATES = ("planned", "prepared", "postponed", "unreachable")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _fill_policies(env)
    _quality_contacts_to_company(env)
    env["customer.followup.tier"].with_context(active_test=False).search(
        [("code", "=", "normal"), ("response_hours", "=", 72)]
    ).write({"response_hours": 0})
    env["customer.followup.anomaly"]._recompute_open_deadlines()
    _place_delivery_deadlines_again(env)


def _fill_policies(env):
    manager = env.ref("customer_followup.group_customer_followup_manager")
    policies = env["customer.followup.escalation.policy"].with_context(active_test=False)
    for policy in policies.search([]):
        vals = {}
        if not policy.closer_group_id:
            # 003 第九至十一条: each severity is closed by the level that
            # approves its plan (department head, deputy leader, leader).
            vals["closer_group_id"] = policy.approver_group_id.id
        if policy.severity == "critical":
            vals["inform_company_head"] = True
            if not policy.closing_reported_to_group_id:
                vals["closing_reported_to_group_id"] = manager.id
        if vals:
            policy.write(vals)


def _place_delivery_deadlines_again(env):
    """Open after-delivery follow-ups were due in working hours: their
    deadline is now the tier's delay in elapsed hours from the delivery."""
    rows = env.execute_query(
        SQL(
            """
            SELECT v.id, p.date_done, t.delivery_followup_hours
              FROM customer_followup_visit v
              JOIN stock_picking p ON v.period_key = 'delivery/' || p.id
              JOIN customer_followup_tier t ON t.id = v.tier_id
             WHERE v.trigger = 'delivery' AND v.state IN %s
               AND p.date_done IS NOT NULL AND NOT COALESCE(t.delay_in_working_time, FALSE)
            """,
            OPEN_VISIT_STATES,
        )
    )
    Visit = env["customer.followup.visit"].with_context(tracking_disable=True)
    for visit_id, done, hours in rows:
        Visit.browse(visit_id).write({"deadline": done + timedelta(hours=hours or 24)})


def _quality_contacts_to_company(env):
    """18.0.1.1.0 kept the people told of quality problems on each escalation
    policy; they are now the company's R&D contacts (Settings). Those who may
    not be R&D contacts any more (not internal, another company) are left
    for the administrator to name."""
    cr = env.cr
    cr.execute("SELECT to_regclass('customer_followup_escalation_policy_res_users_rel')")
    if not cr.fetchone()[0]:
        return
    rows = env.execute_query(
        SQL(
            """
            SELECT p.company_id, array_agg(DISTINCT r.res_users_id)
              FROM customer_followup_escalation_policy_res_users_rel r
              JOIN customer_followup_escalation_policy p
                ON p.id = r.customer_followup_escalation_policy_id
             GROUP BY p.company_id
            """
        )
    )
    for company_id, user_ids in rows:
        company = env["res.company"].browse(company_id)
        for user in env["res.users"].browse(user_ids).exists():
            try:
                with cr.savepoint():
                    company.followup_rnd_user_ids |= user
                    company.flush_recordset()
            except Exception:  # noqa: BLE001 - a contact the new rules refuse is skipped
                continue
