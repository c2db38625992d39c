"""Ruled tables from ruling-line edges, cut exactly as pdfplumber's TableFinder cuts them
with the "lines" strategies (pdfplumber 0.11, MIT licence; its steps, rewritten over plain
tuples so that a PDFium page needs neither pdfplumber nor pdfminer):

    snap (edges within SNAP of one line move to their mean) -> join (collinear edges less
    than JOIN apart become one) -> drop edges shorter than 3 -> intersections (a vertical
    and a horizontal edge within INTERSECT) -> smallest cells -> tables (cells sharing a
    corner).

tests/test_pdf_engines.py checks the result against pdfplumber's own functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Sequence

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Edge = tuple[str, float, float, float, float]  # orientation ("h"/"v"), x0, top, x1, bottom
Point = tuple[float, float]

SNAP, JOIN, INTERSECT = 3.0, 3.0, 3.0  # points: TABLE_SETTINGS of the pdfplumber engine
MIN_LENGTH, MIN_LENGTH_BEFORE = 3.0, 1.0


def tables_from_edges(edges: Iterable[Edge]) -> list[list[Box]]:
    """Cell boxes of each table, tables top to bottom then left to right."""
    kept = [e for e in edges if _length(e) >= MIN_LENGTH_BEFORE]
    merged = [e for e in merge_edges(kept) if _length(e) >= MIN_LENGTH]
    return cells_to_tables(smallest_cells(intersections(merged)))


def _length(edge: Edge) -> float:
    return edge[3] - edge[1] if edge[0] == "h" else edge[4] - edge[2]


def merge_edges(edges: Sequence[Edge]) -> list[Edge]:
    vertical = _snap([e for e in edges if e[0] == "v"])
    horizontal = _snap([e for e in edges if e[0] == "h"])
    groups: dict[tuple[str, float], list[Edge]] = defaultdict(list)
    for edge in sorted(vertical + horizontal, key=_line_of):
        groups[_line_of(edge)].append(edge)
    return [e for key in groups for e in _join(groups[key])]


def _position(edge: Edge) -> float:
    """Where the edge's line is: x of a vertical edge, top of a horizontal one."""
    return edge[2] if edge[0] == "h" else edge[1]


def _line_of(edge: Edge) -> tuple[str, float]:
    return (edge[0], _position(edge))


def _snap(edges: list[Edge]) -> list[Edge]:
    """Edges whose positions are within SNAP of the next one's, chained, move to their
    mean position."""
    cluster: dict[float, int] = {}
    index, last = -1, float("-inf")
    for value in sorted({_position(e) for e in edges}):
        if value > last + SNAP:
            index += 1
        cluster[value] = index
        last = value
    members: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        members[cluster[_position(edge)]].append(edge)
    out: list[Edge] = []
    for key in sorted(members):
        group = members[key]
        mean = sum(_position(e) for e in group) / len(group)
        out += [_moved(e, mean - _position(e)) for e in group]
    return out


def _moved(edge: Edge, by: float) -> Edge:
    o, x0, top, x1, bottom = edge
    if o == "v":
        return (o, x0 + by, top, x1 + by, bottom)
    return (o, x0, top + by, x1, bottom + by)


def _span(edge: Edge) -> tuple[float, float]:
    return (edge[1], edge[3]) if edge[0] == "h" else (edge[2], edge[4])


def _extended(edge: Edge, end: float) -> Edge:
    o, x0, top, x1, bottom = edge
    return (o, x0, top, end, bottom) if o == "h" else (o, x0, top, x1, end)


def _join(edges: list[Edge]) -> list[Edge]:
    """Collinear edges less than JOIN apart joined into one."""
    ordered = sorted(edges, key=lambda e: _span(e)[0])
    joined = [ordered[0]]
    for edge in ordered[1:]:
        start, end = _span(edge)
        last_end = _span(joined[-1])[1]
        if start <= last_end + JOIN:
            if end > last_end:
                joined[-1] = _extended(joined[-1], end)
        else:
            joined.append(edge)
    return joined


def intersections(edges: Sequence[Edge]) -> dict[Point, dict[str, list[Box]]]:
    """Points where a vertical and a horizontal edge meet (within INTERSECT), with the
    edges (as boxes) through each."""
    out: dict[Point, dict[str, list[Box]]] = {}
    vertical = sorted((e for e in edges if e[0] == "v"), key=lambda e: (e[1], e[2]))
    horizontal = sorted((e for e in edges if e[0] == "h"), key=lambda e: (e[2], e[1]))
    for v in vertical:
        for h in horizontal:
            if v[2] <= h[2] + INTERSECT and v[4] >= h[2] - INTERSECT:
                if h[1] - INTERSECT <= v[1] <= h[3] + INTERSECT:
                    point = out.setdefault((v[1], h[2]), {"v": [], "h": []})
                    point["v"].append((v[1], v[2], v[3], v[4]))
                    point["h"].append((h[1], h[2], h[3], h[4]))
    return out


def smallest_cells(crossings: dict[Point, dict[str, list[Box]]]) -> list[Box]:
    """For each intersection (sorted), the smallest rectangle whose other corners are
    intersections joined to it and to each other by edges (pdfplumber's
    `intersections_to_cells`, with each point's edge sets built once)."""
    ids: dict[Box, int] = {}  # pdfplumber compares edges by their boxes
    vertical = {p: {ids.setdefault(b, len(ids)) for b in v["v"]} for p, v in crossings.items()}
    horizontal = {p: {ids.setdefault(b, len(ids)) for b in v["h"]} for p, v in crossings.items()}

    def joined(a: Point, b: Point) -> bool:
        if a[0] == b[0] and not vertical[a].isdisjoint(vertical[b]):
            return True
        return a[1] == b[1] and not horizontal[a].isdisjoint(horizontal[b])

    points = sorted(crossings)
    by_x: dict[float, list[Point]] = defaultdict(list)
    by_y: dict[float, list[Point]] = defaultdict(list)
    for point in points:  # each list sorted like `points`
        by_x[point[0]].append(point)
        by_y[point[1]].append(point)
    cells: list[Box] = []
    for pt in points:
        below = [p for p in by_x[pt[0]] if p > pt and joined(pt, p)]
        right = [p for p in by_y[pt[1]] if p > pt and joined(pt, p)]
        cell = _first_closed(pt, below, right, crossings, joined)
        if cell is not None:
            cells.append(cell)
    return cells


def _first_closed(
    pt: Point,
    below: list[Point],
    right: list[Point],
    corners: Container[Point],
    joined: Callable[[Point, Point], bool],
) -> Box | None:
    for below_pt in below:
        for right_pt in right:
            corner = (right_pt[0], below_pt[1])
            if corner in corners and joined(corner, right_pt) and joined(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def cells_to_tables(cells: list[Box]) -> list[list[Box]]:
    """Cells grouped into tables by shared corners, as pdfplumber groups them (a table of
    one cell is dropped), sorted by their top-left cell."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[Box] = []
    tables: list[list[Box]] = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            four = _corners(cell)
            if not current or any(c in corners for c in four):
                corners |= set(four)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _corners(box: Box) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = box
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
