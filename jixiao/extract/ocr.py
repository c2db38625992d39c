"""OCR engine for scans: RapidOCR 3 (PP-OCRv6 models bundled in the wheel) on onnxruntime.

Optional extra `jixiao[ocr]`; imported lazily so that text sources never load it. The engine
is created once per process, with the bundled model files named explicitly, so nothing is
ever downloaded at run time. It runs once per page; boxes are then assigned to grid cells.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

INSTALL_HINT = "install the OCR extra: pip install 'jixiao[ocr]'"
MIN_LINE_SCORE = 0.6  # below this a recognition-only read of a cell is taken as noise
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u4e00-\u9fff≥≤<>=%％]")  # not just "_", "-", "."
_MODULES = ("rapidocr", "onnxruntime", "cv2", "PIL", "pypdfium2", "numpy")


@dataclass(frozen=True, slots=True)
class OcrBox:
    """One line of text read by OCR: axis-aligned box in image pixels, text, confidence."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    score: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """The OCR extra is installed (checked without importing it)."""
    return all(importlib.util.find_spec(name) is not None for name in _MODULES)


@lru_cache(maxsize=1)
def _engine() -> Any:
    from pathlib import Path

    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    params = {
        "Global.log_level": "error",
        "Global.use_cls": False,  # pages are deskewed and turned upright before OCR
        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
        "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
        # detection on the page scaled to 1280 px on its long side: 3x faster than at 200 dpi,
        # same boxes on form pages; recognition still reads crops of the full-resolution page
        "Det.limit_type": "max",
        "Det.limit_side_len": 1280,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    return RapidOCR(params=params)


def read_boxes(image: Any) -> list[OcrBox]:
    """OCR one page image (numpy array, BGR or gray) into text boxes, top to bottom."""
    # the engine keeps the flags of its last call (read_line turns detection off): pass all
    result = _engine()(image, use_det=True, use_cls=False, use_rec=True)
    if result is None or getattr(result, "boxes", None) is None:
        return []
    out = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores):
        text = str(text).strip()
        if not text:
            continue
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        out.append(OcrBox(min(xs), min(ys), max(xs), max(ys), text, float(score)))
    out.sort(key=lambda b: (b.top, b.x0))
    return out


def read_line(crop: Any) -> tuple[str, float] | None:
    """Recognition alone on a crop holding one short line (no detection): text and score,
    or None when nothing confident was read."""
    import cv2

    padded = cv2.copyMakeBorder(crop, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
    result = _engine()(padded, use_det=False, use_cls=False, use_rec=True)
    texts: Sequence[Any] = getattr(result, "txts", None) or ()
    scores: Sequence[Any] = getattr(result, "scores", None) or ()
    text = str(texts[0]).strip() if texts else ""
    if not _MEANINGFUL.search(text) or float(scores[0]) < MIN_LINE_SCORE:
        return None
    return text, float(scores[0])
