"""The two PDF engines: PDFium (default) against pdfplumber (the reference) on every PDF
fixture, page rotation, the per-page fallback, the table finder, and the CLI switch."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from jixiao.cli import main
from jixiao.extract import pdf as pdf_reader
from jixiao.extract import pdf_pdfium, pdf_plumber
from jixiao.extract.pdf_page import PageContent
from jixiao.extract.pdf_rules import Edge, smallest_cells
from jixiao.output.json_out import dump_result
from jixiao.pipeline import process_bytes
from tests.conftest import FIXTURES, FORMS, ROOT, python_stdout

PDF_FIXTURES = sorted(
    [*(FORMS / "pdf").glob("*.pdf"), *FIXTURES.glob("*.pdf"), *(FIXTURES / "bad").glob("*.pdf")]
)
BBOX_TOLERANCE = 0.5  # points; PDFium's boxes are float32


def _result(path: Path, engine: str) -> dict[str, Any]:
    """The JSON result; a problem's message is left out (it quotes the library's error)."""
    rel = str(path.relative_to(ROOT))
    result = json.loads(dump_result(process_bytes(path.read_bytes(), rel, engine)))
    for problem in result["errors"]:
        problem["message"] = problem["message"].split(" (")[0]
    return result


def _split_boxes(value: Any, boxes: list[float]) -> Any:
    """The result without its bboxes (collected into `boxes`, in order)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "bbox" and isinstance(item, list):
                boxes.extend(item)
                out[key] = "bbox"
            else:
                out[key] = _split_boxes(item, boxes)
        return out
    if isinstance(value, list):
        return [_split_boxes(item, boxes) for item in value]
    return value


@pytest.mark.parametrize("path", PDF_FIXTURES, ids=lambda p: p.name)
def test_both_engines_give_the_same_rows_and_fields(path: Path) -> None:
    boxes_a: list[float] = []
    boxes_b: list[float] = []
    pdfium = _split_boxes(_result(path, "pdfium"), boxes_a)
    plumber = _split_boxes(_result(path, "pdfplumber"), boxes_b)
    assert pdfium == plumber
    assert len(boxes_a) == len(boxes_b)
    assert all(abs(a - b) <= BBOX_TOLERANCE for a, b in zip(boxes_a, boxes_b))


def test_the_fixtures_include_forms_and_the_bad_pdfs() -> None:
    names = {p.name for p in PDF_FIXTURES}
    assert {"seed_001_word_like.pdf", "wuhai_2021_unruled.pdf", "encrypted.pdf"} <= names


def _pages(data: bytes, engine: Any) -> list[PageContent]:
    pdf = engine.open_document(data)
    try:
        return [engine.read_page(pdf, n) for n in range(1, engine.page_count(pdf) + 1)]
    finally:
        pdf.close()


def _same_chars(a: PageContent, b: PageContent, tolerance: float = BBOX_TOLERANCE) -> None:
    assert (a.width, a.height) == pytest.approx((b.width, b.height), abs=0.01)
    key = lambda c: (round(c[1]), c[0])  # noqa: E731
    chars_a, chars_b = sorted(a.chars, key=key), sorted(b.chars, key=key)
    assert "".join(c[4] for c in chars_a) == "".join(c[4] for c in chars_b)
    for ca, cb in zip(chars_a, chars_b):
        assert ca[:4] == pytest.approx(cb[:4], abs=tolerance)
        assert ca[5] == pytest.approx(cb[5], abs=tolerance)  # font size


def _same_tables(a: PageContent, b: PageContent) -> None:
    assert len(a.tables) == len(b.tables)
    for ta, tb in zip(a.tables, b.tables):
        assert ta.bbox == pytest.approx(tb.bbox, abs=BBOX_TOLERANCE)
        assert len(ta.cells) == len(tb.cells)


def test_pdfium_characters_and_cells_have_pdfplumber_meaning() -> None:
    data = (FORMS / "pdf" / "seed_001_word_like.pdf").read_bytes()
    for a, b in zip(_pages(data, pdf_pdfium), _pages(data, pdf_plumber)):
        _same_chars(a, b)
        _same_tables(a, b)


