"""What the row recognizer sees in one cell: its kind, its role costs, where a glued piece
may be cut, and how a glued run of digits is cut again by the form's arithmetic."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.parsers.recognizer.arithmetic import _cuts, resolve_numbers
from jixiao.parsers.recognizer.costs import (
    _EXPLANATION_OPENER,
    _GLUED_NUMBER,
    _NOT_A_QUANTITY,
    _number_inside,
    _number_run,
    _words_after_a_number,
    cell_costs,
)
from jixiao.parsers.recognizer.decode import Cell
from jixiao.parsers.recognizer.glue import glue_points
from jixiao.parsers.recognizer.kinds import _SENTENCE, Kind, cell_info
from jixiao.parsers.recognizer.lattice import (
    Sep,
    beside_wrapped_first,
    unspaced_level,
    wrap_width,
)
from jixiao.parsers.recognizer.separators import (
    HARD_SEPARATOR,
    hard_cells,
    has_hard_separator,
)
from jixiao.records import Role, TextLine
from jixiao.text import _FOLD_DROP, _without_dropped
from jixiao.vocab import vocabulary


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("面积万亩0.910010主要林业有害生物成灾率%0.4100.1", False),  # decimal points
        ("资金1,000万元", False),  # a thousands comma
        ("按时完成,质量合格", True),
        ("按时完成。", False),  # a final stop is not inside
    ],
)
def test_sentence_punctuation_is_not_a_decimal_point(text: str, sentence: bool) -> None:
    assert cell_info(text).sentence is sentence


def test_a_unit_before_a_glued_number_may_be_cut_off() -> None:
    """ "…管网长度公里120": the unit column's 公里 between the name and the number."""
    piece = "新建改造供水管网长度公里120"
    assert (piece.index("公里"), "unit") in glue_points(piece)


@pytest.mark.parametrize(
    ("piece", "unit_at"),
    [
        ("新建泵站数量座310", 6),  # one character after a word ending as names do
        ("培训次320", None),  # 次 is no unit column here: 培训 does not end as names do
    ],
)
def test_a_one_character_unit_before_a_glued_number(piece: str, unit_at: int | None) -> None:
    units = [at for at, kind in glue_points(piece) if kind == "unit"]
    assert units == ([unit_at] if unit_at is not None else [])


def test_a_cell_may_end_before_its_words_are_restated() -> None:
    piece = "已建工程是否存在质量问题当年已完工项目是否在检查中发现质量问题"
    assert (piece.index("当年"), "restated") in glue_points(piece)
    # two rows' names sharing words, a row's numbers between: no point
    rows = "天然林和公益林管护当期任务完成率%901010010国家级公益林管护面积"
    assert not [at for at, kind in glue_points(rows) if kind == "restated"]


def test_a_name_restating_its_own_words_costs_more() -> None:
    name = cell_costs("已建工程是否存在质量问题").roles[Role.NAME]
    both = cell_costs("已建工程是否存在质量问题当年已完工项目是否在检查中发现质量问题").roles[
        Role.NAME
    ]
    assert both >= name + 1.0


@pytest.mark.parametrize(
    ("run_on", "name"),
    [
        ("项目实施时间2021年1月-12月资金拨付", "项目实施时间"),  # a period, then a name
        ("雾炮车服务配备车辆数10辆雾炮车风炮射程", "雾炮车服务配备车辆数"),  # a target, then a name
    ],
)
def test_a_name_holding_its_target_and_the_next_name_costs_more(run_on: str, name: str) -> None:
    assert cell_costs(run_on).roles[Role.NAME] >= cell_costs(name).roles[Role.NAME] + 0.8
    # a quantity inside a name that does not end before it is part of the name
    assert cell_costs("完成120户改造").roles[Role.NAME] < cell_costs(run_on).roles[Role.NAME]


def test_a_name_holding_numbers_run_together_costs_more() -> None:
    clean = cell_costs("享受资助人数达到预计值").roles[Role.NAME]
    run_on = cell_costs("享受资助人数达到预计值210010资金支出率达到目标值").roles[Role.NAME]
    quantity = cell_costs("完成120户改造").roles[Role.NAME]
    assert run_on >= clean + 0.8
    assert quantity < run_on  # a number with its unit inside a name is a quantity


def test_a_cell_holding_rows_run_together_costs_more_as_a_remark() -> None:
    one = cell_costs("国家级公益林管护面积万亩").roles[Role.REMARK]
    rows = cell_costs("国家级公益林管护面积万亩2810810森林抚育面积万亩2110110").roles[Role.REMARK]
    assert rows > one + 1.0


