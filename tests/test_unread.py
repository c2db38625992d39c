"""Text inside a form's indicator table that went into no row stays visible (Form.unread):
the assembler's rule, its place in the JSON, Parquet, run summary, manifest and --redact."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jixiao.batch import RunOptions, run
from jixiao.cli import main
from jixiao.corrections import set_field
from jixiao.models import SourceResult
from jixiao.normalizers import normalize
from jixiao.output.json_out import json_path
from jixiao.parsers import parse
from jixiao.parsers.cells import CellType, cell_type
from jixiao.pipeline import process_bytes
from jixiao.postprocess import redact_form
from jixiao.records import BBox, CellGrid, GridCell, SourceDoc
from tests.conftest import FIXTURES

# A pipe table as web pages are copied: a garbled row, a name with no target, a page marker
# and a stray sentence between rows; placeholder and template rows; a total, a sign-off and a
# budget line inside the table; the footer closes it (tests/fixtures/unread/pipes.txt).
PIPES = (FIXTURES / "unread" / "pipes.txt").read_text("utf-8")

UNREAD_LINES = [
    (7, "???? ▯▯"),
    (9, "第 1 页 共 2 页"),
    (10, "维修质量符合规范"),
    (12, "上述指标由项目单位负责解释,联系人李四 13912345678。"),
    (21, "其中:财政拨款 | 100"),
    (22, "合 计 | 100"),
    (23, "项目负责人(签字) | 2026年3月1日"),
]
INDICATORS = [
    ("产出指标", "数量指标", "维修道路长度"),
    ("产出指标", "质量指标", "验收合格率"),
    ("产出指标", "时效指标", "完工时间"),
    ("效益指标", "社会效益指标", "群众出行便利程度"),
    ("成本指标", "经济成本指标", "项目资金总额"),
    ("成本指标", "经济成本指标", "财政资金"),
    ("成本指标", "经济成本指标", "总计划完成率"),
]


@pytest.fixture(scope="module")
def pipes() -> SourceResult:
    return process_bytes(PIPES.encode("utf-8"), "pipes.txt")


def test_rows_that_gave_no_indicator_are_unread_with_their_line(pipes: SourceResult) -> None:
    (form,) = pipes.forms
    assert [(u.line, u.text) for u in form.unread] == UNREAD_LINES
    assert all(u.page is None and u.bbox is None and u.cell is None for u in form.unread)


def test_unread_rows_leave_the_indicators_and_their_levels_alone(pipes: SourceResult) -> None:
    (form,) = pipes.forms
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == INDICATORS
    assert (form.line_start, form.line_end) == (1, 24)  # up to the footer


def test_totals_sign_offs_and_budget_lines_in_the_table_are_no_indicators(
    pipes: SourceResult,
) -> None:
    """Regression: "合 计 | 100", "项目负责人(签字) | 2026年3月1日" and "其中:财政拨款 | 100"
    (a budget label in the level columns) were read as indicators; a cost indicator named
    like a budget line, under its level or in the name column, stays one."""
    names = [i.name for i in pipes.forms[0].indicators]
    assert not {"合 计", "项目负责人(签字)", "其中:财政拨款", "审核意见"} & set(names)
    assert {"项目资金总额", "财政资金", "总计划完成率"} <= set(names)


@pytest.mark.parametrize(
    "row",
    [
        "| 总分 | 100 | | | |",
        "| 小计 | | | 50 | |",
        "| 合计(100分) | | | | 100 |",
        "| 财政资金管理科室(盖章) | 2023年5月6日 | | | |",
        "| 审核意见 | 同意 | | | |",
        "| 年度资金总额 | 120万元 | | | |",
    ],
)
def test_a_total_sign_off_or_budget_row_is_unread_not_an_indicator(row: str) -> None:
    text = "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |\n"
    text += "| 产出指标 | 数量指标 | 维修道路长度 | ≥12公里 | 10 |\n" + row + "\n"
    (form,) = process_bytes(text.encode("utf-8"), "t.txt").forms
    assert [i.name for i in form.indicators] == ["维修道路长度"]
    assert [u.line for u in form.unread] == [3]


def test_a_garbled_row_under_its_level_cells_is_unread_and_its_levels_still_carry() -> None:
    text = (
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |\n"
        "| 产出指标 | 数量指标 | 维修道路长度 | ≥12公里 | 10 |\n"
        "| | 质量指标 | ???? | | |\n"
        "| | | 验收合格率 | 100% | 10 |\n"
    )
    (form,) = process_bytes(text.encode("utf-8"), "t.txt").forms
    assert [(u.line, u.text) for u in form.unread] == [(3, "质量指标 | ????")]
    assert [(i.level2, i.name) for i in form.indicators] == [
        ("数量指标", "维修道路长度"),
        ("质量指标", "验收合格率"),
    ]


def test_placeholders_template_slots_and_level_rows_are_not_unread(pipes: SourceResult) -> None:
    lines = {u.line for u in pipes.forms[0].unread}
    assert not lines & {13, 15, 16, 17}  # 效益指标 alone, 指标2:, 指标3:/, / - ……


def test_head_header_footer_and_after_the_footer_are_not_unread(pipes: SourceResult) -> None:
    lines = {u.line for u in pipes.forms[0].unread}
    assert not lines & {1, 2, 3, 4, 5, 24, 25}


def test_a_header_broken_over_two_lines_is_not_unread() -> None:
    text = (
        "| 一级指标 | 二级指标 | 三级指标 |\n"
        "| 指标值 | 分值 |\n"
        "| 产出指标 | 数量指标 | 维修道路长度 | ≥12公里 | 10 |\n"
    )
    (form,) = process_bytes(text.encode("utf-8"), "t.txt").forms
    assert len(form.indicators) == 1 and form.unread == []


def test_a_double_ellipsis_is_a_placeholder() -> None:
    """Regression: "……" folds to "......", which the placeholder set did not hold."""
    assert cell_type("……") is CellType.PLACEHOLDER
    assert cell_type("——") is CellType.PLACEHOLDER


# --- grids: page and bbox (PDF, scans), cell provenance (office, web) -----------------------

HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "计量单位"]


def _box(r: int, c: int) -> BBox:
    return (50.0 + 60 * c, 100.0 + 20 * r, 110.0 + 60 * c, 120.0 + 20 * r)


def _grid(where: str = "page 1") -> CellGrid:
    rows: list[list[str | None]] = [
        HEADER,
        ["产出指标", "数量指标", "办理文件", "≥450", "件"],
        [None, None, "(cid:12)(cid:7)", None, "件"],  # a row the text layer garbled
        [None, None, "承办会议", "≥200", "次"],
        [None, None, "/", "-", None],  # placeholders
    ]
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is not None:
                span = 4 if (r, c) in ((1, 0), (1, 1)) else 1
                cells.append(GridCell(r, c, text, rowspan=span, page=2, bbox=_box(r, c)))
    return CellGrid(tuple(cells), page=2, where=where)


def _grid_form(where: str) -> SourceResult:
    doc = SourceDoc("a.pdf", "ab" * 32, "pdf", None, 2, blocks=(_grid(where),))
    forms = [normalize(raw, doc, i) for i, raw in enumerate(parse(doc))]
    source = {"path": "a.pdf", "sha256": "ab" * 32, "format": "pdf"}
    return SourceResult.model_validate({"source": source, "forms": forms})


def test_a_junk_grid_row_is_unread_with_its_page_and_the_box_of_its_cells() -> None:
    (form,) = _grid_form("").forms
    assert [i.name for i in form.indicators] == ["办理文件", "承办会议"]
    (unread,) = form.unread
    assert (unread.text, unread.line, unread.page, unread.cell) == (
        "(cid:12)(cid:7) | 件",
        None,
        2,
        None,
    )
    assert unread.bbox == [170.0, 140.0, 350.0, 160.0]  # union of its two cells


def test_an_office_grid_row_keeps_its_cell_provenance() -> None:
    (form,) = _grid_form("sheet 项目1").forms
    assert [u.cell for u in form.unread] == ["sheet 项目1, row 3"]


def test_a_junk_row_of_a_worksheet_is_unread(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目1"
    for row in (
        ["2026年度项目绩效目标表"],
        HEADER,
        ["产出指标", "数量指标", "办理文件", "≥450", "件"],
        [None, None, "#REF!", None, None],
        [None, "质量指标", "质优率", "≥96", "%"],
    ):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    (form,) = process_bytes(data.getvalue(), "a.xlsx").forms
    assert [i.name for i in form.indicators] == ["办理文件", "质优率"]
    assert [(u.text, u.cell) for u in form.unread] == [("#REF!", "sheet 项目1, row 4")]


# --- the contract: JSON, schema, Parquet, summary, manifest, --redact ------------------------


@pytest.fixture(scope="module")
def run_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("unread")
    inputs = base / "in"
    inputs.mkdir()
    (inputs / "pipes.txt").write_text(PIPES, "utf-8")
    (inputs / "clean.txt").write_text(
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n| 产出指标 | 数量指标 | 办理文件 | ≥450件 |\n",
        "utf-8",
    )
    assert main(["run", str(inputs), "-o", str(base / "out"), "-q"]) == 0
    return base


def test_json_has_the_unread_rows(run_out: Path) -> None:
    data = json.loads(json_path(run_out / "out", "pipes.txt").read_text("utf-8"))
    unread = data["forms"][0]["unread"]
    assert unread[0] == {"text": "???? ▯▯", "line": 7, "page": None, "bbox": None, "cell": None}
    assert len(unread) == len(UNREAD_LINES)
    clean = json.loads(json_path(run_out / "out", "clean.txt").read_text("utf-8"))
    assert clean["forms"][0]["unread"] == []


def test_schema_describes_unread(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$defs"]["Form"]["properties"]["unread"]["items"] == {
        "$ref": "#/$defs/UnreadText"
    }
    fields = schema["$defs"]["UnreadText"]["properties"]
    assert list(fields) == ["text", "line", "page", "bbox", "cell"]
    assert all(f.get("description") for f in fields.values())


def test_forms_parquet_counts_unread_rows_in_its_last_column(run_out: Path) -> None:
    table = pq.read_table(run_out / "out" / "forms.parquet")
    assert str(table.schema.field("n_unread").type) == "int32"
    names = table.column_names
    assert names[names.index("flags") + 1] == "n_unread"  # the columns before keep their place
    counts = dict(
        zip(table.column("source_path").to_pylist(), table.column("n_unread").to_pylist())
    )
    assert counts == {"pipes.txt": len(UNREAD_LINES), "clean.txt": 0}


def test_summary_line_and_manifest_count_unread_rows(
    run_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_out / "out"
    entries = [
        json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").split("\n") if line
    ]
    unread = {e["path"]: e["unread"] for e in entries if e["kind"] == "source"}
    assert unread == {"pipes.txt": len(UNREAD_LINES), "clean.txt": 0}
    assert (
        main(["run", str(run_out / "in"), "-o", str(out)]) == 0
    )  # all unchanged: from the manifest
    line = capsys.readouterr().out
    assert (
        f"2 sources, 2 forms, 8 indicators, {len(UNREAD_LINES)} unread table lines, 0 problems"
        in line
    )
    assert "(2 unchanged, skipped)" in line


def test_a_manifest_entry_without_the_count_is_redone(run_out: Path, tmp_path: Path) -> None:
    """Entries written before Form.unread existed cannot tell the count: the source is redone."""
    out = tmp_path / "out"
    assert main(["run", str(run_out / "in"), "-o", str(out), "-q"]) == 0
    manifest = out / "manifest.jsonl"
    old = [json.loads(line) for line in manifest.read_text("utf-8").splitlines()]
    for entry in old:
        entry.pop("unread", None)
    manifest.write_text("".join(json.dumps(e) + "\n" for e in old), "utf-8")
    summary = run([run_out / "in"], RunOptions(out=out, quiet=True))
    assert (summary.skipped, summary.unread) == (0, len(UNREAD_LINES))


def test_redact_masks_unread_text_like_other_free_text(pipes: SourceResult) -> None:
    form = pipes.forms[0]
    assert form.contacts.filled_by == "张三"
    redacted = redact_form(form)
    texts = [u.text for u in redacted.unread]
    assert "上述指标由项目单位负责解释,联系人[name] [phone]。" in texts
    assert not any("13912345678" in t or "李四" in t for t in texts)
    assert [u.line for u in redacted.unread] == [u.line for u in form.unread]


def test_unread_rows_cannot_be_corrected_away(pipes: SourceResult) -> None:
    """What was not read is computed from the source: `jixiao review` may not set it."""
    form = pipes.forms[0]
    assert set_field(form, None, "unread", []) is None
    assert set_field(form, None, "title", "x") is not None
