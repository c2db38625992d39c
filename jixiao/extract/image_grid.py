"""Page images to table grids with OpenCV: clean-up, deskew, ruling lines, cells with spans.

Steps (numpy arrays, gray uint8, white paper):
  1. `is_blank`: almost no ink after binarization.
  2. `upright`: a page lying on its side (text lines run vertically) is turned by 90 degrees.
  3. `deskew`: the angle of the long horizontal rules (HoughLinesP on the morphological
     horizontal-line mask), or of the text lines when there are no rules; the page is rotated
     by it with a white border.
  4. `ruled_tables`: horizontal and vertical rules by morphological opening (breaks along a
     rule bridged), each connected frame a table, each enclosed region one cell (a merged
     cell is one region);
     cell edges are snapped to shared boundaries so that spans come out exact.
OpenCV 5's HoughLinesP returns (N, 4): results are reshaped, never unpacked 4.x-style.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

Box = tuple[float, float, float, float]

_BLANK_INK = 0.002  # share of dark pixels under which a page is blank
_MAX_SKEW = 8.0  # degrees; larger estimates are noise
_RED = 60  # red minus green above this: a stamp or seal, not text
_GLYPH_PX = 19  # 75th percentile of glyph heights on a 200-dpi page of 10.5 pt text
_SNAP = 12.0  # px at 200 dpi: cell edges closer than this share one boundary


def gray(image: Any) -> Any:
    """A page as gray uint8. For colour pages: the red channel, with reddish pixels (stamps,
    seals) set to white, so that black text and rules stay and red ink fades out."""
    import numpy as np

    arr = np.asarray(image)
    if arr.ndim == 3:
        red = arr[:, :, 0].astype(np.int16)
        green = arr[:, :, 1].astype(np.int16)
        out = arr[:, :, 0].copy()
        out[red - green > _RED] = 255
        return out
    return arr.astype(np.uint8, copy=False)


def binary(page: Any) -> Any:
    """Ink as 255 on 0: median blur against salt noise, then adaptive threshold."""
    import cv2

    blurred = cv2.medianBlur(page, 3)
    return cv2.adaptiveThreshold(
        blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15
    )


def glyph_scale(ink: Any) -> float:
    """Factor bringing a page's glyphs to their size at 200 dpi when they are over 1.25x that
    (a 300-dpi scan, large print): OCR reads as well and the image work drops by half. Glyphs
    are the connected ink components of about square shape; 1.0 for smaller glyphs."""
    import cv2
    import numpy as np

    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    glyphs = height[(height >= 6) & (height <= 150) & (width <= 2 * height) & (2 * width >= height)]
    if len(glyphs) < 20:
        return 1.0
    typical = float(np.percentile(glyphs, 75))
    return _GLYPH_PX / typical if typical > 1.25 * _GLYPH_PX else 1.0


def is_blank(ink: Any) -> bool:
    import cv2

    opened = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (2, 2))
    )
    return float((opened > 0).mean()) < _BLANK_INK


def _rules(ink: Any, horizontal: bool, scale: int) -> Any:
    import cv2

    h, w = ink.shape[:2]
    size = (max(w // scale, 20), 1) if horizontal else (1, max(h // scale, 20))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    # bridge breaks along each rule (a stamp over it, noise), never across rules
    bridge = (2 * size[0], 1) if horizontal else (1, 2 * size[1])
    return cv2.morphologyEx(
        rules, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge)
    )


def _text_mask(ink: Any) -> Any:
    """Characters smeared into line blobs (closing along the line direction)."""
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (25, 3))
    return cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel)


def upright(page: Any, ink: Any) -> tuple[Any, Any, bool]:
    """Turn a page whose text lines and rules run vertically by 90 degrees."""
    import cv2

    horiz = int((_rules(ink, True, 30) > 0).sum())
    vert = int((_rules(ink, False, 30) > 0).sum())
    rows = float(_text_mask(ink).mean(axis=1).std())
    cols = float(_text_mask(ink.T).mean(axis=1).std())
    sideways = (
        (vert > 1.6 * horiz and vert > 0) if horiz + vert > ink.size * 0.002 else cols > 1.4 * rows
    )
    if not sideways:
        return page, ink, False
    turn = cv2.ROTATE_90_CLOCKWISE
    return cv2.rotate(page, turn), cv2.rotate(ink, turn), True


def skew_angle(ink: Any) -> float:
    """Median angle in degrees of the long horizontal rules (or text lines without rules)."""
    import cv2
    import numpy as np

    w = ink.shape[1]
    mask = _rules(ink, True, 30)
    if int((mask > 0).sum()) < w:  # no rules: the text lines
        return _profile_angle(ink)
    # 0.5-degree bins are enough: the angle comes from the segment end points, not the bin
    lines = cv2.HoughLinesP(mask, 1, math.pi / 360, 100, minLineLength=w // 8, maxLineGap=20)
    if lines is None:
        return 0.0
    segs = np.asarray(lines).reshape(-1, 4).astype(float)
    angles = np.degrees(np.arctan2(segs[:, 3] - segs[:, 1], segs[:, 2] - segs[:, 0]))
    angles = angles[np.abs(angles) <= _MAX_SKEW]
    return float(np.median(angles)) if angles.size else 0.0


def _profile_angle(ink: Any) -> float:
    """Skew of text lines: the angle whose row profile of the (downscaled) ink is sharpest."""
    import cv2
    import numpy as np

    small = cv2.resize(ink, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    best, best_score = 0.0, -1.0
    for angle in np.arange(-_MAX_SKEW / 2, _MAX_SKEW / 2 + 0.01, 0.1):
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        turned = cv2.warpAffine(small, matrix, (w, h), flags=cv2.INTER_NEAREST)
        score = float(np.var(turned.sum(axis=1, dtype=np.float64)))
        if score > best_score:
            best, best_score = float(angle), score
    return best


def rotate(page: Any, angle: float) -> Any:
    """Rotate a gray page by `angle` degrees (counter-clockwise positive), white border."""
    import cv2

    if abs(angle) < 0.05:
        return page
    h, w = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        page,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def ruled_tables(ink: Any) -> list[tuple[list[Box], Box]]:
    """Every ruled table of the page, top to bottom: its cell boxes (x0, top, x1, bottom) and
    its own box. A form often prints its head (项目名称, 主管部门) and its indicators as two
    tables one above the other."""
    import cv2

    grid = cv2.bitwise_or(_rules(ink, True, 30), _rules(ink, False, 60))
    grid = cv2.dilate(grid, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    tables = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < ink.shape[1] // 4 or h < ink.shape[0] // 20:
            continue
        cells = _cells(grid, x, y, w, h)
        if cells:
            box = (float(x), float(y), float(x + w), float(y + h))
            tables.append((snap(cells, max(_SNAP, _SNAP * ink.shape[1] / 1654)), box))
    return sorted(tables, key=lambda t: t[1][1])


def _cells(grid: Any, x: int, y: int, w: int, h: int) -> list[Box]:
    """The regions enclosed by the rules inside one table's box: one per cell."""
    import cv2

    region = cv2.bitwise_not(grid[y : y + h, x : x + w])
    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=4)
    boxes: list[Box] = []
    for i in range(1, count):
        cx, cy, cw, ch, area = (int(v) for v in stats[i])
        if cw < 8 or ch < 8 or area < 0.5 * cw * ch:
            continue  # specks, and the L-shaped outside of a frame that is not closed
        if cx == 0 or cy == 0 or cx + cw >= w or cy + ch >= h:
            continue  # outside the frame
        boxes.append((float(x + cx), float(y + cy), float(x + cx + cw), float(y + cy + ch)))
    return boxes


