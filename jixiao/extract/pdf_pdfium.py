"""PDFium (pypdfium2) as the PDF engine: characters and ruling lines of each page.

PDFium parses content streams in C++, several times faster than pdfminer's pure Python.
Each page becomes a `PageContent` with pdfplumber's meaning (pdf_page.py):
  - characters: PDFium's text page without the characters it generates itself (spaces and
    line breaks it infers); x0, x1 and bottom from the loose box (advance width, baseline
    minus descent, as pdfminer), top = bottom - font size, as pdfminer's character height;
    a rotated character keeps the axis-aligned hull of its loose box;
  - ruling lines: every axis-parallel straight segment of the stroked or filled paths
    (inside form XObjects too), a rectangle giving its four sides, as pdfplumber's line,
    rect and curve edges; they go through pdfplumber's table finder (`ruled_tables`);
  - coordinates in the displayed page (after /Rotate), top-left origin, points.
A glyph PDFium cannot map to Unicode (no ToUnicode map, no usable cmap) reads as U+FFFD, so
that `usable` sends the page to the fallback engine.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jixiao.extract.pdf_page import PageContent, RuledTable, ruled_tables
from jixiao.extract.pdf_rules import Edge
from jixiao.extract.pdf_text import Box, Char

# characters PDFium may generate itself (a space only sometimes), and controls it emits
_MAYBE_GENERATED = frozenset(" \r\n\x00\x02\ufffe\uffff")
_FLAT = 1e-3  # a segment whose ends differ by less than this across is axis-parallel
Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, PDF order
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Frame:
    """User space to the displayed page: the mediabox origin and size, and /Rotate."""

    x0: float
    y0: float
    width: float  # unrotated
    height: float
    rotation: int  # 0, 90, 180 or 270, clockwise

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) in the displayed page with a top-left origin."""
        dx, dy = x - self.x0, y - self.y0
        if self.rotation == 90:
            return dy, dx
        if self.rotation == 180:
            return self.width - dx, dy
        if self.rotation == 270:
            return self.height - dy, self.width - dx
        return dx, self.height - dy

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        xa, ya = self.point(left, bottom)
        xb, yb = self.point(right, top)
        return (min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))

    @property
    def size(self) -> tuple[float, float]:
        """Displayed (width, height)."""
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height


def open_document(data: bytes) -> Any:
    import pypdfium2

    return pypdfium2.PdfDocument(data)


def page_count(pdf: Any) -> int:
    return len(pdf)


def read_page(pdf: Any, number: int) -> PageContent:
    """Characters and ruled tables of page `number` (1-based)."""
    page = pdf[number - 1]
    textpage = page.get_textpage()
    try:
        frame = _frame(page)
        chars = _chars(textpage.raw, frame)
        if chars:
            chars += _dropped_spaces(page.raw, textpage.raw, frame)
        width, height = frame.size
        tables = _tables(page, frame) if chars else []
    finally:
        textpage.close()
        page.close()
    return PageContent(number, width, height, tuple(chars), tuple(tables), "pdfium")


def _frame(page: Any) -> Frame:
    x0, y0, x1, y1 = page.get_mediabox()
    return Frame(x0, y0, x1 - x0, y1 - y0, page.get_rotation() % 360)


def _chars(handle: Any, frame: Frame) -> list[Char]:
    """The text page's characters, without those PDFium generated (inferred spaces and
    line breaks)."""
    import pypdfium2.raw as pdfium_c

    count = pdfium_c.FPDFText_CountChars(handle)
    texts = _page_text(handle, count)
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    loose_box, font_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
    angle_of, unmapped = pdfium_c.FPDFText_GetCharAngle, pdfium_c.FPDFText_HasUnicodeMapError
    generated = pdfium_c.FPDFText_IsGenerated
    # upright text on an unrotated page, the common case, is boxed inline (no calls)
    unturned, left0, top0 = frame.rotation == 0, frame.x0, frame.y0 + frame.height
    out: list[Char] = []
    for i, text in enumerate(texts):
        if text in _MAYBE_GENERATED and (text != " " or generated(handle, i) == 1):
            continue
        if not loose_box(handle, i, rect_ref):
            continue
        if unmapped(handle, i) == 1:
            text = "\ufffd"
        size, angle = font_size(handle, i), angle_of(handle, i)
        if unturned and angle == 0.0 and size > 0:
            bottom = top0 - rect.bottom
            out.append((rect.left - left0, bottom - size, rect.right - left0, bottom, text, size))
            continue
        box, size = _char_box(frame, rect, size, angle)
        out.append((box[0], box[1], box[2], box[3], text, size))
    return out


def _page_text(handle: Any, count: int) -> list[str]:
    """One string per character index: the whole text in one call when it is all in the
    Basic Multilingual Plane (one UTF-16 unit per character), else character by character."""
    import pypdfium2.raw as pdfium_c

    buffer = (ctypes.c_ushort * (count + 1))()
    pdfium_c.FPDFText_GetText(handle, 0, count, buffer)
    units = bytes(buffer)[: 2 * count]
    text = units.decode("utf-16-le", errors="surrogatepass")
    if len(text) == count and not any("\ud800" <= ch <= "\udfff" for ch in text):
        return list(text)
    return [_char_of(pdfium_c.FPDFText_GetUnicode(handle, i)) for i in range(count)]


