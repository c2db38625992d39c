"""Reader for scans: image files (PNG, JPEG, TIFF, multi-page TIFF) and the image-only pages of
PDFs, through OCR into the same `SourceDoc` blocks as a PDF with a text layer.

Per page: decompression-bomb check from the header before decoding, blank-page check,
upright and deskew (image_grid), ruled cells by morphology, one OCR pass over the page
(ocr.py), OCR boxes assigned to the cells (each cell's score = the lowest box score in it).
Without ruling lines the grid comes from the alignment of the OCR boxes (the PDF stream
code, fed with per-character boxes). Every cell is `origin="ocr"`. Page problems
(`blank_page`, `no_table_found`) go to `SourceDoc.problems`; the other pages are still read.
Needs the optional extra `jixiao[ocr]`; without it a scan ends with `ocr_unavailable`.
"""

from __future__ import annotations

import io
import itertools
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from jixiao.extract.image_grid import (
    binary,
    deskew_page,
    glyph_scale,
    gray,
    inked,
    is_blank,
    ruled_tables,
)
from jixiao.extract.ocr import INSTALL_HINT, OcrBox, ocr_available, read_boxes, read_line
from jixiao.extract.pdf_grid import lattice_grid, stream_grid
from jixiao.extract.pdf_text import Char, group_lines, line_text
from jixiao.flags import GRID_OCR_ALIGNED, GRID_OCR_RULED, PAGE_TURNED
from jixiao.problems import SourceError
from jixiao.records import Block, CellGrid, GridCell, PageProblem, SourceDoc, TextLine

MAX_PIXELS = 60_000_000  # per page: ~A2 at 300 dpi; larger images are refused unread
PDF_DPI = 200
_MIN_CELLS = 6  # a ruled frame with fewer cells is a box around text, not a table
Box = tuple[float, float, float, float]
_PageBlocks = list[tuple[int, float, Block]]


def read_image(data: bytes, rel_path: str, sha256: str) -> SourceDoc:
    """PNG, JPEG or TIFF (every frame a page) -> SourceDoc with format "image"."""
    _require_ocr(rel_path)
    blocks: _PageBlocks = []
    problems: list[PageProblem] = []
    pages = 0
    for number, image in _frames(data, rel_path):
        pages = number
        if isinstance(image, PageProblem):  # a damaged page ends the file
            problems.append(image)
            break
        page_blocks, problem = read_page(image, number)
        blocks.extend(page_blocks)
        if problem is not None:
            problems.append(problem)
    return SourceDoc(
        rel_path, sha256, "image", None, pages, blocks=_ordered(blocks), problems=tuple(problems)
    )


def ocr_pdf_pages(data: bytes, doc: SourceDoc) -> SourceDoc:
    """The image-only pages of a PDF (`doc.ocr_pages`) rendered with pypdfium2 and read by OCR;
    the result replaces them in reading order. Without the OCR extra, `doc` is returned."""
    if not doc.ocr_pages or not ocr_available():
        return doc
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        blocks: _PageBlocks = [(_page_of(b), 0.0, b) for b in doc.blocks]
        problems = list(doc.problems)
        for number in doc.ocr_pages:
            page = pdf[number - 1]
            width, height = (int(v * PDF_DPI / 72) for v in page.get_size())  # pixels
            if width * height > MAX_PIXELS:
                problems.append(_too_large(width, height, number))
                continue
            image = page.render(scale=PDF_DPI / 72, rev_byteorder=True).to_numpy()  # RGB
            page_blocks, problem = read_page(image, number)
            blocks.extend(page_blocks)
            if problem is not None:
                problems.append(problem)
    finally:
        pdf.close()
    return replace(doc, blocks=_ordered(blocks), ocr_pages=(), problems=tuple(problems))


def _require_ocr(rel_path: str) -> None:
    if not ocr_available():
        raise SourceError(
            "ocr_unavailable", f"{rel_path} is an image and needs OCR: {INSTALL_HINT}."
        )


