"""A row's target: operator, value and unit from its operator, value and unit cells, with
deadlines, Excel artefacts and OCR damage recognised and flagged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final

from jixiao.flags import (
    EXCEL_DATE,
    EXCEL_FLOAT,
    NUMBER_REPAIRED,
    OCR_REPAIRED,
    OPERATOR_REPAIRED,
    OPERATOR_UNKNOWN,
    PINYIN_REMOVED,
    TEXT_REPAIRED,
    UNIT_CONFLICT,
)
from jixiao.normalizers.dates import deadline, excel_serial_date
from jixiao.normalizers.operators import UNKNOWN, operator_of_cell
from jixiao.normalizers.units import PERCENT, canonical_unit
from jixiao.normalizers.values import ParsedValue, parse_target
from jixiao.parsers.cells import CELLTYPE_DATE, cell_type
from jixiao.records import RawIndicator, Role
from jixiao.repairs import (
    collapse_question_runs,
    excel_float,
    fix_ocr_digits,
    join_spaced_number,
    ocr_two_for_ge,
    operator_confusions,
    strip_pinyin,
)
from jixiao.roles import ROLE_NAME, ROLE_UNIT, ROLE_VALUE
from jixiao.text import fold

QUALITATIVE: Final = "qualitative"
_REPAIRABLE: Final = re.compile(r"[(（?？]")  # pinyin glosses sit in brackets; lost spaces are "?"
_TIME_NAME: Final = re.compile(r"时间|日期|时限|期限|完成时")
_RATE_NAME: Final = re.compile(r"(率|满意度|比例|占比)$")


@dataclass(slots=True, init=False, unsafe_hash=True)
class Target:
    operator: str | None
    operator_raw: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    unit_raw: str | None
    flags: tuple[str, ...]

    def __init__(
        self,
        operator: str | None,
        operator_raw: str | None,
        value: float | None,
        value_max: float | None,
        unit: str | None,
        unit_raw: str | None,
        flags: tuple[str, ...],
    ) -> None:
        self.operator = operator
        self.operator_raw = operator_raw
        self.value = value
        self.value_max = value_max
        self.unit = unit
        self.unit_raw = unit_raw
        self.flags = flags


def repair_text(text: str | None) -> tuple[str | None, tuple[str, ...]]:
    """Crawler damage in a cell: pinyin glosses, "?" runs. Returns the text and flags."""
    if not text or not _REPAIRABLE.search(text):
        return text, ()
    flags: list[str] = []
    text, changed = strip_pinyin(text)
    if changed:
        flags.append(PINYIN_REMOVED)
    text, changed = collapse_question_runs(text)
    if changed:
        flags.append(TEXT_REPAIRED)
    return text, tuple(flags)


_OPERATOR_ROLES: Final[tuple[Role, ...]] = (Role.OPERATOR, Role.DIRECTION)


def _printed_operator(texts: Mapping[Role, str]) -> tuple[str | None, str | None, bool]:
    """The operator cell (指标值类型 / 计算符号 / 指标方向) holding an operator; repaired?"""
    first = None
    for role in _OPERATOR_ROLES:
        text = texts.get(role)
        if not text:
            continue
        first = first or text
        operator = operator_of_cell(text)
        if operator is not None:
            return operator, text, False
        confused = operator_confusions().get(fold(text))
        if confused is not None:
            return confused, text, True
    return None, first, False


_DIGIT_NEXT: Final = re.compile(r"\s*[\d０-９]")


def _fix_confused_prefix(value_text: str) -> tuple[str, bool]:
    if not value_text or value_text[0] not in _CONFUSED_FIRST():
        return value_text, False
    for wrong, right in operator_confusions().items():
        if value_text.startswith(wrong) and _DIGIT_NEXT.match(value_text, len(wrong)):
            symbol = {">=": "≥", "<=": "≤"}.get(right, right)
            return symbol + value_text[len(wrong) :], True
    return value_text, False


@lru_cache(maxsize=1)
def _CONFUSED_FIRST() -> frozenset[str]:  # noqa: N802
    return frozenset(wrong[0] for wrong in operator_confusions())


def _parse_value(value_text: str) -> tuple[ParsedValue, tuple[str, ...]]:
    flags: list[str] = []
    text, repaired = repair_text(value_text)
    flags.extend(repaired)
    text, confused = _fix_confused_prefix(text or "")
    if confused:
        flags.append(OPERATOR_REPAIRED)
    text, misread = fix_ocr_digits(text)
    if misread:
        flags.append(OCR_REPAIRED)
    parsed = parse_target(text)
    if parsed.value is None:
        joined, changed = join_spaced_number(text)
        if changed and (again := parse_target(joined)).value is not None:
            return again, (*flags, NUMBER_REPAIRED)
    return parsed, tuple(flags)


def _repair_number(target: Target, printed: str, name: str) -> Target:
    """Excel float noise and OCR's "2" for "≥" on the parsed number."""
    value = target.value
    if value is None:
        return target
    rounded = excel_float(printed, value)
    if rounded is not None:
        if _RATE_NAME.search(name) and abs(rounded) <= 1.5 and target.unit in (None, PERCENT):
            return replace(
                target,
                value=round(rounded * 100, 6),
                unit=PERCENT,
                flags=(*target.flags, EXCEL_FLOAT),
            )
        return replace(target, value=rounded, flags=(*target.flags, EXCEL_FLOAT))
    if target.operator is None and _RATE_NAME.search(name):
        fixed = ocr_two_for_ge(printed, value, target.unit)
        if fixed is not None:
            flags = tuple(f for f in target.flags if f != OPERATOR_UNKNOWN)
            return replace(target, operator=">=", value=fixed, flags=(*flags, OPERATOR_REPAIRED))
    return target


