"""Layouts with no cell separators: flattened rows and fully glued tables.

Rows are segmented with the vocabulary instead of separators: level names are peeled off
the front, the target (operator, number, unit, or a qualitative word) off the end, and what
is left is the indicator name. When a glued header declares the column order
(三级指标 分值 年度指标值 实际完成值 得分), a row stream is cut with that order, preferring
the split where the actual value repeats the target ("20100%100%20" -> 20 | 100% | 100% | 20).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from jixiao.parsers.cells import CellType, cell_type
from jixiao.parsers.metadata import glued_head_segments
from jixiao.parsers.tabular import FormAssembler
from jixiao.records import RawCell, RawForm, RawIndicator, RawRow, Role, TextLine
from jixiao.text import clean, fold
from jixiao.vocab import derived, vocabulary

_OPS = (
    r"(?:[≥≤≧≦⩾⩽＞＜><]=?|＝|=|大于等于|小于等于|不低于|不少于|不超过|不高于|大于|小于|高于|低于)"
)
_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"(?:%|％|‰|[\u4e00-\u9fff/]{1,4}|[a-zA-Z²³]{1,3})"
_TARGET_END = re.compile(rf"(?P<op>{_OPS})?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})?$")
_STOP = re.compile(r"^(?:合计|总分|总计|小计|附件|注[:：]|说明|评价结论|存在问题|改进措施)")
_LEVEL_WEIGHT = r"(?:[(（]\d+(?:\.\d+)?分?[)）])?"


@dataclass(frozen=True, slots=True)
class Clause:
    levels: tuple[str, ...]
    name: str
    target: str | None  # operator + number + unit, a qualitative word, or a deadline
    numbers: tuple[str, ...] = ()  # further numbers after the target (score)


@derived
@lru_cache(maxsize=1)
def _level_prefix() -> re.Pattern[str]:
    names = [n for n in vocabulary().level_names if n.endswith("指标")]
    alternation = "|".join(re.escape(n) for n in names)
    return re.compile(
        rf"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）])?\s*({alternation}){_LEVEL_WEIGHT}"
    )


def peel_levels(text: str) -> tuple[tuple[str, ...], str]:
    """Level names glued to the front of a row: "产出指标数量指标X" -> ((产出指标, 数量指标), X)."""
    levels: list[str] = []
    while True:
        match = _level_prefix().match(text)
        if not match or match.end() == len(text) and levels:
            break
        levels.append(match.group(1))
        text = text[match.end() :].lstrip()
    return tuple(levels), text


_COMMA_VALUE = re.compile(r"^(?P<name>.+)[,，](?P<value>[^,，]{1,14})$")


def split_target(text: str) -> tuple[str, str | None]:
    """Name and target of a clause: "覆盖率100%" -> ("覆盖率", "100%")."""
    text = text.strip().rstrip("。.;；,，")
    comma = _COMMA_VALUE.match(text)
    if comma and _is_target(comma.group("value").strip()):
        return comma.group("name").strip(), comma.group("value").strip()
    match = _TARGET_END.search(text)
    if match and match.start() > 0:
        name = text[: match.start()].rstrip()
        unit = match.group("unit") or ""
        if (not unit or _known_unit(unit)) and name and not name[-1].isdigit():
            return name, text[match.start() :].strip()
    ending = vocabulary().qualitative_end.search(text)
    if ending and ending.start() > 1:
        return text[: ending.start()], ending.group()
    return text, None


def _is_target(value: str) -> bool:
    if value in vocabulary().qualitative:
        return True
    return cell_type(value) in (CellType.DATE, CellType.NUMBER)


def _known_unit(unit: str) -> bool:
    units = vocabulary().units
    return fold(unit) in units or unit in ("%", "％")


def parse_clause(text: str) -> Clause | None:
    levels, rest = peel_levels(clean(text))
    if not rest or _STOP.match(rest):
        return None
    name, target = split_target(rest)
    if target is None:
        return None
    return Clause(levels, name, target)


# --- the row stream of a fully glued table, cut by the header's column order ---------------

_VAL = rf"(?:{_OPS}?\d+(?:\.\d+)?(?:%|万元|[\u4e00-\u9fff]{{1,2}})?|[\u4e00-\u9fff]{{2,6}})"
_STREAM_ROLES = {
    Role.WEIGHT: rf"(?P<weight>{_NUM})",
    Role.VALUE: rf"(?P<value>{_VAL})",
    Role.ACTUAL: rf"(?P<actual>{_VAL})",
    Role.SCORE: rf"(?P<score>{_NUM})",
}


def stream_pattern(
    order: tuple[Role, ...], repeat_target: bool, weight_digits: int | None = None
) -> re.Pattern[str]:
    """A regex for one row of a glued table whose columns after the name are `order`."""
    parts = []
    seen: set[Role] = set()
    for role in order:
        if role in seen:
            continue
        seen.add(role)
        if role is Role.ACTUAL and repeat_target and Role.VALUE in order:
            parts.append("(?P<actual>(?P=value))")
        elif role is Role.WEIGHT and weight_digits:
            parts.append(rf"(?P<weight>\d{{{weight_digits}}}(?:\.\d+)?)")
        elif role in _STREAM_ROLES:
            parts.append(_STREAM_ROLES[role])
    names = "|".join(re.escape(n) for n in vocabulary().level_names if n.endswith("指标"))
    levels = rf"(?P<levels>(?:(?:{names}){_LEVEL_WEIGHT})*)"
    return re.compile(levels + r"(?P<name>[^\d≥≤…]+?)" + "".join(parts))


def _plausible(match: re.Match[str]) -> int:
    """How believable a cut is: scores within their weight, percentages within 100."""
    groups = match.groupdict()
    points = 0
    weight, score = groups.get("weight"), groups.get("score")
    if weight and score:
        points += float(score) <= float(weight) <= 100
    for key in ("value", "actual"):
        number = re.search(r"(\d+(?:\.\d+)?)%", groups.get(key) or "")
        points += number is None or float(number.group(1)) <= 100
    return points


@lru_cache(maxsize=64)
def _stream_patterns(order: tuple[Role, ...]) -> tuple[re.Pattern[str], ...]:
    """Candidate cuts, most likely first: the actual repeating the target, then any actual;
    each with a weight of 2, 1 or 3 digits (the digits run into the target otherwise)."""
    return tuple(
        stream_pattern(order, repeat, digits)
        for repeat in (True, False)
        for digits in ((2, 1, 3) if Role.WEIGHT in order else (None,))
    )


def cut_stream(
    text: str, order: tuple[Role, ...]
) -> Iterator[tuple[tuple[str, ...], dict[Role, str]]]:
    """Rows of a glued table: (levels, {role: text}) in order. A stretch that fits no row
    (a row with empty cells) is skipped up to the next level name."""
    patterns = _stream_patterns(order)
    position = 0
    while position < len(text):
        found = [m for p in patterns if (m := p.match(text, position))]
        if not found:
            following = _level_prefix_anywhere().search(text, position + 1)
            if following is None:
                return
            position = following.start()
            continue
        match = max(found, key=_plausible)  # max keeps the first of equals: the repeat wins
        levels, _ = peel_levels(match.group("levels") + "\0")
        cells = {Role.NAME: match.group("name")}
        for role in order:
            key = role.value
            if key in match.groupdict() and match.group(key):
                cells[role] = match.group(key)
        yield levels, cells
        position = match.end()


@derived
@lru_cache(maxsize=1)
def _level_prefix_anywhere() -> re.Pattern[str]:
    names = [n for n in vocabulary().level_names if n.endswith("指标")]
    return re.compile("|".join(re.escape(n) for n in names))


# --- the layouts ----------------------------------------------------------------------------

_GLUED_HEADER_LABELS: tuple[tuple[str, Role], ...] = (
    ("一级指标", Role.LEVEL1),
    ("二级指标", Role.LEVEL2),
    ("三级指标", Role.NAME),
    ("指标内容", Role.NAME),
    ("指标名称", Role.NAME),
    ("分值", Role.WEIGHT),
    ("权重", Role.WEIGHT),
    ("年度指标值", Role.VALUE),
    ("指标值", Role.VALUE),
    ("全年实际值", Role.ACTUAL),
    ("实际完成值", Role.ACTUAL),
    ("实际值", Role.ACTUAL),
    ("得分", Role.SCORE),
)


def glued_header(text: str) -> tuple[tuple[Role, ...], int] | None:
    """Column roles declared by a header glued into one string, and where the header ends."""
    folded = text  # labels are plain CJK: search the printed text so positions stay valid
    start = folded.find("一级指标")
    if start < 0 or "\t" in text or "|" in text:
        return None
    found: list[tuple[int, int, Role]] = []
    position = start
    while True:
        hit = min(
            (
                (i, label, role)
                for label, role in _GLUED_HEADER_LABELS
                if (i := folded.find(label, position)) >= 0
            ),
            default=None,
            key=lambda t: (t[0], -len(t[1])),
        )
        if hit is None or hit[0] - position > 12:
            break
        index, label, role = hit
        found.append((index, index + len(label), role))
        position = index + len(label)
    if len(found) < 3:
        return None
    end = found[-1][1]
    tail = re.match(r"(?:未完成原因及拟采取的改进措施|偏差原因分析及改进措施|备注)", folded[end:])
    return tuple(role for _, _, role in found), end + (tail.end() if tail else 0)


def _indicator(levels: tuple[str, ...], cells: dict[Role, str], line: TextLine) -> RawIndicator:
    raw: dict[Role, RawCell] = {}
    if levels:
        kinds = [Role.LEVEL1 if vocabulary().level1_of(n) else Role.LEVEL2 for n in levels]
        for name, role in zip(levels, kinds):
            raw[role] = RawCell(name, 0, line.number, line.page)
    for role, text in cells.items():
        raw[role] = RawCell(clean(text), 0, line.number, line.page)
    return RawIndicator(cells=raw, section=Role.NAME not in raw, line=line.number, page=line.page)


def head_row(line: TextLine) -> RawRow:
    """A line as a row of the form's head, its cells split at "|"."""
    cells = tuple(
        RawCell(text, col, line.number, line.page)
        for col, text in enumerate(clean(t) for t in line.text.split("|"))
        if text
    )
    return RawRow(cells, line.number, line.page)