def _page_of(block: Block) -> int:
    return block.page or 0


def _ordered(blocks: _PageBlocks) -> tuple[Block, ...]:
    out: list[Block] = []
    n = 0
    for _, _, block in sorted(blocks, key=lambda t: (t[0], t[1])):
        if isinstance(block, TextLine):
            n += 1
            block = TextLine(n, block.text, block.page)
        out.append(block)
    return tuple(out)


def _too_large(width: int, height: int, page: int | None) -> PageProblem:
    message = (
        f"page {page or 1} is {width}x{height} pixels, over the safety limit of "
        f"{MAX_PIXELS:,} (a possible decompression bomb); it was not decoded."
    )
    return PageProblem("image_too_large", message, page)


def _frames(data: bytes, rel_path: str) -> Iterator[tuple[int, Any]]:  # image or PageProblem
    """Decoded pages of an image file, after checking each frame's size from its header."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses larger images before decoding
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        width, height = image.size  # from the header: nothing decoded yet
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        message = f"{rel_path}: over the safety limit of {MAX_PIXELS:,} pixels ({exc})."
        raise SourceError("image_too_large", message) from exc
    except Exception as exc:
        raise SourceError(
            "unreadable_image", f"{rel_path} could not be decoded as an image ({exc})."
        ) from exc
    if width * height > MAX_PIXELS:
        raise SourceError(
            "image_too_large", f"{rel_path}: {_too_large(width, height, None).message}"
        )
    for number in itertools.count(1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data" and such
                image.seek(number - 1)
        except EOFError:
            return  # no more pages
        except Exception as exc:  # a damaged page directory
            yield number, _damaged(number, exc)
            return
        if image.size[0] * image.size[1] > MAX_PIXELS:
            w, h = image.size
            message = f"{rel_path}: {_too_large(w, h, number).message}"
            raise SourceError("image_too_large", message, number)
        try:
            page = image.convert("L" if image.mode in ("1", "L", "I;16") else "RGB")
        except Exception as exc:  # truncated or damaged data
            yield number, _damaged(number, exc)
            return
        yield number, page


def _damaged(number: int, exc: Exception) -> PageProblem:
    message = f"page {number} is damaged or truncated ({type(exc).__name__}: {exc})."
    return PageProblem("unreadable_image", message, number)


def read_page(image: Any, number: int) -> tuple[_PageBlocks, PageProblem | None]:
    """One page image (PIL image or numpy array) -> its blocks, or a page problem."""
    import cv2
    import numpy as np

    page = gray(np.asarray(image))
    ink = binary(page)
    if is_blank(ink):
        return [], PageProblem("blank_page", f"page {number} is blank.", number)
    scale = glyph_scale(ink)
    if scale < 1.0:
        page = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        ink = binary(page)
    blocks, problem = _read_upright(page, ink, number)
    return (_unscaled(blocks, scale) if scale < 1.0 else blocks), problem


def _unscaled(blocks: _PageBlocks, scale: float) -> _PageBlocks:
    """Cell boxes back in the image's own pixels."""
    out: _PageBlocks = []
    for page, top, block in blocks:
        if isinstance(block, CellGrid):
            cells = tuple(
                replace(c, bbox=tuple(v / scale for v in c.bbox)) if c.bbox else c  # type: ignore[arg-type]
                for c in block.cells
            )
            block = replace(block, cells=cells)
        out.append((page, top / scale, block))
    return out


