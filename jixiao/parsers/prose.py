"""Targets and results written in prose: notices (公示), target settings and reports (自评报告).

Only text under a heading or label that opens targets or results is read:
- a level heading, on its own line or inline before ":" or "。", numbered ("1、", "(一)",
  "1.") or not, traditional or simplified: "(一)产出指标", "1、數量指標:…", "4.成本指标国家…";
- a targets heading or label ("七、绩效目标", "(二)具体绩效目标", "绩效目标:");
- a results heading or label of a report ("(二)专项资金预期目标完成程度。", "实际完成:").
Goal descriptions ("总体目标:") and every other heading or label ("建设内容:", "(一)资金投入
情况分析") close the reading, so amounts in budget sentences, work lists, dates and document
numbers are not taken for indicators. A line in the targets that reads nothing closes them too.

In a self-evaluation report the figures under a results heading are actual values; a
"实际完成:" list after a target list gives each target its actual, paired by name, else by
position. Clauses are read by `jixiao.parsers.prose_clauses`; the form's head (title,
project, department, year) is completed by `jixiao.parsers.prose_head`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from jixiao.parsers.cells import CellType, cell_type
from jixiao.parsers.layouts import head_row
from jixiao.parsers.prose_clauses import (
    CLAUSE_END,
    Found,
    Keyed,
    Span,
    bare_target,
    read_sentence,
    words,
)
from jixiao.parsers.prose_head import complete_head
from jixiao.parsers.tabular import FormAssembler
from jixiao.records import RawCell, RawForm, RawIndicator, Role, TextLine
from jixiao.text import clean, fold
from jixiao.vocab import derived, vocabulary


class Mode(Enum):
    CLOSED = "closed"
    TARGETS = "targets"
    RESULTS = "results"


class Kind(Enum):
    LEVEL = "level"
    TARGETS = "targets"
    RESULTS = "results"
    GOALS = "goals"
    ISSUED = "issued"  # how the targets were issued ("绩效目标分解下达情况"): targets below
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Heading:
    kind: Kind
    level: Span | None = None  # the level name's key span
    mode: Mode | None = None  # a level heading's own reading ("…完成情况" / "…下达情况")


@dataclass(slots=True)
class Reading:
    levels: tuple[tuple[Role, str], ...]
    name: str
    value: str | None
    actual: str | None
    line: TextLine


@dataclass(frozen=True, slots=True)
class _Open:
    pass


Event = TextLine | _Open | Reading

_HEADING_MAX = 30  # characters of a heading or label
_ORDINAL = re.compile(
    r"\s*(?:(?P<cjk>[一二三四五六七八九十]+)[、.]|\((?P<pcjk>[一二三四五六七八九十]+)\)、?"
    r"|(?P<num>\d{1,2})[、.](?!\d)|\((?P<pnum>\d{1,2})\)、?)\s*"
)
_STYLES = {"cjk": "一、", "pcjk": "(一)", "num": "1.", "pnum": "(1)"}
_COLON = re.compile(r"(?<!\d):|:(?!\d)")
_SENTENCE_END = "。;."
_TRAILING = " 。.:;,"
_WEIGHT = re.compile(r"\(\s*\d+(?:\.\d+)?\s*分?\s*\)$")


def parse_prose(lines: tuple[TextLine, ...]) -> list[RawForm]:
    """Forms of a text whose targets or results are written in sentences."""
    reader = _Reader(self_eval=_is_self_eval(lines))
    for line in lines:
        reader.line(line)
    assembler = FormAssembler()
    for event in reader.events:
        if isinstance(event, TextLine):
            assembler.feed(head_row(event))
        elif isinstance(event, _Open):
            assembler.open_table()
        else:
            assembler.add(_indicator(event), event.line.number)
    forms = assembler.finish()
    previous_end = 0
    for form in forms:
        first = form.indicators[0].line if form.indicators else None
        head = [ln for ln in lines if previous_end < ln.number < (first or previous_end + 1)]
        complete_head(form, tuple(head))
        previous_end = form.line_end or previous_end
    return forms


def _is_self_eval(lines: tuple[TextLine, ...]) -> bool:
    head = fold(" ".join(line.text[:200] for line in lines[:12]))
    return any(marker in head for marker in vocabulary().form_type_markers["self_eval"])


def _indicator(reading: Reading) -> RawIndicator:
    line = reading.line
    cells = {role: RawCell(text, 0, line.number, line.page) for role, text in reading.levels}
    cells[Role.NAME] = RawCell(reading.name, 0, line.number, line.page)
    if reading.value is not None:
        cells[Role.VALUE] = RawCell(reading.value, 0, line.number, line.page)
    if reading.actual is not None:
        cells[Role.ACTUAL] = RawCell(reading.actual, 0, line.number, line.page)
    return RawIndicator(cells=cells, section=False, line=line.number, page=line.page)


# --- headings and labels ------------------------------------------------------------------


def classify(keyed: Keyed, span: Span) -> Heading:
    """What a heading or label says about the text under it."""
    key = keyed.key
    start, end = span
    while end > start and key[end - 1] in _TRAILING:
        end -= 1
    level = _level(keyed, (start, end))
    if level is not None:
        return level
    core = _WEIGHT.sub("", key[start:end])
    if any(word in core for word in words("sections", "goals")):
        return Heading(Kind.GOALS)
    if core.endswith(words("sections", "results")):
        return Heading(Kind.RESULTS)
    if core.endswith(words("sections", "targets")):
        return Heading(Kind.TARGETS)
    if core.endswith(words("sections", "level_target_suffixes")) and re.search("目标|指标", core):
        return Heading(Kind.ISSUED)
    return Heading(Kind.NEUTRAL)


def _level(keyed: Keyed, span: Span) -> Heading | None:
    start, end = span
    core = keyed.key[start:end]
    mode = None
    for suffixes, suffix_mode in (
        (words("sections", "level_result_suffixes"), Mode.RESULTS),
        (words("sections", "level_target_suffixes"), Mode.TARGETS),
    ):
        suffix = next((s for s in suffixes if core.endswith(s) and len(core) > len(s)), None)
        if suffix is not None:
            end, mode = end - len(suffix), suffix_mode
            break
    name = keyed.key[start:end]
    if len(name) > 16 or not vocabulary().is_level(name):
        return None
    return Heading(Kind.LEVEL, (start, end), mode)


@derived
@lru_cache(maxsize=1)
def _glued_level() -> re.Pattern[str]:
    names = {fold(n) for n in vocabulary().level_names if n.endswith("指标")}
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def split_heading(keyed: Keyed) -> tuple[str, Span | None, int]:
    """A line's numbering style, its heading (key span) and where its body starts."""
    key = keyed.key
    ordinal = _ORDINAL.match(key)
    style = next((_STYLES[g] for g in _STYLES if ordinal and ordinal.group(g)), "")
    start = ordinal.end() if ordinal else 0
    colon = _COLON.search(key, start)
    stop = key.find("。", start)
    ends = [e for e in (colon.start() if colon else -1, stop) if e >= 0]
    if ends:
        candidate: Span | None = (start, min(ends))
        body = min(ends) + 1
    elif not CLAUSE_END.search(key, start) and len(key) - start <= _HEADING_MAX:
        candidate, body = (start, len(key)), len(key)
    else:
        candidate, body = None, start
    if candidate is not None and _is_heading(keyed, candidate):
        return style, candidate, body
    glued = _glued_level().match(key, start)
    if glued is not None and read_sentence(keyed, glued.end(), len(key)):
        return style, (start, glued.end()), glued.end()
    return style, None, start


