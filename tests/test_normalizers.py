"""Table-driven tests for each normalizer: printed text -> canonical value."""

from __future__ import annotations

import pytest

from jixiao.normalizers.confidence import confidence
from jixiao.normalizers.dates import iso_date
from jixiao.normalizers.fields import split_goals
from jixiao.normalizers.levels import LevelTracker
from jixiao.normalizers.numbers import chinese_number, parse_number
from jixiao.normalizers.operators import operator_of_cell, split_operator_prefix
from jixiao.normalizers.units import canonical_unit, infer_unit
from jixiao.normalizers.values import parse_target
from jixiao.normalizers.weights import weight_of_cell, weight_of_scoring


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("≥", ">="),
        ("≧", ">="),
        ("⩾", ">="),
        ("＞＝", ">="),
        (">=", ">="),
        ("不低于", ">="),
        ("大于等于", ">="),
        ("不少于", ">="),
        ("≤", "<="),
        ("≦", "<="),
        ("＜＝", "<="),
        ("不超过", "<="),
        ("小于等于", "<="),
        ("=", "="),
        ("＝", "="),
        ("等于", "="),
        (">", ">"),
        ("＞", ">"),
        ("大于", ">"),
        ("<", "<"),
        ("低于", "<"),
        ("定性", "qualitative"),
        ("定性指标", "qualitative"),
        ("定量", "unknown"),
        ("效果明显", None),
        ("95", None),
        ("", None),
    ],
)
def test_operator_of_cell(raw: str, expected: str | None) -> None:
    assert operator_of_cell(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("≥95%", (">=", "≥", "95%")),
        ("＞＝90", (">=", "＞＝", "90")),
        ("≤ 1350.75万元", ("<=", "≤", "1350.75万元")),
        ("不低于280人次", (">=", "不低于", "280人次")),
        ("=100%", ("=", "=", "100%")),
        ("95", (None, None, "95")),
    ],
)
def test_split_operator_prefix(raw: str, expected: tuple[str | None, str | None, str]) -> None:
    assert split_operator_prefix(raw) == expected


