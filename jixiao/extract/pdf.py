"""Reader for PDFs with a text layer: pdfplumber words and ruling lines into a SourceDoc.

Per page: characters and ruled tables (pdfplumber, "lines" strategy) become `CellGrid`s
with page and bbox on every cell; text outside tables becomes `TextLine`s; blocks are in
reading order (top to bottom). A page without ruled tables gets a grid from text alignment
(stream). Where the pdfplumber grid is doubtful (stream, or few full rows), camelot
(optional extra `jixiao[camelot]`) gives a second opinion and the grid with the better
structural score wins; the winner is named in `CellGrid.flags`. A table whose grid opens a
page right after a grid that closed the previous one, with the same number of columns, is
flagged `continued_across_pages` (page-number lines such as "第 2 页" in between are
ignored). Pages with no usable text layer are listed in `SourceDoc.ocr_pages`; the pipeline
reads them by OCR
(extract/scan.py) or, without the OCR extra, reports each as `ocr_unavailable`.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType
from typing import Any

from jixiao.extract.archive import check_pdf_streams
from jixiao.extract.pdf_grid import grid_score, lattice_grid, stream_grid
from jixiao.extract.pdf_page import PDF_ENGINES, PageContent, usable
from jixiao.extract.pdf_text import Box, Char, group_lines, line_text
from jixiao.flags import CONTINUED_ACROSS_PAGES, GRID_CAMELOT, GRID_PDFPLUMBER, GRID_STREAM
from jixiao.problems import SourceError
from jixiao.records import Block, CellGrid, SourceDoc, TextLine

MAX_PAGES = 5000  # a PDF with more pages is not a form file: refused
_DOUBTFUL_SCORE = 2.0  # a lattice grid scoring below this gets a camelot second opinion
_PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD


def read_pdf(data: bytes, rel_path: str, sha256: str, engine: str = "pdfium") -> SourceDoc:
    """The text-layer pages of a PDF as grids and lines, read by `engine` ("pdfium" or
    "pdfplumber"); pages with no usable text layer are listed for OCR."""
    check_pdf_streams(data, rel_path)
    document = _Document(data, rel_path, engine)
    try:
        blocks: list[tuple[int, float, Block]] = []
        scan_pages: list[int] = []
        for number in range(1, document.pages + 1):
            content = document.page(number)
            if content is None:
                scan_pages.append(number)
            else:
                blocks.extend(_page_blocks(content, data))
        pages = document.pages
    finally:
        document.close()
    ordered = _mark_continuations([b for _, _, b in sorted(blocks, key=lambda t: (t[0], t[1]))])
    numbered = _number_lines(ordered)
    fmt = "scan" if scan_pages and len(scan_pages) == pages else "pdf"
    return SourceDoc(
        rel_path, sha256, fmt, None, pages, blocks=tuple(numbered), ocr_pages=tuple(scan_pages)
    )


def _engine(name: str) -> ModuleType:
    if name not in PDF_ENGINES:
        raise ValueError(f"unknown PDF engine {name!r}; expected one of {', '.join(PDF_ENGINES)}")
    return importlib.import_module(
        f"jixiao.extract.pdf_{'pdfium' if name == 'pdfium' else 'plumber'}"
    )


class _Document:
    """A PDF opened by the chosen engine. A page whose characters PDFium cannot map to
    Unicode is read again by pdfplumber (opened on first need); a page usable by neither
    is left to OCR."""

    def __init__(self, data: bytes, rel_path: str, engine: str) -> None:
        self.data, self.rel_path, self.engine = data, rel_path, engine
        self.module = _engine(engine)
        self.handle = _open(self.module, data, rel_path)
        self.fallback: tuple[ModuleType, Any] | None = None

    @property
    def pages(self) -> int:
        return int(self.module.page_count(self.handle))

    def page(self, number: int) -> PageContent | None:
        content = _read(self.module, self.handle, number, self.rel_path)
        if usable(content.chars):
            return content
        if self.engine == "pdfium" and content.chars:  # text there, but not as Unicode
            fallback = self._fallback()
            if fallback is not None:
                other = _read(fallback[0], fallback[1], number, self.rel_path)
                if usable(other.chars):
                    return other
        return None

    def _fallback(self) -> tuple[ModuleType, Any] | None:
        if self.fallback is None:
            module = _engine("pdfplumber")
            try:
                self.fallback = (module, module.open_document(self.data))
            except Exception:  # pdfminer cannot open what PDFium could: no fallback
                return None
        return self.fallback

    def close(self) -> None:
        self.handle.close()
        if self.fallback is not None:
            self.fallback[1].close()


def _open(module: ModuleType, data: bytes, rel_path: str) -> Any:
    try:
        pdf = module.open_document(data)
        pages = module.page_count(pdf)
    except Exception as exc:
        if _encrypted(exc):
            raise SourceError(
                "encrypted_pdf", f"{rel_path} is encrypted with a password and cannot be read."
            ) from exc
        raise SourceError(
            "unreadable_pdf", f"{rel_path} is damaged or truncated ({_cause(exc)})."
        ) from exc
    if pages > MAX_PAGES:
        pdf.close()
        raise SourceError(
            "too_large", f"{rel_path} has {pages:,} pages, over the limit of {MAX_PAGES:,}."
        )
    return pdf


def _read(module: ModuleType, pdf: Any, number: int, rel_path: str) -> PageContent:
    try:
        content: PageContent = module.read_page(pdf, number)
    except Exception as exc:  # pdfminer raises many types on damaged content
        raise SourceError(
            "unreadable_pdf",
            f"{rel_path}: page {number} could not be read ({_cause(exc)}).",
            number,
        ) from exc
    return content


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out:
        out.append(current)
        current = current.__cause__ or current.__context__
    # pdfplumber's PdfminerException wraps the original as its first argument
    for item in list(out):
        out.extend(a for a in item.args if isinstance(a, BaseException))
    return out


def _encrypted(exc: BaseException) -> bool:
    chain = _chain(exc)
    names = " ".join(type(e).__name__ for e in chain)
    # PDFium: PdfiumError with FPDF_ERR_PASSWORD
    pdfium = any(getattr(e, "err_code", None) == _PDFIUM_PASSWORD_ERROR for e in chain)
    return "Password" in names or "Encrypt" in names or pdfium


def _cause(exc: BaseException) -> str:
    root = _chain(exc)[-1]
    text = str(root).strip().rstrip(".") or "no detail"
    return f"{type(root).__name__}: {text[:120]}"


def _page_blocks(content: PageContent, data: bytes) -> list[tuple[int, float, Block]]:
    chars, number = list(content.chars), content.number
    opinions = _Opinions(data, number, content.height)
    out: list[tuple[int, float, Block]] = []
    inside: set[int] = set()
    for table in content.tables:
        x0, top, x1, bottom = table.bbox
        idx = [
            i
            for i, c in enumerate(chars)
            if x0 <= (c[0] + c[2]) / 2 <= x1 and c[1] <= bottom and c[3] >= top
            if _in_table(c, table.bbox)
        ]
        inside.update(idx)
        grid = lattice_grid(table.cells, [chars[i] for i in idx], number)
        if _doubtful(grid):
            grid = opinions.best(grid, "lattice", (GRID_PDFPLUMBER,))
        else:
            grid = _with_flags(grid, (GRID_PDFPLUMBER,))
        out.append((number, top, grid))
    rest = [c for i, c in enumerate(chars) if i not in inside]
    lines = group_lines(rest)
    if not content.tables:
        stream, lines = stream_grid(rest, number)
        if stream is not None:
            if _doubtful(stream):
                stream = opinions.best(stream, "stream", (GRID_PDFPLUMBER, GRID_STREAM))
            else:
                stream = _with_flags(stream, (GRID_PDFPLUMBER, GRID_STREAM))
            out.append((number, min(c.bbox[1] for c in stream.cells if c.bbox), stream))
    for line in lines:
        text = line_text(line)
        if text:
            out.append((number, min(c[1] for c in line), TextLine(0, text, number)))
    return out


def _in_table(ch: Char, bbox: Box) -> bool:
    """The character's centre is in the table, or it lies across the table's top or bottom
    edge (text of a merged cell cut by a page break, printed half on each page)."""
    x0, top, x1, bottom = bbox
    if not x0 <= (ch[0] + ch[2]) / 2 <= x1:
        return False
    return (
        ch[1] <= bottom
        and ch[3] >= top
        and (ch[1] < top < ch[3] or ch[1] < bottom < ch[3] or top <= (ch[1] + ch[3]) / 2 <= bottom)
    )


def _doubtful(grid: CellGrid) -> bool:
    """A grid wide enough to be an indicator table but with few full rows."""
    columns = max((c.col + c.colspan for c in grid.cells), default=0)
    return columns >= 3 and grid_score(grid) < _DOUBTFUL_SCORE


class _Opinions:
    """camelot's grids for one page, computed at most once per flavor."""

    def __init__(self, data: bytes, page: int, height: float) -> None:
        self.data, self.page, self.height = data, page, height
        self.cache: dict[str, list[tuple[CellGrid, str]]] = {}

    def grids(self, flavor: str) -> list[tuple[CellGrid, str]]:
        if flavor not in self.cache:
            from jixiao.extract.pdf_camelot import camelot_grids

            self.cache[flavor] = camelot_grids(self.data, self.page, flavor, self.height)
        return self.cache[flavor]

    def best(self, grid: CellGrid, flavor: str, flags: tuple[str, ...]) -> CellGrid:
        """The grid with the better structural score among pdfplumber's and camelot's
        grids covering the same region; the winner is named in the flags."""
        mine, best, best_flags = grid_score(grid), grid, flags
        region = _bbox(grid)
        for other, name in self.grids(flavor):
            if _overlap(region, _bbox(other)) < 0.5:
                continue
            score = grid_score(other)
            if score > mine:
                best, mine, best_flags = other, score, (f"{GRID_CAMELOT}_{name}",)
        return _with_flags(best, best_flags)


