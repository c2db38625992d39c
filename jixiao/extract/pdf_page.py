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

from jixiao.extract.pdf_rules import INTERSECT, JOIN, SNAP, Edge, tables_from_edges
from jixiao.extract.pdf_text import Box, Char

PDF_ENGINES = ("pdfium", "pdfplumber")  # libraries reading a PDF's text layer; first = default

# pdfplumber's table settings for ruled tables; the PDFium engine cuts its own ruling lines
# with the same steps and tolerances (pdf_rules.py)
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


def ruled_tables(edges: list[Edge]) -> list[RuledTable]:
    """Tables from ruling-line edges, cut as pdfplumber's table finder cuts them."""
    return [RuledTable(_union(cells), tuple(cells)) for cells in tables_from_edges(edges)]


def _union(cells: list[Box]) -> Box:
    return (
        min(c[0] for c in cells),
        min(c[1] for c in cells),
        max(c[2] for c in cells),
        max(c[3] for c in cells),
    )
