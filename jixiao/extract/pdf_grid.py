"""Table grids of a PDF page: lattice (from ruling-line cells) and stream (from text
alignment, pdf_stream.py), plus a structural quality score used to pick between competing
grids.

The score is structural on purpose (extract must not use the parsers): rows with at least
three filled cells count, rows with one or two filled cells inside the table body (a sign of
wrapped cells split into rows) count against.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence

from jixiao.extract.pdf_stream import stream_grid
from jixiao.extract.pdf_text import Box, Char, cell_text
from jixiao.records import CellGrid, GridCell

__all__ = ["grid_score", "lattice_grid", "stream_grid"]


def _cluster(values: Sequence[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(bounds: list[float], v: float, tol: float = 1.5) -> int:
    """Index of the boundary nearest to v (bounds sorted)."""
    i = bisect_right(bounds, v + tol) - 1
    return max(i, 0)


def lattice_grid(cells: Sequence[Box], chars: Sequence[Char], page: int) -> CellGrid:
    """A grid from ruled cell boxes (x0, top, x1, bottom); merged cells span boundaries.

    Positions no ruled cell covers become cells too, one per vertical run in a column: a
    merged cell cut by a page break has no ruling on the cut side, so the table finder
    does not close it, and its text (printed across the cut, often half on each page)
    would be lost. A character just over the table's top or bottom edge is read in the
    edge row."""
    xs = _cluster([v for c in cells for v in (c[0], c[2])])
    ys = _cluster([v for c in cells for v in (c[1], c[3])])
    placed, owner = _place(cells, xs, ys)
    _add_open_cells(placed, owner, xs, ys)
    texts: dict[int, list[Char]] = defaultdict(list)
    last_row, last_col = max(len(ys) - 2, 0), max(len(xs) - 2, 0)
    for ch in chars:
        cx, cy = (ch[0] + ch[2]) / 2, (ch[1] + ch[3]) / 2
        row = min(max(bisect_right(ys, cy) - 1, 0), last_row)
        col = min(max(bisect_right(xs, cx) - 1, 0), last_col)
        k = owner.get((row, col), -1)
        if k >= 0:
            texts[k].append(ch)
    out = []
    for k, (r, c, rs, cs, box) in enumerate(placed):
        text = cell_text(texts[k]) if texts[k] else ""
        if text:
            out.append(GridCell(r, c, text, rs, cs, page, _round(box)))
    out.sort(key=lambda g: (g.row, g.col))
    return CellGrid(tuple(out), page, f"page {page}")


Placed = list[tuple[int, int, int, int, Box]]  # row, col, rowspan, colspan, box


def _place(
    cells: Sequence[Box], xs: list[float], ys: list[float]
) -> tuple[Placed, dict[tuple[int, int], int]]:
    """Each cell's row, column and spans on the boundaries, and which cell owns each
    position (the first one placed there)."""
    owner: dict[tuple[int, int], int] = {}
    placed: Placed = []
    for box in cells:
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        k = len(placed)
        placed.append((r0, c0, max(r1 - r0, 1), max(c1 - c0, 1), box))
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                owner.setdefault((r, c), k)
    return placed, owner


def _add_open_cells(
    placed: Placed, owner: dict[tuple[int, int], int], xs: list[float], ys: list[float]
) -> None:
    """One cell for each vertical run of positions no ruled cell covers."""
    for col in range(len(xs) - 1):
        row = 0
        while row < len(ys) - 1:
            if (row, col) in owner:
                row += 1
                continue
            end = row
            while end + 1 < len(ys) - 1 and (end + 1, col) not in owner:
                end += 1
            k = len(placed)
            box = (xs[col], ys[row], xs[col + 1], ys[end + 1])
            placed.append((row, col, end - row + 1, 1, box))
            for r in range(row, end + 1):
                owner[(r, col)] = k
            row = end + 1


def _round(box: Box) -> Box:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))


def grid_score(grid: CellGrid) -> float:
    by_row: dict[int, int] = defaultdict(int)
    for cell in grid.cells:
        by_row[cell.row] += 1
    full = sum(1 for n in by_row.values() if n >= 3)
    sparse = sum(1 for n in by_row.values() if n < 3)
    return full - 0.5 * sparse if full else 0.0
