"""What a candidate cell holds, from its text alone: the evidence the role costs weigh.

Extends `jixiao.parsers.cells.cell_type` with what a recognizer without a header needs to
know: header labels, form-field and footer labels, totals, page markers, explanations,
qualitative results, evaluation standards, template placeholders and long prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from jixiao.parsers.cells import (
    CELLTYPE_LEVELX,
    CELLTYPE_NUMBER,
    CELLTYPE_SCORING,
    CELLTYPE_TEXT,
    CELLTYPE_WEIGHT,
    PLACEHOLDERS,
    SCORING_MARKERS,
    CellType,
    cell_type,
    number_parts,
)
from jixiao.parsers.header import header_role
from jixiao.parsers.metadata import budget_key, field_of, footer_label, is_sign_off, is_total
from jixiao.repairs import DIGIT, fix_ocr_digits
from jixiao.text import fold
from jixiao.vocab import level_key, memo_table, plausible_unit, remember, vocabulary


class Kind(str, Enum):
    __hash__ = str.__hash__

    EMPTY = "empty"
    PLACEHOLDER = "placeholder"
    LEVEL1 = "level1"
    LEVEL2 = "level2"
    LEVELX = "levelx"  # a name used at both levels (满意度指标, 成本指标)
    LEVEL_LIKE = "level_like"  # an unlisted level name (实施效果指标, 项目完成指标)
    LOST_LEVEL = "lost_level"  # "(50分)": a level cell whose words were lost
    LEVEL_PIECE = "level_piece"  # "指标" alone: the rest of a level name broken over lines
    HEADER = "header"  # a column label of the indicator table
    FIELD = "field"  # a label of the form's head or footer (项目名称, 资金总额, 填表人)
    TOTAL = "total"  # 合计, 总分
    SIGN_OFF = "sign_off"  # 项目负责人(签字), 审核意见
    PAGE = "page"  # a page marker ("- 3 -", "第 2 页")
    OPERATOR = "operator"
    DIRECTION = "direction"
    NUMBER = "number"  # a bare number
    QUANTITY = "quantity"  # a number with an operator, a unit or a percent sign
    WEIGHT = "weight"  # "5分"
    UNIT = "unit"
    DATE = "date"
    QUALITATIVE = "qualitative"
    STANDARD = "standard"  # 计划标准, 行业标准
    SCORING = "scoring"
    EXPLANATION = "explanation"  # "反映…情况", "该指标…"
    TEMPLATE = "template"  # "指标2:" with nothing after it
    BOILERPLATE = "boilerplate"  # a web page's navigation, footer or download notice
    TEXT = "text"
    LONG = "long"  # a sentence or more


# enum members read inside functions, as Final names (docs/development.md)
KIND_EMPTY: Final = Kind.EMPTY
KIND_PLACEHOLDER: Final = Kind.PLACEHOLDER
KIND_LEVEL1: Final = Kind.LEVEL1
KIND_LEVEL2: Final = Kind.LEVEL2
KIND_LEVELX: Final = Kind.LEVELX
KIND_LEVEL_LIKE: Final = Kind.LEVEL_LIKE
KIND_LOST_LEVEL: Final = Kind.LOST_LEVEL
KIND_LEVEL_PIECE: Final = Kind.LEVEL_PIECE
KIND_HEADER: Final = Kind.HEADER
KIND_FIELD: Final = Kind.FIELD
KIND_TOTAL: Final = Kind.TOTAL
KIND_SIGN_OFF: Final = Kind.SIGN_OFF
KIND_PAGE: Final = Kind.PAGE
KIND_OPERATOR: Final = Kind.OPERATOR
KIND_DIRECTION: Final = Kind.DIRECTION
KIND_NUMBER: Final = Kind.NUMBER
KIND_QUANTITY: Final = Kind.QUANTITY
KIND_WEIGHT: Final = Kind.WEIGHT
KIND_UNIT: Final = Kind.UNIT
KIND_DATE: Final = Kind.DATE
KIND_QUALITATIVE: Final = Kind.QUALITATIVE
KIND_STANDARD: Final = Kind.STANDARD
KIND_SCORING: Final = Kind.SCORING
KIND_EXPLANATION: Final = Kind.EXPLANATION
KIND_TEMPLATE: Final = Kind.TEMPLATE
KIND_BOILERPLATE: Final = Kind.BOILERPLATE
KIND_TEXT: Final = Kind.TEXT
KIND_LONG: Final = Kind.LONG


WHOLE_LEVELS: Final = frozenset({Kind.LEVEL1, Kind.LEVEL2, Kind.LEVELX})  # a listed level name
# what a level row may print after its level cells, describing the level (反映…): no cell of
# a row, and no text left unread
DESCRIPTION: Final = frozenset({Kind.EXPLANATION, Kind.LONG})
GROUP_POINTS: Final = re.compile(r"[(（]\d+(?:\.\d+)?分[)）]$")  # 产出指标(50分): a group's points


@dataclass(slots=True, init=False, unsafe_hash=True)
class CellInfo:
    kind: Kind
    folded: str
    number: float | None = None  # the number of a NUMBER / QUANTITY / WEIGHT cell
    percent: bool = False
    name_like: bool = False  # ends like an indicator name (…率, …数量, …满意度)
    sentence: bool = False  # holds sentence punctuation (，。；) inside: prose, not a cell
    target_like: bool = False  # reads like a target phrase (…良好, 每亩300, 12月底到位)

    def __init__(
        self,
        kind: Kind,
        folded: str,
        number: float | None = None,
        percent: bool = False,
        name_like: bool = False,
        sentence: bool = False,
        target_like: bool = False,
    ) -> None:
        self.kind = kind
        self.folded = folded
        self.number = number
        self.percent = percent
        self.name_like = name_like
        self.sentence = sentence
        self.target_like = target_like


_PAGE: Final = re.compile(
    r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[/,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|\d{1,2}[、,])$"
)
_STANDARDS: Final = frozenset({"计划标准", "行业标准", "历史标准", "其他标准", "预算标准"})
# an explanation opens "反映…" (at six characters or more), or "考核…" at twelve: shorter,
# "考核任务完成及时" is a name
_EXPLANATION_OPENERS: Final[tuple[str, ...]] = (
    "反映",
    "该指标",
    "用以反映",
    "主要反映",
    "用于反映",
)
_EXPLAINS: Final = "(?:" + "|".join(_EXPLANATION_OPENERS) + ").{4}"
_EXPLANATION_START: Final = re.compile(rf"^(?:{_EXPLAINS}|(?:考核|衡量).{{10}})")
_TEMPLATE: Final = re.compile(r"^指标[\d一二三四五六七八九十]{1,2}:?[-/\\.]*$")  # an unfilled slot
NAME_ENDINGS: Final = (
    r"(?:率|数|量|度|性|次数|人数|数量|面积|时间|时限|期限|成本|标准|情况|金额|收入|"
    r"里程|长度|规模|个数|户数|人次|天数|年限|比例|占比|效益|效果|影响|水平|能力)"
)
NAME_END: Final = re.compile(NAME_ENDINGS + "$")
# a name run into its explanation: "…验收合格率反映…情况" (not "群众反映问题办结率")
NAME_THEN_EXPLANATION: Final = re.compile(NAME_ENDINGS + _EXPLAINS)


def holds_explanation_opener(folded: str) -> bool:
    """What NAME_THEN_EXPLANATION needs: a test many times cheaper than its search."""
    return any(opener in folded for opener in _EXPLANATION_OPENERS)


_TARGET_WORDS: Final = re.compile(
    r"(?:良好|明显|显著|较高|较好|有效|提高|提升|改善|可持续|及时|按时|按期|到位|完成|达标|合格|"
    r"以内|以上|以下|之内|前|底|内|是|否|无|长期|全年|扩大|减轻|巩固|增加|增长|稳定)$"
)
# sentence punctuation, not a decimal point or thousands comma (a "," or "." between digits);
# one class first, so that a search skips to the punctuation
_SENTENCE: Final = re.compile(r"[;。，；,.](?!(?<=\d[,.])\d)")
# a quantity inside a short text target: 每亩300, 2天以内, 1-6期, 3000元/人 (not a label: value)
_QUANTITY_IN_TEXT: Final = re.compile(
    r"^[^:≥≤<>=]{0,3}(?:\d[\u4e00-\u9fff%]|每[\u4e00-\u9fff]{1,2}\d)[^:≥≤<>=]*$"
)
_BOILERPLATE: Final = re.compile(
    r"ICP|公网安备|网站标识码|版权所有|技术支持|联系我们|扫一扫|浏览次数|浏览量|点击率|发布时间|"
    r"发布日期|信息来源|来源[:：]|字体[:：]|打印本页|关闭窗口|下载积分|资源ID|上传时间|文档编号|"
    r"分享到|www\.|https?:|@|\.(?:docx?|xlsx?|pdf|wps)$|主办单位|承办单位|主办$|承办$|"
    r"地址(?<=^地址)[:：]|监督电话|邮箱[:：]|□.*□"  # a site's address line; a form's tick boxes
)  # (every word opens with a character, none with "^" or a group: a search skips to them)
# a space touching a digit, a Latin letter or a sign: two cells, not one word wrapped
_SPACED: Final = re.compile(r"[\dA-Za-z%≥≤<>=](?:\s)|\s(?=[\dA-Za-z%≥≤<>=])")
_WHITESPACE: Final = re.compile(r"\s")  # what _SPACED needs
_LEVEL_ENDINGS: Final[tuple[str, ...]] = ("指标", "值")
_WORDS_FIRST: Final = re.compile(r"[\u4e00-\u9fff]{4,}")


_CELL_INFO_MEMO: Final[dict[str, CellInfo]] = memo_table({}, from_vocabulary=True)


def cell_info(text: str) -> CellInfo:
    """_cell_info, remembered by text (jixiao.vocab.memo_table)."""
    found = _CELL_INFO_MEMO.get(text)
    if found is not None:
        return found
    return remember(_CELL_INFO_MEMO, text, _cell_info(text), 131072)


def _cell_info(text: str) -> CellInfo:
    """What a cell holds (text as printed; empty for an empty cell)."""
    folded = fold(text)
    if not folded:
        return CellInfo(KIND_EMPTY, folded)
    if _PAGE.match(folded):
        return CellInfo(KIND_PAGE, folded)
    if _WHITESPACE.search(text) and _SPACED.search(text):  # pieces read as one cell:
        # "100 8 8", "8 8 成本指标" (the pre-test: a class search, many times cheaper)
        long = len(folded) >= 40
        # a short target printed spaced ("12 月底"), not a name run into a number
        target_like = len(folded) <= 8 and not _WORDS_FIRST.match(folded)
        return CellInfo(KIND_LONG if long else KIND_TEXT, folded, target_like=target_like)
    kind = _special_kind(folded)
    if kind is not None:
        return CellInfo(kind, folded)
    repaired, changed = fix_ocr_digits(text)  # "1O": OCR's letter for a digit
    if changed:
        text, folded = repaired, fold(repaired)
    base = cell_type(text)
    if base is CELLTYPE_LEVELX and not vocabulary().is_level(folded):
        base = CELLTYPE_TEXT  # an unlisted name ending in 指标: weighed as text below
        if not _is_qualitative(folded):
            return CellInfo(KIND_LEVEL_LIKE, folded)
    if base in (CELLTYPE_NUMBER, CELLTYPE_WEIGHT):
        return _number_info(folded, base)
    mapped = _MAPPED.get(base)
    if mapped is not None:
        return CellInfo(mapped, folded)
    if base is CELLTYPE_SCORING:
        return CellInfo(KIND_SCORING, folded)
    return _text_info(folded)


_MAPPED: Final = {
    CellType.PLACEHOLDER: Kind.PLACEHOLDER,
    CellType.LEVEL1: Kind.LEVEL1,
    CellType.LEVEL2: Kind.LEVEL2,
    CellType.LEVELX: Kind.LEVELX,
    CellType.OPERATOR: Kind.OPERATOR,
    CellType.DIRECTION: Kind.DIRECTION,
    CellType.UNIT: Kind.UNIT,
    CellType.DATE: Kind.DATE,
}


_LEVEL_PIECES: Final = frozenset({"指标", "指", "标", "级", "一级", "二级", "三级"})
_NOTHING: Final = frozenset({"无", "空", "暂无", "不适用", "未填"})
_FILLER: Final = re.compile(r"^[-—–_.…/\\·]+$")
_LOST_LEVEL: Final = re.compile(r"^\(\d+(?:\.\d+)?分?\)$")


def _is_placeholder(folded: str) -> bool:
    return folded in PLACEHOLDERS or folded in _NOTHING or bool(_FILLER.match(folded))


def _is_field(folded: str) -> bool:
    """A label of the form's head or footer."""
    if field_of(folded) is not None or footer_label(folded):
        return True
    return len(folded) <= 12 and budget_key(folded) is not None


