"""Dates printed in forms ("2025.12.15", "2025年12月15日") to ISO YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date

_DATE = re.compile(r"((?:19|20)\d{2})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?")


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
