"""One cell per line (web pages copied as text): blank lines between cells, " " for an empty
cell, words of one cell split over lines ("年度" / "指标值", "经济效益" / "指标").

The header fixes how many cells follow the indicator name in each row; level cells before
the name are present only where their merged cell starts. Rows are rebuilt on that basis
and fed, with their header columns, to the shared FormAssembler.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.parsers.cells import CellType, cell_type
from jixiao.parsers.header import header_role
from jixiao.parsers.metadata import budget_key
from jixiao.parsers.tabular import FormAssembler
from jixiao.records import RawCell, RawForm, RawRow, Role, TextLine
from jixiao.text import clean
from jixiao.vocab import vocabulary

_LEVEL_TYPES = (CellType.LEVEL1, CellType.LEVEL2, CellType.LEVELX)
_MIN_HEADER = 4


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str  # "" for an empty cell
    line: TextLine


def _cells(lines: tuple[TextLine, ...]) -> list[_Cell]:
    cells: list[_Cell] = []
    for line in lines:
        if line.text == "":
            continue
        text = clean(line.text)
        if cells and text and _joins(cells[-1].text, text):
            cells[-1] = _Cell(cells[-1].text + text, cells[-1].line)
            continue
        cells.append(_Cell(text, line))
    return cells


def _joins(previous: str, text: str) -> bool:
    """A word split over two lines: "年度"+"指标值", "经济效益"+"指标", "可持续影响"+"指标"."""
    if not previous:
        return False
    joined = previous + text
    if header_role(joined) is not None and header_role(previous) is None:
        return True
    return text == "指标" and vocabulary().is_level(joined)


def _header_at(cells: list[_Cell]) -> tuple[int, list[Role]] | None:
    for start in range(len(cells)):
        roles = []
        for cell in cells[start:]:
            role = header_role(cell.text) if cell.text else None
            if role is None:
                break
            roles.append(role)
        if len(roles) >= _MIN_HEADER and Role.NAME in roles:
            return start, roles
    return None


def _head_rows(cells: list[_Cell]) -> list[RawRow]:
    rows, i = [], 0
    while i < len(cells):
        cell = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if not cell.text:
            i += 1
            continue
        if nxt and budget_key(cell.text) and cell_type(nxt.text) is CellType.NUMBER:
            rows.append(_row([(0, cell), (1, nxt)]))
            i += 2
            continue
        rows.append(_row([(0, cell)]))
        i += 1
    return rows


def _row(cells: list[tuple[int, _Cell]]) -> RawRow:
    line = cells[0][1].line
    raw = tuple(RawCell(c.text, col, c.line.number, c.line.page) for col, c in cells if c.text)
    return RawRow(raw, line.number, line.page)


def _table_rows(cells: list[_Cell], roles: list[Role]) -> list[RawRow]:
    name_col = roles.index(Role.NAME)
    after = len(roles) - name_col - 1
    rows, i = [], 0
    while i < len(cells):
        levels: list[_Cell] = []
        while i < len(cells) and (not cells[i].text or cell_type(cells[i].text) in _LEVEL_TYPES):
            if cells[i].text:
                levels.append(cells[i])
            i += 1
        if i >= len(cells):
            if levels:
                rows.append(_row(list(enumerate(levels))))
            break
        placed = [(name_col - len(levels) + k, c) for k, c in enumerate(levels)]
        placed.append((name_col, cells[i]))
        placed += [(name_col + 1 + k, c) for k, c in enumerate(cells[i + 1 : i + 1 + after])]
        rows.append(_row(placed))
        i += 1 + after
    return rows


def parse_cell_lines(lines: tuple[TextLine, ...]) -> list[RawForm]:
    cells = _cells(lines)
    header = _header_at(cells)
    if header is None:
        return []
    start, roles = header
    assembler = FormAssembler()
    for row in _head_rows(cells[:start]):
        assembler.feed(row)
    assembler.feed(_row([(col, c) for col, c in enumerate(cells[start : start + len(roles)])]))
    for row in _table_rows(cells[start + len(roles) :], roles):
        assembler.feed(row)
    return assembler.finish()
