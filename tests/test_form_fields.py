"""Form fields printed around the indicator table (issue 16): budget blocks in the head,
footer lines opening with a head label, and units printed in their own column. The same
parsers serve every format, so each case is checked as PDF, scan, office file and text."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.extract.ocr import ocr_available
from jixiao.models import Form
from jixiao.parsers.cells import CellType, cell_type
from jixiao.pipeline import process_bytes
from tests.conftest import FORMS
from tests.fixtures.pdf_specs import FARM, ROAD, WATER, FormSpec

SPECS = (WATER, FARM, ROAD)
DEPARTMENTS = ("某县水利局", "某县农业农村局", "某县交通运输局")
BUDGETS = ((120.0, 100.0, 20.0), (860.5, 800.0, 60.5), (50.0, 45.0, 5.0))
FILLED_BY = (None, "刘芳", "陈刚")  # the first footer is printed blank
SOURCES = [
    "pdf/multi_project_budget_units.pdf",
    "office/multi_project_budget_units.xlsx",
    "office/multi_project_budget_units.docx",
    "office/multi_project_budget_units.html",
    pytest.param(
        "scan/multi_project_budget_units.tif",
        marks=pytest.mark.skipif(not ocr_available(), reason="OCR extra not installed"),
    ),
]


def _forms(rel: str) -> list[Form]:
    return process_bytes((FORMS / rel).read_bytes(), rel).forms


def _text_forms(lines: list[str]) -> list[Form]:
    return process_bytes(("\n".join(lines) + "\n").encode(), "a.txt").forms


@pytest.mark.parametrize("rel", SOURCES)
def test_each_project_keeps_its_budget_department_and_footer(rel: str) -> None:
    forms = _forms(rel)
    assert [f.department for f in forms] == list(DEPARTMENTS)
    assert [(f.budget.total, f.budget.fiscal, f.budget.other) for f in forms] == list(BUDGETS)
    assert [f.contacts.filled_by for f in forms] == list(FILLED_BY)


@pytest.mark.parametrize("rel", SOURCES[:4])
def test_a_unit_column_wins_over_the_unit_in_the_names_brackets(rel: str) -> None:
    printed = [(row[2], row[5] or None) for spec in SPECS for row in spec.rows]
    read = [(i.name, i.unit_raw) for form in _forms(rel) for i in form.indicators]
    assert read == printed


def _tab_form(spec: FormSpec, footer: str) -> list[str]:
    lines = [spec.title, spec.year_line, *(f"{a}\t{b}" for a, b in spec.head)]
    lines += ["\t".join(c or "" for c in row) for row in spec.head_rows]
    lines += ["\t".join(spec.header), *("\t".join(r) for r in spec.rows), footer]
    return lines


@pytest.mark.parametrize(
    "footer",
    [
        "填报单位(盖章):\t填表人:\t联系电话:",
        "填报单位(盖章): {dept}  填表人: 张三  联系电话: 0710-1234567",
        "填报单位: {dept}\t填表人: 张三",
    ],
)
def test_a_footer_opening_with_a_head_label_stays_with_its_form(footer: str) -> None:
    lines = []
    for spec, dept in zip(SPECS, DEPARTMENTS):
        lines += _tab_form(spec, footer.format(dept=dept))
    forms = _text_forms(lines)
    assert [f.department for f in forms] == list(DEPARTMENTS)
    filled = "张三" if "张三" in footer else None
    assert [f.contacts.filled_by for f in forms] == [filled] * 3


def test_a_footer_label_is_no_head_value() -> None:
    lines = _tab_form(WATER, "")
    lines[3] = "主管部门\t填表人: 联系电话:"  # a blank form's footer cell where a value belongs
    (form,) = _text_forms(lines)
    assert form.department == "某县农村供水管理站"  # the implementer, not the footer


@pytest.mark.parametrize(
    ("row", "budget"),
    [
        (
            ["项目资金(万元)", "年度资金总额", "120", "其中:财政拨款", "100", "其他资金", "20"],
            (120, 100, 20),
        ),
        (
            ["资金情况(万元)", "年度资金总额:", "88", "其中:财政拨款", "80", "其他资金", "8"],
            (88, 80, 8),
        ),
        (["项目资金(万元)", "年度资金总额", "金额(万元)", "6.30"], (6.3, None, None)),
    ],
)
def test_every_amount_of_a_budget_line_goes_to_its_label(
    row: list[str], budget: tuple[Any, ...]
) -> None:
    lines = _tab_form(WATER, "")[:5] + ["\t".join(row)] + _tab_form(WATER, "")[6:]
    (form,) = _text_forms(lines)
    assert (form.budget.total, form.budget.fiscal, form.budget.other) == budget


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("公斤/亩", True),
        ("元/吨", True),
        ("元/生/年", True),
        ("万元/公里", True),
        ("公斤/亩产量不低于", False),
        ("按时/按质", False),
        ("1/2", False),
        ("/", False),
    ],
)
def test_a_listed_unit_per_a_short_word_is_a_unit(text: str, unit: bool) -> None:
    assert (cell_type(text) is CellType.UNIT) is unit


_TABLE = [
    "一级指标 | 二级指标 | 三级指标 | 指标值",
    "产出指标 | 数量指标 | 巡护里程 | ≥1200公里",
    "产出指标 | 质量指标 | 火情处置及时率 | ≥95%",
    "满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90%",
]


@pytest.mark.parametrize(
    ("head", "department"),
    [
        # a code label before the name, a required-field "*" before the next label
        (["| 部门编码: | 316 | 部门名称: | 某县林业局 | *联系人: | 王媛 |"], "某县林业局"),
        (["预算单位 | 区卫生健康局"], "区卫生健康局"),
        (["市级主管部门 | 某市教育体育局"], "某市教育体育局"),
        # no label names it: the organisation the title opens with
        (["更多相关《某县林业局2022年度部门整体绩效自评表"], "某县林业局"),
        (["| 部门名称: | **** |"], "****"),  # redacted, kept as printed
    ],
)
def test_the_department_of_a_head(head: list[str], department: str) -> None:
    (form,) = _text_forms([*head, *_TABLE])
    assert form.department == department


@pytest.mark.parametrize(
    ("head", "project", "department"),
    [
        # the transfer-payment template (转移支付区域(项目)绩效目标表) and special funds
        (
            ["转移支付(项目)名称 特殊教育补助资金", "市级主管部门 某市教育体育局"],
            "特殊教育补助资金",
            "某市教育体育局",
        ),
        (
            ["| 专项名称 | 农业绿色发展专项 |", "| 预算单位名称 | 某区农业农村委 |"],
            "农业绿色发展专项",
            "某区农业农村委",
        ),
        (
            ["| 项目(专项)名称 | 林业改革发展资金 |", "| 二级预算单位名称 | 某县林业局 |"],
            "林业改革发展资金",
            "某县林业局",
        ),
        (
            ["资金名称:衔接推进乡村振兴补助资金", "主管部门:某县农业农村局"],
            "衔接推进乡村振兴补助资金",
            "某县农业农村局",
        ),
        # a score sheet's head: who and what was evaluated, and by whom (not kept)
        (
            ["评价单位:某街道办事处 评价项目:2018年耕地地力保护补贴 评价人员:"],
            "2018年耕地地力保护补贴",
            "某街道办事处",
        ),
    ],
)
def test_the_project_labels_of_every_template(
    head: list[str], project: str, department: str
) -> None:
    (form,) = _text_forms([*head, *_TABLE])
    assert (form.project, form.department) == (project, department)


def test_a_label_alone_on_its_line_takes_the_next_as_its_value() -> None:
    """A pipe row broken after its label: the value on the next line is the project even
    where it reads as a title (a project named by its form's title)."""
    head = [
        "| 2020年度项目支出绩效自评表 | |",
        "| 项目名称 |",
        "2020年省级卫片执法补助经费支出绩效自评表 |",
    ]
    (form,) = _text_forms([*head, *_TABLE])
    assert form.project == "2020年省级卫片执法补助经费支出绩效自评表"
    assert form.title == "2020年度项目支出绩效自评表"


def test_a_contact_label_in_the_head_names_who_filled_the_form() -> None:
    (form,) = _text_forms(["| 部门名称: | 某县林业局 | *联系人: | 王媛 |", *_TABLE])
    assert form.contacts.filled_by == "王媛"


def test_a_sentence_naming_a_report_is_no_title() -> None:
    """A notice's sentence that mentions 自评报告 is no title; the attachment's title is."""
    lines = [
        "请你单位做好绩效监控,确保年度绩效目标如期实现,于预算年度结束后将项目绩效自评报告报我局备案。",
        "附件:某市农业绿色发展专项2022年中央预算内投资计划绩效目标表",
        *_TABLE,
    ]
    (form,) = _text_forms(lines)
    assert form.title is not None and form.title.endswith("投资计划绩效目标表")
    assert (form.year, form.form_type) == (2022, "project_target")
