"""The cost of each role for a cell, from what it holds (`kinds`) and `jixiao/data/rows.toml`."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final, TypeAlias

from librt.vecs import vec
from mypy_extensions import i64

from jixiao.parsers.recognizer.glue import RESTATED
from jixiao.parsers.recognizer.kinds import (
    GROUP_POINTS,
    KIND_EXPLANATION,
    KIND_LONG,
    KIND_NUMBER,
    KIND_QUANTITY,
    KIND_TEXT,
    KIND_WEIGHT,
    NAME_ENDINGS,
    NAME_THEN_EXPLANATION,
    WHOLE_LEVELS,
    CellInfo,
    Kind,
    cell_info,
    holds_explanation_opener,
)
from jixiao.records import Role
from jixiao.repairs import DIGIT, ocr_two_for_ge
from jixiao.roles import ROLE_ACTUAL, ROLE_CODE, ROLE_NAME, ROLE_SCORE, ROLE_VALUE, ROLE_WEIGHT
from jixiao.text import fold
from jixiao.vocab import derived, field_labels, memo_table, remember, vocabulary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SKIP: Final = "skip"
# "92%10", "30…30", "明显改善明显改善", "…面积万亩2810810": what several cells hold, run together
_RUN_ON_ROLES: Final[tuple[Role, ...]] = (
    Role.VALUE,
    Role.ACTUAL,
    Role.DEVIATION,
    Role.REMARK,
    Role.STANDARD,
    Role.EXPLANATION,
)
# numbers run together at the end of a text (_number_run; a run printed twice, "%" before a
# digit and a number glued inside are asked for apart)
_NUMBER_RUN_END: Final = re.compile(r"\d[^\d.,]+\d+%?$|[\u4e00-\u9fff]\d{4,}$")
# a number glued between words ("…万亩2810810森林…"), not a date: rows run together
# (each such pattern opens with its first digit, the character before it looked behind at
# from there: a search then skips to the digits of a text instead of trying every place)
_GLUED_NUMBER: Final = re.compile(
    r"\d(?<=[\u4e00-\u9fff%)）]\d)(?:[\d.]*(?=[\u4e00-\u9fff(（])(?![年月日])|\d{2,}$)"
)


@dataclass(slots=True, init=False, unsafe_hash=True)
class CellCosts:
    info: CellInfo
    roles: dict[Role, float]  # possible roles only
    skip: float
    # the roles within UNLIKELY of the cheapest, as role codes (jixiao.roles.ROLE_CODE) and
    # their costs, unboxed: the decoder reads them for every span of atoms
    codes: vec[i64]
    fits: vec[float]

    def __init__(
        self,
        info: CellInfo,
        roles: dict[Role, float],
        skip: float,
        likely: tuple[tuple[Role, float], ...] = (),
    ) -> None:
        self.info = info
        self.roles = roles
        self.skip = skip
        self.codes = vec[i64]([ROLE_CODE[role] for role, _ in likely])
        self.fits = vec[float]([fit for _, fit in likely])


UNLIKELY: Final = 2.0  # a role this much dearer than the cell's cheapest is never the best reading


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[Kind, tuple[float, dict[Role, float]]], dict[str, float]]:
    """Per kind, its skip cost and its roles' costs (in the file's order); the adjustments."""
    text = resources.files("jixiao.data").joinpath("rows.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    fit = {
        Kind(kind): (
            float(row.get(SKIP, 1.0)),
            {Role(name): float(cost) for name, cost in row.items() if name != SKIP},
        )
        for kind, row in data["fit"].items()
    }
    return fit, {k: float(v) for k, v in data["adjust"].items()}


_CELL_COSTS_MEMO: Final[dict[str, CellCosts]] = memo_table({}, from_vocabulary=True)


def cell_costs(text: str) -> CellCosts:
    """_cell_costs, remembered by text (jixiao.vocab.memo_table)."""
    found = _CELL_COSTS_MEMO.get(text)
    if found is not None:
        return found
    return remember(_CELL_COSTS_MEMO, text, _cell_costs(text), 131072)


def _cell_costs(text: str) -> CellCosts:
    """Role costs of a candidate cell (text as printed)."""
    info = cell_info(text)
    fit, adjust = _tables()
    skip, row = fit[info.kind]
    roles = dict(row)
    if info.kind in (KIND_TEXT, KIND_LONG):
        _adjust_text(info, roles, adjust)
    elif info.kind is KIND_EXPLANATION:
        _adjust_explanation(info, roles, adjust)
    elif info.kind in (KIND_NUMBER, KIND_WEIGHT):
        _adjust_points(info, roles, adjust)
    if info.kind in (KIND_NUMBER, KIND_QUANTITY):
        _adjust_long_number(info, roles, adjust)
    if info.kind is KIND_NUMBER and _MONEY.fullmatch(info.folded):
        for role in (ROLE_VALUE, ROLE_ACTUAL):  # "3,309,840.00": a budget, not a target
            roles[role] += adjust["money_amount"]
    if info.kind in WHOLE_LEVELS and GROUP_POINTS.search(info.folded):
        roles[ROLE_NAME] += adjust["level_with_points_name"]  # 满意度指标(10分): a group
    if info.percent and info.number is not None and info.number > 100:
        over = adjust["percent_over_100"]
        if ocr_two_for_ge(info.folded, info.number, "%") is not None:
            over = adjust["percent_ocr_ge"]  # "295%": "≥95%" as OCR reads it
        for role in (ROLE_VALUE, ROLE_ACTUAL):
            if role in roles:
                roles[role] += over
    cheapest = min(roles.values(), default=0.0)
    likely = tuple([(role, cost) for role, cost in roles.items() if cost <= cheapest + UNLIKELY])
    return CellCosts(info, roles, skip, likely)


@derived
@lru_cache(maxsize=1)
def _level_inside() -> re.Pattern[str]:
    """A level name run into a name (…服务对象满意度指标整编资料审核)."""
    names = {fold(n) for n in vocabulary().level_names if n.endswith("指标") and len(n) >= 4}
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


@derived
@lru_cache(maxsize=1)
def _number_then_result() -> re.Pattern[str]:
    """A number followed by a result word inside a name: "…改善30明显改善" runs cells on."""
    return re.compile(r"\d%?(?:" + vocabulary().qualitative_any.pattern + ")")


def _adjust_long_number(info: CellInfo, roles: dict[Role, float], adjust: dict[str, float]) -> None:
    """A run of six or more digits with no point or comma is rarely one number: numbers
    run together ("901010010" = 90 | 10 | 100 | 10) or a phone number."""
    run = _LEADING_DIGITS.match(info.folded)
    digits = len(run.group(1)) if run else 0
    if digits <= _LONG_DIGITS:
        return
    penalty = (digits - _LONG_DIGITS) * adjust["long_number_per_digit"]
    for role in (ROLE_VALUE, ROLE_ACTUAL):
        if role in roles:
            roles[role] += penalty


_LONG_DIGITS: Final = 5
# a period between words ("…时间2021年1月-12月资金…"): a target run into the next row's name
_PERIOD_INSIDE: Final = re.compile(
    r"[\u4e00-\u9fff](?:\d{4}年)?\d{1,2}月[-~～至—–]\d{1,2}月(?![底末初中前后内])[\u4e00-\u9fff]"
)
_RESTATING_NAME: Final = 16  # characters: shorter, a name holds no explanation restating it
_MONEY: Final = re.compile(r"\d{1,3}(?:,\d{3})+\.\d\d")  # an amount printed as accounts print it
_LEADING_DIGITS: Final = re.compile(r"[<>=≥≤]*(\d+)(?![.,\d])")  # a whole number, no point or comma


@dataclass(slots=True, init=False)  # not frozen, __init__ by hand: see Atom (lattice.py)
class _Probes:
    """Searches more than one test of a text asks for, made once."""

    digits: bool  # the tests that need a digit are false without one
    repeats: bool
    number_then_result: bool
    number_inside: bool

    def __init__(
        self,
        digits: bool,
        repeats: bool,
        number_then_result: bool,
        number_inside: bool,
    ) -> None:
        self.digits = digits
        self.repeats = repeats
        self.number_then_result = number_then_result
        self.number_inside = number_inside


_REPEATS: Final = re.compile(r"(\D{2,8})\1")  # "明显改善明显改善": a cell twice, run together


def _probes(folded: str) -> _Probes:
    digits = bool(DIGIT.search(folded))
    return _Probes(
        digits=digits,
        repeats=bool(_REPEATS.search(folded)),
        number_then_result=digits and bool(_number_then_result().search(folded)),
        number_inside=digits and bool(_number_inside().search(folded)),
    )


def _adjust_text(info: CellInfo, roles: dict[Role, float], adjust: dict[str, float]) -> None:
    probes = _probes(info.folded)
    roles[ROLE_NAME] += _name_shape(info, adjust, probes)
    if info.target_like:
        for role in (ROLE_VALUE, ROLE_ACTUAL):
            roles[role] += adjust["target_like_value"]
        roles[ROLE_NAME] += adjust["target_like_name"]
    elif info.sentence:
        for role in (ROLE_VALUE, ROLE_ACTUAL):
            roles[role] += adjust["sentence_value"]
    folded = info.folded
    if (
        probes.number_then_result
        or probes.repeats
        or probes.number_inside
        or (probes.digits and (_number_run(folded) or _number_opens_words().match(folded)))
    ):
        for role in _RUN_ON_ROLES:  # "改善30明显改善": a weight and results run on
            if role in roles:
                roles[role] += adjust["value_runs_on"]
    if probes.digits:  # numbers glued between words need a number
        _adjust_rows_run_together(info, roles, adjust)


def _adjust_rows_run_together(
    info: CellInfo, roles: dict[Role, float], adjust: dict[str, float]
) -> None:
    """A cell with no sentence punctuation holding numbers glued between words
    ("面积万亩2810810森林抚育面积万亩2110110…") is rows run together, not one cell."""
    if info.sentence:
        return
    extra = len(_GLUED_NUMBER.findall(info.folded)) - 1
    if extra <= 0:
        return
    for role in roles:
        roles[role] += extra * adjust["holds_rows"]


_DIGITS_AFTER_WORDS: Final = re.compile(r"[\u4e00-\u9fff]\d+$")
_EXPLANATION_OPENER: Final = re.compile(  # 反映 or 该指标 after the text's start, not in 主要反映
    r"反映(?<!^反映)(?<!用以反映)(?<!主要反映)(?<!用于反映)|该指标(?<!^该指标)"
)


def _adjust_explanation(info: CellInfo, roles: dict[Role, float], adjust: dict[str, float]) -> None:
    """An explanation holding a second one ("反映…情况292%重要设备…率反映…") or a number
    glued between its words is cells of two rows run together."""
    folded = info.folded
    extra = len(_EXPLANATION_OPENER.findall(folded)) + len(_number_inside().findall(folded))
    extra += bool(_DIGITS_AFTER_WORDS.search(folded))  # "…情况29": the next cell's number
    if extra:
        for role in roles:
            roles[role] += extra * adjust["holds_rows"]


_MORE_DIGITS: Final = r"\d+(?:\.\d+)?%?"  # after a number's first digit
_GLUED_DIGITS: Final = r"\d" + _MORE_DIGITS  # two digits or more
_NOT_A_QUANTITY: Final = "[年月日号期批次个]"  # dates and counters after a number


def _words_after_a_number(*groups: Iterable[str]) -> str:
    words = sorted({w for group in groups for w in group if w[:1] >= "\u4e00"}, key=len)
    return "|".join(re.escape(w) for w in reversed(words))


@derived
@lru_cache(maxsize=1)
def _number_inside() -> re.Pattern[str]:
    """A number of two or more digits glued between words, neither a date nor a quantity
    ("…达到预计值210010资金支出率…": a target and a weight run into the names around); six
    digits or more are never one quantity ("…万亩2110110天保工程…")."""
    units = _words_after_a_number(vocabulary().unit_variants)
    return re.compile(
        rf"\d(?<=[\u4e00-\u9fff%]\d)(?:\d{{5,}}|{_MORE_DIGITS}(?!{_NOT_A_QUANTITY}|{units}))"
        r"(?=[\u4e00-\u9fff])"
    )


@derived
@lru_cache(maxsize=1)
def _name_then_quantity() -> re.Pattern[str]:
    """A name ending as names do, its target and the next row's words after it
    ("…配备车辆数10辆雾炮车…"; not "完成120户改造")."""
    units = _words_after_a_number(vocabulary().unit_variants)
    return re.compile(rf"{NAME_ENDINGS}\d+(?:\.\d+)?(?:{units})[\u4e00-\u9fff]")


@derived
@lru_cache(maxsize=1)
def _number_opens_words() -> re.Pattern[str]:
    """A cell opening with a number glued to words that are not its unit or operator
    ("210010资金支出率…": numbers run into the next row's name; not "20%以上", "3个")."""
    vocab = vocabulary()
    after = _words_after_a_number(vocab.unit_variants, (w for w, _ in vocab.operator_suffixes))
    return re.compile(rf"{_GLUED_DIGITS}(?!{_NOT_A_QUANTITY}|{after})(?=[\u4e00-\u9fff])")


_ENDS_WITH_NUMBER: Final = re.compile(r"\d%?$")
_ENDS_WITH_QUANTITY: Final = re.compile(r"\d[\u4e00-\u9fff]{1,3}$")
_OPERATOR_INSIDE: Final = re.compile(r".[≥≤<>=]")
_PERCENT_THEN_DIGIT: Final = re.compile(r"%\d")
_HEADING: Final = re.compile(r"^[一二三四五六七八九十]+、")
_CUT_BEFORE_POINTS: Final = re.compile(r"(?:[,，的%]得|以[内上下外]得|扣)$")
_CUT_AFTER_CELL: Final = re.compile(r"^(?:分[,，;；。)）]|[)）,，;；。、])")


def _number_run(folded: str) -> bool:
    """Numbers run together: "92%10", "30…30", "…面积万亩2810810"."""
    if _PERCENT_THEN_DIGIT.search(folded):
        return True
    return _ends_like_number(folded) and _NUMBER_RUN_END.search(folded) is not None


def _ends_like_number(folded: str) -> bool:
    return folded[-1:].isdecimal() or folded.endswith("%")  # as \d%?$ needs


def _ends_cjk(folded: str) -> bool:
    return "\u4e00" <= folded[-1:] <= "\u9fff"


# what the shape of a text adds to its cost as a name: (test, adjustment key, the test needs a
# digit in the text); a test reads the folded text and the searches made once (_Probes)
Shape: TypeAlias = tuple[Callable[[str, _Probes], object], str, bool]
_NAME_SHAPES: Final[tuple[Shape, ...]] = (
    (lambda folded, _: folded[:1].isdigit(), "name_from_number", False),
    (lambda folded, _: len(folded) <= 1, "short_name", False),
    # each search behind a test of what it needs, tens of times cheaper (a new text is
    # tested by all of them; most pass none)
    (
        lambda folded, _: _ends_like_number(folded) and _ENDS_WITH_NUMBER.search(folded),
        "name_ends_with_number",
        True,
    ),
    (
        lambda folded, _: _ends_cjk(folded) and _ENDS_WITH_QUANTITY.search(folded),
        "name_ends_with_quantity",
        True,
    ),
    (
        lambda folded, _: not folded.isalnum() and _OPERATOR_INSIDE.search(folded),
        "name_with_operator",
        False,
    ),
    (lambda folded, _: _level_inside().search(folded), "name_with_level", False),
    (lambda _, probes: probes.number_then_result, "name_with_result", True),
    (lambda _, probes: probes.repeats, "name_repeats", False),
    # a name and the explanation restating it (…质量问题当年…发现质量问题), both long
    (
        lambda folded, _: len(folded) >= _RESTATING_NAME and RESTATED.search(folded),
        "name_repeats",
        False,
    ),
    (lambda _, probes: probes.number_inside, "name_holds_number", True),
    # "…審核98%98%19.6": cells run on
    (lambda folded, _: _PERCENT_THEN_DIGIT.search(folded), "name_holds_number", True),
    (
        lambda folded, _: holds_explanation_opener(folded) and NAME_THEN_EXPLANATION.search(folded),
        "name_holds_explanation",
        False,
    ),
    # 项目实施时间2021年1月-12月资金拨付
    (
        lambda folded, _: folded.count("月") >= 2 and _PERIOD_INSIDE.search(folded),
        "name_holds_number",
        True,
    ),
    (lambda folded, _: _name_then_quantity().search(folded), "name_holds_number", True),
    # 年度绩效目标2(40分)
    (lambda folded, _: field_labels().match(folded), "name_from_label", False),
    (lambda folded, _: _HEADING.match(folded), "name_from_label", False),  # 二、…分析
    # "…实施方案,得", "…±10%以内得": a scoring rule cut before its points
    (
        lambda folded, _: folded.endswith(("得", "扣")) and _CUT_BEFORE_POINTS.search(folded),
        "name_cut_scoring",
        False,
    ),
    # "分,±10-15%…", "分)履职履责": the rest of a cell cut before it
    (lambda folded, _: _CUT_AFTER_CELL.match(folded), "name_cut_scoring", False),
)


def _name_shape(info: CellInfo, adjust: dict[str, float], probes: _Probes) -> float:
    """Names end as names do (…率); they rarely start with a digit, end in a number, hold
    an operator or a level name (cells run together), or run long."""
    folded = info.folded
    cost = adjust["name_like"] if info.name_like else 0.0
    for test, key, needs_digit in _NAME_SHAPES:
        if (probes.digits or not needs_digit) and test(folded, probes):
            cost += adjust[key]
    if len(folded) > 30:
        cost += (len(folded) - 30) * adjust["long_name_per_char"]
    return cost


def _adjust_points(info: CellInfo, roles: dict[Role, float], adjust: dict[str, float]) -> None:
    """Weights and scores are small numbers with at most one decimal."""
    number = info.number
    if number is None:
        return
    penalty = 0.0
    if number > 100 or number < 0:
        penalty += adjust["weight_over_100"]
    elif number == 0:
        penalty += adjust["weight_zero"]
    if round(number, 1) != number:
        penalty += adjust["weight_not_integral"]
    for role in (ROLE_WEIGHT, ROLE_SCORE):
        if role in roles:
            roles[role] += penalty