def test_a_space_printed_on_its_own_is_kept() -> None:
    # PDFium leaves a text object holding only a space out of its text page
    data = (FORMS / "pdf" / "seed_001_word_like.pdf").read_bytes()
    doc = pdf_reader.read_pdf(data, "a.pdf", "x", "pdfium")
    assert any(getattr(b, "text", "") == "填表人: 周妮妮 联系电话: 13787572712" for b in doc.blocks)


def _turned(data: bytes, degrees: int) -> bytes:
    """Each page drawn turned by `degrees` counter-clockwise inside a form XObject, on a
    page whose /Rotate turns it back upright (as scanners and some exporters store
    landscape pages), or, with `degrees` = 0, only /Rotate set (the text shows sideways)."""
    import io

    import pypdfium2

    source = pypdfium2.PdfDocument(data)
    out = pypdfium2.PdfDocument.new()
    for index, page in enumerate(source):
        width, height = page.get_size()
        form = source.page_as_xobject(index, out)
        obj = form.as_pageobject()
        turn = {0: (1, 0, 0, 1, 0, 0), 90: (0, 1, -1, 0, height, 0),
                180: (-1, 0, 0, -1, width, height), 270: (0, -1, 1, 0, 0, width)}[degrees]  # fmt: skip
        obj.transform(pypdfium2.PdfMatrix(*turn))
        size = (height, width) if degrees in (90, 270) else (width, height)
        new = out.new_page(*size)
        new.insert_obj(obj)
        new.gen_content()
        new.set_rotation(degrees or 90)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _names(data: bytes, engine: str) -> list[str]:
    result = json.loads(dump_result(process_bytes(data, "r.pdf", engine)))
    return [i["name"] for f in result["forms"] for i in f["indicators"]]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_turned_page_shown_upright_reads_as_the_original(degrees: int) -> None:
    original = (FORMS / "pdf" / "xiangtan_2023_landscape.pdf").read_bytes()
    data = _turned(original, degrees)
    (a,), (b,) = _pages(data, pdf_pdfium), _pages(data, pdf_plumber)
    (flat,) = _pages(original, pdf_plumber)
    assert (a.width, a.height) == pytest.approx((flat.width, flat.height), abs=0.01)
    _same_chars(a, b)
    _same_tables(a, b)
    assert _names(data, "pdfium") == _names(data, "pdfplumber") == _names(original, "pdfium")


def test_a_page_shown_sideways_gives_the_same_text_to_both_engines() -> None:
    from collections import Counter

    data = _turned((FORMS / "pdf" / "xiangtan_2023_landscape.pdf").read_bytes(), 0)
    (a,), (b,) = _pages(data, pdf_pdfium), _pages(data, pdf_plumber)
    # sideways glyph boxes differ a little (PDFium's font ascent and descent against
    # pdfminer's em box), so compare the characters as a multiset, and the grids
    assert Counter(c[4] for c in a.chars) == Counter(c[4] for c in b.chars)
    _same_tables(a, b)


def _unmapped(page: PageContent) -> PageContent:
    chars = tuple((*c[:4], "\ufffd", c[5]) for c in page.chars)
    return PageContent(page.number, page.width, page.height, chars, page.tables, page.engine)


def test_a_page_pdfium_cannot_map_is_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FORMS / "pdf" / "jinzhai_2023_split_no_header.pdf").read_bytes()
    read = pdf_pdfium.read_page
    monkeypatch.setattr(
        pdf_pdfium,
        "read_page",
        lambda pdf, n: _unmapped(read(pdf, n)) if n == 2 else read(pdf, n),
    )
    fallback = pdf_reader.read_pdf(data, "a.pdf", "x", "pdfium")
    reference = pdf_reader.read_pdf(data, "a.pdf", "x", "pdfplumber")
    assert fallback.ocr_pages == ()
    assert [getattr(b, "text", None) for b in fallback.blocks] == [
        getattr(b, "text", None) for b in reference.blocks
    ]


