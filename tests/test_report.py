"""The static report: every row beside its source, offline, templates and package data."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from jixiao.models import SourceResult
from tests.conftest import UNREAD_PDF


class Dom(HTMLParser):
    """Just enough of a DOM: elements with their attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and (cls is None or cls in a.get("class", "").split())
        ]


def dom(path: Path) -> Dom:
    parser = Dom()
    parser.feed(path.read_text("utf-8"))
    return parser


def _results(out: Path) -> list[SourceResult]:
    paths = sorted((out / "json").rglob("*.json"))
    return [SourceResult.model_validate_json(p.read_bytes()) for p in paths]


def test_every_indicator_row_is_on_its_source_page(sample_run: Path) -> None:
    for number, result in enumerate(_results(sample_run), 1):
        page = dom(sample_run / "report" / "src" / f"s{number:05d}.html")
        ids = [a["id"] for a in page.find("tr", "row")]
        expected = [f"r{i}-{ind.seq}" for i, f in enumerate(result.forms) for ind in f.indicators]
        assert ids == expected, result.source.path


def test_text_sources_show_their_lines_with_indicator_lines_highlighted(sample_run: Path) -> None:
    for number, result in enumerate(_results(sample_run), 1):
        if result.source.format != "text":
            continue
        page = dom(sample_run / "report" / "src" / f"s{number:05d}.html")
        lines = {a["id"] for a in page.find("li")}
        highlighted = {a["id"] for a in page.find("li", "hl")}
        for row in page.find("tr", "row"):
            if "data-target" in row:
                assert row["data-target"] in highlighted, (result.source.path, row["id"])
        assert len(lines) > len(highlighted) > 0, result.source.path


def test_pdf_pages_are_images_with_a_box_per_indicator(sample_run: Path) -> None:
    pdfs = 0
    for number, result in enumerate(_results(sample_run), 1):
        if result.source.format != "pdf" or not result.forms:
            continue
        pdfs += 1
        page = dom(sample_run / "report" / "src" / f"s{number:05d}.html")
        images = page.find("img")
        assert len(images) == result.source.pages
        for image in images:
            assert (sample_run / "report" / "src" / image["src"]).stat().st_size < 60_000
        boxes = {a["data-row"]: a["style"] for a in page.find("div", "box")}
        with_bbox = [
            f"r{i}-{x.seq}" for i, f in enumerate(result.forms) for x in f.indicators if x.bbox
        ]
        assert sorted(boxes) == sorted(with_bbox) and boxes, result.source.path
        for style in boxes.values():
            numbers = [float(v) for v in re.findall(r"(-?[\d.]+)%", style)]
            left, top, width, height = numbers
            assert 0 <= left and 0 <= top and left + width <= 100.5 and top + height <= 100.5
    assert pdfs >= 5


def test_index_lists_every_form_and_the_overview(sample_run: Path) -> None:
    index = sample_run / "report" / "index.html"
    results = _results(sample_run)
    rows = dom(index).find("tr", "row")
    assert len(rows) == sum(max(1, len(r.forms)) for r in results)
    text = index.read_text("utf-8")
    n_indicators = sum(len(f.indicators) for r in results for f in r.forms)
    assert f"<b>{n_indicators}</b> indicators" in text
    n_unread = sum(len(f.unread) for r in results for f in r.forms)
    assert f"<b>{n_unread}</b> unread table lines" in text
    assert "<svg" in text and "Flags that fired most" in text


def test_report_makes_no_network_requests(sample_run: Path) -> None:
    for path in (sample_run / "report").rglob("*"):
        if path.suffix in (".html", ".js", ".css"):
            text = path.read_text("utf-8")
            refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", text) + re.findall(
                r"url\(([^)]+)\)", text
            )
            assert not [r for r in refs if re.match(r"(https?:)?//", r)], path
            assert "fetch(" not in text and "XMLHttpRequest" not in text, path


