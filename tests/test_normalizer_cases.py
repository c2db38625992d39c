"""Printed target cells -> canonical operator, value, unit, flags: every phenomenon real forms
show (DOMAIN.md b, c, d; OCR and crawler damage). Table-driven; add a row for every new case."""

from __future__ import annotations

import unicodedata

import pytest

from jixiao.normalizers.dates import deadline, excel_serial_date
from jixiao.normalizers.levels import LevelTracker
from jixiao.normalizers.targets import read_target, repair_text
from jixiao.normalizers.units import canonical_unit
from jixiao.records import RawCell, RawIndicator, Role
from jixiao.repairs import join_spaced_number, traditional_map
from jixiao.text import _EXTRA_FOLD, _FOLD_DROP, _PINYIN_GLOSS, fold, strip_html


def _row(name: str, op: str | None, value: str | None, unit: str | None = None) -> RawIndicator:
    cells = {Role.NAME: RawCell(name, 2)}
    if op is not None:
        cells[Role.OPERATOR] = RawCell(op, 3)
    if value is not None:
        cells[Role.VALUE] = RawCell(value, 4)
    if unit is not None:
        cells[Role.UNIT] = RawCell(unit, 5)
    return RawIndicator(cells, False, 1, None)


# (name, operator cell, value cell, unit cell) -> (operator, value, value_max, unit, flags)
TARGETS = [
    # operators in their own column
    ("信息宣传报道", "≥", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "≧", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "⩾", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "＞＝", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", ">=", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "=>", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "大于等于", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "大于或等于", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "不低于", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "不少于", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "不小于", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("信息宣传报道", "至少", "50", "篇", (">=", 50.0, None, "篇", ())),
    ("预算成本", "≤", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "≦", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "⩽", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "＜＝", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "<=", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "=<", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "小于等于", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "不超过", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "不高于", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "不大于", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("预算成本", "不多于", "1350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("绩效监控完成率", "=", "100", "%", ("=", 100.0, None, "%", ())),
    ("绩效监控完成率", "＝", "100", "%", ("=", 100.0, None, "%", ())),
    ("绩效监控完成率", "==", "100", "%", ("=", 100.0, None, "%", ())),
    ("绩效监控完成率", "等于", "100", "%", ("=", 100.0, None, "%", ())),
    ("验收合格率", ">", "92", "%", (">", 92.0, None, "%", ())),
    ("验收合格率", "＞", "92", "%", (">", 92.0, None, "%", ())),
    ("验收合格率", "大于", "92", "%", (">", 92.0, None, "%", ())),
    ("验收合格率", "高于", "92", "%", (">", 92.0, None, "%", ())),
    ("验收合格率", "超过", "92", "%", (">", 92.0, None, "%", ())),
    ("投诉率", "<", "5", "%", ("<", 5.0, None, "%", ())),
    ("投诉率", "＜", "5", "%", ("<", 5.0, None, "%", ())),
    ("投诉率", "小于", "5", "%", ("<", 5.0, None, "%", ())),
    ("投诉率", "低于", "5", "%", ("<", 5.0, None, "%", ())),
    ("投诉率", "少于", "5", "%", ("<", 5.0, None, "%", ())),
    # qualitative
    ("优化营商环境", "定性", "效果明显", None, ("qualitative", None, None, None, ())),
    ("优化营商环境", "定性指标", "效果明显", None, ("qualitative", None, None, None, ())),
    ("优化营商环境", "定性描述", "显著", None, ("qualitative", None, None, None, ())),
    ("年度履职目标相关性", "定性", "相关", None, ("qualitative", None, None, None, ())),
    ("资金使用合规性", "定性", "合规", "%", ("qualitative", None, None, None, ())),
    ("服务周期内空气质量", None, "优良", None, ("qualitative", None, None, None, ())),
    ("消除安全隐患", None, "持续影响", None, ("qualitative", None, None, None, ())),
    ("学生素养", None, "有所提升", None, ("qualitative", None, None, None, ())),
    # 定量 or no operator: direction unknown
    ("出差人数", "定量", "8", "人", (None, 8.0, None, "人", ("operator_unknown",))),
    ("出差人数", "定量指标", "8", "人", (None, 8.0, None, "人", ("operator_unknown",))),
    (
        "工程完工率",
        None,
        "100",
        None,
        (None, 100.0, None, "%", ("operator_unknown", "unit_inferred")),
    ),
    ("主体班培训人次", None, "280人次", None, (None, 280.0, None, "人次", ("operator_unknown",))),
    ("开设课程数量", None, "220", None, (None, 220.0, None, None, ("operator_unknown",))),
    # operator inside the value cell
    ("满意度", None, "≥95%", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "≧95%", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "＞＝95％", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "≥ 95 %", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "不低于95%", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "大于等于95%", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "95%以上", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "95%(含)以上", None, (">=", 95.0, None, "%", ())),
    ("满意度", None, "60%及以上", None, (">=", 60.0, None, "%", ())),
    ("结余率", None, "≤5%", None, ("<=", 5.0, None, "%", ())),
    ("结余率", None, "不超过5%", None, ("<=", 5.0, None, "%", ())),
    ("结余率", None, "5%以内", None, ("<=", 5.0, None, "%", ())),
    ("结余率", None, "5%以下", None, ("<=", 5.0, None, "%", ())),
    ("结余率", None, "5%及以下", None, ("<=", 5.0, None, "%", ())),
    ("科目调整次数", None, "≤10次", None, ("<=", 10.0, None, "次", ())),
    ("足额保障率", None, "=100%", None, ("=", 100.0, None, "%", ())),
    ("验收合格率", None, ">92%", None, (">", 92.0, None, "%", ())),
    ("示范村数量", None, "≤4", None, ("<=", 4.0, None, None, ())),
    ("建设村庄数量", None, "≥200", None, (">=", 200.0, None, None, ())),
    # ranges
    ("参训年龄", None, "18—54", None, ("range", 18.0, 54.0, None, ())),
    ("参训年龄", None, "18-54岁", None, ("range", 18.0, 54.0, "岁", ())),
    ("参训年龄", None, "18~54", None, ("range", 18.0, 54.0, None, ())),
    ("参训年龄", None, "18～54", None, ("range", 18.0, 54.0, None, ())),
    ("参训年龄", None, "18至54", None, ("range", 18.0, 54.0, None, ())),
    ("达标率区间", None, "90%~100%", None, ("range", 90.0, 100.0, "%", ())),
    ("达标率区间", None, "90%-100%", None, ("range", 90.0, 100.0, "%", ())),
    ("单价", None, "1.5–2.5万元", None, ("range", 1.5, 2.5, "万元", ())),
    ("成本控制率", None, "-10～10%", None, ("range", -10.0, 10.0, "%", ())),
    # units glued to values, and unit words
    ("雾炮车射程", None, "≥80M", None, (">=", 80.0, None, "米", ())),
    ("雾炮车射程", None, "≥80m", None, (">=", 80.0, None, "米", ())),
    ("配备车辆数", None, "10辆", None, (None, 10.0, None, "辆", ("operator_unknown",))),
    ("控制在预算成本内", None, "250万", None, (None, 250.0, None, "万元", ("operator_unknown",))),
    ("补贴标准", None, "1600元/亩", None, (None, 1600.0, None, "元/亩", ("operator_unknown",))),
    ("维修面积", None, "≥400平方米", None, (">=", 400.0, None, "平方米", ())),
    ("维修面积", None, "≥400㎡", None, (">=", 400.0, None, "平方米", ())),
    ("维修面积", None, "≥400m²", None, (">=", 400.0, None, "平方米", ())),
    ("验收合格率", None, "≥98百分比", None, (">=", 98.0, None, "%", ())),
    ("资金支付及时率", None, "100百分比", None, (None, 100.0, None, "%", ("operator_unknown",))),
    ("数量指标", "≥", "50", "个", (">=", 50.0, None, "个", ())),
    ("人均成本", "≤", "300", "元/人天", ("<=", 300.0, None, "元/人天", ())),
    ("人均成本", "≤", "300", "元/人·天", ("<=", 300.0, None, "元/人天", ())),
    ("道路长度", "≥", "12", "km", (">=", 12.0, None, "公里", ())),
    ("道路长度", "≥", "12", "千米", (">=", 12.0, None, "公里", ())),
    ("清运量", "≥", "300", "吨", (">=", 300.0, None, "吨", ())),
    ("覆盖率", "≥", "96", "％", (">=", 96.0, None, "%", ())),
    ("质优率", "≥", "96", "%", (">=", 96.0, None, "%", ())),
    ("人数", "≥", "1,087", "人", (">=", 1087.0, None, "人", ())),
    ("资金规模", "≤", "1,350.75", "万元", ("<=", 1350.75, None, "万元", ())),
    ("服务时长", "≥", "8", "小时", (">=", 8.0, None, "小时", ())),
    ("水标尺宽度", None, "≥50厘米", None, (">=", 50.0, None, "厘米", ())),
    # unit column disagrees with the unit glued to the value (岳阳楼区: 28.8万元 with unit %)
    (
        "项目成本",
        "定量",
        "28.8万元",
        "%",
        (None, 28.8, None, "万元", ("unit_conflict", "operator_unknown")),
    ),
    # deadlines
    ("工作完成时间", "定性", "2026年12月31日前", None, ("qualitative", None, None, None, ())),
    ("完成时限", None, "2025年10月底前", None, ("<=", None, None, None, ())),
    ("验收时间", None, "9月前", None, ("<=", None, None, None, ())),
    ("验收时间", None, "11月前", None, ("<=", None, None, None, ())),
    ("验收时间", None, "12月底前", None, ("<=", None, None, None, ())),
    ("完成时间", None, "年底前", None, ("<=", None, None, None, ())),
    ("服务周期", None, "2023.07-2024.01", None, ("<=", None, None, None, ())),
    # Excel artefacts
    ("项目财政资金到位时间", "=", "44,561", None, ("<=", None, None, None, ("excel_date",))),
    ("工作计划按时完成时间", "=", "44561", None, ("<=", None, None, None, ("excel_date",))),
    (
        "结转结余率",
        None,
        "0.0900000762939453",
        None,
        (None, 9.0, None, "%", ("operator_unknown", "excel_float")),
    ),
    (
        "结转结余变动率",
        None,
        "-0.300000152587891",
        None,
        (None, -30.0, None, "%", ("operator_unknown", "excel_float")),
    ),
    (
        "人均经费",
        None,
        "2.50000001192093",
        "万元",
        (None, 2.5, None, "万元", ("operator_unknown", "excel_float")),
    ),
    # OCR and crawler damage
    ("验收合格率", None, "292%", None, (">=", 92.0, None, "%", ("operator_repaired",))),
    ("群众满意度", None, "295%", None, (">=", 95.0, None, "%", ("operator_repaired",))),
    ("验收合格率", None, "20100%", None, (None, 20100.0, None, "%", ("operator_unknown",))),
    ("修缮面积", None, "》 500", "亩", (">=", 500.0, None, "亩", ("operator_repaired",))),
    ("补助标准", "》", "1600", "元/亩", (">=", 1600.0, None, "元/亩", ("operator_repaired",))),
    (
        "资金总额",
        None,
        "968.191 8",
        "万元",
        (None, 968.1918, None, "万元", ("number_repaired", "operator_unknown")),
    ),
    ("满意度", None, "≥95%??", None, (">=", 95.0, None, "%", ("text_repaired",))),
    # OCR's stand-ins for signs before a number, its letters for digits
    ("检查次数", None, "$2次", None, (">=", 2.0, None, "次", ("operator_repaired",))),
    ("宣传次数", None, "^20次", None, (">=", 20.0, None, "次", ("operator_repaired",))),
    ("验收通过率", None, "工９５％", None, (">=", 95.0, None, "%", ("operator_repaired",))),
    ("完成率", None, "═１００%", None, ("=", 100.0, None, "%", ("operator_repaired",))),
    ("预算调整率", None, "小于等于3O%", None, ("<=", 30.0, None, "%", ("ocr_repaired",))),
    ("维修次数", None, "≥2O次", None, (">=", 20.0, None, "次", ("ocr_repaired",))),
    ("工程进度", None, "工程竣工", None, ("qualitative", None, None, None, ())),
    # a rate printed with 每 before its number: the unit counted per it
    ("造林补助", None, "每亩300元", None, (None, 300.0, None, "元/亩", ("operator_unknown",))),
    (
        "生活补助",
        None,
        "每人每年1500元",
        None,
        (None, 1500.0, None, "元/人·年", ("operator_unknown",)),
    ),
    ("巡查频次", None, "每年2次", None, (None, 2.0, None, "次/年", ("operator_unknown",))),
    ("抚育补助", None, "每亩100", None, (None, 100.0, None, None, ("operator_unknown",))),
]


@pytest.mark.parametrize(("name", "op", "value", "unit", "expected"), TARGETS)
def test_read_target(
    name: str,
    op: str | None,
    value: str | None,
    unit: str | None,
    expected: tuple[str | None, float | None, float | None, str | None, tuple[str, ...]],
) -> None:
    from jixiao.normalizers.indicators import _infer_missing_unit

    target = _infer_missing_unit(
        read_target(_row(name, op, value, unit), 2025), _row(name, op, value, unit)
    )
    got = (
        target.operator,
        target.value,
        target.value_max,
        target.unit,
        tuple(sorted(target.flags)),
    )
    want = (*expected[:4], tuple(sorted(expected[4])))
    assert got == want


DEADLINES = [
    ("2026年12月31日前", 2026, "2026-12-31"),
    ("2025年10月底前", 2025, "2025-10-31"),
    ("2025年10月末", 2025, "2025-10-31"),
    ("2024年2月底前", 2024, "2024-02-29"),
    ("9月前", 2023, "2023-08-31"),
    ("11月前", 2023, "2023-10-31"),
    ("12月底前", 2022, "2022-12-31"),
    ("10月底", 2022, "2022-10-31"),
    ("年底前", 2021, "2021-12-31"),
    ("2021年年底前", None, "2021-12-31"),
    ("年内", 2021, "2021-12-31"),
    ("2023.07-2024.01", 2023, "2024-01-31"),
    ("2025-06-30", None, "2025-06-30"),
    ("2025.6.30前", None, "2025-06-30"),
    ("9月前", None, None),
    ("效果明显", 2023, None),
    ("13月前", 2023, None),
]


@pytest.mark.parametrize(("text", "year", "expected"), DEADLINES)
def test_deadline(text: str, year: int | None, expected: str | None) -> None:
    assert deadline(text, year) == expected


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (44561, "2021-12-31"),
        (44562, "2022-01-01"),
        (45291, "2023-12-31"),
        (25569, "1970-01-01"),
        (100, None),
        (44561.5, None),
        (99999, None),
    ],
)
def test_excel_serial_date(serial: float, expected: str | None) -> None:
    assert excel_serial_date(serial) == expected


REPAIRS = [
    ("指標(biāo)名称", "指標名称", ("pinyin_removed",)),
    ("產出(chǎn)指標(biāo)", "產出指標", ("pinyin_removed",)),
    ("满意度(mǎn)", "满意度", ("pinyin_removed",)),
    ("服务对象??满意度", "服务对象 满意度", ("text_repaired",)),
    ("服务对象满意度", "服务对象满意度", ()),
    ("Excel(abc)", "Excel(abc)", ()),
]


@pytest.mark.parametrize(("raw", "expected", "flags"), REPAIRS)
def test_repair_text(raw: str, expected: str, flags: tuple[str, ...]) -> None:
    assert repair_text(raw) == (expected, flags)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("968.191 8", "968.1918"),
        ("7 242 318", "7242318"),
        ("12 次", "12 次"),
        ("2025 年", "2025 年"),
        ("95", "95"),
    ],
)
def test_join_spaced_number(raw: str, expected: str) -> None:
    assert join_spaced_number(raw)[0] == expected


