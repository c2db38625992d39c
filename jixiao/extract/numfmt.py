"""Render spreadsheet values as the cell shows them, from the Excel number format.

0.95 under "0%" reads "95%", 1350.75 under "#,##0.00" reads "1,350.75", a date cell reads
as an ISO date (or "2026年12月31日" when the format prints 年月日). Shared by the XLSX and
XLS readers so both follow one rule.
"""

from __future__ import annotations

import datetime as dt
import re

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DECIMALS = re.compile(r"\.([0#?]+)")


def render(value: object, number_format: str | None) -> str:
    """The displayed text of a cell value under its number format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        return render_date(value, number_format)
    if isinstance(value, (int, float)):
        return render_number(float(value), number_format or "General")
    return str(value)


def render_date(value: dt.date, number_format: str | None) -> str:
    fmt = number_format or ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) or not re.search(r"[hs]", fmt, re.IGNORECASE):
            value = value.date()
        else:
            return value.isoformat(sep=" ", timespec="minutes")
    if "年" in fmt:
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def render_number(value: float, number_format: str) -> str:
    sections = number_format.split(";")
    section = sections[1] if value < 0 and len(sections) > 1 else sections[0]
    bare = _QUOTED.sub("", section)
    if bare.strip().lower() in ("general", "", "@"):
        return _general(value)
    decimals_match = _DECIMALS.search(bare)
    decimals = len(decimals_match.group(1)) if decimals_match else 0
    percent = "%" in bare
    magnitude = abs(value) * (100 if percent else 1)
    grouped = "," in bare.split(".")[0]
    text = f"{magnitude:,.{decimals}f}" if grouped else f"{magnitude:.{decimals}f}"
    text += "%" if percent else ""
    if value >= 0 or float(text.rstrip("%").replace(",", "")) == 0:
        return text
    return f"({text})" if "(" in bare else f"-{text}"


def _general(value: float) -> str:
    """Excel's General format: integers without a point, others to 10 significant digits."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text
