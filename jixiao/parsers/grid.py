"""Rows from table grids (PDF, office files, web pages) for the shared FormAssembler.

A grid row becomes a RawRow whose cells keep their column, page and bbox. Merged cells
stay at their top-left position only: the assembler carries level names down, exactly as
for a text dump where merged cells are empty.
"""

from __future__ import annotations

from collections import defaultdict

from jixiao.records import CellGrid, GridCell, RawCell, RawRow, TextLine
from jixiao.text import clean


def rows_from_grid(grid: CellGrid) -> list[RawRow]:
    by_row: dict[int, list[GridCell]] = defaultdict(list)
    for cell in grid.cells:
        by_row[cell.row].append(cell)
    rows = []
    for index in sorted(by_row):
        cells = tuple(
            RawCell(text, c.col, None, c.page, c.bbox, c.origin, c.score)
            for c in sorted(by_row[index], key=lambda c: c.col)
            if (text := clean(c.text))
        )
        page = next((c.page for c in cells if c.page is not None), grid.page)
        where = f"{grid.where}, row {index + 1}" if grid.where else None
        rows.append(RawRow(cells, None, page, where))
    return rows


def row_from_line(line: TextLine) -> RawRow:
    """A line of text outside any table (title, year, footer) as a one-cell row."""
    text = clean(line.text)
    cells = (RawCell(text, 0, line.number, line.page),) if text else ()
    return RawRow(cells, line.number, line.page)