FOLDS = [
    ("指標", "指标"),
    ("產出指標", "产出指标"),
    ("滿意度", "满意度"),
    ("時效指標", "时效指标"),
    ("（一）", "(一)"),
    ("＞＝", ">="),
    ("％", "%"),
    ("*三级指标", "三级指标"),
    ("<b>*三级指标</b>", "三级指标"),
    ("评（扣）分标准", "评(扣)分标准"),
    ("指標(biāo)", "指标"),
    ("一 级 指 标", "一级指标"),
    ("“三公经费”", '"三公经费"'),
    ("　全角空格", "全角空格"),
]


@pytest.mark.parametrize(("raw", "expected"), FOLDS)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def _fold_in_two_passes(text: str) -> str:
    """fold as written before its punctuation and traditional tables became one: the
    reference for the one-pass fold."""
    text = unicodedata.normalize("NFKC", strip_html(text)).translate(_EXTRA_FOLD)
    text = _PINYIN_GLOSS.sub("", text).translate(traditional_map())
    return _FOLD_DROP.sub("", text)


def test_fold_in_one_pass_is_fold_in_two() -> None:
    table = traditional_map()
    texts = [raw for raw, _ in FOLDS]
    # every traditional character, before a pinyin gloss and inside the punctuation folded
    texts += [f"{chr(k)}(biāo)【{chr(k)}】、“{chr(k)}”。" for k in table]
    texts += [f"产{chr(k)}(xiàng)" for k in _EXTRA_FOLD]
    assert [fold(text) for text in texts] == [_fold_in_two_passes(text) for text in texts]


