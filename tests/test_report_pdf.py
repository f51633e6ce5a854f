"""The printed documents as a user downloads them: real PDFs produced by
wkhtmltopdf on a started server, set in an embedded CJK font with the Chinese
text readable from the file.

Module tests check what the documents say on the HTML the PDF is made of
(`_render_qweb_html`). The PDF itself is checked here, from outside: under
`odoo-bin --test-enable` the server holds its registry lock while tests run,
so wkhtmltopdf, which fetches the report's style sheets back from the server,
would wait for a test that waits for it."""

import io
import unicodedata

import pytest
import requests
from PyPDF2 import PdfReader

# The demo manager reads Simplified Chinese. Each document: a demo record of
# it, its Chinese title and Chinese words printed from that record. (Latin
# text set in the report's web font is drawn as outlines by wkhtmltopdf and
# cannot be read back from the file.)
DOCUMENTS = {
    "anomaly": (
        "customer_followup.report_customer_followup_anomaly",
        "customer.followup.anomaly",
        [["severity", "=", "critical"]],
        "重大客户服务异常处置总结报告",
    ),
    "visit": (
        "customer_followup.report_customer_followup_visit",
        "customer.followup.visit",
        [["state", "=", "done"]],
        "客户回访记录表",
    ),
    "analysis": (
        "customer_followup.report_followup_analysis",
        "customer.followup.analysis",
        [["improvements", "ilike", "交付问题最多"]],
        "客户回访分析报告",
    ),
}
# Chinese words each prints from its record: the customer and the person in
# charge (names of the demo), or what the demo's manager wrote.
PRINTED = {
    "anomaly": lambda record: [record["partner_id"][1], record["user_id"][1]],
    "visit": lambda record: [record["partner_id"][1], record["user_id"][1]],
    "analysis": lambda record: ["交付问题最多", "回访率"],
}
FIELDS = {"anomaly": ["partner_id", "user_id"], "visit": ["partner_id", "user_id"], "analysis": []}


@pytest.fixture(scope="module")
def report_url(odoo_server, rpc):
    """wkhtmltopdf fetches the report's style sheets from `report.url`, else
    from `web.base.url` (port 8069, not this server): point it here."""
    admin = rpc("admin", "admin")
    before = admin.call("ir.config_parameter", "get_param", "report.url")
    admin.call("ir.config_parameter", "set_param", "report.url", odoo_server["url"])
    yield odoo_server["url"]
    admin.call("ir.config_parameter", "set_param", "report.url", before or False)


@pytest.fixture(scope="module")
def manager_session(odoo_server, report_url):
    """A browser-like session of the demo manager (zh_CN)."""
    session = requests.Session()
    reply = session.post(
        f"{odoo_server['url']}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": odoo_server["db"], "login": "zhoujie", "password": "zhoujie"},
        },
        timeout=60,
    )
    reply.raise_for_status()
    assert reply.json().get("result", {}).get("uid"), reply.text[-2000:]
    yield session
    session.close()


def _fonts(reader):
    """Base names of the fonts the pages use, descendant CID fonts included."""
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.get_object().values():
            font = font.get_object()
            names.add(str(font.get("/BaseFont", "")))
            for child in font.get("/DescendantFonts", []):
                names.add(str(child.get_object().get("/BaseFont", "")))
    return names


def _text(reader):
    """The text of every page. The CJK font maps some shared glyphs to
    Kangxi radicals (⼤ U+2F24 for 大): NFKC folds them back."""
    return unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_pdf_is_set_in_an_embedded_chinese_font(rpc, report_url, manager_session, document):
    report, model, domain, title = DOCUMENTS[document]
    manager = rpc("zhoujie")
    records = manager.call(model, "search_read", domain, FIELDS[document] or ["id"], limit=1)
    assert records, f"the demo has a {model} matching {domain}"
    record = records[0]

    reply = manager_session.get(f"{report_url}/report/pdf/{report}/{record['id']}", timeout=300)

    assert reply.status_code == 200, reply.text[-2000:]
    assert reply.headers["Content-Type"] == "application/pdf"
    pdf = reply.content
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    reader = PdfReader(io.BytesIO(pdf))
    # wkhtmltopdf embeds the CJK font the Chinese text was set in ...
    fonts = _fonts(reader)
    assert any("CJK" in name for name in fonts), fonts
    # ... and its glyphs map back to the Chinese words (no empty boxes).
    text = _text(reader)
    for words in [title, *PRINTED[document](record)]:
        assert words in text, (words, text[:2000])
