"""Build a canonical Indicator from a RawIndicator: operator, value, unit, weight, actual."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.flags import (
    EXCEL_DATE,
    OPERATOR_UNKNOWN,
    UNIT_CONFLICT,
    UNIT_INFERRED,
)
from jixiao.models import Indicator
from jixiao.normalizers.confidence import confidence
from jixiao.normalizers.dates import deadline, excel_serial_date
from jixiao.normalizers.levels import Levels
from jixiao.normalizers.operators import UNKNOWN, operator_of_cell
from jixiao.normalizers.units import canonical_unit, infer_unit
from jixiao.normalizers.values import ParsedValue, parse_target
from jixiao.normalizers.weights import score_of_cell, weight_of_cell, weight_of_scoring
from jixiao.parsers.cells import CellType, cell_type
from jixiao.records import RawIndicator, Role

QUALITATIVE = "qualitative"
_TIME_NAME = re.compile(r"时间|日期|时限|期限|完成时")
# template numbering leaked into names: "指标1:开展…", "指标2工程验收合格率"
_TEMPLATE_PREFIX = re.compile(r"^指标\s*\d{1,2}\s*[:：.、]?\s*(?=\S)")


def indicator_name(text: str) -> str:
    """The 三级指标 name without template numbering ("指标1:" prefixes)."""
    return _TEMPLATE_PREFIX.sub("", text)


@dataclass(frozen=True, slots=True)
class Target:
    operator: str | None
    operator_raw: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    unit_raw: str | None
    flags: tuple[str, ...]


def _printed_operator(row: RawIndicator) -> tuple[str | None, str | None]:
    """The operator cell (指标值类型 / 计算符号 / 指标方向 column) that holds an operator."""
    first = None
    for role in (Role.OPERATOR, Role.DIRECTION):
        text = row.text(role)
        if text:
            first = first or text
            operator = operator_of_cell(text)
            if operator is not None:
                return operator, text
    return None, first


def _deadline_target(operator: str | None, op_raw: str | None, unit: str | None) -> Target:
    kept = QUALITATIVE if operator == QUALITATIVE else "<="
    return Target(kept, op_raw, None, None, None, unit, ())


def read_target(row: RawIndicator, year: int | None = None) -> Target:
    """Operator, value and unit of a row, from its operator, value and unit cells."""
    operator, op_raw = _printed_operator(row)
    value_text = row.text(Role.VALUE)
    unit_cell = row.text(Role.UNIT)
    if value_text and deadline(value_text, year) and cell_type(value_text) is CellType.DATE:
        return _deadline_target(operator, op_raw, unit_cell)
    if operator == QUALITATIVE:
        return Target(QUALITATIVE, op_raw, None, None, None, unit_cell, ())
    parsed = parse_target(value_text) if value_text else None
    flags: list[str] = []
    if parsed is not None and parsed.operator is not None and operator is None:
        operator, op_raw = parsed.operator, parsed.operator_raw
    value = parsed.value if parsed else None
    if value is None and value_text and operator is None:
        return Target(QUALITATIVE, op_raw, None, None, None, unit_cell, ())
    if value is not None and _names_a_time(row) and excel_serial_date(value):
        return Target("<=", op_raw, None, None, None, None, (EXCEL_DATE,))
    unit_raw = (parsed.unit_raw if parsed else None) or unit_cell
    if parsed and parsed.unit_raw and unit_cell:
        if canonical_unit(parsed.unit_raw) != canonical_unit(unit_cell):
            flags.append(UNIT_CONFLICT)
    if operator == UNKNOWN or (operator is None and value is not None):
        flags.append(OPERATOR_UNKNOWN)
        operator = None
    return Target(
        operator,
        op_raw,
        value,
        parsed.value_max if parsed else None,
        canonical_unit(unit_raw),
        unit_raw,
        tuple(flags),
    )


def _names_a_time(row: RawIndicator) -> bool:
    return bool(_TIME_NAME.search(row.text(Role.NAME) or ""))


def row_deadline(row: RawIndicator, target: Target, year: int | None) -> str | None:
    value_text = row.text(Role.VALUE)
    if EXCEL_DATE in target.flags and value_text:
        serial = parse_target(value_text).value
        return excel_serial_date(serial) if serial is not None else None
    if value_text and cell_type(value_text) is CellType.DATE:
        return deadline(value_text, year)
    return None


def _infer_missing_unit(target: Target, row: RawIndicator) -> Target:
    if target.unit is not None or target.value is None:
        return target
    unit = infer_unit(target.value, row.text(Role.SCORING), row.text(Role.NAME) or "")
    if unit is None:
        return target
    return Target(
        target.operator,
        target.operator_raw,
        target.value,
        target.value_max,
        unit,
        None,
        (*target.flags, UNIT_INFERRED),
    )


def _from_actual(target: Target, actual: ParsedValue) -> Target:
    """A row with only a result (a self-evaluation report in prose): its operator and unit."""
    return Target(
        actual.operator,
        actual.operator_raw,
        target.value,
        target.value_max,
        canonical_unit(actual.unit_raw),
        actual.unit_raw,
        (),
    )


def _weight(row: RawIndicator) -> float | None:
    for candidate in (
        weight_of_cell(row.text(Role.WEIGHT)),
        weight_of_cell(row.text(Role.REMARK)),
        weight_of_scoring(row.text(Role.SCORING)),
    ):
        if candidate is not None:
            return candidate
    return None


def build_indicator(
    row: RawIndicator, levels: Levels, seq: int, year: int | None = None
) -> Indicator:
    target = _infer_missing_unit(read_target(row, year), row)
    actual_text = row.text(Role.ACTUAL)
    actual = (
        parse_target(actual_text)
        if actual_text and cell_type(actual_text) is not CellType.DATE
        else None
    )
    if actual is not None and Role.VALUE not in row.cells:
        target = _from_actual(target, actual)
    flags = list(dict.fromkeys((*row.flags, *levels.flags, *target.flags)))
    l1_cell, l2_cell = row.cells.get(Role.LEVEL1), row.cells.get(Role.LEVEL2)
    return Indicator(
        seq=seq,
        level1=levels.level1,
        level1_raw=l1_cell.text if l1_cell else None,
        level2=levels.level2,
        level2_raw=l2_cell.text if l2_cell else None,
        name=indicator_name(row.text(Role.NAME) or ""),
        operator=target.operator,  # type: ignore[arg-type]
        operator_raw=target.operator_raw,
        value=target.value,
        value_max=target.value_max,
        value_text=row.text(Role.VALUE),
        unit=target.unit,
        unit_raw=target.unit_raw,
        weight=_weight(row),
        explanation=row.text(Role.EXPLANATION),
        scoring=row.text(Role.SCORING),
        remark=row.text(Role.REMARK) or row.text(Role.DEVIATION),
        actual_text=actual_text,
        actual_value=actual.value if actual else None,
        score=score_of_cell(row.text(Role.SCORE)),
        page=row.page,
        line=row.line,
        bbox=list(row.bbox) if row.bbox else None,
        confidence=confidence(flags),
        flags=flags,
        deadline=row_deadline(row, target, year),
    )