def test_a_page_neither_engine_can_map_goes_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FORMS / "pdf" / "jinzhai_2023_split_no_header.pdf").read_bytes()
    for module in (pdf_pdfium, pdf_plumber):
        read = module.read_page
        monkeypatch.setattr(
            module,
            "read_page",
            lambda pdf, n, read=read: _unmapped(read(pdf, n)) if n == 2 else read(pdf, n),
        )
    doc = pdf_reader.read_pdf(data, "a.pdf", "x", "pdfium")
    assert doc.ocr_pages == (2,)
    assert {getattr(b, "page", None) for b in doc.blocks} == {1}


def test_pdfplumber_is_not_opened_when_pdfium_reads_every_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(data: bytes) -> None:
        raise AssertionError("pdfplumber opened")

    monkeypatch.setattr(pdf_plumber, "open_document", refuse)
    for name in ("seed_004_split_repeated_header.pdf", "wuhai_2021_unruled.pdf"):
        doc = pdf_reader.read_pdf((FORMS / "pdf" / name).read_bytes(), name, "x", "pdfium")
        assert doc.blocks and not doc.ocr_pages
    # an image-only page has no characters for pdfminer either: straight to OCR
    mixed = pdf_reader.read_pdf((FIXTURES / "mixed_scan_page.pdf").read_bytes(), "m", "x")
    assert mixed.ocr_pages == (2,)


def test_an_unknown_engine_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown PDF engine 'mupdf'"):
        pdf_reader.read_pdf((FIXTURES / "mixed_scan_page.pdf").read_bytes(), "m", "x", "mupdf")


def _random_rulings(rng: random.Random) -> list[Edge]:
    """A ruled grid as an exporter draws it: some lines missing (merged cells), some cut
    short, some drawn per cell or twice, ends and positions off by up to 2 points."""
    xs = sorted(rng.sample(range(0, 500, 9), rng.randint(2, 8)))
    ys = sorted(rng.sample(range(0, 700, 11), rng.randint(2, 12)))
    jitter = lambda: rng.choice((0.0, 0.0, 0.5, -0.7, 1.9, -2.0))  # noqa: E731
    edges: list[Edge] = []
    for y in ys:
        pieces = zip(xs, xs[1:]) if rng.random() < 0.3 else [(xs[0], xs[-1])]
        for x0, x1 in pieces:
            if rng.random() > 0.12:
                top = y + jitter()
                edges.append(("h", x0 + jitter(), top, x1 + jitter(), top))
    for x in xs:
        pieces = zip(ys, ys[1:]) if rng.random() < 0.3 else [(ys[0], ys[-1])]
        for y0, y1 in pieces:
            if rng.random() > 0.12:
                left = x + jitter()
                edges.append(("v", left, y0 + jitter(), left, y1 + jitter() * rng.random()))
    edges += rng.sample(edges, k=min(3, len(edges)))  # drawn twice
    edges.append(("h", 3.0, 3.0, 3.5, 3.0))  # a speck
    return [e for e in edges if (e[3] > e[1] if e[0] == "h" else e[4] > e[2])]


class _EdgesOnly:
    """What pdfplumber's TableFinder reads from a page with the "lines" strategies."""

    def __init__(self, edges: list[Edge]) -> None:
        self.bbox = (0.0, 0.0, 600.0, 800.0)
        self.edges = [
            {
                "x0": x0,
                "top": top,
                "x1": x1,
                "bottom": bottom,
                "width": x1 - x0,
                "height": bottom - top,
                "orientation": o,
                "object_type": "line",
                "doctop": top,
            }  # fmt: skip
            for o, x0, top, x1, bottom in edges
        ]


def test_ruled_tables_match_pdfplumbers_table_finder_on_random_rulings() -> None:
    from pdfplumber.table import TableFinder

    from jixiao.extract.pdf_page import TABLE_SETTINGS
    from jixiao.extract.pdf_rules import tables_from_edges

    rng = random.Random(16)
    found = 0
    for _ in range(60):
        edges = _random_rulings(rng)
        reference = TableFinder(_EdgesOnly(edges), TABLE_SETTINGS).tables  # type: ignore[arg-type]
        ours = tables_from_edges(edges)
        assert ours == [t.cells for t in reference]
        found += len(ours)
    assert found >= 40


