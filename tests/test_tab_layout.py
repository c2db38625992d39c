"""The tab-separated layout parser on the hazards real dumps show (seeds 001 and 004)."""

from __future__ import annotations

from jixiao.models import Form
from jixiao.parsers.cells import CellType, cell_type
from jixiao.pipeline import process_bytes

HEADER = "绩效指标\t一级指标\t二级指标\t三级指标\t指标值类型\t指标值\t计量单位\t指标解释\t评(扣)分标准\t备注"
SCORE = "达到计划值得满分2分, 否则按实际值/计划值*指标分值计分"


def _forms(*lines: str) -> list[Form]:
    text = "\n".join(
        [
            "部门(单位)整体支出绩效目标表",
            "(2026) 年度",
            "部门(单位)名称\t某县人民政府办公室",
            *lines,
        ]
    )
    return process_bytes(text.encode("utf-8"), "t.txt").forms


def test_cells_are_recognised_by_content() -> None:
    assert cell_type("≥") is CellType.OPERATOR
    assert cell_type("定性") is CellType.OPERATOR
    assert cell_type("96") is CellType.NUMBER
    assert cell_type("≥95%") is CellType.NUMBER
    assert cell_type("%") is CellType.UNIT
    assert cell_type("5分") is CellType.WEIGHT
    assert cell_type(SCORE) is CellType.SCORING
    assert cell_type("2026年12月31日前") is CellType.DATE
    assert cell_type("经济效益指标") is CellType.LEVEL2
    assert cell_type("产出指标") is CellType.LEVEL1
    assert cell_type("满意度指标") is CellType.LEVELX
    assert cell_type("-") is CellType.PLACEHOLDER
    assert cell_type("本年度计划信息宣传篇数") is CellType.TEXT


def test_row_shifted_left_is_read_by_content() -> None:
    forms = _forms(
        HEADER,
        f"\t产出指标\t数量指标\t信息宣传报道\t≥\t50\t篇\t计划篇数\t{SCORE}\t",
        f"\t组织排查及宣传次数\t≥\t5\t次\t计划次数\t{SCORE}\t\t\t",
    )
    row = forms[0].indicators[1]
    assert (row.name, row.operator, row.value, row.unit, row.explanation, row.scoring) == (
        "组织排查及宣传次数",
        ">=",
        5.0,
        "次",
        "计划次数",
        SCORE,
    )
    assert (row.level1, row.level2, row.weight) == ("产出指标", "数量指标", 2.0)
    assert row.flags == ["columns_shifted"]
    assert forms[0].indicators[0].flags == []


def test_unit_cell_without_header_and_scoring_before_explanation() -> None:
    header = "一级指标\t二级指标\t*三级指标\t*指标值类型\t*指标值\t*评/扣分标准\t*指标值说明\t备注"
    forms = _forms(
        header,
        "投入管理指标\t预算和财务管理\t预算执行率\t≥\t90\t%\t预算执行率=(预算完成数/预算数)×100%。\t",
        "效益指标\t满意度\t\t\t\t\t-\t反映社会公众的满意程度。\t",
        "\t\t\t领导满意度\t≥\t95\t%\t该指标主要考察领导满意情况\t该指标达到95%得满分,共计5分,每降低百分之二扣1分",
    )
    first, second = forms[0].indicators
    assert (first.value, first.unit, first.scoring, first.weight) == (90.0, "%", None, None)
    assert first.explanation.startswith("预算执行率=")
    assert first.flags == []
    assert (second.level1, second.level2, second.name) == ("效益指标", "满意度", "领导满意度")
    assert second.explanation == "该指标主要考察领导满意情况"
    assert second.scoring.startswith("该指标达到95%")
    assert second.weight == 5.0
    assert "columns_swapped" in second.flags