def _boundaries(values: Sequence[float], tol: float) -> list[float]:
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _nearest(bounds: list[float], v: float) -> float:
    return min(bounds, key=lambda b: abs(b - v))


def snap(boxes: Sequence[Box], tol: float) -> list[Box]:
    """Cell edges moved to the shared row and column boundaries (spans exact). Slivers that
    collapse to nothing (the gap between two tables drawn one above the other) are dropped."""
    if not boxes:
        return []
    xs = _boundaries([v for b in boxes for v in (b[0], b[2])], tol)
    ys = _boundaries([v for b in boxes for v in (b[1], b[3])], tol)
    snapped = [
        (_nearest(xs, b[0]), _nearest(ys, b[1]), _nearest(xs, b[2]), _nearest(ys, b[3]))
        for b in boxes
    ]
    return [b for b in snapped if b[2] > b[0] and b[3] > b[1]]


def deskew_page(page: Any, ink: Any) -> tuple[Any, Any, bool]:
    """The page upright and deskewed, its ink mask recomputed; whether it was turned."""
    page, ink, turned = upright(page, ink)
    angle = skew_angle(ink)
    if abs(angle) < 0.05:
        return page, ink, turned
    page = rotate(page, angle)
    return page, binary(page), turned


def inked(ink: Any, cell: Box, inset: int = 6) -> tuple[int, int, int, int] | None:
    """The box around the ink inside a cell (rules excluded by an inset), or None if empty."""
    import cv2

    x0, y0 = int(cell[0]) + inset, int(cell[1]) + inset
    x1, y1 = int(cell[2]) - inset, int(cell[3]) - inset
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    region = cv2.morphologyEx(
        ink[y0:y1, x0:x1], cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (2, 2))
    )
    points = cv2.findNonZero(region)
    if points is None or len(points) < 40:
        return None
    x, y, w, h = cv2.boundingRect(points)
    if h < 6:  # a speck or a piece of a rule; "=" at 150 dpi is about 8 px tall
        return None
    return x0 + x - 3, y0 + y - 3, x0 + x + w + 3, y0 + y + h + 3