def test_a_name_run_into_its_explanation_costs_more() -> None:
    name = cell_costs("餐具消毒合格率").roles[Role.NAME]
    run_on = cell_costs("餐具消毒合格率反映餐具消毒质量情况").roles[Role.NAME]
    assert run_on >= name + 0.8
    # 反映 inside a name that does not end before it is part of the name
    assert cell_costs("群众反映问题办结率").roles[Role.NAME] <= name + 0.1


@pytest.mark.parametrize(
    "text",
    [
        "反映餐具消毒质量情况295%设备维修及时率反映设备维修响应情况",  # two explanations
        "反映餐具消毒质量情况29",  # the next cell's number glued on
    ],
)
def test_an_explanation_holding_another_rows_cells_costs_more(text: str) -> None:
    one = cell_costs("反映餐具消毒质量情况").roles[Role.EXPLANATION]
    assert cell_costs(text).roles[Role.EXPLANATION] >= one + 0.8


def test_ocrs_two_for_at_least_is_no_percentage_over_100() -> None:
    assert cell_costs("295%").roles[Role.VALUE] < cell_costs("395%").roles[Role.VALUE]
    # "20100%" is a weight and a target run on: no number prints as "0100"
    assert cell_costs("20100%").roles[Role.VALUE] == cell_costs("395%").roles[Role.VALUE]


def test_every_cut_of_a_digit_run_into_whole_numbers() -> None:
    assert list(_cuts("9010", 2)) == [("90", "10"), ("901", "0")]  # never "010"
    assert ("0.9", "10", "0", "10") in set(_cuts("0.910010", 4))
    assert all(
        not piece.startswith("0") or piece == "0" or piece.startswith("0.")
        for pieces in _cuts("100100", 3)
        for piece in pieces
    )


def _row(*cells: tuple[str, Role | None]) -> list[Cell]:
    return [Cell(i, i + 1, text, role) for i, (text, role) in enumerate(cells)]


def test_a_glued_run_is_cut_into_the_numeric_columns() -> None:
    row = _row(
        ("天然林管护任务完成率", Role.NAME),
        ("%", Role.UNIT),
        ("9010", Role.VALUE),
        ("10010", Role.ACTUAL),
    )
    columns = (Role.UNIT, Role.VALUE, Role.WEIGHT, Role.ACTUAL, Role.SCORE)
    joined = [False, False, True, True, True]  # the numbers glued to each other and the unit
    (resolved,), _ = resolve_numbers([row], columns, joined)
    numbers = [
        (c.text, c.role)
        for c in resolved
        if c.role in (Role.VALUE, Role.WEIGHT, Role.ACTUAL, Role.SCORE)
    ]
    assert numbers == [
        ("90", Role.VALUE),
        ("10", Role.WEIGHT),
        ("100", Role.ACTUAL),
        ("10", Role.SCORE),
    ]


def test_numbers_printed_apart_are_not_cut_again() -> None:
    row = _row(
        ("群众满意度", Role.NAME), ("%", Role.UNIT), ("9010", Role.VALUE), ("10010", Role.ACTUAL)
    )
    columns = (Role.UNIT, Role.VALUE, Role.WEIGHT, Role.ACTUAL, Role.SCORE)
    (resolved,), _ = resolve_numbers([row], columns, [False] * 5)
    assert [c.text for c in resolved] == ["群众满意度", "%", "9010", "10010"]


def test_one_number_printed_apart_is_not_cut() -> None:
    """ "科目调整次数≤10次 22.5 时效指标…": 22.5 glued to nothing is one number (its digits
    are two atoms, "2" and "2.5", only because digits are cut points in glued text)."""
    row = [
        Cell(0, 1, "科目调整次数", Role.NAME),
        Cell(1, 2, "≤10次", Role.VALUE),
        Cell(2, 4, "22.5", Role.WEIGHT),
    ]
    columns = (Role.VALUE, Role.ACTUAL, Role.WEIGHT, Role.SCORE)
    joined = [False, True, False, True, False]  # 次 glued to its name; "2" + "2.5"
    (resolved,), _ = resolve_numbers([row], columns, joined)
    assert [c.text for c in resolved][-1] == "22.5"


def test_one_number_alone_in_a_pipe_cell_is_not_cut() -> None:
    """A self-evaluation row with its 分值 and 得分 left empty: the actual "98.79" is one
    number, not "98.7" and a weight of 9 filling the empty column."""
    row = _row(("参训学员结业考核通过率", Role.NAME), ("=100%", Role.VALUE), ("98.79", Role.ACTUAL))
    columns = (Role.VALUE, Role.ACTUAL, Role.WEIGHT, Role.SCORE)
    (resolved,), _ = resolve_numbers([row], columns, [False] * 3, hard_cells=True)
    assert [(c.text, c.role) for c in resolved][-1] == ("98.79", Role.ACTUAL)