def _read_upright(page: Any, ink: Any, number: int) -> tuple[_PageBlocks, PageProblem | None]:
    page, ink, turned = deskew_page(page, ink)
    tables = [t for t in ruled_tables(ink) if len(t[0]) >= _MIN_CELLS]
    boxes = _plausible(read_boxes(page))
    for cells, _ in tables if boxes else []:
        boxes += _missed(page, ink, cells, boxes)
    grids, outside = _grids(tables, boxes, number) if boxes else ([], [])
    if len(grids) == 1 and GRID_OCR_ALIGNED in grids[0].flags:
        extra = _gaps(page, ink, grids[0], boxes)
        if extra:
            grids, outside = _grids(tables, boxes + extra, number)
    if not grids:
        read = "no table was found on it" if boxes else "no text could be read on it"
        message = f"page {number} was read by OCR, but {read}."
        return _lines(outside, number), PageProblem("no_table_found", message, number)
    blocks: _PageBlocks = []
    for grid in grids:
        flags = (*grid.flags, PAGE_TURNED) if turned else grid.flags
        top = min((c.bbox[1] for c in grid.cells if c.bbox), default=0.0)
        blocks.append((number, top, replace(grid, flags=flags)))
    return blocks + _lines(outside, number), None


def _grids(
    tables: Sequence[tuple[list[Box], Box]], boxes: Sequence[OcrBox], number: int
) -> tuple[list[CellGrid], list[OcrBox]]:
    """One grid per ruled table (boxes assigned by their centres), or one aligned grid from
    the boxes when the page has no ruled table; and the boxes outside every grid."""
    if tables:
        grids = []
        for cells, box in tables:
            inside = [b for b in boxes if _within(b, box)]
            grid = lattice_grid(cells, _chars(inside), number)
            if grid.cells:
                grids.append(_scored(grid, inside, GRID_OCR_RULED))
        outside = [b for b in boxes if not any(_within(b, box) for _, box in tables)]
        return grids, outside
    stream = _aligned(boxes, number)
    if stream is None or _rows(stream) < 3:
        return [], list(boxes)
    grid_box = _extent(stream)
    outside = [b for b in boxes if not _within(b, grid_box)]
    inside = [b for b in boxes if _within(b, grid_box)]
    return [_scored(stream, inside, GRID_OCR_ALIGNED)], outside


def _missed(
    page: Any,
    ink: Any,
    cells: Sequence[tuple[float, float, float, float]],
    boxes: Sequence[OcrBox],
    inset: int = 6,
) -> list[OcrBox]:
    """Short text the page-level detector missed ("=", "≤", a lone digit): every ruled cell with
    ink but no OCR box is read by recognition alone on its inked area."""
    out = []
    for cell in cells:
        if any(_within(b, cell) for b in boxes):
            continue
        area = inked(ink, cell, inset)
        if area is None:
            continue
        x0, y0, x1, y1 = area
        read = read_line(page[y0:y1, x0:x1])
        if read is not None:
            out.append(OcrBox(float(x0), float(y0), float(x1), float(y1), *read))
    return out


def _aligned(boxes: Sequence[OcrBox], number: int) -> CellGrid | None:
    """The PDF stream grid on OCR boxes. Its tolerances are in PDF points for ~10 pt text, so
    the characters are scaled to a 10-unit glyph height and the cell boxes scaled back."""
    chars = _chars(boxes)
    k = max(chars[0][5] / 10.0, 1e-3) if chars else 1.0
    scaled = [(c[0] / k, c[1] / k, c[2] / k, c[3] / k, c[4], c[5] / k) for c in chars]
    grid, _ = stream_grid(scaled, number)
    if grid is None:
        return None
    cells = tuple(
        replace(c, bbox=tuple(round(v * k, 1) for v in c.bbox) if c.bbox else None)  # type: ignore[arg-type]
        for c in grid.cells
    )
    return replace(grid, cells=cells)


