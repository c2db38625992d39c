"""Dates printed in forms ("2025.12.15", "2025年12月15日") to ISO YYYY-MM-DD."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Final

_DATE: Final = re.compile(r"((?:19|20)\d{2})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?")


def iso_date(text: str | None) -> str | None:
    """The first full date in `text` as YYYY-MM-DD, or None."""
    if not text:
        return None
    match = _DATE.search(text)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


_DAY: Final = re.compile(
    r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*[日号]?"
)
_MONTH_END: Final = re.compile(r"(?:((?:19|20)\d{2})\s*年)?\s*(\d{1,2})\s*月\s*(底|末|份)?")
_PERIOD: Final = re.compile(
    r"^(?:19|20)\d{2}[./-]\d{1,2}\s*[-~～—至到]\s*((?:19|20)\d{2})[./-](\d{1,2})$"
)
_YEAR_END: Final = re.compile(r"^(?:((?:19|20)\d{2})\s*年)?\s*(?:年底|年末|年内|当年|全年|12月底)")
EXCEL_EPOCH: Final = date(1899, 12, 30)
EXCEL_SERIALS: Final = range(25569, 73051)  # 1970-01-01 .. 2099-12-31


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def deadline(text: str | None, year: int | None) -> str | None:
    """The date a deadline target names, as YYYY-MM-DD ("2025年10月底前" -> 2025-10-31).

    "N月前" (before month N) is read as the last day of month N-1; a month without a year
    takes the form's year; a period ("2023.07-2024.01") ends on the last day of its last month.
    """
    if not text:
        return None
    text = text.strip()
    try:
        if match := _PERIOD.match(text):
            return _month_end(int(match.group(1)), int(match.group(2))).isoformat()
        if match := _DAY.search(text):
            return date(*(int(g) for g in match.groups())).isoformat()
        if match := _YEAR_END.match(text):
            y = int(match.group(1)) if match.group(1) else year
            return date(y, 12, 31).isoformat() if y else None
        if match := _MONTH_END.search(text):
            y = int(match.group(1)) if match.group(1) else year
            month = int(match.group(2))
            if y is None or not 1 <= month <= 12:
                return None
            if match.group(3) is None and re.search(r"月\s*(?:前|以前|之前)", text):
                return (date(y, month, 1) - timedelta(days=1)).isoformat()
            return _month_end(y, month).isoformat()
    except ValueError:
        return None
    return None


def excel_serial_date(value: float) -> str | None:
    """An Excel date serial (44561 -> 2021-12-31), or None outside 1970..2099."""
    if not math.isfinite(value) or value != int(value) or int(value) not in EXCEL_SERIALS:
        return None
    return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
