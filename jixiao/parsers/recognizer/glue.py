"""Glue points: where a piece of text without a separator may still end a printed cell.

A name running into a number or an operator, a number's unit ending before the next name,
a vocabulary word (a level name, a header label, an explanation's first words) starting or
ending, a phrase a later cell restates: each is a place the decoder may cut (lattice.py
cuts every piece at them; the decoder chooses which cuts are real).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from jixiao.parsers.recognizer.kinds import NAME_END
from jixiao.parsers.recognizer.settings import settings
from jixiao.text import fold_with_positions
from jixiao.vocab import derived, field_labels, memo_table, remember, vocabulary

_OPERATOR_CHARS: Final = "≥≤≧≦⩾⩽<>=＞＜＝═"


def char_class(char: str) -> str:
    if char.isdigit():
        return "D"
    if char in "%％‰":
        return "P"
    if char in _OPERATOR_CHARS:
        return "O"
    if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
        return "C"
    if char.isascii() and char.isalpha():
        return "L"
    return "S"


# class transitions that may end a cell: (class before, class after)
_CLASS_CUTS: Final = frozenset(
    {("C", "D"), ("C", "O"), ("D", "C"), ("P", "C"), ("P", "D"), ("P", "O"), ("D", "O")}
    | {("C", "P")}
    | {("S", "D"), ("S", "O"), ("P", "S"), ("L", "C"), ("C", "L"), ("D", "S"), ("P", "L")}
)


_GLUE_POINTS_MEMO: Final[dict[str, tuple[tuple[int, str], ...]]] = memo_table(
    {}, from_vocabulary=False
)


def glue_points(piece: str) -> tuple[tuple[int, str], ...]:
    """_glue_points, remembered by text (jixiao.vocab.memo_table)."""
    found = _GLUE_POINTS_MEMO.get(piece)
    if found is not None:
        return found
    return remember(_GLUE_POINTS_MEMO, piece, _glue_points(piece), 65536)


def _glue_points(piece: str) -> tuple[tuple[int, str], ...]:
    """Offsets inside a piece where a cell may end, with the kind of each point."""
    if len(piece) < 2:
        return ()
    points: dict[int, str] = {}
    words: list[tuple[int, int]] = []
    if len(piece) >= 4:
        words = _vocabulary_points(piece, points)
    _class_points(piece, points)
    _digit_run_points(piece, points)
    _restated_points(piece, points)
    inside = {i for start, end in words for i in range(start + 1, end)}
    return tuple(
        sorted((o, k) for o, k in points.items() if 0 < o < len(piece) and o not in inside)
    )


_TEMPLATE_PREFIX: Final = re.compile(r"指标\s*\d{1,2}\s*[:：]?")
_RESTATED: Final = 4  # characters of a phrase a cell after may restate
_RESTATED_WITHIN: Final = 40  # characters between a phrase and its restatement


def _restated_points(piece: str, points: dict[int, str]) -> None:
    """After a phrase the text restates a little later ("…存在质量问题 | 当年…发现质量问题":
    an explanation restating its name, glued to it), a cell may end."""
    for end in restated_phrases(piece):
        points.setdefault(end, "restated")


def restated_phrases(text: str) -> list[int]:
    """The ends of CJK phrases of four characters or more that the text prints again within
    forty characters after them, with no number between (a name and the explanation
    restating it, not two rows' names)."""
    ends: list[int] = []
    for match in RESTATED.finditer(text):
        end, again = match.end(1), match.end()  # the phrase's end and its restatement's
        restated_at = again - _RESTATED
        while end < restated_at and again < len(text) and text[end] == text[again]:
            if not _CJK.match(text[end]):
                break
            end, again = end + 1, again + 1  # the restated phrase goes on
        ends.append(end)
    return ends


# a phrase, no number, the phrase again within forty characters
RESTATED: Final = re.compile(
    rf"([\u4e00-\u9fff]{{{_RESTATED}}})\D{{0,{_RESTATED_WITHIN - _RESTATED}}}?\1"
)
_CJK: Final = re.compile(r"[\u4e00-\u9fff]")


_WEAK_POINTS: Final = frozenset({"qualitative", "label"})
_ORDINAL_START: Final = re.compile(r"^\d{1,2}、")  # a page or paragraph number opening a line


def _class_points(piece: str, points: dict[int, str]) -> None:
    ordinal = _ORDINAL_START.match(piece)
    if ordinal and ordinal.end() < len(piece):
        points.setdefault(ordinal.end(), "class")
    classes = [char_class(c) for c in piece]
    inside = {i for m in _TEMPLATE_PREFIX.finditer(piece) for i in range(m.start() + 1, m.end())}
    for i in range(1, len(piece)):
        before, after = classes[i - 1], classes[i]
        if before == after or i in inside:
            continue
        # "." and "," inside a number, "/" inside a unit, "、" after an ordinal ("2、")
        if piece[i - 1] in ".,/" or piece[i] in ".,/" or (piece[i] == "、" and before == "D"):
            continue
        if (before, after) in _CLASS_CUTS:
            kind = "operator" if after == "O" else "class"
            if points.get(i) in _WEAK_POINTS:  # a result word or a label against a number
                points[i] = kind
            points.setdefault(i, kind)
        if before == "D" and after == "C":
            end = unit_end(piece, i)
            if end is not None:
                points.setdefault(end, "unit")
        elif before == "C" and after == "D":
            start = _unit_start(piece, i)
            if start is not None:
                points.setdefault(start, "unit")


def _unit_start(piece: str, end: int) -> int | None:
    """The start of the longest known unit ending at `end`, before a number, in its own
    column ("…供水管网长度公里120"; one character only after a word ending as names do,
    "…泵站数量座32", not "培训人次32"); never the whole word before it."""
    folded, positions = fold_with_positions(piece[:end])
    for variant in vocabulary().unit_variants:  # longest first
        if not folded.endswith(variant) or len(variant) >= len(folded):
            continue
        start = positions[len(folded) - len(variant)]
        if len(variant) >= 2 or (variant and NAME_END.search(piece[:start])):
            return start
    return None


def unit_end(piece: str, start: int) -> int | None:
    """The end of the longest known unit starting at `start` (after a number)."""
    folded, positions = fold_with_positions(piece[start:])
    for variant in vocabulary().unit_variants:  # longest first
        if variant and folded.startswith(variant) and len(variant) < len(folded):
            return start + positions[len(variant)]
    return None


def _with_required_marks(piece: str, start: int, stop: int) -> tuple[int, int]:
    """The span [start, stop) of a word (stop: where the next folded character is), with
    the asterisk a template prints before a required field's label ("*三级指标", "＊指标值")
    taken into the word it marks, not the word before ("产出指标*三级指标")."""
    if start > 0 and piece[start - 1] in _REQUIRED_MARKS:
        start -= 1
    if stop > start + 1 and piece[stop - 1] in _REQUIRED_MARKS:
        stop -= 1
    return start, stop


_REQUIRED_MARKS: Final = "*＊"


def _vocabulary_points(piece: str, points: dict[int, str]) -> list[tuple[int, int]]:
    """Glue points at the ends of vocabulary words; the words' spans in the piece (no other
    glue point falls inside a word: "产出指标(50分)" stays whole)."""
    folded, positions = fold_with_positions(piece)
    spans = [(m.start(1), m.start(1) + len(m.group(1))) for m in _glue_words().finditer(folded)]
    labels = [(m.start(), m.end()) for m in field_labels().finditer(folded)]
    labels += [(m.start(), m.end()) for m in _level_surfaces().finditer(folded)]
    if len(folded) >= _GLUED_PIECE:  # a form's head run together: cut at its labels too
        spans += labels
    results = {(m.start(), m.end()) for m in vocabulary().qualitative_any.finditer(folded)}
    spans += results
    kept: list[tuple[int, int]] = []
    reached = 0
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < reached:
            continue  # inside or across an earlier, longer word: 效益指标 in 社会效益指标
        reached = end
        kind = (
            "label"
            if folded[start:end] in vocabulary().headers
            else "qualitative"
            if (start, end) in results
            else "vocab"
        )
        begin, stop = _with_required_marks(piece, positions[start], positions[end])
        if kind == "vocab" and points.get(begin) in _WEAK_POINTS:
            points[begin] = kind  # a level name begins: "指标值产出指标"
        points.setdefault(begin, kind)
        points.setdefault(stop, kind)
        kept.append((begin, stop))
    # a head label in a short piece, a level name, are not cut into: "部门(单位)名称" holds
    # no "单位" column
    return kept + [_with_required_marks(piece, positions[s], positions[e]) for s, e in labels]


@derived
@lru_cache(maxsize=1)
def _glue_words() -> re.Pattern[str]:
    """Words at whose ends a glued cell may start or stop (overlapping matches allowed)."""
    vocab = vocabulary()
    words = set(settings().glue_words)
    words |= {n for n in vocab.level_names if n.endswith("指标")}
    words |= set(vocab.headers)
    words |= {w for w in vocab.operator_words if len(w) >= 2}
    words |= {w for w in vocab.qualitative if len(w) >= 3}
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    weight = r"(?:\(\d+(?:\.\d+)?分?\))?"
    first = "".join(sorted({re.escape(w[0]) for w in words if w}))  # skips most places fast
    return re.compile(rf"(?=(?=[{first}])((?:{alternation}){weight}))")


_GLUED_PIECE: Final = 30  # a piece this long without a separator is glued text
_LONGEST_RUN: Final = 10  # digits: longer runs are not cut into numbers
_DATE_PARTS: Final = frozenset("年月日号时")


@derived
@lru_cache(maxsize=1)
def _level_surfaces() -> re.Pattern[str]:
    """Every printed level name: nothing is cut inside one (重点工作任务完成 holds 完成)."""
    names = sorted((n for n in vocabulary().level_names if len(n) >= 3), key=len, reverse=True)
    return re.compile("|".join(re.escape(name) for name in names))


_DIGIT_RUN: Final = re.compile(r"\d{3,}(?:\.\d+)?(?:\d+)*")


def _digit_run_points(piece: str, points: dict[int, str]) -> None:
    """Inside a run of digits glued into text ("…预计值210010"), any position may be where
    one number ends and the next begins."""
    if piece.isdigit() or not any(char_class(c) == "C" for c in piece):
        return
    for match in re.finditer(r"[\d.]{2,}", piece):
        run = match.group()
        if len(run) > _LONGEST_RUN:  # a phone or document number, not numbers run together
            continue
        if piece[match.end() : match.end() + 1] in _DATE_PARTS:
            continue  # 2023年, 12月: a date
        for i in range(1, len(run)):
            if run[i - 1] == "." or run[i] == ".":
                continue
            points.setdefault(match.start() + i, "digits")