def _is_heading(keyed: Keyed, span: Span) -> bool:
    """Not a clause: no value in it, and not the name before "name: value"."""
    if span[1] - span[0] > _HEADING_MAX or span[1] <= span[0]:
        return False
    kind = classify(keyed, span).kind
    if kind is Kind.LEVEL:
        return True
    if read_sentence(keyed, *span):
        return False
    return kind is not Kind.NEUTRAL or not _name_value(keyed, span[1])


def body_parts(keyed: Keyed, start: int) -> list[tuple[Span, bool]]:
    """The body of a line cut at labels: (span, is_label) in order. A label is the text
    before a colon at a clause start that names a level, targets, results or goals, or that
    opens a sentence without being "name: value"; a results label ("实际完成:") is one even
    when glued to the clause before it."""
    key = keyed.key
    parts: list[tuple[Span, bool]] = []
    position = start
    for colon in _COLON.finditer(key, start):
        label = _label_before(keyed, position, colon.start())
        if label is None:
            continue
        if label[0] > position:
            parts.append(((position, label[0]), False))
        parts.append((label, True))
        position = colon.end()
    if position < len(key):
        parts.append(((position, len(key)), False))
    return parts


def _label_before(keyed: Keyed, position: int, colon: int) -> Span | None:
    key = keyed.key
    window = max(position, colon - _HEADING_MAX - 1)  # a label is short: look back no further
    ends = [m.end() for m in CLAUSE_END.finditer(key, window, colon)]
    start = ends[-1] if ends else window
    span = (start, colon)
    if not key[start:colon].strip():
        return None
    glued = _glued_label(key, start, colon)
    if glued is not None:
        return glued
    if not ends and window > position:
        return None  # the text before the colon is longer than a label
    kind = classify(keyed, span).kind
    if kind is not Kind.NEUTRAL:
        return span
    opens_sentence = start == 0 or start == position or key[start - 1] in _SENTENCE_END
    return span if opens_sentence and not _name_value(keyed, colon) else None


