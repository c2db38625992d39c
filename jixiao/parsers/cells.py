"""Recognise what a cell holds from its content alone (operator, number, unit, scoring...).

The layout parsers use these types, not column numbers, to decide which cell is which.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from typing import Final

from jixiao.repairs import operator_confusions
from jixiao.text import fold
from jixiao.vocab import derived, level_key, plausible_unit, vocabulary


class CellType(str, Enum):
    __hash__ = str.__hash__  # C-level hash: types key the alignment cache

    EMPTY = "empty"
    PLACEHOLDER = "placeholder"
    LEVEL1 = "level1"  # only a level-1 name
    LEVEL2 = "level2"  # only a level-2 name
    LEVELX = "levelx"  # a name used at both levels (满意度指标, 成本指标)
    OPERATOR = "operator"
    DIRECTION = "direction"
    NUMBER = "number"  # a quantity, possibly with operator prefix and unit suffix
    DATE = "date"  # a date or deadline
    UNIT = "unit"
    WEIGHT = "weight"  # "5分"
    SCORING = "scoring"  # a scoring rule: 得N分, 扣N分, 不得分 ...
    TEXT = "text"


# enum members read inside functions, as Final names (docs/development.md)
CELLTYPE_EMPTY: Final = CellType.EMPTY
CELLTYPE_PLACEHOLDER: Final = CellType.PLACEHOLDER
CELLTYPE_LEVEL1: Final = CellType.LEVEL1
CELLTYPE_LEVEL2: Final = CellType.LEVEL2
CELLTYPE_LEVELX: Final = CellType.LEVELX
CELLTYPE_OPERATOR: Final = CellType.OPERATOR
CELLTYPE_DIRECTION: Final = CellType.DIRECTION
CELLTYPE_NUMBER: Final = CellType.NUMBER
CELLTYPE_DATE: Final = CellType.DATE
CELLTYPE_UNIT: Final = CellType.UNIT
CELLTYPE_WEIGHT: Final = CellType.WEIGHT
CELLTYPE_SCORING: Final = CellType.SCORING
CELLTYPE_TEXT: Final = CellType.TEXT


_LEVEL_ENDINGS: Final[tuple[str, ...]] = (
    "效益指标",
    "满意度指标",
    "成本指标",
    "产出指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "影响指标",
)
# a level-1 cell whose vertical text was lost, leaving its weight: "(50分)"
_LOST_LEVEL: Final = re.compile(r"^\(\d+(?:\.\d+)?分\)$")
PLACEHOLDERS: Final = frozenset({"-", "--", "/", "\\", "……", "...", "…", "——", "—", "无数据"})
DIRECTIONS: Final = frozenset({"正向", "反向", "正向指标", "反向指标"})


@derived
@lru_cache(maxsize=1)
def _folded_placeholders() -> frozenset[str]:
    """PLACEHOLDERS as cell_type compares them: folded ("……" folds to "......")."""
    return frozenset(fold(p) for p in PLACEHOLDERS)


_NUM: Final = r"[-+]?\d[\d,]*(?:\.\d+)?"
_NUMBER: Final = re.compile(
    rf"^(?P<op>[<>=≥≤≧≦⩾⩽]{{0,2}})\s*(?P<num>{_NUM})\s*(?P<unit>[^\d\s]{{0,8}})$"
)
_WEIGHT: Final = re.compile(rf"^{_NUM}\s*分$|^[(（]\s*{_NUM}\s*分\s*[)）]$")  # 10分, (10 分)
_CN_NUM: Final = "零一二两三四五六七八九十百半"
SCORING_MARKERS: Final = re.compile(
    rf"得\s*(?:满分|[\d.{_CN_NUM}]+\s*分)|扣\s*[\d.{_CN_NUM}]+\s*分|不得分|扣完为止|酌情扣分|[计记]\s*[\d.]*\s*分|得0分|得分"
)
# a year with its month (and day): 2020年1月, 2021.1.1
_DAY: Final = r"(?:19|20)\d{2}(?:年\d{1,2}月(?:\d{1,2}[日号])?|[./]\d{1,2}(?:[./]\d{1,2})?)"
_DATE: Final = re.compile(
    r"^(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?(?:年?(?:底|末|中|初))?\s*(?:前|以前|之前|内|以内|完成|到位)?$"
    r"|^\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?(?:底|末|中|初)?\s*(?:前|以前|之前|内|以内|完成|到位)?$"
    r"|^(?:19|20)\d{2}[./-](?:0?[1-9]|1[0-2])(?:[./-]\d{1,2})?$"
    r"|^(?:年底|年末|年内|当年|年中)(?:前|以前)?$"
    r"|^(?:每日|每天)?\d{1,2}\s*[点时](?:\d{1,2}分?)?\s*(?:前|以前|之前)$"
    r"|^(?:19|20)\d{2}[./-]\d{1,2}\s*[-~～—至到]\s*(?:19|20)\d{2}[./-]\d{1,2}$"
    r"|^(?:19|20)\d{2}\s*年?\s*(?:-{1,2}|~|～|—{1,2}|至|到)\s*(?:19|20)\d{2}\s*年?度?$"  # 2018-2022
    rf"|^{_DAY}\s*(?:-{{1,2}}|~|～|—{{1,2}}|至|到)\s*(?:{_DAY}|\d{{1,2}}(?:月(?:\d{{1,2}}[日号])?|[./]\d{{1,2}}))$"
)


def number_parts(folded: str) -> tuple[str, float, str] | None:
    """(operator, number, unit) of a folded number cell ("≥95%" -> ("≥", 95.0, "%"))."""
    match = _NUMBER.match(folded)
    if match is None:
        return _worded_number_parts(folded)
    try:
        value = float(match.group("num").replace(",", ""))
    except ValueError:
        return None
    unit = match.group("unit")
    if unit and not match.group("op") and not plausible_unit(unit):
        return _suffixed_number_parts(folded) or (match.group("op"), value, unit)
    return match.group("op"), value, unit


def _suffixed_number_parts(folded: str) -> tuple[str, float, str] | None:
    """A number before an operator word ("95%以上", "5%以下"): the word is its operator."""
    for word, _ in vocabulary().operator_suffixes:
        key = fold(word)
        if folded.endswith(key) and len(folded) > len(key):
            match = _NUMBER.match(folded[: -len(key)])
            if match is None or match.group("op"):
                return None
            unit = match.group("unit")
            if unit and not plausible_unit(unit):
                return None
            try:
                return key, float(match.group("num").replace(",", "")), unit
            except ValueError:
                return None
    return None


def _worded_number_parts(folded: str) -> tuple[str, float, str] | None:
    """A number after an operator word or a sign OCR confuses ("不低于95%", "$2次")."""
    for prefix in _operator_prefixes():
        if folded.startswith(prefix):
            match = _NUMBER.match(folded[len(prefix) :])
            if match is None or match.group("op"):
                return None
            try:
                return prefix, float(match.group("num").replace(",", "")), match.group("unit")
            except ValueError:
                return None
    return None


@derived
@lru_cache(maxsize=1)
def _operator_prefixes() -> tuple[str, ...]:
    """Operator words with a direction and OCR's stand-ins for signs, longest first."""
    words = [w for w, canonical in vocabulary().operator_words.items() if canonical in _SIGNED]
    confused = [fold(wrong) for wrong in operator_confusions()]
    return tuple(sorted({*words, *confused}, key=len, reverse=True))