def _char_of(code: int) -> str:
    try:
        return chr(code) if not 0xD800 <= code < 0xE000 else "\ufffd"
    except ValueError:
        return "\ufffd"


def _dropped_spaces(page: Any, textpage: Any, frame: Frame) -> list[Char]:
    """A space printed as a text object of its own is left out of PDFium's text page (a
    generated space stands in its place); pdfminer keeps it. One space for each such
    object, at its origin, one font size high: "周妮妮 联系电话", not "周妮妮联系电话"."""
    import pypdfium2.raw as pdfium_c

    out: list[Char] = []
    left, bottom_, right, top_ = (ctypes.c_float() for _ in range(4))
    bounds = [ctypes.byref(v) for v in (left, bottom_, right, top_)]
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        # inked glyphs have a box; the text lookup below is the costly call
        if pdfium_c.FPDFPageObj_GetBounds(obj, *bounds):
            if right.value - left.value > 0.5 and top_.value - bottom_.value > 0.5:
                continue
        if pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0) > 2:  # more than the NUL
            continue
        size = ctypes.c_float()
        if not pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
            continue
        m = _matrix(obj)
        scaled = size.value * math.hypot(m[2], m[3])
        if scaled <= 0:
            continue
        descent = ctypes.c_float()
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        if not font or not pdfium_c.FPDFFont_GetDescent(font, scaled, ctypes.byref(descent)):
            descent.value = -0.2 * scaled
        x, bottom = m[4], m[5] + descent.value  # as pdfminer: baseline plus the descent
        box = frame.box(x, bottom, x + 0.25 * scaled, bottom + scaled)
        out.append((box[0], box[1], box[2], box[3], " ", scaled))
    return out


def _char_box(frame: Frame, rect: Any, size: float, angle: float) -> tuple[Box, float]:
    """pdfminer's character box and size in the displayed page. Upright there: the loose
    box's advance and baseline-minus-descent, and a height of one font size. Otherwise the
    hull of the loose box, whose height pdfminer gives as the size."""
    box = frame.box(rect.left, rect.bottom, rect.right, rect.top)
    turn = angle + math.radians(frame.rotation)  # PDFium measures angles clockwise
    if abs(math.sin(turn)) < 1e-3 and math.cos(turn) > 0 and size > 0:
        return (box[0], box[3] - size, box[2], box[3]), size
    return box, box[3] - box[1]


# ---- ruling lines -------------------------------------------------------------------------


def _tables(page: Any, frame: Frame) -> list[RuledTable]:
    edges = [_edge(frame, a, b) for a, b in _segments(page)]
    kept = [e for e in edges if e is not None]
    if not kept:
        return []
    return ruled_tables(kept)


def _segments(page: Any) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """Straight segments of every painted path on the page, in user space."""
    import pypdfium2.raw as pdfium_c

    handle = page.raw
    for i in range(pdfium_c.FPDFPage_CountObjects(handle)):
        yield from _object_segments(pdfium_c.FPDFPage_GetObject(handle, i), _IDENTITY, 0)


def _object_segments(
    obj: Any, outer: Matrix, depth: int
) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    import pypdfium2.raw as pdfium_c

    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
        matrix = _compose(_matrix(obj), outer)
        for j in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
            yield from _object_segments(pdfium_c.FPDFFormObj_GetObject(obj, j), matrix, depth + 1)
    elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and _painted(obj):
        yield from _path_segments(obj, _compose(_matrix(obj), outer))


def _painted(obj: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return True
    return bool(fill.value or stroke.value)


def _path_segments(
    obj: Any, matrix: Matrix
) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """Line segments of a path (a closed subpath gives its closing side too); Bézier
    curves give none, but move the current point."""
    import pypdfium2.raw as pdfium_c

    x, y = ctypes.c_float(), ctypes.c_float()
    start = current = None
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        point = _apply(matrix, x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
            yield current, point
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or start is None:
            start = point
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start != point:
            yield point, start
            current = start


def _matrix(obj: Any) -> Matrix:
    import pypdfium2.raw as pdfium_c

    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """inner then outer (PDF row-vector convention: p' = p x inner x outer)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _edge(frame: Frame, a: tuple[float, float], b: tuple[float, float]) -> Edge | None:
    """A ruling edge for an axis-parallel segment (None for a slanted one)."""
    (xa, ta), (xb, tb) = frame.point(*a), frame.point(*b)
    if abs(ta - tb) < _FLAT:
        top = (ta + tb) / 2
        return ("h", min(xa, xb), top, max(xa, xb), top)
    if abs(xa - xb) < _FLAT:
        x = (xa + xb) / 2
        return ("v", x, min(ta, tb), x, max(ta, tb))
    return None
