"""PDF reader: rendered fixtures against the content they were rendered from, text joining,
scan detection, continuation across pages, and the camelot second opinion."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from jixiao.extract import pdf as pdf_reader
from jixiao.extract import pdf_camelot, scan
from jixiao.extract.pdf_grid import grid_score, lattice_grid
from jixiao.extract.pdf_page import usable
from jixiao.extract.pdf_text import Char, cell_text, join_wrapped
from jixiao.output.json_out import dump_result
from jixiao.pipeline import process_bytes
from jixiao.records import CellGrid, GridCell
from tests.conftest import FIXTURES, FORMS, python_stdout
from tests.fixtures.pdf_truth import field_accuracy, indicator_record, load_truth, truth_records

TRUTH = load_truth()


def _run(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads(
        dump_result(process_bytes((FORMS / "pdf" / name).read_bytes(), f"pdf/{name}"))
    )


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_rendered_pdf_gives_every_row_with_position(name: str) -> None:
    truth = TRUTH[name]
    result = _run(name)
    assert result["errors"] == []
    assert len(result["forms"]) == len(truth["forms"])
    records = []
    for form, form_truth in zip(result["forms"], truth["forms"]):
        assert len(form["indicators"]) == len(form_truth["rows"])
        records += [indicator_record(i, form_truth["header"]) for i in form["indicators"]]
        for ind in form["indicators"]:
            assert ind["page"] is not None and ind["bbox"] is not None
            x0, y0, x1, y1 = ind["bbox"]
            assert x0 < x1 and y0 < y1
    correct, total = field_accuracy(truth_records(truth), records)
    assert correct / total >= 0.98, (correct, total)


def test_table_split_over_pages_stays_one_form() -> None:
    for name, pages in (
        ("jinzhai_2023_split_no_header.pdf", 2),
        ("seed_004_split_repeated_header.pdf", 3),
    ):
        (form,) = _run(name)["forms"]
        assert "continued_across_pages" in form["flags"]
        assert (form["page_start"], form["page_end"]) == (1, pages)
        assert {i["page"] for i in form["indicators"]} == set(range(1, pages + 1))


def test_one_form_per_page_is_not_a_continuation() -> None:
    forms = _run("tianjin_2023_multi_project.pdf")["forms"]
    assert [(f["project"], f["page_start"]) for f in forms] == [
        ("安全隐患维修", 1),
        ("办案业务费(陪审员及互联网专线)", 2),
    ]
    assert all("continued_across_pages" not in f["flags"] for f in forms)


def test_unruled_table_is_read_from_alignment() -> None:
    (form,) = _run("wuhai_2021_unruled.pdf")["forms"]
    assert "grid_stream" in form["flags"]
    assert [i["unit"] for i in form["indicators"]][:3] == ["人", "人次", "%"]


def _chars(
    text: str, x: float, top: float, size: float = 8.0, vertical: bool = False
) -> list[Char]:
    out = []
    for i, ch in enumerate(text):
        dx, dy = (0.0, i * size * 1.2) if vertical else (i * size, 0.0)
        out.append((x + dx, top + dy, x + dx + size, top + dy + size, ch, size))
    return out


def test_wrapped_lines_join_without_spaces_between_chinese() -> None:
    assert (
        join_wrapped(["达到计划值得满分2分,否则按实际", "值计分"])
        == "达到计划值得满分2分,否则按实际值计分"
    )
    assert join_wrapped(["Annual", "target"]) == "Annual target"
    assert join_wrapped(["≥", "95%"]) == "≥95%"
    assert join_wrapped(["1350.", "75"]) == "1350.75"  # narrow cells break numbers
    chars = _chars("服务对象", 10, 10) + _chars("满意度", 10, 20)
    assert cell_text(chars) == "服务对象满意度"


def test_vertical_text_in_a_merged_cell_reads_as_one_name() -> None:
    assert cell_text(_chars("产出指标", 10, 10, vertical=True)) == "产出指标"


def test_lattice_grid_keeps_spans_and_positions() -> None:
    # a 3x2 table: the left column is one merged cell spanning all three rows
    cells = [(0, 0, 40, 60), (40, 0, 100, 20), (40, 20, 100, 40), (40, 40, 100, 60)]
    chars = (
        _chars("产出", 10, 25) + _chars("甲", 50, 5) + _chars("乙", 50, 25) + _chars("丙", 50, 45)
    )
    grid = lattice_grid(cells, chars, 3)
    assert [(c.row, c.col, c.text, c.rowspan, c.page) for c in grid.cells] == [
        (0, 0, "产出", 3, 3),
        (0, 1, "甲", 1, 3),
        (1, 1, "乙", 1, 3),
        (2, 1, "丙", 1, 3),
    ]
    assert grid.cells[0].bbox == (0, 0, 40, 60)


def test_unmapped_glyphs_mean_the_page_needs_ocr() -> None:
    garbage = [(0.0, 0.0, 5.0, 5.0, "(cid:1234)", 5.0)] * 20
    assert not usable(garbage)
    assert not usable([])
    assert usable(_chars("项目支出绩效目标表", 0, 0))


def _grid(rows: int, cols: int) -> CellGrid:
    cells = tuple(
        GridCell(r, c, f"{r}{c}", page=1, bbox=(c, r, c + 1, r + 1))
        for r in range(rows)
        for c in range(cols)
    )
    return CellGrid(cells, 1, "page 1")


def test_camelot_grid_wins_only_when_it_has_more_full_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    weak, strong = _grid(3, 2), _grid(4, 5)
    assert grid_score(strong) > grid_score(weak)
    elsewhere = CellGrid(
        tuple(GridCell(c.row, c.col, c.text, bbox=(500, 500, 501, 501)) for c in _grid(9, 9).cells)
    )
    monkeypatch.setattr(
        pdf_camelot, "camelot_grids", lambda *a: [(elsewhere, "lattice"), (strong, "lattice")]
    )
    won = pdf_reader._Opinions(b"", 1, 800.0).best(weak, "lattice", ("grid_pdfplumber",))
    assert won.cells == strong.cells and won.flags == ("grid_camelot_lattice",)
    kept = pdf_reader._Opinions(b"", 1, 800.0).best(strong, "stream", ("grid_pdfplumber",))
    assert kept.cells == strong.cells and kept.flags == ("grid_pdfplumber",)


def test_a_two_column_head_table_is_not_doubtful() -> None:
    assert not pdf_reader._doubtful(_grid(3, 2))
    assert pdf_reader._doubtful(_grid(1, 5))
    assert not pdf_reader._doubtful(_grid(4, 5))


@pytest.mark.skipif(not pdf_camelot.camelot_available(), reason="camelot extra not installed")
def test_camelot_reads_a_ruled_fixture() -> None:
    data = (FORMS / "pdf" / "xiangtan_2023_landscape.pdf").read_bytes()
    ((grid, flavor),) = pdf_camelot.camelot_grids(data, 1, "lattice", 595.28)
    assert flavor == "lattice"
    cell = next(c for c in grid.cells if c.text == "市民满意度")
    assert cell.bbox is not None and 240 < cell.bbox[1] < 260  # top-left origin, like pdfplumber


CAMELOT_IN_A_RUN = """
import sys
from pathlib import Path
from jixiao.output.arrow import load_for_run
load_for_run()  # as the CLI's run does, whose workers call camelot
from jixiao.extract.pdf_camelot import camelot_grids
data = Path(sys.argv[1]).read_bytes()
for flavor in ("lattice", "stream"):
    print([grid.cells for grid, _ in camelot_grids(data, 1, flavor, 595.28)])
