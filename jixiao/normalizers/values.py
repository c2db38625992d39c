"""Targets and actual values: operator prefix/suffix, number, range, unit suffix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from jixiao.normalizers.numbers import parse_number
from jixiao.normalizers.operators import split_operator_prefix, split_operator_suffix
from jixiao.text import fold
from jixiao.vocab import derived, plausible_unit, vocabulary

_UNIT: Final = r"[^\d\s\-~～—–][^\d]{0,9}"
_NUMBER_UNIT: Final = re.compile(rf"^(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{_UNIT})?$")
_RANGE: Final = re.compile(
    r"^(?P<lo>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<lo_unit>%|％)?\s*(?:-|~|～|—|–|至|到)\s*"
    rf"(?P<hi>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{_UNIT})?$"
)


@dataclass(slots=True, init=False, unsafe_hash=True)
class ParsedValue:
    """A printed target split into its parts; fields are None when absent."""

    operator: str | None = None
    operator_raw: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit_raw: str | None = None

    def __init__(
        self,
        operator: str | None = None,
        operator_raw: str | None = None,
        value: float | None = None,
        value_max: float | None = None,
        unit_raw: str | None = None,
    ) -> None:
        self.operator = operator
        self.operator_raw = operator_raw
        self.value = value
        self.value_max = value_max
        self.unit_raw = unit_raw


@derived
@lru_cache(maxsize=65536)
def parse_target(text: str) -> ParsedValue:
    """Split "≥95%", "不低于280人次", "18-54岁", "60%及以上" into operator, number(s), unit;
    a rate printed "每亩300元" is 300 元/亩."""
    per = _PER.match(fold(text))
    if per is not None:
        return _per_unit(parse_target(fold(text)[per.end() :]), per)
    operator, operator_raw, rest = split_operator_prefix(text)
    if operator is None:
        operator, operator_raw, rest = split_operator_suffix(rest)
    rest = rest.strip()
    number = _NUMBER_UNIT.match(rest)
    if number is not None and _unit_or_none(number.group("unit")):
        value = parse_number(number.group("num"))
        if value is not None:
            return ParsedValue(operator, operator_raw, value, None, _unit(number.group("unit")))
    span = _RANGE.match(rest)
    if span is not None and operator is None:
        lo, hi = parse_number(span.group("lo")), parse_number(span.group("hi"))
        unit = span.group("unit") or span.group("lo_unit")
        if lo is not None and hi is not None and lo <= hi and _unit_or_none(unit):
            return ParsedValue("range", None, lo, hi, _unit(unit))
    return ParsedValue(operator, operator_raw)


# "每亩300元", "每人每年1500元": what the number is counted per, before it
_PER: Final = re.compile(
    r"^每(?P<per>[\u4e00-\u9fff]{1,3}?)(?:每(?P<per2>[\u4e00-\u9fff]{1,2}?))?(?=\d)"
)


def _per_unit(parsed: ParsedValue, per: re.Match[str]) -> ParsedValue:
    """The number read after 每…, its unit counted per it (元 per 亩: 元/亩); with no unit
    printed, the number alone."""
    if parsed.value is None or parsed.unit_raw is None:
        return parsed
    counted = per.group("per") + (f"·{per.group('per2')}" if per.group("per2") else "")
    return ParsedValue(
        parsed.operator,
        parsed.operator_raw,
        parsed.value,
        parsed.value_max,
        f"{parsed.unit_raw}/{counted}",
    )


def _unit_or_none(text: str | None) -> bool:
    """No unit, or one that could be a unit (元/人·年, 台(套)): "12月底到位" and
    "1-6期培训结束后及时考核" are texts, not a number or a range with a unit."""
    folded = fold(text or "")
    if not folded:
        return True
    if _DATE_PHRASE.match(folded) and folded not in vocabulary().units:
        return False
    return plausible_unit(folded) or (
        len(folded) <= _LONGEST_UNIT and not vocabulary().qualitative_any.search(folded)
    )


_LONGEST_UNIT: Final = 6
_DATE_PHRASE: Final = re.compile(r"[年月日号][底末初中前后内]")  # 12月底到位, 6月末前


def _unit(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text if fold(text) else None
