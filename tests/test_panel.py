"""Cross-year keys, targets_vs_actuals and score_check, `jixiao query` and `jixiao export`
over the year samples (samples/forms/years) with the seeds and the 2023 金寨 corpus form."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from jixiao.batch import RunOptions, run
from jixiao.cli import main
from jixiao.keys import department_key, indicator_name, project_name
from jixiao.output.panel import add_panel
from tests.conftest import FORMS, copy_samples

PANEL_INPUTS = [
    "years",
    "001_570424103c010556.txt",
    "004_a0dabc58212d71e8.txt",
    "corpus/27_jinzhai_2023_department_selfeval.txt",
]
SATISFACTION_FELL = (
    "SELECT DISTINCT a.department_key, a.indicator_key, a.year, a.value AS target, "
    "b.year AS next_year, b.value AS next_target FROM indicators a JOIN indicators b "
    "USING (department_key, indicator_key) WHERE b.year = a.year + 1 "
    "AND a.indicator_key LIKE '%满意度%' AND b.value < a.value ORDER BY 1, 2"
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inputs = copy_samples(PANEL_INPUTS, tmp_path_factory.mktemp("in"))
    target = tmp_path_factory.mktemp("out")
    run([inputs], RunOptions(out=target))
    add_panel(target)
    return target


def _rows(out: Path, table: str) -> list[dict[str, Any]]:
    return pq.read_table(out / f"{table}.parquet").to_pylist()


# the same indicator under its spellings in different years (hand-made in samples/forms/years)
SAME_INDICATOR = [
    ("芷江", ["信息宣传报道篇数", "信息宣传报道"]),
    ("芷江", ["办理各类文件", "办理文件"]),
    ("芷江", ["公众满意度"]),
    ("芷江", ["坚持以人民为中心, 以群众对美好生活向往为目标, 以提升服务效能",
              "坚持以人民为中心, 以群众对美好生活向往为目标, 提升服务效能"]),
    ("衡阳", ["机关大院维修维护率", "机关大院维护维修率"]),
    ("衡阳", ["市委、市政府领导满意度"]),
    ("金寨", ["建设美丽宜居自然村数量", "建设美丽宜居自然村庄数量"]),
    ("金寨", ["完成农村户用卫生厕所改造", "完成农村户用卫生厕所改造数量"]),
    ("金寨", ["指标1:开展精品示范村建设数量", "开展精品示范村建设数量"]),
]  # fmt: skip


@pytest.mark.parametrize(("place", "names"), SAME_INDICATOR)
def test_cross_year_pairs_share_a_key(out: Path, place: str, names: list[str]) -> None:
    rows = [r for r in _rows(out, "indicators") if place in (r["department"] or "")]
    hits = [r for r in rows if r["name"] in names or indicator_name(r["name"]) in names]
    assert len({r["year"] for r in hits}) >= 2, "the sample must hold the pair in two years"
    assert len({r["indicator_key"] for r in hits}) == 1
    assert len({r["department_key"] for r in rows}) == 1  # renamed department, one key


def test_no_two_indicators_of_one_form_share_a_key(out: Path) -> None:
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _rows(out, "indicators"):
        names[(row["form_id"], row["indicator_key"])].add(indicator_name(row["name"]))
    assert all(len(n) == 1 for n in names.values()), [k for k, n in names.items() if len(n) > 1]


def test_keys_are_columns_of_both_tables(out: Path) -> None:
    forms = pq.read_table(out / "forms.parquet").column_names
    indicators = pq.read_table(out / "indicators.parquet").column_names
    assert {"department_key", "project_key"} <= set(forms)
    assert {"department_key", "project_key", "indicator_key"} <= set(indicators)


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("219-芷江侗族自治县人民政府办公室", "芷江侗族自治县人民政府办公室"),
        ("[015001]芷江县政府办", "芷江侗族自治县人民政府办公室"),
        ("芷江县 财政局 308001", "芷江县财政局"),
        ("芷江县（财政局）", "芷江县财政局"),
        ("金寨县茶谷美丽乡村服务中心", "金寨县茶谷和美丽乡村建设服务中心"),
        ("", None),
    ],
)
def test_department_keys(printed: str, key: str | None) -> None:
    assert department_key(printed) == key


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("2019年度宁晋县高中助学金项目", "宁晋县高中助学金项目"),
        ("2020年宁晋县高中助学金项目", "宁晋县高中助学金项目"),
        ("308001-农村公路养护", "农村公路养护"),
    ],
)
def test_project_keys_drop_the_year_before_the_name(printed: str, key: str) -> None:
    assert project_name(printed) == key


def test_user_aliases_extend_the_table(tmp_path: Path) -> None:
    aliases = tmp_path / "my.toml"
    aliases.write_text('[departments]\n"某县财政局" = ["某县财政局机关"]\n', encoding="utf-8")
    assert department_key("某县财政局机关") == "某县财政局机关"  # unmatched: its own key
    assert department_key("某县财政局机关", (aliases,)) == "某县财政局"


def test_aliases_join_a_renamed_department(out: Path) -> None:
    """Without the shipped alias, the 2022 金寨 form would stand apart."""
    rows = [r for r in _rows(out, "forms") if "金寨" in (r["department"] or "")]
    printed = {r["department"] for r in rows}
    assert len(printed) == 2 and len({r["department_key"] for r in rows}) == 1


def _panel_row(out: Path, name: str, year: int) -> dict[str, Any]:
    rows = [r for r in _rows(out, "targets_vs_actuals") if r["name"] == name and r["year"] == year]
    assert len(rows) == 1, rows
    return rows[0]


def test_targets_vs_actuals_hand_checked(out: Path) -> None:
    row = _panel_row(out, "信息宣传报道", 2026)
    assert (row["target_value"], row["actual_value"], row["achievement"]) == (50, 45, 0.9)
    assert row["achieved"] is False and row["target_from"] == "self_eval"
    assert row["target_form_id"] is not None  # the 2026 target form (seed 001) is joined
    assert (row["weight"], row["score"], row["score_rule"], row["score_check"]) == (
        2,
        1.8,
        "E1",
        1.8,
    )
    cost = _panel_row(out, "预算成本", 2026)  # <= : target / actual
    assert cost["achievement"] == pytest.approx(1350.75 / 1500) and cost["achieved"] is False
    assert (cost["score_rule"], cost["score_check"], cost["score_agrees"]) == ("E6", 8, True)
    late = _panel_row(out, "工作完成时间", 2026)
    assert late["target_deadline"] == date(2026, 12, 31) and late["achieved"] is False
    assert late["achievement_text"] == "late by 25 days" and late["score_check"] == 8
    words = _panel_row(out, "优化营商环境, 促进县域经济发展", 2026)
    assert words["achievement_text"] == "效果一般" and words["score_check"] == 5
    bands = _panel_row(out, "公众满意度", 2026)
    assert (bands["score_rule"], bands["score_check"], bands["achieved"]) == ("E7", 8, False)
    on_time = _panel_row(out, "完成美丽宜居自然村庄验收时间", 2022)  # 9月前 vs 7月
    assert on_time["target_deadline"] == date(2022, 8, 31) and on_time["achieved"] is True


def test_score_check_agrees_on_every_parseable_sample_row(out: Path) -> None:
    rows = [r for r in _rows(out, "targets_vs_actuals") if r["score_rule"] is not None]
    assert {r["score_rule"] for r in rows} == {"E1", "E3", "E4", "E5", "E6", "E7", "E8", "E11"}
    assert [r["name"] for r in rows if r["score_agrees"] is not True] == []


def test_query_satisfaction_targets_that_fell(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", str(out), SATISFACTION_FELL]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "(2 rows)"
    assert "芷江侗族自治县人民政府办公室" in lines[2] and "98" in lines[2] and "95" in lines[2]
    assert "衡阳市人民政府办公室" in lines[3] and "2023" in lines[3]


def test_query_writes_csv_and_rejects_bad_sql(out: Path, tmp_path: Path) -> None:
    target = tmp_path / "fell.csv"
    assert main(["query", str(out), SATISFACTION_FELL, "--csv", str(target)]) == 0
    assert len(target.read_text("utf-8").splitlines()) == 3
    assert main(["query", str(out), "SELECT * FROM nowhere"]) == 2


def test_xlsx_keeps_types_and_labels(out: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "panel.xlsx"
    assert main(["export", str(out), "--to", "xlsx", "--labels", "zh", "-o", str(target)]) == 0
    book = load_workbook(target)
    assert book.sheetnames == ["forms", "indicators", "targets_vs_actuals", "problems"]
    sheet = book["targets_vs_actuals"]
    header = [c.value for c in sheet[1]]
    assert "三级指标" in header and "按规则得分" in header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    column = {name: i for i, name in enumerate(header)}
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(v[column["年度"]], int) for v in values)
    assert any(isinstance(v[column["年度指标值"]], float) for v in values)
    assert any(isinstance(v[column["完成时限"]], datetime) for v in values)
    forms = book["forms"]
    dates = [c.value for c in next(forms.iter_cols(min_row=2, min_col=_col(forms, "填表日期")))]
    assert any(isinstance(d, datetime) for d in dates)


def _col(sheet: Any, label: str) -> int:
    return [c.value for c in sheet[1]].index(label) + 1


def test_bad_alias_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[departments]\nx = 1\n", encoding="utf-8")
    sample = FORMS / "001_570424103c010556.txt"
    assert main(["run", str(sample), "-o", str(tmp_path / "o"), "-q", "--aliases", str(bad)]) == 2


def test_panel_of_a_run_without_forms(tmp_path: Path) -> None:
    empty = tmp_path / "in"
    empty.mkdir()
    (empty / "x.txt").write_text("nothing here\n", encoding="utf-8")
    run([empty], RunOptions(out=tmp_path / "o"))
    assert add_panel(tmp_path / "o") == 0
    assert pq.read_table(tmp_path / "o" / "targets_vs_actuals.parquet").num_rows == 0


def _indicator(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        k: None for k in ("value", "value_max", "value_text", "unit", "weight", "scoring")
    }
    base |= {"actual_value": None, "actual_text": None, "score": None, "operator": ">="}
    base |= {"project_key": "d/p", "year": 2024, "indicator_key": "产出指标/数量指标/x"}
    return base | fields


def test_an_empty_self_eval_target_comes_from_the_target_form() -> None:
    from jixiao.output.panel import panel_rows

    rule = "达到计划值得满分5分, 否则按实际值/计划值*指标分值计分"
    plan = _indicator(
        form_id="t", form_type="project_target", value=10.0, value_text="10", weight=5.0,
        scoring=rule,
    )  # fmt: skip
    done = _indicator(
        form_id="s", form_type="project_self_eval", actual_value=8.0, actual_text="8",
        score=4.0, name="x", seq=1,
    )  # fmt: skip
    other_year = done | {"form_id": "s2", "year": 2025}
    rows = panel_rows([plan, done, other_year])
    assert len(rows) == 1  # no target for 2025
    row = rows[0]
    assert (row["target_from"], row["target_form_id"], row["target_value"]) == (
        "target_form",
        "t",
        10,
    )
    assert (row["achievement"], row["weight"], row["score_rule"], row["score_check"]) == (
        0.8,
        5,
        "E1",
        4,
    )
    assert row["score_agrees"] is True


def test_xlsx_survives_a_libreoffice_round_trip(out: Path, tmp_path: Path) -> None:
    """LibreOffice opens the workbook and saves it again with numbers and dates intact."""
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    from openpyxl import load_workbook

    exported = tmp_path / "panel.xlsx"
    assert main(["export", str(out), "--to", "xlsx", "-o", str(exported)]) == 0
    converted = tmp_path / "lo"
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(converted),
            str(exported),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    book = load_workbook(converted / "panel.xlsx")
    sheet = book["targets_vs_actuals"]
    header = [c.value for c in sheet[1]]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values and all(isinstance(v[header.index("year")], int) for v in values)
    numbers = [v[header.index("target_value")] for v in values]
    assert any(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers)
    assert not any(isinstance(n, str) for n in numbers)
    assert any(isinstance(v[header.index("target_deadline")], datetime) for v in values)