def _gaps(page: Any, ink: Any, grid: CellGrid, boxes: Sequence[OcrBox]) -> list[OcrBox]:
    """The aligned-grid counterpart of `_missed`: an empty position of a full row, under a
    column that holds text elsewhere, with ink in it, is read by recognition alone. A level
    name spanning rows fills them all, and its text (centred on them) tells nothing of
    where any one of those rows is."""
    cols: dict[int, tuple[float, float]] = {}
    rows: dict[int, tuple[float, float]] = {}
    for c in grid.cells:
        if c.bbox is None:
            continue
        x0, x1 = cols.get(c.col, (c.bbox[0], c.bbox[2]))
        cols[c.col] = (min(x0, c.bbox[0]), max(x1, c.bbox[2]))
        if c.rowspan == 1:
            y0, y1 = rows.get(c.row, (c.bbox[1], c.bbox[3]))
            rows[c.row] = (min(y0, c.bbox[1]), max(y1, c.bbox[3]))
    filled = {(r, c.col) for c in grid.cells for r in range(c.row, c.row + c.rowspan)}
    full = {r for r in rows if sum(1 for f in filled if f[0] == r) >= 3}
    gaps = [
        (cols[col][0], rows[r][0], cols[col][1], rows[r][1])
        for r in sorted(full)
        for col in sorted(cols)
        if (r, col) not in filled
    ]
    return _missed(page, ink, [g for g in gaps if not any(_within(b, g) for b in boxes)], [], 0)


def _rows(grid: CellGrid) -> int:
    per_row: dict[int, int] = {}
    for cell in grid.cells:
        per_row[cell.row] = per_row.get(cell.row, 0) + 1
    return sum(1 for n in per_row.values() if n >= 3)


def _extent(grid: CellGrid) -> tuple[float, float, float, float]:
    boxes = [c.bbox for c in grid.cells if c.bbox]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _within(box: OcrBox, area: tuple[float, float, float, float] | None) -> bool:
    if area is None:
        return False
    cx, cy = box.centre
    return area[0] - 2 <= cx <= area[2] + 2 and area[1] - 2 <= cy <= area[3] + 2


def _chars(boxes: Sequence[OcrBox]) -> list[Char]:
    """OCR lines as evenly spaced characters, so the PDF grid code can place them.

    OCR boxes are padded unevenly around the glyphs; every character gets the same glyph
    height (70 % of the median box) centred on its box, so that boxes of one table row line
    up and adjacent rows are as far apart as in a PDF."""
    if not boxes:
        return []
    heights = sorted(b.bottom - b.top for b in boxes)
    size = max(0.7 * heights[len(heights) // 2], 1.0)
    out: list[Char] = []
    for box in boxes:
        text = box.text
        step = (box.x1 - box.x0) / max(len(text), 1)
        top = box.centre[1] - size / 2
        for i, ch in enumerate(text):
            x0 = box.x0 + i * step
            out.append((x0, top, x0 + step, top + size, ch, size))
    return out


def _plausible(boxes: Sequence[OcrBox]) -> list[OcrBox]:
    """Boxes of text, without stamps and seals (far taller than the text around them)."""
    if not boxes:
        return []
    heights = sorted(b.bottom - b.top for b in boxes)
    limit = 2.5 * heights[len(heights) // 2]
    return [b for b in boxes if b.bottom - b.top <= limit]


def _scored(grid: CellGrid, boxes: Sequence[OcrBox], flag: str) -> CellGrid:
    """Cells marked as OCR, each scored with the lowest OCR score of the boxes inside it."""
    cells: list[GridCell] = []
    for cell in grid.cells:
        scores = [b.score for b in boxes if _within(b, cell.bbox)]
        score = round(min(scores), 3) if scores else 1.0
        cells.append(replace(cell, origin="ocr", score=score))
    return CellGrid(tuple(cells), grid.page, grid.where, (*grid.flags, flag))


def _lines(boxes: Sequence[OcrBox], number: int) -> _PageBlocks:
    out: _PageBlocks = []
    for line in group_lines(_chars(boxes)):
        text = line_text(line)
        if text:
            out.append((number, min(c[1] for c in line), TextLine(0, text, number)))
    return out