def _bbox(grid: CellGrid) -> tuple[float, float, float, float]:
    boxes = [c.bbox for c in grid.cells if c.bbox is not None]
    if not boxes:
        return (0.0, 0.0, 0.0, 0.0)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over the smaller box's area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


def _with_flags(grid: CellGrid, flags: tuple[str, ...]) -> CellGrid:
    return CellGrid(grid.cells, grid.page, grid.where, tuple(dict.fromkeys((*grid.flags, *flags))))


_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+(\s*/\s*\d+)?)[-—–\s]*$"
)


def _mark_continuations(blocks: list[Block]) -> list[Block]:
    """Flag a grid opening a page right after a grid that ended the previous page.

    Page-number lines ("第 2 页", "- 3 -", "2/5") are dropped: they would sit between the
    two halves of the table.
    """
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, TextLine) and _PAGE_NUMBER.match(block.text):
            continue
        prev = out[-1] if out else None
        if (
            isinstance(block, CellGrid)
            and isinstance(prev, CellGrid)
            and block.page is not None
            and prev.page is not None
            and block.page == prev.page + 1
            and _columns(block) == _columns(prev)
        ):
            block = _with_flags(block, (CONTINUED_ACROSS_PAGES,))
            if CONTINUED_ACROSS_PAGES not in prev.flags:
                out[-1] = _with_flags(prev, (CONTINUED_ACROSS_PAGES,))
        out.append(block)
    return out


def _columns(grid: CellGrid) -> int:
    return max((c.col + c.colspan for c in grid.cells), default=0)


def _number_lines(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    n = 0
    for block in blocks:
        if isinstance(block, TextLine):
            n += 1
            block = TextLine(n, block.text, block.page)
        out.append(block)
    return out
