"""A table grid from text alignment alone (no ruling lines), for PDF pages and OCR boxes.

Columns are the x ranges no text segment crosses. Rows need more care: a level cell merged
over several rows prints its name once, centred on them, often in the gap between two
rows, where it would join them into one. So rows are found in steps:
  1. blocks: a column's text lines close enough to be one cell (a wrapped name);
  2. reference bands: the blocks of the column with the most blocks, joined by the blocks
     of every column that lines up with them (each block within one band);
  3. blocks of the other, spanning columns (level names) take the rows they are centred
     on: from the row after that column's previous block to the row that best centres
     them, as a cell with a row span;
  4. blocks outside the reference bands (head rows above the header) are rows of their own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from jixiao.extract.pdf_text import Box, Char, bbox_of, group_lines, join_wrapped, line_text
from jixiao.extract.pdf_text import segments as split_segments
from jixiao.records import CellGrid, GridCell

Band = tuple[float, float]  # top, bottom


@dataclass
class Block:
    """A column's consecutive text lines that make one cell."""

    col: int
    top: float
    bottom: float
    parts: list[list[Char]] = field(default_factory=list)  # segments, top to bottom

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


def stream_grid(chars: Sequence[Char], page: int) -> tuple[CellGrid | None, list[list[Char]]]:
    """A grid from text alignment on a page without ruling lines.

    Returns the grid (None when no line has two columns) and the lines outside it.
    """
    lines = group_lines(chars)
    segs = [split_segments(line) for line in lines]
    multi = [i for i, s in enumerate(segs) if len(s) >= 2]
    if not multi:
        return None, lines
    first, last = multi[0], multi[-1]
    body = [s for s in segs[first : last + 1] if len(s) >= 3] or segs[first : last + 1]
    bounds = _column_starts([seg for s in body for seg in s])
    gap = 0.5 * median(c[5] for line in lines[first : last + 1] for c in line)
    blocks = _blocks(segs[first : last + 1], bounds, gap)
    rows, spanning = _rows(blocks, gap)
    cells = _cells(blocks, rows, spanning, page)
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


def _blocks(line_segs: Sequence[list[list[Char]]], bounds: list[float], gap: float) -> list[Block]:
    """Segments by column, those of one column less than `gap` apart joined into a block."""
    open_blocks: dict[int, Block] = {}
    out: list[Block] = []
    for segs in line_segs:
        for seg in segs:
            col = max(bisect_right(bounds, seg[0][0] + 1.0) - 1, 0)
            top, bottom = min(c[1] for c in seg), max(c[3] for c in seg)
            block = open_blocks.get(col)
            if block is not None and top - block.bottom <= gap:
                block.parts.append(seg)
                block.bottom = max(block.bottom, bottom)
                continue
            block = Block(col, top, bottom, [seg])
            open_blocks[col] = block
            out.append(block)
    return out


def _bands(blocks: Sequence[Block], gap: float) -> list[Band]:
    """Vertical extents of the blocks, those less than `gap` apart joined."""
    out: list[Band] = []
    for top, bottom in sorted((b.top, b.bottom) for b in blocks):
        if out and top - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], bottom))
        else:
            out.append((top, bottom))
    return out


def _touching(block: Block, bands: Sequence[Band], gap: float) -> int:
    return sum(
        1 for top, bottom in bands if block.top <= bottom + gap and block.bottom >= top - gap
    )


def _rows(blocks: Sequence[Block], gap: float) -> tuple[list[Band], set[int]]:
    """Row bands, and the spanning columns (whose blocks may cover several rows)."""
    by_col: dict[int, list[Block]] = defaultdict(list)
    for block in blocks:
        by_col[block.col].append(block)
    reference = max(by_col, key=lambda c: (len(by_col[c]), c))
    bands = _bands(by_col[reference], gap)
    lo, hi = bands[0][0] - gap, bands[-1][1] + gap
    aligned, spanning = [reference], set()
    for col, col_blocks in by_col.items():
        if col == reference:
            continue
        inside = [b for b in col_blocks if b.bottom >= lo and b.top <= hi]
        if all(_touching(b, bands, gap) == 1 for b in inside):
            aligned.append(col)
        else:
            spanning.add(col)
    rows = _bands([b for c in aligned for b in by_col[c]], gap)
    lo, hi = rows[0][0] - gap, rows[-1][1] + gap
    beyond = [b for c in spanning for b in by_col[c] if b.bottom < lo or b.top > hi]
    return sorted(rows + _bands(beyond, gap)), spanning


def _cells(
    blocks: Sequence[Block], rows: list[Band], spanning: set[int], page: int
) -> list[GridCell]:
    by_col: dict[int, list[Block]] = defaultdict(list)
    for block in blocks:
        by_col[block.col].append(block)
    cells = []
    for col, col_blocks in sorted(by_col.items()):
        col_blocks.sort(key=lambda b: b.centre)
        if col in spanning:
            spans = _centred_spans(col_blocks, rows)
        else:
            spans = [(_nearest(rows, b.centre),) * 2 for b in col_blocks]
        merged: dict[tuple[int, int], list[Block]] = defaultdict(list)
        for block, span in zip(col_blocks, spans):
            merged[span].append(block)
        for (start, end), group in merged.items():
            text = join_wrapped(line_text(part) for b in group for part in b.parts)
            box = bbox_of(ch for b in group for part in b.parts for ch in part)
            cells.append(GridCell(start, col, text, end - start + 1, 1, page, _round(box)))
    cells.sort(key=lambda g: (g.row, g.col))
    return cells


def _nearest(rows: Sequence[Band], y: float) -> int:
    return min(range(len(rows)), key=lambda i: _distance(rows[i], y))


def _distance(band: Band, y: float) -> float:
    if band[0] <= y <= band[1]:
        return 0.0
    return min(abs(band[0] - y), abs(band[1] - y))


def _centred_spans(col_blocks: Sequence[Block], rows: Sequence[Band]) -> list[tuple[int, int]]:
    """Each block's rows: those it is centred on, after the previous block's rows and
    before the next block's own row. Of the spans centring it about as well (within a
    third of a row), the longest: a name centred on six rows is also centred on the middle
    two."""
    own = [_nearest(rows, b.centre) for b in col_blocks]
    slack = median(bottom - top for top, bottom in rows) / 3
    spans: list[tuple[int, int]] = []
    first = 0
    for k, block in enumerate(col_blocks):
        first = min(first, own[k])
        last = max(own[k + 1] - 1 if k + 1 < len(col_blocks) else len(rows) - 1, own[k])
        options = [
            (abs((rows[a][0] + rows[b][1]) / 2 - block.centre), a, b)
            for a in range(first, own[k] + 1)
            for b in range(own[k], last + 1)
        ]
        best = min(error for error, _, _ in options)
        _, start, end = min((a - b, a, b) for error, a, b in options if error <= best + slack)
        spans.append((start, end))
        first = end + 1
    return spans


def _round(box: Box) -> Box:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))
