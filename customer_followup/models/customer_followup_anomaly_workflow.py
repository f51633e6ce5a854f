from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .customer_followup_anomaly import OPEN_STATES, STATE_KEYS
from .customer_followup_anomaly_clock import CLOCK_STEPS


def _is_late_plan(anomaly):
    resolve_by = anomaly._clock_deadline("resolve")
    return bool(anomaly.plan_deadline and resolve_by and anomaly.plan_deadline > resolve_by)


# The handling loop as one table: the buttons and write() read it, nothing
# else decides a transition. Per state:
#   next, back     the step forward, the step back the regulation allows (a
#                  rejected plan goes back to the investigation, an unsatisfied
#                  customer sends the handling back to work, 第八条 (五)(六))
#   requires       fields filled in before entering it; ``(field, condition)``
#                  when the condition on the anomaly asks for the field
#   back_requires  fields filled in before going back from it
#   moved_by       the level of the severity's policy that moves it on or back
#                  (plan approval, closing: 003 第八至十一条)
#   meets          the clock its entry meets (its line's met at; its deadline
#                  is the timeline step's); going back reopens it
#   starts         the clocks its entry starts (their lines are placed)
#   handling       a daily progress report is due in it (较大, 重大)
#   on_enter       methods run on entering it, in order; each may return
#                  values the loop writes
# Any open state may be cancelled, with its reason.
WORKFLOW = {
    "discovered": {"next": "reported", "starts": ("report", "respond", "plan", "resolve")},
    "reported": {"next": "responding", "meets": "report", "on_enter": ("_tell_reporting_level",)},
    "responding": {
        "next": "investigating",
        "requires": ("user_id",),
        "meets": "respond",
        "handling": True,
        "on_enter": ("_start_progress_clock",),
    },
    "investigating": {"next": "plan", "handling": True},
    "plan": {
        "next": "in_progress",
        "back": "investigating",
        "requires": (
            "findings",
            "root_cause",
            "plan_measures",
            "plan_owner_ids",
            "plan_deadline",
            # A plan ending after the resolution deadline says why.
            ("plan_deadline_reason", _is_late_plan),
        ),
        "back_requires": ("plan_rejection_reason",),
        "moved_by": "approver",
        "handling": True,
        "on_enter": ("_ask_plan_approval",),
    },
    "in_progress": {
        "next": "feedback",
        "meets": "plan",
        "handling": True,
        "on_enter": ("_record_plan_approval",),
    },
    "feedback": {
        "next": "review",
        "back": "in_progress",
        "meets": "resolve",
        "starts": ("review",),
        "on_enter": ("_record_resolution", "_report_back"),
    },
    "review": {
        "next": "closed",
        "requires": ("customer_told", "customer_satisfaction", "customer_accepted"),
        "moved_by": "closer",
    },
    "closed": {
        "meets": "review",
        "requires": (
            "review_root_cause",
            "lessons",
            "improvement_actions",
            # 重大: closed after the leader's review meeting (003 第十一条).
            ("review_meeting_at", lambda a: a.policy_id.review_meeting_within_days),
            ("legal_opinion", lambda a: a.is_contract_dispute),
            # 第十二条 (三): finance and legal approved the compensation.
            ("loss_amount", lambda a: a.is_large_loss),
            ("compensation_proposal", lambda a: a.is_large_loss),
            ("compensation_finance_user_id", lambda a: a.is_large_loss),
            ("compensation_legal_user_id", lambda a: a.is_large_loss),
        ),
        "on_enter": (
            "_record_closing",
            "_report_back",
            "_schedule_verification_followup",
        ),
    },
    "cancelled": {"requires": ("cancel_reason",)},
}
HANDLING_STATES = [state for state in STATE_KEYS if WORKFLOW[state].get("handling")]

# The clocks, each met on entering a state (WORKFLOW "meets"): one line per
# clock and anomaly (customer_followup_anomaly_clock.py).
CLOCKS = [step for step, _label in CLOCK_STEPS]


