"""The printed documents as a user downloads them: real PDFs produced by
wkhtmltopdf on a started server, set in an embedded CJK font with the Chinese
text readable from the file.

Module tests check what the documents say on the HTML the PDF is made of
(`_render_qweb_html`). The PDF itself is checked here, from outside: under
`odoo-bin --test-enable` the server holds its registry lock while tests run,
so wkhtmltopdf, which fetches the report's style sheets back from the server,
would wait for a test that waits for it.

With a wkhtmltopdf built on patched Qt (tools/provision.sh) the documents
also carry Odoo's header and footer: "页: 1 / 3" on every page. Pages are
read with poppler's pdftotext and pdftoppm, as a reader sees them."""

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
import zxingcpp
from PIL import Image
from PyPDF2 import PdfReader
from rpc_world import (
    chinese,
    chinese_number,
    done_visit,
    new_company,
    new_customer,
    new_user,
    tag,
    tier_ids,
)

# The manager reads Simplified Chinese. Each document: a record the test
# made (report_world), its Chinese title and Chinese words printed from that
# record. (Latin text set in the report's web font is drawn as outlines by
# wkhtmltopdf and cannot be read back from the file.)
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
# charge (Chinese names), or what the manager wrote.
PRINTED = {
    "anomaly": lambda record: [record["partner_id"][1], record["user_id"][1]],
    "visit": lambda record: [record["partner_id"][1], record["user_id"][1]],
    "analysis": lambda record: ["交付问题最多", "回访率"],
}
FIELDS = {"anomaly": ["partner_id", "user_id"], "visit": ["partner_id", "user_id"], "analysis": []}
IMPROVEMENTS = (
    "<p>交付问题最多：与物流确认发货日期并提前通知客户；备件库存按季度检查。"
    "Delivery problems come first: confirm shipping dates with logistics and tell "
    "customers in advance; check spare-part stock every quarter.</p>"
)


@pytest.fixture(scope="module")
def report_world(rpc):
    """A company of the test's own (rpc_world, a Chinese name: its header is
    read back from the page), its Chinese-speaking manager and specialist,
    a customer of each tier followed up and scored this month, anomalies of
    three categories, one of them 重大 (critical), and the manager's
    analysis report of the month."""
    admin = rpc("admin", "admin")
    lang = chinese(admin)
    number = chinese_number()
    company = new_company(admin, f"回访报告测试仪表公司{number}")
    service = {"lang": lang, "followup_department": "客户服务部"}
    manager_login = f"cf_pdf_manager_{tag()}"
    new_user(admin, company, "manager", manager_login, name="周杰", **service)
    manager = rpc(manager_login)
    specialist_login = f"cf_pdf_specialist_{tag()}"
    new_user(admin, company, "specialist", specialist_login, name="王芳", **service)
    specialist = rpc(specialist_login)
    tiers = tier_ids(manager, company)
    customers = {}
    for code, name, score in (
        ("strategic", "浙江中控自动化仪表有限公司", 5),
        ("key", "海尔智家股份有限公司", 4),
        ("normal", "三一重工股份有限公司", 3),
    ):
        customers[code] = new_customer(manager, company, name)
        manager.call(
            "res.partner",
            "write",
            [customers[code]],
            {
                "followup_tier_id": tiers[code],
                "followup_tier_manual_reason": "框架协议",
                "followup_user_id": specialist.uid,
            },
        )
        done_visit(specialist, customers[code], satisfaction=score, score_quality=score)
    for category, severity, description in (
        ("delivery", "critical", "交付的一批流量计无法正常使用"),
        ("technical", "general", "通讯协议说明不清"),
        ("installation", "major", "安装调试中损坏客户管道阀门"),
    ):
        specialist.call(
            "customer.followup.anomaly",
            "create",
            {
                "partner_id": customers["strategic"],
                "severity": severity,
                "category": category,
                "source": "complaint",
                "description": description,
                "customer_request": "全部更换并赔偿停产损失",
                "production_impact": "整条产线停产",
            },
        )
    # The company's day (its calendar is in Shanghai), the day the follow-ups
    # above were done in: from 16:00 to 24:00 UTC the machine's date is the
    # day before, and a period ending then held none of them.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    manager.call(
        "customer.followup.analysis",
        "create",
        {
            "date_from": (today - timedelta(days=30)).isoformat(),
            "date_to": today.isoformat(),
            "improvements": IMPROVEMENTS,
        },
    )
    return {"manager": manager, "company": company}


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
def manager_session(odoo_server, report_url, report_world):
    """A browser-like session of the manager (zh_CN)."""
    manager = report_world["manager"]
    session = requests.Session()
    reply = session.post(
        f"{odoo_server['url']}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {
                "db": odoo_server["db"],
                "login": manager.login,
                "password": manager.password,
            },
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
def test_pdf_is_set_in_an_embedded_chinese_font(
    report_world, report_url, manager_session, document
):
    report, model, domain, title = DOCUMENTS[document]
    manager = report_world["manager"]
    records = manager.call(model, "search_read", domain, FIELDS[document] or ["id"], limit=1)
    assert records, f"the test made a {model} matching {domain}"
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


def _pdf(session, url, report, record_id):
    reply = session.get(f"{url}/report/pdf/{report}/{record_id}", timeout=300)
    assert reply.status_code == 200, reply.text[-2000:]
    assert reply.headers["Content-Type"] == "application/pdf"
    return reply.content


