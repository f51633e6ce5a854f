"""003 第八条 (七): the whole file of an anomaly (timeline, chatter messages,
documents, recoveries) is archived and kept at least 3 years after closing;
nothing of it is deleted or rewritten from discovery on, by anyone."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .anomaly_common import AnomalyCase

# Closed on Tuesday 24 November 2026 (10:00 in Shanghai): kept until the same
# day 3 years later.
CLOSED = "2026-11-24 02:00:00"
LAST_KEPT_DAY = "2029-11-23 02:00:00"
AFTER_3_YEARS = "2029-11-25 02:00:00"


@tagged("post_install", "-at_install")
class TestAnomalyFile(AnomalyCase):
    def file(self, anomaly):
        """A document, a note of the specialist with a document, and a recovery."""
        Attachment = self.env["ir.attachment"]
        document = Attachment.create(
            {
                "name": "处置报告.pdf",
                "raw": b"report",
                "res_model": anomaly._name,
                "res_id": anomaly.id,
            }
        )
        photo = Attachment.create(
            {
                "name": "现场照片.jpg",
                "raw": b"photo",
                "res_model": anomaly._name,
                "res_id": anomaly.id,
            }
        )
        note = anomaly.with_user(self.user_cs).message_post(
            body="客户现场已核实", subtype_xmlid="mail.mt_note", attachment_ids=photo.ids
        )
        recovery = self.env["customer.followup.anomaly.recovery"].create(
            {
                "anomaly_id": anomaly.id,
                "party_id": self._customer("物流承运商").id,
                "amount_claimed": 5000,
                "state": "claimed",
            }
        )
        return document, note, recovery

    def assert_kept(self, anomaly, document, note, recovery, text):
        """Nobody deletes or rewrites any piece of the file; ``text`` is in
        the explanation."""
        manager = self.user_manager
        attempts = {
            "step by a manager": lambda: anomaly.step_ids[:1].with_user(manager).unlink(),
            "step as superuser": lambda: anomaly.step_ids[:1].sudo().unlink(),
            "document by a manager": lambda: document.with_user(manager).unlink(),
            "document as superuser": lambda: document.sudo().unlink(),
            "note by its author": lambda: note.with_user(self.user_cs).unlink(),
            "note by a manager": lambda: note.with_user(manager).unlink(),
            "note as superuser": lambda: note.sudo().unlink(),
            "tracking message as superuser": lambda: (
                anomaly.message_ids.filtered("tracking_value_ids")[:1].sudo().unlink()
            ),
            # The chatter's Delete empties the message and its documents.
            "note emptied in the chatter": lambda: anomaly.with_user(
                self.user_cs
            )._message_update_content(note, "", attachment_ids=[]),
            "note edited in the chatter": lambda: anomaly.with_user(
                self.user_cs
            )._message_update_content(note, "客户现场未核实"),
            "note rewritten": lambda: note.with_user(self.user_cs).write({"body": "改写"}),
            "note moved away": lambda: note.sudo().write({"res_id": self.anomaly().id}),
            "document moved away": lambda: document.sudo().write({"res_id": self.anomaly().id}),
            "recovery by a manager": lambda: recovery.with_user(manager).unlink(),
            # Odoo's uninstall flag is only a context key: it switches nothing off.
            "document with the uninstall flag": lambda: (
                document.with_user(manager).with_context(_force_unlink=True).unlink()
            ),
            "note with the uninstall flag": lambda: (
                note.sudo().with_context(_force_unlink=True).unlink()
            ),
            "anomaly with the uninstall flag": lambda: (
                anomaly.with_user(manager).with_context(_force_unlink=True).unlink()
            ),
            "anomaly by a manager": lambda: anomaly.with_user(manager).unlink(),
        }
        for what, attempt in attempts.items():
            # AccessError is a UserError; Odoo's assertRaises rolls back.
            with self.subTest(what), self.assertRaises(UserError) as error:
                attempt()
            if not isinstance(error.exception, AccessError):
                self.assertIn(text, str(error.exception), what)
        self.assertTrue(document.exists() and note.exists() and recovery.exists())
        self.assertIn("客户现场已核实", note.body)
        self.assertEqual(len(note.attachment_ids), 1)

    def test_timeline_steps_are_deleted_by_no_one(self):
        anomaly = self.anomaly()
        for user in (self.user_cs, self.user_leader, self.user_manager):
            with self.assertRaises(AccessError):
                anomaly.step_ids.with_user(user).unlink()
        with self.assertRaises(UserError):
            anomaly.step_ids.sudo().unlink()
        self.assertEqual(len(anomaly.step_ids), 1)

    def test_closed_anomaly_keeps_its_whole_file_3_years(self):
        with freeze_time(CLOSED):
            anomaly = self.anomaly()
            document, note, recovery = self.file(anomaly)
            self.advance(anomaly, "closed")
        self.assertEqual(str(anomaly.retain_until), "2029-11-24")
        with freeze_time(LAST_KEPT_DAY):
            self.assert_kept(anomaly, document, note, recovery, "2029-11-24")
            # Hidden, not deleted.
            anomaly.with_user(self.user_manager).action_archive()
            self.assertFalse(anomaly.active)
            with self.assertRaises(UserError):
                document.with_user(self.user_manager).unlink()
            # A claim outlives its anomaly: it is still followed up.
            recovery.write({"amount_recovered": 5000, "state": "recovered"})
        with freeze_time(AFTER_3_YEARS):
            steps = anomaly.step_ids
            anomaly.with_user(self.user_manager).unlink()
            self.assertFalse(anomaly.exists())
            self.assertFalse(steps.exists() or document.exists() or note.exists())
            self.assertFalse(recovery.exists())

    def test_open_anomaly_keeps_its_file_from_discovery(self):
        anomaly = self.anomaly()
        document, note, recovery = self.file(anomaly)
        self.advance(anomaly, "investigating")
        self.assert_kept(anomaly, document, note, recovery, "cancel")
        # Raised by mistake: cancelled with its reason; a cancelled anomaly
        # was never handled and may then be deleted by a manager.
        anomaly.write({"cancel_reason": "重复登记"})
        anomaly.action_cancel()
        with self.assertRaises(AccessError):
            anomaly.with_user(self.user_cs).unlink()
        anomaly.with_user(self.user_manager).unlink()
        self.assertFalse(anomaly.exists() or document.exists() or note.exists())

    def test_the_file_grows(self):
        """Corrections are added: posting, with documents from the composer,
        still works on a kept file."""
        with freeze_time(CLOSED):
            anomaly = self.anomaly()
            self.advance(anomaly, "closed")
            pending = (
                self.env["ir.attachment"]
                .with_user(self.user_cs)
                .create(
                    {
                        "name": "更正说明.pdf",
                        "raw": b"fix",
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    }
                )
            )
            message = anomaly.message_post(
                body="更正：到货日期为11月20日", attachment_ids=pending.ids
            )
        self.assertEqual(pending.res_model, anomaly._name)
        self.assertEqual(pending.res_id, anomaly.id)
        self.assertIn(message, anomaly.message_ids)

    def test_uninstalling_the_addon_removes_the_file(self):
        with freeze_time(CLOSED):
            anomaly = self.anomaly()
            document, note, _recovery = self.file(anomaly)
            self.advance(anomaly, "closed")
        module = self.env["ir.module.module"].search([("name", "=", "customer_followup")])
        # What Odoo does while it uninstalls the addon.
        module.state = "to remove"
        anomaly.sudo().with_context(_force_unlink=True).unlink()
        self.assertFalse(anomaly.exists() or document.exists() or note.exists())
