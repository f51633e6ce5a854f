from odoo import api, fields, models
from odoo.tools import SQL

# The clocks of an anomaly's handling (003 第八条, 000 第七条), each met on
# entering a step of the loop (customer_followup_anomaly_workflow.py).
CLOCK_STEPS = [
    ("report", "Report"),
    ("respond", "Response promise"),
    ("plan", "Approved plan"),
    ("resolve", "Resolution"),
    ("review", "Review meeting"),
]


class CustomerFollowupAnomalyClock(models.Model):
    """One clock of one anomaly: its deadline, when it was met, whether it
    was escalated. One line per clock and anomaly, as helpdesk_mgmt_sla keeps
    one line per SLA and ticket: lists, reports and the escalation job read
    this one table. Written by the application only."""

    _name = "customer.followup.anomaly.clock"
    _description = "Service Anomaly Clock"
    _order = "anomaly_id, deadline, id"

    anomaly_id = fields.Many2one(
        "customer.followup.anomaly", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="anomaly_id.company_id", store=True, index=True)
    step = fields.Selection(CLOCK_STEPS, string="Clock", required=True)
    deadline = fields.Datetime()
    running = fields.Boolean(
        compute="_compute_running",
        store=True,
        help="The anomaly is in a step this clock watches.",
    )
    met_at = fields.Datetime("Met at")
    escalated = fields.Boolean(help="The deadline was missed and escalated.")
    on_time = fields.Boolean(compute="_compute_on_time", store=True)

    _sql_constraints = [
        ("anomaly_step_unique", "unique(anomaly_id, step)", "One line per clock and anomaly."),
    ]

    def init(self):
        res = super().init()
        # The escalation job: the running clocks not yet escalated, by deadline.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (deadline) WHERE running AND NOT escalated",
                SQL.identifier("customer_followup_anomaly_clock_due_idx"),
                SQL.identifier(self._table),
            )
        )
        return res

    @api.depends("anomaly_id.state", "step")
    def _compute_running(self):
        for clock in self:
            clock.running = clock.anomaly_id._clock_runs(clock.step)

    @api.depends("deadline", "met_at")
    def _compute_on_time(self):
        for clock in self:
            clock.on_time = bool(clock.met_at) and (
                not clock.deadline or clock.met_at <= clock.deadline
            )

    @api.ondelete(at_uninstall=True)
    def _unlink_except_file_kept(self):
        """Evidence of timeliness, kept with the anomaly's file."""
        self.env["customer.followup.anomaly"]._check_file_kept(self.anomaly_id.ids)
