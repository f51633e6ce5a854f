"""Every regulation the addon cites resolves in docs/regulations.md.

Comments, help texts, messages and translations cite the regulations as
``003 第八条 (二)``, ``000 第六、七条``, ``003 第九至十一条``, ``001 篇五``,
``001 篇四 要点3`` or ``002 五(一)``. Each cited article, paragraph, sample
or section must have its entry (the same words, e.g. ``003 第八条 (二)``)
in docs/regulations.md, with the seed it comes from. Plain pytest, no
database: `make test` runs it with the rest; alone,
`python -m pytest -p no:odoo tests/test_docs_citations.py` (pytest-odoo
would otherwise ask for a database).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "regulations.md"
# The addon and the README that describes it.
SOURCES = (ROOT / "customer_followup", ROOT / "README.md")
SUFFIXES = {".py", ".xml", ".js", ".csv", ".po", ".pot", ".md", ".html", ".txt"}

DIGITS = "一二三四五六七八九"
NUM = "[一二三四五六七八九十]+"
# A paragraph: (二) or （二）, an optional space before it.
PARA = rf"\s?[（(]{NUM}[)）]"
ARTICLE = rf"第{NUM}(?:(?:至|、){NUM})*[条條]"
CITATION = re.compile(
    r"(?<![\d.,])(?P<seed>00[0-3])\s?"
    r"(?:"
    # 003 第八条 (二)、(三) / 000 第六、七条 / 003 第五条、第八条
    rf"(?P<articles>{ARTICLE}(?:、{ARTICLE})*)(?P<paras>(?:{PARA})(?:、{PARA})*)?"
    # 001 篇四 要点3 / 001 篇一/三/五
    rf"|篇(?P<samples>{NUM}(?:/{NUM})*)(?:\s?要点\s?(?P<point>\d+))?"
    # 002 五(一): chapter and section; a chapter numeral alone is no
    # citation when a word follows it (000 一级...).
    rf"|(?P<chapter>[{DIGITS}])(?P<section>{PARA})?(?![\u4e00-\u9fff])"
    r")"
)


def cn_to_int(text):
    """一 … 九十九 as an integer."""
    if "十" not in text:
        return DIGITS.index(text) + 1
    tens, _, units = text.partition("十")
    return (DIGITS.index(tens) + 1 if tens else 1) * 10 + (DIGITS.index(units) + 1 if units else 0)


def int_to_cn(number):
    tens, units = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else DIGITS[tens - 1]) + "十"
    return text + (DIGITS[units - 1] if units else "")


def _paragraphs(paras):
    return [int_to_cn(cn_to_int(p)) for p in re.findall(NUM, paras or "")]


def _articles(articles):
    """第九至十一条 -> 9, 10, 11; 第六、七条 -> 6, 7; 第五条、第八条 -> 5, 8."""
    numbers = []
    for group in re.findall(rf"第({NUM}(?:(?:至|、){NUM})*)[条條]", articles):
        for part in group.split("、"):
            first, _, last = part.partition("至")
            start = cn_to_int(first)
            numbers.extend(range(start, cn_to_int(last) + 1) if last else [start])
    return numbers


def citation_keys(text):
    """The entries docs/regulations.md must hold for the citations in text."""
    keys = set()
    for match in CITATION.finditer(text):
        seed = match["seed"]
        if match["articles"]:
            articles = _articles(match["articles"])
            for number in articles:
                keys.add(f"{seed} 第{int_to_cn(number)}条")
            # A paragraph belongs to the last article named before it.
            for para in _paragraphs(match["paras"]):
                keys.add(f"{seed} 第{int_to_cn(articles[-1])}条 ({para})")
        elif match["samples"]:
            samples = match["samples"].split("/")
            for sample in samples:
                keys.add(f"{seed} 篇{sample}")
            if match["point"]:
                keys.add(f"{seed} 篇{samples[-1]} 要点{match['point']}")
        elif seed == "002":
            keys.add(f"{seed} {match['chapter']}")
            for para in _paragraphs(match["section"]):
                keys.add(f"{seed} {match['chapter']} ({para})")
    return keys


def _source_files():
    for source in SOURCES:
        paths = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in paths:
            if path.is_file() and path.suffix in SUFFIXES:
                yield path


def cited_keys():
    """{key: [files citing it]} over the addon's sources."""
    cited = {}
    for path in _source_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for key in citation_keys(text):
            cited.setdefault(key, []).append(str(path.relative_to(ROOT)))
    return cited


def missing_keys(cited, doc_text):
    return {key: files for key, files in cited.items() if key not in doc_text}


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("(003 第八条 (二))", {"003 第八条", "003 第八条 (二)"}),
        ("003 第八條（七）", {"003 第八条", "003 第八条 (七)"}),
        ("(003 第九至十一条)", {"003 第九条", "003 第十条", "003 第十一条"}),
        ("000 第六、七条", {"000 第六条", "000 第七条"}),
        ("(003 第五条、第八条)", {"003 第五条", "003 第八条"}),
        (
            "003 第十二条 (二)、(三)",
            {"003 第十二条", "003 第十二条 (二)", "003 第十二条 (三)"},
        ),
        ("001 篇一/三/五", {"001 篇一", "001 篇三", "001 篇五"}),
        ("001 篇四 要点3", {"001 篇四", "001 篇四 要点3"}),
        ("(002 五(一))", {"002 五", "002 五 (一)"}),
        ("002 二)", {"002 二"}),
        ("1,000 第一 10,003 第八条 000 一级", set()),
    ],
)
def test_citation_forms(text, keys):
    assert citation_keys(text) == keys


def test_a_missing_entry_is_reported():
    cited = {"003 第八条 (二)": ["a.py"], "003 第二十条": ["b.py"]}
    doc = "### 003 第八条 · The closed loop\n- **003 第八条 (二)** reporting by level\n"
    assert missing_keys(cited, doc) == {"003 第二十条": ["b.py"]}


def test_the_addon_cites_the_regulations():
    # The grep must find the citations it is meant to check.
    cited = cited_keys()
    for key in ("000 第七条", "001 篇五", "002 五 (一)", "003 第八条 (二)", "003 第十二条"):
        assert key in cited, key


def test_every_citation_resolves_in_docs_regulations():
    doc = DOC.read_text(encoding="utf-8")
    missing = missing_keys(cited_keys(), doc)
    assert not missing, "Citations without an entry in docs/regulations.md:\n" + "\n".join(
        f"  {key}: {', '.join(sorted(set(files))[:3])}" for key, files in sorted(missing.items())
    )


def test_every_cited_seed_is_identified():
    doc = DOC.read_text(encoding="utf-8")
    seeds = {key[:3] for key in cited_keys()}
    names = {
        "000": "000_919d442aca1b3b9d.txt",
        "001": "001_3801473999131538.txt",
        "002": "002_bd874843443fad4f.txt",
        "003": "003_20a9d59d2d47424d.txt",
    }
    for seed in seeds:
        assert names[seed] in doc and f"\n## {seed} " in doc, seed