LEVELS = [
    ("产出指标", None, "产出指标", None),
    ("产出", None, "产出指标", None),
    ("一、产出指标", None, "产出指标", None),
    ("产出指标(50分)", None, "产出指标", None),
    ("产出指标（50分）", None, "产出指标", None),
    ("(一)产出指标", None, "产出指标", None),
    ("项目完成指标", None, "产出指标", None),
    ("效益指标", None, "效益指标", None),
    ("效果指标", None, "效益指标", None),
    ("效果", None, "效益指标", None),
    ("效益指标(30分)", None, "效益指标", None),
    ("满意度指标", None, "满意度指标", "服务对象满意度指标"),
    ("满意度指标(10分)", None, "满意度指标", "服务对象满意度指标"),
    ("成本指标", None, "成本指标", None),
    ("投入管理指标", None, "投入管理指标", None),
    ("產出指標", None, "产出指标", None),
    ("产出指标", "数量", "产出指标", "数量指标"),
    ("产出指标", "产出数量", "产出指标", "数量指标"),
    ("产出指标", "数量目标", "产出指标", "数量指标"),
    ("产出指标", "质量", "产出指标", "质量指标"),
    ("产出指标", "产出质量指标", "产出指标", "质量指标"),
    ("产出指标", "时效", "产出指标", "时效指标"),
    ("产出指标", "进度指标", "产出指标", "时效指标"),
    ("产出指标", "产出成本", "产出指标", "成本指标"),
    ("成本指标", "经济成本", "成本指标", "经济成本指标"),
    ("成本指标", "社会成本指标", "成本指标", "社会成本指标"),
    ("成本指标", "环境成本", "成本指标", "生态环境成本指标"),
    ("效益指标", "经济效益", "效益指标", "经济效益指标"),
    ("效益指标", "社会效益", "效益指标", "社会效益指标"),
    ("效益指标", "环境效益指标", "效益指标", "生态效益指标"),
    ("效益指标", "生态环境效益", "效益指标", "生态效益指标"),
    ("效益指标", "可持续影响", "效益指标", "可持续影响指标"),
    ("效益指标", "可持续效益", "效益指标", "可持续影响指标"),
    ("效益指标", "可持续影响指标", "效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度", "满意度指标", "服务对象满意度指标"),
    ("满意度指标", "社会公众或服务对象满意度指标", "满意度指标", "服务对象满意度指标"),
    ("服务对象满意度指标", None, "满意度指标", "服务对象满意度指标"),
    ("投入管理指标", "预算和财务管理", "投入管理指标", "预算和财务管理"),
    ("投入管理指标", "预算与财务管理", "投入管理指标", "预算和财务管理"),
    ("产出指标", "重点工作任务完成", "产出指标", "重点工作任务完成"),
    ("效益指标", "履职效益", "效益指标", "履职效益"),
    ("效益指标", "满意度", "效益指标", "满意度"),
    (None, "经济效益指标", "效益指标", "经济效益指标"),
    (None, "服务对象满意度指标", "满意度指标", "服务对象满意度指标"),
    # a level-1 name read in the level-2 column
    (None, "产出指标", "产出指标", None),
    (None, "效益指标(30分)", "效益指标", None),
    ("產出指標", "數量指標", "产出指标", "数量指标"),
]


