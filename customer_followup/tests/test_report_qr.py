"""Barcodes and QR codes in printed documents.

Odoo draws them with reportlab, whose bitmap backend for reportlab 4 is the
``rl-renderPM`` package (tools/requirements.txt); without it every barcode
of every report fails. The follow-up record and the anomaly document carry
a QR code of the customer's portal page, read back here with zxing-cpp."""

import base64
import io
from urllib.parse import quote, urlsplit

import zxingcpp
from lxml import html as lxml_html
from PIL import Image

from odoo.tests import HttpCase, tagged

from .anomaly_common import AnomalyCase
from .visit_common import VisitCase


def decode_qr(png):
    """The texts of the QR codes in a PNG image."""
    image = Image.open(io.BytesIO(png))
    return [
        result.text
        for result in zxingcpp.read_barcodes(image)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]


def printed_qr(html):
    """The QR codes of the portal page printed in a document's HTML."""
    images = lxml_html.fromstring(html).xpath("//div[contains(@class, 'o_cf_portal_qr')]//img/@src")
    prefix = "data:image/png;base64,"
    return [decode_qr(base64.b64decode(src.removeprefix(prefix))) for src in images]


@tagged("post_install", "-at_install")
class TestBarcodeRendering(HttpCase):
    """Odoo's barcode service, which every report with a barcode uses."""

    VALUE = "https://erp.example.cn/my/follow-ups/7?access_token=3f2b"

    def test_report_model_draws_a_readable_qr_code(self):
        png = self.env["ir.actions.report"].barcode("QR", self.VALUE, width=300, height=300)
        self.assertTrue(png.startswith(b"\x89PNG"))
        self.assertEqual(decode_qr(png), [self.VALUE])

    def test_report_barcode_route_answers_with_the_image(self):
        response = self.url_open(
            f"/report/barcode/?barcode_type=QR&value={quote(self.VALUE, safe='')}"
            "&width=200&height=200"
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertEqual(decode_qr(response.content), [self.VALUE])


@tagged("post_install", "-at_install")
class TestVisitRecordQr(VisitCase):
    def test_follow_up_record_carries_the_customer_portal_page(self):
        customer = self._tiered("二维码测试仪表有限公司", self.tier_key, owner=self.user_cs)
        visit = self._visit(customer).with_user(self.user_cs)

        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_cs)
            ._render_qweb_html("customer_followup.report_customer_followup_visit", visit.ids)[0]
        )

        self.assertEqual(len(printed_qr(html)), 1)
        [[url]] = printed_qr(html)
        self.assertEqual(url, visit.get_base_url() + visit.get_portal_url())
        # The page of this follow-up on the portal, opened by its access token
        # without logging in.
        parts = urlsplit(url)
        self.assertEqual(parts.path, visit.access_url)
        self.assertIn(f"access_token={visit.access_token}", parts.query)
        self.assertTrue(visit.access_token)


@tagged("post_install", "-at_install")
class TestAnomalyDocumentQr(AnomalyCase):
    def test_anomaly_document_carries_the_customer_portal_page(self):
        anomaly = self.anomaly(severity="major").with_user(self.user_deputy)

        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_deputy)
            ._render_qweb_html("customer_followup.report_customer_followup_anomaly", anomaly.ids)[0]
        )

        [[url]] = printed_qr(html)
        self.assertEqual(url, anomaly.get_base_url() + anomaly.get_portal_url())
        parts = urlsplit(url)
        self.assertEqual(parts.path, anomaly.access_url)
        self.assertIn(f"access_token={anomaly.access_token}", parts.query)