# Kinds recognised before the generic cell types, in order: the first test that holds wins.
_SPECIAL: Final[tuple[tuple[Callable[[str], object], Kind], ...]] = (
    (_LOST_LEVEL.match, Kind.LOST_LEVEL),
    (_is_placeholder, Kind.PLACEHOLDER),
    (_PAGE.match, Kind.PAGE),
    (is_total, Kind.TOTAL),
    (is_sign_off, Kind.SIGN_OFF),
    (_TEMPLATE.match, Kind.TEMPLATE),
    (_LEVEL_PIECES.__contains__, Kind.LEVEL_PIECE),
    (_STANDARDS.__contains__, Kind.STANDARD),
    (header_role, Kind.HEADER),
    (_is_field, Kind.FIELD),
    (lambda folded: _is_level_like(folded), Kind.LEVEL_LIKE),
    (_BOILERPLATE.search, Kind.BOILERPLATE),
)


def _special_kind(folded: str) -> Kind | None:
    for test, kind in _SPECIAL:
        if test(folded):
            return kind
    return None


def _is_level_like(folded: str) -> bool:
    """An unlisted level name: short, ending in 指标 (or 值 after a listed level word)."""
    if len(folded) > 10 or DIGIT.search(folded):
        return False
    if folded.endswith("值") and vocabulary().is_level(folded[:-1]):
        return True
    return (
        folded.endswith("指标")
        and len(folded) >= 4
        and not vocabulary().is_level(folded)
        and not _is_qualitative(folded)
    )