def test_every_filter_control_has_a_label(sample_run: Path) -> None:
    for path in [
        sample_run / "report" / "index.html",
        sample_run / "report" / "src" / "s00001.html",
    ]:
        page = dom(path)
        labelled = {a["for"] for a in page.find("label")}
        controls = page.find("input") + page.find("select")
        assert controls and all(c["id"] in labelled for c in controls), path


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_flag_colours_have_aa_contrast(sample_run: Path) -> None:
    css = (sample_run / "report" / "static" / "report.css").read_text("utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [("flag-fg", "flag-bg"), ("low-fg", "low-bg"), ("fg", "bg"), ("fg", "hl-bg"),
             ("unread-fg", "unread-bg")]  # fmt: skip
    for fg, bg in pairs:
        light, dark = sorted([_luminance(colours[fg]), _luminance(colours[bg])], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (fg, bg)


def _blocks(html: str) -> list[str]:
    return re.findall(r'<section class="unread".*?</section>', html, re.S)


def test_unread_rows_are_listed_under_their_form(unread_run: Path) -> None:
    results = _results(unread_run)
    assert [r.source.path for r in results] == ["pipes.txt", UNREAD_PDF]
    for number, result in enumerate(results, 1):
        html = (unread_run / "report" / "src" / f"s{number:05d}.html").read_text("utf-8")
        (form,) = [f for f in result.forms if f.unread]
        (block,) = _blocks(html)
        assert "Not read" in block
        items = re.findall(r'<li id="(u0-\d+)"[^>]*><span class="where">([^<]*)</span>', block)
        where = [f"line {u.line}" if u.line else f"page {u.page}" for u in form.unread]
        assert items == [(f"u0-{n}", w) for n, w in enumerate(where, 1)]
        assert all(escape(u.text, quote=False) in block for u in form.unread)
        # after the form's indicator table
        assert html.index(block) > html.index(f'id="r0-{len(form.indicators)}"')


def test_unread_lines_are_marked_in_the_text_source(unread_run: Path) -> None:
    (result, _) = _results(unread_run)
    page = dom(unread_run / "report" / "src" / "s00001.html")
    marked = {a["id"]: a["data-row"] for a in page.find("li", "unread")}
    expected = {f"L{u.line}": f"u0-{n}" for n, u in enumerate(result.forms[0].unread, 1)}
    assert marked == expected
    targets = {a["id"]: a.get("data-target") for a in page.find("li") if a.get("id", "")[:1] == "u"}
    assert targets == {v: k for k, v in expected.items()}


def test_unread_pdf_rows_are_outlined_on_the_page_image(unread_run: Path) -> None:
    (_, result) = _results(unread_run)
    page = dom(unread_run / "report" / "src" / "s00002.html")
    (box,) = page.find("div", "ubox")
    assert (box["id"], box["data-row"]) == ("Bu0-1", "u0-1")
    left, top, width, height = (float(v) for v in re.findall(r"(-?[\d.]+)%", box["style"]))
    assert 0 <= left and 0 <= top and left + width <= 100.5 and top + height <= 100.5
    (item,) = [a for a in page.find("li") if a.get("id") == "u0-1"]
    assert item["data-target"] == "Bu0-1"
    with_bbox = sum(1 for f in result.forms for x in f.indicators if x.bbox)
    assert len(page.find("div", "box")) == with_bbox  # indicator boxes unchanged


def test_index_counts_unread_rows_per_form_and_in_all(unread_run: Path) -> None:
    index = unread_run / "report" / "index.html"
    results = _results(unread_run)
    total = sum(len(f.unread) for r in results for f in r.forms)
    assert total == 8
    assert f"<b>{total}</b> unread table lines" in index.read_text("utf-8")
    cells = re.findall(r'<td class="unread-n">(\d+)</td>', index.read_text("utf-8"))
    assert sorted(int(c) for c in cells) == sorted(
        len(f.unread) for r in results for f in r.forms if f.unread
    )
