"""Escalation policies are made with the company now: the companies that
had none yet (they were copied the first time one of their anomalies
needed them) get theirs."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["customer.followup.escalation.policy"]._setup_company_policies()
