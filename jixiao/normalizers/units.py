"""Units: canonical names from the vocabulary, split off values, inferred when missing."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from jixiao.normalizers.numbers import parse_number
from jixiao.text import fold
from jixiao.vocab import vocabulary

PERCENT: Final = "%"
_RATE_NAME: Final = re.compile(r"(率|满意度|比例|占比|百分比)$")


def canonical_unit(raw: str | None) -> str | None:
    """The canonical unit for a printed unit; unknown units are kept as printed."""
    if raw is None:
        return None
    folded = fold(raw)
    if not folded:
        return None
    return vocabulary().units.get(folded, raw.strip())


def unit_after_number(text: str, number: float) -> str | None:
    """The unit printed right after `number` in a text ("达到95%得5分" -> "%")."""
    for match in re.finditer(r"\d[\d,]*(?:\.\d+)?", fold(text)):
        if parse_number(match.group()) != number:
            continue
        rest = fold(text)[match.end() :]
        for variant in vocabulary().unit_variants:
            if rest.startswith(variant) and _usable_after_number(variant):
                return vocabulary().units[variant]
    return None


def _usable_after_number(variant: str) -> bool:
    """Skip 分 (points, not a unit of the target) and bare Latin letters (m, t, h)."""
    return variant != "分" and not (variant.isascii() and variant.isalpha())


@lru_cache(maxsize=65536)
def infer_unit(number: float | None, scoring: str | None, name: str) -> str | None:
    """A unit for a target printed without one: from the scoring rule, then the name."""
    if number is not None and scoring:
        unit = unit_after_number(scoring, number)
        if unit is not None:
            return unit
    if _RATE_NAME.search(fold(name)):
        return PERCENT
    return None