def _number_info(folded: str, base: CellType) -> CellInfo:
    parts = number_parts(folded.removesuffix("分") if base is CELLTYPE_WEIGHT else folded)
    if parts is None:
        return _text_info(folded)
    operator, value, unit = parts
    if base is CELLTYPE_WEIGHT:
        return CellInfo(KIND_WEIGHT, folded, value)
    if _LEADING_ZERO.match(folded):
        return CellInfo(KIND_TEXT, folded)  # "010": two numbers run together, cut wrongly
    if unit and not plausible_unit(unit):
        return _text_info(folded)  # "1:工程质量合格" is not a number with a unit
    bare = not operator and not unit
    return CellInfo(
        KIND_NUMBER if bare else KIND_QUANTITY, folded, value, percent=unit in ("%", "％")
    )


_LEADING_ZERO: Final = re.compile(r"^[<>=≥≤]*0\d")


def _is_qualitative(folded: str) -> bool:
    vocab = vocabulary()
    return folded in vocab.qualitative or bool(vocab.qualitative_end.fullmatch(folded))


def _text_info(folded: str) -> CellInfo:
    if _is_qualitative(folded):
        return CellInfo(KIND_QUALITATIVE, folded, target_like=True)
    if _EXPLANATION_START.match(folded):
        return CellInfo(KIND_EXPLANATION, folded)
    if SCORING_MARKERS.search(folded):
        return CellInfo(KIND_SCORING, folded)
    long = len(folded) >= 40 or (len(folded) >= 24 and bool(re.search(r"[,;.。]", folded)))
    target_like = len(folded) <= 14 and (
        bool(_TARGET_WORDS.search(folded)) or bool(_QUANTITY_IN_TEXT.search(folded))
    )
    return CellInfo(
        KIND_LONG if long else KIND_TEXT,
        folded,
        name_like=bool(NAME_END.search(folded)),
        target_like=target_like,
        sentence=_holds_sentence_punctuation(folded),
    )


def _holds_sentence_punctuation(folded: str) -> bool:
    """Punctuation inside the text (a final one does not count)."""
    inner = folded[:-1] if folded[-1:] in _FINAL_PUNCTUATION else folded
    return bool(_SENTENCE.search(inner))


_FINAL_PUNCTUATION: Final = frozenset(",.;。，；:：")


def level_word(folded: str) -> bool:
    """A level name, listed or not (used when a level cell sits in the name's slot)."""
    return (
        vocabulary().is_level(folded) or level_key(folded) in ("", None) or _is_level_like(folded)
    )
