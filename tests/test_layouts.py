"""Every text layout family on forms that are not in the corpus (generalisation checks).

Each fixture in tests/fixtures/layouts/ was written for this test in the shape of a family
(pipe rows with site navigation around them, pipe lines, one cell per line, space-separated
rows with a direction column, flattened rows, prose under headings); the expected rows were
checked by hand against the fixture text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.pipeline import process_bytes
from tests.conftest import FIXTURES

LAYOUTS = FIXTURES / "layouts"

Row = tuple[str, str | None, str | None, str | None, float | None, str | None]
EXPECTED: dict[str, tuple[dict[str, object], list[Row]]] = {
    "pipe_rows_nav_junk.txt": (
        {
            "year": 2024,
            "project": "城区道路清扫保洁",
            "department": "某市城市管理局",
            "form_type": "project_target",
        },
        [
            ("清扫保洁面积", "产出指标", "数量指标", ">=", 300.0, "万平方米"),
            ("道路保洁达标率", "产出指标", "质量指标", ">=", 95.0, "%"),
            ("每日清扫完成时间", "产出指标", "时效指标", "<=", None, None),
            ("保洁单位成本", "产出指标", "成本指标", "<=", 4.0, "元/平方米"),
            ("市容环境改善", "效益指标", "社会效益指标", "qualitative", None, None),
            ("市民满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    "flattened_rows.txt": (
        {"year": 2021, "project": "城乡居民医保补助资金", "department": "某县医疗保障局"},
        [
            ("参保人数", "产出指标", "数量指标", ">=", 12000.0, "人"),
            ("基金支付准确率", "产出指标", "质量指标", None, 100.0, "%"),
            ("待遇支付及时率", "产出指标", "时效指标", ">=", 98.0, "%"),
            ("群众看病负担", "效益指标", "社会效益指标", "qualitative", None, None),
            ("参保群众满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    # a document site's text: short page-furniture lines, then the whole form on one line
    # with a page's ordinal ("2、") opening the next; the head fields are not checked here
    "doc_site_one_long_line.txt": (
        {"project": "农村饮水安全维修养护", "form_type": "project_target"},
        [
            ("维修养护供水工程处数", "产出指标", None, None, 45.0, "处"),
            ("水质检测合格率", "产出指标", None, None, 95.0, "%"),
            ("供水保证率", "产出指标", None, None, 90.0, "%"),
            ("工程完好率", "产出指标", None, None, 85.0, "%"),
            ("受益人口", "效益指标", None, None, 2.3, "万人"),
            ("受益群众满意度", "满意度指标", "服务对象满意度指标", None, 90.0, "%"),
        ],
    ),
    "space_rows_direction.txt": (
        {"year": 2022, "department": "某县水利局", "project": "农村饮水安全维修养护"},
        [
            ("维修养护工程处数", "产出指标", "数量指标", ">=", 35.0, "处"),
            ("工程验收合格率", "产出指标", "质量指标", "=", 100.0, "%"),
            ("维修养护总成本", "产出指标", "成本指标", "<=", 80.0, "万元"),
            ("受益人口", "效益指标", "社会效益指标", ">=", 26000.0, "人"),
            ("受益群众满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    "prose_headings.txt": (
        {"year": 2024, "form_type": "project_target", "project": "某县2024年高标准农田建设项目"},
        [
            ("新建高标准农田面积", "产出指标", "数量指标", ">=", 5000.0, "亩"),
            ("工程验收合格率", "产出指标", "质量指标", ">=", 95.0, "%"),
            ("项目完成时间", "产出指标", "时效指标", "<=", None, None),
            ("亩均投资", "产出指标", "成本指标", "<=", 1500.0, "元/亩"),
            ("亩均增产粮食", "效益指标", "经济效益指标", ">=", 50.0, "公斤"),
            ("农田设施长期发挥效益", "效益指标", "可持续影响指标", "qualitative", None, None),
            ("受益农户满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    "cell_per_line_selfeval.txt": (
        {"year": 2023, "form_type": "department_self_eval", "department": "某县文化旅游局"},
        [
            ("开展文化下乡演出", "产出指标", "数量指标", ">=", 60.0, None),
            ("演出验收合格率", "产出指标", "质量指标", None, 100.0, "%"),
            ("群众文化生活", "效益指标", "社会效益指标", "qualitative", None, None),
        ],
    ),
    "glued_selfeval_actual_differs.txt": (
        {
            "year": 2023,
            "form_type": "project_self_eval",
            "project": "乡村道路硬化工程",
            "department": "某县交通运输局",
        },
        [
            ("硬化道路里程", "产出指标", "数量指标", ">=", 15.0, "公里"),
            ("工程验收合格率", "产出指标", "质量指标", None, 100.0, "%"),
            ("按期完工率", "产出指标", "时效指标", None, 95.0, "%"),
            ("工程总投资", "产出指标", "成本指标", "<=", 300.0, "万元"),
            ("群众出行条件改善", "效益指标", "社会效益指标", "qualitative", None, None),
            ("沿线群众满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    "csv_plain.txt": (
        {},
        [
            ("培训人次", "产出指标", "数量指标", ">=", 500.0, "人次"),
            ("培训班期数", "产出指标", "数量指标", ">=", 10.0, "期"),
            ("培训合格率", "产出指标", "质量指标", ">=", 95.0, "%"),
            ("就业率提升", "效益指标", "社会效益指标", ">=", 5.0, "个百分点"),
            ("学员满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    "tab_with_unrelated_tables.txt": (
        {"year": 2023, "project": "会议保障"},
        [
            ("保障会议次数", "产出指标", "数量指标", ">=", 30.0, "次"),
            ("会议保障合格率", "产出指标", "质量指标", None, 100.0, "%"),
        ],
    ),
    "tab_long_term_beside_annual.txt": (
        {"year": 2020, "project": "校园安全保障", "department": "某区教育局"},
        [
            ("安保人员配备学校数", "产出指标", "数量指标", ">=", 30.0, "所"),
            ("本年安保人员配备学校数", "产出指标", "数量指标", ">=", 28.0, "所"),
            ("安全事故发生率", "产出指标", "质量指标", "<=", 1.0, "%"),
            ("本年安全事故发生率", "产出指标", "质量指标", None, 0.0, "%"),
            ("校园安全水平", "效益指标", "社会效益指标", "qualitative", None, None),
            ("家长安全感", "效益指标", "社会效益指标", "qualitative", None, None),
        ],
    ),
    # a row's separators lost or replaced: pipes, runs of spaces and tabs line by line
    "mixed_separators.txt": (
        {"year": 2024, "project": "社区养老服务中心运营补助", "department": "某区民政局"},
        [
            ("服务老人人次", "产出指标", "数量指标", ">=", 12000.0, "人次"),
            ("助餐服务合格率", "产出指标", "质量指标", ">=", 98.0, "%"),
            ("补助资金拨付时间", "产出指标", "时效指标", "<=", None, None),
            ("每人次服务补助标准", "产出指标", "成本指标", "<=", 15.0, "元"),
            ("老年人生活质量", "效益指标", "社会效益指标", "qualitative", None, None),
            ("服务老人满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    # one cell a line, each level name after the rows it groups (vertically centred cells)
    "levels_after_rows.txt": (
        {"year": 2023, "department": "某县林业局", "form_type": "department_target"},
        [
            ("森林防火巡护天数", "产出指标", "数量指标", ">=", 180.0, "天"),
            ("新造林面积", "产出指标", "数量指标", ">=", 2000.0, "亩"),
            ("苗木成活率", "产出指标", "质量指标", ">=", 85.0, "%"),
            ("林区群众增收", "效益指标", "经济效益指标", ">=", 300.0, "万元"),
            ("森林覆盖率", "效益指标", "生态效益指标", ">=", 62.0, "%"),
            ("林农满意度", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    # two levels only: the level-2 cell (指标名称) names the row, 指标描述 describes it
    "two_levels_named_by_level.txt": (
        {"project": "社区公园日常管护", "department": "某区园林绿化局"},
        [
            ("数量指标", "产出指标", "数量指标", None, 42.0, "个"),
            ("质量指标", "产出指标", "质量指标", None, 95.0, "%"),
            ("时效指标", "产出指标", "时效指标", "<=", None, None),
            ("社会效益指标", "效益指标", "社会效益指标", "qualitative", None, None),
            ("服务对象满意度指标", "满意度指标", "服务对象满意度指标", ">=", 90.0, "%"),
        ],
    ),
    # flattened, a space between each number and its unit, the level column headed 指标
    "cell_per_line_empty_group.txt": (
        {"project": "城区公厕保洁服务", "department": "某市城市管理局"},
        [
            ("保洁公厕座数", "产出指标", "数量指标", None, 120.0, "座"),
            ("公厕卫生状况", "效益指标", "社会效益指标", "qualitative", None, None),
            ("满意度", "满意度指标", "服务对象满意度指标", None, 90.0, "%"),
        ],
    ),
    "flattened_units_spaced.txt": (
        {"project": "农村饮水工程运行维护补助", "department": "某县水务局"},
        [
            ("维修供水管网长度", "产出指标", None, None, 120.0, "公里"),
            ("水质检测次数", "产出指标", None, None, 24.0, "次"),
            ("供水保证率", "产出指标", None, None, 95.0, "%"),
            ("受益人口", "效益指标", None, None, 3.2, "万人"),
        ],
    ),
    "pipe_lines_cells.txt": (
        {"project": "演示项目"},
        [
            ("购置设备台数", "产出指标", "数量指标", ">=", 12.0, "台"),
            ("设备验收合格率", "产出指标", "质量指标", None, 100.0, "%"),
        ],
    ),
}


# fixtures with a test of their own below
OWN_TESTS = ["side_by_side_pipes.txt", "glued_digit_runs.txt"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_family_reads_every_row(name: str) -> None:
    fields, rows = EXPECTED[name]
    result = process_bytes((LAYOUTS / name).read_bytes(), name)
    assert len(result.forms) == 1, [p.message for p in result.errors]
    form = result.forms[0]
    for key, value in fields.items():
        assert getattr(form, key) == value, key
    got = [(i.name, i.level1, i.level2, i.operator, i.value, i.unit) for i in form.indicators]
    assert got == rows


def test_self_evaluation_in_cells_keeps_actuals_and_scores() -> None:
    result = process_bytes((LAYOUTS / "cell_per_line_selfeval.txt").read_bytes(), "x")
    rows = [
        (i.actual_text, i.actual_value, i.weight, i.score, i.remark)
        for i in result.forms[0].indicators
    ]
    assert rows == [
        ("64", 64.0, 10.0, 10.0, None),
        ("100%", 100.0, 10.0, 10.0, None),
        ("明显改善", None, 10.0, 9.0, "个别乡镇演出场次偏少"),
    ]


def test_glued_self_evaluation_cut_by_plausibility() -> None:
    """ "按期完工率1595%90%13": weight 15, target 95%, actual 90%, score 13 (not 159 | 5%)."""
    result = process_bytes((LAYOUTS / "glued_selfeval_actual_differs.txt").read_bytes(), "x")
    rows = [(i.weight, i.value, i.actual_value, i.score) for i in result.forms[0].indicators]
    assert rows[2] == (15.0, 95.0, 90.0, 13.0)
    assert rows[0] == (20.0, 15.0, 16.2, 20.0)


def test_glued_digit_runs_cut_by_the_forms_arithmetic() -> None:
    """ "%901095.59": target 90, weight 10, actual 95.5, score 9 (a score within its weight,
    an actual near its target, a percentage within 100), not 9010 | 95.59."""
    result = process_bytes((LAYOUTS / "glued_digit_runs.txt").read_bytes(), "x")
    rows = [
        (i.name, i.value, i.unit, i.weight, i.actual_value, i.score)
        for i in result.forms[0].indicators
    ]
    assert rows == [
        ("农村供水工程维修养护完成率", 95.0, "%", 15.0, 100.0, 15.0),
        ("新建改造供水管网长度", 120.0, "公里", 20.0, 135.0, 20.0),
        ("水质检测合格率", 90.0, "%", 10.0, 95.5, 9.0),
        ("河道清淤长度", 48.0, "公里", 20.0, 50.0, 20.0),
        ("供水保证率", 95.0, "%", 15.0, 96.0, 15.0),
        ("群众满意度", 90.0, "%", 20.0, 93.3, 20.0),
    ]
    assert sum(i.weight or 0 for i in result.forms[0].indicators) == 100


def test_every_fixture_is_covered() -> None:
    assert sorted(p.name for p in Path(LAYOUTS).iterdir()) == sorted([*EXPECTED, *OWN_TESTS])


def test_a_formula_restating_the_name_without_its_bracketed_part_anchors_a_row() -> None:
    from jixiao.parsers.stream import _is_anchor

    assert _is_anchor("结转结余率", "结转结余率=本年结转结余资金总额*100%/…")
    assert _is_anchor("应付账款(暂存款)变动率", "应付账款变动率=(本年期末应付账款总额-…)")
    assert not _is_anchor("应付账款(暂存款)变动率", "应付账款率=本年应付账款总额…")
    assert not _is_anchor("结转结余率", "按完成比例计算得分=满分为止")


def test_two_forms_side_by_side_are_read_apart() -> None:
    """Two forms printed side by side in one pipe table: each line holds a row of each."""
    result = process_bytes((LAYOUTS / "side_by_side_pipes.txt").read_bytes(), "x.txt")
    got = [
        (form.project, [(i.name, i.level2, i.value, i.weight) for i in form.indicators])
        for form in result.forms
    ]
    assert got == [
        (
            "农村公路养护",
            [
                ("养护公路里程", "数量指标", 320.0, 20.0),
                ("路况优良率", "质量指标", 85.0, 20.0),
                ("群众出行条件", "社会效益指标", None, 30.0),
                ("沿线群众满意度", "服务对象满意度指标", 90.0, 30.0),
            ],
        ),
        (
            "中小学校舍维修",
            [
                ("维修校舍面积", "数量指标", 4500.0, 30.0),
                ("维修工程验收合格率", "质量指标", 100.0, 30.0),
                ("师生满意度", "服务对象满意度指标", 90.0, 40.0),
            ],
        ),
    ]
