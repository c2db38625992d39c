"""The source beside its rows: text lines, or PDF page images rendered once per file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.extract import read_source
from jixiao.models import SourceResult
from jixiao.problems import SourceError
from jixiao.redact import mask_text

RENDER_SCALE = 1.0  # 72 dpi: the size the page is shown at
GRAY_LEVELS = 8  # 3-bit grayscale PNG: a third of the bytes, text still crisp
# renders a PDF's pages in the background: (path, sha256, img_dir) -> None
Renderer = Callable[[Path, str, Path], None]


@dataclass
class SourceView:
    lines: list[tuple[int, str]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)  # n, img, width, height (points)
    note: str | None = None


def locate(rel_path: str, roots: list[Path]) -> Path | None:
    for root in roots:
        candidate = root / rel_path
        if candidate.is_file():
            return candidate
    return None


def source_view(
    result: SourceResult, roots: list[Path], img_dir: Path, redact: bool, render: Renderer
) -> SourceView:
    """What to show beside the rows; a note instead when the source is not there."""
    path = locate(result.source.path, roots)
    if path is None:
        return SourceView(note="The source file was not found (use --sources DIR).")
    data = path.read_bytes()
    view = SourceView()
    if hashlib.sha256(data).hexdigest() != result.source.sha256:
        view.note = "The source changed since the run: lines may not match the rows."
    if result.source.format in ("pdf", "scan"):
        if redact:
            view.note = "Page images are left out under --redact."
            return view
        view.pages = page_sizes(data, result.source.sha256)
        if view.pages:
            render(path, result.source.sha256, img_dir)
        return view
    try:
        doc = read_source(data, result.source.path)
    except SourceError as exc:
        view.note = exc.message
        return view
    view.lines = [(ln.number, mask_text(ln.text) if redact else ln.text) for ln in doc.lines]
    return view


def page_sizes(data: bytes, sha256: str) -> list[dict[str, Any]]:
    """Number, image name and size in points of every page ([] when pdfium cannot open it)."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return []
    try:
        sizes = [pdf.get_page_size(i) for i in range(len(pdf))]
    finally:
        pdf.close()
    return [
        {"n": n, "img": image_name(sha256, n), "width": w, "height": h}
        for n, (w, h) in enumerate(sizes, 1)
    ]


def image_name(sha256: str, page: int) -> str:
    return f"{sha256[:16]}-{page}.png"


def render_pages(path: Path, sha256: str, img_dir: Path) -> None:
    """Every page of the PDF at `path` as img/<sha16>-<n>.png, unless already there."""
    import pypdfium2

    lut = [round((v * GRAY_LEVELS // 256) * 255 / (GRAY_LEVELS - 1)) for v in range(256)]
    pdf = pypdfium2.PdfDocument(path.read_bytes())
    try:
        for index in range(len(pdf)):
            target = img_dir / image_name(sha256, index + 1)
            if not target.exists():
                image = pdf[index].render(scale=RENDER_SCALE, grayscale=True).to_pil()
                image.convert("L").point(lut).save(target, "PNG", compress_level=3)
    finally:
        pdf.close()
