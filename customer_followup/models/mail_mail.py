"""E-mails that could not leave because the outgoing mail server was down
go out once it is back.

Odoo 18 marks every e-mail of a batch whose SMTP connection fails as
"Delivery Failed" (its e-mail notifications with the failure type
"Connection failed (outgoing mail server problem)"), and its queue only
sends "Outgoing" ones: without a person pressing *Retry* on each, the
escalations sent while the server was down would never leave.

The scheduled job puts them back in the queue. All the database's such
e-mails, not only the addon's: a connection failure says nothing about the
e-mail itself, so whatever was refused then is deliverable now; the
escalation digests ("Service anomalies escalated to you (n)") are linked to
no record and could not be told from other apps' e-mails anyway. Only
connection failures: an invalid address or a refusal by the server would
fail again. Only e-mails queued less than 4 days ago (elapsed time): the
give-up time RFC 5321 section 4.5.4.1 sets for a mail server's own retries;
after that the news is stale and a person decides.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

RETRY_BATCH = 1000
# RFC 5321 4.5.4.1: "the give-up time generally needs to be at least 4-5 days".
RETRY_MAX_AGE = timedelta(days=4)


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def _cron_retry_connection_failures(self, batch_size=RETRY_BATCH):
        """The scheduled job: one batch, the rest reported to the scheduler,
        which runs it again at once; then the queue is woken up."""
        retried, remaining = self._retry_connection_failures(fields.Datetime.now(), batch_size)
        self.env["ir.cron"]._notify_progress(done=len(retried), remaining=remaining)
        if retried:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return retried

    @api.model
    def _retry_connection_failures(self, now, batch_size=RETRY_BATCH):
        """Put back in the queue up to ``batch_size`` e-mails that failed
        because the outgoing mail server could not be reached, queued less
        than 4 days before ``now``.

        :return: the e-mails put back, and how many more are waiting
        """
        failed = SQL(
            """
              FROM mail_mail mail
             WHERE mail.state = 'exception'
               AND mail.create_date >= %(since)s
               AND (mail.failure_type = 'mail_smtp'
                    OR EXISTS (SELECT 1 FROM mail_notification notification
                                WHERE notification.mail_mail_id = mail.id
                                  AND notification.failure_type = 'mail_smtp'))
            """,
            since=now - RETRY_MAX_AGE,
        )
        self.flush_model(["state", "failure_type", "create_date"])
        self.env["mail.notification"].flush_model(["mail_mail_id", "failure_type"])
        rows = self.env.execute_query(
            SQL("SELECT mail.id %s ORDER BY mail.id LIMIT %s", failed, batch_size + 1)
        )
        mails = self.browse([row[0] for row in rows[:batch_size]])
        # Odoo's own Retry button: the notifications become "sent" when the
        # e-mail leaves (mail.mail._postprocess_sent_message).
        mails.mark_outgoing()
        if len(rows) <= batch_size:
            return mails, 0
        self.flush_model(["state"])
        return mails, self.env.execute_query(SQL("SELECT count(*) %s", failed))[0][0]
