"""E-mails refused because the outgoing mail server could not be reached go
back to the queue; other failures, and those queued 4 days ago or more
(elapsed time), are left for a person to decide."""

from datetime import datetime, timedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestMailRetry(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = datetime(2027, 3, 1, 9, 0)
        cls.partner = cls.env["res.partner"].create(
            {"name": "Mail retry boss", "email": "mail.retry.boss@example.com"}
        )

    def _failed(self, failure_type, queued_ago, state="exception"):
        """An escalation e-mail to one person, failed with ``failure_type``
        (as mail.mail.send() leaves it: the type on its notification)."""
        mail = self.env["mail.mail"].create(
            {
                "subject": "Escalated",
                "body_html": "<p>Escalated</p>",
                "recipient_ids": [(6, 0, self.partner.ids)],
                "is_notification": True,
            }
        )
        self.env["mail.notification"].create(
            {
                "mail_message_id": mail.mail_message_id.id,
                "mail_mail_id": mail.id,
                "res_partner_id": self.partner.id,
                "notification_type": "email",
                "notification_status": "exception" if state == "exception" else "sent",
                "failure_type": failure_type if state == "exception" else False,
            }
        )
        mail.write({"state": state})
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE mail_mail SET create_date = %s WHERE id = %s",
                self.now - queued_ago,
                mail.id,
            )
        )
        self.env.invalidate_all()
        return mail

    def test_connection_failures_go_back_to_the_queue(self):
        down = self._failed("mail_smtp", timedelta(hours=1))
        last_day = self._failed("mail_smtp", timedelta(days=3, hours=23))
        stale = self._failed("mail_smtp", timedelta(days=4, hours=1))
        invalid = self._failed("mail_email_invalid", timedelta(hours=1))
        unknown = self._failed("unknown", timedelta(hours=1))
        sent = self._failed(False, timedelta(hours=1), state="sent")

        retried, remaining = self.env["mail.mail"]._retry_connection_failures(self.now)

        self.assertEqual(retried, down | last_day)
        self.assertEqual(remaining, 0)
        self.assertEqual((down | last_day).mapped("state"), ["outgoing", "outgoing"])
        self.assertEqual(
            (stale | invalid | unknown).mapped("state"), ["exception", "exception", "exception"]
        )
        self.assertEqual(sent.state, "sent")
        # Run again: nothing more to put back.
        again, remaining = self.env["mail.mail"]._retry_connection_failures(self.now)
        self.assertFalse(again)

    def test_one_batch_per_run_the_rest_reported(self):
        mails = self.env["mail.mail"]
        for _n in range(3):
            mails |= self._failed("mail_smtp", timedelta(minutes=30))

        first, remaining = self.env["mail.mail"]._retry_connection_failures(self.now, batch_size=2)

        self.assertEqual(first, mails[:2])
        self.assertEqual(remaining, 1)
        rest, remaining = self.env["mail.mail"]._retry_connection_failures(self.now, batch_size=2)
        self.assertEqual(rest, mails[2:])
        self.assertEqual(remaining, 0)