def _clock_states(clock):
    """The states in which ``clock`` runs: from the state that starts it to
    the one that meets it."""
    start = next(s for s in STATE_KEYS if clock in WORKFLOW[s].get("starts", ()))
    stop = next(s for s in STATE_KEYS if WORKFLOW[s].get("meets") == clock)
    return STATE_KEYS[STATE_KEYS.index(start) : STATE_KEYS.index(stop)]


CLOCK_STATES = {clock: _clock_states(clock) for clock in CLOCKS}


class CustomerFollowupAnomaly(models.Model):
    """The handling loop of 003 第八条, read from WORKFLOW: which step may
    follow which, what it needs, who moves it, what entering it does."""

    # The model is split by concern (issue 17): this file is its workflow.
    _inherit = "customer.followup.anomaly"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # The closed loop: every rule comes from WORKFLOW
    # ------------------------------------------------------------------
    def _state_labels(self):
        return dict(self._fields["state"]._description_selection(self.env))

    def _targets(self):
        """The states this anomaly may move to from where it is."""
        self.ensure_one()
        step = WORKFLOW[self.state]
        targets = {step.get("next"), step.get("back")} - {None}
        if self.state in OPEN_STATES:
            targets.add("cancelled")
        return targets

    def _check_transition(self, target):
        self.ensure_one()
        labels = self._state_labels()
        if target not in labels:
            raise UserError(self.env._("Unknown step %(step)r.", step=target))
        if target == self.state:
            return
        if target not in self._targets():
            if target == "cancelled":
                raise UserError(
                    self.env._(
                        "%(anomaly)s is already %(state)s.",
                        anomaly=self.name,
                        state=labels[self.state],
                    )
                )
            raise UserError(
                self.env._(
                    "%(anomaly)s cannot go from %(current)s to %(target)s: steps of "
                    "the handling loop cannot be skipped.",
                    anomaly=self.name,
                    current=labels[self.state],
                    target=labels[target],
                )
            )
        if target != "cancelled":
            self._check_mover(WORKFLOW[self.state].get("moved_by"))
        missing = self._missing_for(target)
        if missing and target == "cancelled":
            raise UserError(
                self.env._("Give the reason for cancelling %(anomaly)s.", anomaly=self.name)
            )
        if missing:
            raise UserError(
                self.env._(
                    "%(anomaly)s cannot move to %(target)s yet. Missing: %(missing)s.",
                    anomaly=self.name,
                    target=labels[target],
                    missing=", ".join(missing),
                )
            )

    def _field_label(self, name):
        return self._fields[name]._description_string(self.env)

    def _missing_for(self, target):
        """Labels of what the step ``target`` needs and is not filled in."""
        self.ensure_one()
        required = WORKFLOW[target].get("requires", ())
        if target == WORKFLOW[self.state].get("back"):
            required = WORKFLOW[self.state].get("back_requires", ())
        # sudo: whoever moves the anomaly must learn what is missing, even
        # without access to the fields themselves (a large loss's).
        anomaly = self.sudo()
        missing = []
        for item in required:
            name, condition = item if isinstance(item, tuple) else (item, None)
            if condition and not condition(anomaly):
                continue
            value = anomaly[name]
            if not (value.strip() if isinstance(value, str) else value):
                missing.append(self._field_label(name))
        return missing

    def _check_mover(self, level):
        """Approving or rejecting the plan, and closing, are the call of the
        severity's level (003 第八至十一条); a higher level holds the lower
        roles and may act for them."""
        if not level or self.env.su:
            return
        policy = self.policy_id
        group = policy.approver_group_id if level == "approver" else policy._closing_group()
        if not group or group in self.env.user.groups_id:
            return
        severity = dict(self._fields["severity"]._description_selection(self.env))[self.severity]
        if level == "approver":
            message = self.env._(
                "The plan of a %(severity)s anomaly is approved or rejected by "
                "the %(group)s (003 第八条); you are not one.",
                severity=severity,
                group=group.name,
            )
        else:
            message = self.env._(
                "A %(severity)s anomaly is closed by the %(group)s after the "
                "review (003 第九至十一条); you are not one.",
                severity=severity,
                group=group.name,
            )
        raise AccessError(message)

    def _step_deadline(self, state):
        clock = WORKFLOW[state].get("meets")
        return clock and self._clock_deadline(clock) or False

    def _log_steps(self, old_state, new_state):
        now = fields.Datetime.now()
        steps = []
        for anomaly in self:
            if old_state[anomaly.id] == new_state:
                continue
            steps.append(
                {
                    "anomaly_id": anomaly.id,
                    "state": new_state,
                    "previous_state": old_state[anomaly.id],
                    "user_id": self.env.uid,
                    "date": now,
                    "deadline": anomaly._step_deadline(new_state),
                }
            )
            anomaly._on_enter(new_state, old_state[anomaly.id], now)
        self._add_steps(steps)

    @api.model
    def _add_steps(self, vals_list):
        # sudo: the timeline is evidence written by the application only;
        # no group may create or change its steps (ir.model.access).
        return self.env["customer.followup.anomaly.step"].sudo().create(vals_list)

    def _on_enter(self, state, previous, now):
        """Run the on-entry effects of ``state`` (WORKFLOW "on_enter") and
        write what they set; the daily progress clock stops outside the
        handling states; the clocks the state meets or starts move."""
        vals = {}
        for method in WORKFLOW[state].get("on_enter", ()):
            vals.update(getattr(self, method)(state, previous, now) or {})
        if state not in HANDLING_STATES:
            vals["progress_deadline"] = False
        if vals:
            self._write_workflow(vals)
        self._move_clocks(state, previous, now)

    # On-entry effects recording facts; those telling people are in
    # customer_followup_anomaly_notification.py, the clocks' in _clocks.py.
    def _record_plan_approval(self, state, previous, now):
        if previous == "plan":
            return {"plan_approved_by": self.env.uid, "plan_approved_at": now}

    def _record_resolution(self, state, previous, now):
        return {"resolved_at": now}

    def _record_closing(self, state, previous, now):
        return {"closed_at": now, "closed_by": self.env.uid}

    # ------------------------------------------------------------------
    # Buttons: each moves one step of WORKFLOW
    # ------------------------------------------------------------------
    def action_next_step(self):
        for anomaly in self:
            target = WORKFLOW[anomaly.state].get("next")
            if not target:
                raise UserError(self.env._("%(anomaly)s has no next step.", anomaly=anomaly.name))
            anomaly.write({"state": target})
        return True

    def action_report(self):
        return self._action_move("discovered", "next")

    def action_respond(self):
        return self._action_move("reported", "next")

    def action_investigate(self):
        return self._action_move("responding", "next")

    def action_submit_plan(self):
        return self._action_move("investigating", "next")

    def action_approve_plan(self):
        return self._action_move("plan", "next")

    def action_reject_plan(self):
        return self._action_move("plan", "back")

    def action_done(self):
        return self._action_move("in_progress", "next")

    def action_not_satisfied(self):
        return self._action_move("feedback", "back")

    def action_start_review(self):
        return self._action_move("feedback", "next")

    def action_close(self):
        return self._action_move("review", "next")

    def action_cancel(self):
        for anomaly in self:
            anomaly.write({"state": "cancelled"})
        return True

    def _action_move(self, source, direction):
        """Move these anomalies, all in ``source``, one step ``direction``
        ("next" or "back") of WORKFLOW."""
        labels = self._state_labels()
        for anomaly in self:
            if anomaly.state != source:
                raise UserError(
                    self.env._(
                        "%(anomaly)s is %(state)s, not %(expected)s.",
                        anomaly=anomaly.name,
                        state=labels[anomaly.state],
                        expected=labels[source],
                    )
                )
            anomaly.write({"state": WORKFLOW[source][direction]})
        return True