@pytest.mark.parametrize(("raw1", "raw2", "level1", "level2"), LEVELS)
def test_level_variants(
    raw1: str | None, raw2: str | None, level1: str, level2: str | None
) -> None:
    levels = LevelTracker().resolve(raw1, raw2)
    assert (levels.level1, levels.level2) == (level1, level2)


UNITS = [
    ("%", "%"),
    ("％", "%"),
    ("百分比", "%"),
    ("百分率", "%"),
    ("‰", "‰"),
    ("个百分点", "个百分点"),
    ("元", "元"),
    ("万元", "万元"),
    ("万", "万元"),
    ("亿元", "亿元"),
    ("元/人", "元/人"),
    ("元/亩", "元/亩"),
    ("元/㎡", "元/平方米"),
    ("个", "个"),
    ("项", "项"),
    ("篇", "篇"),
    ("人次", "人次"),
    ("人/次", "人次"),
    ("户", "户"),
    ("家", "家"),
    ("次", "次"),
    ("场次", "场次"),
    ("天", "天"),
    ("工作日", "工作日"),
    ("小时", "小时"),
    ("个月", "个月"),
    ("公里", "公里"),
    ("千米", "公里"),
    ("km", "公里"),
    ("米", "米"),
    ("m", "米"),
    ("M", "米"),
    ("平方米", "平方米"),
    ("㎡", "平方米"),
    ("m²", "平方米"),
    ("平米", "平方米"),
    ("亩", "亩"),
    ("公顷", "公顷"),
    ("立方米", "立方米"),
    ("m³", "立方米"),
    ("吨", "吨"),
    ("千克", "千克"),
    ("kg", "千克"),
    ("分", "分"),
    ("级", "级"),
    ("套", "套"),
    ("台", "台"),
    ("辆", "辆"),
    ("所", "所"),
]


