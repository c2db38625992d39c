"""Numbers as printed in forms: thousands separators, Chinese numerals in scoring text."""

from __future__ import annotations

import math
import re
from typing import Final

_CN_DIGITS: Final = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER: Final = re.compile(r"^[零一二两三四五六七八九十百]+$")
_THOUSANDS: Final = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_number(text: str) -> float | None:
    """A decimal number ("1,350.75", "95", "-0.3"), or None (also for "nan", "inf" and
    numbers too long for a float)."""
    text = text.strip().replace("，", ",")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def chinese_number(text: str) -> float | None:
    """Small Chinese numerals ("二" -> 2, "十五" -> 15, "百" -> 100) and digits."""
    number = parse_number(text)
    if number is not None:
        return number
    if not _CN_NUMBER.match(text):
        return None
    if text == "百":
        return 100.0
    total, current = 0, 0
    for char in text:
        if char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            current = _CN_DIGITS[char]
    return float(total + current)
