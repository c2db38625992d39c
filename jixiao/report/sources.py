"""The source beside its rows: text lines, or PDF page images rendered once per file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.extract import read_bytes, read_source
from jixiao.inputs import unprefixed
from jixiao.models import SourceResult
from jixiao.problems import REFUSED, SourceError
from jixiao.redact import mask_text, sensitive_spans

RENDER_SCALE = 1.0  # 72 dpi: the size the page is shown at
GRAY_LEVELS = 8  # 3-bit grayscale PNG: a third of the bytes, text still crisp
# renders a PDF's pages, maybe in the background: (path, sha256, img_dir, redact) -> None
Renderer = Callable[[Path, str, Path, bool], None]


@dataclass
class SourceView:
    lines: list[tuple[int, str]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)  # n, img, width, height (points)
    note: str | None = None


def locate(rel_path: str, roots: list[Path]) -> Path | None:
    prefixed = unprefixed(rel_path)  # "2~2023/a.txt": a source of the 2nd INPUT
    if prefixed and 0 < prefixed[0] <= len(roots):
        candidate = roots[prefixed[0] - 1] / prefixed[1]
        return candidate if candidate.is_file() else None
    for root in roots:
        candidate = root / rel_path
        if candidate.is_file():
            return candidate
    return None


def source_view(
    result: SourceResult, roots: list[Path], img_dir: Path, redact: bool, render: Renderer
) -> SourceView:
    """What to show beside the rows; a note instead when the source is not there."""
    refused = [p.message for p in result.errors if p.code in REFUSED]
    if refused:
        return SourceView(note=refused[0])
    path = locate(result.source.path, roots)
    if path is None:
        return SourceView(note="The source file was not found (use --sources DIR).")
    try:
        data = read_bytes(path)
    except SourceError as exc:
        return SourceView(note=exc.message)
    view = SourceView()
    if hashlib.sha256(data).hexdigest() != result.source.sha256:
        view.note = "The source changed since the run: lines may not match the rows."
    if result.source.format in ("pdf", "scan"):
        view.pages = page_sizes(data, result.source.sha256, redact)
        if view.pages:
            render(path, result.source.sha256, img_dir, redact)
        return view
    try:
        doc = read_source(data, result.source.path)
    except SourceError as exc:
        view.note = exc.message
        return view
    view.lines = [(ln.number, mask_text(ln.text) if redact else ln.text) for ln in doc.lines]
    return view


def page_sizes(data: bytes, sha256: str, redact: bool = False) -> list[dict[str, Any]]:
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
        {"n": n, "img": image_name(sha256, n, redact), "width": w, "height": h}
        for n, (w, h) in enumerate(sizes, 1)
    ]


def image_name(sha256: str, page: int, redact: bool = False) -> str:
    return f"{sha256[:16]}-{page}{'-r' if redact else ''}.png"


def render_pages(path: Path, sha256: str, img_dir: Path, redact: bool = False) -> None:
    """Every page of the PDF at `path` as img/<sha16>-<n>.png, unless already there.

    With `redact`, what mask_text would mask in the page's text layer is blacked out."""
    import pypdfium2
    from PIL import ImageDraw

    lut = [round((v * GRAY_LEVELS // 256) * 255 / (GRAY_LEVELS - 1)) for v in range(256)]
    pdf = pypdfium2.PdfDocument(path.read_bytes())
    try:
        for index in range(len(pdf)):
            target = img_dir / image_name(sha256, index + 1, redact)
            if target.exists():
                continue
            page = pdf[index]
            image = page.render(scale=RENDER_SCALE, grayscale=True).to_pil().convert("L")
            if redact:
                draw = ImageDraw.Draw(image)
                height = page.get_height()
                for left, bottom, right, top in sensitive_boxes(page):
                    xy = [left, height - top, right, height - bottom]
                    draw.rectangle(
                        [v * RENDER_SCALE + d for v, d in zip(xy, (-1, -1, 1, 1))], fill=0
                    )
            image.point(lut).save(target, "PNG", compress_level=3)
    finally:
        pdf.close()


def sensitive_boxes(page: Any) -> list[tuple[float, float, float, float]]:
    """Character boxes (PDF points, bottom-left origin) of the page's sensitive text."""
    textpage = page.get_textpage()
    boxes = []
    for span in sensitive_spans(textpage.get_text_range()):
        searcher = textpage.search(span)
        while (found := searcher.get_next()) is not None:
            start, count = found
            boxes += [textpage.get_charbox(i) for i in range(start, start + count)]
    return boxes
