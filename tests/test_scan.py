"""Scans: image clean-up and grid recovery (synthetic pages, no OCR), OCR boxes to cells with
scores, OCR repairs, the ocr_unavailable path, and one real OCR pass over a scanned PDF page."""

from __future__ import annotations

import io

import pytest

from jixiao.extract import image_grid, scan
from jixiao.extract.ocr import OcrBox, ocr_available
from jixiao.normalizers.indicators import build_indicator
from jixiao.normalizers.levels import Levels
from jixiao.pipeline import process_bytes
from jixiao.records import CellGrid, RawCell, RawIndicator, Role
from jixiao.repairs import fix_ocr_digits
from tests.conftest import FIXTURES, FORMS

np = pytest.importorskip("numpy")
cv2 = pytest.importorskip("cv2")

COLS = (60, 300, 560, 820, 1080)  # x of the vertical rules
ROWS = tuple(100 + 60 * i for i in range(11))  # y of the horizontal rules: 10 rows


def _form(angle: float = 0.0, noise: float = 0.0) -> object:
    """A white page with a ruled 10x4 table; column 0 of rows 1-4 is one merged cell."""
    page = np.full((1400, 1140), 255, np.uint8)
    for i, y in enumerate(ROWS):
        x0 = COLS[1] if 1 < i < 5 else COLS[0]  # no rule across the merged cell
        cv2.line(page, (x0, y), (COLS[-1], y), 0, 3)
    for x in COLS:
        cv2.line(page, (x, ROWS[0]), (x, ROWS[-1]), 0, 3)
    for i in range(10):  # some "text" in each row
        cv2.rectangle(page, (COLS[1] + 20, ROWS[i] + 20), (COLS[1] + 160, ROWS[i] + 38), 0, -1)
    if angle:
        page = image_grid.rotate(page, angle)
    if noise:
        rng = np.random.default_rng(1)
        page = np.clip(page + rng.normal(0, noise, page.shape), 0, 255).astype(np.uint8)
    return page


@pytest.mark.parametrize("angle", [2.0, -1.5])
def test_skew_is_estimated_from_the_rules(angle: float) -> None:
    ink = image_grid.binary(_form(angle, noise=12))
    assert image_grid.skew_angle(ink) == pytest.approx(-angle, abs=0.25)


def test_cells_and_spans_come_back_from_a_skewed_noisy_page() -> None:
    page = _form(2.0, noise=12)
    ink = image_grid.binary(page)
    page, ink, turned = image_grid.deskew_page(page, ink)
    ((cells, _),) = image_grid.ruled_tables(ink)
    assert not turned
    assert len(cells) == 10 * 4 - 3  # the merged cell covers 4 positions
    tall = [c for c in cells if c[3] - c[1] > 200]
    assert len(tall) == 1 and tall[0][0] < COLS[1]  # the merged cell, in column 0


def test_a_head_table_and_an_indicator_table_are_two_grids() -> None:
    page = np.full((1600, 1140), 255, np.uint8)
    for top, rows in ((100, 3), (400, 8)):
        for i in range(rows + 1):
            cv2.line(page, (60, top + 50 * i), (1080, top + 50 * i), 0, 3)
        for x in (60, 300, 1080) if rows == 3 else COLS:
            cv2.line(page, (x, top), (x, top + 50 * rows), 0, 3)
    tables = image_grid.ruled_tables(image_grid.binary(page))
    assert [len(cells) for cells, _ in tables] == [3 * 2, 8 * 4]
    assert tables[0][1][1] < tables[1][1][1]  # top to bottom


def test_a_page_on_its_side_is_turned_upright() -> None:
    page = cv2.rotate(_form(), cv2.ROTATE_90_COUNTERCLOCKWISE)
    _, ink, turned = image_grid.deskew_page(page, image_grid.binary(page))
    assert turned
    assert [len(cells) for cells, _ in image_grid.ruled_tables(ink)] == [37]


def test_blank_page_is_blank_and_a_form_is_not() -> None:
    blank = np.full((1100, 850), 250, np.uint8)
    blank[::97, ::89] = 60  # specks
    assert image_grid.is_blank(image_grid.binary(blank))
    assert not image_grid.is_blank(image_grid.binary(_form()))


def _centre_box(row: int, col: int, text: str, score: float) -> OcrBox:
    x = (COLS[col] + COLS[col + 1]) / 2
    y = (ROWS[row] + ROWS[row + 1]) / 2
    return OcrBox(x - 40, y - 12, x + 40, y + 12, text, score)