@pytest.mark.parametrize(
    "text", ["2020年1月--2020年11月", "2021.1.1-12.31", "2021年1月-12月", "2021年1月至2021年12月"]
)
def test_a_period_is_a_date(text: str) -> None:
    """A period printed as a target ("各项费用使用周期 | 2020年1月--2020年11月") reads as one."""
    assert cell_info(text).kind is Kind.DATE


def test_an_ordinal_stays_whole_and_is_no_value() -> None:
    """ "2、" opening a document site's second page (or a list item) is one piece, read as a
    page marker: never the number 2 of a row."""
    assert cell_info("2、").kind is Kind.PAGE
    assert (1, "class") not in glue_points("2、与短期预报报告次数")
    assert cell_info("2").kind is Kind.NUMBER


@pytest.mark.parametrize("text", ["2018-2022", "2018—2022年", "2018年至2022年"])
def test_a_span_of_years_is_a_date(text: str) -> None:
    """A period target ("取得2018-2022…监测资料"), never a target and an actual."""
    assert cell_info(text).kind is Kind.DATE


def test_a_result_word_written_with_zhu_stays_a_result_word() -> None:
    """著 is simplified text too: folding 显著 to 显着 made it plain text, and a row
    "提高就业率 | 显著 | 显著 | 6 | 6" split in two."""
    assert cell_info("显著").kind is Kind.QUALITATIVE
    assert cell_info("顯著").kind is Kind.QUALITATIVE  # traditional 顯 still folds


def test_a_scoring_rule_cut_before_its_points_is_no_name() -> None:
    """ "…实施方案,得" | "3" | "分": a rule of a scoring sheet cut at its points, not a row."""
    cut = cell_costs("制定有耕地地力保护补贴项目实施方案,得").roles[Role.NAME]
    whole = cell_costs("制定有耕地地力保护补贴项目实施方案").roles[Role.NAME]
    assert cut >= whole + 1.0
    assert cell_costs("按时报送补贴面积的得").roles[Role.NAME] >= 1.0
    assert cell_costs("资源取得").roles[Role.NAME] < 1.0  # a name may end in 取得


@pytest.mark.parametrize(
    "fragment", ["控制率在±10%以内得", "分,±10-15%以内得", "分)履职履责", ",组织人员到乡镇"]
)
def test_a_piece_of_a_cut_scoring_rule_is_no_name(fragment: str) -> None:
    """A rule's text cut at its points ("…以内得 | 5 | 分,…"), or a text opening where
    another cell's text ended ("分)…"), costs more as a name than as the rest of a cell."""
    assert cell_costs(fragment).roles[Role.NAME] >= 1.0
    assert cell_costs("控制率在规定范围以内").roles[Role.NAME] < 1.0


def test_a_level_printing_its_groups_points_is_no_name() -> None:
    """满意度指标(10分) heads a group; as a name it costs more than a plain level name."""
    grouped = cell_costs("服务对象满意度指标(10分)").roles[Role.NAME]
    plain = cell_costs("服务对象满意度指标").roles[Role.NAME]
    assert grouped >= plain + 1.0


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("成本指 标(5 分)", "成本指标(5分)"),
        ("满意 度指 标 (10 分)", "满意度指标(10分)"),
        ("  效益指 标", "效益指标"),
        ("群众 满意度", "群众 满意度"),  # no level name: as printed
        ("产出指标 | 数量指标", "产出指标 | 数量指标"),  # cells, not one spaced name
        ("产出指标  数量指标", "产出指标  数量指标"),  # a run of spaces cuts cells
    ],
)
def test_a_level_name_printed_with_spaces_inside_is_read_whole(line: str, read: str) -> None:
    assert unspaced_level(line) == read


@pytest.mark.parametrize(
    ("text", "number"), [("95%以上", 95.0), ("60%及以上", 60.0), ("5%以下", 5.0)]
)
def test_a_number_before_an_operator_word_is_a_target(text: str, number: float) -> None:
    """ "资助对象满意度达到目标值 | 95%以上 | 10": the target, not an explanation."""
    info = cell_info(text)
    assert (info.kind, info.number) == (Kind.QUANTITY, number)


def test_a_word_after_a_number_that_is_no_operator_stays_text() -> None:
    assert cell_info("10个以上单位").kind is Kind.TEXT