def test_smallest_cells_match_pdfplumber() -> None:
    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    from jixiao.extract.pdf_rules import intersections, merge_edges

    rng = random.Random(61)
    for _ in range(30):
        edges = merge_edges(_random_rulings(rng))
        ours = smallest_cells(intersections(edges))
        theirs = intersections_to_cells(edges_to_intersections(_EdgesOnly(edges).edges, 3, 3))
        assert ours == theirs


def test_cli_reads_with_either_engine(tmp_path: Path) -> None:
    pdf = FORMS / "pdf" / "tianjin_2023_multi_project.pdf"
    rows = {}
    for engine in ("pdfium", "pdfplumber"):
        out = tmp_path / engine
        assert main(["run", str(pdf), "-o", str(out), "-q", "--pdf-engine", engine]) == 0
        (result,) = (out / "json").rglob("*.json")
        data = json.loads(result.read_text("utf-8"))
        rows[engine] = [
            (i["name"], i["value_text"]) for f in data["forms"] for i in f["indicators"]
        ]
    assert rows["pdfium"] == rows["pdfplumber"] and len(rows["pdfium"]) >= 10


def test_cli_refuses_an_unknown_engine(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(FORMS / "pdf"), "-o", "x", "--pdf-engine", "mupdf"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'mupdf'" in capsys.readouterr().err


def test_neither_camelot_nor_pdfminer_is_imported_when_pdfium_reads_every_page() -> None:
    script = (
        "import sys, pathlib; from jixiao.pipeline import process_bytes\n"
        f"for p in sorted(pathlib.Path({str(FORMS / 'pdf')!r}).glob('*.pdf')):\n"
        "    process_bytes(p.read_bytes(), p.name)\n"
        "print(sorted(m for m in ('camelot', 'cv2', 'pandas', 'pdfminer') if m in sys.modules))"
    )
    assert python_stdout(script).strip() == "[]"


def test_a_media_box_off_the_origin_gives_the_same_rows() -> None:
    # PDFium's boxes start at the media box's corner; pdfplumber's keep x in user space
    # (and top from the box height), so they are shifted by the origin: rows are the same
    import io

    import pypdfium2

    pdf = pypdfium2.PdfDocument((FORMS / "pdf" / "xiangtan_2023_landscape.pdf").read_bytes())
    x0, y0, x1, y1 = pdf[0].get_mediabox()
    pdf[0].set_mediabox(x0 - 30, y0 + 20, x1 - 30, y1 + 20)
    buffer = io.BytesIO()
    pdf.save(buffer)
    data = buffer.getvalue()
    (page,) = _pages(data, pdf_pdfium)
    (flat,) = _pages((FORMS / "pdf" / "xiangtan_2023_landscape.pdf").read_bytes(), pdf_pdfium)
    # the content stays where it was: 30 points right of the new corner, 20 below its top
    moved = [v for c in page.chars for v in c[:2]]
    assert moved == pytest.approx([v for c in flat.chars for v in (c[0] + 30, c[1] + 20)])
    assert _names(data, "pdfium") == _names(data, "pdfplumber") != []


def test_a_font_without_a_tounicode_map_sends_the_page_to_ocr() -> None:
    # the subset font's ToUnicode map renamed away: PDFium cannot map the glyphs (U+FFFD),
    # pdfminer gives (cid:N); neither text layer is usable, so the page is left to OCR
    data = (FORMS / "pdf" / "xiangtan_2023_landscape.pdf").read_bytes()
    blind = data.replace(b"/ToUnicode", b"/XoUnicode")
    assert blind != data
    (page,) = _pages(blind, pdf_pdfium)
    assert "\ufffd" in {c[4] for c in page.chars}
    doc = pdf_reader.read_pdf(blind, "a.pdf", "x", "pdfium")
    assert (doc.ocr_pages, doc.blocks) == ((1,), ())
