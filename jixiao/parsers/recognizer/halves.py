"""Two tables printed side by side (two forms in one sheet, the two pages of a spread): a
line holds both headers, and every line is cut where the second header begins."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from jixiao.parsers.header import header_role
from jixiao.parsers.recognizer.separators import hard_cells
from jixiao.records import Role, TextLine
from jixiao.roles import ROLE_IGNORE

_MIN_LABELS: Final = 3  # labels each of the two headers names


def side_by_side(lines: tuple[TextLine, ...]) -> list[tuple[TextLine, ...]] | None:
    """The left and right halves of a text of two tables side by side, or None."""
    cut = next((c for line in lines if (c := _second_header_at(line.text)) is not None), None)
    if cut is None:
        return None
    left: list[TextLine] = []
    right: list[TextLine] = []
    for line in lines:
        cells = hard_cells(line.text)
        left.append(replace(line, text="|".join(cells[:cut])))
        if len(cells) > cut:
            right.append(replace(line, text="|".join(cells[cut:])))
    return [tuple(left), tuple(right)]


def _second_header_at(text: str) -> int | None:
    """The cell where a second run of header labels begins: the first label's role again,
    with enough labels on both sides."""
    cells = hard_cells(text)
    if len(cells) < 2 * _MIN_LABELS:
        return None
    roles = [header_role(cell) if cell.strip() else None for cell in cells]
    first = next((k for k, role in enumerate(roles) if role is not None), None)
    if first is None or roles[first] is ROLE_IGNORE:
        return None
    for k in range(first + 1, len(roles)):
        if roles[k] is roles[first]:
            if _labels(roles[first:k]) >= _MIN_LABELS and _labels(roles[k:]) >= _MIN_LABELS:
                return k
            return None
    return None


def _labels(roles: list[Role | None]) -> int:
    return sum(role is not None for role in roles)