def _pages_text(pdf, tmp_path):
    """The text of each page, as poppler's pdftotext reads it."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    return [
        subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for page in range(1, count + 1)
    ]


def _pages_png(pdf, tmp_path, dpi=100):
    """Each page drawn as an image by poppler's pdftoppm."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "page")], check=True
    )
    return [Image.open(png).convert("RGB") for png in sorted(tmp_path.glob("page-*.png"))]


def _patched_wkhtmltopdf():
    """Whether the server's wkhtmltopdf (first on PATH, as Odoo looks for it)
    is built on patched Qt; the server inherits this process's PATH."""
    binary = shutil.which("wkhtmltopdf")
    assert binary, "wkhtmltopdf is on PATH (tools/provision.sh)"
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    return "patched qt" in version


def test_every_page_has_its_number_on_one_line(report_world, report_url, manager_session, tmp_path):
    """A patched build prints Odoo's footer: "页: i / n" on one line of every
    page, with the document's number; an unpatched one drops header and
    footer, and the body still names the company, document and number."""
    manager = report_world["manager"]
    [anomaly] = manager.call(
        "customer.followup.anomaly",
        "search_read",
        [["severity", "=", "critical"]],
        ["name", "company_id"],
        limit=1,
    )
    pdf = _pdf(
        manager_session,
        report_url,
        "customer_followup.report_customer_followup_anomaly",
        anomaly["id"],
    )
    pages = [unicodedata.normalize("NFKC", text) for text in _pages_text(pdf, tmp_path)]
    count = len(pages)
    counter = re.compile(r":\s*(\d+) / (\d+)\s*$", re.MULTILINE)
    # The body's own identity line, whatever the build: company, number, title.
    assert "编号" in pages[0] and "打印日期" in pages[0], pages[0][:500]
    assert "重大客户服务异常处置总结报告" in pages[0]
    if _patched_wkhtmltopdf():
        assert count >= 2, "the critical document runs over two pages"
        for number, text in enumerate(pages, start=1):
            assert [tuple(map(int, m)) for m in counter.findall(text)] == [(number, count)], text
            # The header names the company, the footer the document's number.
            assert anomaly["company_id"][1] in text, text
            assert anomaly["name"] in text, text
    else:
        for text in pages:
            assert not counter.search(text), text


@pytest.mark.parametrize("document", ["visit", "anomaly"])
def test_printed_qr_code_opens_the_customer_portal_page(
    report_world, report_url, manager_session, tmp_path, document
):
    """The QR code of the printed document, read from the page as a phone
    camera would: the customer's portal page with its access token."""
    report, model, domain, _title = DOCUMENTS[document]
    manager = report_world["manager"]
    [record] = manager.call(model, "search_read", domain, ["access_url"], limit=1)
    pdf = _pdf(manager_session, report_url, report, record["id"])

    page = _pages_png(pdf, tmp_path, dpi=200)[0]
    codes = [
        r.text for r in zxingcpp.read_barcodes(page) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]

    assert len(codes) == 1, codes
    url = urlsplit(codes[0])
    assert url.path == record["access_url"]
    assert re.fullmatch(r"access_token=[0-9a-f-]{20,}", url.query), url.query


# The bars of the SVG charts (customer_followup/report/svg_charts.py), drawn
# in #3f6fb5, and the target line in #c0392b.
BAR = (0x3F, 0x6F, 0xB5)
TARGET = (0xC0, 0x39, 0x2B)


def _bands(image, colour, tolerance=40, min_pixels=20):
    """Horizontal bars of a colour on a page: runs of pixel rows holding at
    least `min_pixels` pixels of that colour."""
    width, height = image.size
    pixels = image.load()
    bands, inside = [], False
    for y in range(height):
        hits = sum(
            1
            for x in range(0, width, 2)
            if all(abs(pixels[x, y][i] - colour[i]) <= tolerance for i in range(3))
        )
        if hits * 2 >= min_pixels and not inside:
            bands.append(y)
        inside = hits * 2 >= min_pixels
    return bands


def _has_colour(image, colour, tolerance=40):
    return any(
        all(abs(pixel[i] - colour[i]) <= tolerance for i in range(3)) for pixel in image.getdata()
    )


def test_analysis_report_prints_its_charts(report_world, report_url, manager_session, tmp_path):
    """客户回访分析报告: the follow-up rate of each tier against the target
    and the 0–5 distribution, drawn as bars on the printed page."""
    report, model, domain, _title = DOCUMENTS["analysis"]
    manager = report_world["manager"]
    [record] = manager.call(model, "search_read", domain, ["id"], limit=1)
    pdf = _pdf(manager_session, report_url, report, record["id"])

    pages = _pages_png(pdf, tmp_path, dpi=60)
    bands = [_bands(page, BAR) for page in pages]

    # Three tiers' rates and the satisfaction scores answered: bars on the pages.
    assert sum(len(page) for page in bands) >= 3 + 3, bands
    # The target line of the rate chart, in red beside the bars.
    assert any(_has_colour(page, TARGET) for page in pages)


def test_anomaly_statistics_print_their_charts(report_world, report_url, manager_session, tmp_path):
    """The monthly anomaly statistics (003 第十五条): anomalies by category and
    the on-time rate of each clock, as bars on the printed page."""
    manager = report_world["manager"]
    wizard = manager.call(
        "customer.followup.anomaly.statistics",
        "create",
        {"date_from": "2000-01-01", "date_to": "2099-12-31"},
    )
    pdf = _pdf(manager_session, report_url, "customer_followup.report_anomaly_statistics", wizard)

    pages = _pages_png(pdf, tmp_path, dpi=60)
    bands = [_bands(page, BAR) for page in pages]

    assert sum(len(page) for page in bands) >= 3, bands