@pytest.mark.parametrize(
    ("raw", "operator", "value", "value_max", "unit"),
    [
        ("50", None, 50.0, None, None),
        ("1350.75", None, 1350.75, None, None),
        ("≥95%", ">=", 95.0, None, "%"),
        ("≥80M", ">=", 80.0, None, "M"),
        ("10辆", None, 10.0, None, "辆"),
        ("250万", None, 250.0, None, "万"),
        ("≥98百分比", ">=", 98.0, None, "百分比"),
        ("1,087件", None, 1087.0, None, "件"),
        ("60%及以上", ">=", 60.0, None, "%"),
        ("5次以内", "<=", 5.0, None, "次"),
        ("18-54岁", "range", 18.0, 54.0, "岁"),
        ("90%~100%", "range", 90.0, 100.0, "%"),
        ("1600元/亩", None, 1600.0, None, "元/亩"),
        ("-0.3", None, -0.3, None, None),
        ("效果明显", None, None, None, None),
        ("2026年12月31日前", None, None, None, None),
        # a phrase after a number is no unit: texts, not numbers or ranges
        ("12月底到位", None, None, None, None),
        ("1-6期培训结束后及时考核", None, None, None, None),
        ("30明显改善", None, None, None, None),
        ("1000元/人·年", None, 1000.0, None, "元/人·年"),
        ("10台(套)", None, 10.0, None, "台(套)"),
        ("12个月", None, 12.0, None, "个月"),
    ],
)
def test_parse_target(
    raw: str, operator: str | None, value: float | None, value_max: float | None, unit: str | None
) -> None:
    parsed = parse_target(raw)
    assert (parsed.operator, parsed.value, parsed.value_max, parsed.unit_raw) == (
        operator,
        value,
        value_max,
        unit,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("%", "%"),
        ("％", "%"),
        ("百分比", "%"),
        ("万元", "万元"),
        ("万", "万元"),
        ("人次", "人次"),
        ("人/次", "人次"),
        ("㎡", "平方米"),
        ("m²", "平方米"),
        ("km", "公里"),
        ("篇", "篇"),
        ("次", "次"),
        ("元/人·天", "元/人天"),
        ("个", "个"),
        ("件", "件"),
        ("自定义单位", "自定义单位"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_unit(raw: str | None, expected: str | None) -> None:
    assert canonical_unit(raw) == expected


@pytest.mark.parametrize(
    ("number", "scoring", "name", "expected"),
    [
        (95, "该指标达到95%得5分,每降低百分之二扣1分。", "重大会议、活动参与率", "%"),
        (5, "调研报告大于等于5个得5分,少1个扣一分,扣完为止。", "加大综合调研力度", "个"),
        (30, "督查大于等于30次得5分,少1个扣一分,扣完为止。", "加大督查督办力度", "次"),
        (90, None, "处置突发事件及时率", "%"),
        (95, None, "群众满意度", "%"),
        (5, "得5分", "宣传活动", None),
        (None, "达到95%得5分", "工作完成", None),
    ],
)
def test_infer_unit(
    number: float | None, scoring: str | None, name: str, expected: str | None
) -> None:
    assert infer_unit(number, scoring, name) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("达到计划值得满分2分, 否则按实际值/计划值*指标分值计分", 2.0),
        ("效果明显得10分, 效果一般得5分, 否则不得分。", 10.0),
        ("该指标达到95%得满分,共计5分,每降低百分之二扣1分", 5.0),
        ("满意度大于等于95%的得10分, 满意度小于95%且大于等于80%的得8分", 10.0),
        ("部门整体支出控制在总成本范围内, 得10分; 每超出10%, 扣2分, 扣完为止。", 10.0),
        ("按计划在2026年12月31日前完成得10分, 每推迟10天扣1分, 扣完为止。", 10.0),
        ("调研报告大于等于5个得5分,少1个扣一分,扣完为止。", 5.0),
        ("完成得五分", 5.0),
        ("未达指标值酌情扣分", None),
        (None, None),
    ],
)
def test_weight_of_scoring(raw: str | None, expected: float | None) -> None:
    assert weight_of_scoring(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5分", 5.0),
        ("5", 5.0),
        ("2.5分", 2.5),
        ("五分", 5.0),
        ("十分", 10.0),
        ("备注", None),
        (None, None),
    ],
)
def test_weight_of_cell(raw: str | None, expected: float | None) -> None:
    assert weight_of_cell(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("二", 2.0), ("十五", 15.0), ("二十", 20.0), ("百", 100.0), ("3", 3.0), ("三点", None)],
)
def test_chinese_number(raw: str, expected: float | None) -> None:
    assert chinese_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,350.75", 1350.75), ("44,561", 44561.0), ("95", 95.0), ("-0.3", -0.3), ("abc", None)],
)
def test_parse_number(raw: str, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025.12.15", "2025-12-15"),
        ("2025-1-5", "2025-01-05"),
        ("2025/12/01", "2025-12-01"),
        ("2025年12月15日", "2025-12-15"),
        ("填表日期: 2025.12.15", "2025-12-15"),
        ("2025.13.40", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_date(raw: str | None, expected: str | None) -> None:
    assert iso_date(raw) == expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # merged cells carried down; no flag
        (
            [("产出指标", "数量指标"), (None, None)],
            [("产出指标", "数量指标", ()), ("产出指标", "数量指标", ())],
        ),
        # printed level-1 contradicts the level-2: corrected
        ([("产出指标", "经济效益指标")], [("效益指标", "经济效益指标", ("level1_corrected",))]),
        # level-2 alone under a carried level-1 of another group: inferred
        (
            [("产出指标", "数量指标"), (None, "社会效益指标")],
            [("产出指标", "数量指标", ()), ("效益指标", "社会效益指标", ("level1_inferred",))],
        ),
        # level-2 alone with no level-1 yet
        ([(None, "质量指标")], [("产出指标", "质量指标", ("level1_inferred",))]),
        # variants and decorations
        ([("一、产出指标(50分)", "(一)数量")], [("产出指标", "数量指标", ())]),
        ([("效果指标", "环境效益指标")], [("效益指标", "生态效益指标", ())]),
        ([("产出", "产出进度指标")], [("产出指标", "时效指标", ())]),
        # 满意度 is a level-2 of 效益指标 in the Hunan tree, of 满意度指标 in the generic one
        ([("效益指标", "满意度")], [("效益指标", "满意度", ())]),
        ([("满意度指标", "满意度")], [("满意度指标", "服务对象满意度指标", ())]),
        # a level-1 with one child gets it
        (
            [("社会公众或服务对象满意度指标", None)],
            [("满意度指标", "服务对象满意度指标", ("level2_inferred",))],
        ),
        # 成本指标 both ways
        ([("成本指标", "经济成本指标")], [("成本指标", "经济成本指标", ())]),
        ([("产出指标", "成本指标")], [("产出指标", "成本指标", ())]),
        # a name not in the vocabulary is kept as printed, flagged
        ([("奇怪指标", None)], [("奇怪指标", None, ("level_unknown",))]),
    ],
)
def test_level_tracker(
    rows: list[tuple[str | None, str | None]], expected: list[tuple[str, str, tuple[str, ...]]]
) -> None:
    tracker = LevelTracker()
    got = [(lv.level1, lv.level2, lv.flags) for lv in (tracker.resolve(a, b) for a, b in rows)]
    assert got == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("一、甲。二、乙: 1、子; 2、丑。三、丙。", ["甲。", "乙: 1、子; 2、丑。", "丙。"]),
        ("目标1: 甲;目标2: 乙;", ["甲", "乙"]),
        ("1.甲;2.乙;3.丙", ["甲", "乙", "丙"]),
        ("(一)甲 (二)乙", ["甲", "乙"]),
        ("只有一个目标", ["只有一个目标"]),
        ("完成2.5万元的1.甲", ["完成2.5万元的1.甲"]),
        ("", []),
        (None, []),
    ],
)
def test_split_goals(raw: str | None, expected: list[str]) -> None:
    assert split_goals(raw) == expected


def test_confidence_is_the_product_of_flag_factors() -> None:
    assert confidence([]) == 1.0
    assert confidence(["columns_shifted"]) == 0.97
    assert confidence(["columns_shifted", "unit_inferred"]) == round(0.97 * 0.95, 3)
    assert confidence(["not_a_flag"]) == 1.0
    assert confidence([], ocr_score=0.8) == 0.8
