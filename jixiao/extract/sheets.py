"""Shared by the spreadsheet readers: a sheet's cells and merged ranges to a CellGrid."""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.flags import HIDDEN_ROWS_SKIPPED, HIDDEN_SHEETS_SKIPPED
from jixiao.records import CellGrid, GridCell
from jixiao.text import join_wrapped

# (first row, first col, last row, last col), 0-based and inclusive
Span = tuple[int, int, int, int]
MAX_SPAN = 1000  # HTML's own limit for colspan; a form's cell never spans more


def parse_span(value: object, default: int = 1) -> int:
    """A printed row/column span (HTML rowspan/colspan, DOCX gridSpan/gridBefore) as an int
    in 0..MAX_SPAN; `default` when it is missing or not a number."""
    try:
        return max(0, min(int(str(value).strip()), MAX_SPAN)) if value is not None else default
    except ValueError:
        return default


def sheet_grid(
    name: str,
    values: Iterable[tuple[int, int, str]],
    merges: Iterable[Span],
    hidden_rows: set[int],
) -> CellGrid | None:
    """The grid of one sheet from its (row, col, displayed text) values, 0-based.

    Covered positions of a merged range are dropped; hidden rows are skipped with a flag.
    GridCell.row is the sheet's own row index, so "row N" in provenance is Excel's row N.
    """
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in merges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
    cells = []
    for row, col, text in values:
        if row in hidden_rows:
            continue
        text = join_wrapped(text)
        if not text.strip() or ((row, col) in covered and (row, col) not in spans):
            continue
        rowspan, colspan = spans.get((row, col), (1, 1))
        cells.append(GridCell(row, col, text, rowspan, colspan, origin="office"))
    if not cells:
        return None
    flags = (HIDDEN_ROWS_SKIPPED,) if hidden_rows else ()
    return CellGrid(tuple(cells), None, f"sheet {name}", flags, separate=True)


def mark_hidden_sheets(grids: list[CellGrid], hidden: int) -> list[CellGrid]:
    """Flag the first visible grid when the workbook had hidden sheets (which were skipped)."""
    if hidden and grids:
        first = grids[0]
        grids[0] = CellGrid(
            first.cells, first.page, first.where, (*first.flags, HIDDEN_SHEETS_SKIPPED), True
        )
    return grids