def parse_flat(lines: tuple[TextLine, ...]) -> list[RawForm]:
    """Flattened rows, one per line or all glued in one line, after a glued header."""
    assembler = FormAssembler()
    order: tuple[Role, ...] | None = None
    for line in lines:
        text = clean(line.text)
        if not text:
            continue
        header = glued_header(text)
        if header is not None:
            roles, end = header
            order = tuple(r for r in roles if r not in (Role.LEVEL1, Role.LEVEL2, Role.NAME))
            head_text = text[: text.find("一级指标")]
            for segment in glued_head_segments(head_text):
                assembler.feed(head_row(TextLine(line.number, segment, line.page)))
            assembler.open_table()
            rest = text[end:]
            if rest and len(order) > 1:
                for levels, cells in cut_stream(rest, order):
                    assembler.add(_indicator(levels, cells, line), line.number)
            continue
        if order is None and peel_levels(text)[0] and any(_clauses_of(text, line, ())):
            order = ()  # no header: rows of clauses that start with level names
            assembler.open_table()
        if order is not None and not assembler.table_closed:
            for indicator in _clauses_of(text, line, order):
                assembler.add(indicator, line.number)
            continue
        assembler.feed(head_row(line))
    return assembler.finish()


def _clauses_of(text: str, line: TextLine, order: tuple[Role, ...]) -> Iterator[RawIndicator]:
    if len(order) > 1:
        found = list(cut_stream(text, order))
        if found:
            for levels, cells in found:
                yield _indicator(levels, cells, line)
            return
    tokens = text.split()
    for i, token in enumerate(tokens):
        clause = parse_clause(token)
        if clause is None:
            continue
        cells = {Role.NAME: clause.name, Role.VALUE: clause.target or ""}
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if re.fullmatch(_NUM, following):
            cells[Role.SCORE] = following
        yield _indicator(clause.levels, cells, line)
