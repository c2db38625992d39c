"""Office files and web pages: readers, sniffing, cross-format agreement, bad archives."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest

from jixiao.extract import read_source
from jixiao.extract.archive import open_zip
from jixiao.extract.numfmt import render
from jixiao.extract.sniff import sniff_format
from jixiao.pipeline import process_bytes
from jixiao.problems import SourceError
from jixiao.records import CellGrid
from jixiao.text import join_wrapped
from tests.conftest import FIXTURES, FORMS
from tests.fixtures.make_hostile import zip_bytes

OFFICE = FORMS / "office"
PROVENANCE = {"cell", "line", "page", "bbox"}


def _result(name: str) -> dict[str, Any]:
    path = OFFICE / name
    data: dict[str, Any] = json.loads(process_bytes(path.read_bytes(), name).model_dump_json())
    return data


def _content(form: dict[str, Any]) -> dict[str, Any]:
    """A form without its ids and positions: what must agree across formats."""
    skip = {"form_id", "line_start", "line_end", "page_start", "page_end"}
    out = {k: v for k, v in form.items() if k not in skip}
    out["indicators"] = [
        {k: v for k, v in i.items() if k not in PROVENANCE} for i in form["indicators"]
    ]
    return out


def test_same_form_in_every_format_gives_the_same_indicators() -> None:
    names = ["project_2026.txt", "project_2026.xlsx", "project_2026.xls", "project_2026.docx"]
    names += ["project_2026.html", "project_2026.mhtml"]
    forms = {name: _result(name)["forms"] for name in names}
    reference = [_content(f) for f in forms["project_2026.txt"]]
    assert len(reference) == 1 and len(reference[0]["indicators"]) == 8
    for name, got in forms.items():
        assert [_content(f) for f in got] == reference, name


def test_formats_are_recorded_from_content() -> None:
    formats = {
        name: _result(name)["source"]["format"]
        for name in ["project_2026.xlsx", "project_2026.xls", "project_2026.docx"]
        + ["project_2026.mhtml", "export_really_html.xls", "self_eval_2025_gbk.html"]
    }
    assert formats == {
        "project_2026.xlsx": "xlsx",
        "project_2026.xls": "xls",
        "project_2026.docx": "docx",
        "project_2026.mhtml": "html",
        "export_really_html.xls": "html",
        "self_eval_2025_gbk.html": "html",
    }


def test_a_pdf_named_file_that_is_word_is_read_as_docx() -> None:
    data = (OFFICE / "project_2026.docx").read_bytes()
    result = process_bytes(data, "form.pdf")
    assert result.source.format == "docx"
    assert len(result.forms[0].indicators) == 8


def test_every_office_indicator_has_provenance() -> None:
    for path in sorted(OFFICE.iterdir()):
        if path.suffix == ".txt":
            continue
        for form in _result(path.name)["forms"]:
            assert form["indicators"], path.name
            for indicator in form["indicators"]:
                cell = indicator["cell"]
                assert cell and (cell.startswith("sheet ") or cell.startswith("table ")), path.name
                assert ", row " in cell


def test_xlsx_cell_gives_excel_row_and_sheet_name() -> None:
    forms = _result("two_sheets_hidden.xlsx")["forms"]
    assert [f["project"] for f in forms] == ["乡村公路养护工程", "农村饮水安全巩固提升"]
    assert forms[0]["indicators"][0]["cell"] == "sheet 项目1, row 11"
    assert forms[0]["flags"] == ["hidden_sheets_skipped"]
    # row 6 of 项目2 is hidden: its indicator is skipped, and the form says so
    assert forms[1]["flags"] == ["hidden_rows_skipped"]
    assert [i["name"] for i in forms[1]["indicators"]] == ["水质达标率", "受益群众满意度"]
    assert all("某县人民政府办公室" != f["department"] for f in forms)  # the hidden sheet


def test_displayed_values_percent_and_date() -> None:
    indicators = _result("project_2026.xlsx")["forms"][0]["indicators"]
    by_name = {i["name"]: i for i in indicators}
    assert by_name["养护路段优良率"]["value_text"] == "95%"
    assert by_name["养护路段优良率"]["value"] == 95.0
    assert by_name["完工时间"]["value_text"] == "2026-11-30"
    assert by_name["养护农村公路里程"]["name"] == "养护农村公路里程"  # wrapped in its cell


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.95, "0%", "95%"),
        (0.955, "0.0%", "95.5%"),
        (1350.75, "#,##0.00", "1,350.75"),
        (450.0, "General", "450"),
        (0.1 + 0.2, "General", "0.3"),
        (dt.datetime(2026, 12, 31), "yyyy-mm-dd", "2026-12-31"),
        (dt.datetime(2026, 12, 31), 'yyyy"年"m"月"d"日"', "2026年12月31日"),
        (True, "General", "TRUE"),
        (-3.0, "0.00", "-3.00"),
        (-3.0, "0.00;[Red]-0.00", "-3.00"),
        (-1234.5, "#,##0.0_);(#,##0.0)", "(1,234.5)"),
        (-0.0001, "0.00", "0.00"),
        (-0.05, "0%", "-5%"),
        ("文本", "@", "文本"),
    ],
)
def test_number_formats_render_as_shown(value: object, fmt: str, shown: str) -> None:
    assert render(value, fmt) == shown


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("养护道路\n里程", "养护道路里程"),
        ("按时完成，\n否则扣分", "按时完成，否则扣分"),
        ("total\nbudget", "total budget"),
        ("95\n%", "95 %"),
        ("满意度\r\n≥95%", "满意度≥95%"),
        ("\n 单行 \n", "单行"),
    ],
)
def test_wrapped_lines_are_joined_by_one_rule(text: str, joined: str) -> None:
    assert join_wrapped(text) == joined


def test_several_forms_in_one_file() -> None:
    for name in ["two_blocks_one_sheet.xlsx", "two_tables.docx", "two_tables.htm"]:
        forms = _result(name)["forms"]
        assert len(forms) == 2, name
        assert forms[1]["project"] == "农村饮水安全巩固提升", name
        assert len(forms[1]["indicators"]) == 3, name


def test_nested_docx_table_is_its_own_grid() -> None:
    data = (OFFICE / "dept_2026_nested.docx").read_bytes()
    doc = read_source(data, "a.docx")
    grids = [b for b in doc.blocks if isinstance(b, CellGrid)]
    assert [g.where for g in grids] == ["table 1", "table 2"]
    assert len(_result("dept_2026_nested.docx")["forms"][0]["indicators"]) == 5


def test_html_drops_navigation_scripts_and_site_footer() -> None:
    doc = read_source((OFFICE / "project_2026.html").read_bytes(), "a.html")
    text = " ".join(getattr(b, "text", "") for b in doc.blocks)
    assert "首页" not in text and "版权所有" not in text and "var x" not in text
    assert "项目支出绩效目标表" in text


def test_gbk_page_decoded_from_meta_charset() -> None:
    result = _result("self_eval_2025_gbk.html")
    assert result["source"]["encoding"] == "gb18030"
    assert result["forms"][0]["department"] == "某县卫生健康局"


@pytest.mark.parametrize(
    ("members", "kind"),
    [
        ({"[Content_Types].xml": b"", "xl/workbook.xml": b""}, "xlsx"),
        ({"[Content_Types].xml": b"", "word/document.xml": b""}, "docx"),
        ({"OFD.xml": b""}, "ofd"),
        ({"readme.txt": b"hello"}, "zip"),
    ],
)
def test_zip_containers_told_apart_by_member_names(members: dict[str, bytes], kind: str) -> None:
    assert sniff_format(zip_bytes(members)) == kind


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<!DOCTYPE html><html><body></body></html>", "html"),
        (b"\xef\xbb\xbf<table><tr><td>1</td></tr></table>", "html"),
        (b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=x\n\n", "mhtml"),
        ("一级指标\t二级指标\n".encode(), "text"),
    ],
)
def test_text_probe(data: bytes, kind: str) -> None:
    assert sniff_format(data) == kind


def test_zip_bomb_refused_before_decompressing() -> None:
    bomb = (FIXTURES / "bad" / "zip_bomb.xlsx").read_bytes()
    with pytest.raises(SourceError) as caught:
        open_zip(bomb, "b.xlsx")
    assert caught.value.code == "archive_bomb"


def test_unsupported_office_formats_name_their_converter() -> None:
    result = process_bytes((FIXTURES / "bad" / "legacy.doc").read_bytes(), "a.doc")
    assert "soffice" in result.errors[0].message
    result = process_bytes((FIXTURES / "bad" / "form.ofd").read_bytes(), "a.ofd")
    assert "OFD" in result.errors[0].message


def _workbook_with_cached_formula() -> bytes:
    """A1 = 0.5, A2 = "=A1*2" shown as a percentage, with Excel's cached value 1 stored."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目1"
    ws["A1"] = 0.5
    ws["A2"] = "=A1*2"
    ws["A2"].number_format = "0%"
    ws["A3"] = "=A1*4"  # no cached value (never calculated): read as empty
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<f>A1*2</f><v></v>", b"<f>A1*2</f><v>1</v>", 1)
            dst.writestr(info.filename, body)
    return out.getvalue()