def test_weight_in_remark_and_unit_inferred_from_scoring() -> None:
    header = "一级指标\t二级指标\t*三级指标\t*指标值类型\t*指标值\t*评/扣分标准\t*指标值说明\t备注"
    forms = _forms(
        header,
        "产出指标\t重点工作任务完成\t加大综合调研力度\t≥\t5\t调研报告大于等于5个得5分,少1个扣一分。\t考察调研报告情况\t5分",
    )
    row = forms[0].indicators[0]
    assert (row.unit, row.unit_raw, row.weight, row.remark) == ("个", None, 5.0, "5分")
    assert row.flags == ["unit_inferred"]


def test_blank_line_inside_table_does_not_end_it() -> None:
    forms = _forms(
        HEADER,
        f"\t产出指标\t数量指标\t甲\t≥\t1\t次\t说明\t{SCORE}\t",
        "",
        "",
        f"\t\t\t乙\t≥\t2\t次\t说明\t{SCORE}\t",
    )
    assert [i.name for i in forms[0].indicators] == ["甲", "乙"]
    assert forms[0].indicators[1].level2 == "数量指标"


def test_level1_corrected_and_carried() -> None:
    forms = _forms(
        HEADER,
        "\t产出指标\t经济效益指标\t促进发展\t定性\t效果明显\t\t说明\t效果明显得10分, 效果一般得5分\t",
        "社会效益指标\t\t提升服务\t定性\t效果明显\t\t说明\t效果明显得10分, 效果一般得5分\t\t",
    )
    first, second = forms[0].indicators
    assert (first.level1, first.level1_raw, first.flags) == (
        "效益指标",
        "产出指标",
        ["level1_corrected"],
    )
    assert (second.level1, second.level2, second.operator, second.value_text) == (
        "效益指标",
        "社会效益指标",
        "qualitative",
        "效果明显",
    )


def test_header_with_html_and_asterisks() -> None:
    header = "<b>一级指标</b>\t<b>二级指标</b>\t<b>*三级指标</b>\t<b>*指标值类型</b>\t<b>*指标值</b>\t<b>*评/扣分标准</b>"
    forms = _forms(header, "产出指标\t数量指标\t<p>办理文件</p>\t≥\t450\t达到得2分")
    assert forms[0].indicators[0].name == "办理文件"
    assert forms[0].indicators[0].weight == 2.0


def test_several_forms_in_one_file() -> None:
    one = [
        "项目支出绩效目标表",
        "(2023年度)",
        "项目名称\t甲项目",
        "主管部门\t甲局",
        HEADER,
        f"\t产出指标\t数量指标\t甲指标\t≥\t1\t次\t说明\t{SCORE}\t",
        "填表人: 张三 联系电话: 123",
    ]
    two = [
        "项目支出绩效目标表",
        "(2023年度)",
        "项目名称\t乙项目",
        "主管部门\t乙局",
        HEADER,
        f"\t产出指标\t质量指标\t乙指标\t≥\t90\t%\t说明\t{SCORE}\t",
    ]
    result = process_bytes("\n".join(one + [""] + two).encode("utf-8"), "two.txt")
    assert [(f.project, f.department, f.form_type) for f in result.forms] == [
        ("甲项目", "甲局", "project_target"),
        ("乙项目", "乙局", "project_target"),
    ]
    assert [f.form_id[-2:] for f in result.forms] == ["-0", "-1"]
    assert [[i.name for i in f.indicators] for f in result.forms] == [["甲指标"], ["乙指标"]]
    assert result.forms[0].contacts.filled_by == "张三"
    assert result.forms[1].contacts.filled_by is None


def test_repeated_header_after_page_break_continues_the_table() -> None:
    forms = _forms(
        HEADER,
        f"\t产出指标\t数量指标\t甲\t≥\t1\t次\t说明\t{SCORE}\t",
        "",
        HEADER,
        f"\t\t\t乙\t≥\t2\t次\t说明\t{SCORE}\t",
    )
    assert len(forms) == 1
    assert [i.name for i in forms[0].indicators] == ["甲", "乙"]