@derived
@lru_cache(maxsize=1)
def _glued_labels() -> tuple[str, ...]:
    levels = {fold(n) for n in vocabulary().level_names if n.endswith("指标")}
    labels = {*words("sections", "result_labels"), *levels}
    return tuple(sorted(labels, key=len, reverse=True))


def _glued_label(key: str, start: int, colon: int) -> Span | None:
    """A results label or level name glued to the clause before it ("…服务21实际完成:",
    "…3000株质量指标:")."""
    label = next((w for w in _glued_labels() if key.endswith(w, start, colon)), None)
    return (colon - len(label), colon) if label is not None else None


def _name_value(keyed: Keyed, colon: int) -> bool:
    """ "完成时限:2025年10月底前": a colon between a name and its value, not a label."""
    if keyed.key[colon : colon + 1] != ":" or _ORDINAL.match(keyed.key, colon + 1):
        return False  # not after a colon, or a numbered list follows ("建设内容:1.…")
    limit = min(len(keyed.key), colon + 1 + _HEADING_MAX)
    end = CLAUSE_END.search(keyed.key, colon + 1, limit)
    value = (colon + 1, end.start() if end else limit)
    return value[1] > value[0] and bare_target(keyed, value)


# --- the reader -----------------------------------------------------------------------------


class _Reader:
    """Walks the lines once, tracking what is read (nothing, targets, results) and the
    levels, and records head lines, table openings and readings in order."""

    def __init__(self, self_eval: bool) -> None:
        self.events: list[Event] = []
        self.mode = Mode.CLOSED
        self.section: Mode | None = None  # the reading the last section heading opened
        self.default = Mode.RESULTS if self_eval else Mode.TARGETS
        self.levels: dict[Role, str] = {}
        self.styles: dict[Role, str] = {}
        self.readings: list[Reading] = []
        self.group: list[Reading] = []  # readings since the last heading or label
        self.group_mode = Mode.CLOSED
        self.answered: list[Reading] = []  # the target list a results label answers
        self.answers = 0  # results read since that label

    def line(self, line: TextLine) -> None:
        text = clean(line.text)
        if not text:
            return
        keyed = Keyed.of(text)
        before = len(self.readings), self.answers
        style, heading, body = split_heading(keyed)
        opened = heading is not None and self._heading(keyed, heading, style, True)
        for span, is_label in body_parts(keyed, body):
            if is_label:
                opened = self._heading(keyed, span, "", False) or opened
            else:
                self._text(keyed, span, line)
        if (len(self.readings), self.answers) != before:
            return
        if not opened:
            self.mode = Mode.CLOSED
            self.events.append(line)

    def _heading(self, keyed: Keyed, span: Span, style: str, line_start: bool) -> bool:
        """Apply a heading or label; True when it opens reading."""
        heading = classify(keyed, span)
        if heading.kind is Kind.LEVEL and heading.level is not None:
            self._set_level(keyed, heading.level, style)
            if heading.mode is not None:
                self.section = heading.mode
            self.mode = heading.mode or self.section or self.default
        elif heading.kind in (Kind.TARGETS, Kind.RESULTS):
            mode = Mode.TARGETS if heading.kind is Kind.TARGETS else Mode.RESULTS
            if mode is Mode.RESULTS and self.group_mode is Mode.TARGETS:
                self.answered, self.answers = self.group, 0
            self.mode = self.section = mode
        else:
            self.mode = Mode.CLOSED
            if heading.kind is Kind.ISSUED:
                self.section = Mode.TARGETS  # read under the level headings that follow
        if line_start and heading.kind is not Kind.LEVEL:
            self.levels = {}
        self.group, self.group_mode = [], self.mode
        if self.mode is not Mode.CLOSED:
            self.events.append(_Open())
        return self.mode is not Mode.CLOSED

    def _set_level(self, keyed: Keyed, span: Span, style: str) -> None:
        role = self._level_role(keyed.key[slice(*span)], style)
        if role is Role.LEVEL1:
            self.levels = {}
        self.levels[role] = keyed.printed(*span)
        if style:
            self.styles[role] = style

    def _level_role(self, name: str, style: str) -> Role:
        """Level-1 or level-2: by the vocabulary; for a name used at both levels (成本指标,
        满意度指标), by the numbering style of earlier level headings, else level-2 when the
        level-1 it names is a level-2 the current level-1 allows (成本指标 in 产出指标)."""
        vocab = vocabulary()
        canonical = vocab.level1_of(name)
        if (canonical is not None) != bool(vocab.level2_candidates(name)):
            return Role.LEVEL1 if canonical is not None else Role.LEVEL2
        for role in (Role.LEVEL1, Role.LEVEL2):
            if style and self.styles.get(role) == style:
                return role
        current = vocab.level1_of(self.levels.get(Role.LEVEL1, ""))
        entry = vocab.level2_by_name.get(canonical or "")
        if entry is not None and current in entry.parents and entry.name != current:
            return Role.LEVEL2
        return Role.LEVEL1

    def _text(self, keyed: Keyed, span: Span, line: TextLine) -> None:
        if self.mode is Mode.CLOSED:
            return
        for found in read_sentence(keyed, *span):
            for name in found.names:
                self._add(self._reading(keyed, found, name, line))

    def _reading(self, keyed: Keyed, found: Found, name: Span, line: TextLine) -> Reading:
        value = keyed.printed(*found.value) if found.value else None
        actual = keyed.printed(*found.actual) if found.actual else None
        if self.mode is Mode.RESULTS and not found.marked and _numeric(value):
            value, actual = None, value
        levels = tuple((r, self.levels[r]) for r in (Role.LEVEL1, Role.LEVEL2) if r in self.levels)
        return Reading(levels, keyed.printed(*name), value, actual, line)

    def _add(self, reading: Reading) -> None:
        if reading.value is None and reading.actual is not None:
            partner = self._partner(reading)
            self.answers += 1
            if partner is not None:
                partner.actual = reading.actual
                return
        self.readings.append(reading)
        self.group.append(reading)
        self.events.append(reading)

    def _partner(self, result: Reading) -> Reading | None:
        """The target this result answers: the latest unanswered one of the same name, else
        the one at the same position of the target list a results label follows."""
        key = fold(result.name)
        for reading in reversed(self.readings):
            if reading.actual is None and reading.value is not None and fold(reading.name) == key:
                return reading
        index = self.answers
        if index < len(self.answered) and self.answered[index].actual is None:
            return self.answered[index]
        return None


def _numeric(value: str | None) -> bool:
    """A figure that can be a result (not a deadline, not a qualitative word)."""
    return bool(value and re.search(r"\d", value) and cell_type(value) is not CellType.DATE)