def test_formulas_read_by_their_cached_value() -> None:
    doc = read_source(_workbook_with_cached_formula(), "f.xlsx")
    grid = doc.blocks[0]
    assert isinstance(grid, CellGrid)
    assert [(c.row, c.col, c.text) for c in grid.cells] == [(0, 0, "0.5"), (1, 0, "100%")]
    assert grid.where == "sheet 项目1"


def test_each_sheet_starts_its_own_form_even_without_a_title() -> None:
    import openpyxl

    header = ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位"]
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "项目1"
    second = wb.create_sheet("项目2")
    for ws, name in ((first, "修复危桥"), (second, "新建管网")):
        ws.append(header)
        ws.append(["产出指标", "数量指标", name, "≥", 4, "座"])
    raw = io.BytesIO()
    wb.save(raw)
    forms = process_bytes(raw.getvalue(), "two.xlsx").forms
    assert [[i.name for i in f.indicators] for f in forms] == [["修复危桥"], ["新建管网"]]
    assert forms[1].indicators[0].cell == "sheet 项目2, row 2"


def test_html_lines_outside_tables_keep_their_source_line() -> None:
    page = b"<html><body>\n<h2>\xe6\xa0\x87\xe9\xa2\x98</h2>\n<p>a<br><b>b</b></p>\n<table><tr><td>1</td></tr></table>\n<p>c</p></body></html>"
    doc = read_source(page, "a.html")
    lines = [(b.number, b.text) for b in doc.blocks if not isinstance(b, CellGrid)]
    assert lines == [(2, "标题"), (3, "a"), (3, "b"), (5, "c")]
    forms = _result("two_tables.htm")["forms"]
    assert [(f["line_start"], f["line_end"]) for f in forms] == [(5, 67), (68, 115)]