def test_ocr_boxes_land_in_cells_with_their_lowest_score(monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = [
        OcrBox(300, 40, 700, 70, "项目支出绩效目标表", 0.99),  # title, above the table
        _centre_box(0, 0, "一级指标", 0.98),
        _centre_box(1, 0, "产出指标", 0.9),  # the merged cell (rows 1-4)
        _centre_box(1, 2, "≥", 0.7),
        _centre_box(1, 3, "95", 0.95),
        OcrBox(COLS[3] + 172, ROWS[1] + 18, COLS[3] + 190, ROWS[1] + 42, "%", 0.6),
    ]
    monkeypatch.setattr(scan, "read_boxes", lambda page: boxes)
    monkeypatch.setattr(scan, "read_line", lambda crop: None)
    blocks, problem = scan.read_page(_form(1.0), 3)
    assert problem is None
    grids = [b for _, _, b in blocks if isinstance(b, CellGrid)]
    lines = [b.text for _, _, b in blocks if not isinstance(b, CellGrid)]
    assert lines == ["项目支出绩效目标表"] and len(grids) == 1
    got = {(c.row, c.col): (c.text, c.rowspan, c.score, c.origin, c.page) for c in grids[0].cells}
    assert got == {
        (0, 0): ("一级指标", 1, 0.98, "ocr", 3),
        (1, 0): ("产出指标", 4, 0.9, "ocr", 3),
        (1, 2): ("≥", 1, 0.7, "ocr", 3),
        (1, 3): ("95%", 1, 0.6, "ocr", 3),
    }
    assert grids[0].flags == ("grid_ocr_ruled",)


def test_inked_cells_the_detector_missed_are_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = [_centre_box(r, 0, "指标", 0.99) for r in range(10)]
    monkeypatch.setattr(scan, "read_boxes", lambda page: boxes)
    crops: list[tuple[int, int]] = []
    monkeypatch.setattr(scan, "read_line", lambda crop: crops.append(crop.shape) or ("≤", 0.8))
    blocks, _ = scan.read_page(_form(), 1)
    (grid,) = [b for _, _, b in blocks if isinstance(b, CellGrid)]
    read = sorted((c.row, c.col) for c in grid.cells if c.text == "≤")
    assert read == [(r, 1) for r in range(10)]  # the inked cells of column 1, nothing else
    assert all(h < 40 and w < 200 for h, w in crops)  # the ink, not the whole cell
    assert {c.score for c in grid.cells if c.text == "≤"} == {0.8}


def test_boxes_without_rules_are_aligned_into_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [["一级指标", "三级指标", "指标值"], ["产出指标", "出差人数", "8"]]
    texts += [["产出指标", f"指标{i}", str(i)] for i in range(3)]
    boxes = [
        OcrBox(100 + 400 * c, 200 + 50 * r, 200 + 400 * c, 236 + 50 * r, t, 0.9)
        for r, row in enumerate(texts)
        for c, t in enumerate(row)
    ]
    boxes.append(OcrBox(600, 500, 900, 800, "O", 0.5))  # a stamp, far taller than the text
    monkeypatch.setattr(scan, "read_boxes", lambda page: boxes)
    page = np.full((1000, 1400), 255, np.uint8)
    for r in range(len(texts)):  # character-like ink, no rules
        for x in range(100, 1000, 40):
            page[208 + 50 * r : 228 + 50 * r, x : x + 28] = 0
    blocks, problem = scan.read_page(page, 1)
    assert problem is None
    (grid,) = [b for _, _, b in blocks if isinstance(b, CellGrid)]
    assert grid.flags == ("grid_ocr_aligned",)
    rows: dict[int, list[str]] = {}
    for cell in grid.cells:
        rows.setdefault(cell.row, []).append(cell.text)
    assert list(rows.values()) == texts


def test_without_the_ocr_extra_an_image_gets_ocr_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scan, "ocr_available", lambda: False)
    result = process_bytes((FIXTURES / "bad" / "blank.png").read_bytes(), "blank.png")
    assert [p.code for p in result.errors] == ["ocr_unavailable"]
    assert "pip install 'jixiao[ocr]'" in result.errors[0].message
    assert result.source.format == "image"


def test_every_frame_of_a_tiff_is_a_page() -> None:
    from PIL import Image

    blank = Image.open(FIXTURES / "bad" / "blank.png")
    buf = io.BytesIO()
    blank.save(buf, "TIFF", save_all=True, append_images=[blank.copy()])
    result = process_bytes(buf.getvalue(), "two.tif")
    if not ocr_available():
        pytest.skip("OCR extra not installed")
    assert (result.source.format, result.source.pages) == ("image", 2)
    assert [(p.code, p.page) for p in result.errors] == [("blank_page", 1), ("blank_page", 2)]


