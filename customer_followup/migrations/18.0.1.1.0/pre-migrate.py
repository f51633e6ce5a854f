"""Indexes of follow-ups that 18.0.1.1.0 no longer declares.

Odoo keeps an index a field stops asking for, and never changes the method
of one that exists under the expected name: without this script an upgraded
database would go on paying, for every generated follow-up, the indexes on
the company and the state (replaced by the unique index of generated
follow-ups and the partial index of open ones) and the trigram index on the
reference (now a plain index, created by the upgrade under the same name).
"""

from odoo.tools import SQL

OBSOLETE = (
    "customer_followup_visit__company_id_index",
    "customer_followup_visit__state_index",
    "customer_followup_visit__name_index",
)


def migrate(cr, version):
    for name in OBSOLETE:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
