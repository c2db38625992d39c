"""Lines that carry on the cells of the line above in a "|"/tab table.

A table cell too narrow for its text wraps inside the cell; a text dump then prints the
wrapped part on a line of its own, every other cell empty:

    产出指标 | 质量指标 | 指标1 | 100% | 100 | 10 | 10 |
     |  | 工程完工率 |  |  |  |  |

Such a line (as many cells as the line above, one or two of them filled, each under a
filled cell of it, neither a target, a note nor a head label, three or more cells empty) is
joined to the line above cell by cell, so the recognizer reads one row. Rows read from the
joined text point at the lines as printed (the first of the joined lines).
"""

from __future__ import annotations

import re
from typing import Final

from jixiao.parsers.recognizer.kinds import KIND_NUMBER, KIND_UNIT, WHOLE_LEVELS, Kind, cell_info
from jixiao.parsers.recognizer.region import is_note
from jixiao.parsers.recognizer.separators import hard_cells, has_hard_separator
from jixiao.records import TextLine

_MOST_FILLED: Final = 2  # filled cells a carried-on line holds
_LEAST_EMPTY: Final = 3  # and empty cells
_TARGETS: Final = frozenset(
    {Kind.NUMBER, Kind.QUANTITY, Kind.QUALITATIVE, Kind.OPERATOR, Kind.DATE, Kind.WEIGHT}
)
_LABELS: Final = frozenset({Kind.HEADER, Kind.FIELD, Kind.TOTAL, Kind.SIGN_OFF})
_WORDS: Final = re.compile(r"[\u4e00-\u9fff\w]")
_FILLERS: Final = frozenset({Kind.EMPTY, Kind.PLACEHOLDER, Kind.PAGE, Kind.TEMPLATE})  # "-", "/"
_NOT_CARRIED: Final = WHOLE_LEVELS | _TARGETS | _LABELS


def joined_continuations(
    lines: tuple[TextLine, ...],
) -> tuple[tuple[TextLine, ...], dict[int, int]] | None:
    """The text with every carried-on line joined to the line above, numbered afresh, and
    each new line number's line as printed; None when no line carries on another."""
    joined: list[tuple[list[str] | None, TextLine]] = []
    found = False
    for line in lines:
        cells = _cells(line.text)
        above = joined[-1][0] if joined else None
        if cells is not None and above is not None and _carries_on(cells, above):
            merged = [a + c for a, c in zip(above, cells)]
            joined[-1] = (merged, joined[-1][1])
            found = True
            continue
        joined.append((cells, line))
    if not found:
        return None
    renumbered: list[TextLine] = []
    printed: dict[int, int] = {}
    for number, (cells, line) in enumerate(joined, 1):
        text = line.text if cells is None else " | ".join(cells) + " |"
        renumbered.append(TextLine(number, text, line.page))
        printed[number] = line.number
    return tuple(renumbered), printed


def _cells(text: str) -> list[str] | None:
    """A line's "|"/tab cells, empty ones kept (None for a line without separators)."""
    body = text.strip(" \u3000\r\n")
    if not has_hard_separator(body):
        return None
    if body[-1:] in "|｜":
        body = body[:-1]
    return [cell.strip(" \u3000") for cell in hard_cells(body)]


def _carries_on(cells: list[str], above: list[str]) -> bool:
    filled = [k for k, cell in enumerate(cells) if cell]
    if not 1 <= len(filled) <= _MOST_FILLED or len(cells) - len(filled) < _LEAST_EMPTY:
        return False
    if len(cells) != len(above) or not _indicator_row(above):
        return False  # another table's line, or no row of the indicator table above
    return all(_carried(above[k], cells[k]) for k in filled)


def _indicator_row(cells: list[str]) -> bool:
    """A line of three or more filled cells, a target among them, no label among them (a
    header line, a budget line of the form's head)."""
    kinds = [cell_info(cell).kind for cell in cells if cell]
    return (
        len(kinds) >= _LEAST_EMPTY
        and any(kind in _TARGETS for kind in kinds)
        and not any(kind in _LABELS for kind in kinds)
    )


def _carried(above: str, below: str) -> bool:
    """The cell below goes on with the cell above: neither is a target (but a number's
    unit may go on below it), a note or a label of the form's head, and a whole level name
    above goes on only into a level name (经济效益 | 指标, not 时效指标 | 经费支出时效性)."""
    if not above or not _WORDS.search(below) or is_note(below):
        return False  # a garbled line ("???? ▯▯") is text nobody could read, not a cell's rest
    kinds = cell_info(above).kind, cell_info(below).kind
    if kinds[1] in _FILLERS:
        return False
    if kinds == (KIND_NUMBER, KIND_UNIT):
        return True  # 1200 | 平方米: a number's unit wrapped below it
    if any(kind in _NOT_CARRIED for kind in kinds):
        return kinds[0] in WHOLE_LEVELS and cell_info(above + below).kind in WHOLE_LEVELS
    return True
