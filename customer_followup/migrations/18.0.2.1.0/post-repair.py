"""The after-repair follow-up moved to the bridge ``customer_followup_repair``.

Up to 18.0.2.0.0 the addon depended on Repair and planned the follow-up of
every finished repair order itself. Odoo installs an ``auto_install`` bridge
when one of its dependencies is being installed, not when a database that
already has both is upgraded: a database with Repair gets the bridge here,
and keeps its repair follow-ups and their delay (the system parameter
``customer_followup.service_followup_days``).
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

BRIDGE = "customer_followup_repair"


def migrate(cr, version):
    cr.execute(
        SQL(
            "UPDATE ir_module_module SET state = 'to install' "
            "WHERE name = %s AND state = 'uninstalled' AND EXISTS ("
            "  SELECT 1 FROM ir_module_module "
            "  WHERE name = 'repair' AND state IN ('installed', 'to upgrade'))",
            BRIDGE,
        )
    )
    if cr.rowcount:
        _logger.info("Repair is installed: %s is installed with this upgrade", BRIDGE)