_SIGNED: Final = frozenset({">=", "<=", "=", ">", "<"})


@derived
@lru_cache(maxsize=65536)
def cell_type(text: str) -> CellType:
    """Classify a cleaned cell text by what it contains."""
    if not text:
        return CELLTYPE_EMPTY
    folded = fold(text)
    if not folded or folded in _folded_placeholders() or _LOST_LEVEL.match(folded):
        return CELLTYPE_PLACEHOLDER
    vocab = vocabulary()
    if folded in vocab.operator_words or folded in _operator_symbols():
        return CELLTYPE_OPERATOR
    if folded in operator_confusions():  # "II" for a turned "=", "〉" for ">" (OCR)
        return CELLTYPE_OPERATOR
    if folded in DIRECTIONS:
        return CELLTYPE_DIRECTION
    level = _level_type(folded)
    if level is not None:
        return level
    if _WEIGHT.match(folded):
        return CELLTYPE_WEIGHT
    if folded in vocab.units or is_unit_ratio(folded):
        return CELLTYPE_UNIT
    if _DATE.match(folded):
        return CELLTYPE_DATE
    if number_parts(folded) is not None:
        return CELLTYPE_NUMBER
    if SCORING_MARKERS.search(folded):
        return CELLTYPE_SCORING
    return CELLTYPE_TEXT


@derived
@lru_cache(maxsize=1)
def _operator_symbols() -> frozenset[str]:
    """The vocabulary's operator symbols (folded), for a test of a whole cell."""
    return frozenset(symbol for symbol, _ in vocabulary().operator_symbols)


_PER_WORD: Final = re.compile(r"^[\u4e00-\u9fff]{1,3}$")


def is_unit_ratio(folded: str) -> bool:
    """A listed unit per one or two short words, folded ("公斤/亩", "元/吨", "人次/年",
    "元/生/年"): a unit too, though not listed itself."""
    first, *per = folded.split("/")
    return first in vocabulary().units and 1 <= len(per) <= 2 and all(map(_PER_WORD.match, per))


def _level_type(folded: str) -> CellType | None:
    if len(folded) > 20:
        return None
    vocab = vocabulary()
    key = level_key(folded)
    if not key:
        return None
    in1, in2 = key in vocab.level1, key in vocab.level2
    if in1 and in2:
        return CELLTYPE_LEVELX
    if in1:
        return CELLTYPE_LEVEL1
    if in2:
        return CELLTYPE_LEVEL2
    if len(folded) <= 12 and folded.endswith(_LEVEL_ENDINGS):
        return CELLTYPE_LEVELX  # an unlisted level name; the normalizer matches it fuzzily
    return None
