"""Build a canonical Indicator from a RawIndicator: operator, value, unit, weight, actual."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from jixiao.flags import OCR, OCR_REPAIRED, UNIT_INFERRED
from jixiao.models import Indicator
from jixiao.normalizers.confidence import confidence
from jixiao.normalizers.levels import Levels
from jixiao.normalizers.targets import Target, read_target, repair_text, target_deadline
from jixiao.normalizers.units import canonical_unit, infer_unit
from jixiao.normalizers.values import ParsedValue, parse_target
from jixiao.normalizers.weights import score_of_cell, weight_of_cell, weight_of_scoring
from jixiao.parsers.cells import CELLTYPE_DATE, cell_type
from jixiao.records import RawIndicator, Role
from jixiao.repairs import fix_ocr_digits
from jixiao.roles import (
    ROLE_ACTUAL,
    ROLE_DEVIATION,
    ROLE_EXPLANATION,
    ROLE_NAME,
    ROLE_REMARK,
    ROLE_SCORE,
    ROLE_SCORING,
    ROLE_VALUE,
    ROLE_WEIGHT,
)

# template numbering leaked into names: "指标1:开展…", "指标2工程验收合格率"
_TEMPLATE_PREFIX: Final = re.compile(r"^指标\s*\d{1,2}\s*[:：.、]?\s*(?=\S)")


def indicator_name(text: str) -> str:
    """The 三级指标 name without template numbering ("指标1:" prefixes)."""
    if not text.startswith("指标"):
        return text  # the common case: no regex work
    return _TEMPLATE_PREFIX.sub("", text)


def _infer_missing_unit(target: Target, row: RawIndicator) -> Target:
    if target.unit is not None or target.value is None:
        return target
    unit = infer_unit(target.value, row.texts.get(ROLE_SCORING), row.texts.get(ROLE_NAME) or "")
    if unit is None:
        return target
    # built directly: dataclasses.replace reads the fields by name and calls Target(**changes)
    return Target(
        operator=target.operator,
        operator_raw=target.operator_raw,
        value=target.value,
        value_max=target.value_max,
        unit=unit,
        unit_raw=None,
        flags=(*target.flags, UNIT_INFERRED),
    )


def _from_actual(target: Target, actual: ParsedValue) -> Target:
    """A row with only a result (a self-evaluation report in prose): its operator and unit
    (a range result names no target range)."""
    return Target(
        None if actual.operator == "range" else actual.operator,
        actual.operator_raw,
        target.value,
        target.value_max,
        canonical_unit(actual.unit_raw),
        actual.unit_raw,
        (),
    )


def _weight(texts: Mapping[Role, str]) -> float | None:
    """From the 分值 column, else 备注 ("5分"), else the scoring rule ("得满分2分")."""
    weight = weight_of_cell(texts.get(ROLE_WEIGHT))
    if weight is None:
        weight = weight_of_cell(texts.get(ROLE_REMARK))
    if weight is None:
        weight = weight_of_scoring(texts.get(ROLE_SCORING))
    return weight


_NUMBER_ROLES: Final[tuple[Role, ...]] = (Role.WEIGHT, Role.SCORE, Role.ACTUAL)


def _repair_number_cells(texts: dict[Role, str]) -> tuple[dict[Role, str], bool]:
    """Weight, score and actual cells with OCR's letters for digits undone ("1O" -> "10");
    the texts themselves when none changed (copied on the first that does)."""
    repaired = texts
    changed = False
    for role in _NUMBER_ROLES:
        text = texts.get(role)
        if text is None:
            continue
        fixed_text, fixed = fix_ocr_digits(text)
        changed = changed or fixed
        if fixed_text != text:
            if repaired is texts:
                repaired = dict(texts)
            repaired[role] = fixed_text
    return repaired, changed


def _unique_flags(*groups: tuple[str, ...]) -> list[str]:
    """The flags of every group in order, each once (dict.fromkeys over them joined, without
    the joined tuple and the dict: most groups are empty)."""
    flags: list[str] = []
    for group in groups:
        for flag in group:
            if flag not in flags:
                flags.append(flag)
    return flags


def build_indicator(
    row: RawIndicator, levels: Levels, seq: int, year: int | None = None
) -> Indicator:
    return trusted_indicator(indicator_fields(row, levels, seq, year))


# every field of an Indicator: the fields an Indicator built from a full dict was given
_INDICATOR_FIELDS: Final = frozenset(Indicator.model_fields)


def trusted_indicator(fields: dict[str, Any]) -> Indicator:
    """An Indicator from fields indicator_fields built, without validating them again: set
    as Indicator.model_construct sets them, without its loop over the fields. The fields
    are already what validation would store (tests/test_trusted_indicator.py checks every
    sample); data read from outside goes through Indicator.model_validate."""
    indicator = Indicator.__new__(Indicator)
    object.__setattr__(indicator, "__dict__", fields)
    object.__setattr__(indicator, "__pydantic_fields_set__", set(_INDICATOR_FIELDS))
    object.__setattr__(indicator, "__pydantic_extra__", None)
    object.__setattr__(indicator, "__pydantic_private__", None)
    return indicator


def _as_float(value: float | None) -> float | None:
    """A number as a float field of a pydantic model stores it: an int as a float."""
    return None if value is None else float(value)


def indicator_fields(
    row: RawIndicator, levels: Levels, seq: int, year: int | None = None
) -> dict[str, Any]:
    """The fields of an Indicator in the order the model declares them, each of the type
    its validation would store (floats as floats, fresh lists)."""
    target = _infer_missing_unit(read_target(row, year), row)
    texts, digits_repaired = _repair_number_cells(row.texts)
    actual_text = texts.get(ROLE_ACTUAL)
    actual = (
        parse_target(actual_text)
        if actual_text and cell_type(actual_text) is not CELLTYPE_DATE
        else None
    )
    if actual is not None and ROLE_VALUE not in texts:
        target = _from_actual(target, actual)
    name, name_flags = repair_text(indicator_name(texts.get(ROLE_NAME) or ""))
    flags = _unique_flags(row.flags, levels.flags, name_flags, target.flags)
    if digits_repaired and OCR_REPAIRED not in flags:
        flags.append(OCR_REPAIRED)
    ocr_cells = [cell for cell in row.cells.values() if cell.origin == "ocr"]
    if ocr_cells:
        flags.append(OCR)
    return {
        "seq": seq,
        "level1": levels.level1,
        "level1_raw": levels.level1_raw,
        "level2": levels.level2,
        "level2_raw": levels.level2_raw,
        "name": name or "",
        "operator": target.operator,
        "operator_raw": target.operator_raw,
        "value": _as_float(target.value),
        "value_max": _as_float(target.value_max),
        "value_text": texts.get(ROLE_VALUE),
        "unit": target.unit,
        "unit_raw": target.unit_raw,
        "weight": _as_float(_weight(texts)),
        "explanation": texts.get(ROLE_EXPLANATION),
        "scoring": texts.get(ROLE_SCORING),
        "remark": texts.get(ROLE_REMARK) or texts.get(ROLE_DEVIATION),
        "actual_text": actual_text,
        "actual_value": _as_float(actual.value) if actual else None,
        "score": _as_float(score_of_cell(texts.get(ROLE_SCORE))),
        "page": row.page,
        "line": row.line,
        "bbox": [float(v) for v in row.bbox] if row.bbox else None,
        "cell": row.where,
        "confidence": float(
            confidence(flags, min(c.score for c in ocr_cells) if ocr_cells else 1.0)
        ),
        "flags": flags,
        "deadline": target_deadline(row, target, year),
    }