def read_target(row: RawIndicator, year: int | None = None) -> Target:
    """Operator, value and unit of a row, from its operator, value and unit cells."""
    texts = row.texts
    operator, op_raw, op_repaired = _printed_operator(texts)
    value_text = texts.get(ROLE_VALUE)
    unit_cell = texts.get(ROLE_UNIT)
    base_flags = (OPERATOR_REPAIRED,) if op_repaired else ()
    if value_text and cell_type(value_text) is CELLTYPE_DATE:
        kept = QUALITATIVE if operator == QUALITATIVE else "<="
        return Target(kept, op_raw, None, None, None, unit_cell, base_flags)
    if operator == QUALITATIVE:
        return Target(QUALITATIVE, op_raw, None, None, None, unit_cell, base_flags)
    parsed, parse_flags = _parse_value(value_text) if value_text else (ParsedValue(), ())
    flags = [*base_flags, *parse_flags]
    if parsed.operator is not None and operator is None:
        operator, op_raw = parsed.operator, parsed.operator_raw
    if parsed.value is None and value_text and operator is None:
        return Target(QUALITATIVE, op_raw, None, None, None, unit_cell, tuple(flags))
    name = texts.get(ROLE_NAME) or ""
    if parsed.value is not None and _TIME_NAME.search(name) and excel_serial_date(parsed.value):
        return Target("<=", op_raw, None, None, None, None, (*flags, EXCEL_DATE))
    unit_raw = parsed.unit_raw or unit_cell
    if (
        parsed.unit_raw
        and unit_cell
        and canonical_unit(parsed.unit_raw) != canonical_unit(unit_cell)
    ):
        flags.append(UNIT_CONFLICT)
    if operator == UNKNOWN or (operator is None and parsed.value is not None):
        flags.append(OPERATOR_UNKNOWN)
        operator = None
    target = Target(
        operator,
        op_raw,
        parsed.value,
        parsed.value_max,
        canonical_unit(unit_raw),
        unit_raw,
        tuple(flags),
    )
    return _repair_number(target, value_text or "", name)


def target_deadline(row: RawIndicator, target: Target, year: int | None) -> str | None:
    value_text = row.texts.get(ROLE_VALUE)
    if EXCEL_DATE in target.flags and value_text:
        serial = parse_target(value_text).value
        return excel_serial_date(serial) if serial is not None else None
    if value_text and cell_type(value_text) is CELLTYPE_DATE:
        return deadline(value_text, year)
    return None
