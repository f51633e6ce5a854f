from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import format_datetime


class CustomerFollowupAnomaly(models.Model):
    """Who is told what about an anomaly: its reporting level at discovery
    and at each step, the chain above it when results come back, the
    customer's verification follow-up after closing; many anomalies at once
    in batched messages and to-dos."""

    # Split from the anomaly's main file by concern (issue 17).
    _inherit = "customer.followup.anomaly"  # pylint: disable=consider-merging-classes-inherited

    def _notify_discovery(self):
        """Tell the reporting level of each anomaly's severity at discovery,
        and the company head where the policy says so (003 第八条 (二): 重大
        to the leader and the company head within 30 minutes)."""
        Policy = self.env["customer.followup.escalation.policy"]
        labels = dict(self._fields["severity"]._description_selection(self.env))
        roles = {}
        notices = []
        for anomaly in self:
            policy = anomaly.policy_id
            key = (policy.notify_group_id.id, anomaly.company_id.id)
            if key not in roles:
                roles[key] = Policy._role_users(policy.notify_group_id, anomaly.company_id)
            users = roles[key]
            head = anomaly.company_id.followup_company_head_id
            if policy.inform_company_head and head.active:
                users |= head
            notices.append(
                (
                    anomaly,
                    users,
                    self.env._(
                        "%(severity)s service anomaly %(anomaly)s discovered for "
                        "%(customer)s; to be reported by %(deadline)s.",
                        severity=labels[anomaly.severity],
                        anomaly=anomaly.name,
                        customer=anomaly.partner_id.display_name,
                        deadline=format_datetime(
                            self.env,
                            anomaly._clock_deadline("report"),
                            tz=anomaly._calendar_tz(),
                            dt_format="yyyy-MM-dd HH:mm",
                        ),
                    ),
                )
            )
        self._announce_batch(
            [notice for notice in notices if notice[1]],
            self.env._("Service anomalies discovered"),
        )

    def _calendar_tz(self):
        return self.company_id.resource_calendar_id.tz or self.env.user.tz or "UTC"

    def _post_to_users(self, users, body):
        """A note in the chatter addressed to ``users``: each is notified
        the way they chose (Odoo inbox or e-mail)."""
        self.message_post(
            body=body,
            partner_ids=users.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _report_back(self, state, previous=None, now=None):
        """Results go back up the chain (003 第八条 (六)): whoever approved the
        plan hears of the customer's feedback and of the closing; closing a
        重大 anomaly also informs management (第十一条)."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        users = self.plan_approved_by
        policy = self.policy_id
        if state == "closed" and policy.closing_reported_to_group_id:
            users |= policy._role_users(policy.closing_reported_to_group_id, self.company_id)
        users = users.filtered("active") - self.env.user
        if not users:
            return
        self._post_to_users(
            users,
            self.env._(
                "%(anomaly)s (%(customer)s) is now %(state)s. Customer's satisfaction: "
                "%(satisfaction)s. Root cause: %(cause)s",
                anomaly=self.name,
                customer=self.partner_id.display_name,
                state=labels[state],
                satisfaction=dict(
                    self._fields["customer_satisfaction"]._description_selection(self.env)
                ).get(self.customer_satisfaction, "-"),
                cause=self.review_root_cause or self.root_cause or "-",
            ),
        )

    def _notify_role(self, group, summary, note=""):
        """Tell the people holding ``group``'s role: a chatter message
        addressed to them and a to-do for each."""
        self.ensure_one()
        Policy = self.env["customer.followup.escalation.policy"]
        users = Policy._role_users(group, self.company_id)
        self._notify_users(users, summary, note)
        return users

    def _notify_users(self, users, summary, note=""):
        body = summary if not note else f"{summary}: {note}"
        self.message_post(
            body=body,
            partner_ids=users.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        today = fields.Date.context_today(self)
        for user in users:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today,
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _schedule_verification_followup(self, state=None, previous=None, now=None):
        """The verification follow-up after closing (003 第八条 (六)): closing
        is a key node (000 第三条), so the follow-up is due within the
        customer's tier delay (24 hours, 1 week) in elapsed time, placed in
        the first calling window, with the customer's follow-up owner.
        Where no follow-up can be planned (the partner is no customer), a
        to-do takes its place."""
        company = self.company_id
        customer = self.partner_id.commercial_partner_id
        now = fields.Datetime.now()
        # Planned by the application for the customer's follow-up owner,
        # whoever closes (see _create_event_visits).
        visit = self.env["customer.followup.visit"]._create_event_visits(
            [
                {
                    "partner": customer,
                    "contact": self.contact_id or None,
                    "company": company,
                    "trigger": "anomaly",
                    "key": f"anomaly/{self.id}",
                    "start": now,
                    "fallback_user": self.user_id or self.env.user,
                }
            ]
        )
        note = self.env._(
            "Confirm with the customer that the anomaly %(anomaly)s stays solved.",
            anomaly=self.name,
        )
        if visit:
            self._write_workflow({"verification_visit_id": visit.id})
            visit.message_post(body=note)
            return
        owner = customer.with_company(company).followup_user_id or self.user_id or self.env.user
        calendar = company.resource_calendar_id
        due = (
            self.env["customer.followup.working.time"]
            .with_company(company)
            .add_working_dates(fields.Date.context_today(self), 1, calendar)
        )
        self.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=due,
            summary=self.env._(
                "Verification follow-up with %(customer)s", customer=self.partner_id.name
            ),
            note=note,
            user_id=owner.id,
        )

    @api.model
    def _announce_batch(self, notices, subject):
        """Tell people about anomalies, many at once: a note in each
        anomaly's chatter naming the people told (one batched log per group
        of recipients) and one notification per group, delivered as each
        recipient chose (Odoo inbox, pushed live, or e-mail through the
        outgoing queue); on the anomaly itself when the group has one.

        :param list notices: ``(anomaly, users, text)``
        :param str subject: of a notification listing several anomalies
        """
        groups = defaultdict(list)
        for anomaly, users, text in notices:
            groups[users].append((anomaly, text))
        # The author created the anomalies or escalates them: may post on them.
        Anomaly = self.browse()
        author = self.env.ref("base.partner_root").id
        base_url = Anomaly.get_base_url()
        for users, items in groups.items():
            anomalies = Anomaly.browse([anomaly.id for anomaly, _text in items])
            anomalies._message_log_batch(
                {anomaly.id: escape(text) for anomaly, text in items},
                partner_ids=users.partner_id.ids,
                message_type="comment",
            )
            if not users:
                continue
            if len(items) == 1:
                anomaly, text = items[0]
                anomalies.message_notify(
                    partner_ids=users.partner_id.ids,
                    subject=anomaly.display_name,
                    body=text,
                    author_id=author,
                )
                continue
            lines = Markup("").join(
                Markup('<li><a href="%s/mail/view?model=%s&amp;res_id=%s">%s</a></li>')
                % (base_url, self._name, anomaly.id, text)
                for anomaly, text in items
            )
            Anomaly.message_notify(
                partner_ids=users.partner_id.ids,
                subject=f"{subject} ({len(items)})",
                body=Markup("<ul>%s</ul>") % lines,
                author_id=author,
            )

    @api.model
    def _notify_users_batch(self, notices):
        """What :meth:`_notify_users` does for one anomaly, for a batch of
        escalations: told through :meth:`_announce_batch`, and a to-do per
        anomaly on each recipient's list.

        :param list notices: ``(anomaly, users, summary, note)``
        """
        if not notices:
            return
        self._announce_batch(
            [
                (
                    anomaly,
                    users,
                    self.env._("%(summary)s: %(note)s", summary=summary, note=note)
                    if note
                    else summary,
                )
                for anomaly, users, summary, note in notices
            ],
            self.env._("Service anomalies escalated to you"),
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        # The message above already tells them: no assignment e-mail per to-do.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": anomaly.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": note,
                    "automated": True,
                    "date_deadline": today,
                    "user_id": user.id,
                }
                for anomaly, users, summary, note in notices
                for user in users
            ]
        )

    def _tell_reporting_level(self, state, previous, now):
        self._notify_role(
            self.policy_id.notify_group_id,
            self.env._("Service anomaly %(anomaly)s reported", anomaly=self.name),
        )

    def _ask_plan_approval(self, state, previous, now):
        self._notify_role(
            self.policy_id.approver_group_id,
            self.env._("Approve the plan of %(anomaly)s", anomaly=self.name),
        )
