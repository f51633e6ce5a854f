import ast
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize, html2plaintext, html_sanitize

_logger = logging.getLogger(__name__)

# Anomalies a customer raised (hotline, mailbox, online platform: 002 五(一))
# run the 72-hour follow-through clock of 001 篇九.
COMPLAINT_SOURCES = ("phone", "email", "complaint", "online")
FOLLOWTHROUGH_HOURS = 72
CONFIRMATIONS = [
    ("pending", "Awaiting the customer"),
    ("confirmed", "Confirmed solved"),
    ("rejected", "Not solved"),
]
DEPT_HEAD_GROUP = "customer_followup.group_customer_followup_dept_head"
# Complaints one customer may file per hour from the portal, unless the
# system parameter says otherwise.
RATE_LIMIT_PARAM = "customer_followup.portal_complaints_per_hour"
RATE_LIMIT_DEFAULT = 5


def plain_text(value):
    """Customer-typed text kept as plain text: markup is dropped (scripts
    with their content), so nothing executable is stored or rendered."""
    if not value:
        return ""
    text = str(value)
    if "<" in text:
        text = html2plaintext(html_sanitize(text, strip_classes=True))
    return text.strip()


class CustomerFollowupAnomaly(models.Model):
    """What the customer does on a service anomaly: files it (portal,
    complaint mailbox), sees its public progress and confirms, or refuses,
    its result; and the first-contact owner (首问负责, 001 篇九) who must
    tell the customer the result within 72 hours."""

    _name = "customer.followup.anomaly"
    _inherit = ["customer.followup.anomaly", "customer.followup.portal"]

    # Complaints from unknown senders are kept without a customer until
    # someone links them (needs_review).
    partner_id = fields.Many2one(required=False)
    needs_review = fields.Boolean(
        "Sender to identify",
        copy=False,
        tracking=True,
        help="Received from an address no customer uses: link the customer, then untick.",
    )
    email_from = fields.Char("Sender's e-mail", copy=False)
    owner_id = fields.Many2one(
        "res.users",
        string="First-contact owner",
        tracking=True,
        copy=False,
        index="btree_not_null",
        domain="[('share', '=', False)]",
        help="首问负责: who recorded or first took up the complaint; owns it until "
        "handing it over explicitly.",
    )
    followthrough_deadline = fields.Datetime(
        "Tell the customer by",
        compute="_compute_followthrough_deadline",
        store=True,
        copy=False,
        help="72 hours after a complaint, the customer must have been told its result.",
    )
    customer_informed_at = fields.Datetime("Customer told the result on", readonly=True, copy=False)
    followthrough_notified_at = fields.Datetime(
        "72-hour reminder sent on", readonly=True, copy=False
    )
    # The customer's own answer when the handling is done (SPEC §1: 100 %
    # customer confirmation).
    customer_confirmation = fields.Selection(
        CONFIRMATIONS, tracking=True, copy=False, readonly=True, index="btree_not_null"
    )
    confirmation_requested_at = fields.Datetime(readonly=True, copy=False)
    customer_rating = fields.Integer(
        "Customer's rating",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="The customer's rating of the handling: 5 very satisfied … 0 extremely bad.",
    )
    customer_confirmed_on = fields.Datetime("Customer answered on", readonly=True, copy=False)
    customer_comment = fields.Text("Customer's comment", readonly=True, copy=False)
    customer_rejection_count = fields.Integer("Times refused", readonly=True, copy=False)

    _sql_constraints = [
        (
            "customer_rating_range",
            "CHECK(customer_rating IS NULL OR (customer_rating >= 0 AND customer_rating <= 5))",
            "The customer's rating is a score from 0 to 5.",
        ),
    ]

    @api.model
    def _workflow_fields(self):
        # The customer's answer and the follow-through are recorded by the
        # application only (workflow_fields.py).
        return (
            *super()._workflow_fields(),
            "customer_informed_at",
            "followthrough_notified_at",
            "customer_confirmation",
            "confirmation_requested_at",
            "customer_rating",
            "customer_confirmed_on",
            "customer_comment",
            "customer_rejection_count",
        )

    @api.depends("source", "discovered_at")
    def _compute_followthrough_deadline(self):
        for anomaly in self:
            anomaly.followthrough_deadline = (
                anomaly.source in COMPLAINT_SOURCES
                and anomaly.discovered_at
                and anomaly.discovered_at + timedelta(hours=FOLLOWTHROUGH_HOURS)
            )

    @api.model
    def _portal_readable_fields(self):
        # What the customer's pages show of its service issues.
        return super()._portal_readable_fields() | {
            "category",
            "description",
            "production_impact",
            "discovered_at",
            "customer_confirmation",
            "customer_rating",
            "customer_comment",
            "customer_confirmed_on",
        }

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for anomaly in self:
            anomaly.access_url = f"/my/service-issues/{anomaly.id}"
        return res

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        return self._portal_contact_groups(groups)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.name

    # ------------------------------------------------------------------
    # First-contact ownership
    # ------------------------------------------------------------------
    def _first_contact_user(self):
        user = self.env.user
        return user if user._is_internal() and not user._is_superuser() else user.browse()

    @api.model_create_multi
    def create(self, vals_list):
        owner = self._first_contact_user()
        for vals in vals_list:
            if owner and "owner_id" not in vals:
                vals["owner_id"] = owner.id
            if not vals.get("partner_id") and not vals.get("needs_review"):
                if vals.get("source") != "email":
                    raise UserError(self.env._("Choose the customer of the service anomaly."))
                vals["needs_review"] = True
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("partner_id") and "needs_review" not in vals:
            vals = dict(vals, needs_review=False)  # the sender is identified
        if "state" in vals:
            unknown = self.filtered(lambda a: not a.partner_id and vals["state"] != "cancelled")
            if unknown:
                raise UserError(
                    self.env._(
                        "%(anomaly)s has no customer yet: identify the sender first.",
                        anomaly=unknown[0].name,
                    )
                )
        res = super().write(vals)
        if "owner_id" not in vals:
            # Whoever first acts on a complaint nobody owns takes it up.
            owner = self._first_contact_user()
            if owner:
                self.filtered(lambda a: not a.owner_id)._take_ownership(owner)
        return res

    def _take_ownership(self, user):
        for anomaly in self:
            vals = {"owner_id": user.id}
            if not anomaly.user_id:
                vals["user_id"] = user.id  # handles it too until someone is assigned
            # The caller already acts on the anomaly (a write, the button).
            super(CustomerFollowupAnomaly, anomaly).write(vals)
            anomaly.message_post(
                body=self.env._(
                    "%(user)s took up this complaint and owns it until handing it over.",
                    user=user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_take_ownership(self):
        owner = self._first_contact_user()
        if not owner:
            raise UserError(self.env._("Only an employee can own a complaint."))
        owned = self.filtered(lambda a: a.owner_id and a.owner_id != owner)
        if owned:
            raise UserError(
                self.env._(
                    "%(anomaly)s is owned by %(owner)s: they hand it over explicitly.",
                    anomaly=owned[0].name,
                    owner=owned[0].owner_id.name,
                )
            )
        self.filtered(lambda a: not a.owner_id)._take_ownership(owner)
        return True

    def action_open_handover(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand over"),
            "res_model": "customer.followup.anomaly.handover",
            "view_mode": "form",
            "target": "new",
            "context": {"default_anomaly_id": self.id},
        }

    def _hand_over(self, user, note):
        self.ensure_one()
        note = plain_text(note)
        if not note:
            raise UserError(self.env._("Say why the complaint is handed over."))
        if not user or user.share:
            raise UserError(self.env._("Hand the complaint over to an employee."))
        previous = self.owner_id
        # Logged and given to the new owner while the giver still holds the
        # complaint: handing it over may take the giver's access with it.
        self.message_post(
            body=self.env._(
                "Handed over from %(previous)s to %(user)s: %(note)s",
                previous=previous.name or self.env._("nobody"),
                user=user.name,
                note=note,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Complaint %(anomaly)s handed over to you", anomaly=self.name),
            note=note,
            user_id=user.id,
        )
        super().write({"owner_id": user.id})
        return True

    # ------------------------------------------------------------------
    # The 72-hour follow-through (001 篇九)
    # ------------------------------------------------------------------
    def _owner_heads(self):
        """The heads of the owner's department, or the department heads of
        the company when the owner has no department."""
        self.ensure_one()
        owner = self.owner_id or self.user_id
        group = self.env.ref(DEPT_HEAD_GROUP)
        Policy = self.env["customer.followup.escalation.policy"]
        heads = Policy._role_users(group, self.company_id)
        department = (owner.followup_department or "").strip()
        if department:
            same = group.users.filtered(
                lambda u: (
                    u.active
                    and not u.share
                    and self.company_id in u.company_ids
                    and (u.followup_department or "").strip() == department
                )
            )
            heads = same or heads
        return heads - owner

    @api.model
    def _cron_notify_followthrough(self):
        return self._notify_followthrough()

    def _notify_followthrough(self, now=None, batch_size=500):
        """Tell the owner and their head, once, about each complaint whose
        customer was not told its result within 72 hours."""
        now = now or fields.Datetime.now()
        domain = [
            ("followthrough_deadline", "!=", False),
            ("followthrough_deadline", "<", now),
            ("customer_informed_at", "=", False),
            ("followthrough_notified_at", "=", False),
            ("state", "not in", ("closed", "cancelled")),
        ]
        if self:
            domain.append(("id", "in", self.ids))
        # The scheduled job runs as the superuser: every company's complaints.
        Anomaly = self.with_context(active_test=False)
        candidates = Anomaly.search(domain, limit=batch_size, order="id")
        claimed = candidates._claim_followthrough(now)
        done = self.browse()
        for anomaly in claimed:
            try:
                with self.env.cr.savepoint():
                    owner = anomaly.owner_id or anomaly.user_id
                    anomaly._notify_users(
                        owner | anomaly._owner_heads(),
                        self.env._(
                            "%(anomaly)s: the customer has not been told the result "
                            "within 72 hours",
                            anomaly=anomaly.name,
                        ),
                        self.env._(
                            "Tell %(customer)s where the handling stands (首问负责).",
                            customer=anomaly.partner_id.name or anomaly.email_from or "",
                        ),
                    )
                done |= anomaly
            except Exception:
                _logger.exception("72-hour reminder of anomaly %s failed", anomaly.id)
                anomaly._write_workflow({"followthrough_notified_at": False})
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=Anomaly.search_count(domain))
        return done

    def _claim_followthrough(self, now):
        """Stamp the reminder in one conditional UPDATE: of two workers,
        only one sends each reminder."""
        if not self:
            return self
        self.flush_recordset(["followthrough_notified_at"])
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE customer_followup_anomaly
                   SET followthrough_notified_at = %(now)s
                 WHERE id IN %(ids)s AND followthrough_notified_at IS NULL
             RETURNING id
                """,
                now=now,
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset(["followthrough_notified_at"])
        return self.browse([row[0] for row in rows])

    # ------------------------------------------------------------------
    # The customer's confirmation
    # ------------------------------------------------------------------
    def _on_enter(self, state, previous, now):
        res = super()._on_enter(state, previous, now)
        if state == "feedback":
            self._request_customer_confirmation(now)
        return res

    def _customer_recipient(self):
        self.ensure_one()
        return self.contact_id if self.contact_id.email else self.partner_id

    def _request_customer_confirmation(self, now):
        """The handling is done: the customer is told and asked, through the
        portal and by e-mail, to confirm the result and rate it."""
        vals = {
            "customer_confirmation": "pending",
            "confirmation_requested_at": now,
        }
        if not self.customer_informed_at:
            vals["customer_informed_at"] = now
        # Whoever moves the anomaly to this step may write it.
        self._write_workflow(vals)
        self._portal_ensure_token()  # Odoo writes the token itself, as superuser
        recipient = self._customer_recipient()
        if not recipient:
            return
        self.message_subscribe(partner_ids=recipient.ids)
        template = self.env.ref(
            "customer_followup.mail_template_anomaly_confirmation", raise_if_not_found=False
        )
        if template and recipient.email:
            self.with_context(lang=recipient.lang).message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipient.ids,
            )

    def _check_customer_answer(self, rating, comment, rejecting):
        self.ensure_one()
        if self.state != "feedback" or self.customer_confirmation != "pending":
            raise UserError(
                self.env._("%(anomaly)s is not waiting for your confirmation.", anomaly=self.name)
            )
        return self._check_rating(rating, comment, rejecting)

    def _check_rating(self, rating, comment, rejecting):
        """The customer's rating (0–5) and comment as plain text; saying it
        is not solved needs a comment."""
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = -1
        if not 0 <= rating <= 5:
            raise UserError(self.env._("Rate the handling from 0 to 5."))
        comment = plain_text(comment)
        if rejecting and not comment:
            raise UserError(self.env._("Tell us what is not solved."))
        return rating, comment

    def _post_customer_answer(self, author, body):
        self.message_post(
            body=body,
            author_id=author.id if author else None,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _customer_confirm(self, rating, comment="", author=None):
        """The customer confirms the problem is solved and rates the handling.
        Private: only the portal calls it, once it checked the customer (or
        the token); staff cannot answer for the customer over RPC."""
        rating, comment = self._check_customer_answer(rating, comment, rejecting=False)
        now = fields.Datetime.now()
        vals = {
            "customer_confirmation": "confirmed",
            "customer_rating": rating,
            "customer_confirmed_on": now,
            "customer_comment": comment,
            "customer_accepted": True,
            "customer_satisfaction": str(rating),
        }
        self._write_workflow(vals)
        body = self.env._("Confirmed solved by the customer, rating %(rating)s/5.", rating=rating)
        if comment:
            body = f"{body} {comment}"
        self._post_customer_answer(author, body)
        return True

    def _customer_reject(self, rating, comment, author=None):
        """The customer says the problem is not solved: the handling goes
        back to work and the next level is told (003 第八条 (六))."""
        rating, comment = self._check_customer_answer(rating, comment, rejecting=True)
        now = fields.Datetime.now()
        anomaly = self
        anomaly._write_workflow(
            {
                "customer_confirmation": "rejected",
                "customer_rating": rating,
                "customer_confirmed_on": now,
                "customer_comment": comment,
                "customer_accepted": False,
                "customer_satisfaction": str(rating),
                "customer_rejection_count": anomaly.customer_rejection_count + 1,
            }
        )
        self._post_customer_answer(
            author,
            self.env._(
                "Not solved, says the customer (rating %(rating)s/5): %(comment)s",
                rating=rating,
                comment=comment,
            ),
        )
        anomaly.write({"state": "in_progress"})
        anomaly._escalate_each("customer_rejected")
        return True

    def _escalate(self, step, roles=None):
        if step != "customer_rejected":
            return super()._escalate(step, roles)
        # A notice like the clocks' ones: the batch of _escalate_each posts it.
        policy = self.policy_id
        group = policy.escalation_group_id or policy.notify_group_id
        users = self.env["customer.followup.escalation.policy"]._role_users(group, self.company_id)
        summary = self.env._("%(anomaly)s: the customer says it is not solved", anomaly=self.name)
        return [(self, users, summary, self.customer_comment or "")]

    def _answer_verification(self, visit, solved, rating, comment, author):
        """The customer answers the verification follow-up after closing
        (003 第八条 (六)) from the portal: the visit gets the score and is
        done; "not solved" opens a new anomaly, since a closed one stays
        closed, and tells the next level."""
        self.ensure_one()
        rating, comment = self._check_rating(rating, comment, rejecting=not solved)
        summary = (
            self.env._("Still solved, says the customer (rating %(rating)s/5).", rating=rating)
            if solved
            else self.env._(
                "Not solved, says the customer (rating %(rating)s/5): %(comment)s",
                rating=rating,
                comment=comment,
            )
        )
        visit.write(
            {
                "satisfaction": str(rating),
                "opinions": Markup("<p>%s</p>") % (comment or summary),
            }
        )
        try:
            with self.env.cr.savepoint():
                visit.action_done()
        except (UserError, ValidationError):
            _logger.info("Verification follow-up %s answered but left open", visit.id)
        visit.message_post(
            body=summary,
            author_id=author.id if author else None,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        if solved:
            return self.browse()
        anomaly = self.with_company(self.company_id)
        reopened = anomaly.create(
            {
                "partner_id": anomaly.partner_id.id,
                "contact_id": anomaly.contact_id.id,
                "company_id": anomaly.company_id.id,
                "source": "visit",
                "visit_id": visit.id,
                "category": anomaly.category,
                "severity": anomaly.severity,
                "user_id": anomaly.user_id.id,
                "owner_id": anomaly.owner_id.id,
                "description": self.env._(
                    "Not solved after %(anomaly)s was closed: %(comment)s",
                    anomaly=anomaly.name,
                    comment=comment,
                ),
            }
        )
        policy = reopened.policy_id
        reopened._notify_role(
            policy.escalation_group_id or policy.notify_group_id,
            self.env._("%(anomaly)s: the customer says it is not solved", anomaly=anomaly.name),
            comment,
        )
        return reopened

    @api.model
    def _customer_confirmation_rate(self, domain=None):
        """The customer confirmation rate (SPEC §1, target 100 %): of the
        anomalies whose customer was asked to confirm the result, the share
        confirmed solved. Pending and refused ones count as not confirmed.
        Returns counts, the rate (None when nobody was asked) and the
        average rating of the answers."""
        base = list(domain or []) + [("customer_confirmation", "!=", False)]
        Anomaly = self.with_context(active_test=False)
        groups = Anomaly._read_group(base, ["customer_confirmation"], ["__count"])
        counts = dict.fromkeys((key for key, _label in CONFIRMATIONS), 0)
        counts.update(dict(groups))
        asked = sum(counts.values())
        answered = Anomaly._read_group(
            base + [("customer_confirmation", "in", ("confirmed", "rejected"))],
            [],
            ["customer_rating:avg", "customer_rejection_count:sum"],
        )[0]
        return {
            "asked": asked,
            "confirmed": counts["confirmed"],
            "rejected": counts["rejected"],
            "pending": counts["pending"],
            "refusals": answered[1] or 0,
            "rate": counts["confirmed"] / asked if asked else None,
            "average_rating": answered[0],
        }

    # ------------------------------------------------------------------
    # Complaint mailbox (Odoo mail gateway)
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mail to a company's complaint alias becomes a discovered
        anomaly of the customer whose contact sent it; an unknown sender's
        is kept for review, never dropped."""
        values = dict(custom_values or {})
        email = email_normalize(msg_dict.get("email_from") or "") or msg_dict.get("email_from")
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if author and author.user_ids.filtered(lambda u: not u.share):
            author = author.browse()  # an employee forwarding: the customer is not known
        customer = author.commercial_partner_id
        subject = plain_text(msg_dict.get("subject"))
        body = plain_text(msg_dict.get("body"))
        description = "\n\n".join(part for part in (subject, body) if part)
        values.setdefault("source", "email")
        values.setdefault("category", "other")
        if "company_id" not in values and customer.company_id:
            values["company_id"] = customer.company_id.id
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        values.update(
            {
                "name": "/",
                "description": description or self.env._("(empty e-mail)"),
                "email_from": msg_dict.get("email_from"),
                "partner_id": customer.id or False,
                "contact_id": author.id if author and author != customer else False,
                "needs_review": not customer,
                "user_id": customer.with_company(company).followup_user_id.id or False,
            }
        )
        anomaly = super().message_new(msg_dict, custom_values=values)
        if author:
            anomaly.message_subscribe(partner_ids=author.ids)
        _logger.info("Complaint e-mail from %s became anomaly %s", email, anomaly.id)
        return anomaly

    def _message_compute_parent_id(self, parent_id):
        """Messages posted without a parent hang under the customer's first
        e-mail when the anomaly came by e-mail, not under the note of its
        creation: the answers sent to the customer reference their e-mail."""
        if not parent_id and len(self) == 1 and self._mail_flat_thread:
            # sudo: as Odoo's own search for the parent, only the id is used.
            first_email = (
                self.env["mail.message"]
                .sudo()
                .search(
                    [
                        ("model", "=", self._name),
                        ("res_id", "=", self.id),
                        ("message_type", "=", "email"),
                    ],
                    order="id",
                    limit=1,
                )
            )
            if first_email:
                return first_email.id
        return super()._message_compute_parent_id(parent_id)

    def _notify_by_email_get_base_mail_values(self, message, additional_values=None):
        """An answer to the customer's e-mail names it in In-Reply-To as
        well as in References (Odoo sets References only): every mail
        client threads it under the complaint."""
        values = super()._notify_by_email_get_base_mail_values(
            message, additional_values=additional_values
        )
        # sudo: the thread's first message may be one the author cannot read
        # (an e-mail of another follower); only its Message-Id is used.
        parent_id = message.sudo().parent_id.message_id
        if parent_id:
            headers = ast.literal_eval(values.get("headers") or "{}")
            headers.setdefault("In-Reply-To", parent_id)
            values["headers"] = repr(headers)
        return values

    # ------------------------------------------------------------------
    # Online complaints (the portal's complaint form)
    # ------------------------------------------------------------------
    @api.model
    def _portal_complaints_exceeded(self, customer):
        """Whether the customer filed its allowance of online complaints
        within the last hour (system parameter ``RATE_LIMIT_PARAM``)."""
        # sudo: every online complaint of the customer counts, archived or
        # another contact's, and the allowance is a system parameter.
        Anomaly = self.sudo().with_context(active_test=False)
        limit = int(
            Anomaly.env["ir.config_parameter"].get_param(RATE_LIMIT_PARAM, RATE_LIMIT_DEFAULT)
        )
        recent = Anomaly.search_count(
            [
                ("partner_id", "=", customer.id),
                ("source", "=", "online"),
                ("create_date", ">=", fields.Datetime.now() - timedelta(hours=1)),
            ]
        )
        return recent >= limit

    @api.model
    def _file_portal_complaint(self, contact, vals, files):
        """File the online complaint of a customer's contact, as the mail
        gateway files a mailed one (``message_new``): an anomaly of the
        contact's customer with ``vals`` (category, description, impact,
        checked by the portal), the ``files`` ([(name, bytes)]) attached, the
        contact following it and its words posted in the chatter."""
        customer = contact.commercial_partner_id
        company = customer.company_id or self.env.user.company_id
        # sudo: portal users create no anomaly and write none (ir.model.access);
        # this one is their customer's, with the checked values only.
        Anomaly = self.sudo().with_company(company)
        anomaly = Anomaly.create(
            {
                **vals,
                "partner_id": customer.id,
                "contact_id": contact.id if contact != customer else False,
                "company_id": company.id,
                "source": "online",
                "user_id": customer.with_company(company).followup_user_id.id or False,
            }
        )
        attachments = Anomaly.env["ir.attachment"].create(
            [
                {"name": name, "raw": data, "res_model": self._name, "res_id": anomaly.id}
                for name, data in files
            ]
        )
        anomaly.message_subscribe(partner_ids=contact.ids)
        anomaly.message_post(
            body=self.env._(
                "Complaint filed online: %(description)s", description=vals["description"]
            ),
            author_id=contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
        )
        return anomaly

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for anomaly in self:
            if not anomaly.partner_id and anomaly.email_from:
                anomaly._message_add_suggested_recipient(
                    recipients, email=anomaly.email_from, reason=self.env._("Sender")
                )
        return recipients

    def _portal_timeline(self):
        """The public part of the timeline: the steps with their dates, by
        whom only where the company shows handlers' names."""
        self.ensure_one()
        show = self.company_id.followup_portal_show_handlers
        labels = dict(self._fields["state"]._description_selection(self.env))
        return [
            {
                "date": step.date,
                "state": labels.get(step.state, step.state),
                "by": step.user_id.name if show and not step.user_id.share else False,
            }
            for step in self.step_ids.sorted(lambda s: (s.date, s.id))
        ]

    def _portal_promise(self):
        """What the company promised by when: the plan's measures once
        approved, and the deadline the customer can hold it to."""
        self.ensure_one()
        anomaly = self
        approved = anomaly.plan_approved_at and anomaly.state not in ("plan", "investigating")
        return {
            "measures": anomaly.plan_measures if approved else False,
            "deadline": (anomaly.plan_deadline if approved else False)
            or anomaly._clock_deadline("resolve"),
            "told": anomaly.customer_told
            if anomaly.state in ("feedback", "review", "closed")
            else False,
        }