@pytest.mark.parametrize(
    "members",
    [
        {"_rels/.rels": b"<Relationships/>", "word/document.xml": b"<w:document"},
        {"word/document.xml": b"<x/>"},  # no package relationships
    ],
)
def test_damaged_docx_parts_are_corrupt_archives(members: dict[str, bytes]) -> None:
    result = process_bytes(zip_bytes(members), "bad.docx")
    assert result.source.format == "docx"
    assert [p.code for p in result.errors] == ["corrupt_archive"]


def test_hostile_spans_are_bounded() -> None:
    """A cell spanning 1000 x 1000 (or more) does not make a million-position grid; a
    non-numeric gridSpan is one column."""
    from jixiao.extract.html import MAX_POSITIONS
    from jixiao.extract.sheets import parse_span

    assert (parse_span("99999"), parse_span("abc"), parse_span(None, 0), parse_span(" 2 ")) == (
        1000,
        1,
        0,
        2,
    )
    row = '<tr><td rowspan="100000" colspan="100000">一级指标</td><td>x</td></tr>'
    page = f"<html><body><table>{row * 400}</table></body></html>".encode()
    doc = read_source(page, "spans.html")
    (grid,) = [b for b in doc.blocks if hasattr(b, "cells")]
    assert sum(c.rowspan * c.colspan for c in grid.cells) <= MAX_POSITIONS + 800
