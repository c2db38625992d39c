"""The source beside its rows: text lines, or PDF page images rendered once per file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.extract import read_source
from jixiao.models import SourceResult
from jixiao.problems import SourceError
from jixiao.redact import mask_text

RENDER_SCALE = 1.25  # 90 dpi: readable, small
WEBP_QUALITY = 55


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


def source_view(result: SourceResult, roots: list[Path], img_dir: Path, redact: bool) -> SourceView:
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
        view.pages = render_pages(data, result.source.sha256, img_dir)
        return view
    try:
        doc = read_source(data, result.source.path)
    except SourceError as exc:
        view.note = exc.message
        return view
    view.lines = [(ln.number, mask_text(ln.text) if redact else ln.text) for ln in doc.lines]
    return view


def render_pages(data: bytes, sha256: str, img_dir: Path) -> list[dict[str, Any]]:
    """Every page as WebP in img/<sha16>-<n>.webp (skipped when already there)."""
    import pypdfium2

    pages = []
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            name = f"{sha256[:16]}-{index + 1}.webp"
            target = img_dir / name
            if not target.exists():
                image = page.render(scale=RENDER_SCALE, grayscale=True).to_pil()
                image.save(target, "WEBP", quality=WEBP_QUALITY, method=4)
            pages.append({"n": index + 1, "img": name, "width": width, "height": height})
    finally:
        pdf.close()
    return pages
