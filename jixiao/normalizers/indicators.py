"""Build a canonical Indicator from a RawIndicator: operator, value, unit, weight, actual."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.flags import (
    OPERATOR_UNKNOWN,
    UNIT_CONFLICT,
    UNIT_INFERRED,
)
from jixiao.models import Indicator
from jixiao.normalizers.confidence import confidence
from jixiao.normalizers.levels import Levels
from jixiao.normalizers.operators import UNKNOWN, operator_of_cell
from jixiao.normalizers.units import canonical_unit, infer_unit
from jixiao.normalizers.values import parse_target
from jixiao.normalizers.weights import score_of_cell, weight_of_cell, weight_of_scoring
from jixiao.records import RawIndicator, Role

QUALITATIVE = "qualitative"


@dataclass(frozen=True, slots=True)
class Target:
    operator: str | None
    operator_raw: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    unit_raw: str | None
    flags: tuple[str, ...]


def read_target(row: RawIndicator) -> Target:
    """Operator, value and unit of a row, from its operator, value and unit cells."""
    op_raw = row.text(Role.OPERATOR) or row.text(Role.DIRECTION)
    operator = operator_of_cell(op_raw) if op_raw else None
    value_text = row.text(Role.VALUE)
    unit_cell = row.text(Role.UNIT)
    if operator == QUALITATIVE:
        return Target(QUALITATIVE, op_raw, None, None, None, unit_cell, ())
    parsed = parse_target(value_text) if value_text else None
    flags: list[str] = []
    if parsed is not None and parsed.operator is not None and operator is None:
        operator, op_raw = parsed.operator, parsed.operator_raw
    value = parsed.value if parsed else None
    if value is None and value_text and operator is None:
        return Target(QUALITATIVE, op_raw, None, None, None, unit_cell, ())
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


def _weight(row: RawIndicator) -> float | None:
    for candidate in (
        weight_of_cell(row.text(Role.WEIGHT)),
        weight_of_cell(row.text(Role.REMARK)),
        weight_of_scoring(row.text(Role.SCORING)),
    ):
        if candidate is not None:
            return candidate
    return None


def build_indicator(row: RawIndicator, levels: Levels, seq: int) -> Indicator:
    target = _infer_missing_unit(read_target(row), row)
    actual_text = row.text(Role.ACTUAL)
    actual = parse_target(actual_text) if actual_text else None
    flags = list(dict.fromkeys((*row.flags, *levels.flags, *target.flags)))
    l1_cell, l2_cell = row.cells.get(Role.LEVEL1), row.cells.get(Role.LEVEL2)
    return Indicator(
        seq=seq,
        level1=levels.level1,
        level1_raw=l1_cell.text if l1_cell else None,
        level2=levels.level2,
        level2_raw=l2_cell.text if l2_cell else None,
        name=row.text(Role.NAME) or "",
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
        cell=row.where,
        confidence=confidence(flags),
        flags=flags,
    )
