"""What the PDF reader needs from one page, whatever library read it.

Both engines (PDFium in pdf_pdfium.py, pdfplumber in pdf_plumber.py) produce a `PageContent`:
positioned characters and ruled table cells in the page's displayed orientation, with a
top-left origin and PDF points as units (pdfplumber's convention: x0 < x1, top < bottom).
The grid, stream and cross-page code (pdf.py, pdf_grid.py) read only this record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.extract.pdf_text import Box, Char

PDF_ENGINES = ("pdfium", "pdfplumber")  # libraries reading a PDF's text layer; first = default

# pdfplumber's table settings for ruled tables; the PDFium engine runs the same table finder
# on its own ruling lines, so both engines cut cells with the same tolerances
SNAP, JOIN, INTERSECT = 3.0, 3.0, 3.0  # points
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": SNAP,
    "join_tolerance": JOIN,
    "intersection_tolerance": INTERSECT,
}


@dataclass(frozen=True, slots=True)
class RuledTable:
    """A table found from ruling lines: its bbox and one box per (merged) cell."""

    bbox: Box
    cells: tuple[Box, ...]


@dataclass(frozen=True, slots=True)
class PageContent:
    number: int  # 1-based
    width: float  # displayed width (after /Rotate), points
    height: float
    chars: tuple[Char, ...]
    tables: tuple[RuledTable, ...]
    engine: str  # "pdfium" or "pdfplumber": which library read this page


def usable(chars: Sequence[Char]) -> bool:
    """A page has a usable text layer: characters, and not mostly unmapped glyphs
    ("(cid:N)" from pdfminer, U+FFFD from either engine)."""
    visible = [c for c in chars if not c[4].isspace()]
    if not visible:
        return False
    garbage = sum(1 for c in visible if c[4].startswith("(cid:") or c[4] == "\ufffd")
    return garbage < 0.3 * len(visible)


def ruled_tables(edges: list[dict[str, Any]]) -> list[RuledTable]:
    """Tables from ruling-line edges, cut as pdfplumber's TableFinder cuts them ("lines"
    strategies, TABLE_SETTINGS): its own snap/join and intersection steps, then the same
    smallest-cell search with the edge sets computed once per point (pdfplumber rebuilds
    them for every comparison, which made it the slowest step of a PDFium page).

    An edge is a dict with x0, x1, top, bottom, width, height and orientation ("h"/"v")."""
    from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges
    from pdfplumber.utils.geometry import filter_edges

    lines = filter_edges(edges, "v", min_length=1) + filter_edges(edges, "h", min_length=1)
    merged = merge_edges(lines, SNAP, SNAP, JOIN, JOIN)
    kept = filter_edges(merged, min_length=3)
    cells = smallest_cells(edges_to_intersections(kept, INTERSECT, INTERSECT))
    return [RuledTable(_union(group), tuple(group)) for group in cells_to_tables(cells)]


Point = tuple[float, float]


def smallest_cells(intersections: dict[Point, dict[str, list[dict[str, Any]]]]) -> list[Box]:
    """pdfplumber's `intersections_to_cells`, same result: for each intersection (sorted),
    the smallest rectangle whose other corners are intersections joined to it by edges."""
    ids: dict[Box, int] = {}  # pdfplumber compares edges by bbox: equal boxes, one id
    vertical = {p: {_id(ids, e) for e in v["v"]} for p, v in intersections.items()}
    horizontal = {p: {_id(ids, e) for e in v["h"]} for p, v in intersections.items()}

    def joined(a: Point, b: Point) -> bool:
        if a[0] == b[0] and not vertical[a].isdisjoint(vertical[b]):
            return True
        return a[1] == b[1] and not horizontal[a].isdisjoint(horizontal[b])

    points = sorted(intersections)
    by_x: dict[float, list[Point]] = {}
    by_y: dict[float, list[Point]] = {}
    for point in points:  # each list sorted like `points`
        by_x.setdefault(point[0], []).append(point)
        by_y.setdefault(point[1], []).append(point)
    cells: list[Box] = []
    for pt in points:
        below = [p for p in by_x[pt[0]] if p > pt and joined(pt, p)]
        right = [p for p in by_y[pt[1]] if p > pt and joined(pt, p)]
        cell = _first_closed(pt, below, right, intersections, joined)
        if cell is not None:
            cells.append(cell)
    return cells


def _first_closed(
    pt: Point, below: list[Point], right: list[Point], corners: Any, joined: Any
) -> Box | None:
    for below_pt in below:
        for right_pt in right:
            corner = (right_pt[0], below_pt[1])
            if corner in corners and joined(corner, right_pt) and joined(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def _id(ids: dict[Box, int], edge: dict[str, Any]) -> int:
    return ids.setdefault((edge["x0"], edge["top"], edge["x1"], edge["bottom"]), len(ids))


def _union(cells: list[Box]) -> Box:
    return (
        min(c[0] for c in cells),
        min(c[1] for c in cells),
        max(c[2] for c in cells),
        max(c[3] for c in cells),
    )
