"""camelot as a second opinion on a page's table grid (optional extra `jixiao[camelot]`).

Without camelot installed this yields nothing and the pdfplumber grid stands.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from typing import Any

from jixiao.extract.pdf_text import join_wrapped
from jixiao.records import CellGrid, GridCell


def camelot_available() -> bool:
    try:
        import camelot  # noqa: F401
    except Exception:
        return False
    return True


def camelot_grids(data: bytes, page: int, flavor: str, height: float) -> list[tuple[CellGrid, str]]:
    """Grids camelot finds on `page` with the given flavor ("lattice" or "stream"); bboxes
    in page coordinates with a top-left origin (`height` is the page height)."""
    if not camelot_available():
        return []
    import camelot

    fd, path = tempfile.mkstemp(suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tables = camelot.read_pdf(path, pages=str(page), flavor=flavor)  # type: ignore[attr-defined]
        return [(_grid(t, page, height), flavor) for t in tables]
    except Exception:  # a second opinion that fails is no opinion
        return []
    finally:
        os.unlink(path)


def _grid(table: Any, page: int, height: float) -> CellGrid:
    # camelot uses PDF user space (bottom-left origin)
    top = height
    cells = []
    for r, row in enumerate(table.cells):
        for c, cell in enumerate(row):
            text = join_wrapped(part.strip() for part in str(cell.text).split("\n"))
            if text:
                bbox = (cell.x1, top - cell.y2, cell.x2, top - cell.y1)
                cells.append(GridCell(r, c, text, 1, 1, page, bbox))
    return CellGrid(tuple(cells), page, f"page {page}")
