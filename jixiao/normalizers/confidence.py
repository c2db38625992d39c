"""Indicator confidence: one documented function of the flags.

    confidence = product of FLAGS[f].factor over the row's flags
                 x the lowest OCR score of the row's cells (1.0 for text sources)

rounded to 3 decimals. Each factor lives beside its flag in jixiao.flags, so a reviewer
can recompute any confidence from the flags in the output.
"""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.flags import FLAGS


def confidence(flags: Iterable[str], ocr_score: float = 1.0) -> float:
    value = ocr_score
    for flag in flags:
        spec = FLAGS.get(flag)
        if spec is not None:
            value *= spec.factor
    if value == 1.0:
        return 1.0  # what round gives (most rows: no flag that costs, no OCR), spared its work
    return round(max(0.0, min(1.0, value)), 3)
