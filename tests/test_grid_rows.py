"""Grids (PDF, office, HTML readers) feed the same assembler as text dumps."""

from __future__ import annotations

from jixiao.normalizers import normalize
from jixiao.parsers import parse
from jixiao.records import CellGrid, GridCell, SourceDoc, TextLine

HEADER = ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "评(扣)分标准"]


def _grid() -> CellGrid:
    rows = [
        HEADER,
        ["产出指标", "数量指标", "办理文件", "≥", "450", "件", "达到得满分2分"],
        [None, None, "承办会议", "≥", "200", "次", "达到得满分2分"],
        [None, "质量指标", "质优率", "≥", "96", "%", "达到得满分8分"],
    ]
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue  # covered by the merged cell above
            span = 3 if (r, c) == (1, 0) else (2 if (r, c) == (1, 1) else 1)
            bbox = (50.0 + 60 * c, 100.0 + 20 * r, 110.0 + 60 * c, 120.0 + 20 * r)
            cells.append(GridCell(r, c, text, rowspan=span, page=1, bbox=bbox))
    return CellGrid(tuple(cells), page=1, where="page 1")


def test_grid_and_lines_give_a_form_with_positions() -> None:
    doc = SourceDoc(
        "a.pdf",
        "ab" * 32,
        "pdf",
        None,
        1,
        blocks=(TextLine(1, "项目支出绩效目标表", 1), TextLine(2, "(2024年度)", 1), _grid()),
    )
    forms = [normalize(raw, doc, i) for i, raw in enumerate(parse(doc))]
    assert len(forms) == 1
    form = forms[0]
    assert (form.title, form.year, form.page_start, form.page_end) == (
        "项目支出绩效目标表",
        2024,
        1,
        1,
    )
    names = [
        (i.level1, i.level2, i.name, i.value, i.unit, i.weight, i.page) for i in form.indicators
    ]
    assert names == [
        ("产出指标", "数量指标", "办理文件", 450.0, "件", 2.0, 1),
        ("产出指标", "数量指标", "承办会议", 200.0, "次", 2.0, 1),
        ("产出指标", "质量指标", "质优率", 96.0, "%", 8.0, 1),
    ]
    # the merged level cells span several rows: the row's bbox comes from its other cells
    assert form.indicators[0].bbox == [170.0, 120.0, 470.0, 140.0]
    assert form.indicators[0].line is None
