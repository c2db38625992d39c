"""The static report: every row beside its source, offline, templates and package data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from jixiao.models import SourceResult


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
    for fg, bg in [("flag-fg", "flag-bg"), ("low-fg", "low-bg"), ("fg", "bg"), ("fg", "hl-bg")]:
        light, dark = sorted([_luminance(colours[fg]), _luminance(colours[bg])], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (fg, bg)
