"""Indicators inside the sentences of prose: names, targets and actual values.

A sentence is cut into clauses at ，,;；。 (not at the comma of "1,000"). In a clause a value
is an operator, a number and a unit ("≥4300亩", "超过95%", "100万元以内"), optionally led by
a connector ("为", "达到", "均为"), a target marker ("指标为") or an actual marker ("实际完成值
为"). The name of an indicator is the text before its value; when a value is followed by more
text ("…为98%覆盖率及…"), a new name starts there (a glued boundary). A connector with 均/都
gives its value to every name it follows ("覆盖率及资金到位率均为100%"). A clause without a
value followed by a clause that is only a value is one indicator ("完成时限,2025年10月底前").

Matching runs on a key of the printed text (traditional characters simplified, full-width
forms half-width, pinyin glosses left out); positions map back to the printed text, so names
and values keep their characters as printed.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache

from jixiao.parsers.cells import CellType, cell_type
from jixiao.repairs import PINYIN_GLOSS, traditional_map
from jixiao.vocab import derived, vocabulary


@dataclass(frozen=True, slots=True)
class Keyed:
    """Printed text and its comparison key: simplified characters, half-width forms, no pinyin
    glosses. `pos[i]` is where key character i was printed (None: the same place)."""

    text: str
    key: str
    pos: array[int] | None = None

    @classmethod
    def of(cls, text: str) -> Keyed:
        table = _key_table()
        glosses = list(PINYIN_GLOSS.finditer(text))
        if not glosses:
            return cls(text, text.translate(table))
        parts: list[str] = []
        pos = array("q")
        start = 0
        for gloss in [*glosses, None]:
            end = gloss.start() if gloss else len(text)
            parts.append(text[start:end].translate(table))
            pos.extend(range(start, end))
            start = gloss.end() if gloss else end
        return cls(text, "".join(parts), pos)

    def printed(self, start: int, end: int) -> str:
        """The printed text of key positions [start, end)."""
        if end <= start:
            return ""
        if self.pos is None:
            return self.text[start:end]
        return self.text[self.pos[start] : self.pos[end - 1] + 1]


@derived
@lru_cache(maxsize=1)
def _key_table() -> dict[int, str]:
    """One character for one: full-width and small forms to half-width, traditional to
    simplified (so key positions stay those of the printed text)."""
    forms = [*range(0xFF00, 0xFFF0), *range(0xFE50, 0xFE70)]
    table = {code: unicodedata.normalize("NFKC", chr(code)) for code in forms}
    table.update(traditional_map())
    return {code: char for code, char in table.items() if len(char) == 1}


Span = tuple[int, int]


@dataclass(slots=True)
class Found:
    """One indicator read from a clause: name spans (several when they share the value),
    the value span and whether a marker said it is a target or an actual."""

    names: list[Span]
    value: Span | None = None
    actual: Span | None = None
    marked: bool = False  # a marker (指标为 / 实际完成值为) said which the value is


def words(section: str, key: str) -> tuple[str, ...]:
    return vocabulary().prose[section][key]


def _alternation(items: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True) if w)


@derived
@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    vocab = vocabulary()
    ops = [s for s, _ in vocab.operator_symbols] + [
        w for w, c in vocab.operator_words.items() if c not in ("qualitative", "unknown")
    ]
    suffixes = [w for w, _ in vocab.operator_suffixes]
    value = (
        rf"(?P<op>{_alternation(ops)})?\s*(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        rf"\s*(?P<unit>(?:万|亿)?(?:{_alternation(vocab.unit_variants)}))?"
        rf"(?P<suffix>{_alternation(suffixes)})?"
        rf"(?P<trail>{_alternation(words('clauses', 'value_trailers'))})?"
    )
    target, actual = words("clauses", "target_markers"), words("clauses", "actual_markers")
    connectors = words("clauses", "connectors")
    lead = (
        rf"(?:(?P<target>{_alternation(target)})|(?P<actual>{_alternation(actual)})"
        rf"|(?P<conn>{_alternation(connectors)}))"
    )
    return {
        "occurrence": re.compile(rf"(?:{lead}\s*)?{value}"),
        "connector": re.compile(_alternation(connectors)),
        "year_opener": re.compile(
            rf"^(?:19|20)\d{{2}}年度?(?:{_alternation(words('clauses', 'result_verbs'))})?"
        ),
        "count_start": re.compile(rf"^\d+(?:\.\d+)?\s*(?:{_alternation(vocab.unit_variants)})"),
        "joiners": re.compile(_alternation(words("clauses", "joiners"))),
        "time_name": re.compile(_alternation(words("clauses", "time_names"))),
    }


# where clauses end: ;。, and "." but not inside numbers ("1,000", "1.8")
CLAUSE_END = re.compile(r"[;。]|,(?!\d{3}(?!\d))|(?<!\d),|\.(?!\d)|(?<!\d)\.")
_EDGE = " \t、,:;。.-—"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENUMERATOR = re.compile(
    r"(?:[一二三四五六七八九十]+是|\(?\d{1,2}\)|\d{1,2}[.、](?!\d)|\([一二三四五六七八九十]+\)|[①-⑳])\s*"
)
_YEARLIKE = re.compile(r"^(?:19|20)\d{2}$")
_MAX_NAME = 40
_MAX_CLAUSE = 80  # one name and a value in words


def clauses(keyed: Keyed, start: int, end: int) -> list[Span]:
    """Clause spans of key[start:end], cut at ，,;；。 (not inside "1,000")."""
    spans: list[Span] = []
    position = start
    for match in CLAUSE_END.finditer(keyed.key, start, end):
        spans.append(_trim(keyed.key, position, match.start()))
        position = match.end()
    spans.append(_trim(keyed.key, position, end))
    return [s for s in spans if s[1] > s[0]]


def _trim(key: str, start: int, end: int) -> Span:
    while start < end and key[start] in _EDGE:
        start += 1
    while end > start and key[end - 1] in _EDGE:
        end -= 1
    return start, end


def read_sentence(keyed: Keyed, start: int, end: int) -> list[Found]:
    """The indicators of a run of clauses, in order."""
    found: list[Found] = []
    spans = clauses(keyed, start, end)
    index = 0
    while index < len(spans):
        span = spans[index]
        following = spans[index + 1] if index + 1 < len(spans) else None
        read = read_clause(keyed, span, found)
        if read is None and following is not None and bare_target(keyed, following):
            name = _name(keyed, span)
            if name is not None:
                found.append(Found([name], value=following))
                index += 2
                continue
        found.extend(read or [])
        index += 1
    return found


def read_clause(keyed: Keyed, span: Span, before: list[Found]) -> list[Found] | None:
    """The indicators of one clause; None when it holds no value. An actual with no name
    ("实际完成值为96%") goes to the indicator before it (in `before`)."""
    found = _by_values(keyed, span, before)
    if found is not None:
        return found
    if span[1] - span[0] > _MAX_CLAUSE:
        return None  # a paragraph without punctuation, not one name and its value
    single = _qualitative(keyed, span) or _described(keyed, span) or _deadline(keyed, span)
    return [single] if single is not None else None


@dataclass(slots=True)
class _Occurrence:
    lead: str | None  # "target", "actual", "conn" or None
    lead_start: int
    value: Span
    end: int  # after trailer words
    shared: bool = field(default=False)


def _occurrences(keyed: Keyed, span: Span) -> list[_Occurrence]:
    key = keyed.key
    start, end = span
    shared = words("clauses", "shared")
    found: list[_Occurrence] = []
    for match in _patterns()["occurrence"].finditer(key, start, end):
        lead = next((g for g in ("target", "actual", "conn") if match.group(g)), None)
        value_start = match.start("op") if match.group("op") else match.start("num")
        value_end = max(match.end(g) for g in ("num", "unit", "suffix") if match.group(g))
        occurrence = _Occurrence(
            lead,
            match.start(),
            (value_start, value_end),
            match.end(),
            bool(lead == "conn" and match.group("conn").startswith(shared)),
        )
        if _real(key, match, occurrence, end) and _plausible(match):
            found.append(occurrence)
    return found


def _real(key: str, match: re.Match[str], occurrence: _Occurrence, end: int) -> bool:
    """A value ends the clause, or is led by a connector or marker, or is a percentage or
    carries an operator and runs into the next name (a glued boundary)."""
    rest = key[occurrence.end : end].strip(_EDGE)
    if not rest:
        return True
    if _CJK.match(key[occurrence.end : occurrence.end + 1]) is None:
        return False
    return occurrence.lead is not None or bool(match.group("op")) or match.group("unit") == "%"


def _plausible(match: re.Match[str]) -> bool:
    """Not a year, a phone number, or the weight glued after a target ("…95%10", a row
    of a table)."""
    number = match.group("num").replace(",", "")
    if match.group("unit") or match.group("op") or match.group("suffix"):
        return match.group("unit") != "年" or not _YEARLIKE.match(number)
    glued = _GLUED_AFTER.search(match.string, 0, match.start("num"))
    return not _YEARLIKE.match(number) and len(number.split(".")[0]) < 7 and glued is None


_GLUED_AFTER = re.compile(r"[\d%‰]$")


def _by_values(keyed: Keyed, span: Span, before: list[Found]) -> list[Found] | None:
    occurrences = _occurrences(keyed, span)
    if not occurrences:
        return None
    found: list[Found] = []
    position = span[0]
    for occurrence in occurrences:
        name_span = (position, occurrence.lead_start)
        position = occurrence.end
        if occurrence.lead == "actual" and not keyed.key[slice(*name_span)].strip(_EDGE):
            last = found[-1] if found else (before[-1] if before else None)
            if last is not None and last.actual is None:
                last.actual, last.marked = occurrence.value, True
            continue
        names = _names(keyed, name_span, occurrence.shared)
        if not names:
            continue
        marked = occurrence.lead in ("target", "actual")
        item = Found(names, marked=marked)
        if occurrence.lead == "actual":
            item.actual = occurrence.value
        else:
            item.value = occurrence.value
        found.append(item)
    return found


def _names(keyed: Keyed, span: Span, shared: bool) -> list[Span]:
    name = _name(keyed, span)
    if name is None:
        return []
    if not shared:
        return [name]
    parts: list[Span] = []
    position = name[0]
    for match in _patterns()["joiners"].finditer(keyed.key, name[0], name[1]):
        parts.append((position, match.start()))
        position = match.end()
    parts.append((position, name[1]))
    named = [p for part in parts if (p := _name(keyed, part)) is not None]
    return named if len(named) == len(parts) else [name]


def _name(keyed: Keyed, span: Span) -> Span | None:
    """The span of an indicator name, without edge punctuation and a leading "2019年完成";
    None when it cannot be a name (too short, too long, cells of a table row, opening with a
    count: "404名…")."""
    key = keyed.key
    start, end = _trim(key, *span)
    colon = key.rfind(":", start, end)
    if colon >= 0:  # "其中:中央资金": the label before the colon names no indicator
        start = colon + 1
    enumerator = _ENUMERATOR.match(key, start, end)
    if enumerator:  # "一是资助学生", "(1)资助学生"
        start = enumerator.end()
    opener = _patterns()["year_opener"].match(key, start, end)
    if opener and len(_CJK.findall(key, opener.end(), end)) >= 2:
        start = opener.end()
    text = key[start:end]
    if len(_CJK.findall(text)) < 2 or len(text) > _MAX_NAME or " " in text:
        return None  # a name of prose has no spaces: "出差人数 正向 = 8" is a table row
    if _patterns()["count_start"].match(text) or _generic(text):
        return None
    return start, end


def _generic(text: str) -> bool:
    """A label, not a name: "指标", "目标", "其中"."""
    return text in words("clauses", "generic_names")


def bare_target(keyed: Keyed, span: Span) -> bool:
    """A clause that is only a target: "2025年10月底前", "增加", "≥95%"."""
    text = keyed.key[span[0] : span[1]]
    if vocabulary().qualitative_end.match(text):
        return True
    return cell_type(keyed.printed(*span)) in (CellType.NUMBER, CellType.DATE)


def _qualitative(keyed: Keyed, span: Span) -> Found | None:
    """A connector and a qualitative word: "2个工程建设质量为合格"."""
    for match in _patterns()["connector"].finditer(keyed.key, *span):
        rest = (match.end(), span[1])
        if vocabulary().qualitative_end.match(keyed.key[slice(*rest)]):
            name = _name(keyed, (span[0], match.start()))
            return Found([name], value=rest) if name else None
    return None


def _described(keyed: Keyed, span: Span) -> Found | None:
    """A connector and a described value holding a number, ending in words: "资助标准为每生
    每年3000元、2000元、1000元3个档次"."""
    match = _patterns()["connector"].search(keyed.key, *span)
    rest = keyed.key[match.end() : span[1]] if match else ""
    if match is None or not re.search(r"\d", rest) or rest[-1].isdigit():
        return None
    name = _name(keyed, (span[0], match.start()))
    return Found([name], value=(match.end(), span[1])) if name else None


_DATE_END = re.compile(r"(?:19|20)\d{2}\s*年[^,;。]{0,12}$")


def _deadline(keyed: Keyed, span: Span) -> Found | None:
    """A time indicator and its deadline: "项目完成时间2024年12月底前"."""
    match = _DATE_END.search(keyed.key, *span)
    if match is None or cell_type(keyed.printed(match.start(), span[1])) is not CellType.DATE:
        return None
    name = _name(keyed, (span[0], match.start()))
    if name is None or not _patterns()["time_name"].search(keyed.key, *name):
        return None
    return Found([name], value=(match.start(), span[1]))
