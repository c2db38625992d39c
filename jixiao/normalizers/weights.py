"""Weights (分值): from the weight column, 备注 ("5分"), or the scoring rule ("得满分2分")."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from jixiao.normalizers.numbers import chinese_number, parse_number
from jixiao.text import fold

_N: Final = r"([\d.]+|[零一二两三四五六七八九十百]+)"
_POINTS: Final = re.compile(rf"^{_N}分?$")
# amounts a scoring rule awards: 共计5分, 得满分2分, 满分为5分, 得10分, 计10分
_AWARDS: Final = re.compile(rf"(?:共计|得满分|满分为?|得|计|记)\s*{_N}\s*分")


def weight_of_cell(text: str | None) -> float | None:
    """A weight cell: "5", "5分", "五分"."""
    if not text:
        return None
    match = _POINTS.match(fold(text))
    return chinese_number(match.group(1)) if match else None


@lru_cache(maxsize=65536)
def weight_of_scoring(text: str | None) -> float | None:
    """The most points a scoring rule awards ("效果明显得10分, 效果一般得5分" -> 10)."""
    if not text:
        return None
    amounts = [chinese_number(m.group(1)) for m in _AWARDS.finditer(fold(text))]
    found = [a for a in amounts if a is not None and a > 0]
    return max(found) if found else None


def score_of_cell(text: str | None) -> float | None:
    if not text:
        return None
    return parse_number(fold(text).removesuffix("分"))
