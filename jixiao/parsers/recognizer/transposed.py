"""A transposed table (indicators as columns): a line of level-1 names, a line of level-2
names, a line of indicator names, a line of targets…, each opened by its header label, in
blocks of a few indicators when the table is wide. Each block is turned back into a header
line and one line per indicator, so the recognizer reads it as any table; the forms read
from the turned text point at the lines as printed (an indicator at its name's line)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

from jixiao.parsers.header import header_role
from jixiao.parsers.recognizer.separators import (
    HARD_SEPARATOR,
    WIDE_SPACES,
    first_hard_separator,
    has_hard_separator,
)
from jixiao.records import RawCell, RawForm, RawIndicator, Role, TextLine, UnreadText
from jixiao.roles import ROLE_IGNORE, ROLE_NAME

_MIN_LABELS: Final = 3  # label lines a block holds, one of them the indicator names'
_MIN_FILLED: Final = 2  # label lines of a block with a value beside their label


def untransposed(lines: tuple[TextLine, ...]) -> tuple[tuple[TextLine, ...], dict[int, int]] | None:
    """The text with every transposed block turned back, numbered afresh, and each new line
    number's line as printed; None when the text holds no transposed block."""
    turned: list[tuple[str, int]] = []  # (text, line number as printed)
    found = False
    index = 0
    while index < len(lines):
        end = _block_end(lines, index)
        if end is None:
            turned.append((lines[index].text, lines[index].number))
            index += 1
            continue
        turned += _turned(lines[index:end])
        found = True
        index = end
    if not found:
        return None
    pages = {line.number: line.page for line in lines}
    renumbered = tuple(
        TextLine(number, text, pages.get(printed))
        for number, (text, printed) in enumerate(turned, 1)
    )
    return renumbered, {number: printed for number, (_, printed) in enumerate(turned, 1)}


def _cells(text: str) -> list[str]:
    """A line's cells: cut at "|" and tabs, or at runs of spaces in a line without them."""
    body = _body(text)
    return [part.strip() for part in _separator(body).split(body)]


def _body(text: str) -> str:
    return text.strip(" \u3000\r\n").strip("|｜")  # trailing tabs are empty cells


def _separator(body: str) -> re.Pattern[str]:
    return HARD_SEPARATOR if has_hard_separator(body) else WIDE_SPACES


def _label(text: str) -> Role | None:
    """The header role of a line's first cell (as `_cells` cuts it), when it opens a line
    of several cells. Only the first cell is cut off: most lines are no label line."""
    body = _body(text)
    cut = _first_cut(body)
    first = body[:cut].strip() if cut >= 0 else ""
    if not first:
        return None
    role = header_role(first)
    return None if role is ROLE_IGNORE else role


def _first_cut(body: str) -> int:
    """Where a line's first cell ends, as `_separator(body).search(body)` finds it: at the
    first "|", "｜" or tab (found by str.find, a pass in C, not a regex), else at the first
    run of spaces; -1 in a line of one cell."""
    if not has_hard_separator(body):
        wide = WIDE_SPACES.search(body)
        return wide.start() if wide is not None else -1
    return first_hard_separator(body)


def _block_end(lines: tuple[TextLine, ...], start: int) -> int | None:
    """Where a transposed block starting at `start` ends: lines opened by distinct header
    labels, the indicator names' among them, enough of them with values beside."""
    roles: list[Role] = []
    filled = 0
    end = start
    while end < len(lines):
        role = _label(lines[end].text)
        if role is None or role in roles:
            break
        roles.append(role)
        filled += any(_cells(lines[end].text)[1:])
        end += 1
    if len(roles) < _MIN_LABELS or ROLE_NAME not in roles or filled < _MIN_FILLED:
        return None
    return end


def _turned(block: tuple[TextLine, ...]) -> list[tuple[str, int]]:
    """A block as a header line and one line per indicator (its name's line as printed)."""
    rows = [_cells(line.text) for line in block]
    name_line = next(
        line.number for line, cells in zip(block, rows) if header_role(cells[0]) is ROLE_NAME
    )
    width = max(len(cells) for cells in rows)
    turned = [("\t".join(cells[0] for cells in rows), block[0].number)]
    for column in range(1, width):
        values = [cells[column] if column < len(cells) else "" for cells in rows]
        if any(values):
            turned.append(("\t".join(values), name_line))
    return turned


def with_printed_lines(form: RawForm, printed: dict[int, int]) -> RawForm:
    """A form read from turned text, its line numbers those of the lines as printed."""

    def line(number: int | None) -> int | None:
        return None if number is None else printed.get(number, number)

    def cell(raw: RawCell) -> RawCell:
        return replace(raw, line=line(raw.line))

    def indicator(raw: RawIndicator) -> RawIndicator:
        cells = {role: cell(value) for role, value in raw.cells.items()}
        return replace(raw, cells=cells, line=line(raw.line))

    def unread(raw: UnreadText) -> UnreadText:
        return replace(raw, line=line(raw.line))

    return replace(
        form,
        indicators=[indicator(raw) for raw in form.indicators],
        unread=[unread(raw) for raw in form.unread],
        line_start=line(form.line_start),
        line_end=line(form.line_end),
    )
