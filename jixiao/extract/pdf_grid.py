"""Table grids of a PDF page: lattice (from ruling-line cells) and stream (from text
alignment), plus a structural quality score used to pick between competing grids.

The score is structural on purpose (extract must not use the parsers): rows with at least
three filled cells count, rows with one or two filled cells inside the table body (a sign of
wrapped cells split into rows) count against.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence

from jixiao.extract.pdf_text import (
    Box,
    Char,
    bbox_of,
    cell_text,
    group_lines,
    join_wrapped,
    line_text,
    segments,
)
from jixiao.records import CellGrid, GridCell


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


def stream_grid(chars: Sequence[Char], page: int) -> tuple[CellGrid | None, list[list[Char]]]:
    """A grid from text alignment on a page without ruling lines.

    Returns the grid (None when no line has two columns) and the lines outside it.
    """
    lines = group_lines(chars)
    segs = [segments(line) for line in lines]
    multi = [i for i, s in enumerate(segs) if len(s) >= 2]
    if not multi:
        return None, lines
    first, last = multi[0], multi[-1]
    body = [s for s in segs[first : last + 1] if len(s) >= 3] or segs[first : last + 1]
    bounds = _column_starts([seg for s in body for seg in s])
    rows: list[dict[int, list[list[Char]]]] = []
    prev_bottom: float | None = None
    for line, line_segs in zip(lines[first : last + 1], segs[first : last + 1]):
        size = max(c[5] for c in line)
        top = min(c[1] for c in line)
        if prev_bottom is None or top - prev_bottom > 0.5 * size:
            rows.append(defaultdict(list))
        prev_bottom = max(c[3] for c in line)
        for seg in line_segs:
            col = max(bisect_right(bounds, seg[0][0] + 1.0) - 1, 0)
            rows[-1][col].append(seg)
    cells = []
    for r, row in enumerate(rows):
        for col, col_segs in sorted(row.items()):
            text = join_wrapped(line_text(s) for s in col_segs)
            box = bbox_of(ch for s in col_segs for ch in s)
            cells.append(GridCell(r, col, text, 1, 1, page, _round(box)))
    outside = lines[:first] + lines[last + 1 :]
    return CellGrid(tuple(cells), page, f"page {page}"), outside


def _column_starts(segs: Sequence[list[Char]]) -> list[float]:
    """Left edges of the columns: x ranges covered by no segment separate columns."""
    spans = sorted((s[0][0], s[-1][2]) for s in segs)
    starts: list[float] = []
    end = float("-inf")
    for x0, x1 in spans:
        if x0 > end + 0.5:
            starts.append(x0)
        end = max(end, x1)
    return starts


def grid_score(grid: CellGrid) -> float:
    by_row: dict[int, int] = defaultdict(int)
    for cell in grid.cells:
        by_row[cell.row] += 1
    full = sum(1 for n in by_row.values() if n >= 3)
    sparse = sum(1 for n in by_row.values() if n < 3)
    return full - 0.5 * sparse if full else 0.0