print(sorted(m for m in ("numpy", "pandas", "pyarrow") if m in sys.modules))
"""


@pytest.mark.skipif(not pdf_camelot.camelot_available(), reason="camelot extra not installed")
def test_camelot_reads_the_same_grids_where_pyarrow_is_loaded_without_numpy() -> None:
    """A run loads pyarrow without numpy (jixiao.output.arrow); camelot's pandas frames in
    its workers must not need numpy from it (a failing second opinion is silently none)."""
    path = FORMS / "pdf" / "xiangtan_2023_landscape.pdf"
    *grids, loaded = python_stdout(CAMELOT_IN_A_RUN, str(path)).splitlines()
    for flavor, printed in zip(("lattice", "stream"), grids, strict=True):
        expected = pdf_camelot.camelot_grids(path.read_bytes(), 1, flavor, 595.28)
        assert expected and printed == repr([grid.cells for grid, _ in expected])
    assert loaded == "['numpy', 'pandas', 'pyarrow']"  # camelot's own numpy, loaded after


@pytest.mark.skipif(not pdf_camelot.camelot_available(), reason="camelot extra not installed")
def test_camelot_refusing_a_no_copy_pdf_is_no_opinion() -> None:
    # owner password with copying forbidden: pdfplumber reads it, camelot refuses it
    data = (FORMS / "pdf" / "huangshi_2022_vertical_levels.pdf").read_bytes()
    assert pdf_camelot.camelot_grids(data, 1, "lattice", 841.89) == []


def test_a_scanned_page_needs_ocr_and_the_other_pages_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scan, "ocr_available", lambda: False)
    data = (FIXTURES / "mixed_scan_page.pdf").read_bytes()
    result = process_bytes(data, "mixed_scan_page.pdf")
    assert (result.source.format, result.source.pages) == ("pdf", 2)
    assert [(p.code, p.page) for p in result.errors] == [("ocr_unavailable", 2)]
    assert "pip install 'jixiao[ocr]'" in result.errors[0].message
    assert [len(f.indicators) for f in result.forms] == [7]


def test_merged_level_cells_cut_by_a_page_break_keep_their_names() -> None:
    # LibreOffice prints a merged cell's text once, centred over the whole merge: across a
    # page break it lands half on each page, and the cut side of the cell has no ruling
    (form,) = _run("lo_merged_levels_over_pages.pdf")["forms"]
    rows = {i["name"]: (i["page"], i["level1"], i["level2"]) for i in form["indicators"]}
    assert rows["带动农民就业人数"] == (1, "效益指标", "社会效益指标")
    assert rows["农民人均可支配收入增长率"] == (2, "效益指标", "社会效益指标")
    assert rows["化肥使用量零增长"] == (2, "效益指标", "生态效益指标")


def test_a_level_2_cell_ends_where_the_next_one_starts() -> None:
    (form,) = _run("lo_merged_levels.pdf")["forms"]
    levels = [(i["name"], i["level2"]) for i in form["indicators"]]
    assert levels[13:18] == [
        ("制度建设完善率", "工作目标管理"),
        ("政府采购执行率", "工作目标管理"),
        ("固定资产管理规范性", "工作目标管理"),
        ("预算执行率", "预算和财务管理"),
        ("结转结余变动率", "预算和财务管理"),
    ]


def test_positions_no_ruled_cell_covers_become_one_cell_per_column_run() -> None:
    # a 3x2 table whose left column is a merged cell without its bottom ruling (cut by a
    # page break): the table finder gives only the right column's cells
    cells = [(40, 0, 100, 20), (40, 20, 100, 40), (40, 40, 100, 60), (0, 0, 40, 20)]
    chars = (
        _chars("一级", 5, 5)
        + _chars("社会效益", 5, 52)  # over the bottom edge: half of it on the next page
        + _chars("甲", 50, 5)
        + _chars("乙", 50, 25)
        + _chars("丙", 50, 45)
    )
    grid = lattice_grid(cells, chars, 1)
    assert [(c.row, c.col, c.text, c.rowspan) for c in grid.cells] == [
        (0, 0, "一级", 1),
        (0, 1, "甲", 1),
        (1, 0, "社会效益", 2),
        (1, 1, "乙", 1),
        (2, 1, "丙", 1),
    ]
    assert grid.cells[2].bbox == (0, 20, 40, 60)


def test_a_character_across_the_table_edge_is_in_the_table() -> None:
    table = (50.0, 100.0, 300.0, 400.0)
    assert pdf_reader._in_table((60, 96, 68, 104, "社", 8), table)  # half above the top
    assert pdf_reader._in_table((60, 396, 68, 404, "社", 8), table)  # half below the bottom
    assert not pdf_reader._in_table((60, 85, 68, 93, "填", 8), table)  # a line above it
    assert not pdf_reader._in_table((20, 200, 28, 208, "页", 8), table)  # beside it


def test_an_unruled_level_name_centred_between_rows_spans_them() -> None:
    # rows 20 pt apart (8 pt text); 产出 is centred on the first two body rows, in the gap
    # between them, and 效益 on the next three, level with the middle one
    from jixiao.extract.pdf_stream import stream_grid

    chars = _chars("一级", 10, 0) + _chars("名称", 60, 0) + _chars("值", 120, 0)
    chars += _chars("产出", 10, 30)
    chars += _chars("甲甲", 60, 20) + _chars("1", 120, 20)
    chars += _chars("乙乙", 60, 40) + _chars("2", 120, 40)
    chars += _chars("效益", 10, 80)
    for k, (name, value) in enumerate((("丙丙", "3"), ("丁丁", "4"), ("戊戊", "5"))):
        chars += _chars(name, 60, 60 + 20 * k) + _chars(value, 120, 60 + 20 * k)
    grid, _ = stream_grid(chars, 1)
    assert grid is not None
    assert [(c.row, c.col, c.text, c.rowspan) for c in grid.cells if c.col == 0] == [
        (0, 0, "一级", 1),
        (1, 0, "产出", 2),
        (3, 0, "效益", 3),
    ]
    assert [c.text for c in grid.cells if c.col == 1] == [
        "名称",
        "甲甲",
        "乙乙",
        "丙丙",
        "丁丁",
        "戊戊",
    ]


def test_an_unruled_wrapped_name_stays_one_row() -> None:
    from jixiao.extract.pdf_stream import stream_grid

    chars = _chars("一级", 10, 0) + _chars("名称", 60, 0) + _chars("值", 120, 0)
    chars += _chars("产出", 10, 24) + _chars("很长的名", 60, 20) + _chars("称", 60, 29)
    chars += _chars("1", 120, 24)
    chars += _chars("产出", 10, 50) + _chars("短名", 60, 50) + _chars("2", 120, 50)
    grid, _ = stream_grid(chars, 1)
    assert grid is not None
    rows = defaultdict(dict)
    for c in grid.cells:
        rows[c.row][c.col] = c.text
    assert list(rows.values()) == [
        {0: "一级", 1: "名称", 2: "值"},
        {0: "产出", 1: "很长的名称", 2: "1"},
        {0: "产出", 1: "短名", 2: "2"},
    ]


def test_a_spanning_column_does_not_stretch_its_first_cell_over_the_rows_above() -> None:
    # head rows 0-1 have nothing in this column; its first block is the header, on row 2
    from jixiao.extract.pdf_stream import Block, _centred_spans

    rows = [(20.0 * r, 20.0 * r + 10) for r in range(6)]
    blocks = [Block(3, 40, 50), Block(3, 60, 70), Block(3, 85, 95)]  # rows 2, 3, and 4-5
    assert _centred_spans(blocks, rows) == [(2, 2), (3, 3), (4, 5)]