@pytest.mark.parametrize(
    ("printed", "repaired"),
    [
        ("1O0%", "100%"),
        ("l5", "15"),
        ("≥9O%", "≥90%"),
        ("2023", "2023"),
        ("Ok", "Ok"),
        ("1.5万", "1.5万"),
        ("小于等于3O%", "小于等于30%"),
        ("2O次", "20次"),
        ("1O", "10"),
        ("3D打印", "3D打印"),
        ("ISO9001", "ISO9001"),
        ("I级", "I级"),
    ],
)
def test_ocr_letters_inside_numbers(printed: str, repaired: str) -> None:
    assert fix_ocr_digits(printed) == (repaired, printed != repaired)


def _ocr_row(cells: dict[Role, tuple[str, float]]) -> RawIndicator:
    raw = {
        role: RawCell(text, i, None, 1, None, "ocr", score)
        for i, (role, (text, score)) in enumerate(cells.items())
    }
    return RawIndicator(raw, False, None, 1)


def test_ocr_score_and_repairs_reach_the_indicator() -> None:
    row = _ocr_row(
        {
            Role.NAME: ("出差人数", 0.99),
            Role.OPERATOR: ("II", 0.8),  # "=" turned by 90 degrees
            Role.VALUE: ("1O", 0.9),
            Role.UNIT: ("人", 0.97),
        }
    )
    indicator = build_indicator(row, Levels("产出指标", "数量指标", ()), 1, 2021)
    assert (indicator.operator, indicator.value) == ("=", 10.0)
    assert {"ocr", "ocr_repaired", "operator_repaired"} <= set(indicator.flags)
    assert indicator.confidence == pytest.approx(round(0.8 * 0.9 * 0.8, 3))


@pytest.mark.skipif(not ocr_available(), reason="OCR extra not installed")
def test_an_image_only_pdf_page_is_read_by_ocr() -> None:
    from PIL import Image

    image = Image.open(FORMS / "scan" / "xiangtan_2023_landscape.jpg")
    buf = io.BytesIO()
    image.save(buf, "PDF", resolution=150)
    result = process_bytes(buf.getvalue(), "scanned.pdf")
    assert result.source.format == "scan" and result.errors == []
    (form,) = result.forms
    assert len(form.indicators) == 7
    assert all("ocr" in i.flags and i.bbox and i.page == 1 for i in form.indicators)
    assert all(0 < i.confidence <= 1 for i in form.indicators)


@pytest.mark.skipif(not ocr_available(), reason="OCR extra not installed")
def test_detection_still_runs_after_a_recognition_only_read() -> None:
    # regression: RapidOCR keeps the flags of its last call, so read_line turned detection off
    from PIL import Image

    from jixiao.extract.ocr import read_boxes, read_line

    photo = image_grid.gray(np.asarray(Image.open(FIXTURES / "bad" / "photo_no_table.jpg")))
    read_line(photo[60:150, 60:330])
    assert any("OPEN" in box.text.upper() for box in read_boxes(photo))


@pytest.mark.skipif(not ocr_available(), reason="OCR extra not installed")
def test_a_huge_image_only_pdf_page_is_not_rendered() -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(600, 800)
    pdf.new_page(5000, 5000)  # 13889 x 13889 pixels at 200 dpi
    buf = io.BytesIO()
    pdf.save(buf)
    result = process_bytes(buf.getvalue(), "huge.pdf")
    codes = [(p.code, p.page) for p in result.errors]
    assert codes == [("blank_page", 1), ("image_too_large", 2)]


def test_the_sliver_between_two_abutting_tables_is_not_a_cell() -> None:
    head = [(100.0, 100.0, 400.0, 150.0), (400.0, 100.0, 900.0, 150.0)]
    sliver = [(100.0, 150.0, 900.0, 156.0)]  # between the head's bottom and the next top rule
    body = [(100.0, 157.0, 500.0, 210.0), (500.0, 157.0, 900.0, 210.0)]
    snapped = image_grid.snap(head + sliver + body, 12.0)
    assert len(snapped) == 4 and all(b[3] - b[1] > 40 for b in snapped)


