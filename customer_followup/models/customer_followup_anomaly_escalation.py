import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .batch_clock import BATCH_SECONDS, BatchClock
from .claims import claim_rows
from .customer_followup_anomaly import MANAGER_GROUP
from .customer_followup_anomaly_workflow import CLOCKS, HANDLING_STATES

_logger = logging.getLogger(__name__)

# Anomalies per batch: 500 took 1.7 s on a quiet 2-core machine but 5.9 to
# 7.1 s while 50 people worked on it (make load); the scan re-runs at once
# while a backlog remains.
ESCALATION_BATCH = 250
# Anomalies claimed and told together, between two looks at the batch's
# elapsed time. Each chunk tells a person once (one e-mail or inbox message)
# and costs about 90 queries whatever its size: chunks of 20 multiplied the
# queries of 1,000 escalations by 9 (make bench: 496 → 4,611 per 1,000,
# 2.6 s → 7.4 s), so a chunk is a whole batch and the clock is looked at
# between the two scans (missed deadlines, missing progress reports).
ESCALATION_CHUNK = ESCALATION_BATCH


class CustomerFollowupAnomaly(models.Model):
    """Escalation (003 第八条): a missed deadline, or a missing daily
    progress report, is told to the next level, once, by the scheduled job
    (ir.cron, in batches) or by a manager's server action."""

    # Split from the anomaly's main file by concern (issue 17).
    _inherit = "customer.followup.anomaly"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # "Overdue anomalies of my department": the escalated open ones of a
        # department, by next deadline.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (department, next_deadline) "
                "WHERE is_escalated AND state NOT IN ('closed', 'cancelled')",
                SQL.identifier("customer_followup_anomaly_escalated_department_idx"),
                SQL.identifier(self._table),
            )
        )
        return res

    @api.model
    def _cron_escalate(self, batch_size=ESCALATION_BATCH, seconds=BATCH_SECONDS):
        """The scheduled job: every scan of the two server actions in one
        run, its progress reported once with the summed figures, so that a
        backlog larger than a batch makes the scheduler run it again at once.
        After ``seconds`` of elapsed time each scan starts no new chunk."""
        now = fields.Datetime.now()
        clock = BatchClock(seconds)
        # Run by the superuser (ir.cron's user): every company's anomalies.
        overdue, overdue_left = self._escalate_overdue([], now, batch_size, clock)
        progress, progress_left = self._escalate_missing_progress([], now, batch_size, clock)
        self.env["ir.cron"]._notify_progress(
            done=len(overdue) + len(progress), remaining=overdue_left + progress_left
        )
        return overdue | progress

    def _escalation_scope(self, now, batch_size):
        """Who may run an escalation, and on what: the scheduled job on
        everything; a manager by hand (server action, RPC) on the anomalies
        of their companies, at the real time. Returns a domain to add."""
        if self.env.su:
            return []
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Customer Follow-up managers can run the escalation by hand.")
            )
        if now is not None or batch_size != ESCALATION_BATCH:
            raise AccessError(
                self.env._("Only the scheduled job chooses the time and size of an escalation run.")
            )
        if self:
            self.check_access("write")
        return [("company_id", "in", self.env.companies.ids)]

    def action_escalate_overdue(self, now=None, batch_size=ESCALATION_BATCH):
        """Escalate every missed step deadline once: among these anomalies,
        or all of them when called on an empty recordset (scheduled run).
        Returns the escalated anomalies."""
        scope = self._escalation_scope(now, batch_size)
        return self._escalate_overdue(scope, now or fields.Datetime.now(), batch_size)[0]

    def _escalate_overdue(self, scope, now, batch_size, clock=None):
        """Escalate the clock lines past their deadline, still running and
        not escalated yet: one query finds a batch of them, whichever their
        clock, one UPDATE per clock and chunk claims them.

        :return: the escalated anomalies and how many are left to escalate"""
        Clock = self.env["customer.followup.anomaly.clock"]
        domain = scope + [
            ("running", "=", True),
            ("escalated", "=", False),
            ("deadline", "<", now),
        ]
        if self:
            domain.append(("anomaly_id", "in", self.ids))
        # One more than a batch tells whether more are left: counting them
        # costs a query only when they are. The scheduled job runs as
        # superuser, and a manager's rules give every clock of their
        # companies, archived anomalies included.
        due = Clock.search(domain, limit=batch_size + 1, order="id")
        more = len(due) > batch_size
        due = due[:batch_size]
        escalated = self.browse()
        claimed_count = taken = 0
        for chunk in (clock or BatchClock(None)).chunks(due, ESCALATION_CHUNK):
            taken += len(chunk)
            for step in CLOCKS:
                anomalies = self.browse(
                    chunk.filtered(lambda c, step=step: c.step == step).anomaly_id.ids
                )
                claimed = anomalies._claim_escalation(step)
                claimed_count += len(claimed)
                escalated |= claimed._escalate_each(step)
        # Lines another worker holds are still to be done by it.
        if more or taken < len(due):
            remaining = Clock.search_count(domain)
        else:
            remaining = len(due) - claimed_count
        return escalated, remaining

    def _claim_escalation(self, step):
        """Mark the clock ``step`` of these anomalies escalated where no one
        did yet, and the anomalies with it, in one statement: of two workers
        racing, only one gets each line."""
        if not self:
            return self
        Clock = self.env["customer.followup.anomaly.clock"]
        Clock.flush_model(["escalated"])
        self.flush_recordset(["is_escalated"])
        # Lines (and anomalies) another worker holds are skipped, not waited
        # for: it is escalating them.
        rows = claim_rows(
            self.env,
            SQL(
                """
                WITH claimed AS (
                    UPDATE customer_followup_anomaly_clock
                       SET escalated = TRUE
                     WHERE id IN (
                            SELECT c.id FROM customer_followup_anomaly_clock c
                              JOIN customer_followup_anomaly a ON a.id = c.anomaly_id
                             WHERE c.anomaly_id IN %(ids)s AND c.step = %(step)s
                               AND c.escalated IS NOT TRUE
                               FOR NO KEY UPDATE OF c, a SKIP LOCKED)
                 RETURNING anomaly_id)
                UPDATE customer_followup_anomaly SET is_escalated = TRUE
                 WHERE id IN (SELECT anomaly_id FROM claimed)
             RETURNING id
                """,
                ids=tuple(self.ids),
                step=step,
            ),
        )
        Clock.invalidate_model(["escalated"])
        self.invalidate_recordset(["is_escalated"])
        return self.browse([row[0] for row in rows])

    def _escalate_each(self, step, unclaim_flag=True):
        """Notify the next level for each anomaly; one broken record is
        logged, released for the next run, and does not stop the others.

        What each anomaly needs (who is told, what) is worked out record by
        record; the chatter messages, inbox notifications and to-dos of the
        whole batch are then created together, a few queries in all."""
        done = self.browse()
        clock = step if step in CLOCKS else None
        notices = []
        roles = {}
        for anomaly in self:
            try:
                # Only reads: no savepoint needed to undo a failure.
                notices += anomaly._escalate(step, roles)
                done |= anomaly
            except Exception:
                _logger.exception("Escalating anomaly %s (%s) failed", anomaly.id, step)
                if clock and unclaim_flag:
                    anomaly._release_escalation(clock)
        try:
            with self.env.cr.savepoint():
                self._notify_users_batch(notices)
        except Exception:
            # The batch failed as a whole: tell record by record, so that only
            # the broken ones are left for the next run.
            _logger.exception("Escalation notices of %s anomalies: sent one by one", len(notices))
            for anomaly, users, summary, note in notices:
                try:
                    with self.env.cr.savepoint():
                        anomaly._notify_users(users, summary, note)
                except Exception:
                    _logger.exception("Escalating anomaly %s (%s) failed", anomaly.id, step)
                    done -= anomaly
                    if clock and unclaim_flag:
                        anomaly._release_escalation(clock)
        return done

    def _release_escalation(self, step):
        """Leave the clock ``step`` of these anomalies to the next run."""
        self.env["customer.followup.anomaly.clock"].flush_model(["escalated"])
        self.env.execute_query(
            SQL(
                "UPDATE customer_followup_anomaly_clock SET escalated = FALSE "
                "WHERE anomaly_id IN %s AND step = %s",
                tuple(self.ids),
                step,
            )
        )
        self.env["customer.followup.anomaly.clock"].invalidate_model(["escalated"])

    def _escalate(self, step, roles=None):
        """What escalating this anomaly's ``step`` tells whom.

        :param dict roles: the role holders already looked up in this batch,
            by (group id, company id); filled as more are looked up

        :return: list of ``(anomaly, users, summary, note)`` notices
        """
        policy = self.policy_id
        group = policy.escalation_group_id or policy.notify_group_id
        messages = {
            "report": self.env._("%(anomaly)s was not reported in time"),
            "respond": self.env._("%(anomaly)s: the customer's response promise was missed"),
            "plan": self.env._("%(anomaly)s has no approved plan in time"),
            "resolve": self.env._("%(anomaly)s was not resolved in time"),
            "review": self.env._("%(anomaly)s: the review meeting is overdue"),
            "progress": self.env._("%(anomaly)s: no progress report today"),
        }
        summary = messages[step] % {"anomaly": self.name}
        # Role holders are looked up once per group and company in a batch.
        roles = {} if roles is None else roles
        key = (group.id, self.company_id.id)
        if key not in roles:
            roles[key] = self.env["customer.followup.escalation.policy"]._role_users(
                group, self.company_id
            )
        users = roles[key]
        note = self.env._("Escalated: %(customer)s", customer=self.partner_id.name)
        return [(self, users, summary, note)]

    def action_escalate_missing_progress(self, now=None, batch_size=ESCALATION_BATCH):
        """Escalate a missing daily progress report (较大 / 重大) once per
        missed day: the next report is then due one working day later."""
        scope = self._escalation_scope(now, batch_size)
        return self._escalate_missing_progress(scope, now or fields.Datetime.now(), batch_size)[0]

    def _escalate_missing_progress(self, scope, now, batch_size, clock=None):
        """:return: the escalated anomalies and how many are left to escalate"""
        domain = scope + [
            ("state", "in", HANDLING_STATES),
            ("progress_deadline", "!=", False),
            ("progress_deadline", "<", now),
        ]
        if self:
            domain.append(("id", "in", self.ids))
        Anomaly = self.with_context(active_test=False)
        candidates = Anomaly.search(domain, limit=batch_size + 1, order="id")
        more = len(candidates) > batch_size
        candidates = candidates[:batch_size]
        escalated = claimed = taken = self.browse()
        for chunk in (clock or BatchClock(None)).chunks(candidates, ESCALATION_CHUNK):
            taken |= chunk
            claimed_now = chunk._claim_progress(now)
            claimed |= claimed_now
            escalated |= claimed_now._escalate_each("progress")
        if more or taken != candidates:
            return escalated, Anomaly.search_count(domain)
        return escalated, len(candidates - claimed)

    def _claim_progress(self, now):
        if not self:
            return self
        self.flush_recordset(["progress_deadline", "progress_escalation_count"])
        values = []
        for anomaly in self:
            new = anomaly._next_progress_deadline(max(anomaly.progress_deadline, now))
            values.append(
                SQL(
                    "(%s, %s::timestamp, %s::timestamp)", anomaly.id, anomaly.progress_deadline, new
                )
            )
        # Only the worker that still sees the old deadline moves it on.
        rows = claim_rows(
            self.env,
            SQL(
                """
                UPDATE customer_followup_anomaly a
                   SET progress_deadline = v.new,
                       progress_escalation_count = COALESCE(a.progress_escalation_count, 0) + 1,
                       is_escalated = TRUE
                  FROM (VALUES %s) AS v(id, old, new)
                 WHERE a.id = v.id AND a.progress_deadline = v.old
                   AND a.id IN (
                        SELECT id FROM customer_followup_anomaly
                         WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED)
             RETURNING a.id
                """,
                SQL(", ").join(values),
                tuple(self.ids),
            ),
        )
        self.invalidate_recordset(
            ["progress_deadline", "progress_escalation_count", "is_escalated"]
        )
        return self.browse([row[0] for row in rows])