_WRAPPED = (
    "目标名称 评分细则 分值 得分 制度建设 制定专项资金管理办法并印发执行, 管理办法内容完整、职责明确的,得4 "
    "分,未制定的不得分。 4 4 上级资金按时足额拨付到项目单位的 资金到位,得5分,每延迟一个月扣1分,扣完为 "
    "止;挪用资金的不得分。 5 4 项目资料收集整理完整规范,归档及 档案管理 时,台账清晰的,得3分;资料缺失一项 "
    "扣1分,扣完为止。 3 3 项目完工后按规定组织验收并出具验 验收情况收报告,发现问题及时整改的,得6分, "
    "未验收的不得分。 6 6 随机走访受益群众不少于20户,满意 群众 评价 度达到90%以上的得4分,每低5个百分 "
    "点扣1分。 4 3"
)


def test_the_width_cells_were_wrapped_at_shows_in_their_lines() -> None:
    """Many pieces a line wide (16 full-width characters; ASCII counts half), none wider
    but a short text run into a line, at least twice."""
    assert wrap_width((TextLine(1, _WRAPPED),)) == 16
    plain = "产出指标 数量指标 培训人次 ≥100人次 10 质量指标 培训合格率 ≥95% 10"
    assert wrap_width((TextLine(1, plain),)) is None


def test_text_beside_a_wrapped_cell_goes_back_before_its_first_line() -> None:
    pieces = beside_wrapped_first([(None, p) for p in _WRAPPED.split(" ")], 16)
    texts = [text for _, text in pieces]
    at = texts.index("资金到位")  # run into the rule's second line: cut off, put first
    assert texts[at + 1 : at + 3] == [
        "上级资金按时足额拨付到项目单位的",
        ",得5分,每延迟一个月扣1分,扣完为",
    ]
    assert pieces[at + 1][0] is Sep.WIDE  # the name and the rule are two cells
    assert texts[texts.index("档案管理") + 1] == "项目资料收集整理完整规范,归档及"
    assert "群众评价" in texts  # the name column wrapped too: its pieces join
    assert texts.index("制度建设") < texts.index("制定专项资金管理办法并印发执行,")


@given(st.text(alphabet="ab |｜\t\u3000中≥"))
def test_a_line_is_cut_at_hard_separators_as_the_pattern_cuts_it(text: str) -> None:
    """hard_cells and has_hard_separator (str methods, for speed) are the pattern's split and
    search, on every mix of "|", "｜", tabs and other characters."""
    assert hard_cells(text) == HARD_SEPARATOR.split(text)
    assert has_hard_separator(text) == bool(HARD_SEPARATOR.search(text))


# the cost patterns as they were first written; the package's open with a digit or a word the
# search can skip to, and must find the same places
_GLUED_REFERENCE = r"(?<=[\u4e00-\u9fff%)）])(?:\d[\d.]*(?=[\u4e00-\u9fff(（])(?![年月日])|\d{3,}$)"
_OPENER_REFERENCE = r"(?<!^)(?<!用以)(?<!主要)(?<!用于)反映|(?<!^)该指标"
_RUN_REFERENCE = r"%\d|\d[^\d.,]+\d+%?$|[\u4e00-\u9fff]\d{4,}$"


def _inside_reference() -> str:
    units = _words_after_a_number(vocabulary().unit_variants)
    return (
        rf"(?<=[\u4e00-\u9fff%])(?:\d{{6,}}|\d{{2,}}(?:\.\d+)?%?(?!{_NOT_A_QUANTITY}|{units}))"
        r"(?=[\u4e00-\u9fff])"
    )


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@given(st.text(alphabet="改善率万亩元/人个年月日期120.,%)）(（反映该指标用以主要于"))
def test_the_cost_patterns_find_what_they_were_written_to_find(text: str) -> None:
    """Rewritten to open with what a search can skip to (a digit, 反映), the patterns match
    the same places as the patterns first written."""
    assert _spans(_GLUED_NUMBER, text) == _spans(re.compile(_GLUED_REFERENCE), text)
    assert _spans(_EXPLANATION_OPENER, text) == _spans(re.compile(_OPENER_REFERENCE), text)
    assert _spans(_number_inside(), text) == _spans(re.compile(_inside_reference()), text)
    assert _number_run(text) == bool(re.search(_RUN_REFERENCE, text))


_SENTENCE_REFERENCE = r"[;。，；]|(?<!\d)[,.]|[,.](?!\d)"


@given(st.text(alphabet="12,.;。，；改a"))
def test_sentence_punctuation_is_found_where_it_was(text: str) -> None:
    """The punctuation pattern, one class first, finds what its three branches found."""
    assert _spans(_SENTENCE, text) == _spans(re.compile(_SENTENCE_REFERENCE), text)


@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000\u200b*＊中a"))
def test_folding_drops_what_the_pattern_drops(text: str) -> None:
    """Whitespace (as `\\s` matches it, U+3000 too) and asterisks are dropped by str methods
    exactly as by the pattern; a zero-width space is no whitespace and stays."""
    assert _without_dropped(text) == _FOLD_DROP.sub("", text)