def test_glyphs_over_their_200_dpi_size_are_scaled_down() -> None:
    """A page with glyphs 1.5x their 200-dpi size (a 300-dpi scan) is read at 2/3 scale."""
    page = np.full((1400, 1000), 255, np.uint8)
    for row in range(20):  # square "glyphs" 30 px tall (outlines), as 10.5 pt text at 300 dpi
        for col in range(12):
            x, y = 60 + 70 * col, 60 + 60 * row
            cv2.rectangle(page, (x, y), (x + 26, y + 27), 0, 2)
    ink = image_grid.binary(page)
    assert image_grid.glyph_scale(ink) == pytest.approx(19 / 30, abs=0.02)
    small = cv2.resize(page, None, fx=0.66, fy=0.66, interpolation=cv2.INTER_AREA)
    assert image_grid.glyph_scale(image_grid.binary(small)) == 1.0


@pytest.mark.skipif(not ocr_available(), reason="OCR extra not installed")
def test_a_300_dpi_scan_reads_like_its_200_dpi_self_with_boxes_in_its_own_pixels() -> None:
    from PIL import Image

    image = Image.open(FORMS / "scan" / "xiangtan_2023_landscape.jpg").convert("L")
    assert image_grid.glyph_scale(image_grid.binary(np.asarray(image))) == 1.0
    big = image.resize((image.width * 3 // 2, image.height * 3 // 2), Image.LANCZOS)
    buf = io.BytesIO()
    big.save(buf, "PNG")
    small = process_bytes((FORMS / "scan" / "xiangtan_2023_landscape.jpg").read_bytes(), "a.jpg")
    large = process_bytes(buf.getvalue(), "a.png")
    pairs = list(zip(small.forms[0].indicators, large.forms[0].indicators, strict=True))
    assert [(a.name, a.value) for a, _ in pairs] == [(b.name, b.value) for _, b in pairs]
    for a, b in pairs:
        assert a.bbox and b.bbox
        assert b.bbox[2] == pytest.approx(1.5 * a.bbox[2], rel=0.05)
        assert b.bbox[3] == pytest.approx(1.5 * a.bbox[3], rel=0.05)


@pytest.mark.skipif(not ocr_available(), reason="OCR extra not installed")
@pytest.mark.parametrize(
    "name",
    [
        "guangshui_2024_unruled_centred_levels.jpg",  # no rulings, level names centred
        "lo_merged_levels.jpg",  # LibreOffice export, level cells merged over many rows
        "multi_project_budget_units.tif",  # three pages, budget blocks in the heads
    ],
)
def test_a_150_dpi_scan_of_each_grid_kind_reads_its_rows_and_fields(name: str) -> None:
    import json

    from jixiao.evaluate import score_source
    from jixiao.output.json_out import dump_result

    rel = f"scan/{name}"
    result = json.loads(dump_result(process_bytes((FORMS / rel).read_bytes(), rel)))
    expected = json.loads((FORMS.parent / "expected" / f"{rel}.json").read_text("utf-8"))
    score = score_source(rel, expected, result)
    correct = sum(t.correct for t in score.fields.values())
    total = sum(t.total for t in score.fields.values())
    assert score.recall is not None and score.recall >= 0.97, score.misses
    assert correct / total >= 0.95, score.misses


def test_a_level_name_spanning_rows_fills_them_for_the_gap_reader() -> None:
    # the gap reader must not re-read the rows a centred level name spans (its text, in
    # the middle of them, read again over one of them came out garbled)
    from jixiao.records import GridCell

    cells = [GridCell(0, 0, "产出指标", 3, 1, 1, (0.0, 40.0, 40.0, 50.0))]
    for r in range(3):
        y = 20.0 * r + 5
        cells += [
            GridCell(r, c, f"{r}{c}", 1, 1, 1, (50.0 * c, y, 50.0 * c + 30, y + 10))
            for c in (1, 2, 3)
        ]
    grid = CellGrid(tuple(cells), 1, "page 1")
    page = np.full((100, 250), 255, np.uint8)
    ink = np.zeros((100, 250), np.uint8)
    ink[:, :40] = 255  # ink all down the level column
    seen: list[object] = []
    original = scan._missed

    def spy(page_: object, ink_: object, gaps: list[object], *rest: object) -> list[object]:
        seen.extend(gaps)
        return original(page_, ink_, [], *rest)  # type: ignore[arg-type]

    scan._missed, saved = spy, scan._missed  # type: ignore[assignment]
    try:
        scan._gaps(page, ink, grid, [])
    finally:
        scan._missed = saved  # type: ignore[assignment]
    assert seen == []