@pytest.mark.parametrize(("raw", "expected"), UNITS)
def test_unit_variants(raw: str, expected: str) -> None:
    assert canonical_unit(raw) == expected


def test_there_are_at_least_300_cases(request: pytest.FixtureRequest) -> None:
    """The normalizer tables (this module and test_normalizers) hold 300+ raw -> canonical cases."""
    items = request.session.items
    tables = [
        i
        for i in items
        if i.module.__name__ in ("tests.test_normalizer_cases", "tests.test_normalizers")
    ]
    if len(items) < 300:
        pytest.skip("run with the whole normalizer suite")
    assert len([i for i in tables if "[" in i.name]) >= 300


FUZZY = [
    (None, "社会经济效益指标", "效益指标", "经济效益指标"),
    ("产出指标", "产出数量性指标", "产出指标", "数量指标"),
    ("产出指标", "时效性指标", "产出指标", "时效指标"),
    ("产出指标", "工作质量指标", "产出指标", "质量指标"),
]


@pytest.mark.parametrize(("raw1", "raw2", "level1", "level2"), FUZZY)
def test_unlisted_level_names_match_fuzzily(
    raw1: str | None, raw2: str, level1: str, level2: str
) -> None:
    levels = LevelTracker().resolve(raw1, raw2)
    assert (levels.level1, levels.level2) == (level1, level2)
    assert "level_fuzzy" in levels.flags
